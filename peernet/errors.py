"""Exceptions and warnings raised by peernet.

Every error a user can meet is a :class:`PeernetError`. Bad input files and tables raise
:class:`DataError` (also a :class:`ValueError`), whose message names the file, the row as a
spreadsheet shows it (the header is row 1), the column and the bad value, and whose
``problems`` attribute lists every problem found, so a file can be fixed in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["PeernetError", "DataError", "RubricError", "DataQualityWarning", "location"]

MAX_LISTED = 10


def location(file: str | None = None, row: int | None = None, column: str | None = None,
             sheet: str | None = None) -> str:
    """Format ``file, sheet 'S', row R, column 'C'`` leaving out the parts that are unknown."""
    parts = []
    if file:
        parts.append(str(file))
    if sheet:
        parts.append(f"sheet {sheet!r}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts)


class PeernetError(Exception):
    """Base class of every error peernet raises on purpose."""


class DataError(PeernetError, ValueError):
    """A bad input file or table.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it. When ``file``/``row``/``column`` are given and the
        message does not already start with the location, the location is put in front.
    file, row, column, value : optional
        Where the problem is. ``row`` counts as a spreadsheet shows it (header = row 1).
    problems : sequence of dict, optional
        Every problem found (keys: file, row, column, value, problem). The message lists the
        first ten and says how many more there are.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: Any = None, sheet: str | None = None,
                 problems: Sequence[dict] | None = None):
        where = location(file, row, column, sheet)
        if where and not message.startswith(where):
            message = f"{where}: {message}"
        self.problems = list(problems or [])
        if len(self.problems) > 1:
            lines = []
            for p in self.problems[:MAX_LISTED]:
                loc = location(p.get("file"), p.get("row"), p.get("column"), p.get("sheet"))
                lines.append(f"  {loc}: {p.get('problem')}; got {p.get('value')!r}")
            more = len(self.problems) - MAX_LISTED
            if more > 0:
                lines.append(f"  and {more} more (all in err.problems)")
            message = message + "\n" + "\n".join(lines)
        super().__init__(message)
        self.file, self.row, self.column, self.value, self.sheet = file, row, column, value, sheet


class RubricError(PeernetError, ValueError):
    """A malformed rubric file or override: names the file, the entry and the key."""


class DataQualityWarning(UserWarning):
    """Rows were repaired or dropped while loading (see ``net.quality``)."""
