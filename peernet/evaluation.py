"""Annual evaluation: several periods of one network scored and measured side by side.

``pn.evaluate(net, periods=["2024", "2025"])`` runs the whole pipeline on each period (the
Community Change Grid score, network metrics, participation, member metrics) and returns an
:class:`Evaluation`: the results of every period, the changes between consecutive periods
(:meth:`Evaluation.changes`), the changes most worth a reader's attention in plain sentences
(:meth:`Evaluation.highlights`), and what :func:`peernet.report` needs to write the report.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._cache import Memoized, cached
from ._version import __version__
from .grid.score import GridScore
from .grid.score import score as grid_score
from .metrics.annual import participation_by_period, window_of
from .metrics.followup import followup_table
from .metrics.groups import GROUP_BY, group_participation
from .metrics.members import member_metrics
from .metrics.participation import participation
from .metrics.structure import network_metrics
from .metrics.temporal import tie_change
from .metrics.uncertainty import bootstrap as bootstrap_metrics
from .network import PeerNetwork
from .periods import Window, parse_period
from .report.narrative import change_label, highlights, indicator_labels, salience

__all__ = ["evaluate", "Evaluation"]

#: Metrics an evaluator reads year over year: label, unit, direction (+1: higher is better,
#: -1: lower is better, 0: neither; a change is then reported without a judgement).
METRICS: dict[str, tuple[str, str, int]] = {
    # participation (one row a period)
    "members_active": ("Active members", "members", +1),
    "members_new": ("New members", "members", +1),
    "members_returning": ("Returning members", "members", +1),
    "members_lapsed": ("Members who lapsed", "members", -1),
    "members_reactivated": ("Members active again after a break", "members", +1),
    "roster_members": ("Members on the roster", "members", 0),
    "attendances": ("Attendances at events", "attendances", +1),
    "share_attended": ("Share of members who attended an event", "share", +1),
    "retention_rate": ("Retention of last period's active members", "share", +1),
    "events": ("Events", "events", +1),
    "attendance_mean": ("Mean attendance per event", "people", +1),
    "attendance_rate": ("Attendance rate", "share", +1),
    "interactions": ("Interactions", "interactions", +1),
    "activity_gini": ("Inequality of activity (Gini)", "gini", -1),
    "top10_share": ("Share of activity by the most active 10%", "share", -1),
    "voice_gini": ("Inequality of voice at meetings (Gini)", "gini", -1),
    # structure (network_metrics)
    "members": ("Members on the roster", "members", 0),
    "active_members": ("Active members in the network", "members", +1),
    "edges": ("Ties between members", "ties", +1),
    "density": ("Density", "share", 0),
    "degree_centralization": ("Degree centralization", "index", 0),
    "components": ("Separate components", "components", -1),
    "largest_component_share": ("Share of members in the largest component", "share", +1),
    "avg_clustering": ("Average clustering", "index", 0),
    "transitivity": ("Transitivity", "index", 0),
    "avg_path_length": ("Average path length", "steps", -1),
    "efficiency": ("Global efficiency", "index", +1),
    "communities": ("Communities", "communities", 0),
    "modularity": ("Modularity", "index", 0),
    "reciprocity": ("Reciprocity of directed ties", "share", +1),
    "ei_index_org": ("Mixing across organizations (E-I index)", "index", +1),
    "ei_index_sector": ("Mixing across sectors (E-I index)", "index", +1),
    "ei_index_region": ("Mixing across regions (E-I index)", "index", +1),
    "assortativity_org": ("Assortativity by organization", "index", -1),
    # follow-up (computed here from the problem and action logs)
    "problems_raised": ("Problems raised", "problems", +1),
    "share_problems_solved": ("Share of problems solved", "share", +1),
    "median_days_to_solve": ("Median days to solve a problem", "days", -1),
    "share_problems_with_outcome": ("Share of closed problems with a recorded outcome", "share",
                                    +1),
    "share_help_across_orgs": ("Share of help given across organizations", "share", +1),
    "actions_due": ("Follow-up actions due", "actions", 0),
    "share_actions_done": ("Share of follow-up actions done", "share", +1),
    "share_actions_on_time": ("Share of follow-up actions done on time", "share", +1),
    # groups
    "share_active": ("Share of current members active", "share", +1),
}

#: Network metrics whose bootstrap interval is computed (cheap and read every year).
BOOTSTRAP_METRICS = ("density", "reciprocity", "largest_component_share", "ei_index_org",
                     "ei_index_region", "avg_clustering", "degree_centralization")

CHANGE_COLUMNS = ["section", "item", "metric", "label", "unit", "previous_period",
                  "current_period", "previous", "current", "change", "change_rel", "low",
                  "high", "outside_interval", "direction", "assessment", "salience"]

def _label(metric: str) -> str:
    return METRICS.get(metric, (metric.replace("_", " ").capitalize(), "", 0))[0]


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True, repr=False, eq=False)
class Evaluation(Memoized):
    """Several periods of one network, scored and measured side by side.

    Build it with :func:`evaluate`. Every table has ``period`` (the period label, e.g.
    ``"2025"``) as its first column.

    Attributes
    ----------
    net : PeerNetwork
        The whole network the periods were cut from.
    periods : tuple of str
        The period labels, oldest first; the last is the one evaluated.
    slices : dict of str to PeerNetwork
        Each period's slice (``net.period(label)``).
    scores : dict of str to GridScore
        Each period's Community Change Grid score (:func:`peernet.score`).
    network : DataFrame
        ``period, metric, value, low, high``: :func:`peernet.network_metrics` of each period,
        with the bootstrap percentile interval of the headline metrics of the evaluated
        period (NaN elsewhere).
    annual : DataFrame
        :func:`peernet.participation` with one row a period (``period`` first).
    participation : DataFrame
        :func:`peernet.participation` quarter by quarter over all the periods.
    members : DataFrame
        :func:`peernet.member_metrics` of each period, ``period`` then ``member_id`` first.
    groups : DataFrame
        ``period, by, group, members_current, members_active, share_active, interactions``:
        participation of each region, sector, organization and language.
    followup : DataFrame
        ``period, metric, value``: problems raised and solved, days to solve, help across
        organizations, follow-up actions done and done on time.
    ties : DataFrame
        :func:`peernet.metrics.tie_change` between consecutive periods (``period`` is the
        later one); empty when it could not be computed.
    meta : dict
        Provenance: peernet and rubric version, periods and their dates, seeds, bootstrap
        size, input file hashes.
    """

    net: PeerNetwork
    periods: tuple[str, ...]
    slices: Mapping[str, PeerNetwork]
    scores: Mapping[str, GridScore]
    network: pd.DataFrame
    annual: pd.DataFrame
    participation: pd.DataFrame
    members: pd.DataFrame
    groups: pd.DataFrame
    followup: pd.DataFrame
    ties: pd.DataFrame
    meta: Mapping[str, Any] = field(default_factory=dict)

    # -------------------------------------------------------------- convenience
    @property
    def current(self) -> str:
        """The label of the period being evaluated (the last one)."""
        return self.periods[-1]

    @property
    def previous(self) -> str | None:
        """The label of the period before it (None for a one-period evaluation)."""
        return self.periods[-2] if len(self.periods) > 1 else None

    @property
    def layers(self) -> pd.DataFrame:
        """Grid element scores of every period: ``period`` then the GridScore's ``layers``."""
        return _stack({p: s.layers for p, s in self.scores.items()})

    @property
    def indicators(self) -> pd.DataFrame:
        """Grid indicators of every period: ``period`` then the GridScore's ``indicators``."""
        return _stack({p: s.indicators for p, s in self.scores.items()})

    def scorecard(self) -> pd.DataFrame:
        """The Grid scorecard: one row an element, each period's score and band beside.

        Columns ``layer, element``, then ``score_<period>`` and ``band_<period>`` for every
        period, ``coverage`` (last period) and ``change`` (last minus previous score).
        """
        layers = self.layers
        if layers.empty:
            return pd.DataFrame(columns=["layer", "element", "change"])
        keys = ["layer", "element"]
        parts = [layers.loc[layers["period"] == p, [*keys, "score", "band"]].rename(
            columns={"score": f"score_{p}", "band": f"band_{p}"}) for p in self.periods]
        out = parts[0]
        for part in parts[1:]:
            out = out.merge(part, on=keys, how="outer", sort=False)
        last = layers.loc[layers["period"] == self.current, [*keys, "coverage"]]
        out = out.merge(last, on=keys, how="left")
        if self.previous is not None:
            out["change"] = out[f"score_{self.current}"] - out[f"score_{self.previous}"]
        else:
            out["change"] = np.nan
        order = {k: i for i, k in enumerate(layers.drop_duplicates(keys)["element"])}
        out = out.sort_values("element", key=lambda s: s.map(order), kind="stable")
        return out.reset_index(drop=True)

    def roles(self, by: str = "org", *, period: str | None = None) -> pd.DataFrame:
        """Member roles aggregated by organization, sector or region (no individual shown).

        Parameters
        ----------
        by : {"org", "sector", "region", "language", "role"}
            The roster attribute to aggregate by.
        period : str, optional
            Default: the evaluated (last) period.

        Returns
        -------
        DataFrame
            ``by`` (the attribute name) then one row a group: ``members`` (active in the
            period), ``core``, ``periphery``, ``isolate`` (counts of :func:`member_metrics`
            positions), ``share_core``, ``brokerage`` (sum of Gould-Fernandez brokerage
            counts), ``mean_degree``.
        """
        period = self.current if period is None else period
        if period not in self.periods:
            raise ValueError(f"period must be one of {list(self.periods)}; got {period!r}")
        if by not in self.net.members.columns:
            raise ValueError(f"by must be a roster column such as 'org' or 'sector'; the roster "
                             f"has {list(self.net.members.columns)}; got {by!r}")
        mm = self.members[self.members["period"] == period]
        active = self.slices[period].members_active()
        mm = mm[mm["member_id"].isin(active)]
        roster = self.net.members[["member_id", by]].drop_duplicates("member_id")
        mm = mm.drop(columns=[by], errors="ignore").merge(roster, on="member_id", how="left")
        mm[by] = mm[by].astype("object").where(mm[by].notna(), "(unknown)")
        out = mm.groupby(by, sort=True).size().rename("members").to_frame()
        if "position" in mm.columns:
            pos = pd.crosstab(mm[by], mm["position"])
            for p in ("core", "periphery", "isolate"):
                out[p] = pos[p] if p in pos.columns else 0
            out = out.fillna(0)
            for p in ("core", "periphery", "isolate"):
                out[p] = out[p].astype("int64")
            out["share_core"] = out["core"] / out["members"]
        brokerage = [c for c in mm.columns if c.startswith("brokerage_")]
        if brokerage:
            out["brokerage"] = mm.groupby(by)[brokerage].sum().sum(axis=1)
        if "degree" in mm.columns:
            out["mean_degree"] = mm.groupby(by)["degree"].mean()
        return out.reset_index()

    # -------------------------------------------------------------- changes
    def values(self, period: str | None = None) -> pd.DataFrame:
        """Every number of one period in long form: ``section, item, metric, value, low,
        high, unit, direction`` (what :meth:`changes` compares)."""
        period = self.current if period is None else period
        if period not in self.periods:
            raise ValueError(f"period must be one of {list(self.periods)}; got {period!r}")
        parts = []
        layers = self.layers
        if not layers.empty:
            lay = layers[layers["period"] == period]
            parts.append(pd.DataFrame({
                "section": "grid", "item": lay["layer"],
                "metric": lay["element"], "value": lay["score"].astype("float64"),
                "unit": "points", "direction": 1}))
        ind = self.indicators
        if not ind.empty:
            ind = ind[ind["period"] == period]
            ind = ind[ind["has_data"].to_numpy(dtype=bool)]
            parts.append(pd.DataFrame({
                "section": "indicator", "item": ind["element"], "metric": ind["indicator"],
                "value": ind["value"].astype("float64"),
                "unit": ind["unit"].astype("object"),
                "direction": ind["direction"].map({"higher": 1, "lower": -1}).fillna(0)}))
            parts.append(pd.DataFrame({
                "section": "indicator_score", "item": ind["element"], "metric": ind["indicator"],
                "value": ind["score"].astype("float64"),
                "unit": "points", "direction": 1}))
        ann = self.annual[self.annual["period"] == period]
        if len(ann):
            row = ann.iloc[0]
            cols = [c for c in ann.columns if c != "period" and _is_number(row[c])]
            parts.append(pd.DataFrame({
                "section": "participation", "item": "", "metric": cols,
                "value": [float(row[c]) for c in cols],
                "unit": [METRICS.get(c, ("", "", 0))[1] for c in cols],
                "direction": [METRICS.get(c, ("", "", 0))[2] for c in cols]}))
        netm = self.network[self.network["period"] == period]
        if len(netm):
            parts.append(pd.DataFrame({
                "section": "network", "item": "", "metric": netm["metric"].to_numpy(),
                "value": netm["value"].to_numpy(dtype="float64"),
                "low": netm["low"].to_numpy(dtype="float64"),
                "high": netm["high"].to_numpy(dtype="float64"),
                "unit": [METRICS.get(c, ("", "", 0))[1] for c in netm["metric"]],
                "direction": [METRICS.get(c, ("", "", 0))[2] for c in netm["metric"]]}))
        fu = self.followup[self.followup["period"] == period]
        if len(fu):
            parts.append(pd.DataFrame({
                "section": "followup", "item": "", "metric": fu["metric"].to_numpy(),
                "value": fu["value"].to_numpy(dtype="float64"),
                "unit": [METRICS.get(c, ("", "", 0))[1] for c in fu["metric"]],
                "direction": [METRICS.get(c, ("", "", 0))[2] for c in fu["metric"]]}))
        grp = self.groups[self.groups["period"] == period]
        for metric in ("members_active", "share_active", "interactions"):
            if len(grp):
                parts.append(pd.DataFrame({
                    "section": grp["by"].to_numpy(), "item": grp["group"].to_numpy(),
                    "metric": metric, "value": grp[metric].to_numpy(dtype="float64"),
                    "unit": METRICS[metric][1],
                    "direction": METRICS[metric][2]}))
        if not parts:
            return pd.DataFrame(columns=["section", "item", "metric", "value", "low", "high",
                                         "unit", "direction"])
        out = pd.concat(parts, ignore_index=True)
        for col in ("low", "high"):
            if col not in out.columns:
                out[col] = np.nan
            out[col] = out[col].astype("float64")
        out["item"] = out["item"].astype("object").where(out["item"].notna(), "")
        out["unit"] = out["unit"].astype("object").where(out["unit"].notna(), "")
        out["direction"] = out["direction"].astype("int64")
        return out[["section", "item", "metric", "value", "low", "high", "unit", "direction"]]

    def changes(self, previous: str | None = None, current: str | None = None) -> pd.DataFrame:
        """Every metric and indicator of two periods side by side, with the change.

        Parameters
        ----------
        previous, current : str, optional
            Period labels (default: the last two periods).

        Returns
        -------
        DataFrame
            One row a number, keys first:

            - ``section``: ``grid`` (element scores), ``indicator`` (raw indicator values),
              ``indicator_score``, ``participation``, ``network``, ``followup``, or a roster
              attribute (``region``, ``sector``, ``org``, ``language``) for group numbers;
            - ``item``: the layer, the element, or the group (e.g. ``Mountain``); ``metric``;
            - ``label``, ``unit``; ``previous_period``, ``current_period``;
            - ``previous``, ``current``, ``change`` (current - previous) and ``change_rel``
              (change / |previous|, NaN when previous is 0 or missing);
            - ``low``, ``high``: the current period's bootstrap percentile interval (NaN
              when none was computed) and ``outside_interval``: True when the previous
              value lies outside it, i.e. the change is larger than resampling the current
              year's events would produce (NA without an interval);
            - ``direction`` (+1 higher is better, -1 lower is better, 0 neither) and
              ``assessment`` (``better``, ``worse``, ``no change``, ``changed``, ``n/a``);
            - ``salience``: how much the change deserves a reader's attention (what
              :meth:`highlights` ranks by; see its Notes).
        """
        if len(self.periods) < 2 and (previous is None or current is None):
            raise ValueError("changes() needs two periods; evaluate(net, periods=[...]) was "
                             f"given {list(self.periods)}")
        prev = self.previous if previous is None else previous
        cur = self.current if current is None else current
        if prev is None:  # one period, and no previous= given (checked above)
            raise ValueError("changes() needs a previous period")
        return cached(self, ("changes", prev, cur), lambda: self._changes(prev, cur)).copy()

    def _changes(self, previous: str, current: str) -> pd.DataFrame:
        a, b = self.values(previous), self.values(current)
        labels = indicator_labels(self.scores)
        keys = ["section", "item", "metric"]
        m = a.drop(columns=["low", "high"]).merge(b, on=keys, how="outer",
                                                  suffixes=("_a", "_b"), sort=False)
        prev = m["value_a"].astype("float64")
        cur = m["value_b"].astype("float64")
        change = cur - prev
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(prev.abs() > 0, change / prev.abs(), np.nan)
        has_iv = m["low"].notna() & m["high"].notna()
        outside = pd.array(np.where(has_iv, (prev < m["low"]) | (prev > m["high"]), False),
                           dtype="boolean")
        outside[~has_iv.to_numpy() | prev.isna().to_numpy()] = pd.NA
        direction = m["direction_b"].fillna(m["direction_a"]).fillna(0).astype("int64")
        unit = m["unit_b"].where(m["unit_b"].notna(), m["unit_a"]).fillna("")
        out = pd.DataFrame({
            "section": m["section"], "item": m["item"], "metric": m["metric"],
            "label": [change_label(s, i, k, _label(k), labels) for s, i, k in zip(
                m["section"], m["item"], m["metric"], strict=True)],
            "unit": unit, "previous_period": previous, "current_period": current,
            "previous": prev, "current": cur, "change": change, "change_rel": rel,
            "low": m["low"], "high": m["high"], "outside_interval": outside,
            "direction": direction})
        tol = 1e-9
        moved = change.abs() > tol
        assess = np.select(
            [change.isna(), ~moved, direction == 0, np.sign(change) == direction],
            ["n/a", "no change", "changed", "better"], "worse")
        out["assessment"] = assess
        out["salience"] = salience(out)
        order = {s: i for i, s in enumerate(("grid", "participation", "network", "followup",
                                             "indicator", "indicator_score", *GROUP_BY))}
        out = out.assign(_o=out["section"].map(order).fillna(99)).sort_values(
            ["_o", "section"], kind="stable").drop(columns="_o")
        return out.reset_index(drop=True)[CHANGE_COLUMNS]

    def highlights(self, n: int = 5) -> list[str]:
        """The ``n`` changes most worth a reader's attention, as plain sentences.

        Notes
        -----
        Each change gets a salience (column ``salience`` of :meth:`changes`):

        - a Grid element score: its change in points / 10 (a 10-point move weighs 1);
        - a metric with a bootstrap interval: change / half-width of the interval (1 =
          at the edge of what resampling events produces), halved when inside it;
        - a share (0-1): change / 0.10; a count or other number: relative change / 0.25,
          where the previous value was at least 5 (small numbers swing by chance);
        - a group (region, sector, organization, language): its active members as a count,
          with at least 10 active members in one of the two periods (organizations weigh
          half: a region or a sector says more about the network).

        Only one highlight is taken per Grid element (follow-up numbers count with the
        element they restate: problems solved with problem solving, actions closed with
        truth), per metric and per roster attribute, so the five are about different
        things; single organizations are left to the tables. Changes a reader cannot judge
        (neither better nor worse) weigh half. The sentences are written by
        :func:`peernet.report.narrative.highlights`.
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of highlights; got {n!r}")
        return highlights(self.changes(), self.layers, indicator_labels(self.scores), n)

    def summary(self) -> str:
        """A paragraph an evaluator could paste: the period, the Grid, the highlights."""
        lines = [f"{self.net.name}: evaluation of {self.current}"
                 + (f" against {self.previous}." if self.previous else ".")]
        lines.append(self.scores[self.current].summary())
        if self.previous is not None:
            lines += [f"- {h}" for h in self.highlights()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Evaluation {self.net.name!r} periods={list(self.periods)} "
                f"members={len(self.net.members)}>")

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(h)}</li>" for h in
                        (self.highlights() if self.previous else []))
        return (f"<b>Evaluation of {html.escape(self.net.name)}</b>: periods "
                f"{html.escape(', '.join(self.periods))}<ul>{items}</ul>")


# ---------------------------------------------------------------------- evaluate
#: A period as evaluate takes it: a label, a (start, end) pair or a Window.
PeriodLike = str | Window | tuple[Any, Any]


def evaluate(net: PeerNetwork, *, periods: Sequence[PeriodLike] | None = None,
             rubric: str | Path | None = None, bootstrap: int = 200, seed: int = 0,
             start_month: int = 7, inputs: str | Path | Sequence[str | Path] | None = None,
             progress: Callable[[str], Any] | None = None) -> Evaluation:
    """Evaluate a network over several periods, side by side.

    Parameters
    ----------
    net : PeerNetwork
        The whole network (a slice is taken back to its root).
    periods : sequence of str, (start, end) pairs or Windows, optional
        Periods, oldest first: labels such as ``["2024", "2025"]``, ``["FY2024", "FY2025"]``
        or ``["2013-06-24..2013-06-29", "2013-07-01..2013-07-06"]`` (end excluded), or
        arbitrary windows as ``(start, end)`` pairs (``[("2013-06-24", "2013-06-29"),
        ("2013-07-01", "2013-07-06")]``; naive bounds in the network's zone, end excluded),
        named by their dates in tables and the report (default: the last two calendar
        years with data).
    rubric : str or Path, optional
        Your own rubric file for :func:`peernet.score` (default: the shipped rubric).
    bootstrap : int, default 200
        Resamples of the evaluated (last) period's events for the percentile intervals of
        its headline network metrics (:data:`BOOTSTRAP_METRICS`, with
        :func:`peernet.metrics.bootstrap`); :meth:`Evaluation.changes` tests last period's
        value against them. 0 skips them (200 take about a second on the 150-member sample).
    seed : int, default 0
        Seed of the bootstrap (recorded in ``meta``).
    start_month : int, default 7
        First month of a fiscal year, for labels like ``"FY2025"``.
    inputs : path or paths, optional
        The folder or files the network was loaded from; their SHA-256 hashes go into
        ``meta["inputs"]`` and the report's methodology section.
    progress : callable, optional
        Called with a short message before each step (the CLI prints them on stderr).

    Returns
    -------
    Evaluation

    Raises
    ------
    ValueError
        A period label that cannot be read, periods out of order or repeated, or a period
        in which nothing happened.

    Examples
    --------
    >>> ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2024", "2025"], bootstrap=0)
    >>> ev.periods
    ('2024', '2025')
    >>> ch = ev.changes().set_index(["section", "item", "metric"])
    >>> ch.loc[("followup", "", "share_problems_solved"), ["previous", "current"]].round(3)
    previous    0.688
    current     0.841
    Name: (followup, , share_problems_solved), dtype: float64
    """
    if not isinstance(net, PeerNetwork):
        raise TypeError(f"evaluate takes a PeerNetwork (pn.load(...)); got {type(net).__name__}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) \
            or bootstrap < 0:
        raise ValueError(f"bootstrap must be a number of resamples >= 0; got {bootstrap!r}")
    root = net.root
    say = progress if callable(progress) else (lambda _msg: None)
    windows = _check_periods(root, periods, start_month)
    labels = [w.label for w in windows]
    slices = {w.label: root.period(w) for w in windows}
    empty = [p for p, s in slices.items() if len(s.interactions) == 0]
    if empty:
        data_span = root.span()
        where = (f"the data run from {data_span[0].tz_convert(root.tz).date()} to "
                 f"{data_span[1].tz_convert(root.tz).date()}" if data_span else "the data "
                 "hold no interactions")
        raise ValueError(f"no interactions in period(s) {empty}; {where}. Choose periods "
                         f"with data (periods=[...], CLI --year/--compare)")

    scores, netrows, members, followup = {}, [], [], []
    for p, s in slices.items():
        say(f"scoring {p} on the Community Change Grid")
        scores[p] = grid_score(s, rubric=rubric)
        say(f"network and member metrics of {p}")
        nm = network_metrics(s)
        frame = pd.DataFrame({"period": p, "metric": [str(i) for i in nm.index],
                              "value": pd.to_numeric(pd.Series(nm.to_numpy()),
                                                     errors="coerce").to_numpy("float64")})
        frame = frame[frame["value"].notna() | frame["metric"].isin(METRICS)]
        last = p == labels[-1]
        if bootstrap and last:
            say(f"bootstrap intervals of {p} ({bootstrap} resamples of its events)")
            iv = _intervals(s, bootstrap, seed)
        else:
            iv = None
        if iv is not None and len(iv):
            frame = frame.merge(iv, on="metric", how="left")
        else:
            frame = frame.assign(low=np.nan, high=np.nan)
        netrows.append(frame)
        mm = member_metrics(s)
        members.append(mm.assign(period=p)[["period", *mm.columns]])
        followup.append(followup_table(s, p))

    say("participation and retention")
    span = root.between(window_of(slices[labels[0]]).start,
                        window_of(slices[labels[-1]]).end)
    quarterly = participation(span, freq="QS")
    annual = participation_by_period(root, slices)
    ties = _ties(slices)
    groups = pd.concat([group_participation(s, p) for p, s in slices.items()],
                       ignore_index=True)
    meta = {
        "peernet_version": __version__,
        "rubric": str(scores[labels[-1]].rubric_source
                      or ("default" if rubric is None else rubric)),
        "rubric_version": scores[labels[-1]].rubric_version,
        "periods": {p: {"start": str(window_of(s).start.date()),
                        "end": str((window_of(s).end - pd.Timedelta(days=1)).date())}
                    for p, s in slices.items()},
        "tz": root.tz,
        "bootstrap": int(bootstrap),
        "seed": int(seed),
        "layout_seed": 0,
        "start_month": int(start_month),
        "inputs": _hashes(inputs),
        "name": root.name,
    }
    return Evaluation(net=root, periods=tuple(labels), slices=slices, scores=scores,
                      network=pd.concat(netrows, ignore_index=True), annual=annual,
                      participation=quarterly, members=pd.concat(members, ignore_index=True),
                      groups=groups, followup=pd.concat(followup, ignore_index=True),
                      ties=ties, meta=meta)


# ---------------------------------------------------------------------- helpers
def _check_periods(root: PeerNetwork, periods: Sequence[PeriodLike] | None,
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
    return windows


def _stack(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [df.assign(period=p)[["period", *[c for c in df.columns if c != "period"]]]
             for p, df in frames.items() if len(df)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_)


def _hashes(inputs: str | Path | Sequence[str | Path] | None) -> list[dict[str, str]]:
    if inputs is None:
        return []
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file()
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            files.append(p)
    out = []
    for f in files:
        digest = hashlib.sha256()
        with open(f, "rb") as fh:
            for chunk in iter(partial(fh.read, 1 << 20), b""):
                digest.update(chunk)
        base = Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else f.parent
        out.append({"file": str(f.relative_to(base)) if f.is_relative_to(base) else f.name,
                    "sha256": digest.hexdigest(), "bytes": str(f.stat().st_size)})
    return out


def _intervals(s: PeerNetwork, n: int, seed: int) -> pd.DataFrame | None:
    """Bootstrap percentile intervals of the headline network metrics of one slice."""
    res = bootstrap_metrics(s, list(BOOTSTRAP_METRICS), n=n, seed=seed)
    return pd.DataFrame({"metric": res["metric"].astype("str"),
                         "low": res["low"].astype("float64"),
                         "high": res["high"].astype("float64")})


def _ties(slices: Mapping[str, PeerNetwork]) -> pd.DataFrame:
    """:func:`peernet.metrics.tie_change` of each pair of consecutive periods, one row each."""
    labels = list(slices)
    rows = [tie_change(slices[a], slices[b]).to_frame().T.assign(period=b, previous_period=a)
            for a, b in zip(labels, labels[1:], strict=False)]
    if not rows:
        return pd.DataFrame(columns=["period", "previous_period"])
    out = pd.concat(rows, ignore_index=True)
    first = ["period", "previous_period"]
    return out[first + [c for c in out.columns if c not in first]]
