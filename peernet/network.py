"""PeerNetwork: the tidy tables of one network, sliced by period.

A PeerNetwork holds the tables of the data model (``docs/data-model.md``) as pandas
DataFrames and knows its time zone. ``net.period("2025")`` returns a slice: the rows inside
the window (interactions, events, problems raised, actions due, survey waves, checklist and
outcome periods) plus the full roster as context. A slice remembers its window and the
network it came from, so ``slice.previous()`` gives the same-length window just before it.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ._cache import Memoized, cached, memo
from .errors import DataError, DataQualityWarning
from .periods import DEFAULT_START_MONTH, Window, parse_period, period_starts
from .quality import DataQuality, QualityLog
from .schema import (
    MEMBER_REFERENCES,
    MUTUAL_KINDS,
    NS_NAT,
    TABLES,
    coerce_table,
    empty_table,
    isin,
    ns,
    split_list,
)

__all__ = ["PeerNetwork", "TABLE_NAMES", "ACT_COLUMNS", "mark_guests", "guest_ids", "mirrored_rows"]

TABLE_NAMES = ("members", "events", "interactions", "problems", "actions", "surveys",
               "checklist", "outcomes")
#: The columns of :meth:`PeerNetwork.acts` that peernet's metrics read (who acted, when,
#: how, at which event).
ACT_COLUMNS = ("timestamp", "source", "kind", "event_id")


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
                    errors: str = "report", dayfirst: bool | Mapping[str, bool] = False,
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
                dayfirst=bool(dayfirst.get(table, False)) if isinstance(dayfirst, Mapping)
                else dayfirst, return_rows=True)
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
    def period(self, period: str | Window | tuple[Any, Any], *,
               start_month: int | None = None) -> PeerNetwork:
        """The slice of the network in one period of its own zone.

        Parameters
        ----------
        period : str, Window or (start, end)
            A label, ``"2025"``, ``"2025Q3"``, ``"2025-03"``, ``"FY2025"`` or
            ``"2024-10-01..2025-10-01"``; a :class:`~peernet.periods.Window` (as it is, with
            its own fiscal start); or a ``(start, end)`` pair of dates, as :meth:`between`.
        start_month : int, optional
            First month of a fiscal year (``"FY2025"`` with 7 is 2024-07-01..2025-06-30).
            Default: the fiscal start of this slice when it is a fiscal year (so the
            fiscal calendar of a slice is kept), else 7.

        Examples
        --------
        >>> net = pn.load_sample("riverbend")
        >>> y25 = net.period("2025")
        >>> y25.label, y25.previous().label
        ('2025', '2024')
        >>> fy = net.period("FY2025", start_month=10)
        >>> str(fy.window.start.date()), fy.period("FY2024") is fy.previous()
        ('2024-10-01', True)
        """
        window = self.window_of(period, start_month=start_month)
        return self._slice(window, memo=window.kind != "range")

    def window_of(self, period: str | Window | tuple[Any, Any], *,
                  start_month: int | None = None) -> Window:
        """The :class:`~peernet.periods.Window` a period names in this network's zone and
        fiscal calendar (arguments as in :meth:`period`)."""
        if start_month is None:
            w = self.window
            start_month = (w.start_month if w is not None and w.kind == "fiscal_year"
                           else DEFAULT_START_MONTH)
        return parse_period(period, tz=self.tz, start_month=start_month)

    def between(self, start: Any, end: Any) -> PeerNetwork:
        """The slice ``[start, end)``; naive bounds are read in the network's zone.

        Its window is labelled by its dates (``"2025-01-01..2025-07-01"``). Unlike a
        calendar period, a range is cut anew each time (not kept on the network).
        """
        try:
            window = Window.range(start, end, tz=self.tz)
        except ValueError as err:
            raise ValueError(f"between: {err}") from None
        return self._slice(window, memo=False)

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
        # rows naming a fiscal year are placed in the window's own fiscal calendar
        fiscal = window.start_month if window.kind == "fiscal_year" else DEFAULT_START_MONTH

        def within(series: pd.Series) -> np.ndarray:
            return ((series >= s) & (series < e)).to_numpy(dtype=bool, na_value=False)

        out = {}
        for table in TABLE_NAMES:
            df = getattr(root, table)
            if table == "members" or len(df) == 0:
                out[table] = df
                continue
            if table in ("checklist", "outcomes"):
                mask = within(period_starts(df["period"], root.tz, start_month=fiscal))
            elif table == "surveys":
                when = period_starts(df["wave"], root.tz, start_month=fiscal)
                if "date" in df.columns:
                    when = df["date"].where(df["date"].notna(), when)
                mask = within(when)
            else:
                mask = within(df[TABLES[table].time])
            if mask.all() and isinstance(df.index, pd.RangeIndex) and df.index.start == 0 \
                    and df.index.step == 1:
                out[table] = df   # the window holds every row: no copy (1.2 s at 12M rows)
            else:
                out[table] = _rows(df, mask)
        return replace(root, **out, window=window, parent=root)

    # ------------------------------------------------------------------ members
    def acts(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The interactions as acts of the people who took part: one row per person.

        A row of a directed kind is one act, of its ``source``. A row of a mutual kind
        (:data:`peernet.schema.MUTUAL_KINDS`: a face-to-face contact, an undirected edge)
        is an act of both people, written once in any order: it is returned twice, the
        second time with ``source`` and ``target`` swapped (``mirrored`` True). Everything
        that asks who acted and how often (active members, participation, contributions,
        engagement, first and last acts) reads this table, so that no number depends on
        which id of a contact was written first. Without mutual rows it is
        ``self.interactions`` itself. Memoised; do not change it.

        ``columns`` (e.g. :data:`ACT_COLUMNS`): only these columns of the interactions (those
        the table has), without ``mirrored``; the same rows and values as the whole table's
        columns. What peernet reads of acts: a copy of four columns instead of every one
        (the whole network's and each period's acts were a third of the memory an
        evaluation kept at 30,000 members / 3.7M rows).
        """
        parent = self.parent
        if parent is not None and self.interactions is parent.interactions:
            return parent.acts(columns)   # a window holding every row: the network's acts
        if columns is None:
            return cached(self, ("acts",), lambda: self._acts(None))
        cols = tuple(c for c in columns if c in self.interactions.columns)
        store = memo(self)
        if store is not None and ("acts",) in store:    # the whole table's acts: its columns
            return store[("acts",)][list(cols)]
        return cached(self, ("acts", cols), lambda: self._acts(cols))

    def acts_bytes(self, columns: Sequence[str]) -> int:
        """Bytes that :meth:`acts` of ``columns`` would add, estimated without making them
        (each column's bytes a row, times the rows with the mirrored ones); 0 when they are
        kept already or are the interactions' own columns."""
        parent, inter = self.parent, self.interactions
        if parent is not None and inter is parent.interactions:
            return parent.acts_bytes(columns)
        cols = [c for c in columns if c in inter.columns]
        store = memo(self) or {}
        if ("acts",) in store or ("acts", tuple(cols)) in store or not len(inter):
            return 0
        rows = len(inter) + (int(mirrored_rows(inter).sum()) if "target" in inter.columns else 0)
        return rows * sum(int(inter[c].memory_usage(index=False)) for c in cols) // len(inter)

    def _acts(self, cols: tuple[str, ...] | None) -> pd.DataFrame:
        inter = self.interactions
        if "target" not in inter.columns or not len(inter):
            return inter if cols is None else inter[list(cols)]
        rows = mirrored_rows(inter)
        if not rows.any():
            return inter if cols is None else inter[list(cols)]
        if cols is not None:
            swap = {c: inter.loc[rows, o] for c, o in (("source", "target"),
                                                       ("target", "source")) if c in cols}
            mirror = inter.loc[rows, [c for c in cols if c not in swap]].assign(**swap)
            mirror = mirror[list(cols)]
            out = pd.concat([inter[list(cols)], mirror], ignore_index=True)
        else:
            mirror = inter.loc[rows].copy()
            mirror["source"], mirror["target"] = (inter.loc[rows, "target"],
                                                  inter.loc[rows, "source"])
            mirror["mirrored"] = True
            out = pd.concat([inter.assign(mirrored=False), mirror], ignore_index=True)
        for col in ("source", "target"):      # keep the table's dtypes (categories too)
            if col in out.columns and isinstance(inter[col].dtype, pd.CategoricalDtype):
                out[col] = _observed_categories(out[col])
        return out

    def act_summary(self) -> pd.DataFrame:
        """Each person's acts (:meth:`acts`: the ``source`` of a row, and either person of a
        mutual one) in this network: ``acts`` (how many), ``first`` and ``last`` (the
        earliest and latest ``timestamp``, NaT when none has one), indexed by id (str; the
        people with an act, in no particular order; guests included). Computed from the
        rows without making :meth:`acts` (a copy of four columns: 0.18 GB for a 10M-row
        year); the same values as grouping :meth:`acts` by ``source``. Memoised."""
        parent = self.parent
        if parent is not None and self.interactions is parent.interactions:
            return parent.act_summary()
        return cached(self, ("members", "act summary"), self._act_summary)

    def _act_summary(self) -> pd.DataFrame:
        inter = self.interactions
        source = inter["source"]
        if isinstance(source.dtype, pd.CategoricalDtype):   # its codes: no pass over text
            codes = source.array.codes
            ids = pd.Index(np.asarray(source.cat.categories, dtype=object), dtype="str")
        else:
            codes, people = pd.factorize(source)
            ids = pd.Index(np.asarray(people, dtype=object), dtype="str")
        times = inter["timestamp"]
        stamps = ns(times)
        parts = [(codes, stamps)]
        if "target" in inter.columns and len(inter):
            rows = mirrored_rows(inter)
            if rows.any():   # the other person of a mutual row acted too
                other = pd.Series(np.asarray(inter["target"][rows], dtype=object), dtype="str")
                at = np.asarray(ids.get_indexer(other), np.int64)
                new, more = pd.factorize(other[at < 0])
                at[at < 0] = len(ids) + np.asarray(new, np.int64)
                ids = ids.append(pd.Index(np.asarray(more, dtype=object), dtype="str"))
                parts.append((at, stamps[rows]))
        k = len(ids)
        count = np.zeros(k, np.int64)
        first = np.full(k, np.iinfo(np.int64).max)
        last = np.full(k, NS_NAT)
        for c, t in parts:   # rows without a person or a time picked only when there are
            ok = c >= 0
            count += np.bincount(c if ok.all() else c[ok], minlength=k)
            ok &= t != NS_NAT
            if not ok.all():
                c, t = c[ok], t[ok]
            np.minimum.at(first, c, t)
            np.maximum.at(last, c, t)
        first[first == np.iinfo(np.int64).max] = NS_NAT
        if isinstance(source.dtype, pd.CategoricalDtype):   # the categories who acted
            keep = count > 0
            count, first, last, ids = count[keep], first[keep], last[keep], ids[keep]

        def column(v: np.ndarray) -> pd.Series:
            out = pd.Series(v.view("datetime64[ns]"), index=ids).dt.tz_localize("UTC")
            return out.astype(times.dtype)

        return pd.DataFrame({"acts": count, "first": column(first), "last": column(last)},
                            index=ids)

    def members_active(self) -> pd.Index:
        """Ids of members who did something in the window (sorted); guests are not members.

        Active means: taking part in at least one interaction (its source, or either person
        of a mutual one such as a contact: :meth:`acts`; attending included), or raising or
        helping solve a problem in the window.
        """
        # asked a dozen times in an evaluation (1 s a time at 10M interactions): memoised
        # on the network object with the ties (its tables are not to be changed; an Index
        # is immutable, so it is shared)
        return cached(self, ("members_active",), self._members_active)

    def _members_active(self) -> pd.Index:
        # the sources of :meth:`acts` (each row's source, and the other person of a
        # mutual row), distinct before they become text: not a copy of the rows (the
        # acts of a 10M-row year are 0.25 GB, made here during the Grid and held from
        # then on, before anything else needed them)
        inter = self.interactions
        ids = [_distinct(inter["source"])]
        if "target" in inter.columns and len(inter):
            rows = mirrored_rows(inter)
            if rows.any():
                ids.append(_distinct(inter["target"][rows]))
        if len(self.problems):
            ids.append(self.problems["raised_by"].dropna())
            if "helpers" in self.problems.columns:
                ids.append(split_list(self.problems["helpers"]))
        values = pd.unique(pd.concat(ids, ignore_index=True).astype("str")) if ids else []
        guests = guest_ids(self.members)   # guests are in the log, never members
        if guests:
            values = [v for v in values if v not in guests]
        return pd.Index(sorted(values), name="member_id", dtype="str")

    def members_current(self) -> pd.Index:
        """Ids of roster members during the window: joined before its end and not left
        before its start (all roster members for a whole network)."""
        # memoised as members_active (an Index is immutable): asked by every breakdown,
        # card and finding of a report (a sort of 100,000 ids each time)
        return cached(self, ("members_current",), self._members_current)

    def _members_current(self) -> pd.Index:
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
        """In Jupyter: the tables and their sizes, the window, and the data-quality summary
        (all escaped; no member is named)."""
        rows = "".join(f"<tr><td>{html.escape(r.table)}</td><td>{r.rows}</td></tr>"
                       for r in self.sizes().itertuples() if r.provided)
        window = ""
        if self.window is not None:
            w = self.window
            window = (f"<br>window {html.escape(str(w.start.date()))} to "
                      f"{html.escape(str((w.end - pd.Timedelta(days=1)).date()))}, "
                      f"{len(self.members_active()):,} members active")
        quality = html.escape(self.quality.summary())
        return (f"<b>PeerNetwork {html.escape(self.name)}</b> period {html.escape(self.label)}, "
                f"zone {html.escape(self.tz)}{window}<table><tr><th>table</th><th>rows</th>"
                f"</tr>{rows}</table><details><summary>data quality</summary><pre>{quality}"
                f"</pre></details>")


def mirrored_rows(inter: pd.DataFrame) -> np.ndarray:
    """Rows of ``inter`` (with a ``target`` column) that :meth:`PeerNetwork.acts` writes
    twice: a mutual kind between two people."""
    mutual = [k for k, m in MUTUAL_KINDS.items() if m]
    return (inter["kind"].isin(mutual).to_numpy() & inter["target"].notna().to_numpy()
            & (inter["source"] != inter["target"]).to_numpy())


def _distinct(values: pd.Series) -> pd.Series:
    """The distinct values of ``values``, missing ones left out (a categorical's observed
    categories: no pass over the rows' text)."""
    return pd.Series(values.unique()).dropna()


def _observed_categories(values: pd.Series) -> pd.Series:
    """``values.astype("str").astype("category")`` of a categorical (or of anything, when
    that is what the concatenation gave) without a string per row: its observed
    categories, sorted."""
    if not isinstance(values.dtype, pd.CategoricalDtype) or \
            values.cat.categories.dtype != "str":
        return values.astype("str").astype("category")
    out = values.cat.remove_unused_categories()
    return out.cat.reorder_categories(out.cat.categories.sort_values())


def _rows(df: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``df.loc[mask]`` with a fresh RangeIndex. Rows in one run (a table in time order cut
    by a window: a year of a log sorted by time) are a positional slice, which shares the
    table's memory (copy-on-write) instead of copying it: 1 GB less at 10M interactions."""
    hit = np.flatnonzero(mask)
    if len(hit) and hit[-1] - hit[0] + 1 == len(hit):
        return df.iloc[hit[0]:hit[-1] + 1].reset_index(drop=True)
    return df.loc[mask].reset_index(drop=True)


def mark_guests(members: pd.DataFrame) -> pd.DataFrame:
    """The members table with its ``guest`` column: who is kept in the log but is not a member.

    A guest is a person seen in the data but not matched to the roster (``unmatched``) when
    the network has a roster (at least one member who is not ``unmatched``), or an
    unidentified participant (``anonymous``: a device or a phone number), roster or not.
    Without any roster every person seen is a member. Guests keep their own ids and their
    rows in every table; they are never counted as members (``net.members_active()``,
    ``pn.participation``'s member columns and every member denominator leave them out).
    """
    if "unmatched" not in members.columns and "anonymous" not in members.columns:
        if "guest" in members.columns:
            return members
        return members.assign(guest=pd.array([False] * len(members), dtype="boolean"))

    def flag(col: str) -> np.ndarray:
        if col not in members.columns:
            return np.zeros(len(members), bool)
        return members[col].astype("boolean").fillna(False).to_numpy(dtype=bool)

    unmatched, anonymous = flag("unmatched"), flag("anonymous")
    roster_given = bool((~unmatched & ~anonymous).any())
    guest = anonymous | (unmatched & roster_given)
    return members.assign(guest=pd.array(guest, dtype="boolean"))


def guest_ids(members: pd.DataFrame) -> set[str]:
    """Ids of the guests of a members table (empty without a ``guest`` column)."""
    if "guest" not in members.columns:
        return set()
    g = members["guest"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return set(members.loc[g, "member_id"].astype("str"))


# ---------------------------------------------------------------------- cross checks
def _cross_check(tables: dict[str, pd.DataFrame], logs: dict[str, QualityLog],
                 sources: Mapping[str, str], rows: Mapping[str, np.ndarray],
                 errors: str) -> None:
    """Check tables against each other; ``rows[table][i]`` is the spreadsheet row of row i."""

    def row_of(table: str, idx: int | np.integer) -> int:
        numbers = rows.get(table)
        return int(numbers[idx]) if numbers is not None else int(idx) + 2

    members = tables["members"]
    known = members["member_id"]   # an Arrow id column: isin reads it without a loop
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
                unknown = values[~isin(values, known)]
            else:   # no copy of the present values (12.5M ids of a 100k network's sources)
                values = df[column]
                unknown = values[~isin(values, known) & values.notna().to_numpy()]
            for idx, value in unknown.drop_duplicates().items():
                if value not in added:
                    added[value] = (table, row_of(table, idx), column)
    if "surveys" in tables and len(tables["surveys"]):
        s = tables["surveys"]
        about = s["about"].dropna() if "about" in s.columns else pd.Series(dtype="str")
        if "about_level" in s.columns:
            about = about[(s.loc[about.index, "about_level"] != "org").to_numpy()]
        for idx, value in about[~isin(about, known)].drop_duplicates().items():
            if value not in added:
                added[value] = ("surveys", row_of("surveys", idx), "about")
    if added:
        if errors == "raise" and len(members):
            problems = [{"file": sources.get(t, t), "row": r, "column": c, "value": v,
                         "problem": "member id not on the roster"}
                        for v, (t, r, c) in added.items()]
            one = len(problems) == 1
            value, (table, row, column) = next(iter(added.items()))
            raise DataError(f"{len(problems)} member id(s) not on the roster" if not one else
                            f"member id not on the roster; got {value!r}. Add "
                            f"the person to members or fix the id",
                            problems=problems, file=sources.get(table, table),
                            row=row if one else None, column=column if one else None)
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
    members = tables["members"] = mark_guests(tables["members"]) if (
        "unmatched" in tables["members"].columns or "anonymous" in tables["members"].columns
        or "guest" in tables["members"].columns) else tables["members"]
    if "supervisor_id" in members.columns:
        bad = members["supervisor_id"].notna() & ~isin(members["supervisor_id"],
                                                     members["member_id"])
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
        # of the rows with an event id, those whose id is not an event's, checked on the
        # whole column (the events' ids as their Arrow column: a Python set of them was
        # 0.4 s at 274k; a copy of the attendance rows first, 0.6 s at 10M interactions)
        ev = inter["event_id"]
        unknown = inter.loc[ev.notna().to_numpy() & ~isin(ev, events["event_id"]),
                            ["event_id", "timestamp"]]
        if len(unknown):
            first = unknown.groupby("event_id", sort=True, observed=True)["timestamp"].min()
            # the first row of each unknown event, in one pass (a scan per event was
            # quadratic: 40 s for 64,000 attendance rows of missing events)
            ids = unknown["event_id"].astype("object").to_numpy()
            first_row = dict(zip(ids[::-1], unknown.index[::-1], strict=True))
            for event_id in first.index:
                row = row_of("interactions", first_row[event_id])
                logs["interactions"].add(row, "event_id", event_id,
                                         "event not in events; added with its first timestamp "
                                         "as start")
            stub = pd.DataFrame({"event_id": pd.Series(first.index, dtype="str"),
                                 "start": first.to_numpy()})
            tables["events"] = pd.concat([events, stub], ignore_index=True)
