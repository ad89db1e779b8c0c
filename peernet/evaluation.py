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
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .metrics.followup import followup_table
from .network import PeerNetwork, parse_period

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

_GROUP_BY = ("region", "sector", "org", "language")


def _label(metric: str) -> str:
    return METRICS.get(metric, (metric.replace("_", " ").capitalize(), "", 0))[0]


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True, repr=False, eq=False)
class Evaluation:
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
    scores: Mapping[str, Any]
    network: pd.DataFrame
    annual: pd.DataFrame
    participation: pd.DataFrame
    members: pd.DataFrame
    groups: pd.DataFrame
    followup: pd.DataFrame
    ties: pd.DataFrame
    meta: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

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
        return _stack({p: _frame(s, "layers") for p, s in self.scores.items()})

    @property
    def indicators(self) -> pd.DataFrame:
        """Grid indicators of every period: ``period`` then the GridScore's ``indicators``."""
        return _stack({p: _frame(s, "indicators") for p, s in self.scores.items()})

    def scorecard(self) -> pd.DataFrame:
        """The Grid scorecard: one row an element, each period's score and band beside.

        Columns ``layer, element``, then ``score_<period>`` and ``band_<period>`` for every
        period, ``coverage`` (last period) and ``change`` (last minus previous score).
        """
        layers = self.layers
        if layers.empty:
            return pd.DataFrame(columns=["layer", "element", "change"])
        keys = [c for c in ("layer", "element") if c in layers.columns]
        out = None
        for p in self.periods:
            part = layers[layers["period"] == p]
            cols = {"score": f"score_{p}"}
            if "band" in part.columns:
                cols["band"] = f"band_{p}"
            part = part[keys + list(cols)].rename(columns=cols)
            out = part if out is None else out.merge(part, on=keys, how="outer", sort=False)
        last = layers[layers["period"] == self.current]
        if "coverage" in last.columns:
            out = out.merge(last[keys + ["coverage"]], on=keys, how="left")
        if self.previous is not None:
            out["change"] = out[f"score_{self.current}"] - out[f"score_{self.previous}"]
        else:
            out["change"] = np.nan
        order = {k: i for i, k in enumerate(layers.drop_duplicates(keys)[keys[-1]])}
        out = out.sort_values(keys[-1], key=lambda s: s.map(order), kind="stable")
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
                "section": "grid", "item": lay.get("layer", pd.Series("", index=lay.index)),
                "metric": lay["element"], "value": lay["score"].astype("float64"),
                "unit": "points", "direction": 1}))
        ind = self.indicators
        if not ind.empty:
            ind = ind[ind["period"] == period]
            has = ind["has_data"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
                if "has_data" in ind.columns else np.ones(len(ind), dtype=bool)
            ind = ind[has]
            parts.append(pd.DataFrame({
                "section": "indicator", "item": ind["element"], "metric": ind["indicator"],
                "value": pd.to_numeric(ind["value"], errors="coerce").astype("float64"),
                "unit": ind["unit"].astype("object") if "unit" in ind.columns else "",
                "direction": _indicator_direction(ind)}))
            parts.append(pd.DataFrame({
                "section": "indicator_score", "item": ind["element"], "metric": ind["indicator"],
                "value": pd.to_numeric(ind["score"], errors="coerce").astype("float64"),
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
        previous = self.previous if previous is None else previous
        current = self.current if current is None else current
        key = ("changes", previous, current)
        if key not in self._cache:
            self._cache[key] = self._changes(previous, current)
        return self._cache[key].copy()

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
            "label": [_change_label(s, i, k, labels) for s, i, k in zip(
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
        out["salience"] = _salience(out)
        order = {s: i for i, s in enumerate(("grid", "participation", "network", "followup",
                                             "indicator", "indicator_score", *_GROUP_BY))}
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
        things; single organizations are left to the tables. Changes a reader cannot judge (neither
        better nor worse) weigh half.
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of highlights; got {n!r}")
        ch = self.changes()
        ch = ch[(ch["salience"] > 0) & ch["change"].notna()]
        ch = ch[~ch["section"].isin(["indicator_score", "org"])]
        ch = ch.sort_values("salience", ascending=False, kind="stable")
        seen: set[str] = set()
        out: list[str] = []
        for row in ch.itertuples(index=False):
            topic = _topic(row)
            if topic in seen:
                continue
            seen.add(topic)
            sentence = _sentence(row, self)
            if sentence in out:
                continue
            out.append(sentence)
            if len(out) == n:
                break
        return out

    def summary(self) -> str:
        """A paragraph an evaluator could paste: the period, the Grid, the highlights."""
        lines = [f"{self.net.name}: evaluation of {self.current}"
                 + (f" against {self.previous}." if self.previous else ".")]
        score = self.scores.get(self.current)
        if score is not None and hasattr(score, "summary"):
            lines.append(str(score.summary()))
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
def evaluate(net: PeerNetwork, *, periods: Sequence[str] | None = None,
             rubric: str | Path | None = None, bootstrap: int = 200, seed: int = 0,
             start_month: int = 7, inputs: str | Path | Sequence[str | Path] | None = None,
             progress: Any = None) -> Evaluation:
    """Evaluate a network over several periods, side by side.

    Parameters
    ----------
    net : PeerNetwork
        The whole network (a slice is taken back to its root).
    periods : sequence of str, optional
        Period labels, oldest first, e.g. ``["2024", "2025"]`` or ``["FY2024", "FY2025"]``
        (default: the last two calendar years with data).
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
    from . import __version__
    from .grid import score as grid_score
    from .metrics import member_metrics, network_metrics, participation

    if not isinstance(net, PeerNetwork):
        raise TypeError(f"evaluate takes a PeerNetwork (pn.load(...)); got {type(net).__name__}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) \
            or bootstrap < 0:
        raise ValueError(f"bootstrap must be a number of resamples >= 0; got {bootstrap!r}")
    root = net.root
    say = progress if callable(progress) else (lambda _msg: None)
    labels = _check_periods(root, periods, start_month)
    slices = {p: root.period(p, start_month=start_month) for p in labels}
    empty = [p for p, s in slices.items() if len(s.interactions) == 0]
    if empty:
        span = root.span()
        where = (f"the data run from {span[0].tz_convert(root.tz).date()} to "
                 f"{span[1].tz_convert(root.tz).date()}" if span else "the data hold no "
                 "interactions")
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
        if bootstrap and last and _has("bootstrap"):
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
    first, last = slices[labels[0]].window, slices[labels[-1]].window
    span = root.between(first.start, last.end)
    quarterly = participation(span, freq="QS")
    annual = _annual(root, slices, participation, first.kind, first.start.month)
    ties = _ties(slices)
    groups = pd.concat([_groups(s, p) for p, s in slices.items()], ignore_index=True)
    meta = {
        "peernet_version": __version__,
        "rubric": str(getattr(scores[labels[-1]], "rubric_source", None)
                      or ("default" if rubric is None else rubric)),
        "rubric_version": _rubric_version(scores[labels[-1]]),
        "periods": {p: {"start": str(s.window.start.date()),
                        "end": str((s.window.end - pd.Timedelta(days=1)).date())}
                    for p, s in slices.items()},
        "tz": root.tz,
        "bootstrap": int(bootstrap) if _has("bootstrap") else 0,
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
def _check_periods(root: PeerNetwork, periods, start_month: int) -> list[str]:
    if periods is None:
        span = root.span()
        if span is None:
            raise ValueError("evaluate: the network holds no interactions")
        last = span[1].tz_convert(root.tz).year
        periods = [str(last - 1), str(last)]
    if isinstance(periods, str) or not isinstance(periods, Sequence) or len(periods) == 0:
        raise ValueError(f"periods must be a list of period labels such as ['2024', '2025']; "
                         f"got {periods!r}")
    windows = [parse_period(str(p), tz=root.tz, start_month=start_month) for p in periods]
    labels = [w.label for w in windows]
    if len(set(labels)) != len(labels):
        raise ValueError(f"periods must not repeat; got {list(periods)}")
    starts = [w.start for w in windows]
    if starts != sorted(starts):
        raise ValueError(f"periods must be in time order, oldest first; got {list(periods)}")
    return labels


def _frame(obj: Any, name: str) -> pd.DataFrame:
    df = getattr(obj, name, None)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _stack(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [df.assign(period=p)[["period", *[c for c in df.columns if c != "period"]]]
             for p, df in frames.items() if len(df)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_)


def _indicator_direction(ind: pd.DataFrame) -> np.ndarray:
    if "direction" not in ind.columns:
        return np.zeros(len(ind), dtype="int64")
    d = ind["direction"].astype("object").map(
        {"higher": 1, "lower": -1, 1: 1, -1: -1, "+": 1, "-": -1})
    return d.fillna(0).to_numpy(dtype="int64")


def _rubric_version(score: Any) -> str:
    for attr in ("rubric_version", "version"):
        v = getattr(score, attr, None)
        if isinstance(v, str):
            return v
    rubric = getattr(score, "rubric", None)
    if isinstance(rubric, Mapping) and "version" in rubric:
        return str(rubric["version"])
    v = getattr(rubric, "version", None)
    return str(v) if v is not None else "unknown"


def _hashes(inputs) -> list[dict[str, str]]:
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
            for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(chunk)
        base = Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else f.parent
        out.append({"file": str(f.relative_to(base)) if f.is_relative_to(base) else f.name,
                    "sha256": digest.hexdigest(), "bytes": str(f.stat().st_size)})
    return out


def _intervals(s: PeerNetwork, n: int, seed: int) -> pd.DataFrame | None:
    """Bootstrap percentile intervals of the headline network metrics of one slice."""
    from .metrics import bootstrap

    res = bootstrap(s, list(BOOTSTRAP_METRICS), n=n, seed=seed)
    return pd.DataFrame({"metric": res["metric"].astype("str"),
                         "low": res["low"].astype("float64"),
                         "high": res["high"].astype("float64")})


def _annual(root, slices, participation, kind, month) -> pd.DataFrame:
    """Participation with one row a period (previous period included for retention)."""
    labels = list(slices)
    freq = {"year": "YS", "quarter": "QS", "month": "MS"}.get(kind)
    if kind == "fiscal_year" and month == 1:
        freq = "YS"
    if freq is None:  # fiscal years from July etc.: no pandas-free alias; count directly
        return _annual_counts(slices)
    first = slices[labels[0]].window
    before = first.previous()
    lo = max(before.start, first.start - pd.Timedelta(days=400))
    span = root.between(lo, slices[labels[-1]].window.end)
    df = participation(span, freq=freq)
    if "period" not in df.columns or df.empty:
        return pd.DataFrame({"period": labels})
    starts = _starts(df["period"], root.tz)
    want = {s.window.start.tz_convert("UTC").date(): p for p, s in slices.items()}
    label = [want.get(t.date()) if t is not pd.NaT and not pd.isna(t) else None
             for t in starts]
    out = df.assign(period=label)
    out = out[out["period"].notna()].reset_index(drop=True)
    return out


def _annual_counts(slices: Mapping[str, PeerNetwork]) -> pd.DataFrame:
    """One row a period for windows ``participation`` has no frequency for (fiscal years
    not starting in January): members active, new (not active in the window before),
    returning, lapsed (active before, not now), retention, events, interactions."""
    rows = []
    for p, s in slices.items():
        now = set(s.members_active())
        prev = s.previous()
        before = set(prev.members_active())
        span = s.root.span()
        # a window before the data begins (or only partly covered) says nothing of turnover
        known = span is not None and prev.window.start_utc >= span[0].floor("D")
        nan = np.nan
        rows.append({"period": p, "members_active": len(now),
                     "members_new": len(now - before) if known else nan,
                     "members_returning": len(now & before) if known else nan,
                     "members_lapsed": len(before - now) if known else nan,
                     "retention_rate": len(now & before) / len(before) if known and before
                     else nan,
                     "events": len(s.events), "interactions": len(s.interactions)})
    return pd.DataFrame(rows)


def _starts(values: pd.Series, tz: str) -> list:
    if isinstance(values.dtype, pd.PeriodDtype):
        ts = values.dt.start_time
    else:
        ts = pd.to_datetime(values.astype("str") if values.dtype == object else values,
                            errors="coerce")
    ts = pd.Series(ts)
    if ts.dt.tz is None:
        ts = ts.dt.tz_localize(tz)
    return list(ts.dt.tz_convert("UTC"))


def _has(name: str) -> bool:
    from . import metrics

    return callable(getattr(metrics, name, None))


def _ties(slices: Mapping[str, PeerNetwork]) -> pd.DataFrame:
    labels = list(slices)
    parts = []
    if not _has("tie_change"):
        labels = labels[:1]
    else:
        from .metrics import tie_change
    for a, b in zip(labels, labels[1:], strict=False):
        res = tie_change(slices[a], slices[b])
        if isinstance(res, pd.Series):
            res = res.to_frame().T
        if isinstance(res, pd.DataFrame):
            parts.append(res.assign(period=b, previous_period=a))
        elif isinstance(res, Mapping):
            row = {k: v for k, v in res.items() if not isinstance(v, pd.DataFrame)}
            parts.append(pd.DataFrame([row]).assign(period=b, previous_period=a))
    if not parts:
        return pd.DataFrame(columns=["period", "previous_period"])
    out = pd.concat(parts, ignore_index=True)
    first = ["period", "previous_period"]
    return out[first + [c for c in out.columns if c not in first]]


def _groups(s: PeerNetwork, period: str) -> pd.DataFrame:
    """Participation of each group of the roster (region, sector, org, language)."""
    m = s.members
    current = m[m["member_id"].isin(s.members_current())]
    counts = s.interactions["source"].value_counts()
    # once per member, not once per grouping (isin on 10,000 string ids costs 40 ms)
    act_of = current["member_id"].isin(s.members_active()).astype(int)
    inter_of = current["member_id"].map(counts).fillna(0)
    parts = []
    for by in _GROUP_BY:
        if by not in m.columns or m[by].notna().sum() == 0:
            continue
        keep = current[by].notna()
        df = pd.DataFrame({"group": current.loc[keep, by].astype("str"), "cur": 1,
                           "act": act_of[keep], "inter": inter_of[keep]})
        agg = df.groupby("group", sort=True).sum()
        parts.append(pd.DataFrame({
            "period": period, "by": by, "group": agg.index.astype("str"),
            "members_current": agg["cur"].to_numpy("int64"),
            "members_active": agg["act"].to_numpy("int64"),
            "share_active": (agg["act"] / agg["cur"]).to_numpy("float64"),
            "interactions": agg["inter"].to_numpy("int64")}))
    if not parts:
        return pd.DataFrame(columns=["period", "by", "group", "members_current",
                                     "members_active", "share_active", "interactions"])
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------- wording
def indicator_labels(scores: Mapping[str, Any]) -> dict[str, str]:
    """Readable names of Grid indicators: a ``label`` column of the indicators, the
    checklist's item labels (gp1..ch10), else the indicator name in words."""
    out: dict[str, str] = {}
    for score in scores.values():
        ind = _frame(score, "indicators")
        if "label" in ind.columns:
            out.update(dict(zip(ind["indicator"].astype("str"), ind["label"].astype("str"),
                                strict=True)))
        chk = _frame(score, "checklist")
        if {"item", "label"} <= set(chk.columns):
            out.update(dict(zip(chk["item"].astype("str"), chk["label"].astype("str"),
                                strict=True)))
    return out


def _indicator_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    if labels and name in labels:
        return labels[name]
    head, _, tail = str(name).partition(":")
    if tail:
        return f"{_pretty(head)}: {tail.replace('_', ' ')}"
    return _pretty(name)


def _change_label(section: str, item: str, metric: str,
                  labels: Mapping[str, str] | None = None) -> str:
    if section == "grid":
        return f"Grid: {_pretty(metric)}"
    if section in ("indicator", "indicator_score"):
        suffix = " (score)" if section == "indicator_score" else ""
        return f"{_pretty(item)}: {_indicator_name(metric, labels)}{suffix}"
    if section in _GROUP_BY:
        return f"{_label(metric)}, {section} {item}"
    return _label(metric)


def _pretty(name: str) -> str:
    return str(name).replace("_", " ").replace("-", " ").strip().capitalize()


def _salience(ch: pd.DataFrame) -> np.ndarray:
    change = ch["change"].abs().to_numpy("float64")
    prev = ch["previous"].abs().to_numpy("float64")
    cur = ch["current"].abs().to_numpy("float64")
    rel = ch["change_rel"].abs().to_numpy("float64")
    unit = np.where([_is_share(u) for u in ch["unit"]], "share", ch["unit"].astype("str"))
    section = ch["section"].astype("str").to_numpy()
    half = (ch["high"] - ch["low"]).to_numpy("float64") / 2
    big = np.fmax(prev, cur)
    out = np.where(unit == "share", change / 0.10,
                   np.where(big >= 5, rel / 0.25, 0.0))
    out = np.where(np.isin(unit, ["gini", "index"]), change / 0.10, out)
    out = np.where(section == "grid", change / 10, out)
    out = np.where(section == "indicator_score", change / 15, out)
    out = np.where(section == "indicator", np.where(unit == "share", change / 0.15,
                                                    np.where(big >= 5, rel / 0.4, 0.0)), out)
    out = np.where(np.isin(section, _GROUP_BY),
                   np.where(unit == "share", 0.0, np.where(big >= 10, rel / 0.3, 0.0)), out)
    out = np.where(section == "org", out / 2, out)
    iv = np.isfinite(half) & (half > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ivs = np.where(iv, change / np.where(iv, half, 1), 0.0)
    outside = ch["outside_interval"].fillna(False).to_numpy(dtype=bool)
    out = np.where(iv, np.where(outside, ivs, ivs / 2), out)
    out = np.where(ch["direction"].to_numpy() == 0, out / 2, out)
    out = np.where(section == "indicator", out * 0.8, out)
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


#: Follow-up and participation numbers that restate a Grid element (one highlight each).
_TOPICS = {"problems_raised": "problem_solving", "share_problems_solved": "problem_solving",
           "median_days_to_solve": "problem_solving", "share_help_across_orgs":
           "problem_solving", "share_problems_with_outcome": "truth", "actions_due": "truth",
           "share_actions_done": "truth", "share_actions_on_time": "truth",
           "retention_rate": "time", "members_lapsed": "time", "members": "roster",
           "roster_members": "roster", "active_members": "active", "members_active": "active"}


def _topic(row) -> str:
    if row.section in ("grid", "indicator", "indicator_score"):
        return f"element:{row.metric if row.section == 'grid' else row.item}".lower()
    if row.section in _GROUP_BY:
        return f"group:{row.section}"
    if row.metric in _TOPICS:
        return f"element:{_TOPICS[row.metric]}"
    return f"metric:{row.metric}"


def _is_share(unit: Any) -> bool:
    return isinstance(unit, str) and unit.startswith("share")


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if _is_share(unit):
        return f"{value:.0%}"
    if unit in ("points",):
        return f"{value:.0f}"
    if abs(value) >= 10 or (float(value).is_integer() and abs(value) >= 1):
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _delta(change: float, unit: str, rel: float) -> str:
    sign = "+" if change > 0 else "-"
    if _is_share(unit):
        return f"{sign}{abs(change) * 100:.0f} percentage points"
    if unit == "points":
        return f"{sign}{abs(change):.0f} points"
    if np.isfinite(rel):
        return f"{sign}{abs(rel):.0%}"
    return f"{sign}{_fmt(abs(change), unit)}"


def _driver(ev: Evaluation, row) -> str:
    """The indicator of a Grid element whose score moved most in the element's direction."""
    ch = ev.changes(row.previous_period, row.current_period)
    ind = ch[(ch["section"] == "indicator_score") & (ch["item"] == row.metric)
             & ch["change"].notna()]
    if ind.empty:
        return ""
    ind = ind.assign(_m=ind["change"] * np.sign(row.change))
    best = ind.sort_values("_m", ascending=False, kind="stable").iloc[0]
    if best["_m"] <= 0:
        return ""
    raw = ch[(ch["section"] == "indicator") & (ch["item"] == row.metric)
             & (ch["metric"] == best["metric"])]
    name = _indicator_name(best["metric"], indicator_labels(ev.scores))
    name = name[0].lower() + name[1:] if name[:2] != name[:2].upper() else name
    if len(raw) and np.isfinite(raw["previous"].iloc[0]) and np.isfinite(raw["current"].iloc[0]):
        r = raw.iloc[0]
        return f"{name} ({_fmt(r['previous'], r['unit'])} to {_fmt(r['current'], r['unit'])})"
    return name


def _sentence(row, ev: Evaluation) -> str:
    verb = "rose" if row.change > 0 else "fell"
    prev, cur = _fmt(row.previous, row.unit), _fmt(row.current, row.unit)
    if not np.isfinite(row.previous):
        return (f"{row.label} is {cur} in {row.current_period} (no value for "
                f"{row.previous_period}).")
    delta = _delta(row.change, row.unit, row.change_rel)
    judge = {"better": "an improvement", "worse": "a decline that needs attention"}.get(
        row.assessment, "")
    if row.section == "grid":
        bands = ev.layers
        band = ""
        if "band" in bands.columns:
            b = bands[(bands["element"] == row.metric)]
            pb = b.loc[b["period"] == row.previous_period, "band"]
            cb = b.loc[b["period"] == row.current_period, "band"]
            if len(pb) and len(cb) and pb.iloc[0] != cb.iloc[0]:
                band = f", from {pb.iloc[0]} to {cb.iloc[0]}"
        text = (f"The Grid score for {_pretty(row.metric)} ({_pretty(row.item)}) {verb} from "
                f"{prev} to {cur} ({delta}){band}")
        driver = _driver(ev, row)
        if driver:
            text += f", mostly through {driver}"
    elif row.section in _GROUP_BY:
        noun = {"org": "organization"}.get(row.section, row.section)
        what = {"members_active": "Active members",
                "interactions": "Interactions by members"}.get(row.metric, row.label)
        text = f"{what} of the {row.item} {noun} {verb} from {prev} to {cur} ({delta})"
        other = "interactions" if row.metric == "members_active" else "members_active"
        ch = ev.changes(row.previous_period, row.current_period)
        o = ch[(ch["section"] == row.section) & (ch["item"] == row.item)
               & (ch["metric"] == other)]
        if len(o) and np.isfinite(o["change"].iloc[0]) and o["change"].iloc[0] != 0:
            o = o.iloc[0]
            text += (f"; {'active members' if other == 'members_active' else 'interactions'}"
                     f" {'rose' if o['change'] > 0 else 'fell'} from "
                     f"{_fmt(o['previous'], o['unit'])} to {_fmt(o['current'], o['unit'])}")
    else:
        text = f"{row.label} {verb} from {prev} to {cur} ({delta})"
    if not pd.isna(row.outside_interval):
        text += (", beyond this year's bootstrap interval (unlikely to be noise)"
                 if bool(row.outside_interval) else
                 ", within this year's bootstrap interval (could be noise)")
    if judge:
        text += f": {judge}"
    return text + "."
