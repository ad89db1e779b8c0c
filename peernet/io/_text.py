"""Reading text tables the way they arrive: BOMs, cp1252, UTF-16, `;` or tab separators.

Shared by every loader: :func:`read_text` decodes a file (BOM first, then UTF-8, then
cp1252, recording which was used), :func:`sniff_delimiter` picks the separator, and
:func:`read_csv_text` turns the text into an all-text DataFrame whose row numbers are those a
spreadsheet shows (header = row 1), reporting ragged rows instead of failing on them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..quality import QualityLog
from ._limits import check_csv_shape, check_workbook, regular_file

__all__ = ["read_text", "sniff_delimiter", "read_csv_text", "read_table_file", "unique_columns"]


def read_text(path: Path, log: QualityLog | None = None) -> str:
    """Decode a text file: UTF-16/UTF-8 BOM, else UTF-8, else cp1252 (noted in ``log``)."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise DataError("file not found", file=str(path))
    if path.is_dir():
        raise DataError("expected a file, found a folder", file=str(path))
    regular_file(path)  # a FIFO would hang the read, /dev/zero never end
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise DataError("file not found", file=str(path)) from err
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataError("file is empty", file=path.name)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DataError(f"file starts with a UTF-16 byte-order mark but is not valid "
                            f"UTF-16 ({err.reason})", file=path.name) from err
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if log is not None:
            log.note("not valid UTF-8; read as Windows-1252 (cp1252), as Excel saves it")
        return raw.decode("cp1252", errors="replace")


def sniff_delimiter(text: str, candidates: str = ",;\t|") -> str:
    """The separator that splits the first lines most consistently (default ``,``)."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for d in candidates:
        counts = [line.count(d) for line in lines]
        if counts[0] == 0:
            continue
        same = sum(c == counts[0] for c in counts)
        score = (same, counts[0])
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv_text(text: str, *, file: str, log: QualityLog | None = None,
                  delimiter: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse CSV text to an all-text DataFrame and the spreadsheet row number of each row.

    Empty cells become missing. A row with more cells than the header whose extra cells are
    empty is trimmed; one with other extra cells, or fewer cells, is dropped and recorded in
    ``log`` as read and dropped (so a caller that then records ``log.read(len(df))`` keeps
    the accounting identity rows read = kept + dropped).
    """
    if "\x00" in text:
        if log is not None:
            log.note("NUL characters removed from the file")
        text = text.replace("\x00", "")
    delimiter = delimiter or sniff_delimiter(text)
    check_csv_shape(text, delimiter, file)  # a million columns: refused before parsing
    # pandas skips blank lines and pads short rows silently: the fast path only when there
    # are neither, so that row numbers stay those a spreadsheet shows and padding is noted
    try:
        if _BLANK_LINE.search(text) or text.startswith(("\n", "\r")):
            raise pd.errors.ParserError("blank lines: read row by row")
        first = text.split("\n", 1)[0]
        _check_repeated([h.strip() for h in next(csv.reader([first], delimiter=delimiter),
                                                 [])], file)
        df = pd.read_csv(io.StringIO(text), sep=delimiter, dtype="str", keep_default_na=False,
                         na_values=[""], skip_blank_lines=True, engine="c")
        df.columns = [str(c).strip() for c in df.columns]
        if any(c.startswith("Unnamed: ") for c in df.columns):
            raise pd.errors.ParserError("ragged header")
        if not isinstance(df.index, pd.RangeIndex):
            # every data row has more cells than the header: pandas took the first
            # column as the index; read row by row instead so the rows are reported
            raise pd.errors.ParserError("more cells than the header")
        df.columns = unique_columns(df.columns, log)
        _note_short_rows(df, text, delimiter, log)
        return df, np.arange(2, len(df) + 2)
    except DataError:
        raise
    except (pd.errors.ParserError, ValueError, csv.Error):
        pass
    except pd.errors.EmptyDataError as err:
        raise DataError("file has no header row", file=file) from err
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        # the row a spreadsheet shows: records counted with the blank ones
        records = [(i, rec) for i, rec in enumerate(reader, start=1)]
    except csv.Error as err:
        raise DataError(f"cannot read as CSV ({err})", file=file, row=reader.line_num) from err
    records = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    if not records:
        raise DataError("file has no header row", file=file)
    header = [h.strip() for h in records[0][1]]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise DataError("header row is empty", file=file, row=1)
    good, numbers = [], []
    ragged = 0
    for position, rec in records[1:]:
        if len(rec) > len(header) and not any(c.strip() for c in rec[len(header):]):
            rec = rec[:len(header)]
        if len(rec) < len(header) and log is not None and len(rec) > 1:
            log.repair(position, header[len(rec)], None, f"row has {len(rec)} cells, the "
                       f"header has {len(header)}; the missing last cells are read as empty")
            rec = rec + [""] * (len(header) - len(rec))
        if len(rec) != len(header):
            ragged += 1
            if log is not None:
                log.drop(position, None, delimiter.join(rec)[:200],
                         f"row has {len(rec)} cells, the header has {len(header)}")
            continue
        good.append(rec)
        numbers.append(position)
    if log is not None and ragged:
        # read and dropped here: a caller that adds len(df) to the rows read keeps
        # rows_read == rows_kept + rows_dropped
        log.read(ragged)
    _check_repeated(header, file)
    df = pd.DataFrame(good, columns=unique_columns(header, log), dtype="str")
    df = df.where(df != "", np.nan)
    return df, np.asarray(numbers, dtype=int)


_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n(?=.)", re.DOTALL)


def _note_short_rows(df: pd.DataFrame, text: str, delimiter: str,
                     log: QualityLog | None) -> None:
    """Record the rows pandas padded (fewer cells than the header), as repaired.

    Only rows with an empty last cell can be padded; their lines are counted (one line a
    row: no blank lines here, and a text with quotes is read row by row instead).
    """
    if log is None or len(df.columns) < 2:
        return
    last = df.columns[-1]
    candidates = np.flatnonzero(df[last].isna().to_numpy())
    if not len(candidates):
        return
    if '"' in text:
        raise pd.errors.ParserError("quoted text with empty last cells: read row by row")
    lines = text.split("\n")
    need = len(df.columns) - 1
    for i in candidates:
        got = lines[i + 1].count(delimiter) if i + 1 < len(lines) else need
        if got < need:
            log.repair(int(i) + 2, str(last), None, f"row has {got + 1} cells, the header has "
                       f"{need + 1}; the missing last cells are read as empty")


def _check_repeated(names: list[str], file: str | None = None) -> None:
    """A column of peernet's schema given twice is refused (which one holds the data?)."""
    from ..schema import TABLES

    schema = {c.name for spec in TABLES.values() for c in spec.columns}
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen and name in schema:
            raise DataError(f"column {name!r} appears more than once in the header (again "
                            f"as column {position}); rename or delete the extra one", file=file,
                            row=1, column=name)
        seen.add(name)


def unique_columns(columns, log: QualityLog | None = None) -> list[str]:
    """Header names made unique the way pandas does it (``a``, ``a.1``, ``a.2``), noting each.

    Needed when names differ only by surrounding spaces (``"a"`` and ``" a"``) or when the
    header is read without pandas; the first column keeps the name. A column of peernet's
    schema (``source``, ``member_id`` ...) given twice is refused: which one holds the data
    cannot be guessed.
    """
    _check_repeated([str(c).strip() for c in columns])
    out: list[str] = []
    seen: set[str] = set()
    for name in columns:
        name = str(name)
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        if new != name and log is not None:
            log.note(f"column {name!r} appears more than once in the header; the first is "
                     f"used and this one is read as {new!r}", column=name)
        seen.add(new)
        out.append(new)
    return out


def read_table_file(path: Path, log: QualityLog | None = None,
                    columns: list[str] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a CSV, Parquet (file or partitioned folder) or XLSX table with its row numbers."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        text = read_text(path, log)
        return read_csv_text(text, file=path.name, log=log,
                             delimiter="\t" if suffix == ".tsv" else None)
    if suffix == ".parquet":
        if not path.is_dir():
            regular_file(path)
        try:
            df = pd.read_parquet(path, columns=columns)
        except Exception as err:  # noqa: BLE001 - pyarrow raises many types on bad files
            raise DataError(f"cannot read as Parquet ({type(err).__name__}: {err})",
                            file=path.name) from err
        return df, np.arange(2, len(df) + 2)
    if suffix in (".xlsx", ".xlsm"):
        check_workbook(path)  # a ZIP bomb or a sheet of millions of cells: before openpyxl
        try:
            df = pd.read_excel(path, sheet_name=0, dtype="str", engine="openpyxl")
        except Exception as err:  # noqa: BLE001 - openpyxl raises many types on bad files
            raise DataError(f"cannot read as an Excel workbook ({type(err).__name__}: {err})",
                            file=path.name) from err
        df.columns = [str(c).strip() for c in df.columns]
        return df, np.arange(2, len(df) + 2)
    if suffix == ".xls":
        raise DataError("old Excel .xls files are not read; open the file in Excel or "
                        "LibreOffice and save it as .xlsx or .csv", file=path.name)
    raise DataError(f"unknown table format {suffix!r}; use .csv, .parquet or .xlsx",
                    file=path.name)
