"""The events of a context, each with its multiplicity.

A bootstrap replicate's events are its slice's, each as many times as its unit was drawn
(:func:`peernet.metrics.uncertainty.resampled_events`; an event nobody attended once). On a
replicate's context (:class:`peernet.grid.replicates.ReplicateContext`) :attr:`Context.events`
is the table of the slice's events once each, built once for the slice, and
:attr:`Context.event_weight` says how many times each of its rows is among the replicate's
events; no table of copies is built. An indicator counts rows with their multiplicity
(:func:`event_count`), reads who or which months among the rows there at least once
(:func:`present_mask`), or the rows as many times as they are there (:func:`repeated`,
:func:`rows_of`: the rows of ``resampled_events``, in its order). On a slice's context
every row is there once and these return the table itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .._cache import cached

__all__ = ["attend_events", "event_weights", "present_mask", "rows_of", "rows_at", "repeated",
           "event_count", "event_months", "over_meetings"]


def event_weights(ctx: Any, frame: pd.DataFrame) -> np.ndarray | None:
    """How many times each row of ``frame`` (rows of ``ctx.events``) is among the context's
    events; None: once each."""
    w = ctx.event_weight
    return None if w is None else w[frame.index.to_numpy()]


def present_mask(ctx: Any, frame: pd.DataFrame) -> np.ndarray:
    """Which rows of ``frame`` are among the context's events (a boolean array)."""
    w = event_weights(ctx, frame)
    return np.ones(len(frame), bool) if w is None else w > 0


def rows_of(ctx: Any, frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """:func:`repeated` of the rows of ``mask`` (a boolean over ``frame``'s rows)."""
    return frame.iloc[rows_at(ctx, frame, mask)]


def rows_at(ctx: Any, frame: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """The positions in ``frame`` of the rows of :func:`rows_of` (to read a column of them
    without taking every column)."""
    at = np.flatnonzero(mask)
    w = event_weights(ctx, frame)
    return at if w is None else np.repeat(at, w[at])


def repeated(ctx: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame``, each as many times as it is among the context's events."""
    w = event_weights(ctx, frame)
    return frame if w is None else frame.iloc[np.repeat(np.arange(len(frame)), w)]


def event_count(ctx: Any, frame: pd.DataFrame, mask: np.ndarray | None = None) -> int:
    """Rows of ``frame`` (those of the boolean ``mask``) among the context's events, with
    their multiplicity."""
    w = event_weights(ctx, frame)
    if w is None:
        return len(frame) if mask is None else int(np.count_nonzero(mask))
    return int(w.sum()) if mask is None else int(np.compress(mask, w).sum())


def event_months(ctx: Any, frame: pd.DataFrame) -> np.ndarray:
    """Calendar month numbers (:meth:`Context.month_index`) of the starts of ``frame``'s rows
    (rows of ``ctx.events``); a replicate reads its slice's, computed once."""
    if ctx.event_weight is None:
        return ctx.month_index(frame["start"])
    return ctx.event_months()[frame.index.to_numpy()]


def over_meetings(ctx: Any, key: Any, build: Callable[[pd.DataFrame], tuple[np.ndarray, ...]]
                  ) -> tuple[np.ndarray, ...]:
    """``build(ctx.meetings)`` (arrays with a value for each row), once for ``ctx`` under
    ``key``; a replicate's meetings are its slice's rows (weighted), and so are these."""
    if ctx.event_weight is None:
        return cached(ctx, ("grid", "over_meetings", key), lambda: build(ctx.meetings))
    return ctx.meeting_values(key, build)


def attend_events(ctx: Any) -> tuple[np.ndarray, np.ndarray]:
    """Over the events of :attr:`Context.attend_codes` (its ids): each one's attendees in
    the context, and how many times it is among the context's events (once each on a
    slice; on a replicate its unit's draws, its attendees all or none: an event's rows are
    drawn together)."""
    if ctx.mult is None:
        def build() -> tuple[np.ndarray, np.ndarray]:
            _, ev, ids = ctx.attend_codes
            return np.bincount(ev, minlength=len(ids)), np.ones(len(ids), np.int64)

        return cached(ctx, ("grid", "attend events"), build)
    return ctx.attend_events()
