"""Data quality: what every loader read, kept, repaired and dropped, and why.

Nothing is dropped silently. Loaders record each repaired or dropped row in a
:class:`QualityLog` and hand the finished :class:`DataQuality` to the network
(``net.quality``). The accounting identity ``rows_read == rows_kept + rows_dropped`` holds
for every source.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DataQuality", "QualityLog", "ISSUE_COLUMNS", "COUNT_COLUMNS"]

ISSUE_COLUMNS = ["source", "row", "column", "value", "problem", "action"]
COUNT_COLUMNS = ["source", "rows_read", "rows_kept", "rows_repaired", "rows_dropped"]
ACTIONS = ("dropped", "repaired", "added", "info")


@cache
def _issues_template() -> pd.DataFrame:
    return pd.DataFrame({
        "source": pd.Series(dtype="str"), "row": pd.Series(dtype="Int64"),
        "column": pd.Series(dtype="str"), "value": pd.Series(dtype="str"),
        "problem": pd.Series(dtype="str"), "action": pd.Series(dtype="str"),
    })


@cache
def _counts_template() -> pd.DataFrame:
    return pd.DataFrame({"source": pd.Series(dtype="str"),
                         **{c: pd.Series(dtype="int64") for c in COUNT_COLUMNS[1:]}})


def _empty_issues() -> pd.DataFrame:
    return _issues_template().copy()  # built once, copied: a load makes about 20 of them


def _empty_counts() -> pd.DataFrame:
    return _counts_template().copy()


def _short(value: Any, limit: int = 200) -> str | float:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return np.nan
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class DataQuality:
    """What was read, kept, repaired and dropped, per source.

    Attributes
    ----------
    issues : DataFrame
        One row a problem: ``source`` (file or table), ``row`` (as a spreadsheet shows it,
        header = row 1; NA for file-level notes), ``column``, ``value`` (as read),
        ``problem`` (what was wrong) and ``action`` (``dropped``, ``repaired``, ``added`` or
        ``info``).
    counts : DataFrame
        One row a source: ``rows_read``, ``rows_kept``, ``rows_repaired``, ``rows_dropped``.
    """

    issues: pd.DataFrame = field(default_factory=_empty_issues)
    counts: pd.DataFrame = field(default_factory=_empty_counts)

    @classmethod
    def merge(cls, parts: Iterable[DataQuality]) -> DataQuality:
        """Concatenate several DataQuality objects (sources are kept apart)."""
        parts = [p for p in parts if p is not None]
        if not parts:
            return cls()
        issues = [p.issues for p in parts if len(p.issues)]
        counts = [p.counts for p in parts if len(p.counts)]
        return cls(
            issues=(pd.concat(issues, ignore_index=True) if issues else _empty_issues()),
            counts=(pd.concat(counts, ignore_index=True) if counts else _empty_counts()),
        )

    def __add__(self, other: DataQuality) -> DataQuality:
        return DataQuality.merge([self, other])

    @property
    def dropped(self) -> pd.DataFrame:
        """The issues whose row was dropped."""
        return self.issues[self.issues["action"] == "dropped"].reset_index(drop=True)

    @property
    def repaired(self) -> pd.DataFrame:
        """The issues whose value was repaired (the row was kept)."""
        return self.issues[self.issues["action"] == "repaired"].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        """True when nothing was dropped or repaired."""
        return not self.issues["action"].isin(["dropped", "repaired", "added"]).any()

    def by_problem(self) -> pd.DataFrame:
        """Issues counted by source, action and problem (one row each)."""
        if self.issues.empty:
            return pd.DataFrame(columns=["source", "action", "problem", "rows"])
        return (self.issues.groupby(["source", "action", "problem"], sort=True, dropna=False)
                .size().rename("rows").reset_index())

    def summary(self) -> str:
        """A one-screen text summary: rows per source, then the problems counted."""
        lines = ["Data quality"]
        if self.counts.empty and self.issues.empty:
            return "Data quality: nothing was read."
        for row in self.counts.itertuples(index=False):
            lines.append(f"  {row.source}: {row.rows_read} rows read, {row.rows_kept} kept"
                         f" ({row.rows_repaired} repaired), {row.rows_dropped} dropped")
        problems = self.by_problem()
        if len(problems):
            lines.append("Problems:")
            for row in problems.itertuples(index=False):
                where = self._rows_of(row.source, row.action, row.problem)
                lines.append(f"  {row.source}: {row.action} {row.rows} row(s){where}: "
                             f"{row.problem}")
        else:
            lines.append("No problems found.")
        return "\n".join(lines)

    def _rows_of(self, source: str, action: str, problem: str, limit: int = 5) -> str:
        """`` (rows 3, 7)`` for a few spreadsheet rows, ``""`` when there are none or many."""
        i = self.issues
        rows = i.loc[(i["source"] == source) & (i["action"] == action)
                     & (i["problem"] == problem), "row"].dropna()
        if rows.empty:
            values = i.loc[(i["source"] == source) & (i["action"] == action)
                           & (i["problem"] == problem), "value"].dropna()
            if 0 < len(values) <= limit:
                return " (" + ", ".join(repr(v) for v in values) + ")"
            return ""
        if len(rows) > limit:
            return ""
        listed = ", ".join(str(int(r)) for r in sorted(rows))
        return f" (row {listed})" if len(rows) == 1 else f" (rows {listed})"

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return ("<pre>" + html.escape(self.summary()) + "</pre>")


class QualityLog:
    """Collects what one loader did with one source; ``.result()`` gives a DataQuality.

    Parameters
    ----------
    source : str
        The file or table name that appears in every row (e.g. ``"interactions.csv"``).

    Examples
    --------
    >>> log = QualityLog("interactions.csv")
    >>> log.read(3)
    >>> log.drop(3, "timestamp", "not a date", "cannot read as a date")
    >>> log.kept(2)
    >>> counts = log.result().counts.iloc[0]
    >>> int(counts["rows_read"]), int(counts["rows_kept"]), int(counts["rows_dropped"])
    (3, 2, 1)
    """

    def __init__(self, source: str):
        self.source = str(source)
        self._rows: list[dict] = []
        self._frames: list[pd.DataFrame] = []
        self.rows_read = 0
        self.rows_kept: int | None = None
        self.rows_dropped: int | None = None

    # -- recording ------------------------------------------------------------------------
    def read(self, n: int) -> None:
        """Add ``n`` to the rows read from the source."""
        self.rows_read += int(n)

    def kept(self, n: int, *, dropped: int | None = None) -> None:
        """Set the number of rows the loader kept (defaults to read - dropped).

        ``dropped`` sets the number of rows dropped when it is not the number of distinct
        row numbers recorded as dropped: a long table made from a wide file has several
        rows per spreadsheet row (one a rating), and all of them may be dropped at once.
        """
        self.rows_kept = int(n)
        if dropped is not None:
            self.rows_dropped = int(dropped)

    def _add(self, row: int | None, column: str | None, value: Any, problem: str,
             action: str) -> None:
        self._rows.append({"source": self.source, "row": row, "column": column,
                           "value": _short(value), "problem": problem, "action": action})

    def drop(self, row: int | None, column: str | None, value: Any, problem: str) -> None:
        """Record one dropped row."""
        self._add(row, column, value, problem, "dropped")

    def repair(self, row: int | None, column: str | None, value: Any, problem: str) -> None:
        """Record one repaired value (its row is kept)."""
        self._add(row, column, value, problem, "repaired")

    def add(self, row: int | None, column: str | None, value: Any, problem: str) -> None:
        """Record something the loader added (e.g. an unknown person added as a member)."""
        self._add(row, column, value, problem, "added")

    def note(self, problem: str, column: str | None = None, value: Any = None,
             row: int | None = None) -> None:
        """Record a file-level fact that changes no row (e.g. the encoding that was used)."""
        self._add(row, column, value, problem, "info")

    def many(self, rows: Sequence[int] | np.ndarray, column: str | None, values: Sequence[Any],
             problem: str, action: str = "dropped") -> None:
        """Record the same problem for many rows at once (vectorised)."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}; got {action!r}")
        rows = np.asarray(rows)
        if len(rows) == 0:
            return
        shown = pd.Series(list(values), dtype="object").map(_short)
        self._frames.append(pd.DataFrame({
            "source": self.source, "row": pd.array(rows, dtype="Int64"), "column": column,
            "value": shown.astype("str").where(shown.notna(), np.nan).to_numpy(),
            "problem": problem, "action": action,
        }))

    # -- result ---------------------------------------------------------------------------
    def issues(self) -> pd.DataFrame:
        frames = list(self._frames)
        if self._rows:
            frames.append(pd.DataFrame(self._rows, columns=ISSUE_COLUMNS))
        if not frames:
            return _empty_issues()
        out = pd.concat(frames, ignore_index=True)
        out["row"] = pd.array(out["row"], dtype="Int64")
        for col in ("source", "column", "value", "problem", "action"):
            out[col] = out[col].astype("str").where(out[col].notna(), np.nan)
        return out[ISSUE_COLUMNS]

    def result(self) -> DataQuality:
        issues = self.issues()
        dropped, repaired = 0, 0
        if len(issues):
            row_issues = issues[issues["row"].notna()]
            dropped = int(row_issues.loc[row_issues["action"] == "dropped", "row"].nunique())
            repaired_rows = set(row_issues.loc[row_issues["action"] == "repaired", "row"])
            dropped_rows = set(row_issues.loc[row_issues["action"] == "dropped", "row"])
            repaired = len(repaired_rows - dropped_rows)
        if self.rows_dropped is not None:
            dropped = self.rows_dropped
        kept = self.rows_read - dropped if self.rows_kept is None else self.rows_kept
        counts = pd.DataFrame({"source": pd.array([self.source], dtype="str"),
                               **{c: np.array([x], np.int64) for c, x in zip(
                                   COUNT_COLUMNS[1:], (self.rows_read, kept, repaired, dropped),
                                   strict=True)}})
        return DataQuality(issues=issues, counts=counts)
