"""Microsoft Teams attendance reports: the old Joined/Left log, the 2021 meeting summary and
the current three-section attendance report (UTF-16 with BOM, tab separated).
"""

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

__all__ = ["read_teams"]

_COLS = {
    "name": ["name", "full name", "participant name", "display name"],
    "join": ["first join", "join time", "first join time", "joined"],
    "leave": ["last leave", "leave time", "last leave time", "left"],
    "duration": ["in-meeting duration", "duration", "attendance duration", "in meeting duration"],
    "email": ["email", "e-mail", "email address"],
    "upn": ["participant id (upn)", "participant id*", "upn"],
    "role": ["role"],
    "action": ["user action", "action"],
    "timestamp": ["timestamp", "time stamp"],
}
_SUMMARY = {"title": ("meeting title", "title"), "start": ("start time", "meeting start time"),
            "end": ("end time", "meeting end time"), "meeting_id": ("meeting id",)}
_SECTION = re.compile(r"^\s*(\d+)\.\s*(.+?)\s*$")


def read_teams(path: str | Path, *, tz: str, identities: Any = None,
               errors: Literal["report", "raise"] = "report", dayfirst: bool = False,
               name: str | None = None) -> PeerNetwork:
    """Read a Microsoft Teams meeting attendance file.

    Three layouts are recognised by their content: the old ``attendanceList.csv`` event log
    (``Full Name, User Action, Timestamp``; people still present when it was downloaded have
    no ``Left`` row and are closed at the last time in the log), the 2021 meeting summary
    (key/value lines, then ``Full Name, Join Time, Leave Time, Duration, ...``) and the
    current attendance report (``1. Summary``, ``2. Participants``, ``3. In-Meeting
    Activities``; section 2 gives who attended how long, section 3 the intervals).

    Parameters
    ----------
    path : str or Path
        The file as downloaded (UTF-16 LE with BOM and tabs; UTF-8 and commas also read).
    tz : str
        Zone of the file's local times (the downloader's), required.
    identities : Identities, DataFrame or path, optional
        Roster aliases; a Teams UPN is matched as platform id ``teams:<upn>``.
    errors : {"report", "raise"}, default "report"
    dayfirst : bool, default False
        Dates are day/month (``21/10/22 12:00:00``).

    Returns
    -------
    PeerNetwork
        One event (the meeting), one ``attend`` row per person with ``duration_min``
        (section 2's in-meeting duration, else the union of the sessions), ``sessions`` and
        ``intervals``.

    Raises
    ------
    DataError
        Not a Teams attendance file, an unknown ``User Action`` (other than Joined/Left),
        day-first dates without ``dayfirst=True``.
    """
    tz = check_tz(tz)
    check_errors(errors)
    path = Path(path)
    file = path.name
    log = QualityLog(file)
    text = decode(path, log)
    recs = records(text, "\t" if "\t" in text[:4000] else sniff_delimiter(text, ",;\t"))
    cells = [lower(trim(r)) for _n, r in recs]
    first = next((c for c in cells if c), [])
    args = dict(file=file, log=log, tz=tz, identities=identities, errors=errors,
                dayfirst=dayfirst, name=name)
    if first[:2] == ["full name", "user action"]:
        return _log_format(recs, **args)
    if any(len(c) == 1 and _SECTION.match(c[0]) for c in cells):
        return _sections(recs, cells, **args)
    if any(c and c[0] in ("meeting title", "total number of participants") for c in cells):
        return _summary_format(recs, cells, **args)
    raise DataError("not a Teams attendance report: expected 'Full Name, User Action, "
                    "Timestamp', a '1. Summary' section, or a 'Meeting Summary' block",
                    file=file)


def _blocks(recs):
    """Records split at blank rows: lists of (line, cells)."""
    out, cur = [], []
    for n, r in recs:
        if any(r):
            cur.append((n, trim(r)))
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _key_values(block) -> dict[str, str]:
    info = {}
    for _n, r in block:
        if len(r) >= 2:
            key = lower(r[:1])[0].rstrip(":")
            for k, names in _SUMMARY.items():
                if key in names and k not in info:
                    info[k] = r[1]
    return info


def _sections(recs, cells, *, file, log, tz, identities, errors, dayfirst, name):
    sections: dict[str, list] = {}
    for block in _blocks(recs):
        title = block[0][1][0] if len(block[0][1]) == 1 else ""
        m = _SECTION.match(title)
        if m:
            sections[m.group(2).lower()] = block[1:]
        elif sections:  # a section whose body follows a blank line
            last = list(sections)[-1]
            if not sections[last]:
                sections[last] = block
    summary = next((v for k, v in sections.items() if k.startswith("summary")), [])
    parts = next((v for k, v in sections.items() if k.startswith("participants")), None)
    acts = next((v for k, v in sections.items() if k.startswith("in-meeting")
                 or k.startswith("in meeting")), None)
    if not parts:
        raise DataError("Teams attendance report without a '2. Participants' section",
                        file=file)
    info = _key_values(summary)
    hn, header = parts[0]
    cols = find_columns(header, _COLS, file=file, row=hn, required=("name",),
                        what="Teams participants section")
    df = table(parts[1:], cols)
    log.read(len(df))
    df = drop_rows(log, df, df["name"].isna().to_numpy(), "name", "no name", errors=errors)
    times = _times(df, tz, dayfirst, file, header, cols, log)
    df = df.assign(**times)
    if "duration" in df.columns:
        minutes, bad = parse_minutes(df["duration"])
        for r, v in zip(df.loc[bad, "row"], df.loc[bad, "duration"], strict=True):
            log.repair(int(r), header[cols["duration"]], v,
                       "cannot read the duration; the time between first join and last leave "
                       "is used")
        df["minutes"] = minutes.to_numpy()
    sessions = None
    if acts:
        an, aheader = acts[0]
        acols = find_columns(aheader, _COLS, file=file, row=an, required=("name", "join"),
                             what="Teams in-meeting activities section")
        sessions = table(acts[1:], acols)
        sessions = sessions[sessions["name"].notna()]
        sessions = sessions.assign(**_times(sessions, tz, dayfirst, file, aheader, acols, log))
        log.note(f"{len(sessions)} join/leave session(s) read from section 3 for the "
                 f"intervals")
    return _build(df, sessions, info, file=file, log=log, tz=tz, identities=identities,
                  errors=errors, dayfirst=dayfirst, name=name, layout="attendance_report")


def _times(df, tz, dayfirst, file, header, cols, log):
    # the file's date order is decided once, from the first table of times read
    decide_date_order(log, *[df[k] for k in ("join", "leave") if k in cols],
                      dayfirst=dayfirst, file=file,
                      column=header[cols["join"]] if "join" in cols else "Join Time",
                      rows=df["row"].to_numpy())
    out = {}
    for key in ("join", "leave"):
        if key in cols:
            out[f"{key}_t"], _bad = parse_local(df[key], tz, dayfirst=dayfirst, file=file,
                                                column=header[cols[key]],
                                                rows=df["row"].to_numpy(), log=log)
        else:
            out[f"{key}_t"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    return out


def _summary_format(recs, cells, *, file, log, tz, identities, errors, dayfirst, name):
    h = next((i for i, c in enumerate(cells) if "full name" in c and "join time" in c), None)
    if h is None:
        raise DataError("Teams meeting summary without a 'Full Name, Join Time' table",
                        file=file)
    info = _key_values([(n, trim(r)) for n, r in recs[:h]])
    header = recs[h][1]
    cols = find_columns(header, _COLS, file=file, row=recs[h][0], required=("name", "join"),
                        what="Teams meeting summary")
    data = [(n, r) for n, r in recs[h + 1:] if any(r)]
    df = table(data, cols)
    log.read(len(df))
    df = drop_rows(log, df, df["name"].isna().to_numpy(), "name", "no name", errors=errors)
    df = df.assign(**_times(df, tz, dayfirst, file, header, cols, log))
    return _build(df, None, info, file=file, log=log, tz=tz, identities=identities,
                  errors=errors, dayfirst=dayfirst, name=name, layout="meeting_summary")


def _log_format(recs, *, file, log, tz, identities, errors, dayfirst, name):
    hn, header = recs[0]
    cols = find_columns(header, _COLS, file=file, row=hn,
                        required=("name", "action", "timestamp"), what="Teams attendance list")
    data = [(n, r) for n, r in recs[1:] if any(r)]
    df = table(data, cols)
    log.read(len(df))
    act = df["action"].astype("str").str.strip().str.lower()
    unknown = act.notna() & ~act.isin(["joined", "left", "joined before", "left after"])
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"unknown User Action {df['action'].iloc[i]!r}; expected 'Joined' or "
                        f"'Left'. Tell the peernet developers which Teams version wrote it",
                        file=file, row=int(df["row"].iloc[i]), column=header[cols["action"]],
                        value=df["action"].iloc[i])
    decide_date_order(log, df["timestamp"], dayfirst=dayfirst, file=file,
                      column=header[cols["timestamp"]], rows=df["row"].to_numpy())
    df["t"], bad = parse_local(df["timestamp"], tz, dayfirst=dayfirst, file=file,
                               column=header[cols["timestamp"]], rows=df["row"].to_numpy(), log=log)
    df = drop_rows(log, df, df["name"].isna().to_numpy(), "name", "no name", errors=errors)
    df = drop_rows(log, df, (df["t"].isna() | act[df.index].isna()).to_numpy(), "timestamp",
                   "cannot read the timestamp or action", errors=errors,
                   value=df["timestamp"])
    if df.empty:
        raise DataError("no attendance rows could be read", file=file)
    start, end = df["t"].min(), df["t"].max()
    df = df.sort_values(["name", "t", "row"], kind="stable").reset_index(drop=True)
    joined = df["action"].str.strip().str.lower().str.startswith("joined")
    df["session"] = joined.astype(int).groupby(df["name"]).cumsum()
    joins = df[joined].groupby(["name", "session"]).agg(start=("t", "first"),
                                                       row=("row", "first"))
    lefts = df[~joined].groupby(["name", "session"]).agg(end=("t", "first"),
                                                        lrow=("row", "first"))
    s = joins.join(lefts, how="outer").reset_index()
    early = s["start"].isna()
    if early.any():
        log.note(f"{int(early.sum())} 'Left' row(s) without a 'Joined' before them: the "
                 f"person was counted from the first time in the log")
        s.loc[early, "start"] = start
        s.loc[early, "row"] = s.loc[early, "lrow"]
    still = s["end"].isna()
    if still.any():
        log.note(f"{int(still.sum())} session(s) had no 'Left' row (still in the meeting when "
                 f"the list was downloaded): closed at the last time in the log, "
                 f"{end.isoformat()}")
        s.loc[still, "end"] = end
    s = s.rename(columns={"start": "join_t", "end": "leave_t"})
    s["row"] = s["row"].astype(int)
    s["email"] = np.nan
    info = {"start_t": start, "end_t": end}
    return _build(s, None, info, file=file, log=log, tz=tz, identities=identities,
                  errors=errors, dayfirst=dayfirst, name=name, layout="attendance_list")


def _build(df, sessions, info, *, file, log, tz, identities, errors, dayfirst, name, layout):
    df = df.reset_index(drop=True)
    if df.empty:
        raise DataError("no participant rows could be read", file=file)
    for c in ("email", "upn", "role", "minutes"):
        if c not in df.columns:
            df[c] = np.nan
    upn = df["upn"].where(df["upn"].notna(), np.nan)
    people = pd.DataFrame({"email": df["email"], "name": df["name"], "platform_id": upn,
                           "row": df["row"]})
    sess_people = None
    if sessions is not None:
        for c in ("email",):
            if c not in sessions.columns:
                sessions[c] = np.nan
        sess_people = pd.DataFrame({"email": sessions["email"], "name": sessions["name"],
                                    "platform_id": np.nan, "row": sessions["row"]})
        people = pd.concat([people, sess_people], ignore_index=True)
    resolved = resolve_people(people, file=file, identities=identities, platform="teams")
    df["member_id"] = resolved.ids.iloc[:len(df)].to_numpy()
    if sess_people is not None:
        sessions = sessions.assign(member_id=resolved.ids.iloc[len(df):].to_numpy())
    else:
        sessions = df
    one = pd.Series([info.get("start"), info.get("end")], dtype="str")
    se, _b = parse_local(one, tz, dayfirst=dayfirst, file=file, column="Start time",
                         rows=np.array([2, 3]), log=log)
    start = info.get("start_t", se.iloc[0])
    end = info.get("end_t", se.iloc[1])
    if pd.isna(start):
        start = df["join_t"].min()
    if pd.isna(end):
        end = df["leave_t"].max()
    if pd.isna(start):
        raise DataError("cannot find the meeting start: no readable join times", file=file)
    title = info.get("title")
    local = pd.Timestamp(start).tz_convert(tz).strftime("%Y%m%dT%H%M")
    key = info.get("meeting_id") or title or Path(file).stem
    event_id = f"teams-{slugify(pd.Series([str(key)])).iloc[0]}-{local}"
    sess = sessions.dropna(subset=["join_t"]).rename(columns={"join_t": "start",
                                                               "leave_t": "end"})
    sess = sess.assign(event_id=event_id)
    per = merge_sessions(sess[["event_id", "member_id", "start", "end", "row"]],
                         ["event_id", "member_id"]).set_index("member_id")
    att = df.groupby("member_id", sort=False).agg(
        row=("row", "min"), join=("join_t", "min"), minutes=("minutes", "sum"),
        n_minutes=("minutes", "count"), role=("role", "first"))
    att["timestamp"] = per["timestamp"].reindex(att.index).fillna(att["join"])
    if att["timestamp"].isna().any():
        missing = att.index[att["timestamp"].isna()]
        for m in missing:
            log.note("no join time for this person: counted from the meeting start",
                     "member_id", m)
        att.loc[missing, "timestamp"] = start
    union = per["duration_min"].reindex(att.index)
    att["duration_min"] = att["minutes"].where(att["n_minutes"] > 0, union)
    inter = pd.DataFrame({
        "timestamp": att["timestamp"].to_numpy(), "source": att.index.to_numpy(),
        "kind": "attend", "event_id": event_id, "channel": "video",
        "duration_min": att["duration_min"].astype("float64").round(4).to_numpy(),
        "sessions": per["sessions"].reindex(att.index).fillna(1).astype(int).to_numpy(),
        "intervals": per["intervals"].reindex(att.index).to_numpy(),
        "role": att["role"].to_numpy(), "row": att["row"].to_numpy()})
    merged = int((inter["sessions"] > 1).sum())
    if merged:
        log.note(f"{merged} person(s) joined more than once; sessions merged into one presence "
                 f"(intervals kept)")
    organiser = att.index[att["role"].astype("str").str.lower().str.startswith(
        "organi", na=False)]
    events = pd.DataFrame({"event_id": [event_id], "start": [start], "end": [end],
                           "kind": ["meeting"], "channel": ["video"],
                           "title": [title if title else np.nan],
                           "host": [organiser[0] if len(organiser) else np.nan]})
    return finish(file=file, log=log, resolved=resolved, interactions=inter, events=events,
                  tz=tz, errors=errors, name=name, meta={"format": f"teams_{layout}"})
