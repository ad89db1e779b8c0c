"""Helpers shared by the export readers (Zoom, Teams, Meet, Slack, mbox, sign-in sheets).

Each reader parses its file into three raw frames (who was seen, what they did, which
events), then :func:`build_network` resolves people through :class:`Identities` and returns a
PeerNetwork whose ``quality`` counts the file's rows (read = kept + dropped).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning
from ..quality import DataQuality, QualityLog
from ..report.i18n import N_
from ._text import read_text
from .identity import Identities, display_names, is_unidentifiable, slugify

MAX_BYTES = 500 * 2**20


# ------------------------------------------------------------------------ text records
def decode(path: str | Path, log: QualityLog) -> str:
    """Decode a text export (BOM, UTF-8, cp1252) with NULs removed; DataError if unreadable."""
    path = Path(path)
    if path.is_dir():
        raise DataError("expected a file, found a folder", file=str(path))
    text = read_text(path, log)
    if "\x00" in text:
        log.note("NUL characters removed from the file")
        text = text.replace("\x00", "")
    return text.lstrip("\ufeff")


def records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Rows of a delimited text with the line each starts on (1-based); cells stripped."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for rec in reader:
            out.append((line, [c.strip() for c in rec]))
            line = reader.line_num + 1
    except csv.Error as err:
        raise DataError(f"cannot read as delimited text ({err})", row=line) from err
    return out


def trim(cells: list[str]) -> list[str]:
    """Cells without the empty ones padding the end of a row."""
    end = len(cells)
    while end and cells[end - 1] == "":
        end -= 1
    return cells[:end]


def lower(cells: Sequence[str]) -> list[str]:
    return [re.sub(r"\s+", " ", c).strip().lower() for c in cells]


def find_columns(header: Sequence[str], spec: Mapping[str, Sequence[str]], *, file: str,
                 row: int | None, required: Sequence[str] = (), start: int = 0,
                 what: str = "report") -> dict[str, int]:
    """Map canonical names to column positions by case-insensitive name (first wins).

    ``spec`` maps a canonical name to accepted header spellings (lower case); a spelling
    ending in ``*`` matches as a prefix. A missing required column raises DataError listing
    the columns found and the closest match.
    """
    names = lower(header)
    found: dict[str, int] = {}
    for key, spellings in spec.items():
        for sp in spellings:
            hit = [i for i, n in enumerate(names) if i >= start and (
                n == sp or (sp.endswith("*") and n.startswith(sp[:-1])))]
            if hit:
                found[key] = hit[0]
                break
    for key in required:
        if key not in found:
            want = spec[key][0].rstrip("*")
            close = difflib.get_close_matches(want, names, n=1, cutoff=0.5)
            hint = f" Did you mean {header[names.index(close[0])]!r}?" if close else ""
            cols = ", ".join(repr(h) for h in header if h)
            raise DataError(f"{what}: required column {want!r} not found; columns are {cols}."
                            f"{hint}", file=file, row=row, column=want)
    return found


def table(recs: list[tuple[int, list[str]]], cols: Mapping[str, int]) -> pd.DataFrame:
    """An all-text frame of the given columns plus ``row`` (line number) from records."""
    data = {k: [r[i] if i < len(r) else "" for _n, r in recs] for k, i in cols.items()}
    df = pd.DataFrame(data, dtype="str")
    df = df.where(df != "", np.nan)
    df["row"] = np.asarray([n for n, _r in recs], dtype=int)
    return df


# ------------------------------------------------------------------------ values
_UNITS = {"h": 60.0, "hr": 60.0, "hrs": 60.0, "hour": 60.0, "hours": 60.0, "godz": 60.0,
          "std": 60.0, "m": 1.0, "min": 1.0, "mins": 1.0, "minute": 1.0, "minutes": 1.0,
          "s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60,
          "sek": 1 / 60}
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|godz|std|minutes?|mins?|m|"
                       r"seconds?|secs?|sek|s)\.?(?![a-z])")


def parse_minutes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Durations to minutes: ``1h 4m 45s``, ``59m 35s``, ``1 hr 2 min``, ``30 sec``,
    ``1 godz. 4 min``, plain numbers (minutes); ``--`` and empty are missing.

    Returns (minutes, bad) where ``bad`` marks cells that held something unreadable.
    """
    t = values.astype("str").str.strip().str.lower()
    blank = t.isna() | t.isin(["", "-", "--", "—", "n/a"])
    plain = pd.to_numeric(t.str.replace(",", ".", regex=False), errors="coerce")
    out = plain.astype("float64")
    todo = (~blank & plain.isna()).to_numpy()
    if todo.any():
        sub = t[todo]
        parts = sub.str.extractall(_DURATION)
        if len(parts):
            num = pd.to_numeric(parts[0].str.replace(",", ".", regex=False), errors="coerce")
            mins = (num * parts[1].map(_UNITS)).groupby(level=0).sum()
            out[mins.index] = mins.to_numpy()
        rest = sub.str.replace(_DURATION, "", regex=True).str.strip(" .,")
        leftover = rest.notna() & (rest != "")
        out[leftover[leftover].index] = np.nan
    bad = (~blank & out.isna()).to_numpy()
    infinite = ~np.isfinite(out.to_numpy(dtype="float64", na_value=0.0))
    out[infinite] = np.nan
    return out.astype("float64"), bad | infinite


_MONTHFIRST = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M:%S %p",
               "%m/%d/%y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M:%S",
               "%m/%d/%y %H:%M", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y %I:%M:%S %p")
_DAYFIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M",
             "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p", "%d/%m/%y %I:%M:%S %p",
             "%d/%m/%y %I:%M %p", "%d-%m-%Y %H:%M:%S")
_NEUTRAL = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S",
            "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M:%S", "%d.%m.%y %H:%M",
            "%b %d %Y %H:%M:%S", "%b %d %Y %H:%M", "%b %d %Y %I:%M:%S %p", "%b %d %Y %I:%M %p",
            "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M", "%B %d %Y %H:%M:%S", "%B %d %Y %I:%M %p",
            "%Y-%m-%d")


def _clean_times(values: pd.Series) -> pd.Series:
    t = values.astype("str").str.strip()
    t = t.str.replace(",", " ", regex=False).str.replace(r"\s+", " ", regex=True)
    t = t.str.replace(r"(?i)\ba\.\s?m\.", "AM", regex=True).str.replace(
        r"(?i)\bp\.\s?m\.", "PM", regex=True)
    return t.where(~t.isin(["", "--", "-", "—"]), np.nan)


def _try_formats(t: pd.Series, formats: Sequence[str]) -> pd.Series:
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    for fmt in formats:
        missing = out.isna() & t.notna()
        if not missing.any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = pd.to_datetime(t[missing], format=fmt, errors="coerce")
        # outside the nanosecond range: unreadable here (parse_local says why)
        got = got.where((got >= pd.Timestamp(DATE_RANGE[0])) & (got <= pd.Timestamp(
            DATE_RANGE[1])))
        out[missing] = got.astype("datetime64[ns]")
    return out


#: Largest share of a file's dates that may be unreadable before the whole file is refused
#: (a file with more is in a format peernet does not know, and half of it would be wrong).
#: One unreadable date is always tolerated (dropped and recorded).
MAX_BAD_DATES = 0.05
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-](\d{1,2})[/\-](\d{2,4})\b")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: The dates pandas can hold (nanosecond datetimes).
DATE_RANGE = ("1677-09-22", "2262-04-11")


def _maybe_numeric_dates(values: pd.Series) -> bool:
    """Whether any value holds ``d/d/dd`` or ``d-d-dd`` after a non-digit or at its start:
    a superset of the numeric dates :func:`date_order` reads, found in one vectorised pass
    (RE2 in Arrow; ``\\p{Nd}`` is Python's ``\\d``) that spares ISO files the per-value
    regular expressions."""
    return any_match(values, r"(^|\P{Nd})\p{Nd}{1,2}[/\-]\p{Nd}{1,2}[/\-]\p{Nd}{2}")


def any_match(values: pd.Series, pattern: str) -> bool:
    """Whether any value (as text) holds a match of the RE2 ``pattern``: one vectorised
    Arrow pass, the pre-check that spares a file per-value regular expressions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array(values.astype("str").to_numpy(dtype=object, na_value=None),
                     type=pa.string())
    return bool(pc.any(pc.match_substring_regex(texts, pattern)).as_py())


def date_order(values: pd.Series, *, dayfirst: bool, file: str, column: str,
               log: QualityLog | None, rows: np.ndarray | None) -> str | None:
    """The order of a file's numeric dates (``03/05/2024``), decided from the file alone.

    - a first number above 12 somewhere (``23/03/2024``) and none in second place: the file
      can only be day-first, and is read so;
    - a second number above 12 somewhere and none in first place: month-first;
    - both: no order fits; DataError naming the file and an example of each;
    - every number 12 or less: ambiguous, read as ``dayfirst`` says (default month-first).

    Each decision is written to ``log`` (one ``info`` row). Returns ``"day-first"``,
    ``"month-first"``, or None when the file has no numeric dates (ISO 8601, ``Mar 5,
    2024``, dotted ``05.03.2024`` are unambiguous).
    """
    if not _maybe_numeric_dates(values):
        return None
    t = _clean_times(values.astype("str"))
    parts = t.str.extract(_NUMERIC_DATE)
    have = parts[0].notna().to_numpy()
    if not have.any():
        return None
    a = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    b = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    day_a = have & (a > 12)
    day_b = have & (b > 12)

    def example(mask: np.ndarray) -> tuple[str, int | None]:
        i = int(np.flatnonzero(mask)[0])
        return str(values.iloc[i]), (int(rows[i]) if rows is not None else None)

    if day_a.any() and day_b.any():
        (ex_a, row_a), (ex_b, _row_b) = example(day_a), example(day_b)
        raise DataError(f"dates fit neither order: {ex_a!r} can only be day/month and "
                        f"{ex_b!r} only month/day. A file must write its dates one way; "
                        f"correct the file or split it by the program that wrote it",
                        file=file, row=row_a, column=column, value=ex_a)
    if day_a.any():
        ex, _r = example(day_a)
        if log is not None:
            log.note(N_("dates read day-first (day/month): {example} has a day above "
                        "12").format(example=repr(ex)),
                     column=column, value=ex)
        return "day-first"
    if day_b.any():
        ex, _r = example(day_b)
        if log is not None:
            log.note(N_("dates read month-first (month/day): {example} has a day above "
                        "12").format(example=repr(ex)),
                     column=column, value=ex)
        return "month-first"
    ex, _r = example(have)
    order = "day-first" if dayfirst else "month-first"
    if log is not None:
        note = (N_("dates are ambiguous (no day above 12, e.g. {example}): read {order} as "
                   "dayfirst=True says; pass dayfirst=False if this file writes month/day")
                if dayfirst else
                N_("dates are ambiguous (no day above 12, e.g. {example}): read {order} as "
                   "dayfirst=False says; pass dayfirst=True (--dayfirst) if this file writes "
                   "day/month"))
        log.note(note.format(example=repr(ex), order=order),
                 column=column, value=ex)
    return order


def decide_date_order(log: QualityLog, *columns: pd.Series, dayfirst: bool, file: str,
                      column: str, rows: np.ndarray | None = None) -> str | None:
    """Decide the date order of one file from all its date columns, once; later calls of
    :func:`parse_local` with the same ``log`` follow it."""
    done = getattr(log, "date_order", False)
    if done is not False:
        return str(done) if done is not None else None
    values = pd.concat([c.astype("str") for c in columns], ignore_index=True) if columns \
        else pd.Series([], dtype="str")
    both = np.concatenate([np.asarray(rows)] * len(columns)) if rows is not None else None
    order = date_order(values, dayfirst=dayfirst, file=file, column=column, log=log,
                       rows=both)
    log.date_order = order  # type: ignore[attr-defined]
    return order


def parse_local(values: pd.Series, tz: str, *, dayfirst: bool, file: str, column: str,
                rows: np.ndarray, log: QualityLog | None = None) -> tuple[pd.Series, np.ndarray]:
    """Local times without offset (``3/14/2021, 9:58:02 AM``, ``Mar 5, 2024 13:50:02``,
    ``20.07.2023, 16:30:36``) to UTC; returns (times, bad).

    The order of numeric dates is the file's own (:func:`date_order`: decided once per
    ``log`` by :func:`decide_date_order`, else from these values); ``dayfirst`` only
    settles ambiguous files. When more than :data:`MAX_BAD_DATES` of the dates (and more
    than one) cannot be read, the whole file is refused. A date outside the range pandas
    can hold (a leave time in year 2999) is an unreadable date of its row, noted in
    ``log`` with the range; when no date of the column can be read, or too many, the
    DataError says so.
    """
    t = _clean_times(values)
    if log is not None and getattr(log, "date_order", False) is not False:
        order = log.date_order  # type: ignore[attr-defined]
    else:
        order = date_order(values, dayfirst=dayfirst, file=file, column=column, log=log,
                           rows=rows)
    first = _DAYFIRST if order == "day-first" else _MONTHFIRST
    local = _try_formats(t, first + _NEUTRAL)
    bad = (t.notna() & local.isna()).to_numpy()
    if bad.any():
        years = pd.to_numeric(t[bad].str.extract(_YEAR)[0], errors="coerce")
        outside = ((years < 1678) | (years > 2261)).to_numpy(dtype=bool, na_value=False)
        present = int(t.notna().sum())
        too_many = bad.sum() > 1 and bad.sum() > MAX_BAD_DATES * present
        where = np.flatnonzero(bad)[outside]
        if outside.any() and (too_many or bad.sum() == present):
            i = int(where[0])
            raise DataError(f"date {values.iloc[i]!r} is outside the dates pandas can hold "
                            f"({DATE_RANGE[0]} to {DATE_RANGE[1]}); shift the dates into "
                            f"that range (e.g. add a fixed number of years) before reading",
                            file=file, row=int(rows[i]), column=column, value=values.iloc[i])
        if outside.any() and log is not None:  # a stray year 2999: the row, not the file
            for i in where:
                log.note(f"date outside the dates pandas can hold ({DATE_RANGE[0]} to "
                         f"{DATE_RANGE[1]}): read as an unreadable date", column=column,
                         value=values.iloc[int(i)], row=int(rows[int(i)]))
        if too_many:
            i = int(np.flatnonzero(bad)[0])
            raise DataError(f"{int(bad.sum())} of {present} dates cannot be read (e.g. "
                            f"{values.iloc[i]!r}); a file with more than "
                            f"{MAX_BAD_DATES:.0%} unreadable dates is refused as a whole "
                            f"rather than half-read. Check the date format the file uses",
                            file=file, row=int(rows[i]), column=column, value=values.iloc[i])
    return localize(local, tz), bad


def localize(local: pd.Series, tz: str) -> pd.Series:
    """Naive local datetimes in ``tz`` to UTC (ambiguous -> standard time, gaps shifted)."""
    out = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
    ok = local.notna()
    if ok.any():
        loc = pd.DatetimeIndex(local[ok]).tz_localize(
            tz, ambiguous=np.zeros(int(ok.sum()), bool), nonexistent="shift_forward")
        out[ok] = loc.tz_convert("UTC").as_unit("ns")
    return out


def check_tz(tz: Any) -> str:
    """``tz`` as an IANA zone name; ValueError naming it otherwise."""
    if not isinstance(tz, str):
        raise TypeError(f"tz must be an IANA time zone name like 'America/Chicago' (the zone "
                        f"of the export's local times); got {tz!r}")
    try:
        pd.Timestamp("2000-01-01").tz_localize(tz)
    except Exception as err:  # noqa: BLE001 - any failure means an unknown zone
        raise ValueError(f"tz must be an IANA time zone like 'America/Los_Angeles'; got "
                         f"{tz!r}") from err
    return tz


def check_errors(errors: str) -> None:
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise'; got {errors!r}")


def drop_rows(log: QualityLog, df: pd.DataFrame, mask: np.ndarray | pd.Series, column: str | None,
              problem: str, *, errors: str = "report", file: str | None = None,
              value: pd.Series | None = None) -> pd.DataFrame:
    """Record the rows of ``df`` under ``mask`` as dropped (or raise) and return the rest."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return df
    vals = (value if value is not None else
            df[column] if column in df.columns else pd.Series(np.nan, index=df.index))[mask]
    if errors == "raise":
        problems = [{"file": file or log.source, "row": int(r), "column": column, "value": v,
                     "problem": problem} for r, v in zip(df["row"][mask], vals, strict=True)]
        first = problems[0]
        raise DataError(f"{problem}; got {first['value']!r}", file=first["file"],
                        row=first["row"], column=column, value=first["value"],
                        problems=problems if len(problems) > 1 else None)
    log.many(df["row"].to_numpy()[mask], column, vals.tolist(), problem, "dropped")
    return df.loc[~mask]


# ------------------------------------------------------------------------ presence
def merge_sessions(sessions: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Union each person's join/leave sessions per event.

    ``sessions`` has ``keys``, ``start``, ``end`` (UTC) and ``row``. Returns one row per key:
    ``timestamp`` (first join), ``end`` (last leave), ``duration_min`` (length of the union
    of the intervals, so overlapping devices are not counted twice), ``sessions`` (rows
    merged), ``intervals`` (``start/end`` ISO pairs, ``; ``-joined) and ``row`` (first row).
    """
    keys = list(keys)
    df = sessions.copy()
    df["start"] = pd.to_datetime(df["start"], utc=True)
    df["end"] = pd.to_datetime(df["end"], utc=True)
    if df.empty:
        return pd.DataFrame({**{k: pd.Series(dtype="str") for k in keys},
                             "timestamp": pd.Series(dtype="datetime64[ns, UTC]"),
                             "end": pd.Series(dtype="datetime64[ns, UTC]"),
                             "sessions": pd.Series(dtype="int64"),
                             "intervals": pd.Series(dtype="str"),
                             "row": pd.Series(dtype="int64"),
                             "duration_min": pd.Series(dtype="float64")})
    df["end"] = df["end"].where(df["end"].notna(), df["start"])
    swap = (df["end"] < df["start"]).to_numpy()
    if swap.any():
        s = df.loc[swap, "start"].copy()
        df.loc[swap, "start"] = df.loc[swap, "end"]
        df.loc[swap, "end"] = s
    df = df.sort_values(keys + ["start", "end"], kind="stable").reset_index(drop=True)
    code = df.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    start_ns = df["start"].dt.as_unit("ns").astype("int64").to_numpy()
    end_ns = df["end"].dt.as_unit("ns").astype("int64").to_numpy()
    # running latest end within each person's sessions; a session starting after it opens a
    # new block of overlapping sessions (all vectorised: cummax and shift per group)
    running = pd.Series(end_ns).groupby(code).cummax()
    prev = running.groupby(code).shift(1).to_numpy()
    new_block = np.isnan(prev) | (start_ns > prev)
    block = np.cumsum(new_block)
    b = pd.DataFrame({"code": code, "block": block, "s": start_ns, "e": end_ns}).groupby(
        "block", sort=False).agg(code=("code", "first"), s=("s", "min"), e=("e", "max"))
    minutes = ((b["e"] - b["s"]) / 6e10).groupby(b["code"]).sum()
    iso_s = np.datetime_as_string(start_ns.astype("datetime64[ns]"), unit="s")
    iso_e = np.datetime_as_string(end_ns.astype("datetime64[ns]"), unit="s")
    df["interval"] = pd.Series(iso_s).str.cat(pd.Series(iso_e), sep="Z/") + "Z"
    g = df.groupby(code, sort=False)
    per = g[keys].first()
    per["timestamp"] = g["start"].min()
    per["end"] = g["end"].max()
    per["sessions"] = g.size()
    per["intervals"] = g["interval"].agg("; ".join)
    per["row"] = g["row"].min()
    per["duration_min"] = minutes.reindex(per.index).to_numpy()
    return per.reset_index(drop=True)


# ------------------------------------------------------------------------ people
def anonymous_ids(people: pd.DataFrame, event: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(mask, ids) of rows that identify a device or phone line, not a person.

    Such a row has no email and a name like ``iPhone`` or a phone number; it is counted as
    an anonymous guest of its event (``guest-<event>-<n>``), never matched to anyone.
    """
    email = people["email"] if "email" in people.columns else pd.Series(np.nan,
                                                                        index=people.index)
    names = people["name"] if "name" in people.columns else pd.Series(np.nan,
                                                                      index=people.index)
    mask = email.isna() & is_unidentifiable(names)
    if "platform_id" in people.columns:
        mask &= people["platform_id"].isna()
    key = event.astype("str") + "\x1f" + names.astype("str").fillna("")
    n = key[mask].groupby(key[mask], sort=False).ngroup() + 1
    ids = ("guest-" + slugify(event[mask].astype("str")) + "-" + n.astype("str"))
    return mask, ids


class Resolved:
    """People of one export resolved to members: ``ids`` (aligned with the observations),
    ``members`` (the roster grown with new and anonymous people) and ``quality``."""

    def __init__(self, ids: pd.Series, members: pd.DataFrame, quality: DataQuality):
        self.ids, self.members, self.quality = ids, members, quality


def resolve_people(people: pd.DataFrame, *, file: str, identities: Any = None,
                   platform: str | None = None, anon: pd.Series | None = None) -> Resolved:
    """Resolve observations (``email``, ``name``, ``alt_name``, ``platform_id``, ``org``,
    ``row``) to member ids; rows under ``anon`` get the ids given there (guests)."""
    ids = Identities.coerce(identities)
    people = people.copy()
    anon_mask = (anon.notna() if anon is not None else pd.Series(False, index=people.index))
    named = people[~anon_mask]
    res = ids.assign(named.drop(columns=["row"], errors="ignore"), platform=platform,
                     source=file, rows=named["row"].to_numpy() if "row" in named else None)
    out = pd.Series(np.nan, index=people.index, dtype="object")
    out[named.index] = res.member_id.to_numpy()
    members = res.identities.members.copy()
    learned = res.identities.aliases
    plat = learned[~learned["kind"].isin(["email", "name"])]
    if len(plat):
        joined = (plat["kind"] + ":" + plat["alias"]).groupby(plat["member_id"]).agg("; ".join)
        members["aliases"] = members["member_id"].map(joined)
    if anon_mask.any():
        assert anon is not None  # anon_mask is all False without it
        out[anon_mask] = anon[anon_mask].to_numpy()
        a = people[anon_mask].assign(anon_id=anon[anon_mask]).drop_duplicates("anon_id")
        guests = pd.DataFrame({"member_id": a["anon_id"].astype("str").to_numpy(),
                               "name": display_names(a["name"]).to_numpy()
                               if "name" in a.columns else np.nan,
                               "unmatched": pd.array([True] * len(a), dtype="boolean"),
                               "anonymous": pd.array([True] * len(a), dtype="boolean")})
        members = pd.concat([members, guests], ignore_index=True)
    if "unmatched" in members.columns:
        members["unmatched"] = members["unmatched"].astype("boolean")
    return Resolved(out.astype("str"), members, res.quality)


def finish(*, file: str, log: QualityLog, resolved: Resolved, interactions: pd.DataFrame,
           events: pd.DataFrame, tz: str, errors: str = "report", name: str | None = None,
           notes: Sequence[DataQuality] = (), meta: Mapping[str, Any] | None = None,
           stacklevel: int = 6):
    """Build the PeerNetwork of one export; ``quality.counts`` holds the file's own rows."""
    from ..network import PeerNetwork

    inter = interactions.copy()
    inter["origin_file"] = file
    if "row" in inter.columns:
        inter = inter.rename(columns={"row": "origin_row"})
        inter["origin_row"] = pd.array(inter["origin_row"], dtype="Int64")
    # counts as nullable integers: a combined log where one source lacks the column keeps
    # the dtype (int64 would turn float64 there)
    for col in inter.columns:
        if pd.api.types.is_integer_dtype(inter[col].dtype):
            inter[col] = inter[col].astype("Int64")
    inter = sort_interactions(inter)
    quality = DataQuality.merge([log.result(), resolved.quality, *notes])
    sources = {t: file for t in ("members", "interactions", "events")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        net = PeerNetwork.from_tables(members=resolved.members, interactions=inter,
                                      events=events, tz=tz, errors=errors, sources=sources,
                                      quality=quality, name=name or Path(file).stem,
                                      warn=False, meta=dict(meta or {}))
    derived = net.quality.issues.iloc[len(quality.issues):]
    issues = pd.concat([quality.issues, derived], ignore_index=True)
    net = net.replace(quality=DataQuality(issues=issues, counts=quality.counts))
    if not net.quality.ok:
        n = int(issues["action"].isin(["dropped", "repaired", "added"]).sum())
        warnings.warn(f"{n} issue(s): rows dropped, repaired or people added while reading "
                      f"{file!r}; see net.quality.summary()", DataQualityWarning,
                      stacklevel=stacklevel)
    return net


def sort_interactions(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["timestamp", "origin_row"] if "origin_row" in df.columns
                          else ["timestamp"], kind="stable").reset_index(drop=True)
