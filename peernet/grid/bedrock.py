"""Grid indicators of the Bedrock layer: Trust, Time, Truth (``docs/grid.md``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..metrics import followup
from ..network import ACT_COLUMNS
from ..report.i18n import N_
from ..ties import NS_NAT, in_sorted, ns
from .context import (
    CONTRIBUTION_KINDS,
    DAYS_PER_YEAR,
    Context,
    Value,
    indicator,
    no_data,
    root_cache,
    share,
)
from .events import event_months, over_meetings, present_mask, repeated
from .marked import events_per_year
from .pairs import pair_counts, tie_pairs
from .rows import month_rows, row_any, row_counts
from .surveys import survey_pct


@indicator(needs="surveys: reliability, mission, openness items about other members")
def survey_trust(ctx: Context) -> Value:
    """PARTNER trust: mean of members' trust scores (reliability, mission, openness), as %
    of the scale maximum (:func:`peernet.survey_scores`, network level)."""
    return survey_pct(ctx, "trust_pct", "reliability, mission, openness")


# ------------------------------------------------------------------------------ trust
@indicator(needs="interactions with a target (messages, replies, calls, help, ...)")
def reciprocity(ctx: Context) -> Value:
    """Share of directed ties whose reverse tie also exists.

    :func:`peernet.metrics.reciprocity` of the slice (networkx's overall reciprocity), on
    directed kinds only: on contact data it is missing ("not applicable"), never 0.
    """
    from ..metrics.structure import reciprocity_reason

    value = ctx.reciprocity()
    if math.isnan(value):
        return no_data(reciprocity_reason(ctx.net) or "no directed ties in the period")
    return Value(value, "share of directed ties reciprocated")


@indicator(needs="interactions with a target in this and the previous period")
def tie_persistence(ctx: Context) -> Value:
    """Jaccard overlap of this period's and the previous period's tie pairs."""
    prev = ctx.previous
    if prev is None:
        return no_data(ctx.prev_note())
    n_now, before = tie_pairs(ctx), prev.pair_keys
    if n_now == 0 or len(before) == 0:
        return no_data("no direct ties in one of the two periods")
    # both sorted and distinct; a replicate counts among the pairs it drew
    kept, = pair_counts(ctx, "kept from the previous period",
                        lambda k: (in_sorted(k, before),))
    union = n_now + len(before) - kept
    return Value(kept / union, N_("{kept} ties kept of {union} in either period (Jaccard)").format(
        kept=kept, union=union))


@indicator(needs="interactions of kind message / reply (and attendance)")
def voice_equality(ctx: Context) -> Value:
    """1 - Gini of messages and replies among the period's attendees (silent ones included).

    The Gini is defined as ``voice_gini`` of :func:`peernet.participation`, taken over the
    whole window instead of each quarter. When the data record no attendance at all (a
    Slack or listserv export), the Gini is taken over the period's active members.
    """
    from ..metrics.arrays import gini

    if not set(CONTRIBUTION_KINDS) & ctx.kinds_logged:
        return no_data("the data has no message/reply rows")
    if "attend" in ctx.kinds_logged:
        who, among = ctx.attendee_mask, N_("attendees")
    else:
        who, among = ctx.active_mask, N_("active members (no attendance recorded)")
    if not who.any():
        return no_data(N_("no {who} in the period").format(who=among.split(' (')[0]))
    x = row_counts(ctx, "voice", _said, ctx.n)[who]
    if x.sum() == 0:
        return no_data("no message or reply in the period")
    g = gini(x)
    return Value(1 - g, N_("voice Gini {gini} among {n} {who}").format(
        gini=f"{g:.2f}", n=int(who.sum()), who=among))


def _said(c: Context) -> tuple[np.ndarray, np.ndarray]:
    """Messages and replies of roster members, by their author (voice_equality)."""
    return c.kind_in(CONTRIBUTION_KINDS) & (c.src >= 0), c.src


# ------------------------------------------------------------------------------- time
#: A member first seen this close to the start of the records may have been there before:
#: their tenure from first activity is censored (a lower bound).
CENSOR_DAYS = 60


@indicator(needs="members.joined (the records' first date is only a lower bound)")
def network_age(ctx: Context) -> Value:
    """Years from the network's first known date to the end of the period.

    The first date is the earliest ``members.joined``. When no member joined before the
    records begin, the start of the records is only a lower bound (the network may be older:
    censored): the indicator is then insufficient data, with the lower bound in its note,
    never a young network's low score.
    """
    root = ctx.net.root
    if ctx.bounds is None:
        return no_data("no dated records")
    firsts = [df[col].min() for df, col in ((root.interactions, "timestamp"),
                                            (root.events, "start"))
              if len(df) and df[col].notna().any()]
    start = min(firsts) if firsts else None
    joined = None
    if "joined" in root.members.columns and root.members["joined"].notna().any():
        joined = root.members["joined"].min()
    if joined is None or (start is not None and joined >= start):
        if start is None:
            return no_data("no dated records")
        years = max((ctx.bounds[1] - start) / pd.Timedelta(days=DAYS_PER_YEAR), 0.0)
        return no_data(N_("censored: the records start on {start}, so the network is at "
                          "least {years} years old; give members.joined dates to measure "
                          "its age").format(start=start.tz_convert(ctx.net.tz).date(),
                                            years=f"{years:.1f}"))
    years = (ctx.bounds[1] - joined) / pd.Timedelta(days=DAYS_PER_YEAR)
    return Value(max(float(years), 0.0),
                 N_("first member joined {date}").format(
                     date=joined.tz_convert(ctx.net.tz).date()))


@indicator(needs="events (start)")
def months_with_meeting(ctx: Context) -> Value:
    """Share of the period's calendar months with at least one meeting."""
    if len(ctx.months) == 0:
        return no_data("empty period")
    if not ctx.net.has("events") and len(ctx.attend) == 0:
        return no_data("no events table")
    m = ctx.meetings
    n = ctx.months_among(np.compress(present_mask(ctx, m), event_months(ctx, m))) \
        if len(m) else 0
    return share(n, len(ctx.months), "months with a meeting")


@indicator(needs="events (start); format network_meeting marks the regular series")
def meeting_gap_cv(ctx: Context) -> Value:
    """Coefficient of variation of the days between the regular series' meetings."""
    rows, how = ctx.main_series
    if len(rows) < 3:
        return no_data(N_("fewer than 3 meetings in the regular series ({how})").format(how=how))
    gaps = np.diff(_days_since_first(over_meetings(ctx, "start ns", _start_ns)[0][rows]))
    if gaps.mean() == 0:
        return no_data("all meetings on one day")
    cv = float(gaps.std() / gaps.mean())
    return Value(cv, N_("{n} meetings ({how}), mean gap {days} days").format(
        n=len(rows), how=how, days=f"{gaps.mean():.0f}"))


#: A day in ns.
_DAY_NS = 86_400 * 10 ** 9


def _start_ns(meetings: pd.DataFrame) -> tuple[np.ndarray]:
    return (ns(meetings["start"]),)


def _days_since_first(t: np.ndarray) -> np.ndarray:
    """Times (int64 UTC ns, missing: :data:`NS_NAT`) sorted, in days since the first, the
    missing last as NaN: ``(s - s.iloc[0]) / pd.Timedelta(days=1)`` of the sorted Series
    (numpy's division of two timedeltas: the two as floats)."""
    t = np.sort(t)
    missing = int(np.count_nonzero(t == NS_NAT))     # the smallest int64: sorted first
    t = t[missing:]
    days = (t - t[0]).astype(float) / float(_DAY_NS) if len(t) else np.zeros(0)
    return np.concatenate([days, np.full(missing, np.nan)])


@indicator(needs="interactions in this and the previous period")
def retention(ctx: Context) -> Value:
    """Share of the previous period's active members who are active again in this one."""
    prev = ctx.previous
    if prev is None:
        return no_data(ctx.prev_note())
    before = prev.active_mask
    if not before.any():
        return no_data("no active members in the previous period")
    kept = int((before & ctx.active_mask).sum())
    return share(kept, int(before.sum()), "of last period's active members active again")


@indicator(needs="members.joined (else first activity, censored at the records' start)")
def median_tenure(ctx: Context) -> Value:
    """Median years since joining of the period's active members, at the period's end.

    A member without a ``joined`` date counts from their first activity; one first seen
    within :data:`CENSOR_DAYS` days of the start of the records may have joined earlier
    (censored: the tenure is a lower bound). When half or more of the active members are
    censored the median is unknown (insufficient data, with its lower bound in the note).
    """
    if len(ctx.active) == 0 or ctx.bounds is None:
        return no_data("no active members")
    root = ctx.net.root
    note = N_("from members.joined")
    tenure, missing, censored = ctx.over_active("tenure", _tenures)
    if missing.any():
        note = (N_("from first activity (no joined dates)") if missing.all()
                else N_("joined dates, first activity for {n} members").format(
                    n=int(missing.sum())))
    years = pd.Series(tenure[~np.isnan(tenure)])
    if len(years) == 0:
        return no_data("no join dates")
    n_cens = int(censored.sum())
    if n_cens:
        since = root_cache(root, "first_time", lambda: root.interactions["timestamp"].min()
                           ).tz_convert(ctx.net.tz).date()
        if 2 * n_cens >= len(years):
            return no_data(N_("censored: {n} of {m} active members were already active "
                              "when the records start on {since}, so the median tenure is "
                              "at least {years} years; give members.joined dates to "
                              "measure it").format(n=n_cens, m=len(years), since=since,
                                                   years=f"{float(years.median()):.1f}"))
        note = N_("{note}; {n} already active when the records start ({since}): at "
                  "least").format(note=note, n=n_cens, since=since)
    return Value(float(years.median()), note)


def _tenures(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Years since joining of each active member at the period's end (NaN unknown), whether
    the join date is missing (first activity instead), and whether that is censored."""
    active = ctx.active
    root = ctx.net.root
    assert ctx.bounds is not None
    joined = pd.Series(pd.NaT, index=active, dtype="datetime64[ns, UTC]")
    if "joined" in root.members.columns:
        j = root.members.drop_duplicates("member_id").set_index("member_id")["joined"]
        joined = j.reindex(active)
    missing = joined.isna()
    censored = pd.Series(False, index=active)
    if missing.any():
        # either person of a contact acted; kept on the whole network: its acts may be
        # let go once grouped (pn.evaluate, issue 23)
        firsts = root_cache(root, "first_act", lambda: root.acts(ACT_COLUMNS).groupby(
            "source", observed=True)["timestamp"].min())
        first = firsts.reindex(active)
        joined = joined.where(~missing, first)
        start = root_cache(root, "first_act_time",
                           lambda: root.acts(ACT_COLUMNS)["timestamp"].min())
        censored = missing & (first < start + pd.Timedelta(days=CENSOR_DAYS)).fillna(False)
    years = (ctx.bounds[1] - joined) / pd.Timedelta(days=DAYS_PER_YEAR)
    return (years.to_numpy(float, na_value=np.nan), missing.to_numpy(bool),
            censored.to_numpy(bool))


@indicator(needs="events.next_date_set")
def next_date_set(ctx: Context) -> Value:
    """Share of meetings at which the next meeting's date was set."""
    if not ctx.has_column("events", "next_date_set"):
        return no_data("events have no next_date_set column")
    m = repeated(ctx, ctx.meetings)
    known = m["next_date_set"].dropna() if "next_date_set" in m.columns else m.iloc[:0, 0]
    return share(int(known.astype(bool).sum()), len(known), "meetings set the next date")


# ------------------------------------------------------------------------------ truth
@indicator(needs="surveys (respondent) and the roster")
def survey_response_rate(ctx: Context) -> Value:
    """Respondents / members who could respond (:func:`peernet.survey_scores`)."""
    sn = ctx.survey_network
    if sn is None or math.isnan(sn.get("response_rate", math.nan)):
        return no_data("no survey in the period")
    return Value(float(sn["response_rate"]), N_("{survey}: {n} of {m} members responded").format(
        survey=sn.name, n=f"{sn['n_respondents']:.0f}", m=f"{sn['n_eligible']:.0f}"))


@indicator(needs="any dated record")
def months_with_data(ctx: Context) -> Value:
    """Share of the period's calendar months with at least one interaction or event."""
    if len(ctx.months) == 0:
        return no_data("empty period")
    hit = row_any(ctx, "months", month_rows(len(ctx.months)), len(ctx.months))
    e = ctx.events
    if len(e):
        at = np.compress(present_mask(ctx, e), event_months(ctx, e)) - ctx.months[0]
        hit[at[(at >= 0) & (at < len(ctx.months))]] = True
    return share(int(hit.sum()), len(ctx.months), "months with recorded activity")


@indicator(needs="problems: status or solved_at, outcome")
def problems_with_outcome(ctx: Context) -> Value:
    """Share of closed problems (solved or dropped) with a recorded outcome
    (:func:`peernet.metrics.followup.problems_with_outcome`)."""
    if not ctx.net.has("problems"):
        return no_data("no problem log")
    if not ctx.has_column("problems", "outcome"):
        return no_data("the problem log has no outcome column")
    t = followup.problems_with_outcome(ctx.net)
    return share(t.num, t.den, "closed problems with an outcome")


@indicator(needs="actions: due, done_at")
def actions_closed_on_time(ctx: Context) -> Value:
    """Share of action items due in the period done on or before their due day (days in
    the network's time zone; :func:`peernet.metrics.followup.actions_on_time`)."""
    if not ctx.net.has("actions"):
        return no_data("no action log")
    if "done_at" not in ctx.net.actions.columns:
        return no_data("the action log has no done_at column")
    t = followup.actions_on_time(ctx.net)
    return share(t.num, t.den, "action items closed on time")


@indicator(params=("format",), needs="events.format (evaluation)")
def evaluations_per_year(ctx: Context, format: str = "evaluation") -> Value:  # noqa: A002
    """Formal evaluations (events of format ``evaluation``) per year of the period."""
    return events_per_year(ctx, format)

