"""The roster as the matching sees it, the hard rules and the score bonuses.

``Roster`` gathers, once per call, what every rule reads: the available members, their
levels (``levels.py``), organizations, regions and languages, the supervision chains and the
pairs who already know each other. ``exclusions`` names, for each candidate pair, the first
hard rule it breaks ("" when none); ``bonuses`` adds the preferences to a pair's score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..network import PeerNetwork
from ..ties import in_sorted, pair_keys
from .constraints import chain_keys, known_keys, language_matrix
from .levels import LevelMap, infer_levels, load_level_map
from .profiles import (
    EVIDENCE,
    attr,
    available,
    check_choice,
    positive_int,
    reference_time,
)

__all__ = ["SCORE_WEIGHTS", "Options", "Roster", "exclusions", "bonuses", "other_orgs_known"]

#: Default weights of the match score; pass ``weights=`` to change them.
SCORE_WEIGHTS: dict[str, float] = {"fit": 1.0, "proven": 0.1, "language": 0.2,
                                   "region": 0.3, "tie": 0.2, "bridge": 0.5}

PURPOSES = ("help", "integrate")
PREFER = ("new_ties", "known", None)
REGION = ("prefer_same", "same", "prefer_different", "ignore")
LANGUAGE = ("require", "bonus", "ignore")
LEVELS = ("same", "adjacent", "ignore")
METHODS = ("flow", "greedy")


@dataclass(frozen=True)
class Options:
    """The validated arguments of :func:`peernet.match`."""

    purpose: str = "help"
    k: int = 3
    capacity: int = 2
    same_org: bool = False
    prefer: str | None = "new_ties"
    region: str = "prefer_same"
    language: str = "require"
    levels: str = "same"
    seed: int = 0
    evidence: tuple[str, ...] = EVIDENCE
    small_event: int = 10
    weights: dict[str, float] = field(default_factory=lambda: dict(SCORE_WEIGHTS))
    method: str = "flow"
    candidates: int = 15
    roles: tuple[str, ...] | None = None
    bridge_orgs: int = 3

    @classmethod
    def checked(cls, *, purpose: str, k: Any, capacity: Any, same_org: Any,
                prefer: str | None, region: str, language: str, levels: str, seed: int,
                evidence: Sequence[str] | str, small_event: Any,
                weights: Mapping[str, float] | None, method: str, candidates: Any,
                roles: Sequence[str] | str | None, bridge_orgs: Any) -> Options:
        where = "match"
        k = positive_int("k", k, where)
        capacity = positive_int("capacity", capacity, where)
        candidates = positive_int("candidates", candidates, where)
        bridge_orgs = positive_int("bridge_orgs", bridge_orgs, where)
        if isinstance(small_event, bool) or not isinstance(small_event, (int, np.integer)) \
                or small_event < 0:
            raise ValueError(f"match: small_event must be an integer >= 0; got {small_event!r}")
        if not isinstance(same_org, bool):
            raise ValueError(f"match: same_org must be True or False; got {same_org!r}")
        check_choice(where, "purpose", purpose, PURPOSES)
        check_choice(where, "prefer", prefer, PREFER)
        check_choice(where, "region", region, REGION)
        check_choice(where, "language", language, LANGUAGE)
        check_choice(where, "levels", levels, LEVELS)
        check_choice(where, "method", method, METHODS)
        ev = (evidence,) if isinstance(evidence, str) else tuple(evidence)
        bad = [e for e in ev if e not in EVIDENCE]
        if bad or not ev:
            raise ValueError(f"match: evidence must name some of {list(EVIDENCE)}; got "
                             f"{list(ev)!r}")
        w = dict(SCORE_WEIGHTS)
        if weights is not None:
            unknown = sorted(set(weights) - set(w))
            if unknown:
                raise ValueError(f"match: weights keys must be among {sorted(w)}; got "
                                 f"{unknown}")
            w.update({key: float(v) for key, v in weights.items()})
        rl = None if roles is None else ((roles,) if isinstance(roles, str) else tuple(roles))
        return cls(purpose, k, capacity, same_org, prefer, region, language, levels, seed, ev,
                   int(small_event), w, method, candidates, rl, bridge_orgs)

    @property
    def max_score(self) -> float:
        return sum(abs(v) for v in self.weights.values())


@dataclass
class Roster:
    """What the rules read, built once per call (positions are rows of ``members``)."""

    net: PeerNetwork
    members: pd.DataFrame
    ids: pd.Index
    current: np.ndarray
    levels: pd.DataFrame
    rank: np.ndarray
    org: np.ndarray
    region: np.ndarray
    sector: np.ndarray
    lang_m: sp.csr_matrix
    langs: pd.Index
    known: np.ndarray
    chain: np.ndarray
    level_map: LevelMap
    reference: pd.Timestamp

    @classmethod
    def build(cls, net: PeerNetwork, *, small_event: int, level_map: Any = None,
              roles: Sequence[str] | None = None, where: str = "match") -> Roster:
        members = net.members.drop_duplicates("member_id").reset_index(drop=True)
        ids = pd.Index(members["member_id"].astype("str"))
        current = np.asarray(ids.isin(available(net)))
        if roles is not None:
            if "role" not in members.columns:
                raise ValueError(f"{where}: roles= needs a 'role' column in the roster; "
                                 f"columns are {list(members.columns)}")
            current &= members["role"].isin(list(roles)).to_numpy(dtype=bool, na_value=False)
        lmap = load_level_map(level_map)
        levels = infer_levels(members, lmap)
        lang_m, langs = language_matrix(members)
        return cls(net, members, ids, current, levels, levels["rank"].to_numpy(),
                   attr(members, "org").to_numpy(dtype=object),
                   attr(members, "region").to_numpy(dtype=object),
                   attr(members, "sector").to_numpy(dtype=object),
                   lang_m, langs, known_keys(net, ids, small_event),
                   chain_keys(members, ids), lmap, reference_time(net))

    @property
    def has_lang(self) -> np.ndarray:
        return np.asarray(self.lang_m.sum(axis=1)).ravel() > 0

    def shares_language(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if len(a) == 0:
            return np.zeros(0, bool)
        return np.asarray(self.lang_m[a].multiply(self.lang_m[b]).sum(axis=1)).ravel() > 0


def exclusions(r: Roster, o: Options, s: np.ndarray, p: np.ndarray) -> np.ndarray:
    """For each candidate pair, the first hard rule it breaks ("" when none).

    Self; supervision chain; level (same level, or one apart with ``levels="adjacent"``);
    same organization (unless ``same_org``); no shared language (``language="require"``);
    different region (``region="same"``).
    """
    keys = pair_keys(s, p, len(r.ids))
    out = np.full(len(s), "", dtype=object)
    rules: list[tuple[str, np.ndarray]] = [("self", s == p),
                                           ("supervision chain", in_sorted(keys, r.chain))]
    gap = np.abs(r.rank[s] - r.rank[p])
    if o.levels == "same":
        rules.append(("different level", gap > 0))
    elif o.levels == "adjacent":
        rules.append(("level more than one apart", gap > 1))
    if not o.same_org:
        rules.append(("same organization", pd.notna(r.org[s]) & (r.org[s] == r.org[p])))
    if o.language == "require":
        rules.append(("no shared language", ~r.shares_language(s, p)))
    if o.region == "same":
        rs, rp = r.region[s], r.region[p]
        rules.append(("different region", ~(pd.notna(rs) & pd.notna(rp) & (rs == rp))))
    for label, mask in rules:
        out[(out == "") & mask] = label
    return out


def bonuses(r: Roster, o: Options, s: np.ndarray, p: np.ndarray,
            known: np.ndarray) -> np.ndarray:
    """The preference part of the score: language, region and tie bonuses."""
    w = o.weights
    score = np.zeros(len(s))
    if o.language != "ignore":
        score += w["language"] * r.shares_language(s, p)
    rs, rp = r.region[s], r.region[p]
    reg_known = pd.notna(rs) & pd.notna(rp)
    same = reg_known & (rs == rp)
    if o.region == "prefer_same":
        score += w["region"] * same
    elif o.region == "prefer_different":
        score += w["region"] * (reg_known & ~same)
    if o.prefer == "new_ties":
        score += w["tie"] * ~known
    elif o.prefer == "known":
        score += w["tie"] * known
    return score


def other_orgs_known(r: Roster) -> np.ndarray:
    """For each member, the number of organizations other than their own among the members
    they already know (the ``known`` ties)."""
    n = len(r.ids)
    if len(r.known) == 0:
        return np.zeros(n, "int64")
    a, b = np.divmod(r.known, n)
    df = pd.DataFrame({"m": np.concatenate([a, b]), "o": np.concatenate([r.org[b], r.org[a]]),
                       "own": np.concatenate([r.org[a], r.org[b]])})
    df = df[df["o"].notna() & (df["o"] != df["own"])]
    return df.groupby("m")["o"].nunique().reindex(range(n), fill_value=0).to_numpy("int64")
