"""Array kernels behind the structure and member metrics (private).

A graph is turned once into sparse matrices (:class:`GraphArrays`); every metric is then a
numpy / scipy.sparse computation, with python-igraph as an optional accelerator for
betweenness and k-cores (results equal the networkx path; tests compare them).
"""

from __future__ import annotations

import contextlib
import importlib
import random
import sys
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from .._cache import cached, forget
from ..ties import NODE_ATTRIBUTES, directed_ties, file_paged, person_ties, roster_attributes
from ._bfs import BFS_MAX_LEVELS as BFS_MAX_LEVELS
from ._bfs import bfs_distances as _bfs_distances

_LAZY = object()
#: The optional accelerator python-igraph, imported on first use (it imports matplotlib's
#: pyplot, which ``import peernet`` must not); None when absent. Tests set it to None.
_igraph: Any = _LAZY


def _ig():
    """The igraph module, or None when it is not installed (imported once, lazily)."""
    global _igraph
    if _igraph is _LAZY:
        try:
            with _pyplot_on_first_use():
                import igraph
        except ImportError:  # pragma: no cover - exercised only without igraph
            igraph = None
        _igraph = igraph
    return _igraph


class _LazyPyplot(types.ModuleType):
    """Stands for ``matplotlib.pyplot`` in igraph's drawing modules: the real module is
    imported when igraph first draws (``plt.Axes``, ``plt.gca``), not when igraph is
    imported."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("matplotlib.pyplot") is self:  # pragma: no cover - mid-import
            del sys.modules["matplotlib.pyplot"]
        return getattr(importlib.import_module("matplotlib.pyplot"), name)


@contextlib.contextmanager
def _pyplot_on_first_use() -> Iterator[None]:
    """igraph's import runs ``import matplotlib.pyplot`` (its drawing modules bind ``plt``
    at import), 0.3-0.5 s of backends, figures and axes that metrics never use. Here the
    import finds a stand-in that imports pyplot on its first attribute. The modules igraph
    reads at import (artists, collections, transforms) are imported for real, so its
    drawing classes are the same as without the stand-in."""
    if "matplotlib.pyplot" in sys.modules:
        yield
        return
    try:
        import matplotlib.artist
        import matplotlib.collections
        import matplotlib.transforms  # noqa: F401
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        yield
        return
    stand_in = _LazyPyplot("matplotlib.pyplot")
    sys.modules["matplotlib.pyplot"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("matplotlib.pyplot") is stand_in:
            del sys.modules["matplotlib.pyplot"]

#: Betweenness is exact up to this many nodes, sampled from ``BETWEENNESS_SAMPLE`` sources above.
EXACT_MAX_NODES = 2000
#: Number of BFS sources used above ``EXACT_MAX_NODES`` (betweenness, path lengths, efficiency).
SAMPLE_SOURCES = 256
#: Seed of every sampled or randomised computation (sources, Louvain).
SEED = 0
#: Up to this many steps (ties x sources for exact betweenness, two-step paths for
#: constraint) a graph's betweenness and constraint come from igraph's C code when it is
#: installed (milliseconds at 150 members): the compiled kernels' start, numba's import and
#: LLVM's (about 0.4 CPU s once a process), costs more than such a graph's every metric.
#: Equal to the kernels' to 1e-12 (tested); larger graphs always use the kernels.
IGRAPH_WORK = 5_000_000


@dataclass
class GraphArrays:
    """A graph as sparse matrices: ``w`` weighted symmetric; ``a`` binary, its pattern (built
    when asked for, unless given: its ones were 8 bytes an entry; kernels read ``w``)."""

    nodes: np.ndarray
    pattern: sp.csr_array | None
    w: sp.csr_array
    attrs: pd.DataFrame
    directed_a: sp.csr_array | None = None
    cache: dict = field(default_factory=dict)

    @property
    def a(self) -> sp.csr_array:
        return self.pattern if self.pattern is not None else binary(self.w)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return int(self.w.nnz // 2)

    def degree(self) -> np.ndarray:   # float: the row sums of a
        return np.diff(self.w.indptr).astype(float)

    def strength(self) -> np.ndarray:
        return np.asarray(self.w.sum(axis=1)).ravel()

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Upper-triangle edges (u < v, in row order; int32 from a tie table) and their
        weights (cached)."""
        if "edges" not in self.cache:
            t = sp.triu(self.w, k=1).tocoo()
            self.cache["edges"] = (t.row.astype(np.int64), t.col.astype(np.int64), t.data)
        return self.cache["edges"]


def _igraph_of(ga: GraphArrays):
    """The undirected igraph graph of ``ga`` (cached, without weights: the calls that read
    them pass :func:`_igraph_weights`), or None without python-igraph."""
    if _ig() is None:
        return None
    if "igraph" not in ga.cache:
        u, v, _ = ga.edges()
        ga.cache["igraph"] = _ig().Graph(n=ga.n, edges=_pairs(u, v), directed=False)
    return ga.cache["igraph"]


def _pairs(u: np.ndarray, v: np.ndarray, chunk: int = 1 << 16) -> Iterator[tuple[int, int]]:
    """The pairs ``(u[i], v[i])`` as Python tuples, made a chunk at a time (igraph reads any
    iterable of pairs; a list of every tie's was 0.5 GB at 4 million ties), chained in C:
    a generator yielding each was resumed once a tie (0.9 s at 6 million)."""
    return chain.from_iterable(zip(u[i:i + chunk].tolist(), v[i:i + chunk].tolist(),
                                   strict=True) for i in range(0, len(u), chunk))


def _igraph_weights(ga: GraphArrays) -> list[float]:
    """The weights of :func:`_igraph_of`'s edges, in its edge order, for one call: kept on
    the graph as an edge attribute they were a Python float a tie (32 bytes) for the rest
    of the run."""
    return ga.edges()[2].tolist()


def _sym(n: int, u: np.ndarray, v: np.ndarray, data: np.ndarray) -> sp.csr_array:
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    m = sp.csr_array((np.concatenate([data, data]).astype(float), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.setdiag(0)
    m.eliminate_zeros()
    return m


def binary(w: sp.csr_array) -> sp.csr_array:
    """The binary matrix of ``w``'s pattern, sharing its ``indices`` and ``indptr`` (a copy
    of ``w`` held both again: 4 bytes an entry and the row pointers); only ``data`` is
    its own. Neither is changed in place afterwards."""
    return sp.csr_array((np.ones(len(w.data)), w.indices, w.indptr), shape=w.shape,
                        copy=False)


#: The memo key of :func:`arrays_from_net`'s arrays on a slice.
ARRAYS = ("arrays",)


def release_arrays(nets: Iterable[Any]) -> None:
    """Let the kept graph arrays of ``nets`` go (with their igraph graph, edge list and
    communities): :func:`peernet.evaluate` does once its metrics are computed, since a
    report draws from other slices (at 100,000 members about 100 bytes a tie, 0.6 GB,
    held for the rest of the run). Asked again, they are built again."""
    for net in nets:
        forget(net, ARRAYS)


def _sym_sorted(n: int, u: np.ndarray, v: np.ndarray, data: np.ndarray,
                paged: Callable[[np.ndarray], np.ndarray] = lambda a: a
                ) -> tuple[sp.csr_array, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`_sym` of a tie table's ties (``u < v``, by ``(u, v)``, each once) and their
    :meth:`GraphArrays.edges`, without ``_sym``'s copies (0.4 GB at 4 million ties): the
    ties' CSR filled in one pass (zeros dropped, as ``eliminate_zeros`` does), indexed by
    int32 below 2**31 entries (:mod:`peernet.metrics._csrkernels`; its entries and indices
    then ``paged``: in files' pages out of core, :func:`peernet.ties.file_paged`), else
    their CSR plus its transpose."""
    keep = data != 0
    if not keep.all():
        u, v, data = u[keep], v[keep], data[keep]
    data = data.astype(float, copy=False)
    if 2 * len(u) < 2**31:   # filled in one compiled pass (the sum's copies: 0.3 GB at 10M)
        from ._csrkernels import weighted_csr
        from ._kernels import run

        indptr, indices = np.empty(n + 1, np.int32), np.empty(2 * len(u), np.int32)
        entries = np.empty(2 * len(u))
        run(weighted_csr, (u, v, data, n, indptr, indices, entries), work=4 * len(u))
        w = sp.csr_array((paged(entries), paged(indices), indptr), shape=(n, n), copy=False)
        w.has_sorted_indices = True
        return w, (u, v, data)
    upper = sp.csr_array((data, v, np.searchsorted(u, np.arange(n + 1))), shape=(n, n))
    return upper + upper.T.tocsr(), (u, v, data)


def arrays_from_net(net: Any) -> GraphArrays:
    """The default person graph of a slice as arrays (cached on the slice)."""
    def build():
        t = person_ties(net)
        u, v = t.u, t.v
        if len(u) and (u < v).all() and ((u[1:] > u[:-1])   # a tie table: by (u, v), once
                                         | (u[1:] == u[:-1]) & (v[1:] > v[:-1])).all():
            w, edges = _sym_sorted(t.n, u, v, t.weight, file_paged(net))
            ga = GraphArrays(t.nodes, None, w, roster_attributes(net, t.nodes))
            ga.cache["edges"] = edges
            return ga
        w = _sym(t.n, u, v, t.weight)
        return GraphArrays(t.nodes, None, w, roster_attributes(net, t.nodes))
    return cached(net, ARRAYS, build)


def directed_from_net(net: Any, nodes: np.ndarray) -> sp.csr_array:
    """Binary directed adjacency of the direct interactions (no co-attendance), on ``nodes``."""
    d_nodes, u, v = directed_ties(net)    # the directed table's ties, not the table
    pos = pd.Index(nodes).get_indexer(d_nodes)
    return sp.csr_array((np.ones(len(u)), (pos[u], pos[v])), shape=(len(nodes), len(nodes)))


def arrays_from_graph(G: nx.Graph) -> GraphArrays:
    """Arrays of any networkx graph (a DiGraph is made symmetric; weights summed)."""
    nodes = np.array(list(G), dtype=object)
    idx = {n: i for i, n in enumerate(nodes.tolist())}
    if G.number_of_edges():
        ends = np.array([(idx[a], idx[b]) for a, b in G.edges()], np.int64).reshape(-1, 2)
        u, v = ends[:, 0], ends[:, 1]
        wt = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)], float)
    else:
        u = v = np.zeros(0, np.int64)
        wt = np.zeros(0)
    keep = u != v
    u, v, wt = u[keep], v[keep], wt[keep]
    w = _sym(len(nodes), u, v, wt)
    da = None
    if G.is_directed():
        da = sp.csr_array((np.ones(len(u)), (u, v)), shape=(len(nodes), len(nodes)))
        da.sum_duplicates()
        da.data[:] = 1.0
    rows = {n: G.nodes[n] for n in nodes.tolist()}
    attrs = pd.DataFrame.from_dict(rows, orient="index") if len(nodes) else pd.DataFrame()
    attrs = attrs.reindex(pd.Index(nodes, dtype=object))
    attrs = attrs[[c for c in NODE_ATTRIBUTES if c in attrs.columns]]
    return GraphArrays(nodes, None, w, attrs, da)


def get_arrays(net: Any, graph: nx.Graph | None) -> GraphArrays:
    if graph is None:
        return arrays_from_net(net)
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"graph must be a networkx graph from pn.person_graph; "
                        f"got {type(graph).__name__}")
    return arrays_from_graph(graph)


# ------------------------------------------------------------------------------ inequality
def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal; NaN for none or all zero)."""
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float((2 * np.sum(i * x) / (n * x.sum())) - (n + 1) / n)


def top_share(values: np.ndarray, share: float = 0.1) -> float:
    """Share of the total held by the top ``ceil(share * n)`` values (NaN if total is 0)."""
    x = np.sort(np.asarray(values, float))[::-1]
    if len(x) == 0 or x.sum() == 0:
        return float("nan")
    k = int(np.ceil(share * len(x)))
    return float(x[:k].sum() / x.sum())


# ------------------------------------------------------------------------------ centrality
def sources_for(nodes: list, k: int | None, seed: int = SEED) -> list[int] | None:
    """Positions of the sampled BFS sources, chosen exactly as networkx does (``k`` given)."""
    if k is None or k >= len(nodes):
        return None
    chosen = random.Random(seed).sample(list(nodes), k)
    pos = {n: i for i, n in enumerate(nodes)}
    return [pos[c] for c in chosen]


def betweenness(ga: GraphArrays, *, k: int | None = None, seed: int = SEED) -> np.ndarray:
    """Normalised unweighted betweenness, equal to ``nx.betweenness_centrality(G, k, seed)``.

    ``k=None`` picks exact up to :data:`EXACT_MAX_NODES` nodes and ``SAMPLE_SOURCES``
    sampled sources above (recorded by the caller). Brandes' algorithm from each source,
    compiled (:func:`peernet.metrics._kernels.brandes_csr`).
    """
    n = ga.n
    if n < 3:
        return np.zeros(n)
    if k is None and n > EXACT_MAX_NODES:
        k = SAMPLE_SOURCES
    src = sources_for(ga.nodes.tolist(), k, seed)
    if src is None and float(ga.w.nnz) * n <= IGRAPH_WORK and _igraph_of(ga) is not None:
        # igraph counts each unordered pair once; the kernel's raw sum counts both orders
        return 2 * np.asarray(_igraph_of(ga).betweenness(directed=False), float) \
            / ((n - 1) * (n - 2))
    from ._kernels import blocks, brandes_csr, permuted_csr, run

    sources = np.arange(n, dtype=np.int64) if src is None else np.asarray(src, np.int64)
    # nodes renumbered by degree, hubs first: the rows and search state touched most often
    # stay together in the cache (17-18% faster at 10k and 30k nodes); results mapped back
    order = np.argsort(-ga.degree(), kind="stable")
    pos = np.empty(n, np.int64)
    pos[order] = np.arange(n)
    a = ga.w   # its structure only
    indptr, indices = run(permuted_csr, (a.indptr, a.indices, order, pos), work=a.nnz)
    raw = blocks(brandes_csr, (indptr, indices, pos[sources], n),
                 work=float(a.nnz) * len(sources))[pos]
    if src is None:
        return raw / ((n - 1) * (n - 2))
    kk = len(src)
    scale = np.full(n, 1 / (kk * (n - 2)))
    scale[src] = 1 / ((kk - 1) * (n - 2)) if kk > 1 else np.nan
    return raw * scale


def core_number(ga: GraphArrays) -> np.ndarray:
    """k-core number of each node (equal to ``nx.core_number``): igraph's ``coreness`` on
    a small graph or one whose igraph graph is kept, else a compiled pass over ``w``'s
    structure (:func:`peernet.metrics._kernels.core_numbers`; no igraph graph built)."""
    if ga.n == 0:
        return np.zeros(0, np.int64)
    if _ig() is not None and ("igraph" in ga.cache or ga.w.nnz <= IGRAPH_WORK):
        return np.asarray(_igraph_of(ga).coreness(), np.int64)
    from ._kernels import core_numbers, run

    return run(core_numbers, (ga.w.indptr, ga.w.indices, ga.n), work=ga.w.nnz)


def eigenvector(ga: GraphArrays) -> np.ndarray:
    """Unweighted eigenvector centrality (equal to ``nx.eigenvector_centrality_numpy``).

    NaN for every node when the graph has no ties (the eigenvector is undefined). Above
    400 nodes ARPACK starts from all ones (it overlaps the nonnegative leading vector) on
    one BLAS thread: from its random start the last digits changed from call to call."""
    n = ga.n
    if ga.m == 0:
        return np.full(n, np.nan)
    from .._parallel import one_thread

    with one_thread():
        if n <= 400:
            vec = np.linalg.eigh(ga.a.toarray())[1][:, -1]
        else:
            from scipy.sparse.linalg import eigsh
            vec = eigsh(ga.a, k=1, which="LA", tol=0, maxiter=n * 100, v0=np.ones(n))[1][:, 0]
    vec = np.where(np.abs(vec) < 1e-12, 0.0, vec)
    vec = vec / (np.sign(vec.sum()) * np.linalg.norm(vec))
    return vec


def triangles(ga: GraphArrays) -> np.ndarray:
    """Triangles through each node: diag(A^3) / 2. Above :data:`IGRAPH_WORK` CSR entries a
    compiled pass over ``w``'s structure (:func:`peernet.metrics._kernels.triangles_csr`, 8
    bytes a tie and half the CPU at 9.9M ties, where igraph's graph and local transitivity
    took 57 and the graph was kept for the communities), below it igraph's local
    transitivity if present; the same whole numbers either way."""
    if ga.m == 0:
        return np.zeros(ga.n)
    if "triangles" not in ga.cache:
        if ga.w.nnz > IGRAPH_WORK:
            from ._kernels import triangles_csr

            ga.cache["triangles"] = triangles_csr(ga.w.indptr, ga.w.indices,
                                                  ga.n).astype(float)
            return ga.cache["triangles"]
        g = _igraph_of(ga)
        if g is not None:
            ga.cache["triangles"] = triangles_from_clustering(
                g.transitivity_local_undirected(mode="zero"), ga.degree())
        else:
            a = ga.a
            ga.cache["triangles"] = np.asarray((a @ a).multiply(a).sum(axis=1)).ravel() / 2
    return ga.cache["triangles"]


def triangles_from_clustering(local: Any, degree: np.ndarray) -> np.ndarray:
    """Triangles through each node from its local clustering (igraph's transitivity with
    ``mode="zero"``): ``c * d (d - 1) / 2``, rounded to the whole number it is."""
    return np.round(np.asarray(local, float) * degree * (degree - 1) / 2)


def clustering(ga: GraphArrays) -> np.ndarray:
    """Local clustering 2T/(d(d-1)), 0 for degree < 2 (as networkx)."""
    d = ga.degree()
    t = triangles(ga)
    pairs = d * (d - 1)
    return np.divide(2 * t, pairs, out=np.zeros(ga.n), where=pairs > 0)


def constraint(ga: GraphArrays) -> np.ndarray:
    """Burt's constraint with tie weights (equal to ``nx.constraint(G, weight="weight")`` and
    igraph's ``constraint(weights=...)``).

    ``c_i = sum_{j in N(i)} (p_ij + sum_q p_iq p_qj)^2`` with ``p_ij = w_ij / sum_k w_ik``;
    NaN for isolates. A compiled pass over the triangles of the graph
    (:func:`peernet.metrics._kernels.constraint_csr`).
    """
    if ga.m == 0:
        return np.full(ga.n, np.nan)
    deg = ga.degree()
    if float(deg @ deg) <= IGRAPH_WORK and _igraph_of(ga) is not None:
        c = np.asarray(_igraph_of(ga).constraint(weights=_igraph_weights(ga)), float)
        return np.where(deg > 0, c, np.nan)
    from ._kernels import constraint_csr

    w = ga.w if ga.w.has_sorted_indices else ga.w.sorted_indices()
    p = w.data / np.repeat(ga.strength(), np.diff(w.indptr))
    c = constraint_csr(w.indptr, w.indices, p, ga.n)
    return np.where(deg > 0, c, np.nan)


# ------------------------------------------------------------------------------ paths
def components(ga: GraphArrays) -> tuple[int, np.ndarray]:
    """The number of connected components and each node's component (int32), numbered as
    ``csgraph.connected_components`` numbers them: in the order of each one's first node
    (kept: the Grid's largest component, the network metrics and their paths ask)."""
    if ga.n == 0:
        return 0, np.zeros(0, np.int64)
    if "components" not in ga.cache:
        first = _first_nodes(ga.w) if ga.n > EXACT_MAX_NODES else None
        if first is None:
            ga.cache["components"] = csgraph.connected_components(ga.a, directed=False)
        else:
            roots, labels = np.unique(first, return_inverse=True)
            ga.cache["components"] = len(roots), labels.astype(np.int32)
    return ga.cache["components"]


def _first_nodes(a: sp.csr_array, max_rounds: int = 64) -> np.ndarray | None:
    """Each node's component as its smallest node (symmetric ``a``): the smallest label of
    a node and its neighbours, then its label's label, until nothing changes (scipy
    copies the matrix and its transpose); None after ``max_rounds`` (left to scipy)."""
    n = a.shape[0]
    label = np.arange(n)
    deg = np.diff(a.indptr)
    has = np.flatnonzero(deg > 0)
    if not len(has):
        return label
    off = a.indptr[:-1][has]
    for _ in range(max_rounds):
        low = np.minimum.reduceat(label[a.indices], off)
        new = label.copy()
        new[has] = np.minimum(label[has], low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new
    return None


def _distances(ga: GraphArrays, sources: np.ndarray) -> np.ndarray:
    """Hop distances from ``sources`` to every node (inf when unreachable)."""
    d = _bfs_distances(ga.w, np.asarray(sources, np.int64))
    if d is not None:
        return d
    g = _igraph_of(ga)   # a long thin graph: one BFS a source is faster
    if g is not None:
        return np.array(g.distances(source=sources.tolist(), mode="all"), float)
    return csgraph.shortest_path(ga.a, unweighted=True, directed=False, indices=sources)


def path_stats(ga: GraphArrays, *, seed: int = SEED) -> dict[str, Any]:
    """Average shortest path in the largest component and global efficiency.

    Exact (all sources) up to :data:`EXACT_MAX_NODES` nodes; above, BFS from
    :data:`SAMPLE_SOURCES` sources drawn with ``seed`` (the sample size is returned).
    """
    n = ga.n
    out = {"avg_path_length": float("nan"), "efficiency": float("nan"), "path_sources": 0}
    if n < 2:
        return out
    ncomp, labels = components(ga)
    sizes = np.bincount(labels)
    lcc = np.flatnonzero(labels == np.argmax(sizes))
    rng = np.random.default_rng(seed)
    exact = n <= EXACT_MAX_NODES
    src_all = np.arange(n) if exact else np.sort(rng.choice(n, min(SAMPLE_SOURCES, n),
                                                              replace=False))
    src_lcc = lcc if len(lcc) <= EXACT_MAX_NODES else np.sort(
        rng.choice(lcc, min(SAMPLE_SOURCES, len(lcc)), replace=False))
    out["path_sources"] = int(len(src_all)) if not exact else 0
    inv_sum = 0.0
    # in place: sources x nodes of float64 is 0.2 GB at 256 sources and 100,000 nodes
    for chunk in np.array_split(src_all, max(1, len(src_all) // 256)):
        inv = _distances(ga, chunk)
        with np.errstate(divide="ignore"):
            np.divide(1.0, inv, out=inv)
        inv[~np.isfinite(inv)] = 0.0
        inv_sum += inv.sum()
        del inv
    out["efficiency"] = float(inv_sum / (len(src_all) * (n - 1)))
    if len(lcc) >= 2 and ga.m:
        total, pairs = 0.0, 0
        outside = labels != labels[lcc[0]]
        for chunk in np.array_split(src_lcc, max(1, len(src_lcc) // 256)):
            d = _distances(ga, chunk)
            d[:, outside] = 0.0   # whole hop counts: their sum is exact in any order
            total += d.sum()
            pairs += len(chunk) * (len(lcc) - 1)
            del d
        out["avg_path_length"] = float(total / pairs)
    return out


# ------------------------------------------------------------------------------ groups
def _nk() -> Any:
    """networkit, imported once on first use without its plotting and profiling modules:
    they import pyplot and matplotlib's PDF backend (0.6-0.8 s) that the partition never
    uses, and networkit leaves them out where ``import matplotlib.pyplot`` fails, as it does
    for the length of this import (the real pyplot, if imported, is put back after)."""
    if "networkit" not in sys.modules:
        saved = sys.modules.get("matplotlib.pyplot")
        sys.modules["matplotlib.pyplot"] = None   # type: ignore[assignment]
        try:
            import networkit  # noqa: F401
        finally:
            if saved is None:
                del sys.modules["matplotlib.pyplot"]
            else:
                sys.modules["matplotlib.pyplot"] = saved
    return sys.modules["networkit"]


def partition(ga: GraphArrays, *, seed: int = SEED) -> np.ndarray:
    """Community label of each node of the weighted graph, with a fixed seed.

    Up to :data:`EXACT_MAX_NODES` nodes networkx's ``louvain_communities``. Above it
    networkit's PLM with refinement (Staudt & Meyerhenke 2016: Louvain for modularity,
    each level's moves refined after its coarser levels), on one thread with networkit's
    seed set to ``seed`` (two threads give another partition from run to run), each
    community then split into its connected parts (:func:`_connected`; a Louvain
    community can fall apart, Traag, Waltman & van Eck 2019). Against igraph's Leiden
    (two iterations, used up to session 39): the same modularity to 3e-5 (0.43072 vs
    0.43074 at 100,000 members / 4.1M ties, 0.41100 both at 9.9M ties, 0.42776 both at
    10,000), 48 instead of 106 bytes a tie and a third of the CPU at 9.9M ties.
    """
    def run_networkit() -> np.ndarray:
        nk = _nk()
        ga.cache.pop("igraph", None)   # the triangles' graph: not needed beside this one
        u, v, w = ga.edges()
        threads = nk.getMaxNumberOfThreads()
        nk.setNumberOfThreads(1)
        try:
            nk.setSeed(seed, False)
            g = nk.graph.GraphFromCoo((w, (u, v)), ga.n, directed=False, weighted=True)
            plm = nk.community.PLM(g, refine=True)
            plm.run()
            raw = np.asarray(plm.getPartition().getVector(), np.int64)
            del plm, g
        finally:
            nk.setNumberOfThreads(threads)
        return _connected(ga, raw)

    def run() -> np.ndarray:
        if ga.n > EXACT_MAX_NODES:
            return run_networkit()
        G = nx.Graph()
        G.add_nodes_from(range(ga.n))
        u, v, w = ga.edges()
        G.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
        comms = nx.community.louvain_communities(G, weight="weight", seed=seed)
        return _labels(comms, ga.n)
    if ("partition", seed) not in ga.cache:
        ga.cache[("partition", seed)] = run()
    return ga.cache[("partition", seed)]


def _connected(ga: GraphArrays, raw: np.ndarray) -> np.ndarray:
    """``raw``'s communities split into their connected parts (through ties inside the
    community), numbered as :func:`_labels` numbers communities: by size, largest first,
    then by smallest node."""
    u, v, _ = ga.edges()
    same = raw[u] == raw[v]
    inner = sp.coo_array((np.ones(int(same.sum()), np.int8),
                          (u[same].astype(np.int32), v[same].astype(np.int32))),
                         shape=(ga.n, ga.n))
    del same
    _, parts = csgraph.connected_components(inner, directed=False)
    del inner
    k = int(parts.max()) + 1 if len(parts) else 0
    size = np.bincount(parts, minlength=k)
    first = np.full(k, ga.n, np.int64)
    np.minimum.at(first, parts, np.arange(ga.n))
    rank = np.empty(k, np.int64)
    rank[np.lexsort((first, -size))] = np.arange(k)
    return rank[parts]


def _labels(comms: list[set], n: int) -> np.ndarray:
    labels = np.zeros(n, np.int64)
    for i, c in enumerate(sorted(comms, key=lambda c: (-len(c), min(c)))):
        labels[list(c)] = i
    return labels


def modularity(ga: GraphArrays, labels: np.ndarray) -> float:
    """Weighted Newman modularity of a partition (equal to ``nx.community.modularity``)."""
    u, v, w = ga.edges()
    m = w.sum()
    if m == 0:
        return float("nan")
    k = len(np.unique(labels)) if len(labels) else 0
    lu = labels[u]
    same = lu == labels[v]
    inside = np.bincount(lu[same], weights=w[same], minlength=k)
    deg = np.bincount(labels, weights=ga.strength(), minlength=k)
    return float(np.sum(inside / m - (deg / (2 * m)) ** 2))


def factor_codes(values: pd.Series) -> np.ndarray:
    """Integer code of each value in order of first appearance, -1 where missing."""
    codes, _ = pd.factorize(values.astype(object).where(values.notna(), None))
    return np.asarray(codes, np.int64)


def group_codes(ga: GraphArrays, attr: str) -> np.ndarray | None:
    """Integer group of each node by ``attr`` (-1 where missing); None if no node has it."""
    if attr not in ga.attrs.columns:   # (a caller may add the column: nothing cached)
        return None
    key = ("groups", attr)
    if key not in ga.cache:
        if ga.attrs[attr].notna().sum() == 0:
            ga.cache[key] = None
        else:
            ga.cache[key] = factor_codes(ga.attrs[attr])
    return ga.cache[key]


def _known_pairs(ga: GraphArrays, attr: str) -> tuple[np.ndarray, np.ndarray]:
    """Groups of the two ends of every tie whose ends both have ``attr``."""
    g = group_codes(ga, attr)
    if g is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    u, v, _ = ga.edges()
    gu, gv = g[u], g[v]
    ok = (gu >= 0) & (gv >= 0)
    return gu[ok], gv[ok]


def ei_index_arrays(ga: GraphArrays, attr: str) -> float:
    """(E - I) / (E + I) over ties whose two ends both have ``attr``; NaN if none."""
    gu, gv = _known_pairs(ga, attr)
    if not len(gu):
        return float("nan")
    ext = int((gu != gv).sum())
    internal = len(gu) - ext
    return (ext - internal) / (ext + internal)


def assortativity_arrays(ga: GraphArrays, attr: str) -> float:
    """Newman's attribute assortativity (as ``nx.attribute_assortativity_coefficient``).

    Computed on ties whose ends both have ``attr``; NaN when there are none or when every
    such node is in one group (0/0).
    """
    gu, gv = _known_pairs(ga, attr)
    if not len(gu):
        return float("nan")
    k = int(max(gu.max(), gv.max())) + 1
    e = np.bincount(gu * k + gv, minlength=k * k).reshape(k, k).astype(float)
    e = e + e.T    # whole counts: equal to adding 1 a pair in either order
    e /= e.sum()
    ab = float((e.sum(axis=0) * e.sum(axis=1)).sum())
    if np.isclose(ab, 1.0):
        return float("nan")
    return float((np.trace(e) - ab) / (1 - ab))
