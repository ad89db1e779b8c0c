"""The steps of :func:`peernet.evaluate` around the :class:`~peernet.evaluation.Evaluation`:
which periods to compare (or a baseline), turnover that does not apply, bootstrap
intervals, tie change between periods; the inputs' hashes are
:mod:`peernet.provenance`'s."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ._cache import forget, memo
from ._memory import release
from ._parallel import Later, can_fork, later
from .grid.context import SLICE_CONTEXT, short_history
from .metrics.annual import participation_by_period, window_of
from .metrics.arrays import import_igraph_for, release_arrays
from .metrics.coreperiphery import core_periphery
from .metrics.followup import followup_table
from .metrics.groups import group_participation
from .metrics.members import act_times, member_metrics
from .metrics.mixing import MIXING_COLUMNS, mixing
from .metrics.participation import participation
from .metrics.structure import network_metrics
from .metrics.temporal import tie_change
from .metrics.uncertainty import GRID, before_fork, changes_of, period_replicates, with_values
from .metrics.uncertainty import bootstrap as bootstrap_metrics
from .network import ACT_COLUMNS, PeerNetwork
from .periods import Window, parse_period
from .report.i18n import N_
from .ties import release_ties

__all__: list[str] = []

#: A period as evaluate takes it: a label, a (start, end) pair or a Window.
PeriodLike = str | Window | tuple[Any, Any]

#: Metrics an evaluator reads year over year: label, unit, direction (+1: higher is better,
#: -1: lower is better, 0: neither; a change is then reported without a judgement).
METRICS: dict[str, tuple[str, str, int]] = {
    # participation (one row a period)
    "members_active": (N_("Active members"), "members", +1),
    "members_new": (N_("New members"), "members", +1),
    "members_returning": (N_("Returning members"), "members", +1),
    "members_lapsed": (N_("Members who lapsed"), "members", -1),
    "members_reactivated": (N_("Members active again after a break"), "members", +1),
    "roster_members": (N_("Members on the roster"), "members", 0),
    "attendances": (N_("Attendances at events"), "attendances", +1),
    "share_attended": (N_("Share of members who attended an event"), "share", +1),
    "retention_rate": (N_("Retention of last period's active members"), "share", +1),
    "events": (N_("Events"), "events", +1),
    "attendance_mean": (N_("Mean attendance per event"), "people", +1),
    "attendance_rate": (N_("Attendance rate"), "share", +1),
    "interactions": (N_("Interactions"), "interactions", +1),
    "activity_gini": (N_("Inequality of activity (Gini)"), "gini", -1),
    "top10_share": (N_("Share of activity by the most active 10%"), "share", -1),
    "voice_gini": (N_("Inequality of voice at meetings (Gini)"), "gini", -1),
    # structure (network_metrics)
    "members": (N_("Members on the roster"), "members", 0),
    "active_members": (N_("Active members in the network"), "members", +1),
    "edges": (N_("Ties between members"), "ties", +1),
    "density": (N_("Density"), "share", 0),
    "degree_centralization": (N_("Degree centralization"), "index", 0),
    "components": (N_("Separate components"), "components", -1),
    "largest_component_share": (N_("Share of members in the largest component"), "share", +1),
    "avg_clustering": (N_("Average clustering"), "index", 0),
    "transitivity": (N_("Transitivity"), "index", 0),
    "avg_path_length": (N_("Average path length"), "steps", -1),
    "efficiency": (N_("Global efficiency"), "index", +1),
    "communities": (N_("Communities"), "communities", 0),
    "modularity": (N_("Modularity"), "index", 0),
    "reciprocity": (N_("Reciprocity of directed ties"), "share", +1),
    "ei_index_org": (N_("Mixing across organizations (E-I index)"), "index", +1),
    "ei_index_sector": (N_("Mixing across sectors (E-I index)"), "index", +1),
    "ei_index_region": (N_("Mixing across regions (E-I index)"), "index", +1),
    "assortativity_org": (N_("Assortativity by organization"), "index", -1),
    # follow-up (computed here from the problem and action logs)
    "problems_raised": (N_("Problems raised"), "problems", +1),
    "share_problems_solved": (N_("Share of problems solved"), "share", +1),
    "median_days_to_solve": (N_("Median days to solve a problem"), "days", -1),
    "share_problems_with_outcome": (N_("Share of closed problems with a recorded outcome"),
                                    "share", +1),
    "share_help_across_orgs": (N_("Share of help given across organizations"), "share", +1),
    "actions_due": (N_("Follow-up actions due"), "actions", 0),
    "share_actions_done": (N_("Share of follow-up actions done"), "share", +1),
    "share_actions_on_time": (N_("Share of follow-up actions done on time"), "share", +1),
    # groups
    "share_active": (N_("Share of current members active"), "share", +1),
}

#: Headline network metrics whose intervals, and the interval of their change, are computed
#: (cheap and read every year); every Grid element score is too.
BOOTSTRAP_METRICS = ("density", "reciprocity", "largest_component_share", "ei_index_org",
                     "ei_index_sector", "ei_index_region", "avg_clustering",
                     "degree_centralization")

#: Participation numbers that compare a period with the one before: not applicable in the
#: first period observed (everyone active is "new", nobody can have lapsed).
TURNOVER = ("members_new", "members_returning", "members_reactivated", "members_lapsed",
            "retention_rate")


def data_start(root: PeerNetwork) -> pd.Timestamp | None:
    span = root.span()
    return None if span is None else span[0]


def baseline_periods(root: PeerNetwork, slices: Mapping[str, PeerNetwork],
                        labels: list[str]) -> tuple[list[str], str | None]:
    """Periods to evaluate and why the evaluation is a baseline (None: it is not).

    Leading periods the data do not cover well enough to compare with the next one (no
    interactions, or data covering less of them than of the next:
    :func:`peernet.grid.context.short_history`) are dropped: the network did not exist yet,
    or its records start later. What is left of one period is a baseline. An empty evaluated
    period, or an empty period between two with data, is an error.
    """
    empty = [p for p in labels if len(slices[p].interactions) == 0]
    first = next((i for i, p in enumerate(labels) if p not in empty), len(labels))
    if any(p in empty for p in labels[first:]) or first == len(labels):
        data_span = root.span()
        where = (f"the data run from {data_span[0].tz_convert(root.tz).date()} to "
                 f"{data_span[1].tz_convert(root.tz).date()}" if data_span else "the data "
                 "hold no interactions")
        raise ValueError(f"no interactions in period(s) {empty}; {where}. Choose periods "
                         f"with data (periods=[...], CLI --year/--compare)")
    why = ""
    lead = 0
    while lead < len(labels) - 1:
        reason = short_history(slices[labels[lead]], slices[labels[lead + 1]])
        if reason is None:
            break
        why = (N_("no interactions in {period}").format(period=labels[lead])
               if labels[lead] in empty else
               f"{labels[lead]} is too short to compare with ({reason.split(': ', 1)[-1]} "
               f"in {labels[lead + 1]})".replace(" in this one in ", " in "))
        lead += 1
    kept = labels[lead:]
    if len(kept) > 1:
        return kept, None
    if lead:
        start = data_start(root)
        if start is None or labels[lead - 1] not in empty:
            return kept, N_("no earlier period to compare with: {why}").format(why=why)
        return kept, N_("no earlier period to compare with: {why} (the data start on "
                        "{date})").format(why=why, date=start.tz_convert(root.tz).date())
    return kept, N_("no comparison asked for (one period; CLI --compare none)")


def participation_breakdown(windows: Sequence[Window]) -> str | None:
    """The calendar steps ``Evaluation.participation`` is broken into, or None: by the
    evaluated windows themselves.

    Calendar years, and fiscal years starting in January, April, July or October, are shown
    quarter by quarter (``"QS"``), quarters and months month by month (``"MS"``): each step
    lies inside one window. Any other window (a ``(start, end)`` pair, ``"2013-06-24..
    2013-06-29"``, a fiscal year from February) is never re-sliced by calendar labels: its
    participation is one row a window, named by its dates.
    """
    kinds = {w.kind for w in windows}
    if kinds <= {"year", "fiscal_year"} and all(w.start_month in (1, 4, 7, 10)
                                                for w in windows):
        return "QS"
    if kinds <= {"quarter", "month"}:
        return "MS"
    return None


def first_observed(root: PeerNetwork, annual: pd.DataFrame,
                    slices: Mapping[str, PeerNetwork]
                    ) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Blank the turnover numbers (:data:`TURNOVER`) of a period without a full one before.

    In the first period observed everyone active is "new" and nobody lapsed or came back;
    after a period the data cover only in part, most are. These numbers are not applicable
    (NaN) then, with the reason (:func:`peernet.grid.context.short_history`), never
    "everyone is new".
    """
    if annual.empty:
        return annual, []
    start = data_start(root)
    out = annual.copy()
    rows = []
    for p, s in slices.items():
        why = short_history(s.previous(), s)
        at = (out["period"] == p).to_numpy()
        if why is None or not at.any():
            continue
        if start is not None and start >= window_of(s).start_utc:
            reason = (f"{p} is the first period observed (the data start on "
                      f"{start.tz_convert(root.tz).date()}): every active member would be "
                      f"new and none could have lapsed")
        else:
            reason = f"the period before {p} cannot tell who is new: {why}"
        for col in TURNOVER:
            if col in out.columns:
                out[col] = out[col].astype("float64")
                out.loc[at, col] = np.nan
                rows.append({"period": p, "metric": col, "reason": reason})
    return out, rows


def check_periods(root: PeerNetwork, periods: Sequence[PeriodLike] | None,
                  start_month: int) -> list[Window]:
    """The windows of ``periods`` (labels, (start, end) pairs or Windows) in the network's
    zone, checked: readable, distinct, oldest first."""
    if periods is None:
        span = root.span()
        if span is None:
            raise ValueError("evaluate: the network holds no interactions")
        last = span[1].tz_convert(root.tz).year
        periods = [str(last - 1), str(last)]
    if isinstance(periods, str) or not isinstance(periods, Sequence) or len(periods) == 0:
        raise ValueError(f"periods must be a list of period labels such as ['2024', '2025'] "
                         f"or of (start, end) pairs; got {periods!r}")
    windows = []
    for p in periods:
        if not isinstance(p, str | Window | tuple):
            raise ValueError(f"a period is a label ('2025', '2013-06-24..2013-06-29'), a "
                             f"(start, end) pair or a Window; got {p!r}")
        windows.append(parse_period(p, tz=root.tz, start_month=start_month))
    labels = [w.label for w in windows]
    if len(set(labels)) != len(labels):
        raise ValueError(f"periods must not repeat; got {list(periods)}")
    starts = [w.start for w in windows]
    if starts != sorted(starts):
        raise ValueError(f"periods must be in time order, oldest first; got {list(periods)}")
    # windows given by their dates are compared with the evaluated window before them
    # (turnover, the Grid's indicators of change), never with a window nobody named
    for i in range(1, len(windows)):
        windows[i] = windows[i].after(windows[i - 1])
    return windows


INTERVAL_COLUMNS = ["period", "section", "metric", "low", "high"]
DIFFERENCE_COLUMNS = ["previous_period", "current_period", "section", "metric", "change",
                      "low", "high", "real", "tested", "detectable"]


def scores_with_intervals(scores: Mapping[str, Any], intervals: pd.DataFrame
                          ) -> dict[str, Any]:
    """Each period's GridScore with its elements' bootstrap intervals (``intervals`` rows of
    section ``grid``: ``GridScore.intervals``, shown in Jupyter); unchanged without any."""
    grid = intervals[intervals["section"] == "grid"] if len(intervals) else intervals
    if not len(grid):
        return dict(scores)
    return {p: dataclasses.replace(g, intervals=grid.loc[
        grid["period"] == p, ["metric", "low", "high"]].rename(
            columns={"metric": "element"}).reset_index(drop=True))
        for p, g in scores.items()}


def uncertainty(slices: Mapping[str, PeerNetwork], n: int, seed: int, rubric: Any = None,
                say: Callable[[str], Any] = lambda _m: None, n_grid: int | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bootstrap intervals of every Grid element score and headline network metric
    (:data:`BOOTSTRAP_METRICS`) of each period, and of their change between consecutive
    periods (:func:`peernet.metrics.bootstrap_change`: both periods resampled).

    Returns ``(intervals, differences)``: ``period, section, metric, low, high`` (section
    ``grid`` or ``network``) and ``previous_period, current_period, section, metric,
    change, low, high, real, tested, detectable``. ``tested`` is False where resampling
    the interaction log does not move the number (survey, checklist, outcome figures):
    such a change is neither real nor noise, and ``real`` is then False. The Grid uses
    ``n_grid`` resamples (default ``n``): a Grid replicate rescores every indicator. Empty
    frames for ``n == 0``. :class:`Uncertainty` computes the same while the caller works.
    """
    u = Uncertainty(slices, n, seed, rubric, say, n_grid=n_grid)
    for p in slices:
        u.start(p)
    return u.result()


#: Interactions of all periods below which :class:`Uncertainty` computes every period's
#: replicates in one forked child, started when the first period is scored (the later
#: periods' Grid contexts made there again, on the core the evaluation leaves idle), instead
#: of a child a period started as each is scored: each child starts numba for the
#: replicates' kernels (about 0.5 CPU s), more than a small period's replicates cost
#: (riverbend's: 0.2-0.3 CPU s a year, 5,000 interactions). The same numbers: each period
#: has its own random stream.
ONE_CHILD_ROWS = 20_000


class _Part:
    """One ``(period, role)``'s replicates of a child that computes several."""

    def __init__(self, job: Later, key: tuple[str, int]):
        self.job, self.key = job, key

    @property
    def pid(self) -> int | None:
        return self.job.pid

    def result(self) -> list[tuple[pd.Series, np.ndarray]]:
        return self.job.result()[self.key]


class Uncertainty:
    """:func:`uncertainty` computed on the other core while ``pn.evaluate`` does the rest.

    :meth:`start` of a period (once it is scored: the replicates reuse the Grid's context
    and the slice's ties and graph arrays) starts its replicates in a forked child
    (:func:`peernet._parallel.later`), so the earlier periods' run while the later ones
    are scored, and while this process computes the period's network metrics (their
    values are filled in here, :func:`peernet.metrics.uncertainty.with_values`: the child
    computes only the replicates); the period with the most interactions
    is shared between two processes (:func:`peernet.metrics.uncertainty
    .period_replicates` with ``split``: its Grid replicates taken from one queue, so both
    finish together). :meth:`result` waits for them and gives :func:`uncertainty`'s
    frames. A period's replicates come from their own random stream (the previous period
    of a pair the first of ``SeedSequence(seed).spawn(2)``, the current one the second, as
    :func:`peernet.metrics.bootstrap_change`): the numbers do not depend on where or when
    they are computed. Without fork (or ``PEERNET_WORKERS=1``) they are computed here
    when :meth:`result` is asked for. The slices' Grid contexts are let go once the
    replicates have them.
    """

    def __init__(self, slices: Mapping[str, PeerNetwork], n: int, seed: int,
                 rubric: Any = None, say: Callable[[str], Any] = lambda _m: None,
                 n_grid: int | None = None):
        self.slices, self.n, self.seed, self.rubric, self.say = slices, n, seed, rubric, say
        self.n_grid = n if n_grid is None else n_grid
        self.labels = list(slices)
        what = [("grid", GRID, self.n_grid), ("network", list(BOOTSTRAP_METRICS), n)]
        self.what = [w for w in what if w[2]]
        self.metrics = [(m, k) for _, m, k in self.what]
        rows = [len(s.interactions) for s in slices.values()]
        # the period shared between two processes: the most interactions (the last of ties)
        self.largest = max(range(len(rows)), key=lambda i: (rows[i], i)) if rows else -1
        self.seqs = np.random.SeedSequence(seed).spawn(2)
        self.jobs: dict[tuple[str, int], Later | _Part] = {}
        self.values: dict[str, pd.Series] = {}
        # few interactions: every period's replicates in one child, started when the first
        # period is scored (a child starting numba costs more than their work)
        self.together = sum(rows) < ONE_CHILD_ROWS
        self.begun: set[str] = set()

    def start(self, period: str) -> None:
        """Start ``period``'s replicates (on another core when a fork is possible)."""
        if not self.n or period in self.begun:
            return
        self.begun.add(period)
        i = self.labels.index(period)
        if len(self.labels) == 1:
            before_fork(self.slices[period])
            self.say(N_("bootstrap intervals of {period} ({n} resamples of its events, "
                        "{n_grid} for the Grid)").format(period=period, n=self.n,
                                                         n_grid=self.n_grid))
            self.jobs[period, -1] = later(partial(self._single, period))
        else:
            if i + 1 < len(self.labels):
                self.say(N_("bootstrap intervals of {a}, {b} and their difference ({n} "
                            "resamples of each period's events, {n_grid} for the Grid)")
                         .format(a=period, b=self.labels[i + 1], n=self.n,
                                 n_grid=self.n_grid))
            if not self.together:
                before_fork(self.slices[period])
                for role in self._roles(i):
                    self.jobs[period, role] = later(partial(self._period, period, role))
            elif not self.jobs:   # the first period scored: every period's, in one child
                for s in self.slices.values():
                    before_fork(s)
                keys = [(p, role) for j, p in enumerate(self.labels) for role in self._roles(j)]
                job = later(partial(self._periods, keys))
                self.jobs.update({key: _Part(job, key) for key in keys})
        if all(self.jobs[key].pid is not None for key in self.jobs if key[0] == period):
            forget(self.slices[period], SLICE_CONTEXT)   # the children have it

    def _roles(self, i: int) -> tuple[int, ...]:
        """The roles of the ``i``-th period's replicates: 0 the previous period of a pair,
        1 the current one (a period between two has both)."""
        return ((0,) if i + 1 < len(self.labels) else ()) + ((1,) if i else ())

    def _single(self, period: str) -> list[pd.DataFrame]:
        return [bootstrap_metrics(self.slices[period], metric, n=k, seed=self.seed,
                                  rubric=self.rubric) for _, metric, k in self.what]

    def _periods(self, keys: Sequence[tuple[str, int]]
                 ) -> dict[tuple[str, int], list[tuple[pd.Series, np.ndarray]]]:
        return {(p, role): self._period(p, role) for p, role in keys}

    def _period(self, period: str, role: int) -> list[tuple[pd.Series, np.ndarray]]:
        split = self.labels.index(period) == self.largest
        return period_replicates(self.slices[period], self.metrics, self.seqs[role],
                                 self.rubric, split=split, values=False)

    def _replicates(self, period: str, role: int) -> list[tuple[pd.Series, np.ndarray]]:
        """:meth:`_period`'s replicates (from its child), with the network metrics'
        values: the evaluation's (:meth:`result`'s ``values``), else computed here."""
        return with_values(self.slices[period], self.metrics,
                           self.jobs[period, role].result(), self.values.get(period))

    def result(self, values: Mapping[str, pd.Series] | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(intervals, differences)`` as :func:`uncertainty` gives them; ``values``: the
        periods' :func:`peernet.network_metrics` if computed already."""
        self.values = dict(values or {})
        try:
            return self._frames()
        finally:
            for s in self.slices.values():
                forget(s, SLICE_CONTEXT)

    def _frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        for p in self.labels:
            self.start(p)
        ivs: list[pd.DataFrame] = []
        diffs: list[pd.DataFrame] = []
        labels = self.labels
        if self.n and len(labels) == 1:
            p = labels[0]
            for (section, _, _), b in zip(self.what, self.jobs[p, -1].result(), strict=True):
                ivs.append(pd.DataFrame({"period": p, "section": section,
                                         "metric": b["metric"].astype("str"),
                                         "low": b["low"], "high": b["high"]}))
        for a, b in zip(labels, labels[1:], strict=False):
            if not self.n:
                break
            changes = changes_of(self.metrics, self._replicates(a, 0),
                                 self._replicates(b, 1), seed=self.seed)
            for (section, _, _), d in zip(self.what, changes, strict=True):
                names = d["metric"].astype("str")
                if a == labels[0]:
                    ivs.append(pd.DataFrame({"period": a, "section": section,
                                             "metric": names, "low": d["previous_low"],
                                             "high": d["previous_high"]}))
                ivs.append(pd.DataFrame({"period": b, "section": section, "metric": names,
                                         "low": d["current_low"],
                                         "high": d["current_high"]}))
                tested = d["real"].notna().to_numpy(dtype=bool)
                diffs.append(pd.DataFrame({
                    "previous_period": a, "current_period": b, "section": section,
                    "metric": names, "change": d["change"], "low": d["low"],
                    "high": d["high"], "real": d["real"].fillna(False).to_numpy(dtype=bool),
                    "tested": tested, "detectable": d["detectable"]}))
        iv = pd.concat(ivs, ignore_index=True) if ivs else \
            pd.DataFrame(columns=INTERVAL_COLUMNS)
        df = pd.concat(diffs, ignore_index=True) if diffs else \
            pd.DataFrame(columns=DIFFERENCE_COLUMNS)
        for frame, cols in ((iv, ("low", "high")),
                            (df, ("change", "low", "high", "detectable"))):
            for c in cols:
                frame[c] = frame[c].astype("float64")
        if len(df):
            df["real"] = df["real"].astype(bool)
            df["tested"] = df["tested"].astype(bool)
        return iv[INTERVAL_COLUMNS], df[DIFFERENCE_COLUMNS]


def intervals_of(slices: Mapping[str, PeerNetwork], bootstrap: int,
                 grid_bootstrap: int | None, seed: int, rubric: Any = None,
                 say: Callable[[str], Any] = lambda _m: None) -> tuple[Uncertainty, int]:
    """The :class:`Uncertainty` of ``pn.evaluate`` (its periods started as they are
    scored), and the Grid's resamples: ``grid_bootstrap`` checked, default
    ``min(bootstrap, GRID_BOOTSTRAP)``, 0 without ``bootstrap``."""
    if grid_bootstrap is None:
        grid_bootstrap = min(int(bootstrap), GRID_BOOTSTRAP)
    elif isinstance(grid_bootstrap, bool) or not isinstance(grid_bootstrap, int | np.integer) \
            or grid_bootstrap < 0:
        raise ValueError(f"grid_bootstrap must be a number of resamples >= 0; got "
                         f"{grid_bootstrap!r}")
    n_grid = int(grid_bootstrap) if bootstrap else 0
    return Uncertainty(slices, int(bootstrap), seed, rubric, say, n_grid=n_grid), n_grid


#: Interactions of a period from which :func:`start_metrics` computes its metrics on the
#: other core (below it a fork costs more than it saves).
FORK_ROWS = 200_000


def start_metrics(s: PeerNetwork, bootstrap: int, last: bool
                  ) -> Later[tuple[pd.Series | None, pd.DataFrame]]:
    """:func:`peernet.member_metrics` of a slice started on the other core, with its
    :func:`peernet.network_metrics` unless it is the ``last`` period (else None).

    From :data:`FORK_ROWS` interactions, a forked child (:func:`peernet._parallel.later`)
    computes them while the caller scores the next period, or computes the last period's
    network metrics and the rest of the evaluation; with ``bootstrap`` intervals, not the
    last period's (its replicates, the evaluation's longest chain, have the other core
    then: this process computes them meanwhile). The same numbers: the same functions
    on the same slice, whose ties and graph arrays the Grid's score made before the fork.
    The child first lets go what it does not read (:func:`_shed`). Otherwise (the result's
    network metrics are then None) the member metrics are computed here when the result
    is asked for."""
    fork = len(s.interactions) >= FORK_ROWS and can_fork() and not (bootstrap and last)
    parent = os.getpid()
    if fork:   # what the child would compute and this process needs too: once, here
        act_times(s.root)                 # every period's tenure: grouped once, here
        core_periphery(s)                 # the next period's Grid (periphery to core)
        import_igraph_for(s)              # imported once, here, not in each child

    def run() -> tuple[pd.Series | None, pd.DataFrame]:
        if os.getpid() != parent:
            _shed(s)
        return (network_metrics(s) if fork and not last else None), member_metrics(s)

    return later(run, fork=fork)


def _shed(s: PeerNetwork) -> None:
    """In a child forked for the metrics of slice ``s``: let go the whole network's acts
    (their first and last acts were grouped before the fork), the Grid's inputs and
    whatever the other slices keep, and hand the memory back (issue 23: the child of the
    last period at 100,000 members held 0.45 GB of the network's acts it never read)."""
    root = s.root
    forget(root, kind="acts")
    forget(root, kind="grid")
    for other in list((memo(root) or {}).values()):
        if isinstance(other, PeerNetwork) and other is not s:
            forget(other)
    release()


#: What :func:`period_tables` returns for a period: its follow-up numbers, its mixing
#: rows and its members' participation by group.
PeriodTables = dict[str, Any]


def period_tables(s: PeerNetwork, p: str, seed: int) -> PeriodTables:
    """The follow-up table, the rows of :func:`mixing_table` and the group participation
    of period ``p`` (its slice ``s``)."""
    return {"followup": followup_table(s, p), "mixing": mixing_rows(s, p, seed),
            "groups": group_participation(s, p)}


def after_fork(root: PeerNetwork, s: PeerNetwork, p: str, seed: int,
               job: Later[Any], turnout: Later[Any], last: bool) -> PeriodTables | None:
    """What this process does once period ``p``'s metrics are forked to a child
    (:func:`start_metrics`; nothing, None, when they are not): a period before the last
    computes its :func:`period_tables` now and lets go its graph arrays and its acts (only
    its metrics, now in the child, and those tables read them: at 100,000 members 0.2 GB
    of 2024's held through 2025's Grid). Once a period is forked, and participation too
    (:func:`start_participation`), the whole network's acts go (0.45 GB): participation,
    the members' tenure (their first and last acts, :func:`start_metrics`) and the Grid's
    (its first acts, kept on the network) read them.

    Not forked (one core, ``PEERNET_WORKERS=1``, or threads running: a Jupyter kernel),
    a period before the last of :data:`FORK_ROWS` interactions or more does the same with
    its member metrics computed here first (the caller has computed its network metrics):
    at 100,000 members / 10M rows its graph arrays and acts were held through the next
    period's Grid and metrics."""
    if job.pid is None:
        if last or len(s.interactions) < FORK_ROWS:
            return None
        job.result()
    if turnout.pid is not None:
        forget(root, kind="acts")
    if last:
        return None
    done = period_tables(s, p, seed)
    release_arrays([s])   # its tie tables stay: the next period's Grid reads them
    forget(s, kind="acts")
    return done


def participation_here(root: PeerNetwork, slices: Mapping[str, PeerNetwork],
                       turnout: Later[Any], bootstrap: int) -> Any:
    """``turnout.result()`` (:func:`start_participation`). When it is computed here, not in
    a child, and no interval needs the periods' graphs again (``bootstrap`` 0), what
    participation does not read goes first (:func:`release_finished`, and the periods'
    acts): it reads the whole network's acts only, and at 100,000 members / 10M rows out of
    core it ran 0.6 GB above the periods' tie tables, graph arrays and acts, the run's
    peak (issue 23)."""
    if turnout.pid is None and not bootstrap:
        release_finished(root, slices)
        for s in slices.values():
            forget(s, kind="acts")
    return turnout.result()


def participation_tables(root: PeerNetwork, slices: Mapping[str, PeerNetwork]
                         ) -> tuple[pd.DataFrame, list[dict[str, str]], pd.DataFrame, str]:
    """``annual`` (one row a period, turnover not applicable blanked), ``not_applicable``,
    ``participation`` (by calendar steps inside the windows, or by the windows themselves:
    never re-sliced by quarters a window does not follow, a two-week study is shown week
    by week) and the step's name, for the :class:`~peernet.evaluation.Evaluation`."""
    labels = list(slices)
    annual, not_applicable = first_observed(root, participation_by_period(root, slices),
                                             slices)
    freq = participation_breakdown([window_of(s) for s in slices.values()])
    detail = annual.copy() if freq is None else participation(
        root.between(window_of(slices[labels[0]]).start, window_of(slices[labels[-1]]).end),
        freq=freq)
    return annual, not_applicable, detail, {"QS": "quarter", "MS": "month", None: "period"}[freq]


def start_participation(root: PeerNetwork, slices: Mapping[str, PeerNetwork]
                        ) -> Later[tuple[pd.DataFrame, list[dict[str, str]], pd.DataFrame,
                                         str]]:
    """:func:`participation_tables` started on the other core (a forked child) from
    :data:`FORK_ROWS` interactions, while the caller scores the first period (intervals
    start once a period is scored); else here when asked. The network's acts are made before
    the fork when they and the child fit (their size estimated first: 300k under 4 GB, none)."""
    fork = len(root.interactions) >= FORK_ROWS and can_fork(root.acts_bytes(ACT_COLUMNS))
    if fork:
        root.acts(ACT_COLUMNS)   # read by the Grid here too: computed once, before the fork
    return later(partial(participation_tables, root, slices), fork=fork)


def network_rows(p: str, nm: pd.Series) -> pd.DataFrame:
    """``period, metric, value``: the rows of :func:`peernet.network_metrics` of period
    ``p`` that the evaluation keeps (a value, or a metric it reads: :data:`METRICS`)."""
    frame = pd.DataFrame({"period": p, "metric": [str(i) for i in nm.index],
                          "value": pd.to_numeric(pd.Series(nm.to_numpy()),
                                                 errors="coerce").to_numpy("float64")})
    return frame[frame["value"].notna() | frame["metric"].isin(METRICS)]


#: Default resamples of the Grid's element scores (each rescoring every indicator):
#: ``evaluate(grid_bootstrap=None)`` takes ``min(bootstrap, GRID_BOOTSTRAP)``.
GRID_BOOTSTRAP = 50

#: Roster attributes whose mixing is measured against chance, and the permutations used.
MIXING_BY = ("org", "sector", "region")
MIXING_PERMUTATIONS = 1000
MIXING_TABLE_COLUMNS = ["period", *MIXING_COLUMNS, "reading"]


def mixing_rows(s: PeerNetwork, p: str, seed: int) -> list[pd.DataFrame]:
    """:func:`peernet.metrics.mixing` of period ``p`` (slice ``s``) by organization, sector
    and region (those the roster has), each with its ``period``."""
    rows = []
    roster = s.root.members
    for by in MIXING_BY:
        if by not in roster.columns or not roster[by].notna().any():
            continue
        m = mixing(s, by=by, permutations=MIXING_PERMUTATIONS, seed=seed)
        rows.append(m.assign(period=p))
    return rows


def mixing_table(slices: Mapping[str, PeerNetwork], seed: int,
                 done: Mapping[str, PeriodTables | None] | None = None) -> pd.DataFrame:
    """:func:`mixing_rows` of every period (those in ``done``, :func:`period_tables`, as
    computed there), with ``reading``: ``less than chance`` (``p_value`` < 0.05
    and ``observed`` below ``expected``), ``more than chance``, or ``as chance``."""
    rows: list[pd.DataFrame] = []
    for p, s in slices.items():
        kept = (done or {}).get(p)
        rows += kept["mixing"] if kept is not None else mixing_rows(s, p, seed)
    if not rows:
        return pd.DataFrame(columns=MIXING_TABLE_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    sig = (out["p_value"] < 0.05).to_numpy()
    below = (out["observed"] < out["expected"]).to_numpy()
    out["reading"] = np.where(out["observed"].isna(), "n/a",
                              np.where(sig & below, "less than chance",
                                       np.where(sig, "more than chance", "as chance")))
    return out[MIXING_TABLE_COLUMNS]


def release_finished(root: PeerNetwork, slices: Mapping[str, PeerNetwork], *,
                     acts: bool = False) -> None:
    """Let go what the rest of ``pn.evaluate`` and a report do not read again (issue 23:
    memory at 100,000 members): each slice's graph arrays (with their igraph graph, edge
    list and communities), its tie tables other than the default person ties, and the
    Grid's inputs kept on the whole network (``("grid", ...)``); with ``acts`` the acts of
    the network and of its slices too. ``pn.evaluate`` lets them go once every step is
    done: a report draws from other slices (:mod:`peernet.report.protect` carries the
    default ties, direct rows and acts over); anything asked for again is computed again."""
    for s in slices.values():
        release_arrays([s])
        release_ties(s)
        if acts:
            forget(s, kind="acts")
    forget(root, kind="grid")
    if acts:
        forget(root, kind="acts")


def step_messages(progress: Callable[[str], None] | None) -> Callable[[str], None]:
    """``pn.evaluate``'s ``say``: each step's message to ``progress`` (if callable), after
    the memory the steps before freed is handed back to the system
    (:func:`peernet._memory.release`; at 100,000 members each period's Grid and metrics
    leave hundreds of megabytes freed but resident)."""
    def say(message: str) -> None:
        release()
        if callable(progress):
            progress(message)
    return say


def tie_changes(slices: Mapping[str, PeerNetwork]) -> pd.DataFrame:
    """:func:`peernet.metrics.tie_change` of each pair of consecutive periods, one row each."""
    labels = list(slices)
    rows = [tie_change(slices[a], slices[b]).to_frame().T.assign(period=b, previous_period=a)
            for a, b in zip(labels, labels[1:], strict=False)]
    if not rows:
        return pd.DataFrame(columns=["period", "previous_period"])
    out = pd.concat(rows, ignore_index=True)
    first = ["period", "previous_period"]
    return out[first + [c for c in out.columns if c not in first]]
