"""Column specs of every peernet table, and the vectorised validation that applies them.

This module is the one source of table names, column names, dtypes, required columns and
allowed values; ``docs/data-model.md`` describes the same tables for people.

Dtypes (``Column.dtype``):

``id`` / ``str``
    text (pandas ``str``); ids are always text, never numbers (leading zeros survive).
``list``
    several values in one text cell, joined with ``"; "`` (e.g. topics, helper ids).
``datetime``
    timezone-aware UTC (``datetime64[ns, UTC]``). Naive values are read in the network's zone
    (``tz=``), values with an offset are converted. Dates are datetimes at local midnight.
``float``, ``int``, ``bool``, ``category``
    ``float64`` (NaN when missing), ``Int64``, nullable ``boolean``, and ``category`` whose
    categories are the allowed values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._texts import clean_dictionary, is_text_dictionary, lookalike_key
from .errors import DataError
from .quality import QualityLog
from .report.i18n import N_

__all__ = [
    "Column", "TableSpec", "TABLES", "INTERACTION_KINDS", "DEFAULT_WEIGHTS", "MUTUAL_KINDS",
    "CHANNELS",
    "EVENT_KINDS", "EVENT_FORMATS", "TOPIC_SEPARATOR", "coerce_table", "parse_datetimes",
    "check_columns", "split_list", "empty_table", "isin", "is_arrow_text",
]

TOPIC_SEPARATOR = "; "

INTERACTION_KINDS = ("attend", "message", "reply", "mention", "reaction", "call", "contact",
                     "help", "resource", "referral")
#: Default tie weight of one interaction of each kind (evaluators may pass their own).
#: A reaction is a weak signal; help, resources and referrals are costly, strong signals.
DEFAULT_WEIGHTS = {"attend": 1.0, "message": 1.0, "reply": 1.0, "mention": 0.5,
                   "reaction": 0.25, "call": 1.0, "contact": 1.0, "help": 2.0,
                   "resource": 1.5, "referral": 1.5}
#: Whether a kind is mutual (both people took part: a face-to-face contact, logged once in
#: any order; it says nothing about reciprocity) or directed (one person acts towards
#: another). Attendance has no target. Contact is mutual; every other kind is directed.
MUTUAL_KINDS = {"attend": False, "message": False, "reply": False, "mention": False,
                "reaction": False, "call": False, "contact": True, "help": False,
                "resource": False, "referral": False}
CHANNELS = ("in_person", "video", "phone", "email", "chat", "listserv")
EVENT_KINDS = ("meeting", "training", "call", "thread", "channel", "webinar", "other")
EVENT_FORMATS = ("network_meeting", "regional_meeting", "training", "case_study",
                 "problem_solving", "orientation", "resource_assessment", "evaluation",
                 "social", "webinar", "other")
PROBLEM_STATUS = ("open", "solved", "dropped")
SURVEY_LEVELS = ("member", "org", "network")


@dataclass(frozen=True)
class Column:
    """One column of a table: name, dtype, whether required, allowed values, meaning."""

    name: str
    dtype: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    description: str = ""
    example: str = ""
    minimum: float | None = None
    exclusive_minimum: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A table of the data model: its columns, its key and its time column."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    time: str | None = None

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column
TABLES: dict[str, TableSpec] = {
    "members": TableSpec(
        "members", "The roster: one row a person.",
        (
            C("member_id", "id", True, description="Stable id of the person", example="m001"),
            C("name", "str", description="Display name (personal data)", example="Ana Ruiz"),
            C("email", "str", description="Email (personal data, never shown in figures)",
              example="ana@valleyclinic.org"),
            C("org", "str", description="Organization", example="Valley Clinic"),
            C("sector", "str", description="Sector of the organization", example="health"),
            C("region", "str", description="Region", example="Coast"),
            C("language", "str", description="Preferred language, ISO 639-1", example="es"),
            C("role", "str", description="member, coordinator, supervisor, director, ...",
              example="coordinator"),
            C("joined", "datetime", description="Date the person joined the network",
              example="2023-02-01"),
            C("left", "datetime", description="Date the person left (empty if still a member)"),
            C("supervisor_id", "id", description="member_id of the person's supervisor"),
            C("expertise", "list", description="Topics the person can help with, '; '-joined",
              example="housing; data_sharing"),
            C("needs", "list", description="Topics the person wants help with, '; '-joined",
              example="funding"),
            C("unmatched", "bool", description="Added by a loader: seen in the data, not on "
              "the roster"),
            C("anonymous", "bool", description="Added by a loader: a device or phone number, "
              "not an identified person"),
            C("guest", "bool", description="Seen in the data but not a member: not on the "
              "roster (when there is one) or anonymous; never counted as a member"),
        ), key="member_id", time="joined"),
    "events": TableSpec(
        "events", "A meeting, training, call, channel or thread: one row an event.",
        (
            C("event_id", "id", True, example="e2025-03"),
            C("start", "datetime", True, example="2025-03-04 10:00"),
            C("end", "datetime", example="2025-03-04 11:30"),
            C("kind", "category", allowed=EVENT_KINDS, example="meeting"),
            C("format", "str", description="network_meeting, regional_meeting, training, "
              "case_study, problem_solving, orientation, resource_assessment, evaluation, ...",
              example="case_study"),
            C("title", "str"),
            C("host", "id", description="member_id of the host or lead"),
            C("region", "str", description="Region of a regional event (empty = network-wide)"),
            C("language", "str", example="en"),
            C("channel", "category", allowed=CHANNELS, example="video"),
            C("next_date_set", "bool", description="The next meeting's date was set at this one"),
        ), key="event_id", time="start"),
    "interactions": TableSpec(
        "interactions", "One person did something, alone or towards another: one row an act.",
        (
            C("timestamp", "datetime", True, example="2025-03-04 10:02"),
            C("source", "id", True, description="member_id of the person who acted"),
            C("kind", "category", True, allowed=INTERACTION_KINDS, example="reply"),
            C("target", "id", description="member_id of the other person (empty for "
              "attendance and broadcasts)"),
            C("event_id", "id", description="Event attended or where it happened; required "
              "for kind == 'attend'"),
            C("channel", "category", allowed=CHANNELS),
            C("weight", "float", minimum=0, exclusive_minimum=True,
              description="Tie weight; default from DEFAULT_WEIGHTS by kind"),
            C("duration_min", "float", minimum=0, description="Minutes present / on the call"),
            C("topic", "str"),
            C("language", "str"),
            C("thread_id", "id", description="Id of the thread's first message"),
            C("message_id", "id", description="Id of this message"),
        ), time="timestamp"),
    "problems": TableSpec(
        "problems", "The problem-solving log: one row a problem raised to the network.",
        (
            C("problem_id", "id", True),
            C("raised_by", "id", True),
            C("raised_at", "datetime", True),
            C("topic", "str"),
            C("helpers", "list", description="member_ids of those who helped, '; '-joined"),
            C("solved_at", "datetime"),
            C("status", "category", allowed=PROBLEM_STATUS),
            C("outcome", "str", description="What came of it (free text)"),
        ), key="problem_id", time="raised_at"),
    "actions": TableSpec(
        "actions", "Follow-up items agreed at events: one row an action item.",
        (
            C("action_id", "id", True),
            C("owner", "id", True),
            C("due", "datetime", True),
            C("event_id", "id"),
            C("done_at", "datetime"),
        ), key="action_id", time="due"),
    "surveys": TableSpec(
        "surveys", "Member surveys: one row one rating by one respondent.",
        (
            C("respondent", "id", True),
            C("about", "id", description="member_id (or org name when about_level == 'org') "
              "rated; empty for items about the network"),
            C("item", "str", True, description="reliability, mission, openness, power, "
              "involvement, resources, learning, ..."),
            C("value", "float", True),
            C("wave", "str", True, description="Survey wave, e.g. '2025'"),
            C("scale_min", "float"),
            C("scale_max", "float"),
            C("date", "datetime", description="When the response was given"),
            C("about_level", "category", allowed=SURVEY_LEVELS),
        ), time="date"),
    "checklist": TableSpec(
        "checklist", "Ratings of the Grid's good practices and challenges: one row an item "
        "rated for a period.",
        (
            C("item", "str", True, example="gp1"),
            C("period", "str", True, example="2025"),
            C("value", "float", True, description="0-3"),
            C("note", "str"),
            C("rater", "id"),
        )),
    "outcomes": TableSpec(
        "outcomes", "Community-change measures the network tracks: one row a measure in a "
        "period.",
        (
            C("measure", "str", True),
            C("period", "str", True),
            C("value", "float", True),
            C("target", "float"),
            C("unit", "str"),
            C("direction", "category", allowed=("higher", "lower")),
            C("note", "str"),
        )),
}
del C

#: Columns that hold member ids, per table (``list`` columns hold several).
MEMBER_REFERENCES = {
    "interactions": ("source", "target"),
    "problems": ("raised_by", "helpers"),
    "actions": ("owner",),
    "surveys": ("respondent",),
    "events": ("host",),
}

_TRUE = {"true", "t", "yes", "y", "1", "x", "✓"}
_FALSE = {"false", "f", "no", "n", "0", ""}


def _dtype_of(col: Column):
    if col.dtype in ("id", "str", "list"):
        return "str"
    if col.dtype == "datetime":
        return "datetime64[ns, UTC]"
    if col.dtype == "float":
        return "float64"
    if col.dtype == "int":
        return "Int64"
    if col.dtype == "bool":
        return "boolean"
    if col.dtype == "category":
        return pd.CategoricalDtype(list(col.allowed or ()))
    raise ValueError(col.dtype)


def empty_table(name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """An empty table ``name`` with schema dtypes (its required columns, or ``columns``)."""
    spec = TABLES[name]
    names = list(columns) if columns is not None else spec.required
    return pd.DataFrame({c: pd.Series(dtype=_dtype_of(spec.column(c))) for c in names})


def split_list(values: pd.Series) -> pd.Series:
    """Split a ``list`` column (``"a; b"``) into one row per item, index repeated (explode)."""
    s = values.dropna().astype("str").str.split(";").explode().str.strip()
    return s[s != ""]


def is_arrow_text(dtype: object) -> bool:
    """``dtype`` is Arrow-backed text (pandas' ``str``), as peernet loads its id columns."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def isin(values: pd.Series, among: Iterable[object]) -> np.ndarray:
    """``values.isin(among)`` as a boolean array, fast on text columns.

    pandas 3 checks text (Arrow-backed ``str``) columns by turning every value of ``among``
    into an Arrow scalar in a Python loop (50 ms for 10,000 ids, whatever the column's
    length); this builds the value set once and calls :func:`pyarrow.compute.is_in`, with
    pandas' meaning: only text and missing values of ``among`` can match, a missing value
    matches missing values.

    >>> isin(pd.Series(["a", "b", None], dtype="str"), {"b", None}).tolist()
    [False, True, True]
    """
    if not is_arrow_text(values.dtype):
        return values.isin(list(among) if isinstance(among, Iterator) else among
                           ).to_numpy(dtype=bool)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.array)
    if isinstance(among, (pd.Series, pd.Index)) and is_arrow_text(among.dtype):
        # text already in Arrow (an id Index or column): no Python loop over its values
        value_set = pa.chunked_array([pa.array(among.array)]).combine_chunks().cast(arr.type)
    else:
        keys = [v for v in among if isinstance(v, str) or _missing(v)]
        value_set = pa.array(keys, type=arr.type, from_pandas=True)
    if not len(value_set):
        return np.zeros(len(values), dtype=bool)
    found = pc.is_in(arr, value_set=value_set)
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def check_columns(df: pd.DataFrame, required: Sequence[str], *, where: str) -> None:
    """Raise ValueError naming the missing columns of ``df`` (for results passed to plots etc.)."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {missing}; columns are {list(df.columns)}")


def missing_column_error(table: str, column: str, found: Sequence[str], file: str) -> DataError:
    close = difflib.get_close_matches(column, [str(c) for c in found], n=1, cutoff=0.5)
    hint = (f" Did you mean {close[0]!r}? Pass columns={{{close[0]!r}: {column!r}}} or rename "
            f"the column." if close else "")
    if not len(found):
        return DataError(f"required column {column!r} not found; the table has no columns "
                         f"(an empty file or sheet?)", file=file, column=column)
    cols = ", ".join(repr(str(c)) for c in found)
    return DataError(f"required column {column!r} not found; columns are {cols}.{hint}",
                     file=file, column=column)


# --------------------------------------------------------------------------------- dates
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_FORMATS_MONTHFIRST = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M",
                       "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%m/%d/%y %I:%M %p", "%m/%d/%y %H:%M",
                       "%m/%d/%y", "%b %d, %Y %H:%M:%S", "%b %d, %Y %I:%M %p", "%b %d, %Y")
_FORMATS_DAYFIRST = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d.%m.%Y %H:%M",
                     "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%d/%m/%y %H:%M", "%d/%m/%y")


def parse_datetimes(values: pd.Series, tz: str, *, dayfirst: bool = False
                    ) -> tuple[pd.Series, np.ndarray]:
    """Parse a column to UTC datetimes; return (parsed, bad) where ``bad`` marks unreadable cells.

    Naive values are local times in ``tz``; values with an offset (or already tz-aware) are
    converted. Formats tried: ISO 8601, then US month-first formats (``3/4/2025 9:05 AM``), or
    with ``dayfirst=True`` day-first ones (``04/03/2025 09:05``, ``04.03.2025``). A day-first
    value is never guessed: ``13/02/2025`` without ``dayfirst=True`` is reported as unreadable.
    Ambiguous local times at the autumn clock change are read as standard time; nonexistent
    ones at the spring change are moved forward.
    """
    index = values.index
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        utc = values.dt.tz_convert("UTC")
        outside = _outside_ns(utc)
        return utc.mask(outside).dt.as_unit("ns"), outside
    if pd.api.types.is_datetime64_dtype(values.dtype):
        outside = _outside_ns(values)
        out = values.mask(outside).dt.tz_localize(tz, ambiguous=False,
                                                  nonexistent="shift_forward")
        return out.dt.tz_convert("UTC").dt.as_unit("ns"), outside
    text = _to_text(values).str.strip()
    present = text.notna() & (text != "")
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    if not present.any():
        return out, np.zeros(len(values), bool)
    has_offset = present & text.str.contains(_OFFSET, regex=True, na=False)
    if has_offset.any():
        parsed = pd.to_datetime(text[has_offset], format="ISO8601", utc=True, errors="coerce")
        out[has_offset] = parsed.mask(_outside_ns(parsed)).dt.as_unit("ns")
    naive = present & ~has_offset
    if naive.any():
        todo = text[naive]
        local = pd.to_datetime(todo, format="ISO8601", errors="coerce")
        formats = _FORMATS_DAYFIRST if dayfirst else _FORMATS_MONTHFIRST
        for fmt in formats:
            missing = local.isna()
            if not missing.any():
                break
            local[missing] = pd.to_datetime(todo[missing], format=fmt, errors="coerce")
        local = local.mask(_outside_ns(local))
        ok = local.notna()
        if ok.any():
            loc = pd.DatetimeIndex(local[ok]).tz_localize(
                tz, ambiguous=np.zeros(int(ok.sum()), bool), nonexistent="shift_forward")
            out[ok[ok].index] = loc.tz_convert("UTC").as_unit("ns")
    bad = (present & out.isna()).to_numpy()
    return out, bad


#: Datetimes peernet can hold (nanosecond resolution, with a day of margin for time zones).
#: A missing time (NaT) as int64 ns (:func:`ns`).
NS_NAT = np.iinfo(np.int64).min


def ns(values: pd.Series) -> np.ndarray:
    """UTC datetimes as int64 ns (NaT -> :data:`NS_NAT`; :mod:`peernet.ties` re-exports it)."""
    return values.dt.tz_convert("UTC").dt.as_unit("ns").to_numpy("datetime64[ns]").view("i8")


_NS_RANGE = (pd.Timestamp("1677-09-23"), pd.Timestamp("2262-04-10"))


def _outside_ns(values: pd.Series) -> np.ndarray:
    """Mask of datetimes outside the nanosecond range (year 9999, 1000...): unreadable."""
    if len(values) == 0:
        return np.zeros(0, bool)
    lo, hi = _NS_RANGE
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        lo, hi = lo.tz_localize("UTC"), hi.tz_localize("UTC")
    return ((values < lo) | (values > hi)).to_numpy(dtype=bool, na_value=False)


_DATE_PROBLEM = N_("cannot read as a date; expected ISO 8601 like '2025-02-13 10:00' or "
                   "month-first like '2/13/2025 10:00 AM'. Pass dayfirst=True if the file "
                   "writes day/month.")


# ----------------------------------------------------------------------------- coercion
def coerce_table(df: pd.DataFrame, name: str, *, tz: str, log: QualityLog,
                 rows: np.ndarray | None = None, errors: str = "report",
                 dayfirst: bool = False, file: str | None = None,
                 return_rows: bool = False) -> pd.DataFrame | tuple[pd.DataFrame, np.ndarray]:
    """Validate and convert one table to its schema; return the clean table (RangeIndex).

    Structural problems (a required column missing) always raise :class:`DataError`. Value
    problems are recorded in ``log``: a row whose required value is missing or unreadable is
    dropped; an optional value that cannot be read is set to missing ("repaired"); duplicate
    keys keep the first row. With ``errors="raise"`` every value problem is collected and one
    DataError listing them is raised instead.

    Parameters
    ----------
    df : DataFrame
        The table as read (text or typed columns). Unknown columns are kept unchanged.
    name : str
        Table name, a key of :data:`TABLES`.
    rows : array of int, optional
        Row number of each row as a spreadsheet shows it (default: position + 2).
    return_rows : bool, default False
        Also return the row numbers of the kept rows.
    """
    spec = TABLES[name]
    file = file or log.source
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise'; got {errors!r}")
    df = df.copy(deep=False)   # copy-on-write: columns are replaced, never written in place
    df.columns = [str(c).strip() for c in df.columns]
    twice = df.columns[df.columns.duplicated()]
    if len(twice):
        raise DataError(f"column {twice[0]!r} appears more than once in the header; rename or "
                        f"delete the extra one", file=file, row=1, column=twice[0])
    for required in spec.required:
        if required not in df.columns:
            raise missing_column_error(name, required, list(df.columns), file)
    rows = np.arange(2, len(df) + 2) if rows is None else np.asarray(rows)
    df.index = pd.RangeIndex(len(df))
    drop = np.zeros(len(df), bool)
    problems: list[tuple[np.ndarray, str, pd.Series, str, str]] = []

    def flag(mask: np.ndarray, column: str, problem: str, action: str) -> None:
        mask = np.asarray(mask, bool)
        if mask.any():
            problems.append((mask, column, df.loc[mask, column].copy(), problem, action))

    texts = _clean_texts(df, spec)
    for col in spec.columns:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        if col.dtype in ("id", "str", "list"):
            s, nul = texts[col.name]
            if nul is not None:
                flag(nul, col.name, N_("NUL character removed"), "repaired")
            df[col.name] = s
        elif col.dtype == "datetime":
            parsed, bad = parse_datetimes(s, tz, dayfirst=dayfirst)
            if bad.any():
                flag(bad, col.name, _DATE_PROBLEM,
                     "dropped" if col.required else "repaired")
                if col.required:
                    drop |= bad
            df[col.name] = parsed
        elif col.dtype in ("float", "int"):
            num, unreadable = _to_number(s)
            flag(unreadable, col.name, N_("not a number"),
                 "dropped" if col.required else "repaired")
            bad = unreadable
            if col.minimum is not None:
                below = (num < col.minimum) | (num == col.minimum) if col.exclusive_minimum \
                    else (num < col.minimum)
                below = below.to_numpy(dtype=bool, na_value=False) & ~unreadable
                op = ">" if col.exclusive_minimum else ">="
                flag(below, col.name, N_("must be {op} {minimum}").format(
                    op=op, minimum=f"{col.minimum:g}"), "dropped" if col.required else "repaired")
                bad = bad | below
            if col.required:
                drop |= bad
            num = num.mask(bad)
            df[col.name] = num.astype("Int64") if col.dtype == "int" else num
        elif col.dtype == "bool":
            if pd.api.types.is_bool_dtype(s.dtype):
                df[col.name] = s.astype("boolean")
            else:
                text = _to_text(s).str.strip().str.lower()
                out = pd.Series(pd.NA, index=s.index, dtype="boolean")
                out[text.isin(_TRUE)] = True
                out[text.isin(_FALSE - {""})] = False
                bad = (text.notna() & ~text.isin(_TRUE | _FALSE)).to_numpy()
                flag(bad, col.name, N_("not a yes/no value (true: {true}, false: "
                                       "{false})").format(true=sorted(_TRUE),
                                                          false=sorted(_FALSE - {""})),
                     "repaired")
                df[col.name] = out
        elif col.dtype == "category":
            allowed = list(col.allowed or ())
            already = (isinstance(s.dtype, pd.CategoricalDtype)
                       and list(s.cat.categories) == allowed)
            if not already:
                text = _to_text(s).str.strip().str.lower()
                text = text.where(text != "", None)
                bad = (text.notna() & ~text.isin(allowed)).to_numpy()
                flag(bad, col.name, N_("not one of {allowed}").format(
                    allowed=", ".join(allowed)),
                     "dropped" if col.required else "repaired")
                if col.required:
                    drop |= bad
                df[col.name] = pd.Categorical(text.where(~bad, None), categories=allowed)
        # required values present
        if col.required:
            missing = df[col.name].isna().to_numpy() & ~drop
            flag(missing, col.name, N_("required value is empty"), "dropped")
            drop |= missing
    if spec.key and spec.key in df.columns:
        key = df[spec.key]
        dup = key.duplicated(keep="first").to_numpy() & key.notna().to_numpy() & ~drop
        flag(dup, spec.key, N_("duplicate {key}; the first row with this id is kept").format(
            key=spec.key), "dropped")
        drop |= dup
    if name == "events" and "end" in df.columns:
        before = (df["end"] < df["start"]).to_numpy() & ~drop
        flag(before, "end", N_("event ends before it starts; end set to empty"), "repaired")
        df.loc[before, "end"] = pd.NaT
    if name == "interactions":
        if "event_id" in df.columns:
            no_event = ((df["kind"] == "attend").to_numpy() & df["event_id"].isna().to_numpy()
                        & ~drop)
        else:
            no_event = (df["kind"] == "attend").to_numpy() & ~drop
            df["event_id"] = pd.Series(np.nan, index=df.index, dtype="str")
        flag(no_event, "event_id", N_("attendance without an event_id"), "dropped")
        drop |= no_event
    if name == "surveys":
        drop |= _check_scale(df, flag, drop)
    if problems and errors == "raise":
        listed = []
        for mask, column, values, problem, _action in problems:
            for r, v in zip(rows[mask], values, strict=False):
                listed.append({"file": file, "row": int(r), "column": column, "value": v,
                               "problem": problem})
        listed.sort(key=lambda p: (p["row"], p["column"]))
        first = listed[0]
        raise DataError(f"{first['problem']}; got {first['value']!r}" if len(listed) == 1 else
                        f"{len(listed)} problem(s) found", file=file,
                        row=first["row"] if len(listed) == 1 else None,
                        column=first["column"] if len(listed) == 1 else None,
                        value=first["value"], problems=listed)
    for mask, column, values, problem, action in problems:
        log.many(rows[mask], column, values.astype("object"), problem, action)
    if name == "members" and spec.key in df.columns:
        _note_lookalikes(df[spec.key], rows, drop, log)
    keep = ~drop
    # every row kept (a clean table): the table itself, not a copy of every row
    out = df if keep.all() else df.loc[keep].reset_index(drop=True)
    # counted per table row: rows of a long table can share one spreadsheet row number
    log.kept(int(keep.sum()), dropped=int(drop.sum()))
    return (out, rows[keep]) if return_rows else out


def _note_lookalikes(ids: pd.Series, rows: np.ndarray, drop: np.ndarray,
                     log: QualityLog) -> None:
    """Note member ids that look the same as another one (not merged: the roster decides)."""
    kept = ids[~drop & ids.notna().to_numpy()]
    if len(kept) < 2:
        return
    kept = kept.drop_duplicates()
    key = lookalike_key(kept)
    shared = key.duplicated(keep=False).to_numpy()  # only ids whose form another id shares
    if not shared.any():
        return
    kept, key = kept[shared], key[shared]
    groups = kept.groupby(key.to_numpy(), sort=False).agg(lambda v: list(dict.fromkeys(v)))
    for raw in groups[groups.map(len) > 1]:
        for value in raw[1:]:
            idx = int(np.flatnonzero((ids == value).to_numpy())[0])
            log.note(f"member_id looks like {raw[0]!r} (it differs only by case, width, "
                     f"invisible marks or look-alike letters); kept as a separate person, "
                     f"check the roster", column="member_id", value=value, row=int(rows[idx]))


#: Rows from which :func:`_clean_texts` cleans a table's text columns on two threads.
THREADED_ROWS = 200_000


def _clean_texts(df: pd.DataFrame, spec: TableSpec
                 ) -> dict[str, tuple[pd.Series, np.ndarray | None]]:
    """Each text column of ``df`` (``id``, ``str``, ``list``) as :func:`coerce_table` keeps
    it: as text, an id trimmed and an empty one missing, NUL characters removed; and the
    mask of the cells that held one (None when none did). From :data:`THREADED_ROWS` rows
    the columns are cleaned two at a time on threads (Arrow's string kernels release the
    GIL: the load's other core was idle), with the same values."""
    cols = [c for c in spec.columns if c.name in df.columns and c.dtype in ("id", "str", "list")]
    read = {c.name: df[c.name] for c in cols}   # taken here: the threads only read them

    def clean(col: Column) -> tuple[pd.Series, np.ndarray | None]:
        s = read[col.name]
        if is_text_dictionary(s.dtype):
            return clean_dictionary(s, trim=col.dtype == "id")
        if not (pd.api.types.is_string_dtype(s.dtype) and s.dtype == "str"):
            s = _to_text(s)
        if col.dtype == "id":
            s = s.str.strip()
            s = s.where(s != "", np.nan)
        nul = s.str.contains("\x00", regex=False, na=False).to_numpy(dtype=bool)
        if not nul.any():
            return s, None
        return s.str.replace("\x00", "", regex=False), nul

    from ._parallel import workers

    if len(df) >= THREADED_ROWS and len(cols) > 1 and workers() > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            return dict(zip([c.name for c in cols], pool.map(clean, cols), strict=True))
    return {c.name: clean(c) for c in cols}


def _to_text(s: pd.Series) -> pd.Series:
    """Any column as text (``str``); bytes (from Parquet binary columns) decoded as UTF-8."""
    if s.dtype == object:
        is_bytes = s.map(lambda v: isinstance(v, bytes | bytearray)).to_numpy(dtype=bool)
        if is_bytes.any():
            s = s.copy()
            s[is_bytes] = [bytes(v).decode("utf-8", errors="replace") for v in s[is_bytes]]
    return s.astype("str").where(s.notna(), np.nan)


def _to_number(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers as float64, and a mask of cells that held something unreadable or infinite."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        num = s.astype("float64")
        unreadable = np.zeros(len(s), bool)
    else:
        text = _to_text(s).str.strip()
        decimal_comma = text.str.fullmatch(r"-?\d+,\d+", na=False)
        text = text.where(~decimal_comma, text.str.replace(",", ".", regex=False))
        num = pd.to_numeric(text, errors="coerce").astype("float64")
        unreadable = (text.notna() & (text != "") & num.isna()).to_numpy()
    infinite = np.isinf(num.to_numpy(dtype="float64", na_value=np.nan))
    return num.mask(infinite), unreadable | infinite


def _check_scale(df: pd.DataFrame, flag, drop: np.ndarray) -> np.ndarray:
    value = df["value"]
    lo = df["scale_min"] if "scale_min" in df.columns else pd.Series(np.nan, index=df.index)
    hi = df["scale_max"] if "scale_max" in df.columns else pd.Series(np.nan, index=df.index)
    outside = (((value < lo) & lo.notna()) | ((value > hi) & hi.notna())).to_numpy() & ~drop
    flag(outside, "value", "rating outside the survey's scale (scale_min..scale_max)", "dropped")
    return outside
