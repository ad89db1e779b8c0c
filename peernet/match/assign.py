"""The global assignment: which candidate pairs become suggestions.

A min-cost flow solved as a linear program (HiGHS): slot rewards make every seeker's first
suggestion worth more than anyone's second, and any suggestion worth more than a better score;
no peer is suggested more than ``capacity`` times. ``solve_greedy`` is the baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["solve_flow", "solve_greedy"]


def solve_flow(cand: pd.DataFrame, k: int, capacity: int, *, max_score: float) -> list[Any]:
    """Indices of ``cand`` chosen by the min-cost flow, solved as a linear program.

    Network: source -> (seeker, slot j) [cap 1, cost -R_j] -> seeker -> peer [cap 1, cost
    -score] -> sink [cap ``capacity``], and a free bypass source -> sink (slots may stay
    empty). R_j = (k - j) * M with M larger than any score: serving a seeker's first slot
    always beats improving scores, and first slots beat second ones. Variables: one per
    candidate pair (x) and one per seeker slot (y); rows: flow conservation at each seeker
    (sum x - sum y = 0) and each peer's capacity (sum x <= capacity). The constraint matrix
    is a network matrix (totally unimodular), so every vertex is integral: HiGHS (scipy
    ``linprog``, interior point with crossover to a vertex) returns a 0/1 solution, with
    ``milp`` as a safety net should a fractional one ever come back.
    """
    from scipy.optimize import LinearConstraint, linprog, milp

    if len(cand) == 0:
        return []
    s_codes, seekers = pd.factorize(cand["s"], sort=True)
    p_codes, peers = pd.factorize(cand["p"], sort=True)
    n_s, n_p, n_e = len(seekers), len(peers), len(cand)
    slots = np.minimum(k, np.bincount(s_codes, minlength=n_s))
    y_seeker = np.repeat(np.arange(n_s), slots)
    y_slot = np.arange(len(y_seeker)) - np.repeat(np.cumsum(slots) - slots, slots)
    n_y = len(y_seeker)
    big = max_score + 1.0
    cost = np.concatenate([-(cand["score"].to_numpy(float)
                             + 1e-6 * cand["tiebreak"].to_numpy(float)),
                           -(k - y_slot) * big])
    rows = np.concatenate([s_codes, n_s + p_codes, y_seeker])
    cols = np.concatenate([np.arange(n_e), np.arange(n_e), n_e + np.arange(n_y)])
    vals = np.concatenate([np.ones(2 * n_e), -np.ones(n_y)])
    A = sp.csr_matrix((vals, (rows, cols)), shape=(n_s + n_p, n_e + n_y))
    lower = np.zeros(n_s + n_p)
    upper = np.concatenate([np.zeros(n_s), np.full(n_p, float(capacity))])
    res = linprog(cost, A_ub=A[n_s:], b_ub=upper[n_s:], A_eq=A[:n_s], b_eq=lower[:n_s],
                  bounds=(0, 1), method="highs-ipm")  # interior point + crossover: a vertex
    x = res.x
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:  # pragma: no cover - safety net
        res = milp(cost, constraints=LinearConstraint(A, lower, upper),
                   integrality=np.ones(n_e + n_y), bounds=(0, 1),
                   options={"mip_rel_gap": 0.0})
        x = res.x
    if x is None:  # pragma: no cover - the all-zero flow is always feasible
        raise RuntimeError(f"match: the assignment could not be solved ({res.message})")
    return list(cand.index[x[:n_e] > 0.5])


def solve_greedy(cand: pd.DataFrame, k: int, capacity: int) -> list[Any]:
    """Indices of ``cand`` (sorted best first) taken greedily while both sides have room."""
    room_s: dict[int, int] = {}
    room_p: dict[int, int] = {}
    chosen: list[Any] = []
    for i, s, p in zip(cand.index, cand["s"].tolist(), cand["p"].tolist(), strict=True):
        if room_s.get(s, 0) < k and room_p.get(p, 0) < capacity:
            room_s[s] = room_s.get(s, 0) + 1
            room_p[p] = room_p.get(p, 0) + 1
            chosen.append(i)
    return chosen
