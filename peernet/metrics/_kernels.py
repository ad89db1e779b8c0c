"""Compiled graph kernels (numba): Burt's constraint, Brandes betweenness from sources and the
closed two-paths of Gould-Fernandez brokerage, over CSR arrays (private).

Imported lazily (``import peernet`` does not import numba). Compiled once and cached on disk
(``cache=True``: in ``__pycache__`` next to this file, or numba's user-wide cache directory
when the package folder is read-only), so a fresh process loads the machine code (about 0.3 s
for the first kernel, milliseconds for the next) instead of compiling it (about 2.5 s for
the three). Each kernel walks the rows of a CSR matrix with O(n) scratch arrays: memory is
linear in the ties.

The kernels release the GIL (``nogil=True``): :func:`blocks` runs a kernel on interleaved
slices of the rows or sources (``start``, ``start + step``, ...) in threads and adds the
parts in slice order. ``step`` is a fixed :data:`BLOCKS` (not the number of cores) for large
inputs, so the sums are the same on every machine. numba's ``prange`` would do the same
split but costs four times the compile time (about 10 s) and 0.25 s more to load from the
cache, paid by every small network.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

#: Interleaved slices of the rows or sources that large inputs are cut into.
BLOCKS = 8
#: Below this many steps of work (two-step paths, edges x sources) one call does it all.
THREADED_WORK = 5_000_000


def blocks(kernel: Callable, args: tuple, work: float) -> np.ndarray:
    """``kernel(*args, start, step)`` summed over the slices: one call when ``work`` is
    small, else :data:`BLOCKS` slices on up to that many threads (one a core)."""
    if work < THREADED_WORK:
        return kernel(*args, 0, 1)
    threads = max(1, min(BLOCKS, os.cpu_count() or 1))
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda b: kernel(*args, b, BLOCKS), range(BLOCKS)))
    out = parts[0]
    for part in parts[1:]:
        out += part
    return out


@njit(cache=True, nogil=True)
def constraint_csr(indptr, indices, p, n, start, step):  # pragma: no cover - compiled
    """Burt's constraint ``sum_j (p_ij + sum_q p_iq p_qj)^2`` over the neighbours j of each
    node i in ``range(start, n, step)`` (0 elsewhere and for isolates); ``p`` is the CSR
    data row-normalised (``w_ij / s_i``)."""
    out = np.zeros(n)
    acc = np.zeros(n)
    for i in range(start, n, step):
        lo, hi = indptr[i], indptr[i + 1]
        for e in range(lo, hi):
            acc[indices[e]] = p[e]        # direct part; marks the neighbours as well
        for e in range(lo, hi):
            q = indices[e]
            piq = p[e]
            for f in range(indptr[q], indptr[q + 1]):
                j = indices[f]
                if acc[j] != 0.0 and j != i:
                    acc[j] += piq * p[f]
        c = 0.0
        for e in range(lo, hi):
            j = indices[e]
            c += acc[j] * acc[j]
            acc[j] = 0.0
        out[i] = c
    return out


@njit(cache=True, nogil=True)
def brandes_csr(indptr, indices, sources, n, start, step):  # pragma: no cover - compiled
    """``sum_s delta_s(v)``: Brandes' dependency of every node on the unweighted shortest
    paths from each source ``s`` to every node (ordered pairs; twice the undirected pair
    count when every node is a source), over the sources ``start``, ``start + step``, ..."""
    raw = np.zeros(n)
    dist = np.full(n, -1, np.int64)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    order = np.empty(n, np.int64)
    for t in range(start, len(sources), step):
        s = sources[t]
        dist[s] = 0
        sigma[s] = 1.0
        order[0] = s
        head, tail = 0, 1
        while head < tail:                 # BFS; ``order`` is the queue and the stack
            v = order[head]
            head += 1
            dv = dist[v] + 1
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                if dist[w] < 0:
                    dist[w] = dv
                    order[tail] = w
                    tail += 1
                if dist[w] == dv:
                    sigma[w] += sigma[v]
        for h in range(tail - 1, -1, -1):  # accumulate from the farthest node back
            w = order[h]
            dw = dist[w] - 1
            coeff = (1.0 + delta[w]) / sigma[w]
            for e in range(indptr[w], indptr[w + 1]):
                v = indices[e]
                if dist[v] == dw:
                    delta[v] += sigma[v] * coeff
            if w != s:
                raw[w] += delta[w]
        for h in range(tail):
            w = order[h]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0
    return raw


@njit(cache=True, nogil=True)
def closed_brokerage_csr(indptr, indices, g, n, start, step):  # pragma: no cover - compiled
    """Closed two-paths ``a -> b -> c`` (with ``a -> c``, a != c) by the role of broker b
    (n x 5 counts: coordinator, gatekeeper, representative, consultant, liaison) in a
    directed CSR adjacency without self-ties; ``g`` the group of each node; the a in
    ``range(start, n, step)``."""
    cnt = np.zeros((n, 5), np.int64)
    mark = np.zeros(n, np.bool_)
    for a in range(start, n, step):
        lo, hi = indptr[a], indptr[a + 1]
        if hi - lo < 2:
            continue
        for e in range(lo, hi):
            mark[indices[e]] = True
        ga = g[a]
        for e in range(lo, hi):
            b = indices[e]
            gb = g[b]
            for f in range(indptr[b], indptr[b + 1]):
                c = indices[f]
                if mark[c]:
                    gc = g[c]
                    if ga == gb:
                        cnt[b, 0 if gb == gc else 2] += 1
                    elif gb == gc:
                        cnt[b, 1] += 1
                    else:
                        cnt[b, 3 if ga == gc else 4] += 1
        for e in range(lo, hi):
            mark[indices[e]] = False
    return cnt
