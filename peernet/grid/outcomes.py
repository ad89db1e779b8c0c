"""Grid indicators of the Strategies, Immediate outcomes and Ultimate outcome layers
(``docs/grid.md``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..report.i18n import N_
from ..ties import in_sorted, pair_keys, person_ties, stamp_ns, unique_int
from .context import (
    DIRECT_KINDS,
    Context,
    Value,
    indicator,
    no_data,
    org_cross,
    root_cache,
    share,
)
from .events import attend_events, present_mask
from .history import direct_acts
from .marked import ever_marked
from .pairs import pair_counts, tie_pairs
from .surveys import scale_max


# -------------------------------------------------------------------------- strategies
@indicator(params=("item",), needs="checklist (item, value 0-3)")
def checklist_rating(ctx: Context, item: str = "") -> Value:
    """The period's rating (0-3, mean over raters) of one checklist item."""
    if not ctx.net.has("checklist"):
        return no_data("no checklist table")
    c = ctx.net.checklist
    v = c.loc[(c["item"].astype("str").str.lower() == item.lower()).to_numpy(), "value"]
    v = v.dropna()
    if len(v) == 0:
        return no_data(N_("item {item} not rated in the period").format(item=repr(item)))
    return Value(float(v.mean()), N_("{n} rating(s)").format(n=len(v)))


# -------------------------------------------------------------------- immediate outcomes
def _is_training(e: pd.DataFrame) -> np.ndarray:
    """Which events of ``e`` are trainings (``format`` or ``kind`` is ``"training"``)."""
    mask = np.zeros(len(e), dtype=bool)
    if "format" in e.columns:
        mask |= (e["format"] == "training").to_numpy(dtype=bool, na_value=False)
    if "kind" in e.columns:
        mask |= (e["kind"] == "training").to_numpy(dtype=bool, na_value=False)
    return mask


def _trained(ctx: Context) -> tuple[np.ndarray, int, bool]:
    """Which events of :attr:`~peernet.grid.context.Context.attend_codes` are trainings, how
    many trainings the period has, and whether any event of the whole record is marked as
    one (which events are trainings is the slice's: a bootstrap replicate's events are
    copies of its slice's, its attendance rows some of the slice's)."""
    def build(c: Context) -> tuple[np.ndarray, int, bool]:
        trainings = c.events.loc[_is_training(c.events), "event_id"]
        ever = len(trainings) > 0 or ever_marked(c, "training", ("format", "kind"))
        return c.attend_codes[2].isin(trainings).to_numpy(dtype=bool), len(trainings), ever

    return ctx.unresampled("trainings", build)


def _training_rows(c: Context) -> tuple[np.ndarray, np.ndarray]:
    """The attendance rows at a training: each one's member and event codes."""
    m, ev, _ = c.attend_codes
    at = np.flatnonzero(_trained(c)[0][ev])
    return m[at], ev[at]


#: Why the training indicators have no value when no event of the record is a training:
#: the records do not tell trainings apart (a real zero needs trainings in other periods).
NO_TRAININGS = N_("no event in the records is marked as a training (events.format or "
                  "events.kind \"training\"), so a period without one cannot be told from "
                  "records that do not mark them")


@indicator(needs="events.format or events.kind (training) and attendance")
def training_attendance_per_member(ctx: Context) -> Value:
    """Training attendances per active member."""
    if not (ctx.has_column("events", "format") or ctx.has_column("events", "kind")):
        return no_data("events have no format or kind")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0:
        return no_data("no active members")
    training, n_trainings, ever = _trained(ctx)
    if not ever:
        return no_data(NO_TRAININGS)
    size, copies = attend_events(ctx)             # attendances: attendees x copies
    n = int(np.dot(np.compress(training, size), np.compress(training, copies)))
    return Value(n / n_active, N_("{n} attendances at {m} training(s)").format(
        n=n, m=n_trainings))


@indicator(needs="events.format or events.kind (training) and attendance")
def share_trained(ctx: Context) -> Value:
    """Share of active members who attended at least one training."""
    if not (ctx.has_column("events", "format") or ctx.has_column("events", "kind")):
        return no_data("events have no format or kind")
    _, _n, ever = _trained(ctx)
    if not ever:
        return no_data(NO_TRAININGS)
    m, ev = ctx.unresampled("training rows", _training_rows)
    trained = np.zeros(ctx.n, dtype=bool)
    trained[np.compress(attend_events(ctx)[1][ev] > 0, m)] = True   # at a training held
    return share(int((trained & ctx.active_mask).sum()), int(ctx.active_mask.sum()),
                  "active members attended a training")


@indicator(params=("item",), needs="surveys: the network-level learning item")
def survey_learning(ctx: Context, item: str = "learning") -> Value:
    """Mean rating of the learning item about the network, % of scale max."""
    sn = ctx.survey_network
    mean = math.nan if sn is None else float(sn.get(f"{item}_mean", math.nan))
    if sn is None or math.isnan(mean):
        return no_data(N_("no survey item {item} in the period").format(item=repr(item)))
    s = ctx.net.surveys
    top = float(scale_max(s[(s["item"] == item).to_numpy()]).max())
    return Value(100 * mean / top, N_("{survey}: mean {mean} of {top}").format(
        survey=sn.name, mean=f"{mean:.2f}", top=f"{top:g}"))


def pairs_before(ctx: Context, start: int) -> np.ndarray:
    """Pair keys (member codes, sorted, distinct) of the whole network's direct ties first
    seen before ``start`` (int64 ns): the pairs with a direct act before it, from the
    whole network's direct acts before it (:func:`~peernet.grid.history.direct_acts`;
    the ties of :func:`peernet.ties.person_ties` without co-attendance between roster
    members). The whole history's tie table is not built (at 10M interactions it held
    half a gigabyte for the rest of the run). Memoised on the whole network."""
    def build() -> np.ndarray:
        s, t, _ = direct_acts(ctx, None, start)
        return unique_int(pair_keys(s, t, ctx.n))

    return root_cache(ctx.net.root, f"pairs_before {start}", build)


@indicator(needs="members.org and direct interactions (whole history)")
def new_cross_org_ties_per_member(ctx: Context) -> Value:
    """Cross-organization tie pairs first seen in this period, per active member.

    "New" is against the whole history before the period; insufficient data when the
    previous period is absent or shorter than this one (:func:`~peernet.grid.context.
    short_history`): against a history of a day or a week nearly every tie is new.
    """
    if ctx.org_code is None:
        return no_data("members have no org")
    n_active = int(ctx.active_mask.sum())
    if n_active == 0 or ctx.bounds is None:
        return no_data("no active members")
    if ctx.previous is None:   # everything is "new" against no history, or a short one
        return no_data(ctx.prev_note())
    start = stamp_ns(ctx.bounds[0])
    if ctx._ids is not None:   # codes of its own: the history's ties in those codes
        history = person_ties(ctx.net.root, kinds=DIRECT_KINDS, coattendance=None)
        old = ctx.tie_keys(history, history.first < start)
    else:   # once for the whole network's slices (and a slice's bootstrap replicates)
        old = pairs_before(ctx, start)
    n_new, = pair_counts(ctx, ("new cross org", start),
                         lambda k: (org_cross(ctx, k)[0] & ~in_sorted(k, old),))
    return Value(n_new / n_active, N_("{n} new cross-organization ties").format(n=n_new))


@indicator(needs="direct interactions in this and the previous period")
def periphery_to_core(ctx: Context) -> Value:
    """Share of last period's peripheral members (active in both) who are core now.

    Core and periphery: the discrete core-periphery model of each period's direct ties
    (Borgatti & Everett 1999, :func:`peernet.metrics.core_periphery`, the ``position`` of
    :func:`peernet.member_metrics`); periphery: active but not core (isolates included).
    Insufficient data when the previous period is absent or shorter than this one.
    """
    prev = ctx.previous
    if prev is None:
        return no_data(ctx.prev_note())
    if tie_pairs(ctx) == 0 or len(prev.pair_keys) == 0:
        return no_data("no direct ties in one of the two periods")
    stay = prev.active_mask & ~prev.core_mask() & ctx.active_mask
    moved = int((stay & ctx.core_mask()).sum())
    return share(moved, int(stay.sum()), "peripheral members moved to the core")


@indicator(needs="events.host")
def share_members_hosting(ctx: Context) -> Value:
    """Share of active members who hosted or led an event in the period."""
    if not ctx.has_column("events", "host"):
        return no_data("events have no host column")
    e = ctx.events
    hosts = ctx.mask(e["host"].iloc[np.flatnonzero(present_mask(ctx, e))].dropna())
    return share(int((ctx.active_mask & hosts).sum()), int(ctx.active_mask.sum()),
                  "active members hosted an event")


@indicator(params=("tables",), needs="the problems, actions, surveys and checklist tables")
def data_kept(ctx: Context, tables: tuple[str, ...] = ("problems", "actions", "surveys",
                                                        "checklist")) -> Value:
    """Share of the record-keeping tables (problem log, action log, survey, checklist)
    that hold rows for the period."""
    kept = [t for t in tables if ctx.net.has(t) and len(getattr(ctx.net, t))]
    return Value(len(kept) / len(tables),
                 N_("kept: {tables}").format(tables=", ".join(kept) or "none"))


# -------------------------------------------------------------------- ultimate outcome
@indicator(needs="outcomes: measure, value, target, direction")
def outcome_progress(ctx: Context) -> list[tuple[str, Value]] | Value:
    """Share of target reached by each outcome measure: value / target (``higher``) or
    target / value (``lower``), for the period's latest value of each measure.

    Returns one value per measure (the indicator expands to ``outcome:<measure>`` rows).
    """
    if not ctx.net.has("outcomes"):
        return no_data("no outcomes table")
    o = ctx.net.outcomes
    if len(o) == 0:
        return no_data("no outcome measured in the period")
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
            out.append((name, no_data(N_("{measure}: no target").format(measure=measure))))
            continue
        lower = str(direction) == "lower"
        if lower and value <= 0:
            note = N_("{measure}: {value} (target {target})").format(
                measure=measure, value=f"{value:g}", target=f"{target:g}")
            out.append((name, Value(float("inf"), note)))
            continue
        ratio = target / value if lower else value / target
        note = (N_("{measure}: {value}, target {target} (lower is better)") if lower else
                N_("{measure}: {value}, target {target}")).format(
            measure=measure, value=f"{value:g}", target=f"{target:g}")
        out.append((name, Value(float(ratio), note)))
    return out
