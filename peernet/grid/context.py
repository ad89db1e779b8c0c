"""The Grid indicators' context: cached views of one network, and the indicator registry.

Every indicator is a function ``f(ctx, **params) -> Value`` registered in :data:`INDICATORS`
with :func:`indicator`; ``ctx`` is a :class:`Context` around one (sliced) network that caches
the pieces several indicators share (direct ties, attendance, months, the previous period).
The indicators live by Grid layer in :mod:`peernet.grid.bedrock`, :mod:`.foundation` and
:mod:`.outcomes`; they share the helpers here (``no_data``, ``share``, ``cross_org_pairs``),
and pairs and integer kernels from :mod:`peernet.ties`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, NamedTuple, Protocol, cast

import numpy as np
import pandas as pd

from .._cache import cached
from ..network import PeerNetwork
from ..positions import column_codes
from ..report.i18n import N_
from ..schema import isin
from ..ties import NS_NAT, Ties, file_paged, in_sorted, ns, pair_keys, stable_order, unique_int
from .events import over_meetings, present_mask, repeated, rows_at
from .pairs import pair_counts, pair_ends
from .periods import short_history
from .rows import factorize_at, member_codes

__all__ = ["INDICATORS", "Context", "Value", "indicator", "DIRECT_KINDS", "CONTRIBUTION_KINDS",
           "GIVING_KINDS"]

#: Interaction kinds that make a person-to-person tie when they have a target (as in
#: :func:`peernet.person_graph`: every kind but attendance).
DIRECT_KINDS = ("message", "reply", "mention", "reaction", "call", "contact", "help",
                "resource", "referral")
#: Kinds counted as a member's "voice" (what they said, wrote or asked).
CONTRIBUTION_KINDS = ("message", "reply")
#: Kinds that give something to another member.
GIVING_KINDS = ("help", "resource", "referral")
_NON_MEETING_KINDS = ("thread", "channel")
#: Channels of meeting in person, and electronic ones (the Grid's channel balance).
IN_PERSON_CHANNELS = ("in_person",)
ELECTRONIC_CHANNELS = ("video", "phone", "email", "chat", "listserv")
DAYS_PER_YEAR = 365.25
#: Rows whose month :attr:`Context.inter_month` finds at a time.
MONTH_CHUNK = 1 << 20


class Value(NamedTuple):
    """An indicator's raw value (NaN = no data) and a note explaining it."""

    value: float
    note: str = ""


def no_data(note: str) -> Value:
    return Value(math.nan, note)


def share(num: float, den: float, what: str) -> Value:
    if den == 0:
        return no_data(N_("no {what}").format(what=what))
    return Value(float(num) / float(den), N_("{num} of {den} {what}").format(
        num=f"{num:g}", den=f"{den:g}", what=what))


class IndicatorFunction(Protocol):
    """An indicator: ``f(ctx, **params)`` returning a :class:`Value` (or, for indicators
    that expand to several rows, a list of ``(name, Value)``)."""

    __name__: str
    params: tuple[str, ...]
    needs: str

    def __call__(self, ctx: Context, /, **params: Any) -> Value | list[tuple[str, Value]]: ...


#: The registered indicators by function name (the rubric's ``function`` value).
INDICATORS: dict[str, IndicatorFunction] = {}


def indicator(*, params: tuple[str, ...] = (), needs: str = ""
              ) -> Callable[[Callable[..., Any]], IndicatorFunction]:
    """Register an indicator function (its name is the rubric's ``function`` value)."""

    def deco(f: Callable[..., Any]) -> IndicatorFunction:
        g = cast(IndicatorFunction, f)
        g.params = params
        g.needs = needs
        INDICATORS[g.__name__] = g
        return g

    return deco


# ---------------------------------------------------------------------------- context
class Context:
    """Cached views of one network for the indicators (one per scored period).

    Parameters
    ----------
    net : PeerNetwork
        The network, usually a slice (``net.period("2025")``).
    previous : PeerNetwork, False or None
        The period before, for indicators of change; ``None`` takes ``net.previous()`` when
        ``net`` is a slice; ``False`` means there is none.
    """

    def __init__(self, net: PeerNetwork, previous: PeerNetwork | None | bool = None, *,
                 ids: pd.Series | None = None) -> None:
        if not isinstance(net, PeerNetwork):
            raise TypeError(f"score needs a PeerNetwork; got {type(net).__name__}")
        self.net, self._previous_arg, self._ids = net, previous, ids

    # -- window ---------------------------------------------------------------------
    @cached_property
    def bounds(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """UTC ``[start, end)`` of the window, or the data's span for a whole network."""
        w = self.net.window
        if w is not None:
            return w.start_utc, w.end_utc
        times = [self.inter["timestamp"].dropna(), self.events["start"].dropna()]
        times = [t for t in times if len(t)]
        if not times:
            return None
        lo = min(t.min() for t in times)
        hi = max(t.max() for t in times)
        return lo, hi + pd.Timedelta(seconds=1)

    @cached_property
    def days(self) -> float:
        b = self.bounds
        return math.nan if b is None else (b[1] - b[0]) / pd.Timedelta(days=1)

    @cached_property
    def years(self) -> float:
        return self.days / DAYS_PER_YEAR

    @cached_property
    def quarters(self) -> float:
        return self.days / (DAYS_PER_YEAR / 4)

    def month_index(self, ts: pd.Series) -> np.ndarray:
        """Calendar month number (year * 12 + month - 1) of UTC times in the network's zone."""
        local = ts.dt.tz_convert(self.net.tz)
        return (local.dt.year.to_numpy() * 12 + local.dt.month.to_numpy() - 1).astype(np.int64)

    @cached_property
    def months(self) -> np.ndarray:
        """Month numbers of every calendar month the window touches."""
        if self.bounds is None:
            return np.array([], dtype=np.int64)
        lo, hi = self.bounds
        a = self.month_index(pd.Series([lo]))[0]
        b = self.month_index(pd.Series([hi - pd.Timedelta(microseconds=1)]))[0]
        return np.arange(a, b + 1, dtype=np.int64)

    # -- tables ---------------------------------------------------------------------
    @property
    def inter(self) -> pd.DataFrame:
        return self.net.interactions

    @property
    def events(self) -> pd.DataFrame:
        return self.net.events

    def months_among(self, month_numbers: np.ndarray) -> int:
        """How many of the window's :attr:`months` are among ``month_numbers``."""
        at = np.asarray(month_numbers, np.int64) - (self.months[0] if len(self.months) else 0)
        hit = np.zeros(len(self.months), bool)
        hit[at[(at >= 0) & (at < len(self.months))]] = True
        return int(hit.sum())

    @cached_property
    def inter_month(self) -> np.ndarray:
        """:meth:`month_index` of every row: int16 when every one fits (a month number of
        a year up to 2730 does), else int32 (a value per row)."""
        ts, lo, hi = self.inter["timestamp"], np.iinfo(np.int16).min, np.iinfo(np.int16).max
        out = np.empty(len(ts), np.int16 if len(ts) else np.int32)
        for a in range(0, len(ts), MONTH_CHUNK):   # a chunk's int64 and local times at a time
            m = self.month_index(ts.iloc[a:a + MONTH_CHUNK])
            if out.dtype == np.int16 and not (m.min() >= lo and m.max() <= hi):
                out = out.astype(np.int32)
            out[a:a + len(m)] = m.astype(out.dtype)
        return file_paged(self.net)(out)

    @cached_property
    def kinds_logged(self) -> frozenset:
        """Interaction kinds the whole network's source logs (not only this window)."""
        k = self.net.root.interactions["kind"]
        return frozenset(str(x) for x in pd.unique(k.dropna()))

    @cached_property
    def roster(self) -> pd.DataFrame:
        return self.net.members

    def has_column(self, table: str, column: str) -> bool:
        """Whether the whole network's ``table`` has ``column`` with a value (memoised)."""
        def build() -> bool:
            df = getattr(self.net.root, table)
            return column in df.columns and bool(df[column].notna().any())

        return root_cache(self.net.root, f"has {table}.{column}", build)

    def unresampled(self, key: str, build: Callable[[Context], Any]) -> Any:
        """``build(self)`` once for the slice, for what reads only tables a bootstrap replicate
        does not resample (the roster, the problem log): a replicate reads its slice's."""
        return cached(self, ("grid", "unresampled", key), lambda: build(self))

    def over_active(self, key: str, build: Callable[[Context], tuple[np.ndarray, ...]]
                    ) -> tuple[np.ndarray, ...]:
        """``build(self)`` once for the slice: arrays over :attr:`active`, a member's value
        not depending on who else is active (a join date); a replicate reads its slice's."""
        return cached(self, ("grid", "over_active", key), lambda: build(self))

    # -- members as integer codes (0..n-1 over the whole network's roster) ----------
    @cached_property
    def ids(self) -> pd.Series:
        """Member ids of the whole network's roster; their positions are member codes."""
        if self._ids is not None:
            return self._ids
        return root_cache(self.net.root, "ids", lambda: unique_ids(self.net.root))

    @property
    def n(self) -> int:
        return len(self.ids)

    def codes(self, values: pd.Series) -> np.ndarray:
        """Member codes of ids (-1 for missing or unknown ids)."""
        return member_codes(self.ids, values, index=self.id_index)

    @cached_property
    def id_index(self) -> pd.Index:
        """:attr:`ids` as an index (made once: its hash table too)."""
        return pd.Index(self.ids)

    def mask(self, values: pd.Series | pd.Index) -> np.ndarray:
        """Boolean array over member codes: True for the given ids."""
        out = np.zeros(self.n, dtype=bool)
        c = self.codes(pd.Series(np.asarray(values, dtype=object), dtype="str"))
        out[c[c >= 0]] = True
        return out

    # the values a row: in files' pages when the interactions are (ties.file_paged)
    @cached_property
    def src(self) -> np.ndarray:   # int32: a value per row
        return file_paged(self.net)(member_codes(
            self.ids, self.inter["source"], small=True, index=self.id_index,
            coded=column_codes(self.net, "source")))

    @cached_property
    def tgt(self) -> np.ndarray:
        if "target" not in self.inter.columns:
            return np.full(len(self.inter), -1, dtype=np.int32)
        return file_paged(self.net)(member_codes(
            self.ids, self.inter["target"], small=True, index=self.id_index,
            coded=column_codes(self.net, "target")))

    @cached_property
    def ts_ns(self) -> np.ndarray:
        return file_paged(self.net)(ns(self.inter["timestamp"]))

    @cached_property
    def direct_mask(self) -> np.ndarray:
        """Rows that are person-to-person acts (a kind of DIRECT_KINDS with a target)."""
        return (self.kind_in(DIRECT_KINDS) & (self.src >= 0) & (self.tgt >= 0)
                & (self.src != self.tgt))

    @cached_property
    def pair_keys(self) -> np.ndarray:
        """Distinct undirected tie pairs of direct acts between roster members, in member
        codes, as ``min * n + max`` (sorted): the ties of :func:`peernet.ties.person_ties`
        without co-attendance, from its pairs alone (``ties.undirected_pairs``)."""
        from ..ties import undirected_pairs
        nodes, u, v = undirected_pairs(self.net, DIRECT_KINDS)
        at = self.codes(pd.Series(nodes, dtype="str"))
        a, b, ok = at[u], at[v], (at[u] >= 0) & (at[v] >= 0)
        return unique_int(pair_keys(a[ok], b[ok], self.n))

    def pairs_in(self, keys: np.ndarray) -> np.ndarray:
        """Which of :attr:`pair_keys` are among ``keys`` (sorted, distinct pair keys;
        memoised by the array: a previous period's pairs, the history's, which a slice's
        bootstrap replicates read again)."""
        seen = self.__dict__.setdefault("_pairs_in", {})
        hit = seen.get(id(keys))
        if hit is None or hit[0] is not keys:
            hit = seen[id(keys)] = (keys, in_sorted(self.pair_keys, keys))
        return hit[1]

    def tied_members(self) -> np.ndarray:
        """Member codes (sorted, distinct) with a tie of :attr:`pair_keys`."""
        def build() -> np.ndarray:
            tied = np.zeros(self.n, bool)
            k = self.pair_keys if self.mult is None else None   # a slice's ends: not kept
            for end in pair_ends(self) if k is None else (k // self.n, k % self.n):
                tied[end] = True
            return np.flatnonzero(tied)

        return cached(self, ("grid", "tied"), build)

    def tie_keys(self, ties: Ties, keep: np.ndarray | None = None) -> np.ndarray:
        """Undirected pair keys (member codes, sorted, distinct) of ``ties`` (those with
        ``keep``); ties with someone who is not on the roster are left out."""
        at = self.codes(pd.Series(ties.nodes, dtype="str"))
        u, v = (ties.u, ties.v) if keep is None else (ties.u[keep], ties.v[keep])
        a, b = at[u], at[v]
        ok = (a >= 0) & (b >= 0)
        return unique_int(pair_keys(a[ok], b[ok], self.n))

    @cached_property
    def org_code(self) -> np.ndarray | None:
        """Organization code of each member code (-1 unknown); None without an org column."""
        if not self.has_column("members", "org"):
            return None
        if self._ids is not None:
            return self._attr_codes("org")
        return root_cache(self.net.root, "org", lambda: self._attr_codes("org"))

    def _attr_codes(self, column: str) -> np.ndarray:
        roster = self.net.root.members.drop_duplicates("member_id")
        at = self.codes(roster["member_id"])
        values, _ = pd.factorize(roster[column])
        out = np.full(self.n, -1, dtype=np.int64)
        out[at[at >= 0]] = values[at >= 0]
        return out

    @cached_property
    def joined_ns(self) -> np.ndarray | None:
        """Join date (int64 ns, NaT as the minimum int) of each member code."""
        if not self.has_column("members", "joined"):
            return None

        def build():
            roster = self.net.root.members.drop_duplicates("member_id")
            at = self.codes(roster["member_id"])
            out = np.full(self.n, NS_NAT, dtype=np.int64)
            out[at[at >= 0]] = ns(roster["joined"])[at >= 0]
            return out

        return build() if self._ids is not None else root_cache(self.net.root, "joined", build)

    @cached_property
    def active(self) -> pd.Index:
        return self.net.members_active()

    @cached_property
    def active_mask(self) -> np.ndarray:
        return self.mask(self.active)

    @cached_property
    def current(self) -> pd.Index:
        return self.net.members_current()

    @cached_property
    def current_mask(self) -> np.ndarray:
        return self.mask(self.current)

    @cached_property
    def member_languages(self) -> pd.Series:
        """Languages (lower case) of the window's roster members who give one."""
        if "language" not in self.roster.columns:
            return pd.Series([], dtype="str")
        roster = self.roster[isin(self.roster["member_id"], self.current)]
        return roster["language"].dropna().astype("str").str.lower()

    @property
    def attend_mask(self) -> np.ndarray:
        """Attendance rows with an event, of roster members (read once: not kept)."""
        i = self.inter
        return (i["kind"] == "attend").to_numpy() & i["event_id"].notna().to_numpy() & (
            self.src >= 0)

    @cached_property
    def attend(self) -> pd.DataFrame:
        """Attendance rows, one a pair: member code ``m`` and ``event_id`` (categorical:
        the ids in the order they first appear; no id string copied a row)."""
        return self._attendance[1]

    @property
    def attend_rows(self) -> np.ndarray:
        """The interaction row of each row of :attr:`attend` (its pair's first)."""
        return self._attendance[0]

    @cached_property
    def _attendance(self) -> tuple[np.ndarray, pd.DataFrame]:
        rows = np.flatnonzero(self.attend_mask)
        codes, ids = factorize_at(self.inter["event_id"], rows,   # no id text a row
                                  coded=column_codes(self.net, "event_id"))
        writable = codes.dtype == np.int64 and codes.flags.writeable
        key = codes if writable else codes.astype(np.int64)   # event * n + member, in place
        del codes
        key *= self.n
        key += self.src[rows]
        if len(self.inter) < np.iinfo(np.int32).max:   # int32 rows (a value a row) kept
            rows = rows.astype(np.int32)
        order = stable_order(key)   # each pair's first row, in the rows' order
        first = key[order]
        first = order[np.r_[True, first[1:] != first[:-1]]] if len(first) else order
        del order
        first.sort()
        event = (key[first] // self.n).astype(np.int32)
        del key
        rows = rows[first]
        return rows, pd.DataFrame({
            "m": self.src[rows], "event_id": pd.Categorical.from_codes(
                event, categories=pd.Index(ids), validate=False)})

    @cached_property
    def attendee_mask(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[self.attend["m"].to_numpy()] = True
        return out

    @cached_property
    def attend_codes(self) -> tuple[np.ndarray, np.ndarray, pd.Series]:
        """:attr:`attend` as integers: each row's member code and event code (int32, the
        columns' own arrays), and the events' ids (event code ``i`` is ``ids[i]``)."""
        # an event's first row is its pair's first: the codes a factorization gives
        a, event = self.attend, self.attend["event_id"].array
        return a["m"].to_numpy(), event.codes, pd.Series(event.categories.array)

    @cached_property
    def meetings(self) -> pd.DataFrame:
        """Events that are gatherings (not listserv threads or chat channels)."""
        e = self.events
        if "kind" in e.columns:
            e = e[~e["kind"].isin(_NON_MEETING_KINDS).to_numpy()]
        return e

    # -- multiplicities: a bootstrap replicate's rows count as often as they were drawn ---
    #: Multiplicity of each row of the per-row arrays (:attr:`src`, :attr:`tgt`,
    #: :meth:`kind_in`, ...) and of each row of :attr:`attend`; None: every row once. The
    #: replicate context of :mod:`peernet.grid.replicates` sets them: an indicator that
    #: counts rows counts with :meth:`count` / :meth:`count_attend`, so that it is written
    #: once for the data and for the bootstrap.
    row_weight: np.ndarray | None = None
    attend_weight: np.ndarray | None = None
    #: The draw counts of the resampling units of a bootstrap replicate; None on a slice.
    mult: np.ndarray | None = None
    #: Multiplicity of each row of :attr:`events` (:mod:`peernet.grid.events`); None: once.
    event_weight: np.ndarray | None = None

    def count(self, mask: np.ndarray) -> int:
        """Rows selected by ``mask`` (over the per-row arrays), with their multiplicity."""
        w = self.row_weight
        return int(np.count_nonzero(mask)) if w is None else int(np.compress(mask, w).sum())

    def count_attend(self, mask: np.ndarray) -> int:
        """Rows of :attr:`attend` selected by ``mask``, with their multiplicity."""
        w = self.attend_weight
        return int(np.count_nonzero(mask)) if w is None else int(np.compress(mask, w).sum())

    def kind_in(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Rows whose kind is one of ``kinds`` (boolean over the per-row arrays). Read from
        a categorical's codes each time (a look-up a row: no mask a row kept); the texts'
        are memoised."""
        key = tuple(kinds)
        k = self.inter["kind"]
        if isinstance(k.dtype, pd.CategoricalDtype):   # the categories', at each code
            cat = k.array
            return np.r_[cat.categories.isin(key), False][cat.codes]   # -1: no kind
        return cached(self, ("kind_in", key), lambda: k.isin(key).to_numpy(dtype=bool))

    @cached_property
    def has_thread_rows(self) -> bool:
        """Whether any row has a ``thread_id``."""
        return "thread_id" in self.inter.columns and bool(self.inter["thread_id"].notna().any())

    @cached_property
    def channel_class(self) -> np.ndarray:
        """Channel of each row: 0 in person, 1 electronic, 2 another, -1 none (a row without
        one takes its event's when the slice has attendance)."""
        return channel_classes(self, len(self.attend) > 0)

    def threads(self) -> pd.DataFrame:
        """:func:`peernet.metrics.temporal.first_reply_hours` of the slice (threads are found
        in the whole network's log: a replicate reads the slice's indicator; not kept)."""
        from ..metrics.temporal import first_reply_hours

        return first_reply_hours(self.net)

    def help_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Giver and receiver member codes of every act of help (:func:`peernet.metrics
        .followup.help_given`) and each act's multiplicity (None: once each)."""
        from ..metrics.followup import help_given
        from ..ties import with_columns
        from .rows import between

        # the problem log's acts, then the help rows' codes (no id text copied a row)
        net = self.net
        fixed = help_given(net.replace(interactions=net.interactions.iloc[:0]))
        rows = np.flatnonzero(between(self, with_columns(self.inter), self.kind_in(("help",)),
                                      source=True))
        return (np.concatenate([self.codes(fixed["giver"].astype("str")), self.src[rows]]),
                np.concatenate([self.codes(fixed["receiver"].astype("str")), self.tgt[rows]]),
                None)

    def help_orgs(self) -> tuple[Any, ...]:
        """:meth:`help_codes` (acts of multiplicity 0 may be among them) with the giver's and
        the receiver's organization codes first (-1 unknown); needs :attr:`org_code`."""
        g, r, w = self.help_codes()
        return (*code_orgs(self, g, r), g, r, w)

    def largest_component(self) -> tuple[int, int]:
        """Members in the largest component of the default person graph, and members in
        the graph (:func:`peernet.person_graph`: direct ties and co-attendance)."""
        from ..metrics import arrays as K

        return K.largest_component(self.net)

    def reciprocity(self) -> float:
        """:func:`peernet.metrics.reciprocity` of the slice."""
        from ..metrics.structure import reciprocity

        return float(reciprocity(self.net))

    def core_mask(self) -> np.ndarray:
        """Core members (mask over member codes): the core of the Borgatti-Everett model of
        the period's direct ties (:func:`peernet.metrics.core_periphery`)."""
        from ..metrics.coreperiphery import core_periphery

        def build() -> np.ndarray:
            cp = core_periphery(self.net)
            return self.mask(cp.loc[cp["core"].to_numpy(dtype=bool), "member_id"].astype("str"))

        return cached(self, ("grid", "core"), build)

    @cached_property
    def main_series(self) -> tuple[np.ndarray, str]:
        """The network's regular meeting series, as positions in :attr:`meetings` (each row
        as many times as it is among the events: :func:`peernet.grid.events.rows_at`), and
        how it was chosen."""
        m = self.meetings
        here = present_mask(self, m)
        if "format" in m.columns:
            has, network = over_meetings(self, "formats", _formats)
            if (has & here).any():
                if (network & here).any():
                    return rows_at(self, m, network), N_("events with format network_meeting")
                top = repeated(self, m.iloc[np.flatnonzero(here)])["format"].value_counts()
                top = top.index[0]
                return rows_at(self, m, (m["format"] == top).to_numpy(
                    dtype=bool, na_value=False)), N_("events with the most common format "
                                                     "{format}").format(format=repr(top))
        return rows_at(self, m, here), N_("all meetings")

    def compute(self, function: str, params: Mapping[str, Any] | None = None
                ) -> Value | list[tuple[str, Value]]:
        """Run indicator ``function`` with ``params`` once; later calls reuse the result."""
        params = dict(params or {})
        key = (function, tuple(sorted((k, repr(v)) for k, v in params.items())))
        f = INDICATORS[function]
        return cached(self, ("indicator", *key), lambda: f(self, **params))

    # -- previous period -----------------------------------------------------------
    @cached_property
    def previous(self) -> Context | None:
        prev = self._previous_arg
        if prev is False:
            return None
        if prev is None:
            if self.net.window is None:
                return None
            prev = self.net.previous()
        if not isinstance(prev, PeerNetwork):
            raise TypeError(f"previous must be a PeerNetwork, False or None; got "
                            f"{type(prev).__name__}")
        if len(prev.interactions) == 0 and len(prev.problems) == 0:
            return None
        if prev.window is not None and self.net.window is not None \
                and short_history(prev, self.net) is not None:
            return None
        same = prev.root is self.net.root
        return Context(prev, previous=False, ids=None if same else self.ids)

    def prev_note(self) -> str:
        """Why :attr:`previous` is None (an indicator of change is insufficient data)."""
        if self.net.window is None and self._previous_arg is None:
            return N_("no previous period: the network is not sliced (use net.period('2025'))")
        prev = self._previous_arg if isinstance(self._previous_arg, PeerNetwork) else (
            self.net.previous() if self.net.window is not None and self._previous_arg is None
            else None)
        if prev is not None and prev.window is not None and self.net.window is not None:
            why = short_history(prev, self.net)
            if why is not None:
                return why
        return N_("no data in the previous period")

    # -- surveys -------------------------------------------------------------------
    @cached_property
    def survey_network(self) -> pd.Series | None:
        """Network-level survey figures (``trust_pct``, ``value_pct``, ``response_rate``)."""
        if len(self.net.surveys) == 0:
            return None
        return survey_network_figures(self)


def _formats(m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which meetings have a format, and which are of format network_meeting."""
    f = m["format"]
    return (f.notna().to_numpy(dtype=bool),
            (f == "network_meeting").to_numpy(dtype=bool, na_value=False))


def channel_classes(ctx: Context, fill: bool) -> np.ndarray:
    """Channel of each interaction row: 0 in person, 1 electronic, 2 another, -1 none; with
    ``fill``, a row without a channel takes its event's (when events have a channel).
    Memoised on the context."""
    return cached(ctx, ("grid", "channel_class", fill), lambda: _channel_classes(ctx, fill))


def _channel_classes(ctx: Context, fill: bool) -> np.ndarray:
    i, e = ctx.inter, ctx.events
    out = _classes(i["channel"]) if "channel" in i.columns else np.full(len(i), -1, np.int8)
    if fill and "channel" in e.columns and "event_id" in i.columns:   # the row's event's
        at = member_codes(e["event_id"].astype("str"), i["event_id"], small=True,
                          coded=column_codes(ctx.net, "event_id"))
        none = np.flatnonzero((out < 0) & (at >= 0))
        out[none] = _classes(e["channel"])[at[none]]
    return out


def _classes(channels: pd.Series) -> np.ndarray:
    """Class of each channel (0 in person, 1 electronic, 2 another, -1 none), int8."""
    if isinstance(channels.dtype, pd.CategoricalDtype):   # each category's (no int64 a row)
        codes, uniq = channels.array.codes, channels.array.categories
    else:
        codes, uniq = pd.factorize(channels)
    u = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
    c = np.where(isin(u, IN_PERSON_CHANNELS), 0, np.where(isin(u, ELECTRONIC_CHANNELS), 1, 2))
    return np.r_[c, -1].astype(np.int8)[codes]   # code -1 (none): the last


#: Memo key of :func:`slice_context` on a slice.
SLICE_CONTEXT = ("grid", "context")


def slice_context(net: PeerNetwork) -> Context:
    """The context of a slice scored without a given previous period, kept on the slice:
    ``pn.score`` and the bootstrap's Grid replicates share it (the indicators on the data
    computed once). ``peernet._cache.forget(net, SLICE_CONTEXT)`` lets it go."""
    return cached(net, SLICE_CONTEXT, lambda: Context(net))


def root_cache(root: PeerNetwork, key: str, build: Callable[[], Any]) -> Any:
    """Memoise ``build()`` on the whole network (shared by all its slices)."""
    return cached(root, ("grid", key), build)


def unique_ids(root: PeerNetwork) -> pd.Series:
    ids = root.members["member_id"].dropna().astype("str")
    return pd.Series(pd.unique(ids), dtype="str")


# ------------------------------------------------------------------ shared by indicators
def survey_network_figures(ctx: Context) -> pd.Series:
    """Network-level survey figures from :func:`peernet.survey_scores` (latest wave)."""
    from ..metrics.survey import survey_scores

    return survey_scores(ctx.net, level="network", warn=False)


def code_orgs(ctx: Context, *codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """The organization code (-1 unknown) of each of several arrays of member codes."""
    org = cast(np.ndarray, ctx.org_code)
    return tuple(np.where(c >= 0, org[np.maximum(c, 0)], -1) for c in codes)


def org_cross(ctx: Context, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For pair keys: which cross organizations, and which have both members' orgs."""
    org = ctx.org_code
    if org is None:
        raise ValueError("org_cross needs the roster's org column (ctx.org_code)")
    org = org.astype(np.int32) if len(org) < np.iinfo(np.int32).max else org   # a value a pair
    oa, ob = org[keys // ctx.n], org[keys % ctx.n]
    known = (oa >= 0) & (ob >= 0)
    return known & (oa != ob), known


def cross_org_pairs(ctx: Context) -> tuple[int, int]:
    """How many of :attr:`Context.pair_keys` cross organizations, and have both orgs."""
    n_cross, n_known = pair_counts(ctx, "cross org", lambda k: org_cross(ctx, k))
    return n_cross, n_known
