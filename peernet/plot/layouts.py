"""Positions for maps: one layout, computed once, shared by every period's map.

Force-directed layouts (networkx's Fruchterman-Reingold and Kamada-Kawai for small networks,
python-igraph's grid Fruchterman-Reingold for large ones) on the ties as arrays: a slice's
cached tie table, never a networkx graph built for the purpose. Also the choice of the
strongest ties, shared with the maps (which draw at most ``MAX_TIES``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .._parallel import one_thread
from ..graphs import person_graph
from ..network import PeerNetwork
from ..ties import person_ties

__all__ = ["layout", "periods_layout", "LAYOUT_MAX_TIES"]

_AUTO_IGRAPH = 500
_AUTO_KK = 300
#: Organization maps refine the spring layout by Kamada-Kawai up to this many organizations
#: (its cost grows with the square: 1.8 s at 250 organizations, where every one of them
#: is labelled and the spring layout alone reads as well).
_ORG_KK = 120
_METHODS = ("auto", "spring", "kamada_kawai", "igraph")


def _as_graph(net_or_graph: Any, what: str) -> nx.Graph:
    if isinstance(net_or_graph, PeerNetwork):
        return person_graph(net_or_graph)
    if isinstance(net_or_graph, nx.Graph):
        return net_or_graph
    raise TypeError(f"{what}: net_or_graph must be a PeerNetwork or a networkx graph; got "
                    f"{type(net_or_graph).__name__}")


#: What a map's lines are: every tie, the direct ones (someone acted towards someone:
#: messages, calls, contacts, help...), or co-attendance only (sat in the same meeting).
TIES = ("all", "direct", "coattendance")


def tie_kinds(ties: str) -> tuple[str, ...] | None:
    """The interaction kinds of ``ties`` (:data:`TIES`) for :func:`peernet.person_graph`."""
    from ..schema import INTERACTION_KINDS

    if ties not in TIES:
        raise ValueError(f"ties must be one of {list(TIES)}; got {ties!r}")
    return {"all": None, "coattendance": ("attend",),
            "direct": tuple(k for k in INTERACTION_KINDS if k != "attend")}[ties]


def _tie_arrays(src: Any, what: str, ties: str = "all"
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
    """The person graph of ``src`` as arrays: sorted node ids, tie ends (positions into
    the nodes), tie weights and the graph attributes (name, period).

    A PeerNetwork is read from its aggregated ties (cached on the slice and shared with
    the metrics) without building a networkx graph: at 10,000 members / 394,000 ties that
    graph costs about 1.5 s a map. Ties come in the order ``person_graph(src).edges``
    lists them (``u < v``, sorted), so both paths draw the same picture.
    """
    if isinstance(src, PeerNetwork):
        t = person_ties(src, kinds=tie_kinds(ties))
        return (t.nodes, t.u, t.v, t.weight.astype(float),
                {"name": getattr(src, "name", "network"), "period": src.label})
    if ties != "all":
        raise ValueError(f"{what}: ties={ties!r} needs a PeerNetwork (a graph is drawn as "
                         f"given); got a {type(src).__name__}")
    G = _as_graph(src, what)
    if G.is_directed():
        G = G.to_undirected()
    return (*_edge_arrays(G), dict(G.graph))


def _edge_arrays(G: nx.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A networkx graph's nodes (sorted by their text) and its edges in ``G.edges`` order as
    positions into them, with the ``weight`` attribute (1 where missing)."""
    nodes = np.array(sorted(G.nodes, key=str), dtype=object)
    index = {n: i for i, n in enumerate(nodes)}
    e = np.array([(index[u], index[v], float(w))
                  for u, v, w in G.edges(data="weight", default=1.0)],
                 dtype=float).reshape(-1, 3)
    return nodes, e[:, 0].astype(np.int64), e[:, 1].astype(np.int64), e[:, 2]


def layout(net_or_graph: PeerNetwork | nx.Graph, *, previous: Mapping[Any, Any] | None = None,
           seed: int = 0, method: str = "auto") -> dict[Any, np.ndarray]:
    """Node positions for maps, computed once so every period can share them.

    Pass the whole network (``pn.load_sample("riverbend")``, not one period of it): its
    person graph is the union of every period's ties, and every roster member gets a
    position, so ``network_map(net.period("2023"), layout=L)`` and
    ``network_map(net.period("2025"), layout=L)`` put each person in the same place.

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        A network (its :func:`peernet.person_graph` plus every roster member) or a graph.
    previous : mapping, optional
        Positions from an earlier map (``{node: (x, y)}``): nodes found there stay exactly
        where they were, the others are placed around them.
    seed : int, default 0
        Seed of the force-directed layout: the same seed gives the same map.
    method : {"auto", "spring", "kamada_kawai", "igraph"}, default "auto"
        ``"spring"``: :func:`networkx.spring_layout` (Fruchterman-Reingold).
        ``"kamada_kawai"``: the spring layout refined by Kamada-Kawai, which spreads a dense
        core evenly (a few seconds at 300 members; not with ``previous``). ``"igraph"``:
        python-igraph's grid Fruchterman-Reingold (about 1 s for 10,000 members against
        minutes for networkx; ``pip install peernet[fast]``). ``"auto"``: Kamada-Kawai up
        to 300 tied members, spring up to 500, igraph above when installed.

    Returns
    -------
    dict
        ``node -> numpy array [x, y]``. Members with ties fill the unit disc (without
        ``previous``); members without any tie sit on a ring just outside it, in id order.

    Notes
    -----
    Tie weights enter the layout as ``log(1 + weight)``, so a pair that met 400 times pulls
    harder than a pair that met once, but does not collapse onto one point. Positions are
    centred on their median and scaled into the unit disc; outlying small components are
    pulled into a band at most 12% beyond the 98th-percentile radius.

    References
    ----------
    Fruchterman, T. M. J. and Reingold, E. M. (1991). Graph drawing by force-directed
    placement. Software: Practice and Experience 21(11), 1129-1164.
    Kamada, T. and Kawai, S. (1989). An algorithm for drawing general undirected graphs.
    Information Processing Letters 31(1), 7-15.

    Examples
    --------
    >>> net = pn.load_sample("davis")
    >>> L = pn.plot.layout(net)
    >>> len(L), L["w01"].shape
    (18, (2,))
    >>> bool(np.allclose(pn.plot.layout(net)["w01"], L["w01"]))
    True
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {list(_METHODS)}; got {method!r}")
    gnodes, eu, ev, w, _ = _tie_arrays(net_or_graph, "layout")
    extra = (net_or_graph.members["member_id"].astype(str).tolist()
             if isinstance(net_or_graph, PeerNetwork) else [])
    return _layout_arrays(gnodes, eu, ev, w, extra, previous=previous, seed=seed,
                          method=method)


def periods_layout(slices: Sequence[PeerNetwork], seed: int = 0) -> dict:
    """One layout for the maps of the period ``slices``: their ties summed (the cached tie
    tables of the slices, so nothing is aggregated again), every member drawn in one of them
    placed. Equal to :func:`layout` of the span the periods cover, minus the roster members
    no period draws."""
    parts = [person_ties(s) for s in slices]
    names = np.concatenate([t.nodes for t in parts]) if parts else np.zeros(0, object)
    codes, nodes = pd.factorize(names, sort=True)
    cut = np.cumsum([0] + [t.n for t in parts])
    n = len(nodes)
    keys = np.concatenate([np.minimum(codes[lo + t.u], codes[lo + t.v]) * n
                           + np.maximum(codes[lo + t.u], codes[lo + t.v])
                           for t, lo in zip(parts, cut[:-1], strict=True)]) \
        if parts else np.zeros(0, np.int64)
    weights = np.concatenate([t.weight for t in parts]) if parts else np.zeros(0)
    summed = pd.Series(weights).groupby(keys, sort=True).sum()
    k = summed.index.to_numpy(np.int64)
    return _layout_arrays(np.asarray(nodes, dtype=object), k // max(n, 1), k % max(n, 1),
                          summed.to_numpy(float), [], previous=None, seed=seed,
                          method="auto")


#: Above this many ties a layout uses the strongest ones (plus every member's strongest):
#: Fruchterman-Reingold's cost grows with the ties, and a hairball of 4 million ties lays
#: out no better than its strongest million.
LAYOUT_MAX_TIES = 1_000_000


def _layout_arrays(gnodes: np.ndarray, eu: np.ndarray, ev: np.ndarray, w: np.ndarray,
                   extra: Sequence, *, previous: Mapping | None, seed: int,
                   method: str) -> dict[Any, np.ndarray]:
    nodes = list(gnodes)
    if len(extra):
        known = set(nodes)
        nodes += [m for m in extra if m not in known]
    nodes = sorted(set(nodes), key=str)
    # the ties as positions into ``nodes`` (sorted), self-loops left out
    where = {n: i for i, n in enumerate(nodes)}
    at = np.array([where[n] for n in gnodes], dtype=np.int64)
    loop = eu == ev
    top = max(w.max(), 1e-9) if len(w) else 1.0
    a, b, w = at[eu[~loop]], at[ev[~loop]], w[~loop]
    if len(w) > LAYOUT_MAX_TIES:
        keep = _strongest_ties(a, b, w, LAYOUT_MAX_TIES)
        a, b, w = a[keep], b[keep], w[keep]
    lw = np.log1p(np.clip(w, 0, None)) / np.log1p(top) + 0.1
    deg = np.bincount(a, minlength=len(nodes)) + np.bincount(b, minlength=len(nodes))
    prev = {} if previous is None else {k: np.asarray(v, dtype=float)
                                        for k, v in previous.items()}
    tied = [n for n, d in zip(nodes, deg, strict=True) if d > 0]
    untied = [n for n, d in zip(nodes, deg, strict=True) if d == 0]
    pos: dict[Any, np.ndarray] = {}
    if tied:
        use_igraph = method == "igraph" or (method == "auto" and len(tied) > _AUTO_IGRAPH
                                            and _has_igraph())
        use_kk = method == "kamada_kawai" or (method == "auto" and not prev
                                              and len(tied) <= _AUTO_KK)
        sub = None
        if not use_igraph or (use_kk and not prev):
            H = nx.Graph()
            H.add_nodes_from(nodes)
            H.add_weighted_edges_from(zip([nodes[i] for i in a.tolist()],
                                          [nodes[i] for i in b.tolist()], lw.tolist(),
                                          strict=True), weight="lw")
            sub = H.subgraph(tied)
        if use_igraph:
            # positions into ``tied`` (sorted like ``nodes``), ties in the same order
            rank = np.cumsum(deg > 0) - 1
            pos.update(_igraph_layout(tied, rank[a], rank[b], lw, prev, seed))
        else:
            pos.update(_spring_layout(sub, prev, seed))
        if use_kk and not prev:
            pos = kamada_kawai(sub, pos)
        if not prev:
            xy = _fit_disc(np.array([pos[n] for n in tied], dtype=float))
            pos = {n: xy[i] for i, n in enumerate(tied)}
    radius = 1.12 * max((float(np.hypot(*p)) for p in pos.values()), default=1.0 / 1.12)
    new = [n for n in untied if n not in prev]
    for n in untied:
        if n in prev:
            pos[n] = prev[n]
    if new:
        angles = np.linspace(0, 2 * np.pi, len(new), endpoint=False) + np.pi / 2
        for n, t in zip(new, angles, strict=True):
            pos[n] = np.array([radius * np.cos(t), radius * np.sin(t)])
    return {n: np.asarray(pos[n], dtype=float) for n in nodes}



@one_thread()  # dense n x n products: threads only cost here
def kamada_kawai(G: nx.Graph, pos: Mapping[Any, Any], *, tol: float = 1e-5,
                 max_iter: int = 500) -> dict[Any, np.ndarray]:
    """Kamada-Kawai positions of ``G`` from ``pos``, by stress majorization (milliseconds).

    Minimises Kamada & Kawai's (1989) energy ``sum_{i<j} (|x_i - x_j| / d_ij - 1)^2``
    (``d_ij``: hops between i and j) as the weighted stress of SMACOF, weights
    ``d_ij^-2`` (Gansner, Koren & North 2004, "Graph drawing by stress majorization"):
    each step is one Guttman transform, which never increases the energy, until it falls
    by less than ``tol`` (relative). Members of different components are placed one hop
    beyond the longest path (networkx's ``kamada_kawai_layout`` uses 10^6 hops, which
    leaves components where the starting layout put them). Returned in networkx's
    ``rescale_layout`` frame (largest coordinate 1).

    networkx's L-BFGS-B solution of the same energy took 1.8 s at 133 members; this takes
    milliseconds and reaches an energy as low (tested).
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import shortest_path

    nodes = list(G)
    n = len(nodes)
    if n < 3:
        return {v: np.asarray(pos[v], dtype=float) for v in nodes}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in G.edges() if u != v]
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    d = shortest_path(csr_array((np.ones(len(pairs)), (rows, cols)), shape=(n, n)),
                      directed=False, unweighted=True)
    finite = np.isfinite(d)
    d[~finite] = (d[finite].max() if finite.any() else 0.0) + 1.0
    np.fill_diagonal(d, 0.0)
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0) ** 2, 0.0)
    v = -w
    np.fill_diagonal(v, w.sum(axis=1))
    vinv = np.linalg.pinv(v)
    x = np.array([pos[u] for u in nodes], dtype=float)
    x -= x.mean(axis=0)
    wd = w * d

    def separation(x: np.ndarray) -> np.ndarray:
        return np.hypot(x[:, 0, None] - x[None, :, 0], x[:, 1, None] - x[None, :, 1])

    # start at the scale that fits the hop distances best (the start's energy is then low)
    sep = separation(x)
    den = float((w * sep * sep).sum())
    x *= float((wd * sep).sum()) / den if den > 0 else 1.0
    sep = separation(x)
    last = float((w * (sep - d) ** 2).sum()) / 2   # the diagonal adds 0
    # the energy expanded, sum w sep^2 - 2 sum wd sep + sum wd d, and every n x n step in
    # place: half the time of the plain expressions, the same positions to 1e-13
    wdd = float(np.vdot(wd, d))
    b = np.empty((n, n))
    diag = np.arange(n)
    for _ in range(max_iter):
        with np.errstate(divide="ignore", invalid="ignore"):   # the diagonal: 0 / 0
            np.divide(wd, sep, out=b)
        b[sep == 0] = 0.0
        np.negative(b, out=b)
        b[diag, diag] = -b.sum(axis=1)
        x = vinv @ (b @ x)
        sep = x[:, 0, None] - x[None, :, 0]
        sep *= sep
        dy = x[:, 1, None] - x[None, :, 1]
        dy *= dy
        sep += dy
        np.sqrt(sep, out=sep)
        now = (float(np.vdot(w, sep * sep)) - 2 * float(np.vdot(wd, sep)) + wdd) / 2
        if last - now <= tol * max(last, 1e-12):
            break
        last = now
    xy = nx.rescale_layout(x, scale=1)
    return dict(zip(nodes, xy, strict=True))


def _fit_disc(xy: np.ndarray) -> np.ndarray:
    """Centre positions on their median and scale them into the unit disc, pulling far
    outliers (small components that force-directed layouts push away) into a thin band
    just outside the 98th-percentile radius so they do not shrink the main picture."""
    if len(xy) == 0:
        return xy
    xy = xy - np.median(xy, axis=0)
    r = np.hypot(xy[:, 0], xy[:, 1])
    edge = float(np.percentile(r, 98)) if len(xy) >= 20 else float(r.max())
    if edge <= 0:
        return np.zeros_like(xy)
    squeezed = np.where(r > edge, edge * (1 + 0.12 * np.tanh(r / edge - 1)), r)
    xy = xy * (squeezed / np.where(r > 0, r, 1))[:, None]
    return xy / max(float(np.hypot(xy[:, 0], xy[:, 1]).max()), 1e-12)


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _spring_layout(H: nx.Graph, prev: Mapping, seed: int) -> dict:
    fixed = [n for n in H if n in prev]
    init = None
    if fixed:
        rng = np.random.default_rng(seed)
        centre = np.mean([prev[n] for n in fixed], axis=0)
        spread = np.std([prev[n] for n in fixed]) or 1.0
        init = {n: prev[n] if n in prev else centre + rng.normal(0, spread, 2) for n in H}
    k = 1.6 / math.sqrt(max(H.number_of_nodes(), 1))
    return nx.spring_layout(H, k=k, pos=init, fixed=fixed or None, weight="lw", seed=seed,
                            iterations=100 if H.number_of_nodes() <= 300 else 60)


def _igraph_layout(nodes: list, a: np.ndarray, b: np.ndarray, weights: np.ndarray,
                   prev: Mapping, seed: int) -> dict:
    """python-igraph's Fruchterman-Reingold on ties given as positions into ``nodes``."""
    import random

    import igraph as ig

    index = {n: i for i, n in enumerate(nodes)}
    # a list of tuples converts 2.5x faster than a 2-column array or a list of lists
    edges = list(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    weights = np.asarray(weights, dtype=float).tolist()
    g = ig.Graph(n=len(nodes), edges=edges)
    # 500 iterations (igraph's default) up to 2,000 members; fewer above, where the grid
    # variant settles sooner and each iteration costs more (0.45 s against 1.1 s for
    # 10,000 members and 394,000 ties)
    niter = 500 if len(nodes) <= 2000 else 200
    kwargs: dict[str, Any] = {"weights": weights, "niter": niter}
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, (len(nodes), 2)) * math.sqrt(len(nodes))
    fixed = [n for n in nodes if n in prev]
    if fixed:
        scale = math.sqrt(len(nodes)) / max(np.abs([prev[n] for n in fixed]).max(), 1e-9)
        lo = np.full((len(nodes), 2), -np.inf)
        hi = np.full((len(nodes), 2), np.inf)
        for n in fixed:
            i = index[n]
            start[i] = prev[n] * scale
            lo[i] = hi[i] = start[i]
        kwargs.update(minx=lo[:, 0].tolist(), maxx=hi[:, 0].tolist(),
                      miny=lo[:, 1].tolist(), maxy=hi[:, 1].tolist())
    ig.set_random_number_generator(random.Random(seed))
    try:
        if fixed:  # a start is only needed to pin the fixed nodes (it slows igraph down)
            kwargs["seed"] = start.tolist()
        xy = np.array(g.layout_fruchterman_reingold(**kwargs).coords)
    finally:
        ig.set_random_number_generator(random)
    if fixed:
        xy = xy / scale
    return {n: xy[i] for i, n in enumerate(nodes)}


def _strongest_ties(eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` strongest ties plus every node's strongest tie (ties in
    weight broken by the node indices, so the choice is deterministic).

    Linear time apart from the ties at the k-th weight: no sort of all ties (two lexsorts
    of 4 million ties took 3 s at 100,000 members)."""
    m = len(ew)
    keep = np.zeros(m, dtype=bool)
    if m == 0:
        return keep
    if k >= m:
        keep[:] = True
    elif k > 0:
        thr = np.partition(ew, m - k)[m - k]          # the k-th largest weight
        above = ew > thr
        keep |= above
        tied = np.flatnonzero(ew == thr)              # (u, v) order among them, stable
        keep[tied[np.lexsort((ev[tied], eu[tied]))[:k - int(above.sum())]]] = True
    n = int(max(eu.max(), ev.max())) + 1
    top = np.full(n, -np.inf)
    np.maximum.at(top, eu, ew)
    np.maximum.at(top, ev, ew)
    idx = np.arange(m)
    first = np.full(n, m)                             # the lowest-numbered strongest tie
    for end in (eu, ev):
        best = ew == top[end]
        np.minimum.at(first, end[best], idx[best])
    keep[first[first < m]] = True
    return keep


def _org_layout(nodes: list, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray,
                seed: int) -> dict:
    """Positions of an organization map: a seeded spring layout (log tie weights), refined
    by Kamada-Kawai up to ``_ORG_KK`` organizations; igraph above ``_AUTO_IGRAPH``."""
    if len(nodes) > _AUTO_IGRAPH and _has_igraph():
        # thousands of organizations (a national network): networkx's spring layout
        # over a near-complete organization graph takes a minute
        loop = eu == ev
        xy0 = _igraph_layout(nodes, eu[~loop], ev[~loop], np.log1p(ew[~loop]), {}, seed)
        fit = _fit_disc(np.array([xy0[n] for n in nodes], dtype=float))
        return {n: fit[i] for i, n in enumerate(nodes)}
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_weighted_edges_from((nodes[a], nodes[b], math.log1p(w))
                              for a, b, w in zip(eu.tolist(), ev.tolist(), ew.tolist(),
                                                 strict=True))
    pos = nx.spring_layout(H, seed=seed, k=2.2 / math.sqrt(max(len(nodes), 1)),
                           iterations=200)
    if 2 < len(nodes) <= _ORG_KK:
        pos = kamada_kawai(H, pos)
    return pos
