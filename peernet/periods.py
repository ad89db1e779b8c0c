"""Periods: time windows, period labels and fiscal years.

A :class:`Window` is a half-open time span ``[start, end)`` in a zone, with the label that
names it and, for a fiscal year, the month its year starts in. Windows are made here and
nowhere else: :func:`parse_period` reads a label (``"2025"``, ``"2025Q3"``, ``"2025-03"``,
``"FY2025"``, ``"2024-10-01..2025-10-01"``) or a ``(start, end)`` pair of dates;
:meth:`Window.range` makes an arbitrary window labelled by its dates.

What crosses the layers of peernet is a window (or a network slice, which carries its window),
never a label to parse again: a label read twice with two fiscal starts names two windows.
``net.period("FY2025", start_month=10)`` keeps ``start_month=10`` on its window, so the
slice's ``previous()`` is FY2024 of the same fiscal calendar, and whatever is drawn or
scored from the slice covers its window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Window", "parse_period", "period_starts", "DEFAULT_START_MONTH"]

#: First month of a fiscal year when none is given (July: the US state and nonprofit habit).
DEFAULT_START_MONTH = 7

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_FY = re.compile(r"^FY\s*(\d{2}|\d{4})$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Window:
    """A time window ``[start, end)`` in a zone, with the label that names it.

    Attributes
    ----------
    label : str
        ``"2025"``, ``"2025Q3"``, ``"2025-03"``, ``"FY2025"``, or for an arbitrary window its
        dates, ``"2024-10-01..2025-10-01"`` (the end excluded).
    start, end : Timestamp
        Zone-aware bounds; ``end`` is excluded.
    kind : str
        ``year``, ``quarter``, ``month``, ``fiscal_year`` or ``range``.
    start_month : int
        The first month of the fiscal year a ``fiscal_year`` window was parsed with (1 for
        the other kinds, whose years start in January).
    prior : Window or None
        The window a ``range`` window is compared with, when it is one of a sequence of
        windows (:meth:`after`): :func:`peernet.evaluate` chains the windows it is given, so
        the week of 2013-07-01 is compared with the evaluated week of 2013-06-24, not with
        the five days just before it. None: :meth:`previous` is the same-length window
        just before.
    """

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    kind: str = "range"
    start_month: int = 1
    prior: Window | None = field(default=None, repr=False)

    def after(self, prior: Window) -> Window:
        """This window with ``prior`` as the window it is compared with (:meth:`previous`),
        for a ``range`` window; a calendar window keeps its calendar predecessor.

        Examples
        --------
        >>> w1 = Window.range("2013-06-24", "2013-06-29")
        >>> w2 = Window.range("2013-07-01", "2013-07-06").after(w1)
        >>> w2.previous().label, Window.range("2013-07-01", "2013-07-06").previous().label
        ('2013-06-24..2013-06-29', '2013-06-26..2013-07-01')
        """
        if self.kind != "range":
            return self
        if prior.start >= self.start:
            raise ValueError(f"the window before {self.label} must start before it; got "
                             f"{prior.label}")
        return Window(self.label, self.start, self.end, self.kind, self.start_month, prior)

    @classmethod
    def range(cls, start: Any, end: Any, *, tz: str = "UTC") -> Window:
        """The window ``[start, end)``, labelled by its dates; naive bounds are read in ``tz``.

        Examples
        --------
        >>> w = Window.range("2024-10-01", "2025-10-01", tz="America/Chicago")
        >>> w.label, w.kind, str(w.start)
        ('2024-10-01..2025-10-01', 'range', '2024-10-01 00:00:00-05:00')
        """
        s, e = _in_zone(start, tz), _in_zone(end, tz)
        if e <= s:
            raise ValueError(f"a window's end must be after start; got {start!r}..{end!r}")
        return cls(f"{s.date()}..{e.date()}", s, e, "range")

    @property
    def tz(self) -> str:
        """The window's zone."""
        return str(self.start.tz)

    @property
    def start_utc(self) -> pd.Timestamp:
        return self.start.tz_convert("UTC")

    @property
    def end_utc(self) -> pd.Timestamp:
        return self.end.tz_convert("UTC")

    @property
    def days(self) -> float:
        return float((self.end - self.start) / pd.Timedelta(days=1))

    def previous(self) -> Window:
        """The window of the same kind and length just before this one (a fiscal year keeps
        its start month); for a window of a sequence (:meth:`after`), the one before it."""
        tz = self.tz
        if self.kind == "year":
            return parse_period(str(int(self.label) - 1), tz=tz)
        if self.kind == "quarter":
            p = pd.Period(self.label, freq="Q") - 1
            return parse_period(f"{p.year}Q{p.quarter}", tz=tz)
        if self.kind == "month":
            p = pd.Period(self.label, freq="M") - 1
            return parse_period(str(p), tz=tz)
        if self.kind == "fiscal_year":
            year = int(self.label[2:]) - 1
            return parse_period(f"FY{year}", tz=tz, start_month=self.start_month)
        if self.prior is not None:   # one of a sequence of windows: the one before it
            return self.prior
        # same wall-clock length, so a window across a clock change keeps whole days
        length = self.end.tz_localize(None) - self.start.tz_localize(None)
        start = (self.start.tz_localize(None) - length).tz_localize(
            self.start.tz, ambiguous=False, nonexistent="shift_forward")
        return Window(f"{start.date()}..{self.start.date()}", start, self.start, "range")

    def __str__(self) -> str:
        return self.label


def _in_zone(value: Any, tz: str) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)


def parse_period(period: str | Window | tuple[Any, Any], *, tz: str = "UTC",
                 start_month: int = DEFAULT_START_MONTH) -> Window:
    """Turn a period label (or a ``(start, end)`` pair) into a :class:`Window` in zone ``tz``.

    Labels: ``"2025"`` (calendar year), ``"2025Q3"`` (quarter), ``"2025-03"`` (month),
    ``"FY2025"`` (fiscal year named after the calendar year it ends in: with the default
    ``start_month=7`` it runs 2024-07-01 to 2025-06-30, the US state and nonprofit habit),
    ``"2024-10-01..2025-10-01"`` (an arbitrary window, end excluded, as
    :meth:`Window.range` labels it). A ``(start, end)`` pair is :meth:`Window.range`; a
    Window is returned as it is (its own fiscal start kept).

    Examples
    --------
    >>> w = parse_period("FY2025", tz="America/Los_Angeles")
    >>> str(w.start.date()), str(w.end.date())
    ('2024-07-01', '2025-07-01')
    >>> parse_period("FY2025", start_month=10).previous().label
    'FY2024'
    >>> parse_period(("2025-01-01", "2025-04-01")).label
    '2025-01-01..2025-04-01'
    """
    if isinstance(period, Window):
        return period
    if isinstance(period, tuple):
        if len(period) != 2:
            raise ValueError(f"a window is a (start, end) pair; got {period!r}")
        return Window.range(period[0], period[1], tz=tz)
    text = str(period).strip()
    if isinstance(start_month, bool) or not 1 <= int(start_month) <= 12:
        raise ValueError(f"start_month must be 1..12; got {start_month!r}")

    def ts(y: int, m: int) -> pd.Timestamp:
        return pd.Timestamp(year=y, month=m, day=1).tz_localize(tz)

    if m := _YEAR.match(text):
        y = int(m.group(1))
        return Window(text, ts(y, 1), ts(y + 1, 1), "year")
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        start = ts(y, 3 * q - 2)
        end = ts(y + 1, 1) if q == 4 else ts(y, 3 * q + 1)
        return Window(f"{y}Q{q}", start, end, "quarter")
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"period {period!r}: month must be 1..12")
        end = ts(y + 1, 1) if mo == 12 else ts(y, mo + 1)
        return Window(f"{y}-{mo:02d}", ts(y, mo), end, "month")
    if m := _FY.match(text):
        y = int(m.group(1))
        y = y + 2000 if y < 100 else y
        if start_month == 1:
            return Window(f"FY{y}", ts(y, 1), ts(y + 1, 1), "fiscal_year", 1)
        return Window(f"FY{y}", ts(y - 1, start_month), ts(y, start_month), "fiscal_year",
                      int(start_month))
    if m := _RANGE.match(text):
        return Window.range(m.group(1), m.group(2), tz=tz)
    raise ValueError(f"period must look like '2025', '2025Q3', '2025-03', 'FY2025' or "
                     f"'2024-10-01..2025-10-01'; got {period!r}")


def period_starts(labels: pd.Series, tz: str, *,
                  start_month: int = DEFAULT_START_MONTH) -> pd.Series:
    """UTC start of each period label (NaT where the label is not a period).

    Used for tables whose rows name a period (survey waves, checklist ratings, outcomes);
    ``start_month`` is the fiscal start of the window they are cut by.
    """
    out = {}
    for label in pd.unique(labels.dropna()):
        try:
            out[label] = parse_period(str(label), tz=tz, start_month=start_month).start_utc
        except ValueError:
            out[label] = pd.NaT
    return labels.map(out).astype("datetime64[ns, UTC]")
