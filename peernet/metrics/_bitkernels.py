"""Compiled kernels of the batched bootstrap replicates (private): up to 64 replicates at a
time, bit ``b`` of a uint64 word saying "present in replicate b"
(:meth:`peernet.metrics.uncertainty.StructureReplicates.batch`, the Grid's replicates).

Kernels of :mod:`peernet.metrics._kernels`'s kind (compiled on their first compiled call,
cached on disk); that module compiles this one's with its own (:data:`_kernels.SPACES`).
"""

from __future__ import annotations

import numpy as np

from ._kernels import SPACES, njit


@njit(cache=True, nogil=True)
def or_scatter(target, source, bits, size):  # pragma: no cover - compiled
    """``out[target[i]] |= bits[source[i]]`` for every i, over ``size`` words."""
    out = np.zeros(size, np.uint64)
    for i in range(len(target)):
        out[target[i]] |= bits[source[i]]
    return out


@njit(cache=True, nogil=True)
def count_values(x, k):  # pragma: no cover - compiled
    """``np.bincount(x, minlength=k)`` of values in ``0..k-1`` (one pass, int64)."""
    out = np.zeros(k, np.int64)
    for i in range(len(x)):
        out[x[i]] += 1
    return out


@njit(cache=True, nogil=True)
def byte_counts(counts, out):  # pragma: no cover - compiled
    """``out[:] = counts`` as bytes (uint8), one pass; False when a count is not in
    0..255 (``out`` is then not the counts)."""
    high = 0
    for i in range(len(counts)):
        c = counts[i]
        high |= c >> 8                   # bits past a byte (or a sign): no branch a count
        out[i] = np.uint8(c & 255)
    return high == 0


@njit(cache=True, nogil=True)
def row_products(indptr, indices, data, counts):  # pragma: no cover - compiled
    """``m @ counts`` of the CSR matrix ``m`` given as ``indptr``, ``indices``, ``data``:
    each row's sum of ``data * counts[indices]`` in int64 (integers: exact). Gathering
    bytes (``counts`` as :func:`byte_counts` gives them) keeps the gathers in a core's
    cache: 600,000 units are 0.6 MB against 4.8 MB of int64."""
    n = len(indptr) - 1
    out = np.empty(n, np.int64)
    for t in range(n):
        acc = np.int64(0)
        for e in range(indptr[t], indptr[t + 1]):
            acc += np.int64(data[e]) * np.int64(counts[indices[e]])
        out[t] = acc
    return out


@njit(cache=True, nogil=True)
def first_units(event, thread):  # pragma: no cover - compiled
    """Resampling unit of each row (its event's code if ``event >= 0``, else its
    thread's, else itself), numbered in order of first appearance: ``pd.factorize`` of
    distinct keys of the three, one pass without hashing."""
    n = len(event)
    n_thread, n_event = 0, 0
    for i in range(n):
        n_thread = max(n_thread, thread[i] + 1)
        n_event = max(n_event, event[i] + 1)
    seen = np.full(n + n_thread + n_event, -1, np.int64)
    out = np.empty(n, np.int64)
    nxt = 0
    for i in range(n):
        if event[i] >= 0:
            key = n + n_thread + event[i]
        elif thread[i] >= 0:
            key = n + thread[i]
        else:
            key = i
        if seen[key] < 0:
            seen[key] = nxt
            nxt += 1
        out[i] = seen[key]
    return out


@njit(cache=True, nogil=True)
def or_drawn(out, mult, b):  # pragma: no cover - compiled
    """``out |= (mult > 0) << b`` (uint64 words) in one pass."""
    one = np.uint64(1) << np.uint64(b)
    for i in range(len(mult)):
        if mult[i] > 0:
            out[i] |= one


@njit(cache=True, nogil=True)
def or_values(out, x, b):  # pragma: no cover - compiled
    """``out[x[i]] |= 1 << b`` for every i: bit ``b`` of each value drawn (uint64 words),
    :func:`or_drawn` of :func:`count_values`' counts without counting."""
    one = np.uint64(1) << np.uint64(b)
    for i in range(len(x)):
        out[x[i]] |= one


@njit(cache=True, nogil=True)
def or_rows(rows, out):  # pragma: no cover - compiled
    """``out[v] |= 1 << r`` for every bit ``v % 64`` set in ``rows[r, v // 64]`` (``rows``:
    at most 64 bitmaps of ``len(out)`` values, one a replicate,
    :func:`peernet.metrics._pcg.mark_draws`): each 64 x 64 block of bits transposed in
    registers (Warren, Hacker's Delight, 7-3: six rounds of swaps of halves), one
    sequential pass over the words."""
    count, width = rows.shape
    k = len(out)
    a = np.zeros(64, np.uint64)
    for blk in range(width):
        for r in range(count):
            a[r] = rows[r, blk]
        j = 32
        m = np.uint64(0x00000000FFFFFFFF)
        while j:
            sj = np.uint64(j)
            for r in range(64):
                if not r & j:
                    t = ((a[r] >> sj) ^ a[r + j]) & m
                    a[r + j] ^= t
                    a[r] ^= t << sj
            j >>= 1
            m ^= m << np.uint64(j)
        base = blk * 64
        for i in range(min(64, k - base)):
            out[base + i] |= a[i]
        a[:] = 0


@njit(cache=True, nogil=True)
def _lane_counts(acc, every_count, b, out):  # pragma: no cover - compiled
    """``out[i, r] = acc[i, r] + every_count[i]`` for r < b."""
    for i in range(acc.shape[0]):
        for r in range(b):
            out[i, r] = acc[i, r] + every_count[i]


def bit_degrees(u, v, bits, n, b):
    """Degree of each of ``n`` nodes in each of ``b`` replicates (n x b, int64): tie
    ``u[k] - v[k]`` counts where its bit is set."""
    return _bit_degrees(u, v, bits, n, b)


@njit(cache=True, nogil=True)
def _bit_degrees(u, v, bits, n, b):  # pragma: no cover - compiled
    # a node's counts in eight byte counts a word (:func:`_add_spread`), moved to the
    # int32 counts every 255 ties
    spread = _spread_bytes()
    acc = np.zeros((n, 64), np.int32)
    low = np.zeros((n, 8), np.uint64)
    added = np.zeros(n, np.int32)           # words in low since moved
    every_count = np.zeros(n, np.int32)     # ties present in every replicate
    every = np.uint64(0xFFFFFFFFFFFFFFFF) >> np.uint64(64 - b)
    for k in range(len(u)):
        word = bits[k]
        if word == every:
            every_count[u[k]] += 1
            every_count[v[k]] += 1
        elif word:
            for x in (u[k], v[k]):
                _add_spread(low[x], word, spread)
                added[x] += 1
                if added[x] == 255:
                    _move_spread(low[x], acc[x])
                    added[x] = 0
    for x in range(n):
        _move_spread(low[x], acc[x])
    out = np.zeros((n, b), np.int64)
    _lane_counts(acc, every_count, b, out)
    return out


def bit_triangle_runs(listed, bits, n, b):
    """:func:`peernet.metrics._kernels.present_triangles` of ``b`` replicates at once (n x b,
    int32): a listed triangle counts in replicate ``r`` where bit ``r`` of its three ties'
    words is set. ``listed``: the triangles in runs (``rows, start`` of
    :func:`peernet.metrics._kernels.list_triangle_runs`, then the oriented lists ``optr,
    onb, otie``): a run's tie ``u - v`` read once, 12 bytes read a triangle (24 as three
    nodes and three ties)."""
    rows, start, optr, onb, otie = listed
    return _bit_triangle_runs(optr, onb, otie, start, rows, bits, n, b)


@njit(cache=True, nogil=True)
def _bit_triangle_runs(optr, onb, otie, start, rows, bits, n, b):  # pragma: no cover
    # a node's counts go to eight byte counts a word (:func:`_add_spread`, the first
    # (b + 7) // 8 words: the bytes of lanes below b), moved to the int32 counts every 255
    # triangles (8-40% faster than 64 shifts and adds a word into 64 byte counts)
    spread = _spread_bytes()
    acc = np.zeros((n, 64), np.int32)
    low = np.zeros((n, 8), np.uint64)
    added = np.zeros(n, np.int32)           # words in low since moved
    every_count = np.zeros(n, np.int32)     # triangles present in every replicate
    every = np.uint64(0xFFFFFFFFFFFFFFFF) >> np.uint64(64 - b)
    m = np.uint64(255)
    used = (b + 7) // 8
    for u in range(n):
        for k in range(optr[u], optr[u + 1]):
            v = onb[k]
            uv = bits[otie[k]]
            for j in range(start[k], start[k + 1]):
                w = rows[j, 0]
                word = uv & bits[rows[j, 1]] & bits[rows[j, 2]]
                if word == every:
                    every_count[u] += 1
                    every_count[v] += 1
                    every_count[w] += 1
                elif word:
                    for q in range(3):
                        x = u if q == 0 else v if q == 1 else w
                        for i in range(used):
                            low[x, i] += spread[(word >> np.uint64(8 * i)) & m]
                        added[x] += 1
                        if added[x] == 255:
                            _move_spread(low[x], acc[x])
                            added[x] = 0
    out = np.zeros((n, b), np.int32)
    for i in range(n):
        _move_spread(low[i], acc[i])
        for r in range(b):
            out[i, r] = acc[i, r] + every_count[i]
    return out


@njit(cache=True, nogil=True)
def clustering_of(keep, deg, tri, r, out):  # pragma: no cover - compiled
    """The local clustering ``2 t / (d (d - 1))`` (0 where ``d < 2``) of replicate ``r``'s
    nodes (bit ``r`` of ``keep``; degrees ``deg[:, r]``, triangles ``tri[:, r]``), in node
    order, into ``out``; returns how many (the float operations of numpy's
    ``np.divide(2 * t, d * (d - 1), where=...)`` on the replicate's own arrays)."""
    c = 0
    bit = np.uint64(r)
    one = np.uint64(1)
    for i in range(len(keep)):
        if (keep[i] >> bit) & one:
            d = float(deg[i, r])
            pairs = d * (d - 1.0)
            out[c] = 2.0 * float(tri[i, r]) / pairs if pairs > 0 else 0.0
            c += 1
    return c


@njit(cache=True, nogil=True)
def _spread_bytes():  # pragma: no cover - compiled
    """For each byte value ``v``: a word whose byte ``i`` (bits ``8i .. 8i + 7``) is bit
    ``i`` of ``v`` (256 words)."""
    out = np.zeros(256, np.uint64)
    for v in range(256):
        x = np.uint64(0)
        for i in range(8):
            if (v >> i) & 1:
                x |= np.uint64(1) << np.uint64(8 * i)
        out[v] = x
    return out


@njit(cache=True, nogil=True)
def _add_spread(low, word, spread):  # pragma: no cover - compiled
    """Add bit ``r`` of ``word`` to byte ``r % 8`` of ``low[r // 8]`` for the 64 lanes
    (eight byte counts a word of ``low``): eight table reads and adds instead of 64 shifts
    and adds. A byte holds at most 255: the caller moves the counts out every 255 words."""
    m = np.uint64(255)
    for j in range(8):
        low[j] += spread[(word >> np.uint64(8 * j)) & m]


@njit(cache=True, nogil=True)
def _move_spread(low, acc):  # pragma: no cover - compiled
    """``acc[8 j + i] += byte i of low[j]`` for the 64 lanes (int32 or int64 counts), and
    ``low`` back to 0."""
    m = np.uint64(255)
    for j in range(8):
        w = low[j]
        for i in range(8):
            acc[8 * j + i] += np.int64((w >> np.uint64(8 * i)) & m)
        low[j] = 0


def bit_counts(bits, b):
    """How many words have bit ``r`` set, for r < b (byte counts of the 64 lanes,
    :func:`_add_spread`, added up every 255 words: integers, exact)."""
    return _bit_counts(bits, _NOWHERE, b, True)


def bit_counts_at(bits, at, b):
    """:func:`bit_counts` of ``bits[at]``, without the copy."""
    return _bit_counts(bits, at, b, False)


#: ``at`` of :func:`_bit_counts` when every word is counted.
_NOWHERE = np.zeros(0, np.int64)


@njit(cache=True, nogil=True)
def _bit_counts(bits, at, b, every):  # pragma: no cover - compiled
    spread = _spread_bytes()
    acc = np.zeros(64, np.int64)
    low = np.zeros(8, np.uint64)
    added = 0
    for k in range(len(bits) if every else len(at)):
        _add_spread(low, bits[k] if every else bits[at[k]], spread)
        added += 1
        if added == 255:
            _move_spread(low, acc)
            added = 0
    _move_spread(low, acc)
    return acc[:b].copy()


@njit(cache=True, nogil=True)
def _root(parent, x):  # pragma: no cover - compiled
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True, nogil=True)
def bit_seeds(order, node_bits, every):  # pragma: no cover - compiled
    """One seed node a replicate (a word a node, bit ``r`` set at replicate ``r``'s seed):
    the first node of ``order`` that replicate ``r`` holds (``node_bits``)."""
    out = np.zeros(len(node_bits), np.uint64)
    left = every
    for i in order:
        new = node_bits[i] & left
        if new:
            out[i] = new
            left &= ~new
            if not left:
                break
    return out


@njit(cache=True, nogil=True)
def bit_reach(indptr, indices, entry_tie, bits, seeds):  # pragma: no cover - compiled
    """The nodes joined to each replicate's seed (bit ``r`` of ``seeds``) by ties present
    in replicate ``r`` (bit ``r`` of ``bits[entry_tie[e]]`` for the CSR entry ``e``): 64
    breadth-first searches at once, a queue of the nodes whose word grew, each passing its
    new bits on through the ties' words (about one visit a node: a third of the time of
    sweeps over every node until no word changes; the same words, those of the fixpoint)."""
    n = len(indptr) - 1
    reach = seeds.copy()
    queue = np.empty(max(n, 1), np.int64)      # a ring: at most n nodes queued at once
    queued = np.zeros(n, np.bool_)
    head, size = 0, 0
    for i in range(n):
        if reach[i]:
            queue[size] = i
            queued[i] = True
            size += 1
    while size:
        i = queue[head]
        head = head + 1 if head + 1 < n else 0
        size -= 1
        queued[i] = False
        w = reach[i]
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            new = w & bits[entry_tie[e]] & ~reach[j]
            if new:
                reach[j] |= new
                if not queued[j]:
                    tail = head + size
                    queue[tail - n if tail >= n else tail] = j
                    queued[j] = True
                    size += 1
    return reach


@njit(cache=True, nogil=True)
def bit_largest_components(n, u, v, bits, node_bits, b, todo):  # pragma: no cover
    """:func:`largest_component` of each of ``b`` replicates: the ties whose bit ``r`` is
    set, over the nodes whose ``node_bits`` has bit ``r`` (only the replicates whose bit is
    set in ``todo``; 0 for the others). The ties present in every replicate are joined
    once; each replicate starts from that forest."""
    every = np.uint64(0xFFFFFFFFFFFFFFFF) >> np.uint64(64 - b)
    base = np.arange(n)
    rest = []
    for k in range(len(u)):
        if bits[k] & every == every:
            x, y = _root(base, u[k]), _root(base, v[k])
            if x != y:
                base[x] = y
        elif bits[k] & every:
            rest.append(k)
    for i in range(n):
        base[i] = _root(base, i)
    out = np.zeros(b, np.int64)
    parent = np.empty(n, np.int64)
    size = np.zeros(n, np.int64)
    for r in range(b):
        one = np.uint64(1) << np.uint64(r)
        if not todo & one:
            continue
        parent[:] = base
        size[:] = 0
        for k in rest:
            if bits[k] & one:
                x, y = _root(parent, u[k]), _root(parent, v[k])
                if x != y:
                    parent[x] = y
        best = 0
        for i in range(n):
            if node_bits[i] & one:
                x = _root(parent, i)
                size[x] += 1
                if size[x] > best:
                    best = size[x]
        out[r] = best
    return out


@njit(cache=True, nogil=True)
def bit_reciprocated(bits, reverse, b):  # pragma: no cover - compiled
    """For each of ``b`` replicates: directed ties present (their bit set) and those of them
    whose reverse tie (``reverse[k]``, -1 for none) is present too (2 x b; byte counts of
    the lanes, :func:`_add_spread`, as :func:`bit_counts`)."""
    spread = _spread_bytes()
    acc = np.zeros((2, 64), np.int64)
    low = np.zeros((2, 8), np.uint64)
    added = 0
    for k in range(len(bits)):
        word = bits[k]
        _add_spread(low[0], word, spread)
        if reverse[k] >= 0:
            _add_spread(low[1], bits[reverse[k]] & word, spread)
        added += 1
        if added == 255:
            _move_spread(low[0], acc[0])
            _move_spread(low[1], acc[1])
            added = 0
    _move_spread(low[0], acc[0])
    _move_spread(low[1], acc[1])
    return acc[:, :b].copy()


def warm() -> None:
    """Start numba (:func:`peernet.metrics._kernels.start`) and load (or compile) the
    kernels of the bootstrap replicates' network metrics and the Grid's row products with
    the argument types they are called with: processes forked afterwards have them (21
    kernels, 2-5 ms each from the cache, paid once instead of in every child)."""
    from ._csrkernels import weighted_csr
    from ._kernels import (
        count_triangles_csr,
        list_triangle_runs,
        oriented_lists,
        reverse_pairs,
        start,
        triangle_rows,
    )

    start()
    i, w, x = np.zeros(1, np.int64), np.zeros(1, np.uint64), np.zeros(1, np.uint32)
    e, ew = np.zeros(0, np.int64), np.zeros(0, np.uint64)
    ptr = np.zeros(2, np.int64)
    weighted_csr(e, e, e, 1, ptr, e, e)
    reverse_pairs(e, 1)
    count_triangles_csr(ptr, e, 1)
    or_scatter(i, i, w, 1)
    count_values(x, 1)
    first_units(i, i)
    or_drawn(w.copy(), i, 0)
    or_values(w.copy(), x, 0)
    or_rows(np.zeros((1, 1), np.uint64), w.copy())
    byte_counts(i, np.zeros(1, np.uint8))
    u32 = np.zeros(0, np.uint32)
    row_products(ptr, u32, u32, np.zeros(1, np.uint8))
    bit_degrees(e, e, ew, 1, 1)
    lists = oriented_lists(ptr, e, e, 1)
    first, rows, _ = list_triangle_runs(*lists, 1, 0)
    bit_triangle_runs((rows, first, *lists), ew, 1, 1)
    triangle_rows(*lists, first, rows, 1)
    clustering_of(w, np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int32), 0, np.zeros(1))
    bit_counts(w, 1)
    bit_counts_at(w, i, 1)
    bit_seeds(i, w, np.uint64(1))
    bit_reach(np.zeros(2, np.int64), e, e, ew, w)
    bit_reciprocated(ew, e, 1)
    bit_largest_components(1, e, e, ew, w, 1, np.uint64(1))


SPACES.append(globals())
