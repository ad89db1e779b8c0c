"""Limits checked before a file is parsed: no hang and no blow-up on a small hostile file.

A 7.9 MB CSV with a million header columns, a 218 KB workbook with one row of two million
cells, a 1 MB ZIP that inflates to 1 GB, a FIFO named ``interactions.csv``, a symbolic link
to ``/dev/zero``: each is refused here with a DataError naming the file and the limit,
before pandas, openpyxl or zlib start on it. The limits are module constants, far above
what real exports need (a year of a 100,000-member network is well inside them).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from ..errors import DataError

__all__ = ["MAX_COLUMNS", "MAX_CELLS", "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "MAX_ZIP_FILES",
           "MAX_DEPTH", "regular_file", "check_zip", "check_csv_shape", "check_workbook",
           "gunzip", "read_zip_member"]

#: Columns of one table (a roster or a wide survey has tens to a few hundred).
MAX_COLUMNS = 5_000
#: Cells of one table (rows x columns): 10 million interactions of 8 columns pass.
MAX_CELLS = 200_000_000
#: Bytes a ZIP (a Slack export, a workbook) may inflate to, all members together.
MAX_UNZIPPED_BYTES = 8 * 2**30
#: Inflation of one ZIP member larger than 10 MB (JSON and sheet XML compress 5-30x).
MAX_ZIP_RATIO = 200
#: Files in one ZIP, and folder levels in a ZIP or an exports folder.
MAX_ZIP_FILES = 200_000
MAX_DEPTH = 32

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def regular_file(path: str | Path, file: str | None = None) -> Path:
    """``path`` if it is a regular file (after symbolic links); else a DataError.

    A FIFO would make a read wait forever, a device (``/dev/zero``) never end.
    """
    path = Path(path)
    name = file or path.name
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as err:
        raise DataError("file not found", file=name) from err
    except OSError as err:
        raise DataError(f"cannot be read ({err.strerror or err})", file=name) from err
    if stat.S_ISDIR(mode):
        raise DataError("expected a file, found a folder", file=name)
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise DataError(f"is {kind}, not a regular file; peernet reads only files",
                        file=name)
    return path


def check_zip(zf: zipfile.ZipFile, file: str) -> None:
    """Refuse a ZIP whose members would inflate too far or are too many or too deep."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_FILES:
        raise DataError(f"the ZIP holds {len(infos):,} files, more than the limit of "
                        f"{MAX_ZIP_FILES:,}", file=file)
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.count("/") > MAX_DEPTH:
            raise DataError(f"the ZIP nests folders more than {MAX_DEPTH} levels deep",
                            file=file)
        if info.file_size > 10 * 2**20 and info.file_size > MAX_ZIP_RATIO * max(
                info.compress_size, 1):
            raise DataError(f"{info.filename!r} would inflate from {info.compress_size:,} to "
                            f"{info.file_size:,} bytes (more than {MAX_ZIP_RATIO} times): "
                            f"not a real export (a ZIP bomb?)", file=file)
    if total > MAX_UNZIPPED_BYTES:
        raise DataError(f"the ZIP would inflate to {total:,} bytes, more than the limit of "
                        f"{MAX_UNZIPPED_BYTES:,}", file=file)


def read_zip_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """One member of a ZIP checked by :func:`check_zip`, inflated 1 MB at a time.

    ``zf.read`` inflates a member in one call of up to 2 GB, whatever size the ZIP's
    header declares; read in steps, a member never inflates past its declared size (which
    :func:`check_zip` has checked), and one that holds more fails its CRC check (a
    ``BadZipFile``, reported as a damaged file).
    """
    parts = []
    with zf.open(name) as fh:
        while chunk := fh.read(2**20):
            parts.append(chunk)
    return b"".join(parts)


def gunzip(raw: bytes, file: str, *, limit: int | None = None) -> bytes:
    """``raw`` (gzip, one or more members) inflated, stopping at the limits: a gzip file
    does not say how large it inflates (its size field is modulo 4 GiB), so the output is
    produced in steps and refused as soon as it passes :data:`MAX_UNZIPPED_BYTES` (or
    ``limit``), or :data:`MAX_ZIP_RATIO` times the compressed size once past 10 MB, before
    the rest is inflated. A DataError names the file; a damaged stream is a DataError too.
    """
    cap = MAX_UNZIPPED_BYTES if limit is None else limit
    ratio_cap = max(10 * 2**20, MAX_ZIP_RATIO * len(raw))
    out: list[bytes] = []
    size, data = 0, raw
    step = 2**20
    try:
        while data:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while True:
                chunk = d.decompress(data, step)
                size += len(chunk)
                if size > cap or size > ratio_cap:
                    raise DataError(f"the gzip file would inflate beyond {min(cap, ratio_cap):,} "
                                    f"bytes (from {len(raw):,}; the limits are "
                                    f"{MAX_ZIP_RATIO} times the file above 10 MB and "
                                    f"{MAX_UNZIPPED_BYTES:,} bytes): not a real export (a "
                                    f"decompression bomb?)", file=file)
                out.append(chunk)
                data = d.unconsumed_tail
                if d.eof or (not chunk and not data):
                    break
            if not d.eof:
                raise DataError("cannot decompress the .gz file (it ends early: truncated?)",
                                file=file)
            data = d.unused_data.lstrip(b"\x00")  # concatenated members, padding
    except zlib.error as err:
        raise DataError(f"cannot decompress the .gz file ({err})", file=file) from err
    return b"".join(out)


def check_csv_shape(text: str, delimiter: str, file: str) -> None:
    """Refuse a delimited text with too many columns or cells, before parsing it."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    columns = header.count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise DataError(f"the header has {columns:,} columns, more than the limit of "
                        f"{MAX_COLUMNS:,}; is this the right file and separator?", file=file,
                        row=1)
    lines = text.count("\n") + 1
    if lines * columns > MAX_CELLS:
        raise DataError(f"{lines:,} lines of {columns:,} columns is more than the limit of "
                        f"{MAX_CELLS:,} cells", file=file)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_workbook(path: str | Path, file: str | None = None) -> None:
    """Refuse an .xlsx that would inflate too far or whose sheets are too wide or too big.

    Reads only the ZIP directory and the first bytes of each sheet (its ``<dimension>``).
    """
    path = regular_file(path, file)
    name = file or path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a ZIP: the reader says so in its own words
    with zf:
        check_zip(zf, name)
        for info in zf.infolist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            try:
                with zf.open(info) as fh:
                    head = fh.read(4096)
            except Exception:  # noqa: BLE001 - a damaged member: the reader reports it
                continue
            m = _DIMENSION.search(head)
            if not m:
                continue
            cols = _column_number(m.group(3) or m.group(1))
            rows = int(m.group(4) or m.group(2))
            if cols > MAX_COLUMNS or cols * rows > MAX_CELLS:
                raise DataError(f"sheet {info.filename.rsplit('/', 1)[-1]!r} spans {cols:,} "
                                f"columns and {rows:,} rows, more than the limits of "
                                f"{MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells", file=name)
