"""Counts over the interaction rows an indicator selects, each row with its multiplicity.

On a slice's :class:`~peernet.grid.context.Context` they are counted from its per-row
arrays. On a bootstrap replicate's (:class:`peernet.grid.replicates.ReplicateContext`) the
rows are selected once on the slice (the selection is memoised on the slice's context,
with each selected row's resampling unit; for a replicate of a batch, only which targets
each replicate of the batch reaches) and each replicate only reads its draw counts at
those units: no per-row mask of the replicate's rows is built. The counts are the
same integers either way (tested against the materialized replicates).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..positions import Coded, index_positions, row_codes

__all__ = ["row_counts", "row_any", "month_rows", "between", "factorize_at", "member_codes"]

#: ``select(ctx) -> (mask, target)``: a boolean over the per-row arrays and an integer
#: target of every row (only the selected rows' targets are read; they must be >= 0).
Select = Callable[[Any], tuple[np.ndarray, np.ndarray]]


#: Rows whose targets :func:`row_counts` and :func:`row_any` read at a time on a slice:
#: ``np.bincount`` makes an int64 copy of its input (80 MB at 10M rows of int8 targets).
CHUNK = 1 << 20


def _picked(mask: np.ndarray, target: Any) -> Iterator[np.ndarray]:
    """``target[mask]``, :data:`CHUNK` rows at a time."""
    target = np.asarray(target)
    for a in range(0, len(mask), CHUNK):
        yield target[a:a + CHUNK][mask[a:a + CHUNK]]


def row_counts(ctx: Any, key: Any, select: Select, size: int) -> np.ndarray:
    """``np.bincount`` (int64, ``size`` bins) of the targets of the rows ``select`` picks,
    each row counted with its multiplicity (``key`` names the selection: equal keys,
    equal selections)."""
    if ctx.mult is None:
        mask, target = select(ctx)
        out = np.zeros(size, np.int64)
        for t in _picked(mask, target):
            b = np.bincount(t, minlength=size)
            if len(b) > len(out):   # a target past size: bincount's longer result
                out = np.concatenate([out, np.zeros(len(b) - len(out), np.int64)])
            out[:len(b)] += b
        return out
    return ctx.drawn_rows(key, select, size, True)


def row_any(ctx: Any, key: Any, select: Select, size: int) -> np.ndarray:
    """Boolean over ``size``: True at the targets of the rows ``select`` picks."""
    if ctx.mult is None:
        mask, target = select(ctx)
        out = np.zeros(size, bool)
        for t in _picked(mask, target):
            out[t] = True
        return out
    return ctx.drawn_rows(key, select, size, False)


def month_rows(span: int) -> Select:
    """The rows in one of the window's ``span`` months, by month (0 the first):
    :meth:`Context.months_among` of the rows' months, as a selection (int32 months of
    int16 ones: no int64 copy a row)."""
    def pick(c: Any) -> tuple[np.ndarray, np.ndarray]:
        first = c.months[0] if len(c.months) else 0
        m = c.inter_month
        at = np.subtract(m, first, dtype=np.int32) if m.dtype == np.int16 else m - first
        ok = at >= 0
        ok &= at < span
        return ok, at

    return pick


def between(ctx: Any, inter: pd.DataFrame, kinds: np.ndarray, *, source: bool = False
            ) -> np.ndarray:
    """The rows of ``kinds`` (a boolean over the slice's rows) with a target other than
    their source: ``target.notna() & (source != target)`` of the id columns (and
    ``source.notna()`` with ``source``), read from the member codes where both ids are on
    the roster and from the texts of the other rows of those kinds with a target (ids off
    the roster: usually none)."""
    src, tgt = ctx.src, ctx.tgt
    known = (src >= 0) & (tgt >= 0)
    out = kinds & known & (src != tgt)
    odd = np.flatnonzero(kinds & ~known)   # those with a target given (no mask a row kept)
    odd = odd[inter["target"].iloc[odd].notna().to_numpy()]
    if len(odd):
        s = inter["source"].iloc[odd].reset_index(drop=True)
        t = inter["target"].iloc[odd].reset_index(drop=True)
        differ = (s != t).to_numpy(dtype=bool, na_value=False)
        out[odd] = differ & s.notna().to_numpy() if source else differ
    return out


def factorize_at(values: pd.Series, rows: np.ndarray, *, coded: Coded | None = None
                 ) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values.iloc[rows].astype("str"))``: the codes (in order of first
    appearance) and the texts, without the rows' texts: a categorical's codes (the
    out-of-core loader's ids) or an Arrow text column's dictionary codes, renumbered by
    their first appearance (integers hashed; at 10M interactions the attendance rows'
    event ids taken as texts were the Grid's largest transient of a string column).
    ``values`` has no missing value at ``rows``; ``coded``: its encoding when the caller
    has it (:func:`peernet.positions.column_codes`)."""
    arr = values.array
    if isinstance(values.dtype, pd.CategoricalDtype):
        at, texts = arr.codes[rows], pd.Index(arr.categories)
    elif (found := row_codes(values, rows, coded=coded)) is not None:   # Arrow's codes
        at, texts = found[0], pd.Index(found[1])
    else:
        codes, ids = pd.factorize(values.iloc[rows].astype("str"))
        return codes, pd.Index(ids)
    codes, first = pd.factorize(at)
    return codes, texts.take(first).astype("str")


def member_codes(ids: pd.Series, values: pd.Series, *, small: bool = False,
                 index: pd.Index | None = None, coded: Coded | None = None) -> np.ndarray:
    """Positions of ``values`` in ``ids`` (-1 when missing or not in ``ids``): int64, or
    int32 with ``small`` (a value per interaction row: half the memory). The rows'
    distinct values are looked up (a categorical's categories: the out-of-core loader's
    ids; ``coded``, the Arrow encoding of ``values`` when the caller has it:
    :func:`peernet.positions.column_codes`), not every row's string (37.5M strings at
    300k / 30M). ``index``: ``ids`` as an index, when the caller keeps one."""
    dtype = np.int32 if small and len(ids) < np.iinfo(np.int32).max else np.int64
    index = pd.Index(ids) if index is None else index
    if not index.is_unique:   # the first occurrence's code, as one factorization gives
        codes, _ = pd.factorize(pd.concat([ids, values.astype("str")], ignore_index=True))
        out = codes[len(ids):].astype(dtype)
        out[out >= len(ids)] = -1
        return out
    if coded is not None:     # each distinct value's position, then each row's (-1: -1)
        at = index_positions(pd.Series(coded[1].to_pylist(), dtype="str"), index)
        return np.r_[at, -1].astype(dtype)[coded[0]]
    return index_positions(values, index).astype(dtype, copy=False)
