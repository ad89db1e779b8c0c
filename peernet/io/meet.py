"""Google Meet attendance reports (the sheet emailed to the organiser, saved as CSV)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import QualityLog
from ._export import (
    anonymous_ids,
    check_errors,
    check_tz,
    decode,
    drop_rows,
    find_columns,
    finish,
    localize,
    lower,
    parse_minutes,
    records,
    resolve_people,
    table,
)
from ._text import sniff_delimiter
from .identity import slugify

__all__ = ["read_meet"]

_COLS = {"first": ["first name", "given name"], "last": ["last name", "family name"],
         "name": ["name", "participant", "full name", "display name"],
         "email": ["email", "email address", "participant email"],
         "duration": ["duration", "attendance duration"],
         "join": ["time joined", "joined", "first seen", "join time"],
         "leave": ["time exited", "exited", "last seen", "leave time"]}
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ _T](\d{1,2})[:.\-]?(\d{2}))?")
_TIME_FORMATS = ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S")


def read_meet(path: str | Path, *, tz: str, date: Any = None, identities: Any = None,
              errors: Literal["report", "raise"] = "report",
              name: str | None = None) -> PeerNetwork:
    """Read a Google Meet attendance report (``First name, Last name, Email, Duration, Time
    joined, Time exited``; one row per person, first join to last exit).

    Parameters
    ----------
    path : str or Path
        The CSV.
    tz : str
        Zone of the clock times (the organiser's calendar zone), required.
    date : date-like, optional
        The meeting's date. The report's times carry none; without ``date`` it is taken from
        the file name (``2024-03-05 09:58 Housing call - Attendance Report.csv``).
    identities : Identities, DataFrame or path, optional
    errors : {"report", "raise"}, default "report"

    Returns
    -------
    PeerNetwork
        One event, one ``attend`` row per person with ``duration_min`` from ``Duration``
        (``1 hr 5 min``), else from the times.

    Raises
    ------
    DataError
        No date in the argument or the file name; a required column missing.
    """
    tz = check_tz(tz)
    check_errors(errors)
    path = Path(path)
    file = path.name
    log = QualityLog(file)
    if date is None:
        m = _FILE_DATE.search(path.stem)
        if not m:
            raise DataError("Google Meet reports have clock times without a date and the file "
                            "name holds none; pass date='2024-03-05'", file=file)
        day = pd.Timestamp(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
        log.note(f"meeting date {day.date()} taken from the file name")
    else:
        try:
            day = pd.Timestamp(date)
        except (ValueError, TypeError) as err:
            raise ValueError(f"date must be a date like '2024-03-05'; got {date!r}") from err
        if day.tzinfo is not None:
            day = day.tz_convert(tz).tz_localize(None)
    day = day.normalize()
    text = decode(path, log)
    recs = records(text, sniff_delimiter(text, ",;\t"))
    h = next((i for i, (_n, r) in enumerate(recs) if {"duration"} & set(lower(r)) and any(
        c in lower(r) for c in ("first name", "name", "full name", "email"))), None)
    if h is None:
        raise DataError("not a Google Meet attendance report: no header with 'First name' and "
                        "'Duration'", file=file)
    header = recs[h][1]
    cols = find_columns(header, _COLS, file=file, row=recs[h][0], required=("duration",),
                        what="Google Meet report")
    data = [(n, r) for n, r in recs[h + 1:] if any(r)]
    df = table(data, cols)
    log.read(len(df))
    for c in ("first", "last", "name", "email", "join", "leave"):
        if c not in df.columns:
            df[c] = np.nan
    full = (df["first"].fillna("") + " " + df["last"].fillna("")).str.strip()
    df["name"] = df["name"].astype("str").fillna(full.where(full != "", np.nan))
    df = drop_rows(log, df, (df["name"].isna() & df["email"].isna()).to_numpy(), "first",
                   "no name and no email", errors=errors)
    minutes, bad = parse_minutes(df["duration"])
    df["minutes"] = minutes.to_numpy()
    join = _clock(df["join"], day)
    leave = _clock(df["leave"], day)
    leave = leave.where(~(leave < join), leave + pd.Timedelta(days=1))
    df["join_t"], df["leave_t"] = localize(join, tz), localize(leave, tz)
    df = drop_rows(log, df, (df["join_t"].isna() & df["minutes"].isna()).to_numpy(), "join",
                   "cannot read the join time or the duration", errors=errors,
                   value=df["join"])
    if df.empty:
        raise DataError("no attendance rows could be read", file=file)
    start = df["join_t"].min()
    if pd.isna(start):
        start = localize(pd.Series([day]), tz).iloc[0]
    local = pd.Timestamp(start).tz_convert(tz).strftime("%Y%m%dT%H%M")
    title = re.sub(r"\s*-\s*attendance report\s*$", "", _FILE_DATE.sub("", path.stem),
                   flags=re.IGNORECASE).strip(" -_") or None
    event_id = f"meet-{slugify(pd.Series([title or 'meeting'])).iloc[0]}-{local}"
    people = pd.DataFrame({"email": df["email"], "name": df["name"], "row": df["row"]})
    anon_mask, anon_ids = anonymous_ids(people, pd.Series(event_id, index=df.index))
    anon = pd.Series(np.nan, index=df.index, dtype="object")
    anon[anon_mask] = anon_ids
    resolved = resolve_people(people, file=file, identities=identities, platform="meet",
                              anon=anon)
    df["member_id"] = resolved.ids.to_numpy()
    union = (df["leave_t"] - df["join_t"]) / pd.Timedelta(minutes=1)
    df["duration_min"] = df["minutes"].fillna(union)
    att = df.groupby("member_id", sort=False).agg(
        timestamp=("join_t", "min"), duration_min=("duration_min", "sum"), row=("row", "min"))
    att["timestamp"] = att["timestamp"].fillna(start)
    inter = pd.DataFrame({"timestamp": att["timestamp"].to_numpy(),
                          "source": att.index.to_numpy(), "kind": "attend",
                          "event_id": event_id, "channel": "video",
                          "duration_min": att["duration_min"].round(4).to_numpy(),
                          "row": att["row"].to_numpy()})
    events = pd.DataFrame({"event_id": [event_id], "start": [start],
                           "end": [df["leave_t"].max()], "kind": ["meeting"],
                           "channel": ["video"], "title": [title]})
    return finish(file=file, log=log, resolved=resolved, interactions=inter, events=events,
                  tz=tz, errors=errors, name=name, meta={"format": "google_meet"},
                  stacklevel=4)


def _clock(values: pd.Series, day: pd.Timestamp) -> pd.Series:
    t = values.astype("str").str.strip().str.upper().str.replace(".", "", regex=False)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _TIME_FORMATS:
        missing = out.isna() & t.notna()
        if not missing.any():
            break
        got = pd.to_datetime(t[missing], format=fmt, errors="coerce")
        out[missing] = (day + (got - got.dt.normalize())).astype("datetime64[ns]")
    return out
