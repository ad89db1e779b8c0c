"""Rows of a tie table's parts reduced by pair key (internal to :mod:`peernet.ties`).

:func:`group_rows` sums, takes the minimum and maximum and ors the per-row columns (count,
weight, first, last, kinds) of several parts of rows by an int64 key: the direct
interactions, their mirrored contacts, the co-attendance pairs. Its memory is the keys'
buffer, one int32 position a row and one column at a time: the rows are sorted once in
place, each column is written straight into its sorted place and reduced. A part's column
may be a scalar (every direct row's count is 1) and is never joined to the others: the
parts joined column by column and each column put in order (a copy of both) held about
four int64 a row at once, the peak of the 2025 tie table at 100,000 members.

Also the sums and most common values by group of :func:`peernet.ties.org_ties`
(``_group_sums``, ``_most_common``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .schema import NS_NAT

__all__ = ["group_rows", "NS_NAT"]

_BLOCK = 1 << 20


def _sort_rows(keys: np.ndarray) -> np.ndarray:
    """Sort the int64 ``keys`` in place, stably, and return each row's place in the sorted
    order (int32 below 2**31 rows). Non-negative keys that can be packed with their row
    (``key * rows + row`` below 2**62) are sorted by one plain sort of the packed values
    (unique, so as a stable sort would: :func:`peernet.positions.packed_sort`), else by a
    stable argsort."""
    r = len(keys)
    pos = np.int32 if r < 2**31 else np.int64
    dest = np.empty(r, pos)
    if keys.min() >= 0 and int(keys.max()) < (1 << 62) // r:
        keys *= r
        for i in range(0, r, _BLOCK):         # row numbers a block at a time
            keys[i:i + _BLOCK] += np.arange(i, min(i + _BLOCK, r), dtype=np.int64)
        keys.sort()
        for i in range(0, r, _BLOCK):
            j = min(i + _BLOCK, r)
            dest[keys[i:j] % r] = np.arange(i, j, dtype=pos)
            keys[i:j] //= r
        return dest
    order = np.argsort(keys, kind="stable")
    keys[:] = keys[order]
    dest[order] = np.arange(r, dtype=pos)
    return dest


def group_rows(keys: list[np.ndarray], parts: list[list[Any]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                          np.ndarray]:
    """Sum (count, weight), min (first: NaT skipped), max (last) and bitwise or (kinds) of
    the parts' rows by key: the sorted distinct keys and the five reduced columns (int64,
    float64, int64, int64, int16).

    ``keys`` holds one int64 array, every part's keys one after the other; ``parts`` holds
    a list ``[rows, count, weight, first, last, kinds]`` a part, each column an array of
    ``rows`` values or one value for them all. Both are handed over: the keys' array is
    sorted in place and let go, each column as soon as it is reduced (the caller keeps no
    other reference, so the memory goes as it is read). Each key's rows are reduced in
    the parts' order, then in row order, as a stable sort of the joined rows puts them:
    the same sums, to the last bit, as joining the columns and reducing them would."""
    k = keys.pop()
    r = len(k)
    if not r:
        z = np.zeros(0, np.int64)
        return k, z, np.zeros(0), z, z, np.zeros(0, np.int16)
    dest = _sort_rows(k)
    new = np.empty(r, bool)
    new[0] = True
    np.not_equal(k[1:], k[:-1], out=new[1:])
    start = np.flatnonzero(new)
    del new
    k = k[start]

    def column(i: int, dtype: Any) -> np.ndarray:
        out = np.empty(r, dtype)
        at = 0
        for p in parts:
            out[dest[at:at + p[0]]] = p[i]
            p[i] = None
            at += p[0]
        return out

    count = np.add.reduceat(column(1, np.int64), start)
    weight = np.add.reduceat(column(2, np.float64), start)
    col = column(3, np.int64)
    col[col == NS_NAT] = np.iinfo(np.int64).max       # NaT is no first time
    first = np.minimum.reduceat(col, start)
    first[first == np.iinfo(np.int64).max] = NS_NAT
    del col
    last = np.maximum.reduceat(column(4, np.int64), start)
    kinds = np.bitwise_or.reduceat(column(5, np.int16), start)
    return k, count, weight, first, last, kinds


def _group_sums(keys: np.ndarray, values: np.ndarray, groups: np.ndarray,
                group_of: np.ndarray) -> np.ndarray:
    """The sum of ``values`` by key (``groups``: the sorted distinct keys; ``group_of``:
    each row's position among them), as pandas' group-by sums them: whole numbers (the
    counts of the default ties) add up exactly in any order, so one ``bincount``; any
    other weights through pandas' compensated summation in row order."""
    v = np.asarray(values, dtype=float)
    if not len(v) or (np.isfinite(v).all() and (v == np.round(v)).all()
                      and float(np.abs(v).sum()) < 2.0 ** 53):
        return np.bincount(group_of, weights=v, minlength=len(groups)).astype(float)
    return pd.Series(v).groupby(keys, sort=True).sum().reindex(groups, fill_value=0.0
                                                                ).to_numpy(float)


def _most_common(codes: np.ndarray, values: pd.Series, has: np.ndarray, k: int
                 ) -> np.ndarray:
    """The most common non-missing value of ``values`` in each of the ``k`` groups
    ``codes`` (rows where ``has``), the first to appear winning a tie (as
    ``value_counts().index[0]`` of each group); None for a group without one. Whole-array
    counts: a group-by calling ``value_counts`` a group took a second at 2,500
    organizations."""
    out = np.full(k, None, dtype=object)
    ok = has & values.notna().to_numpy()
    if not ok.any():
        return out
    vcodes, uniques = pd.factorize(values[ok].astype(object))
    g = codes[ok].astype(np.int64)
    m = len(uniques)
    key = g * m + vcodes
    ukey, first, count = np.unique(key, return_index=True, return_counts=True)
    grp = ukey // m
    # per group: the largest count, then the earliest first row
    order = np.lexsort((first, -count, grp))
    lead = order[np.r_[True, grp[order][1:] != grp[order][:-1]]]
    out[grp[lead]] = np.asarray(uniques, dtype=object)[ukey[lead] % m]
    return out
