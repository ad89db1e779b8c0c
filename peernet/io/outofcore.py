"""``pn.load(path, engine="duckdb")``: interactions of any size validated out of core.

The interactions table of a canonical folder may be a Parquet file or a (hive-partitioned)
folder of Parquet parts larger than memory. With ``engine="duckdb"``:

1. The interactions are read in record batches of :data:`BATCH_ROWS` rows (pyarrow, part by
   part in :func:`peernet.io._parquet.parquet_parts` order, after the missing-column check
   of every part) and each batch is validated by :func:`peernet.schema.coerce_table`, the
   implementation ``pn.load`` uses (bad dates, unknown kinds, empty required values:
   dropped and recorded, or a DataError with ``errors="raise"``, naming the part file and
   its row; the date order of text dates is decided on the first batch that has some).
   The clean rows are written to a Parquet dataset in a temporary folder, with their row
   number and their time in ns. One batch is in pandas at a time.
2. DuckDB (out of core: ``memory_limit``, spilling to ``temp_directory``) reads the clean
   dataset and finds the only rows the cross-table checks need: the first row of each
   member id not on the roster and, for each event id not in ``events``, its first row and
   its earliest one. Those few rows go through :meth:`PeerNetwork.from_tables` with the
   other (small) tables, so unknown ids become unmatched members and unknown events stub
   events exactly as with ``pn.load`` (the checks are ``peernet.network``'s, not a copy).
   DuckDB also counts the self-loops and exact repeats ``pn.load`` notes
   (:func:`peernet.io.tables.repeat_counts` counts the same in pandas).
3. Only then are the clean interactions brought into pandas, in time order (so that a
   period's slice is a view of the table, not a copy), with the columns asked for
   (``columns={"message_id": None}`` leaves a column on disk), the member ids as
   categoricals over the roster and the event and thread ids (:data:`CODED`) as
   categoricals over their sorted values (4 bytes a row instead of a string: the table
   is a third smaller than with string ids). The times and the codes are held in files'
   pages (:func:`peernet._memory.file_array`, read-only): under a memory limit the kernel
   pages them out instead of killing the process.

What is not out of core yet: the per-period aggregates (ties, participation, the Grid's
inputs) are still computed by pandas from the interactions in memory, so the validated
interactions must fit in memory; see ``docs/performance.md`` ("Larger than memory").
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._memory import file_array, release
from ..errors import DataError
from ..network import PeerNetwork
from ..quality import DataQuality, QualityLog
from ..schema import TABLES, coerce_table, empty_table, missing_column_error
from ..ties import ns
from ._parquet import Parts, parquet_parts

__all__ = ["ENGINES", "DuckDBOptions", "CleanInteractions", "validate_interactions",
           "connect"]

#: The engines of ``pn.load``.
ENGINES = ("pandas", "duckdb")
#: Rows validated at a time (one batch in pandas at a time).
BATCH_ROWS = 1_000_000
_ROW = "__peernet_row"       # the row's stacked number (row 2 = first), kept on disk only
_NS = "__peernet_ns"         # its timestamp as int64 ns: DuckDB's timestamps are us
_HIDDEN = [_ROW, _NS]
#: The columns of an exact repeat (``peernet.io.tables.REPEAT_KEY``).
REPEAT_KEY = ("timestamp", "source", "kind", "target", "event_id")
#: Id columns other than the member ids held as categoricals over their sorted values
#: (4 bytes a row instead of a string; an event or thread has many rows).
CODED = ("event_id", "thread_id")


@dataclass(frozen=True)
class DuckDBOptions:
    """Settings of the DuckDB engine: its memory limit (DuckDB's own setting, e.g.
    ``"2GB"``), the folder it spills to and the clean dataset is written in (default: a new
    temporary folder, removed when loading ends), its threads and the batch size."""

    memory_limit: str = "2GB"
    temp_directory: str | Path | None = None
    threads: int | None = None
    batch_rows: int = BATCH_ROWS


def connect(options: DuckDBOptions, spill: Path) -> Any:
    """A DuckDB connection with the memory limit and the spill folder set (imported here:
    ``import peernet`` does not import duckdb)."""
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - the extra is in the dev install
        raise ImportError("pn.load(..., engine='duckdb') needs duckdb: pip install "
                          "'peernet[duckdb]'") from err
    con = duckdb.connect(config={"memory_limit": options.memory_limit,
                                 "temp_directory": str(spill),
                                 "preserve_insertion_order": False})
    if options.threads:
        con.execute(f"SET threads = {int(options.threads)}")
    return con


@dataclass
class CleanInteractions:
    """The validated interactions of a folder: the clean Parquet dataset, the few rows the
    cross-checks need (``candidates``, with their stacked row numbers ``rows``), what the
    batches dropped or repaired (``log``), and where each part's rows start (``parts``)."""

    folder: Path
    workdir: Path
    candidates: pd.DataFrame
    rows: np.ndarray
    log: QualityLog
    parts: Parts | None
    read: int
    kept: int
    repeats: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        # removed when this object goes, whatever ends the load (an error in another
        # table, an interrupt), and at the latest when Python exits; close() is the rule
        weakref.finalize(self, shutil.rmtree, self.workdir, True)

    def to_pandas(self, members: pd.Series | None = None) -> pd.DataFrame:
        """The clean interactions, with ``pn.load``'s rows and values in time order
        (stable: rows of the same time keep ``pn.load``'s order), the member id columns
        (``source``, ``target``) as categoricals over ``members`` (every id of the rows is
        there after the cross-checks) and the event and thread ids over their own values:
        4 bytes a row instead of a string.

        Time order makes every period's rows one run of the table, so a slice
        (``net.period("2025")``, ``net.between``) shares the table's memory instead of
        copying its rows (``peernet.network``'s positional cut): a log of parts each
        spanning a year, with a few rows across the new year, cost a copy of 80% of the
        table for its last year.

        The times are read first, as one int64 array, and sorted in place once their order
        is known: the timestamp column is that array (the parts' own ``timestamp`` column,
        the same instants, is not read), so the peak is the coded table without its times,
        the times, the order and one column: 16 bytes a row less than with the times read
        twice and copied (0.5 GB at 30M rows).
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        files = sorted(self.folder.glob("part-*.parquet"))
        if not files:
            return self.candidates.iloc[:0]
        ids = _sorted_ids(members) if members is not None else None
        dicts: dict[str, pd.Index] = {}
        if ids is not None:
            dicts = {"source": ids, "target": ids}
        dicts.update(_distinct(files, CODED))
        values = {name: pa.array(v.to_numpy(dtype=object), pa.string())
                  for name, v in dicts.items()}
        metas = [pq.ParquetFile(f).metadata for f in files]
        times = file_array(sum(m.num_rows for m in metas), np.int64, self.workdir)
        at = 0
        for f, m in zip(files, metas, strict=True):
            times[at:at + m.num_rows] = pq.read_table(f, columns=[_NS]).column(0).to_numpy()
            at += m.num_rows
        order = time_order(times)
        if order is not None:
            times.sort()   # the times in time order: times[order], without a copy
        names = [c for c in metas[0].schema.to_arrow_schema().names if c not in _HIDDEN]
        tables = []
        for f in files:
            t = pq.read_table(f, columns=[c for c in pq.read_schema(f).names
                                          if c not in _HIDDEN and c != "timestamp"])
            for name, v in values.items():
                if name in t.column_names:
                    t = t.set_column(t.column_names.index(name), name,
                                     _codes(t.column(name), v))
            tables.append(t)
        table = pa.concat_tables(tables, promote_options="permissive")
        del tables, t
        times.flags.writeable = False
        columns: dict[str, Any] = {"timestamp": utc_times(times)}
        del times
        for name in list(table.column_names):
            col = table.column(name)
            table = table.drop_columns([name])
            if name in dicts:
                codes = self._mapped(np.asarray(col.to_numpy(), np.int32), order, dicts[name])
                columns[name] = pd.Categorical.from_codes(codes, categories=dicts[name])
            else:
                col = pc.take(col, order) if order is not None else col
                columns[name] = pa.table({name: col}).to_pandas()[name]
            del col
        del order
        # the columns in the parts' order (a column only some parts have comes last)
        df = pd.DataFrame({c: columns.pop(c) for c in names + list(columns) if c in columns},
                          copy=False)   # (a dict is copied by default)
        del columns
        df = _schema_dtypes(df)
        release()
        return df

    def _mapped(self, codes: np.ndarray, order: np.ndarray | None,
                categories: pd.Index) -> np.ndarray:
        """``codes`` (in time order) in a read-only :func:`peernet._memory.file_array` of
        the integer type pandas keeps for that many categories (no copy in
        ``Categorical.from_codes``)."""
        kind = pd.Categorical.from_codes(codes[:0], categories=categories).codes.dtype
        out = file_array(len(codes), kind, self.workdir)
        if order is not None and kind == codes.dtype:
            np.take(codes, order, out=out)
        else:
            out[:] = codes if order is None else codes[order]
        out.flags.writeable = False
        return out

    def into(self, net: PeerNetwork) -> PeerNetwork:
        """``net`` (built by ``from_tables`` with the candidate rows) with all the clean
        interactions, and the interactions' counts of rows read, kept and dropped."""
        counts = net.quality.counts.copy()
        mine = self.log.result().counts.iloc[0]
        at = (counts["source"] == self.log.source).to_numpy()
        for c in ("rows_read", "rows_kept", "rows_repaired", "rows_dropped"):
            counts.loc[at, c] = int(mine[c])
        quality = DataQuality(issues=net.quality.issues, counts=counts)
        inter = self.to_pandas(net.members["member_id"])
        return net.replace(interactions=inter, quality=quality)

    def close(self) -> None:
        """Remove the clean dataset and DuckDB's spill files."""
        shutil.rmtree(self.workdir, ignore_errors=True)


def utc_times(nanoseconds: np.ndarray) -> pd.Series:
    """int64 nanoseconds since the epoch as a UTC ``timestamp`` column on the same memory
    (``DatetimeArray._simple_new``: every public constructor of a time-zone-aware column
    from naive values copies them; a copy where that is missing)."""
    dtype = pd.DatetimeTZDtype("ns", "UTC")
    values = nanoseconds.view("datetime64[ns]")
    try:
        arr = pd.arrays.DatetimeArray._simple_new(values, dtype=dtype)
    except (AttributeError, TypeError):   # pragma: no cover - another pandas
        arr = pd.array(values, dtype=dtype)
    return pd.Series(arr, name="timestamp", copy=False)


def time_order(times: np.ndarray) -> np.ndarray | None:
    """The stable order of int64 times (None when they are in order already)."""
    if len(times) < 2 or bool((times[1:] >= times[:-1]).all()):
        return None
    return np.argsort(times, kind="stable")


def _codes(col: Any, values: Any) -> Any:
    """Positions of an Arrow string column's values in ``values`` (int32; -1 for null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = pc.index_in(col.cast(pa.large_string()), value_set=values.cast(pa.large_string()))
    return pc.fill_null(codes, -1).cast(pa.int32())


def _distinct(files: list[Path], names: Collection[str]) -> dict[str, pd.Index]:
    """The sorted distinct values of the string columns ``names`` over every part (the
    categories of their codes; a column no part has is left out)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    seen: dict[str, list[Any]] = {}
    for f in files:
        have = [n for n in names if n in pq.read_schema(f).names]
        if not have:
            continue
        t = pq.read_table(f, columns=have)
        for n in have:
            col = t.column(n)
            if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
                continue
            seen.setdefault(n, []).append(pc.unique(col.cast(pa.large_string())))
    out = {}
    for n, chunks in seen.items():
        u = pc.unique(pa.chunked_array(chunks, pa.large_string())).drop_null()
        out[n] = pd.Index(np.sort(u.to_numpy(zero_copy_only=False).astype(object)),
                          dtype="str")
    return out


def _sorted_ids(values: pd.Series) -> pd.Index:
    return pd.Index(np.sort(values.dropna().astype("str").unique()), dtype="str")


def _schema_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Category columns with the schema's categories (a part holding some values only keeps
    only those)."""
    for col in TABLES["interactions"].columns:
        if col.dtype == "category" and col.name in df.columns:
            allowed = list(col.allowed or ())
            s = df[col.name]
            if isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == allowed:
                continue
            if isinstance(s.dtype, pd.CategoricalDtype) and set(s.cat.categories) <= set(allowed):
                df[col.name] = s.cat.set_categories(allowed)     # recoded, no text copy
            else:
                df[col.name] = pd.Categorical(s.astype("object"), categories=allowed)
    return df


def _batch_frame(batch: Any, skip: Collection[str]) -> pd.DataFrame:
    """One record batch as pandas, strings as pandas' ``str`` (as ``_parquet`` reads)."""
    import pyarrow as pa

    cols, names = [], []
    index = (batch.schema.pandas_metadata or {}).get("index_columns", [])
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        if name in skip or name in index:   # a pandas index written to the file is no column
            continue
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_string(col.type):
            col = col.cast(pa.large_string())
        cols.append(col)
        names.append(name)
    return pa.Table.from_arrays(cols, names=names).to_pandas()


def validate_interactions(path: Path, *, source: str, tz: str, errors: str, dayfirst: bool,
                          skip: Collection[str], renames: Mapping[str, str],
                          members: pd.DataFrame, events: pd.DataFrame | None,
                          options: DuckDBOptions, log: QualityLog, date_order: Callable,
                          relocate: Callable) -> CleanInteractions:
    """Validate the interactions at ``path`` batch by batch into ``workdir``; see the module.

    ``members`` and ``events`` are the raw tables (their ids are coerced here as
    ``from_tables`` coerces them, to know which interaction rows the cross-checks need).
    ``date_order`` and ``relocate`` are ``pn.load``'s (``peernet.io.tables``, which calls
    this): the date order of a file's text dates, and a DataError's stacked rows given as
    (part file, its row). Raises DataError as ``pn.load`` does (missing column, unreadable
    file, bad values with ``errors="raise"``: the problems of the first batch that has any).
    """
    workdir = _workdir(options)
    try:
        return _validate(path, source=source, tz=tz, errors=errors, dayfirst=dayfirst,
                         skip=skip, renames=renames, members=members, events=events,
                         options=options, log=log, workdir=workdir,
                         date_order=date_order, relocate=relocate)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _validate(path: Path, *, source: str, tz: str, errors: str, dayfirst: bool,
              skip: Collection[str], renames: Mapping[str, str], members: pd.DataFrame,
              events: pd.DataFrame | None, options: DuckDBOptions, log: QualityLog,
              workdir: Path, date_order: Callable, relocate: Callable) -> CleanInteractions:
    import pyarrow.parquet as pq

    files = parquet_parts(path, log)
    base = path.parent
    names = [f.relative_to(base).as_posix() if path.is_dir() else f.name for f in files]
    spec = TABLES["interactions"]
    counts = []
    for file, name in zip(files, names, strict=True):
        try:
            meta = pq.ParquetFile(file).metadata
        except Exception as err:  # noqa: BLE001 - pyarrow raises many types on bad files
            raise DataError(f"cannot read as Parquet ({type(err).__name__}: {err})",
                            file=name) from err
        arrow = meta.schema.to_arrow_schema()
        index = (arrow.pandas_metadata or {}).get("index_columns", [])
        header = [str(renames.get(c, c)).strip() for c in arrow.names
                  if c not in skip and c not in index]
        for col in spec.required:
            if col not in header:
                raise missing_column_error("interactions", col, header, name)
        counts.append(meta.num_rows)
    parts = Parts(tuple(names), np.cumsum([0] + counts[:-1])) if path.is_dir() else None
    clean = workdir / "interactions"
    clean.mkdir(parents=True, exist_ok=True)
    start, k, kept = 0, 0, 0
    order: str | None = None
    for file in files:
        pf = pq.ParquetFile(file)
        for batch in pf.iter_batches(batch_size=options.batch_rows, use_threads=False):
            df = _batch_frame(batch, skip)
            if renames:
                df = df.rename(columns=dict(renames))
            numbers = np.arange(start + 2, start + 2 + len(df))
            start += len(df)
            try:
                if order is None:   # decided once, on the first batch with text dates
                    order = date_order(df, "interactions", source, dayfirst, log, numbers)
                out, kept_rows = coerce_table(df, "interactions", tz=tz, log=log,
                                              rows=numbers, errors=errors,
                                              dayfirst=order == "day-first",
                                              file=source, return_rows=True)
            except DataError as err:
                if parts is None:
                    raise
                raise relocate(err, {source: parts}) from err.__cause__
            del df
            kept += len(out)
            out[_ROW] = np.asarray(kept_rows, np.int64)
            out[_NS] = ns(out["timestamp"])
            out.to_parquet(clean / f"part-{k:06d}.parquet", index=False)
            k += 1
            del out
    log.rows_read = start
    log.kept(kept, dropped=start - kept)
    release()
    candidates, rows, repeats = _candidates(clean, members, events, options, workdir)
    return CleanInteractions(folder=clean, workdir=workdir, candidates=candidates, rows=rows,
                             log=log, parts=parts, read=start, kept=kept, repeats=repeats)


def _known(table: pd.DataFrame | None, name: str, column: str, tz: str) -> list[str]:
    """The ids of a raw table as ``from_tables`` will hold them (coerced, problems ignored)."""
    if table is None or column not in table.columns:
        return []
    df = coerce_table(table, name, tz=tz, log=QualityLog(name), return_rows=False)
    assert isinstance(df, pd.DataFrame)
    return df[column].dropna().astype("str").unique().tolist()


def _candidates(clean: Path, members: pd.DataFrame, events: pd.DataFrame | None,
                options: DuckDBOptions, workdir: Path
                ) -> tuple[pd.DataFrame, np.ndarray, tuple[int, int]]:
    """The clean rows the cross-checks of ``from_tables`` read: per member id not on the
    roster, its first row; per event id not in events, its first row and its earliest.
    And the counts ``pn.load`` notes (:func:`peernet.io.tables.repeat_counts`): rows whose
    target is their source, and rows that repeat an earlier one exactly."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spill = workdir / "spill"
    spill.mkdir(exist_ok=True)
    con = connect(options, spill)
    try:
        con.register("known_members", pa.table({"id": pa.array(
            _known(members, "members", "member_id", "UTC"), pa.string())}))
        con.register("known_events", pa.table({"id": pa.array(
            _known(events, "events", "event_id", "UTC"), pa.string())}))
        glob = str(clean / "part-*.parquet")
        files = sorted(clean.glob("part-*.parquet"))
        empty = (_schema_dtypes(pq.read_table(files[0]).to_pandas().iloc[:0]) if files
                 else empty_table("interactions", ["timestamp", "source", "kind", "target",
                                                   "event_id"]))
        if not files:
            return empty, np.zeros(0, np.int64), (0, 0)
        cols = set(empty.columns)
        empty = empty.drop(columns=_HIDDEN)
        rel = f"read_parquet('{glob}', union_by_name = true)"
        key = ", ".join(_NS if c == "timestamp" else c for c in REPEAT_KEY if c in cols)
        loops = "count(*) FILTER (WHERE target = source)" if "target" in cols else "0"
        n, loop = con.execute(f"SELECT count(*), {loops} FROM {rel}").fetchone()
        groups = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {rel} GROUP BY "
                             f"{key})").fetchone()[0]
        repeats = (int(loop), int(n) - int(groups))
        picks = [f"SELECT min({_ROW}) AS r FROM {rel} WHERE source NOT IN "
                 f"(SELECT id FROM known_members) GROUP BY source"]
        if "target" in cols:
            picks.append(f"SELECT min({_ROW}) FROM {rel} WHERE target IS NOT NULL AND target "
                         f"NOT IN (SELECT id FROM known_members) GROUP BY target")
        if "event_id" in cols and events is not None:
            picks.append(f"SELECT min({_ROW}) FROM {rel} WHERE event_id IS NOT NULL AND "
                         f"event_id NOT IN (SELECT id FROM known_events) GROUP BY event_id")
            picks.append(f"SELECT min(r) FROM (SELECT {_ROW} AS r, event_id, {_NS} AS ns, "
                         f"min({_NS}) OVER (PARTITION BY event_id) AS t FROM {rel} WHERE "
                         f"event_id IS NOT NULL AND event_id NOT IN (SELECT id FROM "
                         f"known_events)) WHERE ns = t GROUP BY event_id")
        wanted = con.execute(" UNION ".join(picks)).fetchnumpy()
        at = np.unique(np.asarray(list(wanted.values())[0], dtype=np.int64))
        if not len(at):
            return empty, at, repeats
        frames = []
        for f in files:   # read back with pyarrow (DuckDB would round ns to us)
            t = pq.read_table(f, filters=[(_ROW, "in", at.tolist())])
            if t.num_rows:
                frames.append(t.to_pandas())
        rows = pd.concat(frames, ignore_index=True).sort_values(_ROW, kind="stable")
        rows = rows.reset_index(drop=True)
        return (_schema_dtypes(rows.drop(columns=_HIDDEN)), rows[_ROW].to_numpy(np.int64),
                repeats)
    finally:
        con.close()
        release()


def _workdir(options: DuckDBOptions) -> Path:
    """A new folder for the clean dataset and DuckDB's spill files (in ``temp_directory``
    when given)."""
    if options.temp_directory is not None:
        base = Path(options.temp_directory)
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="peernet-", dir=base))
    return Path(tempfile.mkdtemp(prefix="peernet-"))
