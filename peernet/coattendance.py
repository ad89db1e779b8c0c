"""Pairs of people who attended the same event, as integer arrays (internal to
:mod:`peernet.ties`, which builds co-attendance ties from them; re-exported there).

``event_pairs(ev)`` lists every pair of rows of one event; ``coattendance_pairs(m_idx,
e_codes, ev_time, n)`` reduces the pairs of attendees of every event to one row a pair: the
events they shared and the first and last shared event's time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["event_pairs", "coattendance_pairs", "PAIR_BLOCK"]


def event_pairs(ev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left, right), left < right, of every pair of rows sharing an event.

    ``ev`` must be sorted (rows of one event adjacent); vectorised with numpy repeats.
    """
    if not len(ev):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    bounds = np.flatnonzero(np.r_[True, ev[1:] != ev[:-1], True])
    sizes = np.diff(bounds)
    pos = np.arange(len(ev)) - np.repeat(bounds[:-1], sizes)
    reps = np.repeat(sizes, sizes) - pos - 1
    left = np.repeat(np.arange(len(ev)), reps)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(reps) - reps, reps)
    return left, right


#: Pairs of co-attendees listed at once by :func:`coattendance_pairs` (events in blocks).
PAIR_BLOCK = 1 << 22


def coattendance_pairs(m_idx: np.ndarray, e_codes: np.ndarray, ev_time: np.ndarray,
                        n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of members who attended a same (kept) event, reduced by pair.

    Returns the pair keys ``lo * n + hi`` (sorted), the number of events the two shared
    (the entries of the upper triangle of ``B Bᵀ``) and the first and last shared event
    time. Every pair of attendees of each event is listed with numpy repeats (events in
    blocks of about :data:`PAIR_BLOCK` pairs, each pair written once as ``pair * events +
    time rank`` into one array: the pairs' arrays of every event at once were 0.7 GB at
    100,000 members) and sorted once in place; events are at most ``max_event_size``
    large, so this is O(attendances x size).
    """
    z = np.zeros(0, np.int64)
    if not len(m_idx):
        return z, z, z, z
    rows = np.sort(np.asarray(e_codes, np.int64) * n + m_idx)   # by event, then member
    mem, ev = rows % n, rows // n
    del rows
    times, ev_rank = np.unique(ev_time, return_inverse=True)   # events, not pairs
    ev_rank = ev_rank.astype(np.int64).ravel()
    span = len(times)
    if n * n * span >= (1 << 62):              # keys and time ranks apart, one lexsort
        left, right = event_pairs(ev)
        if not len(left):
            return z, z, z, z
        keys, t = mem[left] * n + mem[right], ev_rank[ev[left]]
        o = np.lexsort((t, keys))
        keys, t = keys[o], t[o]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        return keys[starts], ends - starts, times[t[starts]], times[t[ends - 1]]
    bounds = np.flatnonzero(np.r_[True, ev[1:] != ev[:-1], True])
    sizes = np.diff(bounds)
    done = np.cumsum(sizes * (sizes - 1) // 2)      # pairs up to each event's end
    if not len(done) or not done[-1]:
        return z, z, z, z
    comb = np.empty(int(done[-1]), np.int64)   # attendees sorted within an event: lo, hi
    lo = 0
    while lo < len(sizes):
        base = int(done[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(done, base + PAIR_BLOCK, side="right")))
        a = bounds[lo]
        left, right = event_pairs(ev[a:bounds[hi]])
        left += a
        right += a
        comb[base:int(done[hi - 1])] = (mem[left] * n + mem[right]) * span + ev_rank[ev[left]]
        del left, right
        lo = hi
    comb.sort()                                # one plain sort of (pair, time rank)
    keys = comb // span
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    keys = keys[starts]
    return keys, ends - starts, times[comb[starts] % span], times[comb[ends - 1] % span]
