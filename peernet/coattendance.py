"""Pairs of people who attended the same event, as integer arrays (internal to
:mod:`peernet.ties`, which builds co-attendance ties from them; re-exported there).

``event_pairs(ev)`` lists every pair of rows of one event; ``coattendance_pairs(m_idx,
e_codes, ev_time, n)`` reduces the pairs of attendees of every event to one row a pair: the
events they shared and the first and last shared event's time. ``attendance_codes(inter,
rows, nodes)`` gives the attendance rows' members and events as codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .positions import Coded, index_positions, row_codes
from .schema import is_arrow_text

__all__ = ["event_pairs", "coattendance_pairs", "attendance_codes", "PAIR_BLOCK"]


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


#: Pairs of co-attendees listed at once by :func:`coattendance_pairs` (members in blocks).
PAIR_BLOCK = 1 << 21


def coattendance_pairs(m_idx: np.ndarray, e_codes: np.ndarray, ev_time: np.ndarray,
                        n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of members who attended a same (kept) event, reduced by pair.

    Returns the pair keys ``lo * n + hi`` (sorted), the number of events the two shared
    (the entries of the upper triangle of ``B Bᵀ``) and the first and last shared event
    time. Events are at most ``max_event_size`` large, so this is O(attendances x size).

    The pairs are listed (numpy repeats) by blocks of their smaller member: a block's
    members (about :data:`PAIR_BLOCK` pairs) hold every pair of their keys, so each block
    is sorted (``pair * events + time rank``, one int64 a pair) and reduced on its own and
    the blocks' pairs follow each other in key order. Every pair of every event at once
    was one int64 a pair and its key again (190 MB for the 12M pairs of 2025 at 100,000
    members; 0.7 GB before that as arrays a pair).
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
    # each row is the smaller end of the pairs with the rows after it in its event
    later = np.repeat(bounds[1:], sizes) - np.arange(len(ev)) - 1
    rank = ev_rank[ev]
    del ev, ev_rank
    upto = np.cumsum(np.bincount(mem, weights=later, minlength=n))   # pairs to a member
    parts: list[list[np.ndarray]] = [[], [], [], []]
    lo = 0
    while lo < n:
        done = upto[lo - 1] if lo else 0.0
        hi = min(n, max(lo + 1, int(np.searchsorted(upto, done + PAIR_BLOCK, side="right"))))
        r = np.flatnonzero((mem >= lo) & (mem < hi))   # in event order: reads in order
        _block_pairs(r, later, mem, rank, times, n, span, parts)
        lo = hi
    out = []
    for p in parts:       # a column at a time: the blocks' arrays and one whole column
        out.append(np.concatenate(p) if p else z)
        p.clear()
    return out[0], out[1], out[2], out[3]


def _block_pairs(r: np.ndarray, later: np.ndarray, mem: np.ndarray, rank: np.ndarray,
                 times: np.ndarray, n: int, span: int, parts: list[list[np.ndarray]]) -> None:
    """The pairs whose smaller end is one of rows ``r`` (their events' later rows the
    other end), reduced by pair, appended to ``parts`` (keys, events, first, last)."""
    k = later[r]
    if not len(r) or not k.sum():
        return
    left = np.repeat(r, k)
    off = np.arange(len(left)) - np.repeat(np.cumsum(k) - k, k)
    comb = mem[left] * n                        # attendees sorted within an event: lo, hi
    comb += mem[left + 1 + off]
    del off
    comb *= span
    comb += rank[left]
    del left
    comb.sort()                                 # one plain sort of (pair, time rank)
    keys = comb // span
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    parts[0].append(keys[starts])
    del keys
    parts[1].append(ends - starts)
    parts[2].append(times[comb[starts] % span])
    parts[3].append(times[comb[ends - 1] % span])


def attendance_codes(inter: pd.DataFrame, rows: np.ndarray, nodes: np.ndarray, *,
                     coded: tuple[Coded | None, Coded | None] = (None, None)) -> Any:
    """The attendance ``rows`` of ``inter`` as codes (for ``peernet.ties``' attendance
    codes), from Arrow's dictionary codes of the whole source and event columns
    (:func:`peernet.positions.row_codes`) instead of the rows' text taken and factorized
    (about 0.2 GB at 3.5M attendances, kept by Arrow's pool): the rows with a source,
    their positions among ``nodes``, each row's event rank among their sorted distinct
    event ids (as ``pd.factorize(..., sort=True)`` ranks them), and these ids. False when
    an attendee is not among ``nodes``, None when the columns are not Arrow text.
    ``coded``: the source's and the event's encodings when the caller has them
    (:func:`peernet.positions.column_codes`)."""
    source = row_codes(inter["source"], rows, coded=coded[0])
    if source is None or not is_arrow_text(inter["event_id"].dtype):
        return None
    codes, ids = source
    ok = codes >= 0                 # a missing source is no attendance, as groupby
    at = index_positions(ids, pd.Index(nodes, dtype="str")).astype(np.int32)
    m = at[codes[ok]]
    del codes, source
    if (m < 0).any():
        return False
    rows = rows[ok] if not ok.all() else rows
    codes, ids = row_codes(inter["event_id"], rows, coded=coded[1])   # type: ignore[misc]
    seen = np.zeros(len(ids), bool)
    seen[codes] = True
    seen_at = np.flatnonzero(seen)
    order = seen_at[np.argsort(ids.iloc[seen_at].to_numpy(object), kind="stable")]
    rank = np.full(len(ids), -1, np.int64)
    rank[order] = np.arange(len(order))
    return rows, m, rank[codes], ids.iloc[order].reset_index(drop=True)
