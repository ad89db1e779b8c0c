"""Zoom meeting participants reports and webinar attendee reports.

Read as ``docs/formats.md`` describes: the header is found by keyword (with or without the
meeting-details block, old and 2024+ column spellings, the flattened admin export with meeting
fields on every row), one row per join/leave session is merged into one presence per person
per meeting (the union of the intervals, so two overlapping devices are not counted twice),
``Name (Original Name)`` gives the account name when a user renamed themselves, and rows that
name a device or a phone number with no email are counted as anonymous guests.
"""

from __future__ import annotations

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
    decide_date_order,
    decode,
    drop_rows,
    find_columns,
    finish,
    lower,
    merge_sessions,
    parse_local,
    parse_minutes,
    records,
    resolve_people,
    table,
    trim,
)
from ._text import sniff_delimiter
from .identity import slugify

__all__ = ["read_zoom"]

_PARTICIPANT = {
    "name": ["name (original name)", "user name (original name)", "name (original name)*",
             "user name", "participant name", "name"],
    "email": ["user email", "email", "participant email", "email address"],
    "join": ["join time", "join time*"],
    "leave": ["leave time", "leave time*"],
    "duration": ["duration (minutes)", "time in session (minutes)", "duration*",
                 "time in session*"],
    "guest": ["guest", "is guest"],
    "waiting": ["in waiting room"],
    "attended": ["attended"],
    "first": ["first name"],
    "last": ["last name"],
    "org": ["organization", "organisation", "company", "org", "organization name", "agency"],
}
_MEETING = {"meeting_id": ["meeting id", "webinar id"], "topic": ["topic"],
            "start": ["start time", "actual start time"], "end": ["end time"],
            "host_email": ["user email", "host email"],
            "duration": ["duration (minutes)", "actual duration (minutes)"]}
_TAG = r"(?i)^(?:[a-z]{2,4}\s*/\s*[a-z]{2,5}(?:\s*/\s*[a-z]{2,5})?|external|guest|host|co-?host|" \
       r"me|organi[sz]er|interpreter|panelist)$"


def read_zoom(path: str | Path, *, tz: str, identities: Any = None,
              errors: Literal["report", "raise"] = "report", dayfirst: bool = False,
              name: str | None = None) -> PeerNetwork:
    """Read a Zoom meeting participants report or webinar attendee report.

    Parameters
    ----------
    path : str or Path
        The CSV as downloaded (UTF-8 with or without BOM, cp1252, comma or tab separated).
    tz : str
        Zone of the report's local times (the downloader's Zoom profile zone); required,
        because the file has none.
    identities : Identities, DataFrame or path, optional
        Roster aliases to resolve people against (:class:`peernet.io.identity.Identities`);
        without it every person becomes a new member flagged ``unmatched``.
    errors : {"report", "raise"}, default "report"
        Bad rows are dropped and recorded in ``net.quality``, or raise one DataError.
    dayfirst : bool, default False
        The report writes day/month dates (``21/10/2024``).

    Returns
    -------
    PeerNetwork
        ``events``: one row per meeting (``kind`` meeting or webinar, ``title`` = topic,
        ``channel`` video). ``interactions``: one ``attend`` row per person per meeting with
        ``duration_min`` (union of the sessions), ``sessions`` (rows merged), ``intervals``
        (UTC ``start/end`` pairs) and ``role`` (webinars: host, panelist, attendee).
        ``quality.counts``: rows read = participant rows in the file.

    Raises
    ------
    DataError
        Not a Zoom report, a required column missing, day-first dates without
        ``dayfirst=True``, or bad rows with ``errors="raise"``.

    Examples
    --------
    >>> net = pn.read_zoom(pn.datasets.sample_path("exports") / "zoom_meeting.csv",
    ...                    tz="Europe/Berlin")  # doctest: +SKIP
    """
    tz = check_tz(tz)
    check_errors(errors)
    path = Path(path)
    file = path.name
    log = QualityLog(file)
    text = decode(path, log)
    recs = records(text, sniff_delimiter(text, ",\t;"))
    cells = [lower(r) for _n, r in recs[:200]]  # the headers are near the top
    if any(c and c[0] == "attendee report" for c in cells) or any(
            "webinar id" in c for c in cells):
        cells = [lower(r) for _n, r in recs]
        return _webinar(recs, cells, file=file, log=log, tz=tz, identities=identities,
                        errors=errors, dayfirst=dayfirst, name=name)
    return _meeting(recs, cells, file=file, log=log, tz=tz, identities=identities,
                    errors=errors, dayfirst=dayfirst, name=name)


def _is_header(c: list[str]) -> bool:
    has_name = any(x.startswith(("name (original name)", "user name")) or x in (
        "name", "participant name") for x in c)
    return has_name and any(x.startswith("join time") for x in c)


def _split_names(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(name, alt_name): the original name in the last parentheses when it is not a tag."""
    parts = raw.astype("str").str.extract(r"^(.*\S)\s*\(([^()]*)\)\s*$")
    inner = parts[1].astype("str").str.strip()
    renamed = parts[0].notna() & ~inner.str.match(_TAG, na=False) & (inner != "")
    name = raw.where(~renamed.to_numpy(), inner)
    alt = parts[0].where(renamed.to_numpy(), np.nan)
    return name.astype("str"), alt.astype("str")


def _meeting(recs, cells, *, file, log, tz, identities, errors, dayfirst, name):
    h = next((i for i, c in enumerate(cells) if _is_header(c)), None)
    if h is None:
        raise DataError("not a Zoom participants report: no header row with 'Name (Original "
                        "Name)' and 'Join Time' found (webinar reports start with 'Attendee "
                        "Report')", file=file)
    header = recs[h][1]
    name_col = next((i for pref in ("name (original name)", "user name (original name)",
                                    "user name", "name", "participant name")
                     for i, x in enumerate(cells[h]) if x.startswith(pref)), 0)
    cols = find_columns(header, _PARTICIPANT, file=file, row=recs[h][0],
                        required=("name", "join"), start=name_col,
                        what="Zoom participants report")
    cols = {k: v for k, v in cols.items() if k in ("name", "email", "join", "leave",
                                                   "duration", "guest", "waiting", "org")}
    flat = find_columns(header[:name_col], _MEETING, file=file, row=recs[h][0])
    block: dict[str, str] = {}
    if "meeting_id" not in flat:
        b = next((i for i in range(h) if "meeting id" in cells[i] and "topic" in cells[i]),
                 None)
        if b is not None:
            bcols = find_columns(recs[b][1], _MEETING, file=file, row=recs[b][0])
            vals = next((r for _n, r in recs[b + 1:h] if any(r)), [])
            block = {k: vals[i] for k, i in bcols.items() if i < len(vals) and vals[i]}
    data = [(n, r) for n, r in recs[h + 1:] if any(r)]
    log.read(len(data))
    df = table(data, {**cols, **{f"m_{k}": v for k, v in flat.items()}})
    rows = df["row"].to_numpy()
    decide_date_order(log, *[df[c] for c in ("join", "leave", "m_start", "m_end")
                             if c in df.columns], dayfirst=dayfirst, file=file,
                      column=header[cols["join"]], rows=rows)
    df["join_t"], bad = parse_local(df["join"], tz, dayfirst=dayfirst, file=file,
                                    column=header[cols["join"]], rows=rows, log=log)
    if "leave" in cols:
        df["leave_t"], bad_leave = parse_local(df["leave"], tz, dayfirst=dayfirst, file=file,
                                               column=header[cols["leave"]], rows=rows, log=log)
    else:
        df["leave_t"], bad_leave = pd.Series(pd.NaT, index=df.index,
                                             dtype="datetime64[ns, UTC]"), np.zeros(len(df), bool)
    fill = pd.Series(False, index=df.index)
    if "duration" in cols:
        minutes, bad_min = parse_minutes(df["duration"])
        fill = df["leave_t"].isna() & minutes.notna() & df["join_t"].notna()
        df.loc[fill, "leave_t"] = df.loc[fill, "join_t"] + pd.to_timedelta(
            minutes[fill], unit="min")
    df = drop_rows(log, df, df["name"].isna() & (df["email"].isna() if "email" in df else True),
                   "name", "no name and no email", errors=errors)
    df = drop_rows(log, df, bad[df.index] | df["join_t"].isna().to_numpy(), "join",
                   "cannot read the join time", errors=errors,
                   value=df["join"])
    if bad_leave.any():
        keep = bad_leave[df.index]
        for r, v, by_duration in zip(df.loc[keep, "row"], df.loc[keep, "leave"],
                                     fill[df.index][keep], strict=True):
            log.repair(int(r), header[cols["leave"]], v, "cannot read the leave time; the "
                       + ("session is counted as ending after its duration" if by_duration
                          else "session is counted as ending when it started"))
    if "waiting" in df.columns:
        df = drop_rows(log, df, df["waiting"].astype("str").str.lower().isin(["yes", "true"])
                       .to_numpy(), "waiting", "session spent in the waiting room, not in the "
                       "meeting", errors=errors)
    if "email" not in df.columns:
        df["email"] = np.nan
    # the meeting: from the flattened columns, the details block, or the file
    if "m_meeting_id" in df.columns:
        mid = df["m_meeting_id"].astype("str").str.replace(r"\D", "", regex=True)
        mstart, _b = parse_local(df.get("m_start", pd.Series(np.nan, index=df.index)), tz,
                                 dayfirst=dayfirst, file=file, column="Start Time",
                                 rows=df["row"].to_numpy())
        mstart = mstart.fillna(df.groupby(mid)["join_t"].transform("min"))
        mend, _b = parse_local(df.get("m_end", pd.Series(np.nan, index=df.index)), tz,
                               dayfirst=dayfirst, file=file, column="End Time",
                               rows=df["row"].to_numpy())
        topic = df.get("m_topic", pd.Series(np.nan, index=df.index))
        host = df.get("m_host_email", pd.Series(np.nan, index=df.index))
    else:
        mid = pd.Series(str(block.get("meeting_id", "")), index=df.index).str.replace(
            r"\D", "", regex=True)
        one = pd.Series([block.get("start"), block.get("end")], dtype="str")
        se, _b = parse_local(one, tz, dayfirst=dayfirst, file=file, column="Start Time",
                             rows=np.array([2, 2]), log=log)
        start = se.iloc[0] if pd.notna(se.iloc[0]) else df["join_t"].min()
        end = se.iloc[1] if pd.notna(se.iloc[1]) else df["leave_t"].max()
        mstart = pd.Series(start, index=df.index, dtype="datetime64[ns, UTC]")
        mend = pd.Series(end, index=df.index, dtype="datetime64[ns, UTC]")
        topic = pd.Series(block.get("topic", np.nan), index=df.index, dtype="str")
        host = pd.Series(block.get("host_email", np.nan), index=df.index, dtype="str")
        if not block:
            log.note("no meeting-details block: the meeting is identified by the file name "
                     "and its first join time")
    local = mstart.dt.tz_convert(tz).dt.strftime("%Y%m%dT%H%M")
    stem = slugify(pd.Series([Path(file).stem])).iloc[0]
    df["event_id"] = ("zoom-" + mid.where(mid != "", stem) + "-" + local).astype("str")
    df["mstart"], df["mend"], df["topic"], df["host_email"] = mstart, mend, topic, host
    if df.empty:
        raise DataError("no participant rows could be read", file=file)
    return _finish(df, file=file, log=log, tz=tz, identities=identities, errors=errors,
                   name=name, kind="meeting")


def _finish(df, *, file, log, tz, identities, errors, name, kind):
    df = df.reset_index(drop=True)
    person_name, alt = _split_names(df["name"])
    people = pd.DataFrame({"email": df["email"], "name": person_name, "alt_name": alt,
                           "org": df.get("org"), "row": df["row"]})
    anon_mask, anon_ids = anonymous_ids(people, df["event_id"])
    anon = pd.Series(np.nan, index=df.index, dtype="object")
    anon[anon_mask] = anon_ids
    if anon_mask.any():
        log.many(df.loc[anon_mask, "row"].to_numpy(), "name", df.loc[anon_mask, "name"],
                 "device name or phone number with no email: counted as an anonymous guest "
                 "of the meeting", "info")
    resolved = resolve_people(people, file=file, identities=identities, platform="zoom",
                              anon=anon)
    df["member_id"] = resolved.ids.to_numpy()
    sessions = df.rename(columns={"join_t": "start", "leave_t": "end"})
    cols = ["event_id", "member_id", "start", "end", "row"]
    per = merge_sessions(sessions[cols], ["event_id", "member_id"])
    if "role" in df.columns:
        per["role"] = per.set_index(["event_id", "member_id"]).index.map(
            df.groupby(["event_id", "member_id"])["role"].first())
    merged = int((per["sessions"] > 1).sum())
    if merged:
        log.note(f"{merged} person(s) joined a meeting more than once; their sessions were "
                 f"merged into one presence (intervals kept)")
    inter = pd.DataFrame({"timestamp": per["timestamp"], "source": per["member_id"],
                          "kind": "attend", "event_id": per["event_id"], "channel": "video",
                          "duration_min": per["duration_min"].round(4),
                          "sessions": per["sessions"], "intervals": per["intervals"],
                          "row": per["row"]})
    if "role" in per.columns:
        inter["role"] = per["role"].to_numpy()
    ev = df.groupby("event_id", sort=False).agg(
        start=("mstart", "first"), end=("mend", "first"), title=("topic", "first"),
        host_email=("host_email", "first")).reset_index()
    first_join = df.groupby("event_id", sort=False)["join_t"].min()
    ev["start"] = ev["start"].fillna(ev["event_id"].map(first_join))
    email_to_member = df.dropna(subset=["email"]).assign(
        e=lambda d: d["email"].astype("str").str.lower()).drop_duplicates("e").set_index(
        "e")["member_id"]
    ev["host"] = ev["host_email"].astype("str").str.lower().map(email_to_member)
    ev = ev.drop(columns="host_email").assign(kind=kind, channel="video")
    if kind == "webinar":
        ev["format"] = "webinar"
    return finish(file=file, log=log, resolved=resolved, interactions=inter, events=ev,
                  tz=tz, errors=errors, name=name, meta={"format": f"zoom_{kind}"})


def _webinar(recs, cells, *, file, log, tz, identities, errors, dayfirst, name):
    s = next((i for i, c in enumerate(cells) if "topic" in c and "webinar id" in c), None)
    info: dict[str, str] = {}
    if s is not None:
        scols = find_columns(recs[s][1], _MEETING, file=file, row=recs[s][0])
        vals = next((r for _n, r in recs[s + 1:] if any(r)), [])
        info = {k: vals[i] for k, i in scols.items() if i < len(vals) and vals[i]}
    # sections: a title row ("Host Details", "Attendee Details", "Other Attended"), a header,
    # then data rows up to the next title
    titles = [i for i, c in enumerate(cells) if trim(c) and len(trim(c)) == 1 and (
        trim(c)[0].endswith("details") or trim(c)[0] == "other attended")]
    frames = []
    for k, t in enumerate(titles):
        stop = titles[k + 1] if k + 1 < len(titles) else len(recs)
        body = [(n, r) for n, r in recs[t + 1:stop] if any(r)]
        if not body:
            continue
        hn, header = body[0]
        if not any(x.startswith(("user name", "name (original name)")) for x in lower(header)):
            continue
        header = trim(header)
        cols = find_columns(header, _PARTICIPANT, file=file, row=hn, required=("name",),
                            what=f"Zoom webinar section {recs[t][1][0]!r}")
        data = body[1:]
        log.read(len(data))
        if not data:
            continue
        df = table(data, cols)
        df["role"] = recs[t][1][0].lower().replace(" details", "").replace(
            "other attended", "other")
        df["column_join"] = header[cols["join"]] if "join" in cols else "Join Time"
        frames.append(df)
    if not frames:
        raise DataError("Zoom webinar report: no section with attendee rows found (expected "
                        "'Attendee Details' followed by a header row)", file=file)
    df = pd.concat(frames, ignore_index=True)
    for c in ("join", "leave", "email", "attended", "first", "last", "org"):
        if c not in df.columns:
            df[c] = np.nan
    df = drop_rows(log, df, df["attended"].astype("str").str.strip().str.lower().eq("no")
                   .to_numpy(), "attended", "registered but did not attend (Attended = No)",
                   errors="report").reset_index(drop=True)
    full = (df["first"].fillna("") + " " + df["last"].fillna("")).str.strip()
    df["name"] = df["name"].astype("str").fillna(full.where(full != "", np.nan))
    rows = df["row"].to_numpy()
    decide_date_order(log, df["join"], df["leave"], dayfirst=dayfirst, file=file,
                      column="Join Time", rows=rows)
    df["join_t"], bad = parse_local(df["join"], tz, dayfirst=dayfirst, file=file,
                                    column="Join Time", rows=rows, log=log)
    df["leave_t"], _bad = parse_local(df["leave"], tz, dayfirst=dayfirst, file=file,
                                      column="Leave Time", rows=rows, log=log)
    df = drop_rows(log, df, df["name"].isna() & df["email"].isna(), "name",
                   "no name and no email", errors=errors)
    df = drop_rows(log, df, bad[df.index] | df["join_t"].isna().to_numpy(), "join",
                   "cannot read the join time", errors=errors, value=df["join"])
    if df.empty:
        raise DataError("Zoom webinar report: no attendee rows could be read", file=file)
    one = pd.Series([info.get("start")], dtype="str")
    st, _b = parse_local(one, tz, dayfirst=dayfirst, file=file, column="Actual Start Time",
                         rows=np.array([2]), log=log)
    start = st.iloc[0] if pd.notna(st.iloc[0]) else df["join_t"].min()
    minutes, _b = parse_minutes(pd.Series([info.get("duration")], dtype="str"))
    end = start + pd.Timedelta(minutes=float(minutes.iloc[0])) if pd.notna(
        minutes.iloc[0]) else df["leave_t"].max()
    wid = "".join(ch for ch in str(info.get("meeting_id", "")) if ch.isdigit()) or slugify(
        pd.Series([Path(file).stem])).iloc[0]
    local = pd.Timestamp(start).tz_convert(tz).strftime("%Y%m%dT%H%M")
    df["event_id"] = f"zoom-{wid}-{local}"
    df["mstart"], df["mend"] = start, end
    df["topic"] = info.get("topic", np.nan)
    host = df.loc[df["role"] == "host", "email"].dropna()
    df["host_email"] = host.iloc[0] if len(host) else np.nan
    return _finish(df, file=file, log=log, tz=tz, identities=identities, errors=errors,
                   name=name, kind="webinar")
