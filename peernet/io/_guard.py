"""One promise for every loader: a bad file raises :class:`~peernet.errors.DataError`.

Loaders check what they expect and raise DataError naming the file, row and column. What a
loader does not check itself is sorted by the type of the exception, never by where it was
raised:

- a problem of the file (it cannot be opened, decoded or parsed: ``OSError``,
  ``UnicodeError``, a CSV, JSON, XML, ZIP, gzip, Excel or Parquet parser error; the tuple
  :data:`FILE_ERRORS`) leaves the loader as a DataError naming the file (and the row or
  column when the exception tells them), with the original exception chained as
  ``__cause__``;
- a DataError raised without a file gets the file named;
- anything else (a ``KeyError``, ``IndexError``, ``TypeError``, a ``ValueError`` from an
  argument or from a peernet bug) leaves the loader as itself, with a note
  (``add_note``) naming the loader and the file, so that a bug is reported as a bug and the
  fuzz suite (``tests/test_fuzz_loaders.py``) fails on it, instead of a user being told
  their file is damaged. Argument errors (a bad ``tz=``) are ``ValueError``/``TypeError``
  and pass through the same way.
"""

from __future__ import annotations

import csv
import email.errors
import functools
import inspect
import json
import re
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from xml.etree.ElementTree import ParseError as XMLParseError

import pandas as pd

from ..errors import DataError, location

__all__ = ["guard", "FILE_ERRORS", "file_problem"]

F = TypeVar("F", bound=Callable[..., Any])

_LINE = re.compile(r"\b(?:line|row) (\d+)\b", re.IGNORECASE)
_MAX_MESSAGE = 300


def _library_file_errors() -> tuple[type[BaseException], ...]:
    """Parser errors of the optional readers (openpyxl, pyarrow, defusedxml) that are loaded.

    Read when an error is met, from the modules already imported: a reader that was never
    imported raised nothing, and ``import peernet`` does not pay for openpyxl (0.2 s).
    """
    found: list[type[BaseException]] = []
    if "openpyxl" in sys.modules:
        from openpyxl.utils.exceptions import InvalidFileException
        found.append(InvalidFileException)
    if "pyarrow" in sys.modules:
        import pyarrow as pa
        found.append(pa.ArrowException)
    if "defusedxml" in sys.modules:  # an XML bomb refused by defusedxml inside openpyxl
        from defusedxml import DefusedXmlException
        found.append(DefusedXmlException)
    return tuple(found)


#: Exception types that mean "the file cannot be opened, decoded or parsed". Each is raised
#: by a reader (the file system, a codec, a parser) about its input, never by peernet's
#: own logic, so a loader that meets one is looking at a bad file. The parser errors of
#: openpyxl, pyarrow and defusedxml count too once those readers are loaded
#: (:func:`file_problem`).
FILE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # missing, unreadable, a folder, ... (also gzip.BadGzipFile)
    EOFError,  # a truncated gzip / zip member
    UnicodeError,
    csv.Error,
    json.JSONDecodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    XMLParseError,
    email.errors.MessageError,
)


def file_problem(err: BaseException) -> bool:
    """True when ``err`` is about the file rather than about peernet's code.

    >>> file_problem(UnicodeDecodeError("utf-8", b"\\xff", 0, 1, "invalid start byte"))
    True
    >>> file_problem(IndexError("list index out of range"))
    False
    """
    if isinstance(err, MemoryError):   # pyarrow's ArrowMemoryError too: the machine, not
        return False                   # the file (pn.load(engine="duckdb") for big inputs)
    return isinstance(err, (DataError, *FILE_ERRORS, *_library_file_errors()))


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


def _where(err: BaseException) -> tuple[int | None, str | None]:
    """Row and column an exception names, when it does ('line 5', a CSV's 'row 3')."""
    match = _LINE.search(str(err))
    return (int(match.group(1)) if match else None), None


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
    """Wrap ``loader`` so that a bad file raises DataError and a bug surfaces as itself.

    The wrapper keeps the loader's name, signature and docstring (``functools.wraps``).
    Exceptions of :data:`FILE_ERRORS` become :class:`~peernet.errors.DataError` naming the
    file (the loader's first argument) and, when the exception says so, the row, with the
    cause chained. Any other exception is re-raised unchanged, with a note naming the
    loader and the file. ``KeyboardInterrupt`` and ``SystemExit`` are never touched.

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
    >>> @guard
    ... def read_first(path):
    ...     return [][0]
    >>> try:
    ...     read_first("numbers.txt")
    ... except IndexError as err:
    ...     print(err.__notes__[0])
    peernet: raised by read_first while reading 'numbers.txt'; ...
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
        except Exception as err:
            if not file_problem(err):
                file = _file_of(signature, args, kwargs)
                err.add_note(f"peernet: raised by {loader.__name__} while reading {file!r}; "
                             f"this is not a problem peernet found in the file. Unless it is "
                             f"about an argument of the call, it is a peernet bug: please "
                             f"report it with a copy of the file")
                raise
            file = _file_of(signature, args, kwargs)
            row, column = _where(err)
            text = str(err)
            if len(text) > _MAX_MESSAGE:
                text = text[:_MAX_MESSAGE] + "…"
            raise DataError(
                f"cannot be read ({type(err).__name__}: {text}); the file is damaged, "
                f"unreadable or not in the layout {loader.__name__} expects", file=file,
                row=row, column=column) from err

    wrapper.__peernet_guarded__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
