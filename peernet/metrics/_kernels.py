"""Compiled graph kernels (numba): Burt's constraint, Brandes betweenness from sources and the
closed two-paths of Gould-Fernandez brokerage, over CSR arrays (private).

Imported lazily (``import peernet`` does not import numba). Compiled once and cached on disk
(``cache=True``: in ``__pycache__`` next to this file, or numba's user-wide cache directory
when the package folder is read-only), so a fresh process loads the machine code (about 0.3 s
for the first kernel, milliseconds for the next) instead of compiling it (a few seconds for
the three, once per installation). Memory is linear in the ties: scratch arrays of n or of
the CSR data's length.

The kernels release the GIL (``nogil=True``): :func:`blocks` runs betweenness and brokerage
on interleaved slices of the sources or rows (``start``, ``start + step``, ...) in threads
and adds the parts in slice order. ``step`` is a fixed :data:`BLOCKS` (not the number of
cores) for large inputs, so the sums are the same on every machine. numba's ``prange`` would
do the same split but costs four times the compile time (about 10 s) and 0.25 s more to
load from the cache, paid by every small network. Constraint is one pass over the
triangles (no race-free split without a copy of its accumulator a thread).

numba itself is imported on a kernel's first compiled call (its import and LLVM's start cost
about 0.4 CPU s, more than all of a 150-member network's metrics): :func:`run` and
:func:`blocks` run the kernel's own Python source, unchanged, when its work is below
:data:`PYTHON_WORK` steps, so a small network never starts numba. The same code gives the same
numbers either way (tested kernel by kernel).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

#: Interleaved slices of the rows or sources that large inputs are cut into.
BLOCKS = 8
#: Below this many steps of work (two-step paths, edges x sources) one call does it all.
THREADED_WORK = 5_000_000
#: Below this many steps of work a kernel runs as Python (about 0.1 s at this size): cheaper
#: than starting numba (about 0.4 CPU s, once a process).
PYTHON_WORK = 100_000

_python = threading.local()
_compiling = threading.Lock()


class Kernel:
    """A numba kernel compiled on its first compiled call (``njit(cache=True, nogil=True)``
    of :attr:`py_func`). Calling it runs the machine code, except inside :func:`run`'s
    Python run, where the kernels it calls run as Python too."""

    def __init__(self, fn: Callable, options: dict[str, Any]):
        self.py_func = fn
        self.options = options
        self.jit: Any = None
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args: Any) -> Any:
        if getattr(_python, "on", False):
            return self.py_func(*args)
        if self.jit is None:
            _compile_all()
        return self.jit(*args)


def njit(**options: Any) -> Callable[[Callable], Kernel]:
    """``numba.njit(**options)``, applied on the kernel's first compiled call."""
    return lambda fn: Kernel(fn, options)


def _compile_all() -> None:
    """numba's dispatcher of every kernel of this module, which then stand in the module's
    namespace so that kernels calling kernels are typed by numba (compiled or loaded from
    the cache on each one's first call)."""
    import numba

    global STARTED
    with _compiling:
        for space in [globals(), *SPACES]:
            for name, obj in list(space.items()):
                if isinstance(obj, Kernel):
                    if obj.jit is None:
                        obj.jit = numba.njit(**obj.options)(obj.py_func)
                    space[name] = obj.jit
        STARTED = True


#: numba has started in this process (a kernel ran compiled): every kernel then runs compiled.
STARTED = False
#: Namespaces of the other modules whose kernels :func:`_compile_all` compiles with these
#: (:mod:`peernet.metrics._bitkernels` adds its own when it is imported).
SPACES: list[dict[str, Any]] = []


def start() -> None:
    """Start numba here (its import, the kernels' dispatchers and LLVM, with one small
    kernel loaded from the cache): processes forked afterwards inherit it instead of each
    starting it (about 0.5-0.8 CPU s a process)."""
    if not STARTED:
        _compile_all()
    empty = np.zeros(0, np.int64)
    ranked_before(np.zeros(1, np.int64), empty, empty)


def run(kernel: Any, args: tuple, work: float) -> Any:
    """``kernel(*args)``: as Python (the same source, the kernels it calls too) when
    ``work`` is below :data:`PYTHON_WORK` steps and numba has not started in this process
    (then the machine code is cheaper: the bootstrap's hundreds of small calls), else
    compiled. The same numbers either way (tested)."""
    if work < PYTHON_WORK and not STARTED:
        before = getattr(_python, "on", False)
        _python.on = True
        try:
            return kernel.py_func(*args)
        finally:
            _python.on = before
    return kernel(*args)


def blocks(kernel: Callable, args: tuple, work: float) -> np.ndarray:
    """``kernel(*args, start, step)`` summed over the slices: one call when ``work`` is
    small (as Python below :data:`PYTHON_WORK`, see :func:`run`), else :data:`BLOCKS`
    slices on up to that many threads (one a core)."""
    if work < THREADED_WORK:
        return run(kernel, (*args, 0, 1), work)
    threads = max(1, min(BLOCKS, os.cpu_count() or 1))
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda b: kernel(*args, b, BLOCKS), range(BLOCKS)))
    out = parts[0]
    for part in parts[1:]:
        out += part
    return out


@njit(cache=True, nogil=True)
def permuted_csr(indptr, indices, order, pos):  # pragma: no cover - compiled
    """The CSR structure of a graph with its nodes renumbered (node ``order[r]`` becomes
    ``r``, ``pos`` the inverse), each row's indices sorted, as int32: what
    ``sp.csr_array`` of the renumbered entries with ``sort_indices()`` holds, without the
    entries' copies (row, column, data and int64 positions: 0.75 GB at 9.4M ties)."""
    n = len(order)
    optr = np.zeros(n + 1, np.int64)
    for r in range(n):
        u = order[r]
        optr[r + 1] = optr[r] + indptr[u + 1] - indptr[u]
    out = np.empty(optr[n], np.int32)
    for r in range(n):
        u = order[r]
        k = optr[r]
        for e in range(indptr[u], indptr[u + 1]):
            out[k] = pos[indices[e]]
            k += 1
        out[optr[r]:k].sort()
    return optr, out


@njit(cache=True, nogil=True)
def oriented(indptr, indices, n):  # pragma: no cover - compiled
    """Every tie of a symmetric CSR graph pointed from its lower- to its higher-degree end
    (equal degrees: to the higher index), so that each triangle is walked once: ``optr``
    (n + 1), the CSR entry positions ``oe`` of each node's out-ties and their far ends
    ``onb`` (both int32: fewer than 2**31 CSR entries; a walk reads them in a row)."""
    deg = indptr[1:] - indptr[:n]
    optr = np.zeros(n + 1, np.int64)
    for u in range(n):
        k = 0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if deg[v] > deg[u] or (deg[v] == deg[u] and v > u):
                k += 1
        optr[u + 1] = optr[u] + k
    oe = np.empty(optr[n], np.int32)
    onb = np.empty(optr[n], np.int32)
    for u in range(n):
        k = optr[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if deg[v] > deg[u] or (deg[v] == deg[u] and v > u):
                oe[k] = e
                onb[k] = v
                k += 1
    return optr, oe, onb


@njit(cache=True, nogil=True)
def constraint_csr(indptr, indices, p, n):  # pragma: no cover - compiled
    """Burt's constraint ``sum_j (p_ij + sum_q p_iq p_qj)^2`` over the neighbours j of each
    node i (0 for isolates); ``p`` is the data of a symmetric CSR matrix with sorted indices,
    row-normalised (``w_ij / s_i``), of fewer than 2**31 entries.

    The indirect part ``sum_q p_iq p_qj`` only has terms where i, q, j are a triangle, so
    the triangles are listed once each (every tie pointed from its lower- to its
    higher-degree end; a node marks its out-neighbours and walks theirs) and each adds its
    six two-step paths to the tie they close: the work is the oriented two-paths, not every
    two-step path. Scratch: the sums (8 bytes an entry), the reverse entries (4) and the
    oriented ties (8 an oriented tie).
    """
    nnz = indptr[n]
    rev = np.empty(nnz, np.int32)            # position of (j, i) for the entry (i, j)
    pos = indptr[:n].copy()
    for i in range(n):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            rev[e] = pos[j]
            pos[j] += 1
    optr, oe, onb = oriented(indptr, indices, n)
    ind = np.zeros(nnz)                      # sum_q p_iq p_qj of each entry (i, j)
    mark = np.full(n, -1, np.int32)
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = oe[k]
        for k in range(optr[u], optr[u + 1]):
            uv = oe[k]
            vu = rev[uv]
            puv, pvu = p[uv], p[vu]
            for k2 in range(optr[onb[k]], optr[onb[k] + 1]):
                uw = mark[onb[k2]]
                if uw >= 0:                  # triangle u, v, w
                    vw = oe[k2]
                    wv, wu = rev[vw], rev[uw]
                    pvw, pwv, puw, pwu = p[vw], p[wv], p[uw], p[wu]
                    ind[uw] += puv * pvw
                    ind[wu] += pwv * pvu
                    ind[uv] += puw * pwv
                    ind[vu] += pvw * pwu
                    ind[vw] += pvu * puw
                    ind[wv] += pwu * puv
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = -1
    out = np.zeros(n)
    for i in range(n):
        c = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            x = p[e] + ind[e]
            c += x * x
        out[i] = c
    return out


@njit(cache=True, nogil=True)
def core_numbers(indptr, indices, n):  # pragma: no cover - compiled
    """The k-core number of each node of a symmetric CSR graph without self-ties
    (Batagelj & Zaversnik 2003: nodes in buckets by their remaining degree, taken from the
    lowest, each lowering its later neighbours'); equal to ``nx.core_number`` and igraph's
    ``coreness``."""
    deg = np.empty(n, np.int64)
    top = 0
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
        top = max(top, deg[v])
    start = np.zeros(top + 1, np.int64)      # first place of each degree's bucket
    for v in range(n):
        start[deg[v]] += 1
    first = 0
    for d in range(top + 1):
        count = start[d]
        start[d] = first
        first += count
    pos = np.empty(n, np.int64)
    vert = np.empty(n, np.int64)
    for v in range(n):
        pos[v] = start[deg[v]]
        vert[pos[v]] = v
        start[deg[v]] += 1
    for d in range(top, 0, -1):
        start[d] = start[d - 1]
    start[0] = 0
    for i in range(n):
        v = vert[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if deg[u] > deg[v]:
                du, pu = deg[u], pos[u]
                pw = start[du]
                w = vert[pw]
                if u != w:
                    pos[u], vert[pu] = pw, w
                    pos[w], vert[pw] = pu, u
                start[du] += 1
                deg[u] -= 1
    return deg


@njit(cache=True, nogil=True)
def triangles_csr(indptr, indices, n):  # pragma: no cover - compiled
    """Triangles through each node of a symmetric CSR graph (no self-loops), each triangle
    listed once over the :func:`oriented` ties."""
    optr, _, onb = oriented(indptr, indices, n)
    tri = np.zeros(n, np.int64)
    mark = np.zeros(n, np.bool_)
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = True
        for k in range(optr[u], optr[u + 1]):
            v = onb[k]
            for k2 in range(optr[v], optr[v + 1]):
                if mark[onb[k2]]:
                    tri[u] += 1
                    tri[v] += 1
                    tri[onb[k2]] += 1
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = False
    return tri


@njit(cache=True, nogil=True)
def oriented_lists(indptr, indices, tie, n):  # pragma: no cover - compiled
    """:func:`oriented`'s out-ties as lists of their own (``optr``, the far end ``onb`` and
    the id ``tie[e]`` of each, int32): a walk reads them in a row instead of through the
    CSR entry positions."""
    optr, oe, onb = oriented(indptr, indices, n)
    otie = np.empty(len(oe), np.int32)
    for k in range(len(oe)):
        otie[k] = tie[oe[k]]
    return optr, onb, otie


@njit(cache=True, nogil=True)
def count_triangles_csr(indptr, indices, n):  # pragma: no cover - compiled
    """The sum of :func:`triangles_csr` / 3 (every triangle once), walking the oriented
    ties as :func:`list_triangles_csr` does: no count a node."""
    optr, onb, _ = oriented_lists(indptr, indices, indices, n)
    mark = np.zeros(n, np.bool_)
    t = 0
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = True
        for k in range(optr[u], optr[u + 1]):
            v = onb[k]
            for k2 in range(optr[v], optr[v + 1]):
                t += mark[onb[k2]]
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = False
    return t


@njit(cache=True, nogil=True)
def list_triangle_runs(optr, onb, otie, n, total):  # pragma: no cover - compiled
    """Every triangle of the oriented lists (``optr``, ``onb``, ``otie``:
    :func:`oriented_lists`) once, in the order of
    :func:`list_triangles_csr`, in runs: the triangles on oriented
    tie ``k`` (``u -> v``, ``v = onb[k]``, tie ``otie[k]``) are rows ``start[k]`` to
    ``start[k + 1] - 1``, each its third node ``w`` and the ties of ``(v, w)`` and
    ``(u, w)``: 12 bytes a triangle against 24 (three nodes and three ties). Returns
    ``start`` and the rows (``total`` x 3: w, tie v-w, tie u-w) and the count found (the
    rows are the list when it equals ``total``)."""
    start = np.zeros(len(onb) + 1, np.int64)
    rows = np.empty((total, 3), np.int32)
    mark = np.full(n, -1, np.int32)          # tie of (u, w) while u is walked
    t = 0
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = otie[k]
        for k in range(optr[u], optr[u + 1]):
            v = onb[k]
            for k2 in range(optr[v], optr[v + 1]):
                w = onb[k2]
                if mark[w] >= 0:
                    if t < total:
                        rows[t, 0], rows[t, 1], rows[t, 2] = w, otie[k2], mark[w]
                    t += 1
            start[k + 1] = t
        for k in range(optr[u], optr[u + 1]):
            mark[onb[k]] = -1
    return start, rows, t


@njit(cache=True, nogil=True)
def triangle_rows(optr, onb, otie, start, rows, n):  # pragma: no cover - compiled
    """The nodes and ties (n x 3 each) of :func:`list_triangle_runs`' triangles (its rows
    written: none past a ``total`` too small)."""
    nodes = np.empty((len(rows), 3), np.int32)
    ties = np.empty((len(rows), 3), np.int32)
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            for j in range(start[k], min(start[k + 1], len(rows))):
                nodes[j, 0], nodes[j, 1], nodes[j, 2] = u, onb[k], rows[j, 0]
                ties[j, 0], ties[j, 1], ties[j, 2] = otie[k], rows[j, 1], rows[j, 2]
    return nodes, ties


@njit(cache=True, nogil=True)
def list_triangles_csr(indptr, indices, tie, n, total):  # pragma: no cover - compiled
    """Every triangle of a symmetric CSR graph once (as :func:`triangles_csr` lists them):
    its three nodes and the ids ``tie[e]`` of its three ties, in ``total`` rows (the sum of
    :func:`triangles_csr` / 3), and the count of triangles found: the rows are the list
    when it equals ``total`` (none is written past ``total``). :func:`list_triangle_runs`
    of :func:`oriented_lists`, read back by :func:`triangle_rows`."""
    optr, onb, otie = oriented_lists(indptr, indices, tie, n)
    start, rows, t = list_triangle_runs(optr, onb, otie, n, total)
    nodes, ties = triangle_rows(optr, onb, otie, start, rows, n)
    return nodes, ties, t


@njit(cache=True, nogil=True)
def reverse_pairs(keys, n):  # pragma: no cover - compiled
    """Position of the pair ``t * n + s`` among the sorted distinct pair keys ``keys``
    (``s * n + t``) of each, -1 when absent: a binary search in the keys of row ``t``
    (``np.searchsorted`` of every reversed key over all of them, without its random
    reads of the whole array)."""
    m = len(keys)
    start = np.zeros(n + 1, np.int64)       # first key of each row
    for i in range(m):
        start[keys[i] // n + 1] += 1
    for a in range(n):
        start[a + 1] += start[a]
    out = np.full(m, -1, np.int64)
    for i in range(m):
        s, t = keys[i] // n, keys[i] % n
        want = t * n + s
        lo, hi = start[t], start[t + 1]
        while lo < hi:
            mid = (lo + hi) // 2
            if keys[mid] < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < start[t + 1] and keys[lo] == want:
            out[i] = lo
    return out


@njit(cache=True, nogil=True)
def present_triangles(nodes, ties, present, n):  # pragma: no cover - compiled
    """Triangles through each node (of ``n``) among the listed ones whose three ties are
    ``present``."""
    out = np.zeros(n, np.int64)
    for k in range(len(ties)):
        if present[ties[k, 0]] and present[ties[k, 1]] and present[ties[k, 2]]:
            out[nodes[k, 0]] += 1
            out[nodes[k, 1]] += 1
            out[nodes[k, 2]] += 1
    return out


@njit(cache=True, nogil=True)
def largest_component(n, u, v):  # pragma: no cover - compiled
    """Nodes in the largest connected component of ``n`` nodes with the ties ``u - v``
    (union-find; 0 when ``n`` is 0)."""
    parent = np.arange(n)
    for k in range(len(u)):
        a = u[k]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        b = v[k]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            parent[a] = b
    size = np.zeros(n, np.int64)
    best = 0
    for i in range(n):
        r = i
        while parent[r] != r:
            r = parent[r]
        size[r] += 1
        if size[r] > best:
            best = size[r]
    return best


@njit(cache=True, nogil=True)
def _cp_fit(n, k, s1, s0):  # pragma: no cover - compiled
    """:func:`peernet.metrics.coreperiphery._fit` of one split (the same operations)."""
    p1 = k * (k - 1.0) / 2
    p0 = (n - k) * (n - k - 1.0) / 2
    m = p1 + p0
    ties = s1 + s0
    den = p1 * p0 * ties * (m - ties)
    if den > 0:
        return (m * s1 - ties * p1) / np.sqrt(den)
    return np.nan


@njit(cache=True, nogil=True)
def ranked_before(indptr, indices, rank):  # pragma: no cover - compiled
    """Entries of a binary CSR matrix from a row to a column ranked before it, counted at
    the row's rank (float, entry by entry: ``np.bincount(rank[row[later]], weights=1)``)."""
    n = len(indptr) - 1
    out = np.zeros(n)
    for i in range(n):
        ri = rank[i]
        c = 0                            # counted as an integer, without a branch
        for e in range(indptr[i], indptr[i + 1]):
            c += 1 if ri > rank[indices[e]] else 0
        out[ri] = c
    return out


@njit(cache=True, nogil=True)
def masked_csr(hit, e_row, e_col, e_tie, keep):  # pragma: no cover - compiled
    """The sub-graph of a symmetric CSR (entries ``e_row``, ``e_col`` sorted by row then
    column, of tie ``e_tie``) with the ties ``hit``, over the nodes ``keep`` (changed in
    place: the ends of those ties join it), renumbered in order: its ``indptr`` (int64)
    and ``indices`` (int32: fewer than 2**31 nodes; each row's columns still sorted).

    Two passes over the entries without a branch on ``hit`` (which is random: a branch
    mispredicts): the first moves every entry's column to the next free place of a scratch
    array and advances that place by the entry's hit, counting each row's; the second
    renumbers the kept columns in place."""
    n_e = len(e_row)
    scratch = np.empty(n_e + 1, np.int32)
    per_row = np.zeros(len(keep), np.int64)
    c = 0
    j = 0
    while j < n_e:                       # e_row is sorted: one row's entries at a time
        r = e_row[j]
        first = c
        while j < n_e and e_row[j] == r:
            scratch[c] = e_col[j]
            c += 1 if hit[e_tie[j]] else 0
            j += 1
        per_row[r] = c - first
        if c > first:
            keep[r] = True
    pos = np.empty(len(keep), np.int64)
    m = 0
    for i in range(len(keep)):
        pos[i] = m
        if keep[i]:
            m += 1
    indptr = np.zeros(m + 1, np.int64)
    for i in range(len(keep)):
        if keep[i]:
            indptr[pos[i] + 1] = indptr[pos[i]] + per_row[i]
    indices = scratch[:c]
    for t in range(c):
        indices[t] = pos[indices[t]]
    return indptr, indices


@njit(cache=True, nogil=True)
def brandes_csr(indptr, indices, sources, n, start, step):  # pragma: no cover - compiled
    """``sum_s delta_s(v)``: Brandes' dependency of every node on the unweighted shortest
    paths from each source ``s`` to every node (ordered pairs; twice the undirected pair
    count when every node is a source), over the sources ``start``, ``start + step``, ...

    The breadth-first search keeps each node's successors on the shortest paths (at most
    one direction of each tie: half the CSR data), so the accumulation walks only those.
    """
    raw = np.zeros(n)
    dist = np.full(n, -1, np.int64)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    order = np.empty(n, np.int64)            # BFS order: the queue, then the stack
    off = np.empty(n + 1, np.int64)          # successors of order[h]: succ[off[h]:off[h+1]]
    succ = np.empty(len(indices) // 2 + 1, np.int32)
    for t in range(start, len(sources), step):
        s = sources[t]
        dist[s] = 0
        sigma[s] = 1.0
        order[0] = s
        head, tail, m = 0, 1, 0
        while head < tail:
            v = order[head]
            off[head] = m
            head += 1
            dv = dist[v] + 1
            sv = sigma[v]
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv
                    order[tail] = w
                    tail += 1
                    dw = dv
                if dw == dv:
                    sigma[w] += sv
                    succ[m] = w
                    m += 1
        off[tail] = m
        for h in range(tail - 1, -1, -1):    # from the farthest node back
            v = order[h]
            d = 0.0
            for x in range(off[h], off[h + 1]):
                w = succ[x]
                d += (1.0 + delta[w]) / sigma[w]
            d *= sigma[v]
            delta[v] = d
            if v != s:
                raw[v] += d
        for h in range(tail):
            w = order[h]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0
    return raw


@njit(cache=True, nogil=True)
def open_brokerage_csr(indptr, indices, tptr, tind, g, k, n):  # pragma: no cover - compiled
    """Each node b's counts behind its open two-paths (n x 7, whole numbers as floats): in-
    and out-ties (all, then to b's group ``g``), the sum over groups of in-ties times
    out-ties, and the reciprocated ties inside and outside b's group; ``indptr``,
    ``indices`` a directed CSR adjacency without self-ties, ``tptr``, ``tind`` its
    transpose's, ``k`` the number of groups."""
    out = np.zeros((n, 7))
    cnt = np.zeros(k, np.int64)
    mark = np.zeros(n, np.bool_)
    for b in range(n):
        gb = g[b]
        in_same = out_same = diag = same2 = other2 = 0
        for e in range(tptr[b], tptr[b + 1]):
            x = tind[e]
            cnt[g[x]] += 1
            mark[x] = True
            in_same += 1 if g[x] == gb else 0
        for e in range(indptr[b], indptr[b + 1]):
            c = indices[e]
            diag += cnt[g[c]]
            out_same += 1 if g[c] == gb else 0
            if mark[c]:
                if g[c] == gb:
                    same2 += 1
                else:
                    other2 += 1
        for e in range(tptr[b], tptr[b + 1]):
            cnt[g[tind[e]]] = 0
            mark[tind[e]] = False
        out[b, 0], out[b, 1] = tptr[b + 1] - tptr[b], in_same
        out[b, 2], out[b, 3] = indptr[b + 1] - indptr[b], out_same
        out[b, 4], out[b, 5], out[b, 6] = diag, same2, other2
    return out


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
