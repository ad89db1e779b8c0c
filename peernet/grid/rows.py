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

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["row_counts", "row_any", "month_rows"]

#: ``select(ctx) -> (mask, target)``: a boolean over the per-row arrays and an integer
#: target of every row (only the selected rows' targets are read; they must be >= 0).
Select = Callable[[Any], tuple[np.ndarray, np.ndarray]]


def row_counts(ctx: Any, key: Any, select: Select, size: int) -> np.ndarray:
    """``np.bincount`` (int64, ``size`` bins) of the targets of the rows ``select`` picks,
    each row counted with its multiplicity (``key`` names the selection: equal keys,
    equal selections)."""
    if ctx.mult is None:
        mask, target = select(ctx)
        return np.bincount(np.asarray(target)[mask], minlength=size).astype(np.int64)
    return ctx.drawn_rows(key, select, size, True)


def row_any(ctx: Any, key: Any, select: Select, size: int) -> np.ndarray:
    """Boolean over ``size``: True at the targets of the rows ``select`` picks."""
    if ctx.mult is None:
        mask, target = select(ctx)
        out = np.zeros(size, bool)
        out[np.asarray(target)[mask]] = True
        return out
    return ctx.drawn_rows(key, select, size, False)


def month_rows(span: int) -> Select:
    """The rows in one of the window's ``span`` months, by month (0 the first):
    :meth:`Context.months_among` of the rows' months, as a selection."""
    def pick(c: Any) -> tuple[np.ndarray, np.ndarray]:
        at = c.inter_month - (c.months[0] if len(c.months) else 0)
        return (at >= 0) & (at < span), at

    return pick
