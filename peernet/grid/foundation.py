"""Grid indicators of the Foundation layer: Communication, Space, Resources,
Problem-solving (``docs/grid.md``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..metrics import followup
from ..report.i18n import N_
from ..schema import split_list
from ..ties import NS_NAT, stamp_ns, unique_int
from .context import (
    GIVING_KINDS,
    Context,
    Value,
    channel_classes,
    cross_org_pairs,
    indicator,
    no_data,
    share,
)
from .events import attend_events, event_count, over_meetings
from .history import direct_acts
from .marked import events_per_year
from .rows import month_rows, row_any, row_counts
from .surveys import survey_pct


# ---------------------------------------------------------------------- communication
@indicator(needs="interactions.channel or events.channel")
def channel_balance(ctx: Context) -> Value:
    """Balance of in-person and electronic activity: 2 * min(share in person, share not)."""
    # the rows' channels take their events' when the period has attendance
    fill = bool(attend_events(ctx)[0].any())
    by_class = row_counts(ctx, ("channels", fill), _channels(fill), 3)
    n = int(by_class.sum())           # rows with a channel, as often as drawn
    if n == 0:
        return no_data("no channel recorded on interactions or events")
    p = int(by_class[0]) / n
    electronic = int(by_class[1]) / n
    if p + electronic == 0:
        return no_data("no known channel")
    p = p / (p + electronic)
    return Value(2 * min(p, 1 - p), N_("{share} of acts with a channel were in person").format(
        share=f"{p:.0%}"))


def _channels(fill: bool) -> Any:
    """The rows with a channel, by its class (0 in person, 1 electronic, 2 another)."""
    def pick(c: Context) -> tuple[np.ndarray, np.ndarray]:
        k = channel_classes(c, fill)
        return k >= 0, k

    return pick


@indicator(needs="interactions and the roster")
def monthly_reach(ctx: Context) -> Value:
    """Mean over the period's months of the share of roster members active that month."""
    n_current = int(ctx.current_mask.sum())
    if len(ctx.months) == 0 or n_current == 0:
        return no_data("empty period or roster")
    span, n = len(ctx.months), ctx.n

    def pick(c: Context) -> tuple[np.ndarray, np.ndarray]:
        # month * n + member in int32 when every target fits (no int64 copy a row)
        small = c.inter_month.dtype == np.int16 and span * n < np.iinfo(np.int32).max
        month = np.subtract(c.inter_month, c.months[0], dtype=np.int32 if small else None)
        ok = c.src >= 0
        ok &= month < span
        np.add(month, span, out=month, where=month < 0)
        month *= n
        month += c.src
        return ok, month

    seen = row_any(ctx, "reach", pick, span * n).reshape(span, n)   # member active in month
    per = seen.sum(axis=1)
    share = per / n_current
    return Value(float(share.mean()), N_("{n} of {m} members active in an average month").format(
        n=f"{per.mean():.1f}", m=n_current))


@indicator(needs="interactions (ties and attendance)")
def connectedness(ctx: Context) -> Value:
    """Share of the person graph's members in its largest connected component.

    The graph is :func:`peernet.person_graph`'s default (direct ties plus co-attendance of
    events up to 30 attendees): ``largest_component_share`` of
    :func:`peernet.network_metrics`.
    """
    largest, n = ctx.largest_component()
    if n == 0:
        return no_data("no active members")
    return Value(largest / n, N_("{n} of {m} members in the largest component").format(
        n=largest, m=n))


#: An unanswered thread waited at least this long (a week), whatever the end of the data.
UNANSWERED_HOURS = 168.0


@indicator(needs="interactions: thread_id, kind message/reply")
def hours_to_first_reply(ctx: Context) -> Value:
    """Median hours from a thread's first message to its first reply by someone else, over
    the threads started in the period (:func:`peernet.metrics.time_to_first_reply`). A
    thread nobody answered counts with the hours it waited until the end of the data, and
    at least a week (slower than the slowest anchor): no reply is the slowest answer, not
    missing data.
    """
    if not ctx.has_thread_rows:
        return no_data("no thread_id on interactions")
    t = ctx.threads()
    if len(t) == 0:
        return no_data("no thread started in the period")
    end = ctx.net.root.interactions["timestamp"].max()
    waited = (end - pd.to_datetime(t["started"], utc=True)) / pd.Timedelta(hours=1)
    hours = t["hours_to_first_reply"].fillna(waited.clip(lower=UNANSWERED_HOURS))
    answered = int(t["hours_to_first_reply"].notna().sum())
    note = (N_("{n} of {m} threads answered") if answered == len(t) else
            N_("{n} of {m} threads answered; unanswered threads count as waiting to "
               "the end of the data, at least a week"))
    return Value(float(hours.median()), note.format(n=answered, m=len(t)))


@indicator(needs="members.language, events.language")
def language_access(ctx: Context) -> Value:
    """Events in members' other languages relative to how many members speak them (cap 1).

    (share of meetings held in a language other than the main one) / (share of roster
    members whose language is not the main one); 1 when every member shares one language.
    """
    if not ctx.has_column("members", "language"):
        return no_data("members have no language column")
    if len(ctx.member_languages) == 0:
        return no_data("no member languages")
    main, other_members = ctx.unresampled("main language", _main_language)
    if other_members == 0:
        return Value(1.0, N_("every member's language is {language}").format(language=repr(main)))
    if not ctx.has_column("events", "language"):
        return no_data("events have no language column")
    m = ctx.meetings
    known, lang = over_meetings(ctx, "language", _languages)
    n_known = event_count(ctx, m, known)      # meetings with a language, as often as held
    if n_known == 0:
        return no_data("no meeting with a language in the period")
    other_events = float(event_count(ctx, m, known & (lang != main)) / n_known)
    return Value(min(1.0, other_events / other_members),
                 N_("{meetings} of meetings vs {members} of members not in {language}").format(
                     meetings=f"{other_events:.0%}", members=f"{other_members:.0%}",
                     language=repr(main)))


def _main_language(c: Context) -> tuple[str, float]:
    """The members' most common language, and the share of members with another."""
    lang = c.member_languages
    main = lang.value_counts().index[0]
    return main, float((lang != main).mean())


def _languages(m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which meetings have a language, and each one's language in lower case."""
    lang = m["language"]
    known = lang.notna().to_numpy(dtype=bool)
    out = np.full(len(m), "", dtype=object)
    out[known] = lang[known].astype("str").str.lower().to_numpy(dtype=object)
    return known, out


# ------------------------------------------------------------------------------ space
@indicator(needs="events (start)")
def events_per_quarter(ctx: Context) -> Value:
    """Meetings (events that are not threads or channels) per quarter of the period."""
    if not ctx.net.has("events") and len(ctx.attend) == 0:
        return no_data("no events table")
    if not ctx.quarters or math.isnan(ctx.quarters):
        return no_data("empty period")
    n = event_count(ctx, ctx.meetings)
    return Value(n / ctx.quarters, N_("{n} meetings in {quarters} quarter(s)").format(
        n=n, quarters=f"{ctx.quarters:.1f}"))


@indicator(needs="attendance rows and the roster")
def share_attending(ctx: Context) -> Value:
    """Share of roster members who attended at least one event in the period."""
    if "attend" not in ctx.kinds_logged:
        return no_data("no attendance recorded")
    n = int((ctx.current_mask & ctx.attendee_mask).sum())
    return share(n, int(ctx.current_mask.sum()), "roster members attended an event")


@indicator(params=("days",), needs="members.joined and direct interactions")
def newcomer_orientation(ctx: Context, days: int = 60) -> Value:
    """Share of newcomers with a direct tie to an earlier member within ``days`` of joining.

    Newcomers: joined in the period, at least ``days`` before its end (so the whole window
    is observed). An earlier member joined before the newcomer. Ties are direct acts in
    either direction (the whole network's log, so a window may run past the period).
    """
    joined = ctx.joined_ns
    if joined is None or ctx.bounds is None:
        return no_data("members have no joined dates")
    lo, hi = (stamp_ns(t) for t in ctx.bounds)
    limit = int(pd.Timedelta(days=days).value)
    new = (joined >= lo) & (joined < hi - limit) & (joined != NS_NAT)
    n_new = int(new.sum())
    if n_new == 0:
        return no_data(N_("no newcomers who joined at least {days} days before the period "
                          "ended").format(days=days))
    # a newcomer's acts counted are in [joined, joined + days], inside [lo, hi)
    # the acts with a newcomer at either end only (every direct act of the period, 16
    # bytes each, was the largest transient of the Grid's first indicators)
    s, t, ts = direct_acts(ctx, lo, hi, among=new) if ctx.net.window is not None else \
        direct_acts(ctx, among=new)
    # the acts of a newcomer, from either end in turn (the ends not joined: the whole
    # history's direct acts twice over was the Grid's largest transient)
    tied_ends = []
    for a, b in ((s, t), (t, s)):
        by = new[a]
        who, other, when = a[by], b[by], ts[by]
        jn, jo = joined[who], joined[other]
        ok = (jo != NS_NAT) & (jo < jn) & (when >= jn) & (when <= jn + limit)
        tied_ends.append(who[ok])
    tied = len(unique_int(np.concatenate(tied_ends)))
    return share(tied, n_new, N_("newcomers tied to an earlier member within {days} days").format(
        days=days))


@indicator(params=("max_share", "min_size"), needs="attendance rows")
def subgroup_sessions_per_quarter(ctx: Context, max_share: float = 1 / 3,
                                  min_size: int = 3) -> Value:
    """Small-group sessions per quarter: events with ``min_size`` or more attendees and at
    most ``max_share`` of the period's active members."""
    if "attend" not in ctx.kinds_logged:
        return no_data("no attendance recorded")
    n_active = int(ctx.active_mask.sum())
    if not ctx.quarters or math.isnan(ctx.quarters) or n_active == 0:
        return no_data("empty period")
    # attendees of each event; an event drawn k times in a bootstrap replicate counts k
    # times (its rows are drawn together), one that was not drawn has none, 0 times
    size, copies = attend_events(ctx)
    small_mask = (size >= min_size) & (size <= max_share * n_active) & (size > 0)
    small = int(copies[small_mask].sum())
    return Value(small / ctx.quarters, N_(
        "{n} of {m} attended events were small groups (<= {share} of {active} active "
        "members)").format(n=small, m=int(copies.sum()), share=f"{max_share:.0%}",
                           active=n_active))


@indicator(needs="members.org and direct interactions")
def cross_org_ties(ctx: Context) -> Value:
    """Share of the period's distinct tie pairs that link two organizations."""
    if ctx.org_code is None:
        return no_data("members have no org")
    cross, known = cross_org_pairs(ctx)
    if known == 0:
        return no_data("no ties between members with a known org")
    return share(cross, known, "tie pairs cross organizations")


# -------------------------------------------------------------------------- resources
@indicator(params=("kinds",), needs="interactions of kind resource")
def resource_exchanges_per_member(ctx: Context, kinds: tuple[str, ...] = ("resource",)
                                  ) -> Value:
    """Resources shared (interactions of kind ``resource``) per active member."""
    kinds = tuple(kinds)
    if not set(kinds) & ctx.kinds_logged:
        return no_data(N_("the data has no {kinds} rows").format(kinds="/".join(kinds)))
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return no_data("no active members")
    n = int(row_counts(ctx, ("kinds", kinds), _of_kinds(kinds), 1)[0])
    return Value(n / n_active, N_("{n} exchanges, {active} active members").format(
        n=n, active=n_active))


def _of_kinds(kinds: tuple[str, ...]) -> Any:
    """The rows of one of ``kinds``, all counted together."""
    def pick(c: Context) -> tuple[np.ndarray, np.ndarray]:
        mask = c.kind_in(kinds)
        return mask, np.zeros(len(mask), np.int8)

    return pick


@indicator(needs="members.org and interactions of kind help / resource / referral")
def share_orgs_contributing(ctx: Context) -> Value:
    """Share of active organizations whose members gave help, a resource or a referral."""
    org = ctx.org_code
    if org is None:
        return no_data("members have no org")
    if not set(GIVING_KINDS) & ctx.kinds_logged:
        return no_data("the data has no help / resource / referral rows")
    orgs = unique_int(org[ctx.active_mask & (org >= 0)])
    if len(orgs) == 0:
        return no_data("no active members with an org")

    by_code = np.r_[org, -1].astype(np.int32)   # code -1 (off the roster): no org

    def pick(c: Context) -> tuple[np.ndarray, np.ndarray]:
        by = by_code[c.src]
        return c.kind_in(GIVING_KINDS) & (by >= 0), by

    given = row_any(ctx, "giving orgs", pick, int(org.max()) + 1)
    n = int(given[orgs].sum())
    return share(n, len(orgs), "active organizations contributed")


@indicator(params=("role",), needs="members.role (coordinator)")
def coordinator_activity(ctx: Context, role: str = "coordinator") -> Value:
    """Share of the period's months in which a member with role ``coordinator`` acted."""
    if not ctx.has_column("members", "role"):
        return no_data("members have no role column")
    if len(ctx.months) == 0:
        return no_data("empty period")
    def build(c: Context) -> np.ndarray:
        r = c.roster
        return c.mask(r.loc[(r["role"].astype("str").str.lower() == role).to_numpy(),
                            "member_id"])

    coords = ctx.unresampled(f"role {role}", build)
    if not coords.any():
        return Value(0.0, N_("no member has role {role}").format(role=repr(role)))

    coord_code = np.r_[coords, False]   # code -1 (off the roster): not a coordinator

    def acted(c: Context) -> tuple[np.ndarray, np.ndarray]:
        ok, at = month_rows(len(c.months))(c)
        ok &= coord_code[c.src]
        return ok, at

    n = int(row_any(ctx, ("coordinator", role), acted, len(ctx.months)).sum())
    return share(n, len(ctx.months), N_("months with a {role} active").format(role=role))


@indicator(params=("format",), needs="events.format (resource_assessment)")
def resource_assessments_per_year(ctx: Context, format: str = "resource_assessment"  # noqa: A002
                                  ) -> Value:
    """Resource assessments (events of format ``resource_assessment``) per year."""
    return events_per_year(ctx, format)


@indicator(needs="surveys: power, involvement, resources items about other members")
def survey_value(ctx: Context) -> Value:
    """PARTNER value: mean of members' value scores (power, involvement, resources), as %
    of the scale maximum (:func:`peernet.survey_scores`, network level)."""
    return survey_pct(ctx, "value_pct", "power, involvement, resources")


# ---------------------------------------------------------------------- problem solving
@indicator(needs="problems (raised_at)")
def problems_per_quarter(ctx: Context) -> Value:
    """Problems raised to the network per quarter of the period."""
    if not ctx.net.has("problems"):
        return no_data("no problem log")
    if not ctx.quarters or math.isnan(ctx.quarters):
        return no_data("empty period")
    n = len(ctx.net.problems)
    return Value(n / ctx.quarters, N_("{n} problems in {quarters} quarter(s)").format(
        n=n, quarters=f"{ctx.quarters:.1f}"))


@indicator(needs="problems: status or solved_at")
def share_solved(ctx: Context) -> Value:
    """Share of the problems raised in the period that were solved
    (:func:`peernet.metrics.followup.solved`)."""
    if not ctx.net.has("problems"):
        return no_data("no problem log")
    p = ctx.net.problems
    if not ({"status", "solved_at"} & set(p.columns)):
        return no_data("the problem log has no status or solved_at")
    t = followup.problems_solved(ctx.net)
    return share(t.num, t.den, "problems solved")


@indicator(needs="problems: raised_at, solved_at")
def median_days_to_solve(ctx: Context) -> Value:
    """Median days from raised to solved, over the period's solved problems
    (:func:`peernet.metrics.followup.days_to_solve`)."""
    if not ctx.net.has("problems"):
        return no_data("no problem log")
    if "solved_at" not in ctx.net.problems.columns:
        return no_data("the problem log has no solved_at")
    days = followup.days_to_solve(ctx.net)
    if len(days) == 0:
        return no_data("no problem solved in the period")
    return Value(float(days.median()), N_("{n} solved problems").format(n=len(days)))


@indicator(needs="problems: raised_by, helpers")
def share_members_solving(ctx: Context) -> Value:
    """Share of active members who raised a problem or helped solve one."""
    if not ctx.net.has("problems"):
        return no_data("no problem log")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return no_data("no active members")
    def build(c: Context) -> np.ndarray:
        p = c.net.problems
        ids = [p["raised_by"].dropna()]
        if "helpers" in p.columns:
            ids.append(split_list(p["helpers"]))
        return c.mask(pd.concat(ids, ignore_index=True))

    people = ctx.unresampled("problem people", build)
    n = int((ctx.active_mask & people).sum())
    return share(n, n_active, "active members raised or helped")
