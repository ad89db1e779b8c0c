"""One promise for every loader: bad input raises :class:`~peernet.errors.DataError`.

Loaders check what they expect and raise DataError naming the file, row and column. A file
can still break them in ways nobody foresaw (a pandas parser error deep inside, a KeyError on
a column that was not there, a zlib error in a damaged ZIP). :func:`guard` wraps a loader so
that such an exception leaves it as a DataError naming the file (and the row or column when
the exception tells them), with the original exception chained as ``__cause__``. A
DataError raised without a file gets the file named; a ``ValueError`` raised on purpose by
peernet code whose message starts with the file's name is about the file and becomes a
DataError with the same message. Argument errors (a wrong call, or a ``TypeError`` or
``ValueError`` raised on purpose by peernet code about an argument, e.g. a bad ``tz=``) and
peernet's other errors pass through unchanged.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import DataError, PeernetError, location

__all__ = ["guard"]

F = TypeVar("F", bound=Callable[..., Any])

_PACKAGE = str(Path(__file__).resolve().parent.parent)
_LINE = re.compile(r"\b(?:line|row) (\d+)\b", re.IGNORECASE)
_MAX_MESSAGE = 300


def _file_of(signature: inspect.Signature, args: tuple, kwargs: dict) -> str | None:
    try:
        bound = signature.bind_partial(*args, **kwargs)
    except TypeError:
        return None
    first = next(iter(signature.parameters), None)
    value = bound.arguments.get(first) if first is not None else None
    if isinstance(value, str | Path):
        name = Path(value).name
        return name or str(value)
    return None


def _deliberate(err: BaseException) -> bool:
    """True for a TypeError/ValueError that a ``raise`` statement in peernet made on purpose."""
    if type(err) not in (TypeError, ValueError):
        return False
    tb = err.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    try:
        inside = str(Path(filename).resolve()).startswith(_PACKAGE)
    except OSError:
        return False
    return inside and linecache.getline(filename, tb.tb_lineno).lstrip().startswith("raise")


def _where(err: BaseException) -> tuple[int | None, str | None]:
    """Row and column an exception names, when it does (KeyError 'col', 'line 5')."""
    row = column = None
    if isinstance(err, KeyError) and err.args and isinstance(err.args[0], str):
        column = err.args[0][:100]
    match = _LINE.search(str(err))
    if match:
        row = int(match.group(1))
    return row, column


def _with_file(err: DataError, file: str) -> DataError:
    """The same DataError with the file named in front (for errors raised without it)."""
    text = str(err)
    where = location(None, err.row, err.column, err.sheet)
    if where and text.startswith(where + ": "):
        text = text[len(where) + 2:]
    new = DataError(text, file=file, row=err.row, column=err.column, value=err.value,
                    sheet=err.sheet)
    new.problems = [dict(p, file=p.get("file") or file) for p in err.problems]
    return new


def guard(loader: F) -> F:
    """Wrap ``loader`` so that no exception other than peernet's escapes it on bad input.

    The wrapper keeps the loader's name, signature and docstring (``functools.wraps``).
    Unexpected exceptions become :class:`~peernet.errors.DataError` naming the file (the
    loader's first argument) and, when the exception says so, the row and column, with the
    cause chained. ``KeyboardInterrupt`` and ``SystemExit`` are never caught.

    Examples
    --------
    >>> from peernet.io._guard import guard
    >>> @guard
    ... def read_numbers(path):
    ...     return int(open(path).read())
    >>> read_numbers("/no/such/numbers.txt")
    Traceback (most recent call last):
    ...
    peernet.errors.DataError: numbers.txt: cannot be read (FileNotFoundError: ...
    """
    signature = inspect.signature(loader)

    @functools.wraps(loader)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        signature.bind(*args, **kwargs)  # a wrong call is a TypeError, not a data error
        try:
            return loader(*args, **kwargs)
        except DataError as err:
            if err.file:
                raise
            file = _file_of(signature, args, kwargs)
            if file is None:
                raise
            raise _with_file(err, file) from err
        except PeernetError:
            raise
        except Exception as err:
            file = _file_of(signature, args, kwargs)
            if _deliberate(err):
                if file is None or not str(err).startswith(file):
                    raise
                # a ValueError that starts with the file's name is about the file
                raise DataError(str(err), file=file) from err
            row, column = _where(err)
            text = str(err)
            if len(text) > _MAX_MESSAGE:
                text = text[:_MAX_MESSAGE] + "…"
            raise DataError(
                f"cannot be read ({type(err).__name__}: {text}); the file is damaged or not "
                f"in the layout {loader.__name__} expects. If the file opens fine in its "
                f"program, please report this with a copy of it", file=file, row=row,
                column=column) from err

    wrapper.__peernet_guarded__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
