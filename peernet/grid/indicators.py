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

    def __init__(self, net: PeerNetwork, previous: PeerNetwork | None | bool = None):
        if not isinstance(net, PeerNetwork):
            raise TypeError(f"score needs a PeerNetwork; got {type(net).__name__}")
        self.net = net
        self._previous_arg = previous
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

    @cached_property
    def org(self) -> pd.Series | None:
        """member_id -> org (None when the roster has no org)."""
        if not self.has_column("members", "org"):
            return None
        m = self.roster
        return pd.Series(m["org"].to_numpy(), index=m["member_id"].to_numpy())

    @cached_property
    def active(self) -> pd.Index:
        return self.net.members_active()

    @cached_property
    def current(self) -> pd.Index:
        return self.net.members_current()

    @cached_property
    def attend(self) -> pd.DataFrame:
        """Attendance rows: source, event_id, timestamp."""
        i = self.inter
        a = i.loc[(i["kind"] == "attend").to_numpy() & i["event_id"].notna().to_numpy(),
                  ["source", "event_id", "timestamp"]]
        return a.reset_index(drop=True)

    @cached_property
    def direct(self) -> pd.DataFrame:
        """Directed person-to-person acts: source, target, kind, timestamp."""
        return _direct(self.inter)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Distinct undirected tie pairs ``a < b`` from direct acts."""
        return _pairs(self.direct)

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
        return Context(prev, previous=False)

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


def _direct(inter: pd.DataFrame) -> pd.DataFrame:
    if "target" not in inter.columns or len(inter) == 0:
        return pd.DataFrame({"source": pd.Series(dtype="str"), "target": pd.Series(dtype="str"),
                             "kind": pd.Series(dtype="str"),
                             "timestamp": pd.Series(dtype="datetime64[ns, UTC]")})
    mask = (inter["kind"].isin(DIRECT_KINDS).to_numpy() & inter["target"].notna().to_numpy()
            & (inter["source"] != inter["target"]).to_numpy(dtype=bool, na_value=False))
    return inter.loc[mask, ["source", "target", "kind", "timestamp"]].reset_index(drop=True)


def _pairs(direct: pd.DataFrame) -> pd.DataFrame:
    s, t = direct["source"].to_numpy(dtype=object), direct["target"].to_numpy(dtype=object)
    a = np.where(s < t, s, t)
    b = np.where(s < t, t, s)
    out = pd.DataFrame({"a": pd.array(a, dtype="str"), "b": pd.array(b, dtype="str")})
    return out.drop_duplicates(ignore_index=True)


def _pair_keys(pairs: pd.DataFrame) -> pd.Index:
    return pd.Index(pairs["a"].astype("str") + "\x1f" + pairs["b"].astype("str"))


def _gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal; NaN when all are 0)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return _NAN
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * total) - (n + 1) / n)


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
    now, before = _pair_keys(ctx.pairs), _pair_keys(prev.pairs)
    if len(now) == 0 or len(before) == 0:
        return _none("no direct ties in one of the two periods")
    kept = int(now.isin(before).sum())
    union = len(now) + len(before) - kept
    return Value(kept / union, f"{kept} ties kept of {union} in either period (Jaccard)")


@indicator(needs="attendance and interactions of kind message / reply")
def voice_equality(ctx: Context) -> Value:
    """1 - Gini of messages and replies among the period's attendees (silent ones included).

    The Gini is ``voice_gini`` of :func:`peernet.participation` over the whole window.
    """
    if not set(CONTRIBUTION_KINDS) & ctx.kinds_logged:
        return _none("the data has no message/reply rows")
    if "attend" not in ctx.kinds_logged:
        return _none("no attendance recorded")
    g = _voice_gini(ctx)
    if math.isnan(g):
        return _none("no attendees or no messages in the period")
    return Value(1 - g, f"voice Gini {g:.2f} among attendees")


def _voice_gini(ctx: Context) -> float:
    from ..metrics import participation
    from ..metrics._sparse import gini

    w = ctx.net.window
    freq = {"year": "YS", "quarter": "QS", "month": "MS"}.get(w.kind if w else "", None)
    if freq is not None:
        p = participation(ctx.net, freq=freq)
        return float(p["voice_gini"].iloc[0]) if len(p) == 1 else _NAN
    # fiscal years, ranges, whole networks: the same definition over the whole window
    who = pd.Index(ctx.attend["source"].unique())
    if len(who) == 0:
        return _NAN
    i = ctx.inter
    said = i.loc[i["kind"].isin(CONTRIBUTION_KINDS).to_numpy(), "source"].value_counts()
    x = said.reindex(who, fill_value=0).to_numpy()
    return gini(x) if x.sum() else _NAN


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
    held = np.unique(ctx.month_index(m["start"])) if len(m) else np.array([], dtype=np.int64)
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
    before = prev.active
    if len(before) == 0:
        return _none("no active members in the previous period")
    kept = int(before.isin(ctx.active).sum())
    return _share(kept, len(before), "of last period's active members active again")


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
    n = int(np.isin(ctx.months, np.unique(np.concatenate(seen))).sum())
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
    if len(ctx.months) == 0 or len(ctx.current) == 0:
        return _none("empty period or roster")
    i = ctx.inter
    per = (pd.DataFrame({"m": ctx.inter_month, "s": i["source"].to_numpy()})
           .drop_duplicates().groupby("m").size())
    counts = per.reindex(ctx.months, fill_value=0).to_numpy()
    share = counts / len(ctx.current)
    return Value(float(share.mean()), f"{counts.mean():.1f} of {len(ctx.current)} members "
                 f"active in an average month")


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
    """Median hours from a thread's first message to its first reply (answered threads)."""
    i = ctx.inter
    if "thread_id" not in i.columns or not i["thread_id"].notna().any():
        return _none("no thread_id on interactions")
    t = i.loc[i["thread_id"].notna().to_numpy() & i["kind"].isin(("message", "reply"))
              .to_numpy(), ["thread_id", "kind", "timestamp"]]
    start = t[(t["kind"] == "message").to_numpy()].groupby("thread_id")["timestamp"].min()
    reply = t[(t["kind"] == "reply").to_numpy()].groupby("thread_id")["timestamp"].min()
    both = pd.concat({"start": start, "reply": reply}, axis=1, join="inner")
    both = both[both["reply"] >= both["start"]]
    if len(both) == 0:
        return _none("no thread got a reply in the period")
    hours = (both["reply"] - both["start"]) / pd.Timedelta(hours=1)
    return Value(float(hours.median()), f"{len(both)} of {len(start)} threads answered")


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
    n = int(ctx.current.isin(ctx.attend["source"].unique()).sum())
    return _share(n, len(ctx.current), "roster members attended an event")


@indicator(params=("days",), needs="members.joined and direct interactions")
def newcomer_orientation(ctx: Context, days: int = 60) -> Value:
    """Share of newcomers with a direct tie to an earlier member within ``days`` of joining.

    Newcomers: joined in the period, at least ``days`` before its end (so the whole window
    is observed). An earlier member joined before the newcomer.
    """
    if not ctx.has_column("members", "joined") or ctx.bounds is None:
        return _none("members have no joined dates")
    lo, hi = ctx.bounds
    limit = pd.Timedelta(days=days)
    root = ctx.net.root
    roster = root.members.drop_duplicates("member_id")
    joined = pd.Series(roster["joined"].to_numpy(), index=roster["member_id"].to_numpy())
    new = joined[(joined >= lo) & (joined < hi - limit)]
    if len(new) == 0:
        return _none(f"no newcomers who joined at least {days} days before the period ended")
    d = _direct(root.interactions)
    both = pd.DataFrame({"n": np.concatenate([d["source"].to_numpy(object),
                                              d["target"].to_numpy(object)]),
                         "o": np.concatenate([d["target"].to_numpy(object),
                                              d["source"].to_numpy(object)]),
                         "t": np.concatenate([d["timestamp"].to_numpy(),
                                              d["timestamp"].to_numpy()])})
    both = both[both["n"].isin(new.index)]
    jn = both["n"].map(new)
    jo = both["o"].map(joined)
    t = pd.to_datetime(both["t"], utc=True)
    ok = (jo < jn) & (t >= jn) & (t <= jn + limit)
    tied = both.loc[ok.to_numpy(dtype=bool, na_value=False), "n"].nunique()
    return _share(tied, len(new), f"newcomers tied to an earlier member within {days} days")


@indicator(params=("max_share", "min_size"), needs="attendance rows")
def subgroup_sessions_per_quarter(ctx: Context, max_share: float = 1 / 3,
                                  min_size: int = 3) -> Value:
    """Small-group sessions per quarter: events with ``min_size`` or more attendees and at
    most ``max_share`` of the period's active members."""
    if "attend" not in ctx.kinds_logged:
        return _none("no attendance recorded")
    if not ctx.quarters or math.isnan(ctx.quarters) or len(ctx.active) == 0:
        return _none("empty period")
    size = ctx.attend.groupby("event_id")["source"].nunique()
    small = int(((size >= min_size) & (size <= max_share * len(ctx.active))).sum())
    return Value(small / ctx.quarters, f"{small} of {len(size)} attended events were small "
                 f"groups (<= {max_share:.0%} of {len(ctx.active)} active members)")


@indicator(needs="members.org and direct interactions")
def cross_org_ties(ctx: Context) -> Value:
    """Share of the period's distinct tie pairs that link two organizations."""
    if ctx.org is None:
        return _none("members have no org")
    p = ctx.pairs
    oa, ob = p["a"].map(ctx.org), p["b"].map(ctx.org)
    known = (oa.notna() & ob.notna()).to_numpy()
    if not known.any():
        return _none("no ties between members with a known org")
    cross = int((oa[known] != ob[known]).sum())
    return _share(cross, int(known.sum()), "tie pairs cross organizations")


# -------------------------------------------------------------------------- resources
@indicator(params=("kinds",), needs="interactions of kind resource")
def resource_exchanges_per_member(ctx: Context, kinds: tuple[str, ...] = ("resource",)
                                  ) -> Value:
    """Resources shared (interactions of kind ``resource``) per active member."""
    kinds = tuple(kinds)
    if not set(kinds) & ctx.kinds_logged:
        return _none(f"the data has no {'/'.join(kinds)} rows")
    if len(ctx.active) == 0:
        return _none("no active members")
    n = int(ctx.inter["kind"].isin(kinds).sum())
    return Value(n / len(ctx.active), f"{n} exchanges, {len(ctx.active)} active members")


@indicator(needs="members.org and interactions of kind help / resource / referral")
def share_orgs_contributing(ctx: Context) -> Value:
    """Share of active organizations whose members gave help, a resource or a referral."""
    if ctx.org is None:
        return _none("members have no org")
    if not set(GIVING_KINDS) & ctx.kinds_logged:
        return _none("the data has no help / resource / referral rows")
    orgs = ctx.org.reindex(ctx.active).dropna().unique()
    if len(orgs) == 0:
        return _none("no active members with an org")
    i = ctx.inter
    givers = i.loc[i["kind"].isin(GIVING_KINDS).to_numpy(), "source"].unique()
    giving = ctx.org.reindex(givers).dropna().unique()
    n = int(pd.Index(orgs).isin(giving).sum())
    return _share(n, len(orgs), "active organizations contributed")


@indicator(params=("role",), needs="members.role (coordinator)")
def coordinator_activity(ctx: Context, role: str = "coordinator") -> Value:
    """Share of the period's months in which a member with role ``coordinator`` acted."""
    if not ctx.has_column("members", "role"):
        return _none("members have no role column")
    if len(ctx.months) == 0:
        return _none("empty period")
    r = ctx.roster
    coords = r.loc[(r["role"].astype("str").str.lower() == role).to_numpy(), "member_id"]
    if len(coords) == 0:
        return Value(0.0, f"no member has role {role!r}")
    mask = ctx.inter["source"].isin(coords).to_numpy()
    n = int(np.isin(ctx.months, np.unique(ctx.inter_month[mask])).sum())
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


def _help_pairs(ctx: Context) -> pd.DataFrame:
    """(giver, receiver) of help: problem helpers -> raiser, and help interactions."""
    parts = []
    p = ctx.net.problems
    if len(p) and "helpers" in p.columns:
        h = split_list(p["helpers"])
        parts.append(pd.DataFrame({"giver": h.to_numpy(object),
                                   "receiver": p.loc[h.index, "raised_by"].to_numpy(object)}))
    i = ctx.inter
    if "target" in i.columns:
        sel = i[(i["kind"] == "help").to_numpy() & i["target"].notna().to_numpy()]
        parts.append(pd.DataFrame({"giver": sel["source"].to_numpy(object),
                                   "receiver": sel["target"].to_numpy(object)}))
    if not parts:
        return pd.DataFrame({"giver": [], "receiver": []})
    return pd.concat(parts, ignore_index=True)


@indicator(needs="members.org; problems.helpers or help interactions")
def help_across_orgs(ctx: Context) -> Value:
    """Share of help given (problem helpers, help interactions) across organizations."""
    if ctx.org is None:
        return _none("members have no org")
    if not ctx.net.has("problems") and "help" not in ctx.kinds_logged:
        return _none("no problem log and no help interactions")
    h = _help_pairs(ctx)
    og, orc = h["giver"].map(ctx.org), h["receiver"].map(ctx.org)
    known = (og.notna() & orc.notna() & (h["giver"] != h["receiver"])).to_numpy()
    if not known.any():
        return _none("no help between members with a known org in the period")
    cross = int((og[known] != orc[known]).sum())
    return _share(cross, int(known.sum()), "acts of help crossed organizations")


@indicator(needs="problems: raised_by, helpers")
def share_members_solving(ctx: Context) -> Value:
    """Share of active members who raised a problem or helped solve one."""
    if not ctx.net.has("problems"):
        return _none("no problem log")
    if len(ctx.active) == 0:
        return _none("no active members")
    p = ctx.net.problems
    ids = [p["raised_by"].dropna()]
    if "helpers" in p.columns:
        ids.append(split_list(p["helpers"]))
    people = pd.unique(pd.concat(ids, ignore_index=True).astype("str"))
    n = int(ctx.active.isin(people).sum())
    return _share(n, len(ctx.active), "active members raised or helped")


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
    if len(ctx.active) == 0:
        return _none("no active members")
    trainings = ctx.events.loc[_is_training(ctx).to_numpy(), "event_id"]
    n = int(ctx.attend["event_id"].isin(trainings).sum())
    return Value(n / len(ctx.active), f"{n} attendances at {len(trainings)} training(s)")


@indicator(needs="events.format or events.kind (training) and attendance")
def share_trained(ctx: Context) -> Value:
    """Share of active members who attended at least one training."""
    if not (ctx.has_column("events", "format") or ctx.has_column("events", "kind")):
        return _none("events have no format or kind")
    trainings = ctx.events.loc[_is_training(ctx).to_numpy(), "event_id"]
    a = ctx.attend
    people = a.loc[a["event_id"].isin(trainings).to_numpy(), "source"].unique()
    return _share(int(ctx.active.isin(people).sum()), len(ctx.active),
                  "active members attended a training")


@indicator(needs="members.org and direct interactions (whole history)")
def new_cross_org_ties_per_member(ctx: Context) -> Value:
    """Cross-organization tie pairs first seen in this period, per active member."""
    if ctx.org is None:
        return _none("members have no org")
    if len(ctx.active) == 0 or ctx.bounds is None:
        return _none("no active members")
    p = ctx.pairs
    oa, ob = p["a"].map(ctx.org), p["b"].map(ctx.org)
    cross = p[(oa.notna() & ob.notna() & (oa != ob)).to_numpy()]
    root_i = ctx.net.root.interactions
    before = _direct(root_i[(root_i["timestamp"] < ctx.bounds[0]).to_numpy()])
    old = _pair_keys(_pairs(before))
    n_new = int((~_pair_keys(cross).isin(old)).sum())
    return Value(n_new / len(ctx.active), f"{n_new} new cross-organization ties")


def _degrees(ctx: Context) -> pd.Series:
    p = ctx.pairs
    deg = pd.concat([p["a"], p["b"]], ignore_index=True).value_counts()
    return deg.reindex(ctx.active, fill_value=0)


def _core(ctx: Context) -> pd.Index:
    """Core members: distinct tie partners at least the period's 75th percentile (and >= 1)."""
    deg = _degrees(ctx)
    if len(deg) == 0:
        return pd.Index([], dtype="str")
    cut = max(float(np.percentile(deg.to_numpy(), 75)), 1.0)
    return deg.index[deg.to_numpy() >= cut]


@indicator(needs="direct interactions in this and the previous period")
def periphery_to_core(ctx: Context) -> Value:
    """Share of last period's peripheral members (active in both) who are core now.

    Core: distinct tie partners at or above the period's 75th percentile among active
    members (and at least one); periphery: active but not core.
    """
    prev = ctx.previous
    if prev is None:
        return _none(ctx.prev_note())
    if len(ctx.pairs) == 0 or len(prev.pairs) == 0:
        return _none("no direct ties in one of the two periods")
    periphery = prev.active[~prev.active.isin(_core(prev))]
    stay = periphery[periphery.isin(ctx.active)]
    moved = int(stay.isin(_core(ctx)).sum())
    return _share(moved, len(stay), "peripheral members moved to the core")


@indicator(needs="events.host")
def share_members_hosting(ctx: Context) -> Value:
    """Share of active members who hosted or led an event in the period."""
    if not ctx.has_column("events", "host"):
        return _none("events have no host column")
    hosts = ctx.events["host"].dropna().unique()
    return _share(int(ctx.active.isin(hosts).sum()), len(ctx.active),
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
    """Every registered indicator: ``function``, ``params``, ``needs``, ``description``."""
    rows = []
    for name, f in INDICATORS.items():
        doc = (f.__doc__ or "").strip().split("\n\n")[0]
        rows.append({"function": name, "params": ", ".join(f.params), "needs": f.needs,
                     "description": " ".join(doc.split())})
    return pd.DataFrame(rows)
