"""Core and periphery of the direct-tie graph: Borgatti & Everett's (1999) discrete model.

A core is a set of members densely tied to one another; the periphery are members with few
ties among themselves. The model finds the split whose ideal pattern (every pair of core
members tied, no pair of peripheral members tied; core-periphery pairs left free, as UCINET's
default) correlates best with the observed ties. Unlike a k-core cut of a graph dominated by
co-attendance (where most members are "core"), the fit says how core-periphery the network
is (``attrs["correlation"]``) and the core can be small.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._cache import cached
from ..ties import undirected_pairs
from . import _sparse as K

__all__ = ["core_periphery", "CORE_PERIPHERY_COLUMNS"]

#: Columns of :func:`core_periphery`, in order.
CORE_PERIPHERY_COLUMNS = ("member_id", "position", "core", "degree", "core_ties")
#: Fits closer than this are equal (the larger core is kept).
_TIE = 1e-12


def _fit(n: int, k: np.ndarray | int, s1: np.ndarray | float, s0: np.ndarray | float
         ) -> np.ndarray:
    """Pearson correlation between the ties and the ideal pattern over the pairs inside the
    core (ideal 1) and inside the periphery (ideal 0): k core members, s1 ties inside the
    core, s0 inside the periphery. NaN where undefined (a constant side)."""
    k = np.asarray(k, float)
    s1, s0 = np.asarray(s1, float), np.asarray(s0, float)
    p1 = k * (k - 1) / 2
    p0 = (n - k) * (n - k - 1) / 2
    m = p1 + p0
    ties = s1 + s0
    den = p1 * p0 * ties * (m - ties)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (m * s1 - ties * p1) / np.sqrt(np.where(den > 0, den, 1)),
                        np.nan)


def _discrete(a: sp.csr_array, max_moves: int | None = None) -> tuple[np.ndarray, float]:
    """Best core (boolean vector) of the binary symmetric adjacency ``a`` and its fit.

    Starts: the best split "core = the k members of highest degree" over every k, and the
    best over the degree thresholds only (UCINET's and netUtils' search). From each, single
    moves in or out of the core, the best move each time, while the fit improves (a
    steepest-ascent local search; each step evaluates every node's move, once for all
    nodes alike in side, degree and ties into the core).
    The better end point is kept (equal fits: the larger core).
    """
    n = a.shape[0]
    deg = np.asarray(a.sum(axis=1)).ravel()
    if n < 3 or deg.sum() == 0:
        return np.zeros(n, bool), float("nan")
    if a.has_canonical_format and np.all(a.data == 1):   # one entry a tie already: read
        indices = a.indices if a.indices.dtype == np.int32 else a.indices.astype(np.int64)
        return _discrete_arrays(n, None, indices, None, deg,       # as core_of_csr does
                                a.indptr.astype(np.int64), indices, max_moves)
    coo = a.tocoo()
    c = sp.csr_array(a, copy=True)
    c.sum_duplicates()                          # canonical CSR: one entry per tie
    if not np.all(c.data == 1):
        raise ValueError("core-periphery: the adjacency must be binary (every tie once, 1)")
    return _discrete_arrays(n, coo.row, coo.col, coo.data, deg, c.indptr.astype(np.int64),
                            c.indices.astype(np.int64), max_moves)


def _discrete_arrays(n: int, row: np.ndarray | None, col: np.ndarray,
                     data: np.ndarray | None, deg: np.ndarray, indptr: np.ndarray,
                     indices: np.ndarray, max_moves: int | None = None
                     ) -> tuple[np.ndarray, float]:
    """:func:`_discrete` of the binary adjacency given as its entries (``row``, ``col``,
    ``data``), its row sums ``deg`` and its canonical CSR (int64 ``indptr``, ``indices``).
    ``row`` None: the entries are the CSR's (their ties to the nodes ranked before are
    counted by one compiled pass; ``data`` is not read and may be None)."""
    order = descending(deg)
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    # ties of each node to the nodes ranked before it: s1(k) = cumulative sum
    if row is None:
        from ._kernels import ranked_before, run

        before = run(ranked_before, (indptr, indices, rank), work=len(indices))
    else:
        assert data is not None
        later = rank[row] > rank[col]
        before = np.bincount(rank[row[later]], weights=data[later], minlength=n)
    s1_k = np.concatenate([[0.0], np.cumsum(before)])           # ties inside the first k
    total = deg.sum() / 2
    deg_sorted = deg[order]
    into_first = np.concatenate([[0.0], np.cumsum(deg_sorted)])  # ends touching first k
    s0_k = total - into_first + s1_k                              # ties among the rest
    ks = np.arange(1, n + 1)
    f = _fit(n, ks, s1_k[ks], s0_k[ks])
    cut = np.r_[deg_sorted[1:] != deg_sorted[:-1], True]          # degree thresholds
    starts = []
    for mask in (np.ones(n, bool), cut):
        fm = np.where(mask, f, np.nan)
        if not np.all(np.isnan(fm)):                               # equal fits: larger core
            starts.append(int(ks[fm >= np.nanmax(fm) - _TIE].max()))
    if not starts:
        return np.zeros(n, bool), float("nan")
    from ._cpkernels import prefix_ties
    from ._kernels import run

    # each node's ties into both starting cores (the first k0 by degree), in one pass
    ties = run(prefix_ties, (indptr, indices, order, starts[0], starts[-1]),
               work=len(indices))
    results = []
    for k0, to_core in zip(starts, ties, strict=False):
        core = np.zeros(n, bool)
        core[order[:k0]] = True
        results.append(_climb((indptr, indices), deg, core, to_core, total, max_moves))
    return max(results, key=lambda r: (round(r[1], 12), int(r[0].sum())))


def descending(deg: np.ndarray) -> np.ndarray:
    """``np.argsort(-deg, kind="stable")``: the nodes by degree, highest first, ties in
    node order. Integer degrees below 2**15 are sorted as int16 keys (numpy's stable sort
    of 16-bit keys is a radix sort, about 10x faster on 10,000 nodes; the same order)."""
    deg = np.asarray(deg)
    if len(deg) and 0 <= deg.min() and deg.max() < 2 ** 15:
        key = (-deg).astype(np.int16)
        if np.array_equal(key, -deg):
            return np.argsort(key, kind="stable")
    return np.argsort(-deg, kind="stable")


def _climb(a: tuple[np.ndarray, np.ndarray], deg: np.ndarray, core: np.ndarray,
           to_core: np.ndarray, total: float, max_moves: int | None
           ) -> tuple[np.ndarray, float]:
    """Steepest-ascent single moves from ``core`` (see :func:`_discrete`) over the binary
    adjacency ``a`` (canonical CSR ``indptr``, ``indices``; ``deg`` its rows' lengths;
    ``to_core``: each node's ties into ``core``, int64, changed):
    each step evaluates every node's move in or out of the core and makes the best one
    (equal fits: the first move into the core, so the larger core wins ties; the fit never
    falls and the core grows at equal fit, so no cycle). A compiled loop that evaluates
    one move per group of nodes alike in side, degree and ties into the core
    (:func:`peernet.metrics._cpkernels.climb_groups`)."""
    from ._cpkernels import climb_groups
    from ._kernels import run

    n = len(deg)
    core = core.copy()
    limit = max_moves if max_moves is not None else 4 * n
    best = run(climb_groups, (*a, np.asarray(deg, float), core, to_core, float(total),
                              int(limit), _TIE), work=float(n) * n)
    return core, float(best)


def tie_adjacency(n: int, u: np.ndarray, v: np.ndarray) -> sp.csr_array:
    """Binary symmetric adjacency of ``n`` nodes with the ties ``u - v``."""
    a = K._sym(n, u, v, np.ones(len(u)))
    a.data[:] = 1.0
    return sp.csr_array(a)


def sorted_adjacency(n: int, u: np.ndarray, v: np.ndarray) -> sp.csr_array:
    """:func:`tie_adjacency` of distinct ties ``u < v`` sorted by ``(u, v)``: the same
    canonical matrix made from the ties' own CSR and its transpose
    (:func:`peernet.metrics._sparse._sym_sorted`), without the joined copies of both
    directions and the sort of ``_sym`` (+0.3 GB at 2.2M direct ties)."""
    return K._sym_sorted(n, u, v, np.ones(len(u)))[0]


def core_of_ties(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The core (boolean over the ``n`` nodes) of the graph with the ties ``u - v``, as
    :func:`core_periphery` finds it."""
    return _discrete(tie_adjacency(n, u, v))[0]


def core_of_csr(n: int, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """:func:`core_of_ties` of the graph given as its symmetric adjacency in canonical CSR
    (each tie both ways, column indices sorted in each row, no diagonal): the same matrix,
    without building it from the ties (the bootstrap masks it from one of every tie).
    Column indices int32 (as :func:`drawn_csr` gives them) are read as they are: half
    the bytes of int64 in each pass over them."""
    indptr = np.asarray(indptr, np.int64)
    if np.asarray(indices).dtype != np.int32:
        indices = np.asarray(indices, np.int64)
    deg = np.diff(indptr).astype(float)         # the row sums of the binary matrix
    if n < 3 or deg.sum() == 0:
        return np.zeros(n, bool)
    return _discrete_arrays(n, None, indices, None, deg, indptr, indices)[0]


def symmetric_csr(u: np.ndarray, v: np.ndarray, n: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The symmetric CSR of ties ``u[i] < v[i]`` sorted by ``(u, v)`` over ``n`` nodes,
    as its entries: their row, column and tie ``i``, ordered by row then column (what
    :func:`drawn_csr` reads). One compiled pass, no sort
    (:func:`peernet.metrics._csrkernels.weighted_csr` with each tie's id as its weight)."""
    from ._csrkernels import weighted_csr
    from ._kernels import run

    m = len(u)
    indptr = np.empty(n + 1, np.int64)
    col, tie = np.empty(2 * m, np.int64), np.empty(2 * m, np.int64)
    run(weighted_csr, (u, v, np.arange(m), n, indptr, col, tie), work=4 * m)
    return np.repeat(np.arange(n), np.diff(indptr)), col, tie


def drawn_csr(hit: np.ndarray, e_row: np.ndarray, e_col: np.ndarray, e_tie: np.ndarray,
              keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The canonical CSR (int64 ``indptr``, int32 ``indices``) of the ties ``hit`` of a
    symmetric CSR given as its entries (``e_row``, ``e_col`` sorted by row then column, of
    tie ``e_tie``), over the nodes ``keep`` and those ties' ends (``keep`` is changed so),
    renumbered in order: what :func:`core_of_csr` reads of a bootstrap replicate. One
    compiled pass (:func:`peernet.metrics._kernels.masked_csr`)."""
    from ._kernels import masked_csr, run

    if len(keep) >= 2 ** 31:
        raise ValueError("drawn_csr: more nodes than int32 column indices hold")

    return run(masked_csr, (hit, e_row, e_col, e_tie, keep), work=len(e_row))


def core_periphery(net_or_graph: Any) -> pd.DataFrame:
    """Core and periphery of the direct ties (Borgatti & Everett 1999, discrete model).

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        A slice: its direct ties (message, reply, help, ... any interaction with a target;
        ``pn.person_graph(net, coattendance=None)``) among its active members. Sitting in the
        same meeting is not a tie here: co-attendance would make nearly everyone core. Or
        any graph (made undirected, unweighted).

    Returns
    -------
    DataFrame
        One row per node, sorted by ``member_id``: ``position`` (``core``, ``periphery``,
        or ``isolate`` for active members without a direct tie), ``core`` (bool),
        ``degree`` (direct tie partners), ``core_ties`` (partners in the core).
        ``attrs``: ``correlation`` (the fit, Pearson's r between the ties and the ideal
        pattern; NaN when no split is defined, e.g. fewer than 3 tied members),
        ``core_size``, ``model`` (``"borgatti-everett-discrete"``).

    Notes
    -----
    The ideal pattern has a tie between every two core members and none between two
    peripheral members; pairs of a core and a peripheral member are left out of the fit
    (UCINET's default, as in Borgatti & Everett 1999). The fit is Pearson's correlation
    over the remaining pairs. The split is found from two starts, the best prefix of the
    members ordered by degree (core = the k best tied) and the best degree threshold (the
    search of UCINET and netUtils), each followed by moving single members in or out of the
    core while the fit improves, so the result is a local optimum (on small graphs it equals
    the best of all 2^n splits; tested). Splits with equal fits are resolved towards the
    larger core (a member tied to every core member joins it, although leaving the core-
    periphery pairs out of the fit makes either choice fit equally). A fit near 1 is a clear
    core-periphery structure; near 0 there is none, and the core is then only the best of
    weak alternatives. Isolates are fitted
    as peripheral nodes and reported as ``isolate``.

    References
    ----------
    Borgatti, S. P. and Everett, M. G. (1999). Models of core/periphery structures.
    Social Networks 21(4), 375-395.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (0, 4), (1, 5), (2, 6)])
    >>> cp = pn.metrics.core_periphery(G)
    >>> cp.loc[cp["core"], "member_id"].tolist()
    [0, 1, 2, 3]
    >>> round(cp.attrs["correlation"], 3)
    1.0
    """
    if isinstance(net_or_graph, nx.Graph):
        ga = K.arrays_from_graph(net_or_graph)
        return _core_periphery(ga.nodes, ga.a)
    if not hasattr(net_or_graph, "interactions"):
        raise TypeError(f"core_periphery: net_or_graph must be a PeerNetwork or a networkx "
                        f"graph; got {type(net_or_graph).__name__}")

    def build() -> pd.DataFrame:
        nodes, u, v = undirected_pairs(net_or_graph)   # the direct ties, not their table
        return _core_periphery(nodes, sorted_adjacency(len(nodes), u, v))

    # kept on the slice: the Grid's core-periphery indicator and member_metrics' position
    # ask for it (seconds at 100,000 members); each caller gets its own copy
    out = cached(net_or_graph, ("core_periphery",), build)
    copy = out.copy()
    copy.attrs = dict(out.attrs)
    return copy


def _core_periphery(nodes: np.ndarray, a: Any) -> pd.DataFrame:
    a = sp.csr_array(a)
    core, fit = _discrete(a)
    deg = np.asarray(a.sum(axis=1)).ravel().astype(np.int64)
    core_ties = (a @ core.astype(float)).astype(np.int64)
    position = np.where(core, "core", np.where(deg > 0, "periphery", "isolate"))
    out = pd.DataFrame({"member_id": nodes, "position": pd.array(position, dtype="str"),
                        "core": core, "degree": deg, "core_ties": core_ties})
    try:
        out = out.sort_values("member_id", kind="stable").reset_index(drop=True)
    except TypeError:   # mixed node types in a user's graph: keep the graph's order
        pass
    out.attrs = {"correlation": fit, "core_size": int(core.sum()),
                 "model": "borgatti-everett-discrete"}
    return out
