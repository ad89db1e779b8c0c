"""Parquet tables for :func:`peernet.load`: one file, or a folder of partitions, via pyarrow.

A table given as a folder (``interactions/2024.parquet``, ``interactions/2025.parquet``, or
hive-style ``interactions/year=2024/part-0.parquet``) is read part by part and the parts are
stacked in name order. The ``key=value`` folder names are never turned into columns: the
tables keep exactly the columns the files hold. Files whose names start with ``.`` or ``_``
(``_SUCCESS``, ``.crc``, ``_metadata``) are skipped as writers' bookkeeping; any other file
that is not ``.parquet`` is noted in the data-quality log as not read.

Only the columns that are wanted are read from disk (a column mapped to ``None`` in
``pn.load(columns=...)`` is never read), and schema category columns whose values are all
allowed already (``kind``, ``channel``...) are read as dictionaries and handed over as
categoricals, so the validation that follows does not have to build text copies of them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..quality import QualityLog
from ..schema import TABLES, missing_column_error

__all__ = ["Parts", "read_parquet_table", "parquet_parts"]


@dataclass(frozen=True)
class Parts:
    """Where each part's rows start in the stacked table (0-based), and each part's name."""

    names: tuple[str, ...]
    starts: np.ndarray

    def locate(self, row: int) -> tuple[str, int]:
        """The part file and its own spreadsheet-style row (header = 1) of stacked ``row``."""
        position = int(row) - 2
        k = int(np.searchsorted(self.starts, position, side="right")) - 1
        return self.names[k], position - int(self.starts[k]) + 2


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def parquet_parts(path: Path, log: QualityLog | None = None) -> list[Path]:
    """The Parquet files of a table: ``path`` itself, or every ``.parquet`` file under the
    folder ``path`` (sub-folders included) in natural name order (``part-2`` before
    ``part-10``). Other files are noted in ``log``; ``.``/``_`` files are skipped silently.
    """
    if not path.is_dir():
        return [path]
    found: list[Path] = []
    other: list[Path] = []
    for item in path.rglob("*"):
        rel = item.relative_to(path).parts
        if any(p.startswith((".", "_")) for p in rel) or item.is_dir():
            continue
        (found if item.suffix.lower() == ".parquet" else other).append(item)
    for item in sorted(other, key=lambda p: _natural(p.relative_to(path).as_posix())):
        if log is not None:
            log.note("file in a partitioned table folder that is not .parquet; not read",
                     value=item.relative_to(path.parent).as_posix())
    if not found:
        raise DataError("folder holds no .parquet files; a table given as a folder must hold "
                        "its parts as Parquet files (e.g. 2024.parquet, year=2025/part-0.parquet)",
                        file=path.name)
    return sorted(found, key=lambda p: _natural(p.relative_to(path).as_posix()))


def read_parquet_table(path: Path, table: str, *, skip: Collection[str] = (),
                       renames: dict[str, str] | None = None,
                       log: QualityLog | None = None
                       ) -> tuple[pd.DataFrame, np.ndarray, Parts | None]:
    """Read a Parquet table (file or partitioned folder) for ``pn.load``.

    Returns the frame (every column of the file(s) except ``skip``, with pandas dtypes as
    ``pd.read_parquet`` gives them, except that schema category columns whose values are all
    allowed come as categoricals with the allowed categories), the row numbers (position +
    2, as for a flat file) and, for a folder, the :class:`Parts` to map rows back to files.
    Columns are named as in the file: ``renames`` only tells which schema column a file
    column becomes, so that its category check applies.
    """
    files = parquet_parts(path, log)
    base = path.parent
    renames = dict(renames or {})
    spec = TABLES[table]
    categories = {c.name: c.allowed for c in spec.columns if c.dtype == "category"}
    required = spec.required
    frames, counts, names = [], [], []
    # id columns read as dictionaries (schema.coerce_table cleans their distinct values
    # once); the roster's are read as text (its missing-value tokens are checked first)
    ids = set() if table == "members" else {c.name for c in spec.columns if c.dtype == "id"}
    for file in files:
        name = file.relative_to(base).as_posix() if path.is_dir() else file.name
        try:
            df = _read_one(file, skip, renames, categories, ids)
        except Exception as err:  # noqa: BLE001 - pyarrow raises many types on bad files
            raise DataError(f"cannot read as Parquet ({type(err).__name__}: {err})",
                            file=name) from err
        if path.is_dir():
            header = [str(renames.get(c, c)).strip() for c in df.columns]
            for col in required:
                if col not in header:
                    raise missing_column_error(table, col, list(df.columns), name)
        frames.append(df)
        counts.append(len(df))
        names.append(name)
    if len(frames) == 1:
        df = frames[0]
    else:
        for col in {c for f in frames for c in f.columns if _is_dictionary(f[c])}:
            # a column coded in some parts only: all of them as text, as in one file
            if not all(col in f.columns and _is_dictionary(f[col])
                       and f[col].dtype == frames[0][col].dtype for f in frames):
                frames = [f.assign(**{col: _decoded(f[col])}) if col in f.columns
                          and _is_dictionary(f[col]) else f for f in frames]
        df = pd.concat(frames, ignore_index=True)
        for col in categories:
            # a column that is a categorical in some parts only comes out as object
            if col in df.columns and df[col].dtype == object:
                df[col] = pd.concat([f[col].astype("str") if col in f.columns
                                     else pd.Series(np.nan, index=f.index, dtype="str")
                                     for f in frames], ignore_index=True)
        del frames
    parts = Parts(tuple(names), np.cumsum([0] + counts[:-1])) if path.is_dir() else None
    return df, np.arange(2, len(df) + 2), parts


def _read_one(file: Path, skip: Collection[str], renames: dict[str, str],
              categories: dict[str, tuple[str, ...] | None],
              ids: Collection[str] = ()) -> pd.DataFrame:
    """One Parquet file as ``pd.read_parquet`` gives it, read a column at a time.

    Reading column by column, single-threaded and without pre-buffering, keeps the peak at
    the table plus one column: a ``string`` column is widened to ``large_string`` (what
    pandas' ``str`` dtype holds) as soon as it is read, instead of all of them at once in
    ``to_pandas``, and a category column is turned into codes before the next is read.

    A text column that becomes one of the schema columns ``ids`` and holds fewer distinct
    values (per row group) than half its rows comes as Arrow dictionary codes
    (``pd.ArrowDtype(pa.dictionary(pa.int32(), pa.large_string()))``): decoding 12.5M ids
    to text and cleaning each row's text was 6 s of a 10M-interaction load, reading the
    codes and cleaning the distinct values 1.5 s (:func:`peernet.schema.coerce_table`).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(file)
    names = [c for c in schema.names if c not in skip]
    if len(set(schema.names)) != len(schema.names):
        # duplicate names cannot be read one by one; let pandas report them as before
        return pq.read_table(file, columns=names, use_pandas_metadata=True).to_pandas()
    wanted = {c: renames.get(c, c).strip() for c in names}
    text = [c for c in names if pa.types.is_string(schema.field(c).type)
            or pa.types.is_large_string(schema.field(c).type)]
    as_dictionary = [c for c in text if wanted[c] in categories]
    coded = [c for c in text if wanted[c] in ids]
    pf = pq.ParquetFile(file, read_dictionary=as_dictionary + coded or None, pre_buffer=False)
    arrays, fields, cats, codes = [], [], {}, {}
    for c in names:
        col = pf.read(columns=[c], use_threads=False).column(0)
        if c in coded and pa.types.is_dictionary(col.type):
            if 2 * sum(len(chunk.dictionary) for chunk in col.chunks) < len(col):
                codes[c] = col.cast(pa.dictionary(pa.int32(), pa.large_string()))
                continue
            col = col.cast(schema.field(c).type)   # nearly every value distinct: as text
        if wanted[c] in categories and pa.types.is_dictionary(col.type):
            cat = _as_categorical(col, categories[wanted[c]] or ())
            if cat is not None:
                cats[c] = cat
                continue
            if c in as_dictionary:  # not all values allowed: text, as pd.read_parquet gives
                col = col.cast(schema.field(c).type)
        if pa.types.is_string(col.type):
            col = col.cast(pa.large_string())
        arrays.append(col)
        fields.append(schema.field(c).with_type(col.type))
    pf_rows = pf.metadata.num_rows
    del pf
    tbl = pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema.metadata))
    del arrays
    df = tbl.to_pandas()
    del tbl
    if not cats and not codes:
        return df
    if not len(df.columns):   # every column coded or a category: the rows' count
        df = pd.DataFrame(index=pd.RangeIndex(pf_rows))
    df = df.assign(**{c: pd.Series(v, index=df.index) for c, v in cats.items()},
                   **{c: pd.Series(pd.arrays.ArrowExtensionArray(v), index=df.index)
                      for c, v in codes.items()})
    return df[[c for c in names if c in df.columns]]


def _is_dictionary(s: pd.Series) -> bool:
    import pyarrow as pa

    return isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_dictionary(s.dtype.pyarrow_dtype)


def _decoded(s: pd.Series) -> pd.Series:
    """A dictionary-coded text column (:func:`_read_one`) as text (``str``)."""
    import pyarrow as pa

    out = s.array._pa_array.cast(pa.large_string()).to_pandas()
    out.index = s.index
    return out


def _as_categorical(col, allowed: Sequence[str]) -> pd.Categorical | None:
    """A dictionary column as a categorical over ``allowed``; None when a value is not allowed."""
    pos = {v: i for i, v in enumerate(allowed)}
    codes = []
    for chunk in col.chunks:
        values = chunk.dictionary.to_pylist()
        if not all(isinstance(v, str) and v in pos for v in values):
            return None
        lookup = np.array([pos[v] for v in values] + [-1], dtype=np.int8)
        codes.append(lookup[chunk.indices.fill_null(len(values)).to_numpy()])
    joined = np.concatenate(codes) if codes else np.zeros(0, np.int8)
    return pd.Categorical.from_codes(joined, categories=list(allowed))
