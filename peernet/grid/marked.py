"""Counts of the events a format or kind marks (evaluations, resource assessments,
trainings), with their multiplicity in a bootstrap replicate (:mod:`peernet.grid.events`)."""

from __future__ import annotations

import math

from ..report.i18n import N_
from .context import Context, Value, no_data
from .events import event_count

__all__ = ["ever_marked", "events_per_year"]


def ever_marked(ctx: Context, value: str, columns: tuple[str, ...] = ("format",)) -> bool:
    """Whether an event of the whole record (not only the period) has ``value`` in one of
    ``columns``: without one, records that do not mark such events cannot be told from a
    network that holds none, and a count of them is no data rather than 0."""
    def build(c: Context) -> bool:
        e = c.net.root.events
        return any(bool((e[col] == value).to_numpy(dtype=bool, na_value=False).any())
                   for col in columns if col in e.columns)

    return bool(ctx.unresampled(f"ever {value} in {columns}", build))


def events_per_year(ctx: Context, fmt: str) -> Value:
    if not ctx.has_column("events", "format"):
        return no_data("events have no format column")
    if not ctx.years or math.isnan(ctx.years):
        return no_data("empty period")
    if not ever_marked(ctx, fmt):
        return no_data(N_("no event in the records has format {format}: a period without "
                          "one cannot be told from records that do not mark them").format(
                              format=repr(fmt)))
    e = ctx.events
    n = event_count(ctx, e, (e["format"] == fmt).to_numpy(dtype=bool, na_value=False))
    return Value(n / ctx.years, N_("{n} {format} event(s) in {years} year(s)").format(
        n=n, format=fmt, years=f"{ctx.years:.2f}"))

