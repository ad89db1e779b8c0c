"""Mixing against chance: the E-I index and the cross-group share beside what random
relabelling of the same graph gives (UCINET's E-I permutation test).

An E-I index of 0.81 by organization sounds like a network that mixes, but with 25
organizations of a few members each almost every tie crosses organizations by chance alone
(0.92 expected on riverbend 2025): the observed value is *below* chance, the network is
homophilous. :func:`mixing` reports the observed value, its expectation under random
relabelling and the 95% range of the permutation distribution; :func:`mixing_matrix` the
ties between every two groups against the same expectation.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from . import _sparse as K

__all__ = ["mixing", "mixing_matrix", "chance_cross_share", "MIXING_COLUMNS",
           "MIXING_MATRIX_COLUMNS"]

#: Columns of :func:`mixing`, in order.
MIXING_COLUMNS = ("measure", "by", "observed", "expected", "low", "high", "p_value", "z",
                  "ties", "members", "groups", "permutations", "seed")
#: Columns of :func:`mixing_matrix`, in order.
MIXING_MATRIX_COLUMNS = ("group_a", "group_b", "members_a", "members_b", "ties", "expected",
                         "ratio")

#: Permuted labels held in memory at once (rows x ties of one block of permutations).
_BLOCK_CELLS = 4_000_000
#: ``method="auto"`` runs the permutations while ties x permutations stays under this many
#: label comparisons (about 0.2 s); above it (large networks, where the permutation
#: distribution is normal to within its own sampling error) it uses the exact moments.
PERMUTATION_CELLS = 50_000_000


def _arrays(net_or_graph: Any, by: str) -> tuple[K.GraphArrays, np.ndarray | None]:
    """Graph arrays of a PeerNetwork's default person graph, or of a networkx graph."""
    if isinstance(net_or_graph, nx.Graph):
        ga = K.arrays_from_graph(net_or_graph)
        if by not in ga.attrs.columns:
            G = net_or_graph
            values = pd.Series({n: G.nodes[n].get(by) for n in G}, dtype=object)
            ga.attrs = ga.attrs.assign(**{by: values.reindex(ga.attrs.index).to_numpy()})
    elif hasattr(net_or_graph, "interactions"):
        ga = K.arrays_from_net(net_or_graph)
    else:
        raise TypeError(f"mixing: net_or_graph must be a PeerNetwork or a networkx graph; "
                        f"got {type(net_or_graph).__name__}")
    if not isinstance(by, str) or not by:
        raise ValueError(f"by must be the name of a node attribute such as 'org'; got {by!r}")
    return ga, K.group_codes(ga, by)


def _known(ga: K.GraphArrays, g: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group codes of the nodes with the attribute (renumbered 0..N-1), and the ties
    between two such nodes as positions into them."""
    known = g >= 0
    pos = np.cumsum(known) - 1
    u, v, _ = ga.edges()
    ok = known[u] & known[v]
    return g[known], pos[u[ok]], pos[v[ok]]


def _same_group_probability(sizes: np.ndarray) -> float:
    """P(both ends of a tie share a group) when labels are permuted at random over the
    N labelled nodes: sum n_g (n_g - 1) / (N (N - 1))."""
    n = sizes.sum()
    if n < 2:
        return float("nan")
    return float((sizes * (sizes - 1)).sum() / (n * (n - 1)))


def chance_cross_share(groups: Any) -> float:
    """The share of ties expected to cross groups if labels were shuffled among members.

    Parameters
    ----------
    groups : array-like
        The group (organization, sector...) of each member of the graph; missing values
        are left out.

    Returns
    -------
    float
        1 - sum_g n_g (n_g - 1) / (N (N - 1)): the expected cross-group share of any fixed
        set of ties among these N members under random relabelling (the ``expected`` of
        :func:`mixing`); NaN for fewer than 2 labelled members.

    Examples
    --------
    >>> pn.metrics.chance_cross_share(["A", "A", "B", "B"])      # 1 - 4 / 12
    0.6666666666666667
    """
    a = np.asarray(groups) if isinstance(groups, np.ndarray | pd.Series) else None
    if a is not None and a.dtype.kind in "iu" and (not len(a) or a.min() >= 0):
        # integer codes (the Grid's, a bootstrap replicate at a time): counted as integers
        return 1 - _same_group_probability(np.bincount(a).astype(np.int64))
    g = pd.Series(np.asarray(groups, dtype=object)).dropna()
    sizes = g.value_counts().to_numpy(np.int64)
    return 1 - _same_group_probability(sizes)


def _falling(n: int, k: int) -> int:
    """n (n - 1) ... (n - k + 1), exact."""
    out = 1
    for i in range(k):
        out *= n - i
    return out


def _cross_moments(labels: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Exact mean and variance of the number of cross-group ties under random relabelling.

    The join-count moments under sampling without replacement (Cliff & Ord 1981, ch. 1):
    with W the ties inside groups, S_e = 1 when tie e's ends share a group,
    p2 = P(two nodes share a group), p3 = P(three do), p4 = P(two disjoint pairs each
    do), M ties and P1 = sum_i d_i (d_i - 1) ordered pairs of ties meeting at a node,

        Var W = M p2 (1 - p2) + P1 (p3 - p2^2) + (M (M - 1) - P1) (p4 - p2^2),

    and the cross ties are M - W. Exact for a graph without repeated ties or loops; the
    sums run on Python integers (fractions), so no cancellation at 10^6 ties.
    """
    from fractions import Fraction

    n_g = [int(x) for x in np.bincount(labels) if x > 0]
    n = sum(n_g)
    m = len(u)
    if n < 2 or m == 0:
        return float("nan"), float("nan")
    deg = np.bincount(np.concatenate([u, v]), minlength=len(labels)).astype(np.int64)
    p1 = int((deg * (deg - 1)).sum())
    a = [_falling(x, 2) for x in n_g]
    p2 = Fraction(sum(a), _falling(n, 2))
    p3 = Fraction(sum(_falling(x, 3) for x in n_g), _falling(n, 3)) if n >= 3 else Fraction(0)
    p4 = (Fraction(sum(a) ** 2 - sum(x * x for x in a) + sum(_falling(x, 4) for x in n_g),
                   _falling(n, 4)) if n >= 4 else Fraction(0))
    var = m * p2 * (1 - p2) + p1 * (p3 - p2 * p2) + (m * (m - 1) - p1) * (p4 - p2 * p2)
    return float(m * (1 - p2)), max(float(var), 0.0)


def _permuted_cross(labels: np.ndarray, u: np.ndarray, v: np.ndarray, permutations: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Number of cross-group ties under each of ``permutations`` random relabellings.

    Vectorised in blocks: a block of permutations is a (block x N) matrix of labels, each
    row an independent shuffle (``Generator.permuted`` along the rows); the cross ties of
    every row are counted with one fancy-indexing comparison.
    """
    m, n = len(u), len(labels)
    out = np.empty(permutations, np.int64)
    block = max(1, _BLOCK_CELLS // max(m, n, 1))
    done = 0
    while done < permutations:
        b = min(block, permutations - done)
        lab = rng.permuted(np.broadcast_to(labels, (b, n)), axis=1)
        out[done:done + b] = (lab[:, u] != lab[:, v]).sum(axis=1)
        done += b
    return out


def _normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)       # the standard library's: no scipy import here


def _method(method: str, ties: int, permutations: int) -> str:
    if method == "auto":
        return "permutation" if ties * permutations <= PERMUTATION_CELLS else "normal"
    return method


def mixing(net_or_graph: Any, by: str = "org", *, permutations: int = 1000, seed: int = 0,
           ci: float = 0.95, method: str = "auto") -> pd.DataFrame:
    """Observed mixing across groups against random relabelling of the same graph.

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        A slice (its default person graph, ``pn.person_graph(net)``: direct ties and
        co-attendance of events up to 30 people, the graph ``network_metrics`` uses for
        ``ei_index_*``), or any person graph whose nodes carry ``by``.
    by : str, default "org"
        Node attribute defining the groups (``"org"``, ``"sector"``, ``"region"``, ...).
    permutations : int, default 1000
        Random relabellings. Each keeps the graph and the group sizes and shuffles which
        member carries which label (members without the attribute keep none).
    seed : int, default 0
    ci : float, default 0.95
        Coverage of the permutation range ``low``-``high``.
    method : {"auto", "permutation", "normal"}, default "auto"
        ``"permutation"`` draws the relabellings; ``"normal"`` uses the exact mean and
        variance of the relabelling distribution (join-count moments) with a normal
        approximation for ``low``, ``high`` and ``p_value``; ``"auto"`` permutes while
        ties x permutations is at most :data:`PERMUTATION_CELLS` (50 million: riverbend,
        2,269 ties, is permuted 1,000 times) and takes the exact moments above it (a network
        of 10,000 members, where 1,000 permutations cost about 20 s and the distribution
        of a sum over a million ties is normal).

    Returns
    -------
    DataFrame
        One row per measure:

        - ``measure``: ``ei_index`` ((E - I) / (E + I), Krackhardt & Stern 1988) and
          ``cross_share`` (E / (E + I)), E ties across groups and I within, over ties whose
          two ends both have the attribute;
        - ``by``; ``observed``;
        - ``expected``: the exact expectation under random relabelling, with
          q = sum_g n_g (n_g - 1) / (N (N - 1)) the chance that a tie's two ends share a
          group (n_g members of group g, N labelled members): cross share 1 - q, E-I 1 - 2q;
        - ``low``, ``high``: the (1 - ci)/2 and (1 + ci)/2 percentiles of the measure over
          the permutations (the range chance alone produces); with the normal method,
          expected -/+ the normal quantile times the exact standard deviation, clipped to
          the measure's range;
        - ``p_value``: two-sided, (1 + #{|perm - expected| >= |observed - expected|}) /
          (1 + permutations); with the normal method, erfc(|z| / sqrt 2);
        - ``z``: (observed - expected) / the exact standard deviation of the measure under
          random relabelling (join-count variance, Cliff & Ord 1981; the same for both
          methods and for any seed), NaN when it is 0 (a single group, or every member in
          its own group);
        - ``ties`` (E + I), ``members`` (N), ``groups``, ``permutations`` (the number drawn:
          0 when the normal method was used), ``seed``.

        Every number is NaN when no tie joins two members who have the attribute.

    Notes
    -----
    Read ``observed`` against ``expected``, not against 0: with many small groups almost
    every tie crosses groups by chance alone. ``observed`` below ``low`` (negative ``z``,
    small ``p_value``) means members tie within their own group more than chance
    (homophily, silos); above ``high`` means the network connects groups more than chance
    would, which is what a network built to connect organizations should show.

    References
    ----------
    Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational crises.
    Social Psychology Quarterly 51(2), 123-140. Cliff, A. D. and Ord, J. K. (1981).
    Spatial Processes: Models and Applications, ch. 1 (join-count moments under
    non-free sampling). Borgatti, S. P., Everett, M. G. and Freeman,
    L. C. (2002). UCINET for Windows, E-I index (permutation test).

    Examples
    --------
    >>> y = pn.load_sample("riverbend").period("2025")
    >>> t = pn.metrics.mixing(y, by="org", permutations=200)
    >>> t[["measure", "observed", "expected"]].round(2).values.tolist()
    [['ei_index', 0.81, 0.92], ['cross_share', 0.91, 0.96]]
    >>> bool(t["p_value"].iloc[0] < 0.01)
    True
    """
    if not isinstance(permutations, (int, np.integer)) or permutations < 1:
        raise ValueError(f"permutations must be a positive integer; got {permutations!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1; got {ci!r}")
    if method not in ("auto", "permutation", "normal"):
        raise ValueError(f"method must be 'auto', 'permutation' or 'normal'; got {method!r}")
    ga, g = _arrays(net_or_graph, by)
    nan = float("nan")
    rows = {m: dict.fromkeys(("observed", "expected", "low", "high", "p_value", "z"), nan)
            for m in ("ei_index", "cross_share")}
    ties = members = groups = 0
    used = "permutation"
    if g is not None:
        labels, u, v = _known(ga, g)
        members, ties = len(labels), len(u)
        sizes = np.bincount(labels)
        groups = int((sizes > 0).sum())
        if ties:
            share = float((labels[u] != labels[v]).mean())
            mean, var = _cross_moments(labels, u, v)
            sd_share = math.sqrt(var) / ties
            used = _method(method, ties, int(permutations))
            if used == "permutation":
                rng = np.random.default_rng(seed)
                cross = _permuted_cross(labels, u, v, int(permutations), rng) / ties
            for name, f, scale in (("cross_share", lambda s: s, 1.0),
                                   ("ei_index", lambda s: 2 * s - 1, 2.0)):
                obs, exp, sd = f(share), f(mean / ties), scale * sd_share
                z = (obs - exp) / sd if sd > 0 else nan
                if used == "permutation":
                    perm = f(cross)
                    extreme = np.abs(perm - exp) >= abs(obs - exp) - 1e-12
                    low = float(np.quantile(perm, (1 - ci) / 2))
                    high = float(np.quantile(perm, (1 + ci) / 2))
                    p = float((1 + extreme.sum()) / (1 + len(perm)))
                else:
                    half = _normal_quantile((1 + ci) / 2) * sd
                    lo, hi = f(0.0), f(1.0)
                    low, high = max(lo, exp - half), min(hi, exp + half)
                    p = math.erfc(abs(obs - exp) / (sd * math.sqrt(2))) if sd > 0 else (
                        1.0 if abs(obs - exp) < 1e-12 else 0.0)
                rows[name] = {"observed": obs, "expected": exp, "low": low, "high": high,
                              "p_value": p, "z": z}
    out = pd.DataFrame([{"measure": m, "by": by, **r} for m, r in rows.items()])
    out["ties"], out["members"], out["groups"] = ties, members, groups
    out["permutations"] = int(permutations) if used == "permutation" else 0
    out["seed"] = int(seed)
    out["measure"] = out["measure"].astype("str")
    out["by"] = out["by"].astype("str")
    return out[list(MIXING_COLUMNS)]


def mixing_matrix(net_or_graph: Any, by: str = "org") -> pd.DataFrame:
    """Ties between every two groups, observed and expected under random relabelling.

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        As in :func:`mixing`.
    by : str, default "org"

    Returns
    -------
    DataFrame
        One row per unordered pair of groups (``group_a <= group_b``; a group with itself
        for the ties inside it), sorted: ``group_a``, ``group_b``, ``members_a``,
        ``members_b`` (labelled members of the graph), ``ties`` (observed, ties whose two
        ends both have the attribute), ``expected`` (m n_a n_b * 2 / (N (N - 1)) across two
        groups, m n_a (n_a - 1) / (N (N - 1)) inside one; m labelled ties, N labelled
        members), ``ratio`` (ties / expected; NaN when expected is 0). The ``expected``
        column sums to m, as ``ties`` does. Empty (with the columns) when no node has the
        attribute.

    Notes
    -----
    Rows with the same group on both sides and a ratio well above 1 are the silos; pairs of
    groups with a ratio near 0 are the bridges the network has yet to build.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("a", "d")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y", "d": "Y"}, "org")
    >>> m = pn.metrics.mixing_matrix(G)
    >>> m[["group_a", "group_b", "ties"]].values.tolist()
    [['X', 'X', 1], ['X', 'Y', 3], ['Y', 'Y', 0]]
    >>> m["expected"].round(3).tolist()
    [0.667, 2.667, 0.667]
    """
    ga, g = _arrays(net_or_graph, by)
    if g is None:
        return pd.DataFrame({c: pd.Series(dtype="str" if c.startswith("group") else
                                          "float64") for c in MIXING_MATRIX_COLUMNS})
    names = pd.factorize(ga.attrs[by].astype(object).where(ga.attrs[by].notna(), None))[1]
    labels, u, v = _known(ga, g)
    k, m, n = len(names), len(u), len(labels)
    # groups in sorted order of their names, so that group_a <= group_b
    order = np.argsort(np.asarray([str(x) for x in names], dtype=object), kind="stable")
    rank = np.empty(k, np.int64)
    rank[order] = np.arange(k)
    lab = rank[labels]
    sizes = np.bincount(lab, minlength=k).astype(float)
    a, b = np.minimum(lab[u], lab[v]), np.maximum(lab[u], lab[v])
    obs = np.bincount(a * k + b, minlength=k * k).reshape(k, k)
    ia, ib = np.triu_indices(k)
    denom = n * (n - 1)
    exp = np.where(ia == ib, sizes[ia] * (sizes[ia] - 1), 2 * sizes[ia] * sizes[ib])
    exp = m * exp / denom if denom else np.full(len(ia), np.nan)
    ties = obs[ia, ib]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(exp > 0, ties / np.where(exp > 0, exp, 1), np.nan)
    sorted_names = np.asarray([str(x) for x in names], dtype=object)[order]
    return pd.DataFrame({
        "group_a": pd.array(sorted_names[ia], dtype="str"),
        "group_b": pd.array(sorted_names[ib], dtype="str"),
        "members_a": sizes[ia].astype(np.int64), "members_b": sizes[ib].astype(np.int64),
        "ties": ties.astype(np.int64), "expected": exp.astype(float), "ratio": ratio,
    })
