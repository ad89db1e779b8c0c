"""Any record of who worked with whom: timestamped edge lists and static networkx graphs.

:func:`read_edges` reads a contact log or edge list as researchers publish it (SocioPatterns
``t i j`` files, CSV exports with a header, epoch seconds or milliseconds, clocks counted
from an origin) and :func:`from_networkx` turns a static graph into a network dated as you
say. Both return a :class:`~peernet.network.PeerNetwork` whose ``quality`` counts every row
and records what was dropped or merged, with the rule applied:

- a **self-loop** (source == target) is dropped: a person is not tied to themselves;
- a **duplicate row** (same source, target, time and kind; for a mutual kind the pair in
  either order) is dropped, the first kept: the same record written twice is one act;
- with ``resolution=``, consecutive sampling windows of a pair are **merged** into one
  contact lasting from the first window's start to the last window's end.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning
from ..quality import DataQuality, QualityLog
from ..schema import INTERACTION_KINDS, MUTUAL_KINDS

__all__ = ["read_edges", "from_networkx"]

_UNITS = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0}


def _kind_direction(kind: str, directed: bool | None) -> bool:
    """Whether rows of ``kind`` are directed; ValueError when ``directed`` contradicts it."""
    if kind not in INTERACTION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(INTERACTION_KINDS)}; got {kind!r}")
    if kind == "attend":
        raise ValueError("kind='attend' needs events: read attendance with pn.load or an "
                         "export reader, not as an edge list")
    mutual = MUTUAL_KINDS[kind]
    if directed is None:
        return not mutual
    if bool(directed) == mutual:
        what = "mutual (both people took part)" if mutual else "directed"
        raise ValueError(f"kind={kind!r} is {what}; directed={directed!r} contradicts it. "
                         f"Use kind='contact' for mutual ties or a directed kind such as "
                         f"'message', 'help' or 'referral'")
    return bool(directed)


def _read_frame(path: Any, *, delimiter: str | None, header: bool | None,
                log: QualityLog) -> tuple[pd.DataFrame, str, bool]:
    """The file as an all-text frame, its name, and whether it had a header row."""
    if isinstance(path, pd.DataFrame):
        return path.copy(), "edges", True
    from ._text import read_text, sniff_delimiter

    p = Path(path)
    file = p.name
    text = read_text(p, log).lstrip("\ufeff")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise DataError("file is empty", file=file)
    if delimiter is None:
        delimiter = sniff_delimiter(text, ",;\t|")
        if all(line.count(delimiter) == 0 for line in lines[:20]):
            delimiter = r"\s+"   # SocioPatterns and networkx edge lists: spaces
    first = [c.strip() for c in (lines[0].split() if delimiter == r"\s+"
                                 else lines[0].split(delimiter))]
    if header is None:   # a header names columns: none of its cells is a number or a date
        header = not any(pd.notna(pd.to_numeric(pd.Series([c]), errors="coerce").iloc[0])
                         or _looks_like_date(c) for c in first)
    try:
        df = pd.read_csv(io.StringIO(text), sep=delimiter, header=0 if header else None,
                         dtype="str", keep_default_na=False, na_values=[""],
                         engine="python" if delimiter == r"\s+" else "c",
                         skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as err:
        raise DataError(f"cannot read as a delimited edge list ({err})", file=file) from err
    if header:
        df.columns = [str(c).strip() for c in df.columns]
    log.note("read " + ("with a header row" if header else
                        "without a header: columns are numbered from 0"))
    return df, file, bool(header)


def _looks_like_date(cell: str) -> bool:
    return bool(pd.Series([cell]).str.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").iloc[0])


def _column(df: pd.DataFrame, key: Any, what: str, file: str) -> pd.Series:
    if isinstance(key, int) and key not in df.columns:
        if not 0 <= key < df.shape[1]:
            raise DataError(f"{what}={key}: the file has {df.shape[1]} columns (0 to "
                            f"{df.shape[1] - 1})", file=file)
        return df.iloc[:, key]
    if key not in df.columns:
        import difflib

        names = [str(c) for c in df.columns]
        close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise DataError(f"{what}={key!r} is not a column; columns are {names}.{hint} A file "
                        f"without a header has numbered columns ({what}=0, 1, ...)",
                        file=file, column=str(key))
    return df[key]


def _times(values: pd.Series, *, unit: str | None, origin: Any, tz: str, dayfirst: bool,
           file: str, column: str, rows: np.ndarray, log: QualityLog) -> pd.Series:
    """UTC times from text, epoch numbers (``unit``) or offsets from ``origin``."""
    from ..schema import parse_datetimes
    from ._export import DATE_RANGE, MAX_BAD_DATES, date_order

    if unit is None and origin is None:
        order = date_order(values.astype("str"), dayfirst=dayfirst, file=file, column=column,
                           log=log, rows=rows)
        out, bad = parse_datetimes(values, tz, dayfirst=order == "day-first")
        numeric = pd.to_numeric(values, errors="coerce").notna()
        if bad.any() and numeric[bad].all():
            raise DataError(f"times are numbers (e.g. {values[bad].iloc[0]!r}): pass unit='s' "
                            f"or 'ms' for epoch times, or origin='2013-06-24 08:00' (with "
                            f"unit='s') for times counted from a start", file=file,
                            row=int(rows[np.flatnonzero(bad)[0]]), column=column)
    else:
        if unit is not None and unit not in _UNITS:
            raise ValueError(f"unit must be one of {list(_UNITS)}; got {unit!r}")
        num = pd.to_numeric(values, errors="coerce")
        ns = num.to_numpy(dtype="float64") * _UNITS[unit or "s"]
        if origin is not None:
            start = pd.Timestamp(origin)
            start = start.tz_localize(tz) if start.tzinfo is None else start
            base = start.tz_convert("UTC").value
        else:
            base = 0
        total = ns + base
        lo = pd.Timestamp(DATE_RANGE[0], tz="UTC").value
        hi = pd.Timestamp(DATE_RANGE[1], tz="UTC").value
        outside = np.isfinite(total) & ((total < lo) | (total > hi))
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise DataError(f"time {values.iloc[i]!r} (unit={unit or 's'!r}"
                            f"{', origin=' + repr(str(origin)) if origin is not None else ''})"
                            f" is outside the dates pandas can hold ({DATE_RANGE[0]} to "
                            f"{DATE_RANGE[1]}); check unit= (seconds or milliseconds?)",
                            file=file, row=int(rows[i]), column=column, value=values.iloc[i])
        bad = (~np.isfinite(total)) & values.notna().to_numpy()
        stamp = np.where(np.isfinite(total), total, 0).astype("int64")
        out = pd.Series(pd.to_datetime(stamp, utc=True), index=values.index)
        out = out.where(np.isfinite(total), pd.NaT).astype("datetime64[ns, UTC]")
    present = int(values.notna().sum())
    if bad.sum() > 1 and bad.sum() > MAX_BAD_DATES * present:
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{int(bad.sum())} of {present} times cannot be read (e.g. "
                        f"{values.iloc[i]!r}); a file with more than {MAX_BAD_DATES:.0%} "
                        f"unreadable times is refused as a whole", file=file,
                        row=int(rows[i]), column=column, value=values.iloc[i])
    return out


def _merge_windows(df: pd.DataFrame, resolution: float, mutual: bool,
                   log: QualityLog) -> pd.DataFrame:
    """Consecutive sampling windows of one pair (next start within ``resolution`` seconds of
    the last) merged into one contact: start of the first, ``duration_min`` to the end of the
    last window."""
    step = pd.Timedelta(seconds=float(resolution))
    df = df.sort_values(["a", "b", "timestamp"], kind="stable").reset_index(drop=True)
    same = df["a"].eq(df["a"].shift()) & df["b"].eq(df["b"].shift())
    gap = df["timestamp"] - df["timestamp"].shift()
    new = (~same | (gap > step)).to_numpy()
    block = np.cumsum(new)
    g = df.groupby(block, sort=False)
    first = g.head(1).set_index(pd.Index(np.unique(block)))
    last_t = g["timestamp"].max()
    out = first.copy()
    out["duration_min"] = ((last_t - first["timestamp"]) + step).dt.total_seconds() / 60
    out["windows"] = g.size().astype("Int64")
    merged = len(df) - len(out)
    log.note(f"{len(df)} sampling windows of {resolution:g} s merged into {len(out)} "
             f"contacts ({merged} windows joined to the one before: same pair, next window "
             f"within {resolution:g} s)")
    return out.sort_values(["timestamp", "row"], kind="stable").reset_index(drop=True)


def read_edges(path_or_frame: str | Path | pd.DataFrame, *, source: Any = "source",
               target: Any = "target", time: Any = "time", unit: str | None = None,
               origin: Any = None, tz: str = "UTC", kind: str = "contact",
               directed: bool | None = None, duration: Any = None,
               resolution: float | None = None, members: Any = None, weight: Any = None,
               delimiter: str | None = None, header: bool | None = None,
               dayfirst: bool = False, errors: str = "report",
               name: str | None = None) -> Any:
    """Read a timestamped edge list (a contact log, an export of who worked with whom).

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A delimited text file (any delimiter: comma, semicolon, tab, pipe or spaces; with or
        without a header row) or a frame.
    source, target, time : str or int
        The columns (names, or positions from 0 in a file without a header). ``time=None``
        reads a static list; then give ``origin=`` as its date. A file without a header read
        with these defaults is taken in the SocioPatterns ``t i j`` order (time, source,
        target = columns 0, 1, 2) when its column 0 holds numbers in time order, as those
        logs do (a quality note says so); otherwise give the columns.
    unit : {"s", "ms", "us", "ns"}, optional
        Times are numbers: epoch times in this unit, or with ``origin`` offsets from it.
    origin : str or Timestamp, optional
        Times count from this moment (naive: in ``tz``); e.g. SocioPatterns' seconds since
        the start of the study.
    tz : str, default "UTC"
        Zone of naive text times and of the network (its periods).
    kind : str, default "contact"
        Interaction kind of every row (``peernet.schema.INTERACTION_KINDS``). Contact is
        mutual (both took part, written once in any order); most others are directed.
    directed : bool, optional
        Default: from the kind (``peernet.schema.MUTUAL_KINDS``); a value that contradicts
        the kind is a ValueError.
    duration : str or int, optional
        A column of durations in seconds (``duration_min`` = it / 60).
    resolution : float, optional
        Seconds of one sampling window (SocioPatterns: 20). Consecutive windows of the same
        pair (the next within ``resolution`` of the last) are merged into one contact with
        its duration (from the first window's start to the last window's end).
    members : str, Path or DataFrame, optional
        A node table: the ``member_id`` column (or the first) holds the ids, other columns
        become member attributes (a path is read by :func:`peernet.read_roster` when it has a
        header, else as ``member_id, attr_1, attr_2, ...``).
    weight : str or int, optional
        A column of tie weights (positive numbers); ``"duration"`` with ``resolution=`` or
        ``duration=`` makes each contact's duration in minutes its weight (the time two
        people spent together), so ``pn.person_graph(net, weight="weight")`` and
        ``pn.org_graph(net, weight="weight")`` weigh pairs by minutes together. The
        evaluation's metrics count contacts (``weight="count"``) whatever the weight.
    delimiter : str, optional
        Default: sniffed (``,``, ``;``, tab, ``|``, else whitespace).
    header : bool, optional
        Default: a first row none of whose cells is a number or a date is a header.
    dayfirst : bool, default False
        Order of text dates that fit both orders (see :func:`peernet.io._export.date_order`).
    errors : {"report", "raise"}
    name : str, optional

    Returns
    -------
    PeerNetwork
        ``interactions`` (``timestamp, source, kind, target`` and ``duration_min``,
        ``weight``, ``windows`` as given), ``members`` from ``members=`` or the ids seen;
        ``quality`` counts the file's rows and records self-loops and duplicate rows dropped
        (the first copy kept) and windows merged.

    Examples
    --------
    >>> import io
    >>> log = pd.DataFrame({"t": [0, 20, 40, 100], "i": ["1", "1", "1", "2"],
    ...                     "j": ["2", "2", "2", "3"]})
    >>> net = pn.read_edges(log, source="i", target="j", time="t", unit="s",
    ...                     origin="2013-06-24 08:00", resolution=20)
    >>> net.interactions[["source", "target", "duration_min"]].values.tolist()
    [['1', '2', 1.0], ['2', '3', 0.3333333333333333]]
    """
    from ..network import PeerNetwork
    from ._export import check_errors, check_tz

    tz = check_tz(tz)
    check_errors(errors)
    directed_kind = _kind_direction(kind, directed)
    if resolution is not None and not float(resolution) > 0:
        raise ValueError(f"resolution must be a positive number of seconds; got {resolution!r}")
    file = "edges" if isinstance(path_or_frame, pd.DataFrame) else Path(path_or_frame).name
    log = QualityLog(file)
    df, file, has_header = _read_frame(path_or_frame, delimiter=delimiter, header=header,
                                       log=log)
    log.read(len(df))
    if not has_header and (source, target, time) == ("source", "target", "time"):
        source, target, time = _sociopatterns_order(df, file, log)
    # rows as the file shows them (a header is row 1)
    rows = np.arange(len(df)) + (2 if has_header else 1)
    src = _column(df, source, "source", file).astype("str").str.strip()
    tgt = _column(df, target, "target", file).astype("str").str.strip()
    out = pd.DataFrame({"source": src.to_numpy(), "target": tgt.to_numpy(), "row": rows})
    if time is None:
        if origin is None:
            raise ValueError("a static edge list (time=None) needs its date: origin='2024-01-01'")
        when = pd.Timestamp(origin)
        when = when.tz_localize(tz) if when.tzinfo is None else when
        out["timestamp"] = when.tz_convert("UTC")
    else:
        col = _column(df, time, "time", file)
        out["timestamp"] = _times(col.reset_index(drop=True), unit=unit, origin=origin,
                                  tz=tz, dayfirst=dayfirst, file=file, column=str(time),
                                  rows=rows, log=log).to_numpy()
    if duration is not None:
        secs = pd.to_numeric(_column(df, duration, "duration", file), errors="coerce")
        out["duration_min"] = (secs / 60).to_numpy()
    by_duration = weight == "duration" and (duration is not None or resolution is not None)
    if weight is not None and not by_duration:
        out["weight"] = pd.to_numeric(_column(df, weight, "weight", file),
                                      errors="coerce").to_numpy()
    from ._export import drop_rows

    blank = out["source"].isin(["", "nan", "<NA>"]) | out["target"].isin(["", "nan", "<NA>"])
    out = drop_rows(log, out, blank.to_numpy(), "source", "no source or no target",
                    errors=errors)
    out = drop_rows(log, out, out["timestamp"].isna().to_numpy(), str(time),
                    "cannot read the time", errors=errors)
    loop = (out["source"] == out["target"]).to_numpy()
    out = drop_rows(log, out, loop, "target", "self-loop (source is target): dropped, a "
                    "person is not tied to themselves", errors="report")
    if not directed_kind:    # a mutual pair is one pair whichever id was written first
        s_, t_ = out["source"].astype("str"), out["target"].astype("str")
        first = (s_ <= t_).to_numpy()
        a, b = np.where(first, s_, t_), np.where(first, t_, s_)
    else:
        a, b = out["source"].to_numpy(), out["target"].to_numpy()
    out = out.assign(a=a, b=b)
    dup = out.duplicated(["a", "b", "timestamp"], keep="first").to_numpy()
    out = drop_rows(log, out, dup, "target", "duplicate row (same pair and time"
                    + (", either order" if not directed_kind else "") + "): dropped, the "
                    "first copy is kept", errors="report")
    if resolution is not None and len(out):
        out = _merge_windows(out, float(resolution), not directed_kind, log)
    out = out.drop(columns=["a", "b"])
    if by_duration:   # the tie weight is the time together, in minutes
        out["weight"] = out["duration_min"].astype("float64")
        log.note("tie weight = duration in minutes (weight='duration'): "
                 "pn.person_graph(net, weight='weight') sums the minutes of each pair")
    out["kind"] = kind
    if not directed_kind:
        log.note(f"kind {kind!r} is mutual: both people of each row took part (the order "
                 f"of the ids in the file means nothing)")
    if out.empty:
        raise DataError("no edge could be read: every row was dropped (see the reasons "
                        "above)" if len(df) else "the edge list has no rows", file=file)
    member_table, member_q = _node_table(members, tz)
    inter = out.rename(columns={"row": "origin_row"})
    inter["origin_row"] = pd.array(inter["origin_row"], dtype="Int64")
    inter["origin_file"] = file
    q = log.result()
    log_q = DataQuality(issues=q.issues)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        net = PeerNetwork.from_tables(
            members=member_table, interactions=inter, tz=tz, errors=errors,
            sources={"interactions": file, "members": "members"},
            quality=DataQuality.merge([q for q in (log_q, member_q) if q is not None]),
            warn=False,
            name=name or (Path(file).stem if file != "edges" else "edges"),
            meta={"format": "edges"})
    counts = net.quality.counts.copy()
    at = counts["source"] == file
    counts.loc[at, "rows_read"] = q.counts["rows_read"].iat[0]
    counts.loc[at, "rows_dropped"] = q.counts["rows_dropped"].iat[0]
    counts.loc[at, "rows_kept"] = (q.counts["rows_read"].iat[0]
                                   - q.counts["rows_dropped"].iat[0])
    return net.replace(quality=DataQuality(issues=net.quality.issues, counts=counts))


def _sociopatterns_order(df: pd.DataFrame, file: str, log: QualityLog) -> tuple[int, int, int]:
    """Columns of a file without a header read with the default names: the SocioPatterns
    ``t i j`` order (time, source, target = columns 0, 1, 2), when column 0 holds times in
    time order as those logs do; else a DataError asking for the columns."""
    t = pd.to_numeric(df.iloc[:, 0], errors="coerce") if df.shape[1] >= 3 else None
    if t is None or t.isna().any() or not t.is_monotonic_increasing:
        raise DataError(f"the file has no header row, so its columns have no names: say "
                        f"which is which by position from 0, e.g. time=0, source=1, "
                        f"target=2 (CLI: --time 0 --source 1 --target 2); it has "
                        f"{df.shape[1]} column(s)", file=file)
    log.note("no header: columns 0, 1, 2 read as time, source, target (the SocioPatterns "
             "'t i j' order; column 0 holds times in time order); give time=, source=, "
             "target= to read others")
    return 1, 2, 0


def _node_table(members: Any, tz: str) -> tuple[pd.DataFrame | None, DataQuality | None]:
    """``members=`` as a members table (path or frame), with its quality records."""
    if members is None:
        return None, None
    if isinstance(members, pd.DataFrame):
        df = members.copy()
        if "member_id" not in df.columns:
            df = df.rename(columns={df.columns[0]: "member_id"})
        df["member_id"] = df["member_id"].astype("str").str.strip()
        return df, None
    from .roster import read_roster

    try:
        net = read_roster(members, tz=tz)
        return net.members, DataQuality(issues=net.quality.issues)
    except DataError:
        pass
    log = QualityLog(Path(members).name)
    df, _file, _h = _read_frame(members, delimiter=None, header=False, log=log)
    df.columns = ["member_id"] + [f"attr_{k}" for k in range(1, df.shape[1])]
    log.note(f"node table without a header: columns read as {list(df.columns)}")
    df["member_id"] = df["member_id"].astype("str").str.strip()
    return df, DataQuality(issues=log.result().issues)


def from_networkx(G: Any, *, date: Any, kind: str = "contact", weight: str | None = "weight",
                  tz: str = "UTC", directed: bool | None = None,
                  name: str | None = None) -> Any:
    """A static networkx graph as a PeerNetwork dated ``date``.

    Every edge is one interaction of ``kind`` at ``date`` (a multigraph's parallel edges are
    one each), its ``weight`` attribute as the tie weight; node attributes become member
    attributes (``club``, ``gender``, ...; ``org`` if the graph says so). Self-loops are
    dropped and recorded. A directed graph needs a directed kind and an undirected one a
    mutual kind unless ``directed=`` says otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> net = pn.from_networkx(nx.karate_club_graph(), date="2024-01-01")
    >>> len(net.members), len(net.interactions), net.members["club"].iloc[0]
    (34, 78, 'Mr. Hi')
    """
    from ..network import PeerNetwork
    from ._export import check_tz

    tz = check_tz(tz)
    if kind not in INTERACTION_KINDS or kind == "attend":
        raise ValueError(f"kind must be one of {', '.join(INTERACTION_KINDS[1:])}; got "
                         f"{kind!r}")
    directed = bool(G.is_directed()) if directed is None else bool(directed)
    if MUTUAL_KINDS[kind] and directed:
        raise ValueError(f"kind={kind!r} is mutual but the graph (or directed=True) is "
                         f"directed; pass a directed kind such as 'message', or "
                         f"G.to_undirected()")
    if not MUTUAL_KINDS[kind] and not directed:
        raise ValueError(f"kind={kind!r} is directed but the graph's edges have no "
                         f"direction; use kind='contact', or directed=True to read each edge "
                         f"u -> v as networkx lists it")
    when = pd.Timestamp(date)
    when = (when.tz_localize(tz) if when.tzinfo is None else when).tz_convert("UTC")
    log = QualityLog(name or "graph")
    edges = list(G.edges(data=True))
    log.read(len(edges))
    src = [str(u) for u, _v, _d in edges]
    tgt = [str(v) for _u, v, _d in edges]
    inter = pd.DataFrame({"timestamp": when, "source": src, "target": tgt, "kind": kind,
                          "origin_row": pd.array(np.arange(1, len(edges) + 1), dtype="Int64")})
    if weight is not None:
        w = [d.get(weight, np.nan) for _u, _v, d in edges]
        if not all(pd.isna(x) for x in w):
            inter["weight"] = pd.to_numeric(pd.Series(w), errors="coerce").to_numpy()
    loop = (inter["source"] == inter["target"]).to_numpy()
    if loop.any():
        log.many(inter.loc[loop, "origin_row"].to_numpy(), "target",
                 inter.loc[loop, "source"].tolist(), "self-loop (source is target): dropped, "
                 "a person is not tied to themselves")
        inter = inter.loc[~loop].reset_index(drop=True)
    nodes = pd.DataFrame([{"member_id": str(n), **{k: v for k, v in d.items()
                                                   if isinstance(v, str | int | float | bool)}}
                          for n, d in G.nodes(data=True)])
    if nodes.empty:
        nodes = pd.DataFrame({"member_id": pd.Series(dtype="str")})
    for c in nodes.columns:
        if c != "member_id" and nodes[c].dtype == object:
            nodes[c] = nodes[c].astype("str").where(nodes[c].notna(), np.nan)
    q = log.result()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return PeerNetwork.from_tables(members=nodes, interactions=inter, tz=tz,
                                       sources={"interactions": log.source, "members": "nodes"},
                                       quality=DataQuality(issues=q.issues), warn=False,
                                       name=name or (G.name or "graph"),
                                       meta={"format": "networkx"})


