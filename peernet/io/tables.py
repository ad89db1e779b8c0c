"""The canonical folder: one file a table, as CSV, Parquet or XLSX; ``load`` and ``save``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning, location
from ..network import TABLE_NAMES, PeerNetwork
from ..quality import DataQuality, QualityLog
from ._parquet import Parts, read_parquet_table
from ._text import read_table_file

__all__ = ["load", "save", "validate"]

FORMATS = (".csv", ".parquet", ".xlsx")
META_FILE = "peernet.json"


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
         name: str | None = None, columns: Mapping[str, str] | None = None) -> PeerNetwork:
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
    columns = dict(columns or {})
    skip = {k for k, v in columns.items() if v is None}
    renames = {k: v for k, v in columns.items() if v is not None}
    raw: dict[str, pd.DataFrame] = {}
    rows, sources, notes = {}, {}, []
    parts: dict[str, Parts] = {}
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
        if file.is_dir() or file.suffix.lower() == ".parquet":
            df, numbers, where = read_parquet_table(file, table, skip=skip, renames=renames,
                                                    log=log)
            if where is not None:
                parts[source] = where
        else:
            df, numbers = read_table_file(file, log)
            if skip:
                df = df.drop(columns=[c for c in df.columns if c in skip])
        if renames:
            df = df.rename(columns=renames)
        raw[table], rows[table], sources[table] = df, numbers, source
        notes.append(log)
    known = {f"{t}{ext}" for t in TABLE_NAMES for ext in FORMATS} | {META_FILE} | \
        set(TABLE_NAMES)
    extra = QualityLog(folder.name or str(folder))
    for item in sorted(folder.iterdir()):
        if item.name not in known and not item.name.startswith("."):
            extra.note("file or folder not read by pn.load (not a peernet table)",
                       value=item.name)
    pre = DataQuality.merge([_issues_only(n) for n in notes] + [_issues_only(extra)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        try:
            net = PeerNetwork.from_tables(**raw, tz=tz, errors=errors, dayfirst=dayfirst,
                                          sources=sources, rows=rows, quality=pre,
                                          name=name or meta.get("name") or folder.name,
                                          meta=meta)
        except DataError as err:
            if not parts:
                raise
            raise _relocate_error(err, parts) from err.__cause__
    net = _merge_read_drops(net, notes)
    if parts:
        net = net.replace(quality=DataQuality(issues=_relocate_issues(net.quality.issues, parts),
                                              counts=net.quality.counts))
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    return net


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
            file, row = parts[p["file"]].locate(p["row"])
            p = {**p, "file": file, "row": row}
        problems.append(p)
    file, row = err.file, err.row
    if file in parts and row is not None:
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

    Writes one file per provided table plus ``peernet.json`` (name, zone, tables). Parquet
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

