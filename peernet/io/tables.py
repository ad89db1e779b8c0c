"""The canonical folder: one file a table, as CSV, Parquet or XLSX; ``load`` and ``save``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .._memory import release
from ..errors import DataError, DataQualityWarning, location
from ..network import TABLE_NAMES, PeerNetwork
from ..quality import DataQuality, QualityLog
from ..report.i18n import N_
from ..ties import unique_int
from ._parquet import Parts, read_parquet_table
from ._text import read_table_file

__all__ = ["load", "save", "validate"]

FORMATS = (".csv", ".parquet", ".xlsx")
META_FILE = "peernet.json"
#: The import log written by :func:`save` beside the tables and read back by :func:`load`:
#: what the loaders that built the network read, dropped, repaired and added.
QUALITY_FILES = ("quality_issues.csv", "quality_counts.csv")


def _find(folder: Path, table: str) -> Path | None:
    found = [folder / f"{table}{ext}" for ext in FORMATS if (folder / f"{table}{ext}").exists()]
    if (folder / table).is_dir():
        found.append(folder / table)  # a partitioned Parquet table
    if not found and (folder / f"{table}.xls").exists():
        raise DataError("old Excel .xls files are not read; open the file in Excel or "
                        "LibreOffice and save it as .xlsx or .csv", file=f"{table}.xls")
    if len(found) > 1:
        raise DataError(f"table {table!r} is given twice ({', '.join(p.name for p in found)});"
                        f" keep one file per table", file=str(folder))
    return found[0] if found else None


def load(path: str | Path, *, tz: str | None = None,
         errors: Literal["raise", "report"] = "report", dayfirst: bool = False,
         name: str | None = None, columns: Mapping[str, str] | None = None,
         na_values: Iterable[str] | None = None, engine: Literal["pandas", "duckdb"] = "pandas",
         memory_limit: str = "2GB", temp_directory: str | Path | None = None) -> PeerNetwork:
    """Load a canonical peernet folder into a :class:`PeerNetwork`.

    The folder holds ``members`` and ``interactions`` and any of ``events``, ``problems``,
    ``actions``, ``surveys``, ``checklist``, ``outcomes``, each as ``.csv``, ``.parquet``
    or ``.xlsx``, and optionally ``peernet.json`` (name, time zone). CSV files may carry a
    UTF-8 BOM, be saved as cp1252, or use ``;`` or tabs.

    Any table may also be a folder of Parquet parts, e.g. one a year:
    ``interactions/2024.parquet``, ``interactions/2025.parquet``, or hive-style
    ``interactions/year=2024/part-0.parquet`` (``interactions.parquet/`` works the same).
    The parts are stacked in name order (numbers compared as numbers) and must hold the
    required columns each. A ``key=value`` folder name is not added as a column: the table
    has the columns the files hold. Files named ``_*`` or ``.*`` (``_SUCCESS``) are skipped;
    other non-Parquet files are listed in ``net.quality``. Problems name the part file and
    its row (row 2 is the file's first row, as for a flat file).

    Parquet is read with pyarrow, column-wise; columns not in the schema are kept, as for
    every format, unless ``columns=`` maps them to ``None``, in which case they are never
    read from disk.

    Parameters
    ----------
    path : str or Path
        The folder.
    tz : str, optional
        Zone of naive timestamps, and the network's zone (default: ``peernet.json``'s
        ``tz``, else UTC).
    errors : {"report", "raise"}, default "report"
        Structural problems (missing file or required column, unreadable file) always raise
        :class:`~peernet.errors.DataError`. Bad values are dropped or repaired and recorded
        in ``net.quality`` (one :class:`~peernet.errors.DataQualityWarning` says how many)
        with "report"; with "raise" one DataError lists them all.
    dayfirst : bool, default False
        Read ambiguous dates like ``04/03/2025`` as day/month.
    columns : mapping, optional
        Renames applied to every table's header before validation, for files whose columns
        are spelled differently (``{"time stamp": "timestamp", "E-mail": "email"}``). A
        column mapped to ``None`` is left out of every table (a Parquet file does not
        even read it): ``{"text_blob": None}`` keeps a large free-text column out of memory.

    na_values : iterable of str, optional
        Cells read as missing in the ``members`` table (trimmed, any case); default
        :data:`peernet.io.roster.NA_VALUES` (``NA``, ``N/A``, ``#N/A``, ``null``, ``none``,
        ``-``, ``--``, empty), as pandas users expect. Other tables read only empty cells as
        missing.
    engine : {"pandas", "duckdb"}, default "pandas"
        ``"duckdb"`` validates interactions larger than memory (a Parquet file or a
        hive-partitioned folder of parts; needs ``pip install 'peernet[duckdb]'``): they are
        checked a batch at a time by the same rules, written clean to ``temp_directory``, and
        DuckDB picks out of core the rows the cross-table checks need
        (:mod:`peernet.io.outofcore`). The network is the same as with ``"pandas"``; only
        the clean interactions come into memory, with the columns asked for.
        ``docs/performance.md`` ("Larger than memory") says what is and is not out of core.
    memory_limit : str, default "2GB"
        DuckDB's memory limit (``engine="duckdb"`` only); beyond it DuckDB spills to disk.
    temp_directory : str or Path, optional
        Where ``engine="duckdb"`` writes the clean interactions and spills (default: a new
        temporary folder); removed when loading ends.

    Returns
    -------
    PeerNetwork

    Raises
    ------
    DataError
        Missing folder, members or interactions file, required column; bad values with
        ``errors="raise"``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     net = pn.load(pn.datasets.sample_path("riverbend"))
    >>> net.tz
    'America/Los_Angeles'

    A folder with the interactions partitioned by year, and a column left unread:

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> src = pn.load_sample("davis")
    >>> pn.save(src, out)  # doctest: +ELLIPSIS
    PosixPath(...)
    >>> inter = src.interactions.assign(note="free text")
    >>> (out / "interactions.parquet").unlink()
    >>> for year, part in inter.groupby(inter["timestamp"].dt.year):
    ...     (out / "interactions" / f"year={year}").mkdir(parents=True)
    ...     part.to_parquet(out / "interactions" / f"year={year}" / "part-0.parquet")
    >>> back = pn.load(out, columns={"note": None})
    >>> back.interactions.equals(src.interactions)
    True
    """
    folder = Path(path)
    if not folder.exists():
        raise DataError("folder not found", file=str(folder))
    if not folder.is_dir():
        raise DataError("expected a folder holding members.csv, interactions.csv, ...",
                        file=str(folder))
    meta = {}
    if (folder / META_FILE).exists():
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
            raise DataError(f"cannot read as JSON ({str(err)[:200]})", file=META_FILE) from err
        if not isinstance(meta, dict):
            raise DataError("expected a JSON object", file=META_FILE)
        _check_meta(meta)
    tz = tz or meta.get("tz") or "UTC"
    if engine not in ("pandas", "duckdb"):
        raise ValueError(f"engine must be 'pandas' or 'duckdb'; got {engine!r}")
    columns = dict(columns or {})
    skip = {k for k, v in columns.items() if v is None}
    renames = {k: v for k, v in columns.items() if v is not None}
    raw: dict[str, pd.DataFrame] = {}
    rows, sources, notes = {}, {}, []
    logs: dict[str, QualityLog] = {}
    parts: dict[str, Parts] = {}
    clean = None
    for table in TABLE_NAMES:
        file = _find(folder, table)
        if file is None:
            if table in ("members", "interactions"):
                raise DataError(f"required table {table!r} not found: expected {table}.csv, "
                                f"{table}.parquet or {table}.xlsx in {folder}",
                                file=str(folder))
            continue
        source = file.name + "/" if file.is_dir() else file.name
        log = QualityLog(source)
        if table == "interactions" and engine == "duckdb":
            clean = _outofcore(file, source, log, raw, tz=tz, errors=errors,
                               dayfirst=dayfirst, skip=skip, renames=renames,
                               memory_limit=memory_limit, temp_directory=temp_directory)
            if clean.parts is not None:
                parts[source] = clean.parts
            raw[table], rows[table], sources[table] = clean.candidates, clean.rows, source
            logs[table] = log
            notes.append(log)
            continue
        if file.is_dir() or file.suffix.lower() == ".parquet":
            df, numbers, where = read_parquet_table(file, table, skip=skip, renames=renames,
                                                    log=log)
            if where is not None:
                parts[source] = where
            release()   # the Arrow table read (pandas holds a copy)
        else:
            df, numbers = read_table_file(file, log)
            if skip:
                df = df.drop(columns=[c for c in df.columns if c in skip])
        if renames:
            df = df.rename(columns=renames)
        if table == "members":
            from .roster import NA_VALUES, missing_values

            df = missing_values(df, NA_VALUES if na_values is None else na_values, log,
                                numbers, skip=("member_id",))
        raw[table], rows[table], sources[table] = df, numbers, source
        logs[table] = log
        notes.append(log)
    known = {f"{t}{ext}" for t in TABLE_NAMES for ext in FORMATS} | {META_FILE} | \
        set(TABLE_NAMES) | set(QUALITY_FILES)
    extra = QualityLog(folder.name or str(folder))
    for item in sorted(folder.iterdir()):
        if item.name not in known and not item.name.startswith("."):
            extra.note(N_("file or folder not read by pn.load (not a peernet table)"),
                       value=item.name)
    # each file's date order decided on its own (a day above 12 settles it; recorded)
    orders = {table: _date_order(df, table, sources[table], dayfirst, logs[table],
                                 rows[table])
              for table, df in raw.items() if not (table == "interactions" and clean)}
    pre = DataQuality.merge([_saved_quality(folder)] + [_issues_only(n) for n in notes]
                            + [_issues_only(extra)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        try:
            net = PeerNetwork.from_tables(**raw, tz=tz, errors=errors,
                                          dayfirst={t: o == "day-first"
                                                    for t, o in orders.items()},
                                          sources=sources, rows=rows, quality=pre,
                                          name=name or meta.get("name") or folder.name,
                                          meta=meta)
        except DataError as err:
            if clean is not None:
                clean.close()
            if not parts:
                raise
            raise _relocate_error(err, parts) from err.__cause__
    if clean is not None:
        try:
            net = clean.into(_merge_read_drops(net, [n for n in notes if n is not clean.log]))
        finally:
            clean.close()
        raw["interactions"] = net.interactions
    else:
        net = _merge_read_drops(net, notes)
    _refuse_unreadable_dates(net, raw, sources)
    raw.clear()   # the tables as read and their row numbers: freed, with the Arrow
    rows.clear()  # tables and the checks' copies, before the repeats are counted
    release()
    net = _note_repeats(net, sources.get("interactions", "interactions"),
                        clean.repeats if clean is not None else None)
    if parts:
        net = net.replace(quality=DataQuality(issues=_relocate_issues(net.quality.issues, parts),
                                              counts=net.quality.counts))
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    release()
    return net


def _outofcore(file: Path, source: str, log: QualityLog, raw: Mapping[str, pd.DataFrame],
               *, memory_limit: str, temp_directory: str | Path | None, **kwargs):
    """The interactions of ``pn.load(..., engine="duckdb")``: validated out of core."""
    from . import outofcore

    if not (file.is_dir() or file.suffix.lower() == ".parquet"):
        raise DataError("engine='duckdb' reads the interactions from Parquet (a file or a "
                        "folder of parts); save them as Parquet, or use engine='pandas'",
                        file=file.name)
    options = outofcore.DuckDBOptions(memory_limit=memory_limit,
                                      temp_directory=temp_directory,
                                      batch_rows=outofcore.BATCH_ROWS)
    return outofcore.validate_interactions(file, source=source, log=log,
                                           members=raw["members"], events=raw.get("events"),
                                           options=options, date_order=_date_order,
                                           relocate=_relocate_error, **kwargs)


def _relocate_issues(issues: pd.DataFrame, parts: Mapping[str, Parts]) -> pd.DataFrame:
    """Rows of a partitioned table, numbered as if stacked, become (part file, its row)."""
    issues = issues.copy()
    for source, where in parts.items():
        at = np.flatnonzero(((issues["source"] == source) & issues["row"].notna()).to_numpy())
        if not len(at):
            continue
        located = [where.locate(r) for r in issues["row"].iloc[at]]
        issues.iloc[at, issues.columns.get_loc("source")] = [f for f, _ in located]
        issues.iloc[at, issues.columns.get_loc("row")] = [r for _, r in located]
    return issues


def _relocate_error(err: DataError, parts: Mapping[str, Parts]) -> DataError:
    """The same DataError with rows of partitioned tables given as (part file, its row)."""
    problems = []
    for p in err.problems:
        if p.get("file") in parts and p.get("row") is not None:
            at_file, at_row = parts[p["file"]].locate(p["row"])
            p = {**p, "file": at_file, "row": at_row}
        problems.append(p)
    file, row = err.file, err.row
    if file is not None and file in parts and row is not None:
        file, row = parts[file].locate(row)
    message = str(err).split("\n", 1)[0]
    where = location(err.file, err.row, err.column, err.sheet)
    if where and message.startswith(where + ": "):
        message = message[len(where) + 2:]
    return DataError(message, file=file, row=row, column=err.column, value=err.value,
                     sheet=err.sheet, problems=problems)


def _check_meta(meta: dict) -> None:
    """``peernet.json``'s ``tz`` must be a known zone and ``name`` text."""
    zone = meta.get("tz")
    if zone is not None:
        try:
            if not isinstance(zone, str):
                raise TypeError(zone)
            pd.Timestamp("2000-01-01").tz_localize(zone)
        except Exception as err:  # noqa: BLE001 - any failure means an unknown zone
            raise DataError(f"'tz' must be an IANA time zone like 'America/Los_Angeles'; got "
                            f"{zone!r}", file=META_FILE, column="tz", value=zone) from err
    if meta.get("name") is not None and not isinstance(meta["name"], str):
        raise DataError(f"'name' must be text; got {meta['name']!r}", file=META_FILE,
                        column="name", value=meta["name"])


#: The largest span of :func:`repeat_counts`' combined code before it is made compact.
_CODE_SPAN = 1 << 62


def repeat_counts(inter: pd.DataFrame) -> tuple[int, int]:
    """Rows whose target is their source, and rows that repeat an earlier row exactly
    (same :data:`peernet.io.outofcore.REPEAT_KEY` columns); ``engine="duckdb"`` counts
    the same in SQL."""
    from .outofcore import REPEAT_KEY

    loops = int((inter["source"] == inter["target"]).sum()) if "target" in inter.columns \
        else 0
    key = [c for c in REPEAT_KEY if c in inter.columns]
    if not len(inter):
        return loops, 0
    # a repeat shares its timestamp with an earlier row: only those rows are compared
    # (with each one's code among the shared timestamps, from the same sort)
    rows, stamps = (_shared_values(inter["timestamp"].array.asi8) if "timestamp" in key
                    else (np.arange(len(inter)), None))
    # the rows' key as one integer code, a column at a time (codes of a column's values
    # among those rows, missing values equal to each other as in DataFrame.duplicated):
    # a copy of the five columns of every compared row held 1.3 GB at 12.5M rows
    # (the combined code is made compact again only when the next column would overflow
    # it: a hash of every compared row a column was most of the count at 10M rows)
    code, span = np.zeros(len(rows), np.int64), 1
    every = len(rows) == len(inter)
    for c in key:
        if c == "timestamp" and stamps is not None:
            codes, stamps = stamps, None
            k = int(codes.max()) + 2 if len(codes) else 1
        else:
            codes, uniques = pd.factorize(inter[c] if every else inter[c].take(rows))
            k = len(uniques) + 1
            del uniques
        if span * k >= _CODE_SPAN:
            code, distinct = pd.factorize(code)
            code, span = code.astype(np.int64), len(distinct)
        code = code * k + (np.asarray(codes, np.int64) + 1)
        span *= k
        del codes
    return loops, int(len(rows) - len(unique_int(code)))


def _shared_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (ascending) of the values that occur more than once, by a stable sort
    (``Series.duplicated(keep=False)``'s hash table was about 35 bytes a row, 0.4 GB at
    12.5M rows, a sort 17), and each of those rows' value as a code ``0 .. d-1`` among
    the ``d`` shared values, read off the same sort (factorizing the rows' values again
    was 0.4 CPU s at 12.5M rows)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    equal = ordered[1:] == ordered[:-1]
    del ordered
    shared = np.zeros(len(values), bool)
    shared[1:] |= equal
    shared[:-1] |= equal
    out = np.zeros(len(values), bool)
    out[order[shared]] = True
    rows = np.flatnonzero(out)
    del out
    # in sorted order, a shared row starts a new value unless it equals the row before
    start = shared.copy()
    start[1:] &= ~equal
    del equal
    code = np.cumsum(start[shared]) - 1
    at = np.empty(len(values), np.int64)
    at[order[shared]] = code
    return rows, at[rows]


def _note_repeats(net: PeerNetwork, source: str,
                  counts: tuple[int, int] | None = None) -> PeerNetwork:
    """Self-loops and exact repeats in the interactions (``counts``, else
    :func:`repeat_counts`), noted (they are kept: a canonical table is the evaluator's own
    record; the rule is written in the summary)."""
    from .outofcore import REPEAT_KEY

    inter = net.interactions
    log = QualityLog(source)
    loops, dup = counts if counts is not None else repeat_counts(inter)
    if loops:
        log.note(N_("{n} row(s) whose target is their source (a self-loop): kept as the "
                    "person's activity, never a tie").format(n=loops), column="target")
    if dup:
        key = [c for c in REPEAT_KEY if c in inter.columns]
        log.note(N_("{n} row(s) repeat an earlier row exactly ({columns}): kept and counted "
                    "each time; delete them from the file if they are copies").format(
                        n=dup, columns=", ".join(key)),
                 column=None)
    if not dup and not loops:
        return net
    return net.replace(quality=DataQuality.merge([net.quality,
                                                  DataQuality(issues=log.result().issues)]))


def _date_order(df: pd.DataFrame, table: str, source: str, dayfirst: bool,
                log: QualityLog, rows: np.ndarray) -> str | None:
    """The date order of one table file, from its text date columns (see
    :func:`peernet.io._export.date_order`); a date outside what pandas can hold is a
    DataError that says so."""
    from ..schema import TABLES
    from ._export import DATE_RANGE, date_order

    cols = [c.name for c in TABLES[table].columns
            if c.dtype == "datetime" and c.name in df.columns]
    texts = [df[c].dropna() for c in cols
             if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)]
    texts = [t[t.map(lambda v: isinstance(v, str))].astype("str") for t in texts]
    if not texts or not sum(len(t) for t in texts):
        return None
    for col, t in zip(cols, texts, strict=False):
        if not _may_hold_a_year_out_of_range(t):
            continue
        year = pd.to_numeric(t.str.extract(r"^\s*(\d{4})-\d{1,2}-\d{1,2}")[0].fillna(
            t.str.extract(r"\b\d{1,2}[/.-]\d{1,2}[/.-](\d{4})\b")[0]), errors="coerce")
        outside = (year < 1678) | (year > 2261)
        if outside.any():
            at = outside[outside].index[0]
            raise DataError(f"date {t[at]!r} is outside the dates pandas can hold "
                            f"({DATE_RANGE[0]} to {DATE_RANGE[1]}); shift the dates into "
                            f"that range (e.g. add a fixed number of years) before loading",
                            file=source, row=int(rows[at]), column=col, value=t[at])
    return date_order(pd.concat(texts, ignore_index=True), dayfirst=dayfirst, file=source,
                      column="/".join(cols), log=log, rows=None)


#: A four-digit number outside pandas' years 1678-2261, or any non-ASCII character (Python's
#: ``\d`` matches every script's digits): what a date's year outside that range needs.
_YEAR_OUT_OF_RANGE = (r"(^|[^0-9])(0[0-9]{3}|1[0-5][0-9]{2}|16[0-6][0-9]|167[0-7]|22[7-9][0-9]"
                      r"|226[2-9]|2[3-9][0-9]{2}|[3-9][0-9]{3})([^0-9]|$)|[^\x00-\x7f]")


def _may_hold_a_year_out_of_range(texts: pd.Series) -> bool:
    """False when no text can hold a year pandas cannot (one Arrow pass, RE2): then the
    per-value reading of the years is not needed."""
    from ._export import any_match

    return any_match(texts, _YEAR_OUT_OF_RANGE)


def _refuse_unreadable_dates(net: PeerNetwork, raw: Mapping[str, pd.DataFrame],
                             sources: Mapping[str, str]) -> None:
    """A table file with more than MAX_BAD_DATES of its rows' dates unreadable is refused:
    half of it read (and the rest maybe in the wrong order) is worse than none."""
    from ._export import MAX_BAD_DATES

    i = net.quality.issues
    bad = i[i["problem"].astype("str").str.startswith("cannot read as a date")]
    for table, source in sources.items():
        mine = bad[bad["source"] == source]
        n = len(raw[table])
        if len(mine) > 1 and len(mine) > MAX_BAD_DATES * n:
            first = mine.iloc[0]
            raise DataError(f"{len(mine)} of {n} rows have a date that cannot be read (e.g. "
                            f"{first['value']!r}); a file with more than "
                            f"{MAX_BAD_DATES:.0%} unreadable dates is refused as a whole "
                            f"rather than half-read. Check the date format the file uses",
                            file=source, row=int(first["row"]), column=first["column"],
                            value=first["value"])


def _saved_quality(folder: Path) -> DataQuality:
    """The import log :func:`save` wrote (what the original loaders did), or nothing."""
    from ..quality import COUNT_COLUMNS, ISSUE_COLUMNS

    issues_file, counts_file = (folder / f for f in QUALITY_FILES)
    if not issues_file.exists():
        return DataQuality()
    issues = pd.read_csv(issues_file, dtype="str", keep_default_na=False, na_values=[""])
    missing = [c for c in ISSUE_COLUMNS if c not in issues.columns]
    if missing:
        raise DataError(f"import log lacks column(s) {missing}", file=issues_file.name)
    issues = issues[ISSUE_COLUMNS].copy()
    issues["row"] = pd.array(pd.to_numeric(issues["row"], errors="coerce"), dtype="Int64")
    for c in ("source", "column", "value", "problem", "action"):
        issues[c] = issues[c].astype("str")
    counts = None
    if counts_file.exists():
        counts = pd.read_csv(counts_file, dtype={"source": "str"})[COUNT_COLUMNS]
        counts = counts.astype({c: "int64" for c in COUNT_COLUMNS[1:]})
    return DataQuality(issues=issues, **({"counts": counts} if counts is not None else {}))


def _issues_only(log: QualityLog) -> DataQuality:
    q = log.result()
    return DataQuality(issues=q.issues)


def _merge_read_drops(net: PeerNetwork, logs: list[QualityLog]) -> PeerNetwork:
    """Rows dropped while parsing (ragged rows) count as read and dropped for their file."""
    counts = net.quality.counts.copy()
    for log in logs:
        dropped = int(log.result().counts["rows_dropped"].iat[0])
        if dropped:
            at = counts["source"] == log.source
            counts.loc[at, "rows_read"] += dropped
            counts.loc[at, "rows_dropped"] += dropped
    return net.replace(quality=DataQuality(issues=net.quality.issues, counts=counts))


def save(net: PeerNetwork, path: str | Path, *,
         format: Literal["parquet", "csv"] = "parquet") -> Path:
    """Write the network as a canonical folder that :func:`load` reads back exactly.

    Writes one file per provided table plus ``peernet.json`` (name, zone, tables) and the
    import log (``quality_issues.csv``, ``quality_counts.csv``: ``net.quality``, which
    :func:`load` reads back, so what the original import dropped stays on record). Parquet
    keeps every dtype; CSV writes timestamps in ISO 8601 with their UTC offset. Saving a
    slice saves the rows in its window. A folder that already holds one of the tables as a
    partitioned folder (``interactions/``) is refused (ValueError) before anything is
    written: the new file beside it would make the table appear twice.
    """
    if format not in ("parquet", "csv"):
        raise ValueError(f"format must be 'parquet' or 'csv'; got {format!r}")
    folder = Path(path)
    # a partitioned table already in the folder (interactions/ or interactions.parquet/)
    # would sit beside the new file, and load would find the table twice: refuse, before
    # anything is written, rather than delete someone's data
    parts = [folder / name for table in net.tables()
             for name in (table, *(f"{table}{ext}" for ext in FORMATS))
             if (folder / name).is_dir()]
    if parts:
        raise ValueError(f"save: {folder} already holds a partitioned table folder "
                         f"({parts[0].name}/); save into a new folder or remove it first")
    folder.mkdir(parents=True, exist_ok=True)
    for table, df in net.tables().items():
        for ext in FORMATS:
            (folder / f"{table}{ext}").unlink(missing_ok=True)
        if format == "parquet":
            df.to_parquet(folder / f"{table}.parquet", index=False)
        else:
            out = df.copy()
            for col in out.columns:
                if isinstance(out[col].dtype, pd.DatetimeTZDtype):
                    out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").where(
                        out[col].notna(), None)
            out.to_csv(folder / f"{table}.csv", index=False, lineterminator="\n")
    # the import log: a report made from the saved folder still shows what was dropped
    net.quality.issues.to_csv(folder / QUALITY_FILES[0], index=False, lineterminator="\n")
    net.quality.counts.to_csv(folder / QUALITY_FILES[1], index=False, lineterminator="\n")
    meta = dict(net.meta)
    meta.update({"name": net.name, "tz": net.tz, "tables": sorted(net.provided),
                 "format": format})
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True, default=str),
                                    encoding="utf-8")
    return folder


def validate(path: str | Path, **kwargs) -> DataQuality:
    """Load ``path`` with ``errors="report"`` and return its :class:`DataQuality`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load(path, **kwargs).quality

