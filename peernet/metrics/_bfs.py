"""Hop distances from many sources at once (private): the breadth-first search behind
:func:`peernet.metrics._sparse.path_stats` (efficiency, mean path length), as numpy on a
small graph and compiled on a large one (the same levels either way; tested).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import _kernels
from ._kernels import SPACES, njit

#: Levels after which the all-sources BFS gives way to one BFS a source (long thin graphs).
BFS_MAX_LEVELS = 64   # < 256: levels are kept as uint8


def bfs_distances(a: sp.csr_array, sources: np.ndarray,
                  max_levels: int = BFS_MAX_LEVELS) -> np.ndarray | None:
    """Hop distances (k x n, float; inf when unreachable) from k sources at once.

    One level-synchronous breadth-first search for all sources together: bit ``s`` of a
    node's words (64 sources a uint64) says that source ``s`` has reached it, and a level
    ORs the frontier words of each node's neighbours - pulled over every edge while the
    frontier is large, pushed from the frontier's own edges when it is small. Equal to one
    BFS per source (igraph's ``distances``, ``csgraph.shortest_path(unweighted=True)``) and
    about 4x faster than igraph for 256 sources on a small-world graph. None when some
    source is still going after ``max_levels`` levels (each level costs a pass over the
    edges, so a path-like graph is left to the per-source search). From
    :data:`~peernet.metrics._kernels.THREADED_WORK` edges x words (or once numba has
    started) the search is compiled (:func:`bfs_hops`: no temporaries a level; the same
    levels, so the same distances), below it numpy's.
    """
    n, k = a.shape[0], len(sources)
    col = np.arange(k)
    indptr = a.indptr.astype(np.int64, copy=False)
    indices = a.indices                      # int32 or int64: read as they are
    if not len(indices) or not k:
        dist = np.full((k, n), np.inf)
        dist[col, sources] = 0.0
        return dist
    words = (k + 63) // 64
    if _kernels.STARTED or float(len(indices)) * words >= _kernels.THREADED_WORK:
        hops, done = bfs_hops(indptr, indices, np.asarray(sources, np.int64), n, max_levels)
        if not done:
            return None
        return _distances_of(hops, sources)
    hops = np.zeros((n, k), np.uint8)        # level at which each source reached each node
    deg = np.diff(indptr)
    has = np.flatnonzero(deg > 0)
    off = indptr[:-1][has]
    visited = np.zeros((words, n), np.uint64)
    np.bitwise_or.at(visited, (col // 64, sources),
                     np.left_shift(np.uint64(1), (col % 64).astype(np.uint64)))
    frontier = visited.copy()
    active = np.unique(sources)
    level = 0
    while len(active):
        level += 1
        if level > max_levels:
            return None
        reached = np.zeros((words, n), np.uint64)
        ln = deg[active]
        edges = int(ln.sum())
        if not edges:
            break
        if edges * 16 < len(indices):        # small frontier: push along its edges
            e = np.repeat(indptr[active] - np.cumsum(ln) + ln, ln) + np.arange(edges)
            src = np.repeat(active, ln)
            dst = indices[e]
            o = np.argsort(dst, kind="stable")
            dst, src = dst[o], src[o]
            st = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
            for i in range(words):
                reached[i, dst[st]] = np.bitwise_or.reduceat(frontier[i][src], st)
        else:                                # large frontier: pull over every edge
            for i in range(words):
                reached[i, has] = np.bitwise_or.reduceat(frontier[i][indices], off)
        frontier = reached & ~visited
        active = np.flatnonzero(frontier.any(axis=0))
        if not len(active):
            break
        visited[:, active] |= frontier[:, active]
        new = np.ascontiguousarray(frontier[:, active].T).astype("<u8")
        bits = np.unpackbits(new.view(np.uint8), axis=1, bitorder="little")[:, :k]
        hops[active] |= bits * np.uint8(level)
    return _distances_of(hops, sources)


def _distances_of(hops: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """The distances (k x n, float) of the levels ``hops`` (n x k; 0 where unreached)."""
    dist = hops.T.astype(float)
    dist[dist == 0] = np.inf
    dist[np.arange(len(sources)), sources] = 0.0
    return dist




@njit(cache=True, nogil=True)
def bfs_hops(indptr, indices, sources, n, max_levels):  # pragma: no cover - compiled
    """:func:`bfs_distances`' levels (n x k uint8, 0 where unreached and at the sources) and
    whether the search ended within ``max_levels`` levels: each level pushes the frontier
    words of its active nodes to their neighbours, once a tie, and keeps the new bits."""
    k = len(sources)
    words = (k + 63) // 64
    hops = np.zeros((n, k), np.uint8)
    visited = np.zeros((n, words), np.uint64)
    frontier = np.zeros((n, words), np.uint64)
    reached = np.zeros((n, words), np.uint64)
    active = np.empty(n, np.int64)
    touched = np.empty(n, np.int64)
    seen = np.zeros(n, np.bool_)
    nact = 0
    one = np.uint64(1)
    for c in range(k):
        s = sources[c]
        bit = one << np.uint64(c % 64)
        visited[s, c // 64] |= bit
        frontier[s, c // 64] |= bit
        if not seen[s]:
            seen[s] = True
            active[nact] = s
            nact += 1
    for t in range(nact):
        seen[active[t]] = False
    level = 0
    while nact > 0:
        level += 1
        if level > max_levels:
            return hops, False
        nt = 0
        for t in range(nact):
            x = active[t]
            for e in range(indptr[x], indptr[x + 1]):
                y = indices[e]
                if not seen[y]:
                    seen[y] = True
                    touched[nt] = y
                    nt += 1
                for i in range(words):
                    reached[y, i] |= frontier[x, i]
        for t in range(nact):
            x = active[t]
            for i in range(words):
                frontier[x, i] = 0
        nact = 0
        for t in range(nt):
            y = touched[t]
            seen[y] = False
            new = False
            for i in range(words):
                bits = reached[y, i] & ~visited[y, i]
                reached[y, i] = 0
                if bits != 0:
                    new = True
                    visited[y, i] |= bits
                    frontier[y, i] = bits
                    for b in range(64):
                        if (bits >> np.uint64(b)) & one:
                            hops[y, i * 64 + b] = level
            if new:
                active[nact] = y
                nact += 1
    return hops, True


SPACES.append(globals())
