"""The Grid's indicators: one number each, computed from a network's tables.

Every indicator is a function ``f(ctx, **params) -> Value`` registered in :data:`INDICATORS`;
``ctx`` is a :class:`Context` around one (sliced) network that caches the pieces several
indicators share (direct ties, attendance, month numbers, the previous period). A value of
NaN means *no data*: the table or column the indicator needs is absent, or there is nothing
to measure (no problems raised, no previous period); the ``note`` says which. Everything is
vectorised pandas / numpy / scipy.sparse; no loop runs over interaction rows.

``docs/grid.md`` gives each indicator's formula, the data it needs and its default
thresholds; the rubric (``rubric.toml``) says which element each one scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._cache import cached
from ..network import PeerNetwork
from ..schema import split_list

__all__ = ["INDICATORS", "Context", "Value", "indicator_table", "DIRECT_KINDS",
           "CONTRIBUTION_KINDS"]

#: Interaction kinds that make a person-to-person tie when they have a target (as in
#: :func:`peernet.person_graph`: every kind but attendance).
DIRECT_KINDS = ("message", "reply", "mention", "reaction", "call", "contact", "help",
                "resource", "referral")
#: Kinds counted as a member's "voice" (what they said, wrote or asked).
CONTRIBUTION_KINDS = ("message", "reply")
#: Kinds that give something to another member.
GIVING_KINDS = ("help", "resource", "referral")
_NON_MEETING_KINDS = ("thread", "channel")
_IN_PERSON = ("in_person",)
_ELECTRONIC = ("video", "phone", "email", "chat", "listserv")
_DAYS_PER_YEAR = 365.25
_NAN = float("nan")


class Value(NamedTuple):
    """An indicator's raw value (NaN = no data) and a note explaining it."""

    value: float
    note: str = ""


def _none(note: str) -> Value:
    return Value(_NAN, note)


def _share(num: float, den: float, what: str) -> Value:
    if den == 0:
        return _none(f"no {what}")
    return Value(float(num) / float(den), f"{num:g} of {den:g} {what}")


INDICATORS: dict[str, Callable[..., Value]] = {}


def indicator(*, params: tuple[str, ...] = (), needs: str = "") -> Callable:
    """Register an indicator function (its name is the rubric's ``function`` value)."""

    def deco(f: Callable) -> Callable:
        f.params = params
        f.needs = needs
        INDICATORS[f.__name__] = f
        return f

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
                 ids: pd.Series | None = None):
        if not isinstance(net, PeerNetwork):
            raise TypeError(f"score needs a PeerNetwork; got {type(net).__name__}")
        self.net = net
        self._previous_arg = previous
        self._ids = ids
        self.cache: dict[tuple, Value | list] = {}

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
        if self.bounds is None:
            return _NAN
        return (self.bounds[1] - self.bounds[0]) / pd.Timedelta(days=1)

    @cached_property
    def years(self) -> float:
        return self.days / _DAYS_PER_YEAR

    @cached_property
    def quarters(self) -> float:
        return self.days / (_DAYS_PER_YEAR / 4)

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

    @cached_property
    def inter_month(self) -> np.ndarray:
        return self.month_index(self.inter["timestamp"])

    @cached_property
    def kinds_logged(self) -> frozenset:
        """Interaction kinds the whole network's source logs (not only this window)."""
        k = self.net.root.interactions["kind"]
        return frozenset(str(x) for x in pd.unique(k.dropna()))

    @cached_property
    def roster(self) -> pd.DataFrame:
        return self.net.members

    def has_column(self, table: str, column: str) -> bool:
        df = getattr(self.net.root, table)
        return column in df.columns and bool(df[column].notna().any())

    # -- members as integer codes (0..n-1 over the whole network's roster) ----------
    @cached_property
    def ids(self) -> pd.Series:
        """Member ids of the whole network's roster; their positions are member codes."""
        if self._ids is not None:
            return self._ids
        return _root_cache(self.net.root, "ids", lambda: _unique_ids(self.net.root))

    @property
    def n(self) -> int:
        return len(self.ids)

    def codes(self, values: pd.Series) -> np.ndarray:
        """Member codes of ids (-1 for missing or unknown ids)."""
        return _codes(self.ids, values)

    def mask(self, values: pd.Series | pd.Index) -> np.ndarray:
        """Boolean array over member codes: True for the given ids."""
        out = np.zeros(self.n, dtype=bool)
        c = self.codes(pd.Series(np.asarray(values, dtype=object), dtype="str"))
        out[c[c >= 0]] = True
        return out

    @cached_property
    def src(self) -> np.ndarray:
        return self.codes(self.inter["source"])

    @cached_property
    def tgt(self) -> np.ndarray:
        if "target" not in self.inter.columns:
            return np.full(len(self.inter), -1, dtype=np.int64)
        return self.codes(self.inter["target"])

    @cached_property
    def ts_ns(self) -> np.ndarray:
        return _ns(self.inter["timestamp"])

    @cached_property
    def direct_mask(self) -> np.ndarray:
        """Rows that are person-to-person acts (a kind of DIRECT_KINDS with a target)."""
        return (self.inter["kind"].isin(DIRECT_KINDS).to_numpy() & (self.src >= 0)
                & (self.tgt >= 0) & (self.src != self.tgt))

    @cached_property
    def pair_keys(self) -> np.ndarray:
        """Distinct undirected tie pairs from direct acts, as ``min * n + max`` (sorted)."""
        m = self.direct_mask
        return _pair_keys(self.src[m], self.tgt[m], self.n)

    @cached_property
    def org_code(self) -> np.ndarray | None:
        """Organization code of each member code (-1 unknown); None without an org column."""
        if not self.has_column("members", "org"):
            return None
        if self._ids is not None:
            return self._attr_codes("org")
        return _root_cache(self.net.root, "org", lambda: self._attr_codes("org"))

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
            out = np.full(self.n, _NAT, dtype=np.int64)
            out[at[at >= 0]] = _ns(roster["joined"])[at >= 0]
            return out

        return build() if self._ids is not None else _root_cache(self.net.root, "joined", build)

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
    def attend_mask(self) -> np.ndarray:
        i = self.inter
        return (i["kind"] == "attend").to_numpy() & i["event_id"].notna().to_numpy() & (
            self.src >= 0)

    @cached_property
    def attend(self) -> pd.DataFrame:
        """Attendance rows: member code ``m`` and ``event_id``, one row per pair."""
        m = self.attend_mask
        a = pd.DataFrame({"m": self.src[m], "event_id": self.inter["event_id"].to_numpy()[m]})
        return a.drop_duplicates(ignore_index=True)

    @cached_property
    def attendee_mask(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[self.attend["m"].to_numpy()] = True
        return out

    @cached_property
    def meetings(self) -> pd.DataFrame:
        """Events that are gatherings (not listserv threads or chat channels)."""
        e = self.events
        if "kind" in e.columns:
            e = e[~e["kind"].isin(_NON_MEETING_KINDS).to_numpy()]
        return e

    @cached_property
    def main_series(self) -> tuple[pd.DataFrame, str]:
        """The network's regular meeting series and how it was chosen."""
        e = self.meetings
        if "format" in e.columns and e["format"].notna().any():
            if (e["format"] == "network_meeting").any():
                return e[e["format"] == "network_meeting"], "events with format network_meeting"
            top = e["format"].value_counts().index[0]
            return e[e["format"] == top], f"events with the most common format {top!r}"
        return e, "all meetings"

    def compute(self, function: str, params: dict | None = None):
        """Run indicator ``function`` with ``params`` once; later calls reuse the result."""
        params = dict(params or {})
        key = (function, tuple(sorted((k, repr(v)) for k, v in params.items())))
        if key not in self.cache:
            f = INDICATORS[function]
            self.cache[key] = f(self, **params)
        return self.cache[key]

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
        same = prev.root is self.net.root
        return Context(prev, previous=False, ids=None if same else self.ids)

    def prev_note(self) -> str:
        if self.net.window is None and self._previous_arg is None:
            return "no previous period: the network is not sliced (use net.period('2025'))"
        return "no data in the previous period"

    # -- surveys -------------------------------------------------------------------
    @cached_property
    def survey_network(self) -> pd.Series | None:
        """Network-level survey figures (``trust_pct``, ``value_pct``, ``response_rate``)."""
        if len(self.net.surveys) == 0:
            return None
        return _survey_network(self)


_NAT = np.iinfo(np.int64).min
def _root_cache(root: PeerNetwork, key: str, build: Callable):
    """Memoise ``build()`` on the whole network (shared by all its slices)."""
    return cached(root, ("grid", key), build)


def _unique_ids(root: PeerNetwork) -> pd.Series:
    ids = root.members["member_id"].dropna().astype("str")
    return pd.Series(pd.unique(ids), dtype="str")


def _codes(ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` in ``ids`` (-1 when missing or not in ``ids``).

    One hash factorization of ``ids`` followed by ``values``: ids keep codes 0..n-1.
    """
    n = len(ids)
    both = pd.concat([ids, values.astype("str")], ignore_index=True)
    codes, _ = pd.factorize(both)
    out = codes[n:].astype(np.int64)
    out[out >= n] = -1
    return out


def _ns(values: pd.Series) -> np.ndarray:
    """UTC datetimes as int64 nanoseconds (NaT as the minimum int64)."""
    v = values.dt.tz_convert("UTC").dt.as_unit("ns") if len(values) else values
    return np.asarray(v.array.asi8 if len(v) else np.zeros(0), dtype=np.int64)


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort + compare: much faster than numpy 2's hash-based
    ``np.unique`` on large integer arrays)."""
    x = np.sort(np.asarray(x), kind="stable")
    if len(x) == 0:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]


def _pair_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    a, b = np.minimum(u, v), np.maximum(u, v)
    return _unique(a.astype(np.int64) * n + b)


def _root_direct(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source code, target code, time ns) of every direct act of the whole network."""
    def build():
        root = Context(ctx.net.root, previous=False)
        m = root.direct_mask
        return root.src[m], root.tgt[m], root.ts_ns[m]

    return _root_cache(ctx.net.root, "direct", build)


# ---------------------------------------------------------------------------- surveys
_TRUST_ITEMS = ("reliability", "mission", "openness")
_VALUE_ITEMS = ("power", "involvement", "resources")
_DEFAULT_SCALE_MAX = 4.0


def _scale_max(s: pd.DataFrame) -> pd.Series:
    if "scale_max" in s.columns:
        return s["scale_max"].fillna(_DEFAULT_SCALE_MAX)
    return pd.Series(_DEFAULT_SCALE_MAX, index=s.index)


def _survey_network(ctx: Context) -> pd.Series:
    """Network-level survey figures from :func:`peernet.survey_scores` (latest wave)."""
    from ..metrics import survey_scores

    return survey_scores(ctx.net, level="network", warn=False)


def _response(sn: pd.Series) -> str:
    from ..metrics import response_note

    rate = float(sn.get("response_rate", _NAN))
    note = response_note(rate)
    text = f"response rate {rate:.0%}" if not math.isnan(rate) else "response rate unknown"
    return f"{text}, {note}" if note else text


def _survey_pct(ctx: Context, key: str, items: str) -> Value:
    sn = ctx.survey_network
    if sn is None or math.isnan(sn.get(key, _NAN)):
        return _none(f"no survey ratings of the items {items}")
    return Value(float(sn[key]), f"{sn.name}: {_response(sn)}")


@indicator(needs="surveys: reliability, mission, openness items about other members")
def survey_trust(ctx: Context) -> Value:
    """PARTNER trust: mean of members' trust scores (reliability, mission, openness), as %
    of the scale maximum (:func:`peernet.survey_scores`, network level)."""
    return _survey_pct(ctx, "trust_pct", "reliability, mission, openness")


@indicator(needs="surveys: power, involvement, resources items about other members")
def survey_value(ctx: Context) -> Value:
    """PARTNER value: mean of members' value scores (power, involvement, resources), as %
    of the scale maximum (:func:`peernet.survey_scores`, network level)."""
    return _survey_pct(ctx, "value_pct", "power, involvement, resources")


@indicator(needs="surveys (respondent) and the roster")
def survey_response_rate(ctx: Context) -> Value:
    """Respondents / members who could respond (:func:`peernet.survey_scores`)."""
    sn = ctx.survey_network
    if sn is None or math.isnan(sn.get("response_rate", _NAN)):
        return _none("no survey in the period")
    return Value(float(sn["response_rate"]), f"{sn.name}: {sn['n_respondents']:.0f} of "
                 f"{sn['n_eligible']:.0f} members responded")


@indicator(params=("item",), needs="surveys: the network-level learning item")
def survey_learning(ctx: Context, item: str = "learning") -> Value:
    """Mean rating of the learning item about the network, % of scale max."""
    sn = ctx.survey_network
    mean = _NAN if sn is None else float(sn.get(f"{item}_mean", _NAN))
    if math.isnan(mean):
        return _none(f"no survey item {item!r} in the period")
    s = ctx.net.surveys
    top = float(_scale_max(s[(s["item"] == item).to_numpy()]).max())
    return Value(100 * mean / top, f"{sn.name}: mean {mean:.2f} of {top:g}")


# ------------------------------------------------------------------------------ trust
@indicator(needs="interactions with a target (messages, replies, calls, help, ...)")
def reciprocity(ctx: Context) -> Value:
    """Share of directed ties whose reverse tie also exists.

    :func:`peernet.metrics.reciprocity` of the slice (networkx's overall reciprocity).
    """
    from ..metrics import reciprocity as _reciprocity

    value = float(_reciprocity(ctx.net))
    if math.isnan(value):
        return _none("no directed interactions (messages, replies, help, ...) in the period")
    return Value(value, "share of directed ties reciprocated")


@indicator(needs="interactions with a target in this and the previous period")
def tie_persistence(ctx: Context) -> Value:
    """Jaccard overlap of this period's and the previous period's tie pairs."""
    prev = ctx.previous
    if prev is None:
        return _none(ctx.prev_note())
    now, before = ctx.pair_keys, prev.pair_keys
    if len(now) == 0 or len(before) == 0:
        return _none("no direct ties in one of the two periods")
    kept = len(np.intersect1d(now, before, assume_unique=True))
    union = len(now) + len(before) - kept
    return Value(kept / union, f"{kept} ties kept of {union} in either period (Jaccard)")


@indicator(needs="interactions of kind message / reply (and attendance)")
def voice_equality(ctx: Context) -> Value:
    """1 - Gini of messages and replies among the period's attendees (silent ones included).

    The Gini is defined as ``voice_gini`` of :func:`peernet.participation`, taken over the
    whole window instead of each quarter. When the data record no attendance at all (a
    Slack or listserv export), the Gini is taken over the period's active members.
    """
    from ..metrics._sparse import gini

    if not set(CONTRIBUTION_KINDS) & ctx.kinds_logged:
        return _none("the data has no message/reply rows")
    if "attend" in ctx.kinds_logged:
        who, among = ctx.attendee_mask, "attendees"
    else:
        who, among = ctx.active_mask, "active members (no attendance recorded)"
    if not who.any():
        return _none(f"no {among.split(' (')[0]} in the period")
    said = ctx.inter["kind"].isin(CONTRIBUTION_KINDS).to_numpy() & (ctx.src >= 0)
    x = np.bincount(ctx.src[said], minlength=ctx.n)[who]
    if x.sum() == 0:
        return _none("no message or reply in the period")
    g = gini(x)
    return Value(1 - g, f"voice Gini {g:.2f} among {int(who.sum())} {among}")


# ------------------------------------------------------------------------------- time
@indicator(needs="members.joined or any dated record")
def network_age(ctx: Context) -> Value:
    """Years from the first record of the network to the end of the period."""
    root = ctx.net.root
    firsts = []
    if "joined" in root.members.columns and root.members["joined"].notna().any():
        firsts.append(root.members["joined"].min())
    for df, col in ((root.interactions, "timestamp"), (root.events, "start")):
        if len(df) and df[col].notna().any():
            firsts.append(df[col].min())
    if not firsts or ctx.bounds is None:
        return _none("no dated records")
    first = min(firsts)
    years = (ctx.bounds[1] - first) / pd.Timedelta(days=_DAYS_PER_YEAR)
    return Value(max(float(years), 0.0), f"first record {first.tz_convert(ctx.net.tz).date()}")


@indicator(needs="events (start)")
def months_with_meeting(ctx: Context) -> Value:
    """Share of the period's calendar months with at least one meeting."""
    if len(ctx.months) == 0:
        return _none("empty period")
    if not ctx.net.has("events") and len(ctx.attend) == 0:
        return _none("no events table")
    m = ctx.meetings
    held = _unique(ctx.month_index(m["start"])) if len(m) else np.array([], dtype=np.int64)
    n = int(np.isin(ctx.months, held).sum())
    return _share(n, len(ctx.months), "months with a meeting")


@indicator(needs="events (start); format network_meeting marks the regular series")
def meeting_gap_cv(ctx: Context) -> Value:
    """Coefficient of variation of the days between the regular series' meetings."""
    series, how = ctx.main_series
    if len(series) < 3:
        return _none(f"fewer than 3 meetings in the regular series ({how})")
    start = series["start"].sort_values()
    gaps = np.diff(((start - start.iloc[0]) / pd.Timedelta(days=1)).to_numpy(dtype=float))
    if gaps.mean() == 0:
        return _none("all meetings on one day")
    cv = float(gaps.std() / gaps.mean())
    return Value(cv, f"{len(series)} meetings ({how}), mean gap {gaps.mean():.0f} days")


@indicator(needs="interactions in this and the previous period")
def retention(ctx: Context) -> Value:
    """Share of the previous period's active members who are active again in this one."""
    prev = ctx.previous
    if prev is None:
        return _none(ctx.prev_note())
    before = prev.active_mask
    if not before.any():
        return _none("no active members in the previous period")
    kept = int((before & ctx.active_mask).sum())
    return _share(kept, int(before.sum()), "of last period's active members active again")


@indicator(needs="members.joined (else first activity)")
def median_tenure(ctx: Context) -> Value:
    """Median years since joining of the period's active members, at the period's end."""
    active = ctx.active
    if len(active) == 0 or ctx.bounds is None:
        return _none("no active members")
    root = ctx.net.root
    joined = pd.Series(pd.NaT, index=active, dtype="datetime64[ns, UTC]")
    note = "from members.joined"
    if "joined" in root.members.columns:
        j = root.members.drop_duplicates("member_id").set_index("member_id")["joined"]
        joined = j.reindex(active)
    missing = joined.isna()
    if missing.any():
        i = root.interactions
        first = i.groupby("source", observed=True)["timestamp"].min()
        joined = joined.where(~missing, first.reindex(active))
        note = ("from first activity (no joined dates)" if missing.all()
                else f"joined dates, first activity for {int(missing.sum())} members")
    years = (ctx.bounds[1] - joined.dropna()) / pd.Timedelta(days=_DAYS_PER_YEAR)
    if len(years) == 0:
        return _none("no join dates")
    return Value(float(years.median()), note)


@indicator(needs="events.next_date_set")
def next_date_set(ctx: Context) -> Value:
    """Share of meetings at which the next meeting's date was set."""
    if not ctx.has_column("events", "next_date_set"):
        return _none("events have no next_date_set column")
    m = ctx.meetings
    known = m["next_date_set"].dropna() if "next_date_set" in m.columns else m.iloc[:0, 0]
    return _share(int(known.astype(bool).sum()), len(known), "meetings set the next date")


# ------------------------------------------------------------------------------ truth
@indicator(needs="any dated record")
def months_with_data(ctx: Context) -> Value:
    """Share of the period's calendar months with at least one interaction or event."""
    if len(ctx.months) == 0:
        return _none("empty period")
    seen = [ctx.inter_month]
    if len(ctx.events):
        seen.append(ctx.month_index(ctx.events["start"]))
    n = int(np.isin(ctx.months, _unique(np.concatenate(seen))).sum())
    return _share(n, len(ctx.months), "months with recorded activity")


def _closed_problems(p: pd.DataFrame) -> pd.Series:
    closed = pd.Series(False, index=p.index)
    if "status" in p.columns:
        closed |= p["status"].isin(("solved", "dropped")).to_numpy()
    if "solved_at" in p.columns:
        closed |= p["solved_at"].notna().to_numpy()
    return closed


def _solved(p: pd.DataFrame) -> pd.Series:
    if "status" in p.columns and p["status"].notna().any():
        return pd.Series((p["status"] == "solved").to_numpy(dtype=bool, na_value=False),
                         index=p.index)
    if "solved_at" in p.columns:
        return p["solved_at"].notna()
    return pd.Series(False, index=p.index)


@indicator(needs="problems: status or solved_at, outcome")
def problems_with_outcome(ctx: Context) -> Value:
    """Share of closed problems (solved or dropped) with a recorded outcome."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    if not ctx.has_column("problems", "outcome"):
        return _none("the problem log has no outcome column")
    p = ctx.net.problems
    closed = p[_closed_problems(p).to_numpy()]
    has = closed["outcome"].notna() & (closed["outcome"].astype("str").str.strip() != "")
    return _share(int(has.sum()), len(closed), "closed problems with an outcome")


@indicator(needs="actions: due, done_at")
def actions_closed_on_time(ctx: Context) -> Value:
    """Share of action items due in the period closed by the end of their due day."""
    if not ctx.net.has("actions"):
        return _none("no action log")
    a = ctx.net.actions
    if "done_at" not in a.columns:
        return _none("the action log has no done_at column")
    ok = (a["done_at"] < a["due"] + pd.Timedelta(days=1)).to_numpy(dtype=bool, na_value=False)
    return _share(int(ok.sum()), len(a), "action items closed on time")


@indicator(params=("format",), needs="events.format (evaluation)")
def evaluations_per_year(ctx: Context, format: str = "evaluation") -> Value:  # noqa: A002
    """Formal evaluations (events of format ``evaluation``) per year of the period."""
    return _events_of_format(ctx, format)


def _events_of_format(ctx: Context, fmt: str) -> Value:
    if not ctx.has_column("events", "format"):
        return _none("events have no format column")
    if not ctx.years or math.isnan(ctx.years):
        return _none("empty period")
    n = int((ctx.events["format"] == fmt).sum())
    return Value(n / ctx.years, f"{n} {fmt} event(s) in {ctx.years:.2f} year(s)")


# ---------------------------------------------------------------------- communication
@indicator(needs="interactions.channel or events.channel")
def channel_balance(ctx: Context) -> Value:
    """Balance of in-person and electronic activity: 2 * min(share in person, share not)."""
    i = ctx.inter
    chan = i["channel"] if "channel" in i.columns else pd.Series(pd.NA, index=i.index)
    chan = chan.astype("object")
    if "channel" in ctx.events.columns and len(ctx.attend):
        ev_chan = pd.Series(ctx.events["channel"].astype("object").to_numpy(),
                            index=ctx.events["event_id"].to_numpy())
        fill = i["event_id"].map(ev_chan) if "event_id" in i.columns else chan
        chan = chan.where(chan.notna(), fill)
    chan = chan.dropna()
    if len(chan) == 0:
        return _none("no channel recorded on interactions or events")
    p = float(chan.isin(_IN_PERSON).mean())
    electronic = float(chan.isin(_ELECTRONIC).mean())
    if p + electronic == 0:
        return _none("no known channel")
    p = p / (p + electronic)
    return Value(2 * min(p, 1 - p), f"{p:.0%} of acts with a channel were in person")


@indicator(needs="interactions and the roster")
def monthly_reach(ctx: Context) -> Value:
    """Mean over the period's months of the share of roster members active that month."""
    n_current = int(ctx.current_mask.sum())
    if len(ctx.months) == 0 or n_current == 0:
        return _none("empty period or roster")
    ok = ctx.src >= 0
    month = ctx.inter_month[ok] - ctx.months[0]
    keys = _unique(month * ctx.n + ctx.src[ok])
    per = np.bincount(keys // ctx.n, minlength=len(ctx.months))[:len(ctx.months)]
    share = per / n_current
    return Value(float(share.mean()), f"{per.mean():.1f} of {n_current} members active in "
                 f"an average month")


@indicator(needs="interactions (ties and attendance)")
def connectedness(ctx: Context) -> Value:
    """Share of the person graph's members in its largest connected component.

    The graph is :func:`peernet.person_graph`'s default (direct ties plus co-attendance of
    events up to 30 attendees): ``largest_component_share`` of
    :func:`peernet.network_metrics`.
    """
    from ..metrics import _sparse as K

    ga = K.arrays_from_net(ctx.net)
    if ga.n == 0:
        return _none("no active members")
    _, labels = K.components(ga)
    largest = int(np.bincount(labels).max())
    return Value(largest / ga.n, f"{largest} of {ga.n} members in the largest component")


@indicator(needs="interactions: thread_id, kind message/reply")
def hours_to_first_reply(ctx: Context) -> Value:
    """Median hours from a thread's first message to its first reply by someone else, over
    the threads started in the period that got one (:func:`peernet.metrics.time_to_first_reply`).
    """
    from ..metrics import time_to_first_reply

    if "thread_id" not in ctx.inter.columns or not ctx.inter["thread_id"].notna().any():
        return _none("no thread_id on interactions")
    t = time_to_first_reply(ctx.net)
    hours = t["hours_to_first_reply"].dropna()
    if len(hours) == 0:
        return _none("no thread started in the period got a reply")
    return Value(float(hours.median()), f"{len(hours)} of {len(t)} threads answered")


@indicator(needs="members.language, events.language")
def language_access(ctx: Context) -> Value:
    """Events in members' other languages relative to how many members speak them (cap 1).

    (share of meetings held in a language other than the main one) / (share of roster
    members whose language is not the main one); 1 when every member shares one language.
    """
    if not ctx.has_column("members", "language"):
        return _none("members have no language column")
    roster = ctx.roster[ctx.roster["member_id"].isin(ctx.current)]
    lang = roster["language"].dropna().astype("str").str.lower()
    if len(lang) == 0:
        return _none("no member languages")
    main = lang.value_counts().index[0]
    other_members = float((lang != main).mean())
    if other_members == 0:
        return Value(1.0, f"every member's language is {main!r}")
    if not ctx.has_column("events", "language"):
        return _none("events have no language column")
    m = ctx.meetings
    ev_lang = m["language"].dropna().astype("str").str.lower()
    if len(ev_lang) == 0:
        return _none("no meeting with a language in the period")
    other_events = float((ev_lang != main).mean())
    return Value(min(1.0, other_events / other_members),
                 f"{other_events:.0%} of meetings vs {other_members:.0%} of members not in "
                 f"{main!r}")


# ------------------------------------------------------------------------------ space
@indicator(needs="events (start)")
def events_per_quarter(ctx: Context) -> Value:
    """Meetings (events that are not threads or channels) per quarter of the period."""
    if not ctx.net.has("events") and len(ctx.attend) == 0:
        return _none("no events table")
    if not ctx.quarters or math.isnan(ctx.quarters):
        return _none("empty period")
    n = len(ctx.meetings)
    return Value(n / ctx.quarters, f"{n} meetings in {ctx.quarters:.1f} quarter(s)")


@indicator(needs="attendance rows and the roster")
def share_attending(ctx: Context) -> Value:
    """Share of roster members who attended at least one event in the period."""
    if "attend" not in ctx.kinds_logged:
        return _none("no attendance recorded")
    n = int((ctx.current_mask & ctx.attendee_mask).sum())
    return _share(n, int(ctx.current_mask.sum()), "roster members attended an event")


@indicator(params=("days",), needs="members.joined and direct interactions")
def newcomer_orientation(ctx: Context, days: int = 60) -> Value:
    """Share of newcomers with a direct tie to an earlier member within ``days`` of joining.

    Newcomers: joined in the period, at least ``days`` before its end (so the whole window
    is observed). An earlier member joined before the newcomer. Ties are direct acts in
    either direction (the whole network's log, so a window may run past the period).
    """
    joined = ctx.joined_ns
    if joined is None or ctx.bounds is None:
        return _none("members have no joined dates")
    lo, hi = (int(_ns(pd.Series([t]))[0]) for t in ctx.bounds)
    limit = int(pd.Timedelta(days=days).value)
    new = (joined >= lo) & (joined < hi - limit) & (joined != _NAT)
    n_new = int(new.sum())
    if n_new == 0:
        return _none(f"no newcomers who joined at least {days} days before the period ended")
    s, t, ts = _root_direct(ctx)
    who = np.concatenate([s, t])
    other = np.concatenate([t, s])
    when = np.concatenate([ts, ts])
    sel = new[who]
    who, other, when = who[sel], other[sel], when[sel]
    jn, jo = joined[who], joined[other]
    ok = (jo != _NAT) & (jo < jn) & (when >= jn) & (when <= jn + limit)
    tied = len(_unique(who[ok]))
    return _share(tied, n_new, f"newcomers tied to an earlier member within {days} days")


@indicator(params=("max_share", "min_size"), needs="attendance rows")
def subgroup_sessions_per_quarter(ctx: Context, max_share: float = 1 / 3,
                                  min_size: int = 3) -> Value:
    """Small-group sessions per quarter: events with ``min_size`` or more attendees and at
    most ``max_share`` of the period's active members."""
    if "attend" not in ctx.kinds_logged:
        return _none("no attendance recorded")
    n_active = int(ctx.active_mask.sum())
    if not ctx.quarters or math.isnan(ctx.quarters) or n_active == 0:
        return _none("empty period")
    size = ctx.attend.groupby("event_id").size()
    small = int(((size >= min_size) & (size <= max_share * n_active)).sum())
    return Value(small / ctx.quarters, f"{small} of {len(size)} attended events were small "
                 f"groups (<= {max_share:.0%} of {n_active} active members)")


@indicator(needs="members.org and direct interactions")
def cross_org_ties(ctx: Context) -> Value:
    """Share of the period's distinct tie pairs that link two organizations."""
    if ctx.org_code is None:
        return _none("members have no org")
    cross, known = _cross(ctx, ctx.pair_keys)
    if known == 0:
        return _none("no ties between members with a known org")
    return _share(int(cross.sum()), known, "tie pairs cross organizations")


def _cross(ctx: Context, keys: np.ndarray) -> tuple[np.ndarray, int]:
    """For pair keys: a mask of cross-organization pairs, and how many pairs have both orgs."""
    oa, ob = ctx.org_code[keys // ctx.n], ctx.org_code[keys % ctx.n]
    known = (oa >= 0) & (ob >= 0)
    return known & (oa != ob), int(known.sum())


# -------------------------------------------------------------------------- resources
@indicator(params=("kinds",), needs="interactions of kind resource")
def resource_exchanges_per_member(ctx: Context, kinds: tuple[str, ...] = ("resource",)
                                  ) -> Value:
    """Resources shared (interactions of kind ``resource``) per active member."""
    kinds = tuple(kinds)
    if not set(kinds) & ctx.kinds_logged:
        return _none(f"the data has no {'/'.join(kinds)} rows")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return _none("no active members")
    n = int(ctx.inter["kind"].isin(kinds).sum())
    return Value(n / n_active, f"{n} exchanges, {n_active} active members")


@indicator(needs="members.org and interactions of kind help / resource / referral")
def share_orgs_contributing(ctx: Context) -> Value:
    """Share of active organizations whose members gave help, a resource or a referral."""
    org = ctx.org_code
    if org is None:
        return _none("members have no org")
    if not set(GIVING_KINDS) & ctx.kinds_logged:
        return _none("the data has no help / resource / referral rows")
    orgs = _unique(org[ctx.active_mask & (org >= 0)])
    if len(orgs) == 0:
        return _none("no active members with an org")
    giving = ctx.inter["kind"].isin(GIVING_KINDS).to_numpy() & (ctx.src >= 0)
    given = _unique(org[ctx.src[giving]])
    n = int(np.isin(orgs, given).sum())
    return _share(n, len(orgs), "active organizations contributed")


@indicator(params=("role",), needs="members.role (coordinator)")
def coordinator_activity(ctx: Context, role: str = "coordinator") -> Value:
    """Share of the period's months in which a member with role ``coordinator`` acted."""
    if not ctx.has_column("members", "role"):
        return _none("members have no role column")
    if len(ctx.months) == 0:
        return _none("empty period")
    r = ctx.roster
    coords = ctx.mask(r.loc[(r["role"].astype("str").str.lower() == role).to_numpy(),
                            "member_id"])
    if not coords.any():
        return Value(0.0, f"no member has role {role!r}")
    mask = (ctx.src >= 0) & coords[np.maximum(ctx.src, 0)]
    n = int(np.isin(ctx.months, _unique(ctx.inter_month[mask])).sum())
    return _share(n, len(ctx.months), f"months with a {role} active")


@indicator(params=("format",), needs="events.format (resource_assessment)")
def resource_assessments_per_year(ctx: Context, format: str = "resource_assessment"  # noqa: A002
                                  ) -> Value:
    """Resource assessments (events of format ``resource_assessment``) per year."""
    return _events_of_format(ctx, format)


# ---------------------------------------------------------------------- problem solving
@indicator(needs="problems (raised_at)")
def problems_per_quarter(ctx: Context) -> Value:
    """Problems raised to the network per quarter of the period."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    if not ctx.quarters or math.isnan(ctx.quarters):
        return _none("empty period")
    n = len(ctx.net.problems)
    return Value(n / ctx.quarters, f"{n} problems in {ctx.quarters:.1f} quarter(s)")


@indicator(needs="problems: status or solved_at")
def share_solved(ctx: Context) -> Value:
    """Share of the problems raised in the period that were solved."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    p = ctx.net.problems
    if not ({"status", "solved_at"} & set(p.columns)):
        return _none("the problem log has no status or solved_at")
    return _share(int(_solved(p).sum()), len(p), "problems solved")


@indicator(needs="problems: raised_at, solved_at")
def median_days_to_solve(ctx: Context) -> Value:
    """Median days from raised to solved, over the period's solved problems."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    p = ctx.net.problems
    if "solved_at" not in p.columns:
        return _none("the problem log has no solved_at")
    sel = p[_solved(p).to_numpy() & p["solved_at"].notna().to_numpy()]
    if len(sel) == 0:
        return _none("no problem solved in the period")
    days = (sel["solved_at"] - sel["raised_at"]) / pd.Timedelta(days=1)
    return Value(float(days.median()), f"{len(sel)} solved problems")


def _help_pairs(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Member codes (giver, receiver) of help: problem helpers -> raiser, help acts."""
    givers, receivers = [], []
    p = ctx.net.problems
    if len(p) and "helpers" in p.columns:
        h = split_list(p["helpers"])
        givers.append(ctx.codes(h))
        receivers.append(ctx.codes(p.loc[h.index, "raised_by"]))
    helped = (ctx.inter["kind"] == "help").to_numpy()
    givers.append(ctx.src[helped])
    receivers.append(ctx.tgt[helped])
    return np.concatenate(givers), np.concatenate(receivers)


@indicator(needs="members.org; problems.helpers or help interactions")
def help_across_orgs(ctx: Context) -> Value:
    """Share of help given (problem helpers, help interactions) across organizations."""
    org = ctx.org_code
    if org is None:
        return _none("members have no org")
    if not ctx.net.has("problems") and "help" not in ctx.kinds_logged:
        return _none("no problem log and no help interactions")
    g, r = _help_pairs(ctx)
    ok = (g >= 0) & (r >= 0) & (g != r)
    og, orc = org[g[ok]], org[r[ok]]
    known = (og >= 0) & (orc >= 0)
    if not known.any():
        return _none("no help between members with a known org in the period")
    cross = int((og[known] != orc[known]).sum())
    return _share(cross, int(known.sum()), "acts of help crossed organizations")


@indicator(needs="problems: raised_by, helpers")
def share_members_solving(ctx: Context) -> Value:
    """Share of active members who raised a problem or helped solve one."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return _none("no active members")
    p = ctx.net.problems
    ids = [p["raised_by"].dropna()]
    if "helpers" in p.columns:
        ids.append(split_list(p["helpers"]))
    people = ctx.mask(pd.concat(ids, ignore_index=True))
    n = int((ctx.active_mask & people).sum())
    return _share(n, n_active, "active members raised or helped")


# -------------------------------------------------------------------------- strategies
@indicator(params=("item",), needs="checklist (item, value 0-3)")
def checklist_rating(ctx: Context, item: str = "") -> Value:
    """The period's rating (0-3, mean over raters) of one checklist item."""
    if not ctx.net.has("checklist"):
        return _none("no checklist table")
    c = ctx.net.checklist
    v = c.loc[(c["item"].astype("str").str.lower() == item.lower()).to_numpy(), "value"]
    v = v.dropna()
    if len(v) == 0:
        return _none(f"item {item!r} not rated in the period")
    return Value(float(v.mean()), f"{len(v)} rating(s)")


# -------------------------------------------------------------------- immediate outcomes
def _is_training(ctx: Context) -> pd.Series:
    e = ctx.events
    mask = pd.Series(False, index=e.index)
    if "format" in e.columns:
        mask |= (e["format"] == "training").to_numpy(dtype=bool, na_value=False)
    if "kind" in e.columns:
        mask |= (e["kind"] == "training").to_numpy(dtype=bool, na_value=False)
    return mask


@indicator(needs="events.format or events.kind (training) and attendance")
def training_attendance_per_member(ctx: Context) -> Value:
    """Training attendances per active member."""
    if not (ctx.has_column("events", "format") or ctx.has_column("events", "kind")):
        return _none("events have no format or kind")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return _none("no active members")
    trainings = ctx.events.loc[_is_training(ctx).to_numpy(), "event_id"]
    n = int(ctx.attend["event_id"].isin(trainings).sum())
    return Value(n / n_active, f"{n} attendances at {len(trainings)} training(s)")


@indicator(needs="events.format or events.kind (training) and attendance")
def share_trained(ctx: Context) -> Value:
    """Share of active members who attended at least one training."""
    if not (ctx.has_column("events", "format") or ctx.has_column("events", "kind")):
        return _none("events have no format or kind")
    trainings = ctx.events.loc[_is_training(ctx).to_numpy(), "event_id"]
    a = ctx.attend
    trained = np.zeros(ctx.n, dtype=bool)
    trained[a.loc[a["event_id"].isin(trainings).to_numpy(), "m"].to_numpy()] = True
    return _share(int((trained & ctx.active_mask).sum()), int(ctx.active_mask.sum()),
                  "active members attended a training")


@indicator(needs="members.org and direct interactions (whole history)")
def new_cross_org_ties_per_member(ctx: Context) -> Value:
    """Cross-organization tie pairs first seen in this period, per active member."""
    if ctx.org_code is None:
        return _none("members have no org")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0 or ctx.bounds is None:
        return _none("no active members")
    cross, _ = _cross(ctx, ctx.pair_keys)
    s, t, ts = _root_direct(ctx)
    early = ts < int(_ns(pd.Series([ctx.bounds[0]]))[0])
    old = _pair_keys(s[early], t[early], ctx.n)
    n_new = int((~np.isin(ctx.pair_keys[cross], old, assume_unique=True)).sum())
    return Value(n_new / n_active, f"{n_new} new cross-organization ties")


def _core(ctx: Context) -> np.ndarray:
    """Core members (mask): distinct tie partners at or above the period's 75th percentile
    among active members, and at least one."""
    k = ctx.pair_keys
    deg = np.bincount(np.concatenate([k // ctx.n, k % ctx.n]), minlength=ctx.n)
    d = deg[ctx.active_mask]
    if len(d) == 0:
        return np.zeros(ctx.n, dtype=bool)
    cut = max(float(np.percentile(d, 75)), 1.0)
    return ctx.active_mask & (deg >= cut)


@indicator(needs="direct interactions in this and the previous period")
def periphery_to_core(ctx: Context) -> Value:
    """Share of last period's peripheral members (active in both) who are core now.

    Core: distinct tie partners at or above the period's 75th percentile among active
    members (and at least one); periphery: active but not core.
    """
    prev = ctx.previous
    if prev is None:
        return _none(ctx.prev_note())
    if len(ctx.pair_keys) == 0 or len(prev.pair_keys) == 0:
        return _none("no direct ties in one of the two periods")
    stay = prev.active_mask & ~_core(prev) & ctx.active_mask
    moved = int((stay & _core(ctx)).sum())
    return _share(moved, int(stay.sum()), "peripheral members moved to the core")


@indicator(needs="events.host")
def share_members_hosting(ctx: Context) -> Value:
    """Share of active members who hosted or led an event in the period."""
    if not ctx.has_column("events", "host"):
        return _none("events have no host column")
    hosts = ctx.mask(ctx.events["host"].dropna())
    return _share(int((ctx.active_mask & hosts).sum()), int(ctx.active_mask.sum()),
                  "active members hosted an event")


@indicator(params=("tables",), needs="the problems, actions, surveys and checklist tables")
def data_kept(ctx: Context, tables: tuple[str, ...] = ("problems", "actions", "surveys",
                                                        "checklist")) -> Value:
    """Share of the record-keeping tables (problem log, action log, survey, checklist)
    that hold rows for the period."""
    kept = [t for t in tables if ctx.net.has(t) and len(getattr(ctx.net, t))]
    return Value(len(kept) / len(tables), "kept: " + (", ".join(kept) or "none"))


# -------------------------------------------------------------------- ultimate outcome
@indicator(needs="outcomes: measure, value, target, direction")
def outcome_progress(ctx: Context) -> list[tuple[str, Value]] | Value:
    """Share of target reached by each outcome measure: value / target (``higher``) or
    target / value (``lower``), for the period's latest value of each measure.

    Returns one value per measure (the indicator expands to ``outcome:<measure>`` rows).
    """
    if not ctx.net.has("outcomes"):
        return _none("no outcomes table")
    o = ctx.net.outcomes
    if len(o) == 0:
        return _none("no outcome measured in the period")
    o = o.assign(_order=np.arange(len(o)))
    if ctx.net.window is None:
        o = o.sort_values(["period", "_order"])
    last = o.groupby("measure", sort=True).tail(1).sort_values("measure")
    out = []
    for measure, value, target, direction in zip(
            last["measure"], last["value"],
            last["target"] if "target" in last.columns else [np.nan] * len(last),
            last["direction"] if "direction" in last.columns else [None] * len(last),
            strict=True):
        name = f"outcome:{measure}"
        if target is None or pd.isna(target) or target == 0:
            out.append((name, _none(f"{measure}: no target")))
            continue
        lower = str(direction) == "lower"
        if lower and value <= 0:
            out.append((name, Value(float("inf"), f"{measure}: {value:g} (target {target:g})")))
            continue
        ratio = target / value if lower else value / target
        out.append((name, Value(float(ratio), f"{measure}: {value:g}, target {target:g}"
                                f"{' (lower is better)' if lower else ''}")))
    return out


def indicator_table() -> pd.DataFrame:
    """Every registered indicator: ``function``, ``params``, ``needs``, ``description``.

    Examples
    --------
    >>> t = pn.grid.indicator_table()
    >>> t.set_index("function").at["median_days_to_solve", "needs"]
    'problems: raised_at, solved_at'
    """
    rows = []
    for name, f in INDICATORS.items():
        doc = (f.__doc__ or "").strip().split("\n\n")[0]
        rows.append({"function": name, "params": ", ".join(f.params), "needs": f.needs,
                     "description": " ".join(doc.split())})
    return pd.DataFrame(rows)
