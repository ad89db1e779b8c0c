"""PeerNetwork: the tidy tables of one network, sliced by period.

A PeerNetwork holds the tables of the data model (``docs/data-model.md``) as pandas
DataFrames and knows its time zone. ``net.period("2025")`` returns a slice: the rows inside
the window (interactions, events, problems raised, actions due, survey waves, checklist and
outcome periods) plus the full roster as context. A slice remembers its window and the
network it came from, so ``slice.previous()`` gives the same-length window just before it.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ._cache import Memoized, cached
from .errors import DataError, DataQualityWarning
from .quality import DataQuality, QualityLog
from .schema import MEMBER_REFERENCES, TABLES, coerce_table, empty_table, split_list

__all__ = ["PeerNetwork", "Window", "combine", "parse_period", "TABLE_NAMES"]

TABLE_NAMES = ("members", "events", "interactions", "problems", "actions", "surveys",
               "checklist", "outcomes")


@dataclass(frozen=True)
class Window:
    """A time window ``[start, end)`` in the network's zone, with the label that made it.

    ``kind`` is ``year``, ``quarter``, ``month``, ``fiscal_year`` or ``range``.
    """

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    kind: str = "range"
    start_month: int = 1

    @property
    def start_utc(self) -> pd.Timestamp:
        return self.start.tz_convert("UTC")

    @property
    def end_utc(self) -> pd.Timestamp:
        return self.end.tz_convert("UTC")

    @property
    def days(self) -> float:
        return (self.end - self.start) / pd.Timedelta(days=1)

    def previous(self) -> Window:
        """The window of the same kind and length just before this one."""
        if self.kind == "year":
            return parse_period(str(int(self.label) - 1), tz=str(self.start.tz))
        if self.kind == "quarter":
            p = pd.Period(self.label, freq="Q") - 1
            return parse_period(f"{p.year}Q{p.quarter}", tz=str(self.start.tz))
        if self.kind == "month":
            p = pd.Period(self.label, freq="M") - 1
            return parse_period(str(p), tz=str(self.start.tz))
        if self.kind == "fiscal_year":
            year = int(self.label[2:]) - 1
            return parse_period(f"FY{year}", tz=str(self.start.tz), start_month=self.start_month)
        # same wall-clock length, so a window across a clock change keeps whole days
        length = self.end.tz_localize(None) - self.start.tz_localize(None)
        start = (self.start.tz_localize(None) - length).tz_localize(
            self.start.tz, ambiguous=False, nonexistent="shift_forward")
        return Window(f"{start.date()}..{self.start.date()}", start, self.start, "range")

    def __str__(self) -> str:
        return self.label


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_FY = re.compile(r"^FY\s*(\d{2}|\d{4})$", re.IGNORECASE)


def parse_period(label: str, *, tz: str = "UTC", start_month: int = 7) -> Window:
    """Turn a period label into a :class:`Window` in zone ``tz``.

    Labels: ``"2025"`` (calendar year), ``"2025Q3"`` (quarter), ``"2025-03"`` (month),
    ``"FY2025"`` (fiscal year named after the calendar year it ends in: with the default
    ``start_month=7`` it runs 2024-07-01 to 2025-06-30, the US state and nonprofit habit).

    Examples
    --------
    >>> w = parse_period("FY2025", tz="America/Los_Angeles")
    >>> str(w.start.date()), str(w.end.date())
    ('2024-07-01', '2025-07-01')
    """
    text = str(label).strip()
    if not 1 <= int(start_month) <= 12:
        raise ValueError(f"start_month must be 1..12; got {start_month!r}")

    def ts(y, m):
        return pd.Timestamp(year=y, month=m, day=1).tz_localize(tz)

    if m := _YEAR.match(text):
        y = int(m.group(1))
        return Window(text, ts(y, 1), ts(y + 1, 1), "year")
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        start = ts(y, 3 * q - 2)
        end = ts(y + 1, 1) if q == 4 else ts(y, 3 * q + 1)
        return Window(f"{y}Q{q}", start, end, "quarter")
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"period {label!r}: month must be 1..12")
        end = ts(y + 1, 1) if mo == 12 else ts(y, mo + 1)
        return Window(f"{y}-{mo:02d}", ts(y, mo), end, "month")
    if m := _FY.match(text):
        y = int(m.group(1))
        y = y + 2000 if y < 100 else y
        if start_month == 1:
            return Window(f"FY{y}", ts(y, 1), ts(y + 1, 1), "fiscal_year", 1)
        return Window(f"FY{y}", ts(y - 1, start_month), ts(y, start_month), "fiscal_year",
                      int(start_month))
    raise ValueError(f"period must look like '2025', '2025Q3', '2025-03' or 'FY2025'; "
                     f"got {label!r}")


def _period_starts(labels: pd.Series, tz: str) -> pd.Series:
    """UTC start of each period label (NaT where the label is not a period)."""
    out = {}
    for label in pd.unique(labels.dropna()):
        try:
            out[label] = parse_period(str(label), tz=tz).start_utc
        except ValueError:
            out[label] = pd.NaT
    return labels.map(out).astype("datetime64[ns, UTC]")


@dataclass(frozen=True, repr=False, eq=False)
class PeerNetwork(Memoized):
    """The tables of one peer network, possibly sliced to a time window.

    Build one with :func:`peernet.load`, a ``read_*`` loader or :meth:`from_tables`; do not
    mutate its tables (methods return new networks).

    Attributes
    ----------
    members, events, interactions, problems, actions, surveys, checklist, outcomes : DataFrame
        The tables (``docs/data-model.md``); a table the source did not provide is empty.
    tz : str
        The network's own time zone: periods are calendar periods in this zone.
    quality : DataQuality
        What the loaders read, kept, repaired and dropped.
    provided : frozenset of str
        The tables the source actually provided (an empty problem log is not a missing one).
    window : Window or None
        The slice's window (None for the whole network).
    parent : PeerNetwork or None
        The whole network a slice came from.
    name : str
        A short name used in reports.
    """

    members: pd.DataFrame
    interactions: pd.DataFrame
    events: pd.DataFrame = field(default_factory=lambda: empty_table("events"))
    problems: pd.DataFrame = field(default_factory=lambda: empty_table("problems"))
    actions: pd.DataFrame = field(default_factory=lambda: empty_table("actions"))
    surveys: pd.DataFrame = field(default_factory=lambda: empty_table("surveys"))
    checklist: pd.DataFrame = field(default_factory=lambda: empty_table("checklist"))
    outcomes: pd.DataFrame = field(default_factory=lambda: empty_table("outcomes"))
    tz: str = "UTC"
    quality: DataQuality = field(default_factory=DataQuality)
    provided: frozenset = frozenset({"members", "interactions"})
    window: Window | None = None
    parent: PeerNetwork | None = None
    name: str = "network"
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        for table in TABLE_NAMES:
            df = getattr(self, table)
            if not isinstance(df, pd.DataFrame):
                raise TypeError(f"PeerNetwork.{table} must be a pandas DataFrame; got "
                                f"{type(df).__name__}")
            missing = [c for c in TABLES[table].required if c not in df.columns]
            if missing:
                raise DataError(f"table {table!r} lacks required column(s) {missing}; "
                                f"build networks with PeerNetwork.from_tables() or pn.load()")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_tables(cls, *, members: pd.DataFrame | None = None,
                    interactions: pd.DataFrame | None = None,
                    events: pd.DataFrame | None = None, problems: pd.DataFrame | None = None,
                    actions: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None,
                    checklist: pd.DataFrame | None = None,
                    outcomes: pd.DataFrame | None = None, tz: str = "UTC",
                    errors: str = "report", dayfirst: bool = False,
                    sources: Mapping[str, str] | None = None,
                    rows: Mapping[str, np.ndarray] | None = None,
                    quality: DataQuality | None = None, name: str = "network",
                    meta: Mapping[str, Any] | None = None, warn: bool = True) -> PeerNetwork:
        """Validate raw tables against the schema and build a PeerNetwork.

        Every table is coerced to its schema (:func:`peernet.schema.coerce_table`). Then the
        tables are checked against each other: a member id used in interactions, problems,
        actions or surveys but missing from the roster is added to the roster with
        ``unmatched=True`` (recorded as ``added``); an attendance row naming an unknown event
        adds that event (start = first attendance); an unknown ``supervisor_id`` is set to
        empty. With ``members=None`` the roster is built from the ids seen (all unmatched).

        Parameters
        ----------
        tz : str
            Zone of naive timestamps in the tables and the network's own zone.
        errors : {"report", "raise"}
            What to do with bad values: record and drop/repair, or raise one DataError.
        sources : mapping, optional
            Table name -> file name used in quality rows and errors (default: the table name).
        rows : mapping, optional
            Table name -> spreadsheet row number of each input row.
        quality : DataQuality, optional
            Problems the caller already found (e.g. while parsing an export).
        """
        try:
            pd.Timestamp("2000-01-01").tz_localize(tz)
        except Exception as err:  # noqa: BLE001 - any failure means an unknown zone
            raise ValueError(f"tz must be an IANA time zone like 'America/Los_Angeles'; "
                             f"got {tz!r}") from err
        sources = dict(sources or {})
        rows = dict(rows or {})
        given = {"members": members, "interactions": interactions, "events": events,
                 "problems": problems, "actions": actions, "surveys": surveys,
                 "checklist": checklist, "outcomes": outcomes}
        logs: dict[str, QualityLog] = {}
        tables: dict[str, pd.DataFrame] = {}
        for table, df in given.items():
            if df is None:
                continue
            log = QualityLog(sources.get(table, table))
            log.read(len(df))
            tables[table], rows[table] = coerce_table(
                df, table, tz=tz, log=log, rows=rows.get(table), errors=errors,
                dayfirst=dayfirst, return_rows=True)
            logs[table] = log
        provided = frozenset(tables) | {"members", "interactions"}
        if "interactions" not in tables:
            tables["interactions"] = empty_table("interactions", ["timestamp", "source", "kind",
                                                                  "target", "event_id"])
        if "members" not in tables:
            tables["members"] = empty_table("members")
            roster_log = QualityLog(sources.get("members", "members"))
            roster_log.note("no roster given: members built from the ids seen in the data")
            logs["members"] = roster_log
        _cross_check(tables, logs, sources, rows, errors)
        parts = ([quality] if quality is not None else []) + [
            logs[t].result() for t in TABLE_NAMES if t in logs]
        dq = DataQuality.merge(parts)
        if warn and not dq.ok:
            n = dq.issues["action"].isin(["dropped", "repaired", "added"]).sum()
            warnings.warn(f"{n} row(s) were dropped, repaired or added while loading {name!r}; "
                          f"see net.quality.summary()", DataQualityWarning, stacklevel=2)
        return cls(**{t: tables.get(t, empty_table(t)) for t in TABLE_NAMES}, tz=tz,
                   quality=dq, provided=provided, name=name, meta=dict(meta or {}))

    # ------------------------------------------------------------------ basics
    def has(self, table: str) -> bool:
        """True when the source provided ``table`` (even if the current slice holds no rows)."""
        if table not in TABLE_NAMES:
            raise ValueError(f"table must be one of {TABLE_NAMES}; got {table!r}")
        return table in self.provided

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (only those provided)."""
        return {t: getattr(self, t) for t in TABLE_NAMES if t in self.provided}

    def sizes(self) -> pd.DataFrame:
        """Rows per table: columns ``table``, ``rows``, ``provided``."""
        return pd.DataFrame({"table": list(TABLE_NAMES),
                             "rows": [len(getattr(self, t)) for t in TABLE_NAMES],
                             "provided": [t in self.provided for t in TABLE_NAMES]})

    @property
    def root(self) -> PeerNetwork:
        """The whole (unsliced) network."""
        return self.parent if self.parent is not None else self

    @property
    def label(self) -> str:
        """The window's label, or ``"all"`` for a whole network."""
        return self.window.label if self.window is not None else "all"

    def span(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last interaction timestamp (UTC), or None when there are none."""
        ts = self.interactions["timestamp"]
        if ts.notna().sum() == 0:
            return None
        return ts.min(), ts.max()

    def replace(self, **changes: Any) -> PeerNetwork:
        """A copy with some attributes replaced (tables are not copied)."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ slicing
    def period(self, label: str, *, start_month: int = 7) -> PeerNetwork:
        """The slice of the network in one calendar period of its own zone.

        Parameters
        ----------
        label : str
            ``"2025"``, ``"2025Q3"``, ``"2025-03"`` or ``"FY2025"``.
        start_month : int, default 7
            First month of a fiscal year (``"FY2025"`` with 7 is 2024-07-01..2025-06-30).

        Examples
        --------
        >>> net = pn.load_sample("riverbend")
        >>> y25 = net.period("2025")
        >>> y25.label, y25.previous().label
        ('2025', '2024')
        """
        return self._slice(parse_period(label, tz=self.tz, start_month=start_month))

    def between(self, start: Any, end: Any) -> PeerNetwork:
        """The slice ``[start, end)``; naive bounds are read in the network's zone."""
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        s = s.tz_localize(self.tz) if s.tzinfo is None else s.tz_convert(self.tz)
        e = e.tz_localize(self.tz) if e.tzinfo is None else e.tz_convert(self.tz)
        if e <= s:
            raise ValueError(f"between: end must be after start; got {start!r}..{end!r}")
        return self._slice(Window(f"{s.date()}..{e.date()}", s, e, "range"), memo=False)

    def previous(self) -> PeerNetwork:
        """The same-length window just before this slice (2025 -> 2024, 2025Q3 -> 2025Q2)."""
        if self.window is None:
            raise ValueError("previous() needs a slice: call net.period('2025').previous()")
        return self.root._slice(self.window.previous())

    def _slice(self, window: Window, *, memo: bool = True) -> PeerNetwork:
        # A calendar period is memoised on its root network, so ``net.period("2025")``
        # asked twice (by the evaluation and again by its maps) is one object, and the
        # ties, graphs and metrics cached on it are computed once. The memo goes with the
        # network (``peernet._cache``); pickles and copies leave it behind. Arbitrary ranges
        # (``between``) are not kept: an evaluation cuts multi-year spans once, and keeping
        # them held 1.5 GB at 10M interactions.
        root = self.root
        if not memo:
            return root._cut(window)
        return cached(root, ("slice", window), lambda: root._cut(window))

    def _cut(self, window: Window) -> PeerNetwork:
        root = self
        s, e = window.start_utc, window.end_utc

        def within(series: pd.Series) -> np.ndarray:
            return ((series >= s) & (series < e)).to_numpy(dtype=bool, na_value=False)

        out = {}
        for table in TABLE_NAMES:
            df = getattr(root, table)
            if table == "members" or len(df) == 0:
                out[table] = df
                continue
            if table in ("checklist", "outcomes"):
                mask = within(_period_starts(df["period"], root.tz))
            elif table == "surveys":
                when = _period_starts(df["wave"], root.tz)
                if "date" in df.columns:
                    when = df["date"].where(df["date"].notna(), when)
                mask = within(when)
            else:
                mask = within(df[TABLES[table].time])
            if mask.all() and isinstance(df.index, pd.RangeIndex) and df.index.start == 0 \
                    and df.index.step == 1:
                out[table] = df   # the window holds every row: no copy (1.2 s at 12M rows)
            else:
                out[table] = df.loc[mask].reset_index(drop=True)
        return replace(root, **out, window=window, parent=root)

    # ------------------------------------------------------------------ members
    def members_active(self) -> pd.Index:
        """Ids of members who did something in the window (sorted).

        Active means: the source of at least one interaction (attending included), or the
        person who raised or helped solve a problem in the window.
        """
        # asked a dozen times in an evaluation (1 s a time at 10M interactions): memoised
        # on the network object with the ties (its tables are not to be changed; an Index
        # is immutable, so it is shared)
        return cached(self, ("members_active",), self._members_active)

    def _members_active(self) -> pd.Index:
        ids = [self.interactions["source"].dropna()]
        if len(self.problems):
            ids.append(self.problems["raised_by"].dropna())
            if "helpers" in self.problems.columns:
                ids.append(split_list(self.problems["helpers"]))
        values = pd.unique(pd.concat(ids, ignore_index=True).astype("str")) if ids else []
        return pd.Index(sorted(values), name="member_id", dtype="str")

    def members_current(self) -> pd.Index:
        """Ids of roster members during the window: joined before its end and not left
        before its start (all roster members for a whole network)."""
        m = self.members
        keep = pd.Series(True, index=m.index)
        if self.window is not None:
            if "joined" in m.columns:
                keep &= ~(m["joined"] >= self.window.end_utc).fillna(False)
            if "left" in m.columns:
                keep &= ~(m["left"] < self.window.start_utc).fillna(False)
        return pd.Index(sorted(m.loc[keep, "member_id"]), name="member_id", dtype="str")

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        sizes = ", ".join(f"{t}={len(getattr(self, t))}" for t in TABLE_NAMES
                          if t in self.provided)
        return f"<PeerNetwork {self.name!r} period={self.label} tz={self.tz} {sizes}>"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(r.table)}</td><td>{r.rows}</td></tr>"
                       for r in self.sizes().itertuples() if r.provided)
        return (f"<b>PeerNetwork {html.escape(self.name)}</b> period {html.escape(self.label)}, "
                f"zone {html.escape(self.tz)}<table><tr><th>table</th><th>rows</th></tr>"
                f"{rows}</table>")


# ---------------------------------------------------------------------- cross checks
def _cross_check(tables: dict[str, pd.DataFrame], logs: dict[str, QualityLog],
                 sources: Mapping[str, str], rows: Mapping[str, np.ndarray],
                 errors: str) -> None:
    """Check tables against each other; ``rows[table][i]`` is the spreadsheet row of row i."""

    def row_of(table: str, idx: int) -> int:
        numbers = rows.get(table)
        return int(numbers[idx]) if numbers is not None else int(idx) + 2

    members = tables["members"]
    known = set(members["member_id"])
    added: dict[str, tuple[str, int | None, str]] = {}
    for table, columns in MEMBER_REFERENCES.items():
        df = tables.get(table)
        if df is None or len(df) == 0:
            continue
        for column in columns:
            if column not in df.columns:
                continue
            if TABLES[table].column(column).dtype == "list":
                values = split_list(df[column])
            else:
                values = df[column].dropna()
            unknown = values[~values.isin(known)]
            for idx, value in unknown.drop_duplicates().items():
                if value not in added:
                    added[value] = (table, row_of(table, idx), column)
    if "surveys" in tables and len(tables["surveys"]):
        s = tables["surveys"]
        about = s["about"].dropna() if "about" in s.columns else pd.Series(dtype="str")
        if "about_level" in s.columns:
            about = about[(s.loc[about.index, "about_level"] != "org").to_numpy()]
        for idx, value in about[~about.isin(known)].drop_duplicates().items():
            if value not in added:
                added[value] = ("surveys", row_of("surveys", idx), "about")
    if added:
        if errors == "raise" and len(members):
            problems = [{"file": sources.get(t, t), "row": r, "column": c, "value": v,
                         "problem": "member id not on the roster"}
                        for v, (t, r, c) in added.items()]
            one = len(problems) == 1
            raise DataError(f"{len(problems)} member id(s) not on the roster" if not one else
                            f"member id not on the roster; got {problems[0]['value']!r}. Add "
                            f"the person to members or fix the id",
                            problems=problems, file=problems[0]["file"],
                            row=problems[0]["row"] if one else None,
                            column=problems[0]["column"] if one else None)
        new = pd.DataFrame({"member_id": pd.Series(sorted(added), dtype="str"),
                            "unmatched": pd.array([True] * len(added), dtype="boolean")})
        if len(members):
            for value in sorted(added):
                table, row, column = added[value]
                logs[table].add(row, column, value,
                                "member id not on the roster; added to members as unmatched")
        if "unmatched" not in members.columns:
            members = members.assign(unmatched=pd.array([False] * len(members),
                                                       dtype="boolean"))
        tables["members"] = pd.concat([members, new], ignore_index=True)
    members = tables["members"]
    if "supervisor_id" in members.columns:
        bad = members["supervisor_id"].notna() & ~members["supervisor_id"].isin(
            set(members["member_id"]))
        for idx in np.flatnonzero(bad.to_numpy()):
            logs["members"].repair(row_of("members", idx), "supervisor_id",
                                   members["supervisor_id"].iat[idx],
                                   "supervisor is not on the roster; set to empty")
        if bad.any():
            members = members.assign(supervisor_id=members["supervisor_id"].mask(bad))
            tables["members"] = members
    if "email" in members.columns:
        email = members["email"].str.strip().str.lower()
        dup = email.duplicated(keep=False) & email.notna()
        for idx in np.flatnonzero(dup.to_numpy()):
            logs["members"].note("email shared by several member_ids (possible duplicate "
                                 "identity; not merged)", "email", members["email"].iat[idx],
                                 row=row_of("members", idx))
    inter = tables["interactions"]
    if "events" in tables and len(inter):
        events = tables["events"]
        # only the two columns needed (a copy of every attendance row with all its columns
        # was 45 MB of the load's peak at 1M interactions)
        att = inter.loc[inter["event_id"].notna().to_numpy(), ["event_id", "timestamp"]]
        unknown = att.loc[~att["event_id"].isin(set(events["event_id"]))]
        if len(unknown):
            first = unknown.groupby("event_id", sort=True, observed=True)["timestamp"].min()
            for event_id in first.index:
                row = row_of("interactions", unknown.index[unknown["event_id"] == event_id][0])
                logs["interactions"].add(row, "event_id", event_id,
                                         "event not in events; added with its first timestamp "
                                         "as start")
            stub = pd.DataFrame({"event_id": pd.Series(first.index, dtype="str"),
                                 "start": first.to_numpy()})
            tables["events"] = pd.concat([events, stub], ignore_index=True)


def combine(nets: Sequence[PeerNetwork] | Iterable[PeerNetwork], *, roster: Any = None,
            identities: Any = None, name: str | None = None,
            tz: str | None = None) -> PeerNetwork:
    """Merge several networks (e.g. one per source) into one, resolving who is who.

    Tables are concatenated. Members taken from a roster keep their ids (the first row of
    each ``member_id`` wins, a roster member over the same id flagged ``unmatched``);
    members a loader found in an export (``unmatched``) are matched to ``roster`` and to
    each other by email, platform id and normalised name, and their ids are rewritten in
    every table (:func:`peernet.io.identity.combine`). Events keep the first row of each
    ``event_id``. Data-quality records are merged. All networks must share one time zone
    unless ``tz`` is given.

    Parameters
    ----------
    roster : DataFrame, PeerNetwork or path, optional
        The roster to resolve people against.
    identities : Identities, DataFrame or path, optional
        An alias table; a path is read when it exists and rewritten with the table used.
    """
    from .io.identity import combine as _combine

    return _combine(nets, roster=roster, identities=identities, name=name, tz=tz)
