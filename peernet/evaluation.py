"""Annual evaluation: several periods of one network scored and measured side by side.

``pn.evaluate(net, periods=["2024", "2025"])`` runs the whole pipeline on each period (the
Community Change Grid score, network metrics, participation, member metrics) and returns an
:class:`Evaluation`: the results of every period, the changes between consecutive periods
(:meth:`Evaluation.changes`), the changes most worth a reader's attention in plain sentences
(:meth:`Evaluation.highlights`), and what :func:`peernet.report` needs to write the report.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._cache import Memoized, cached, forget
from ._memory import collecting_new
from .evaluation_steps import (
    DIFFERENCE_COLUMNS,
    INTERVAL_COLUMNS,
    METRICS,
    MIXING_TABLE_COLUMNS,
    PeriodLike,
    after_fork,
    baseline_periods,
    check_periods,
    intervals_of,
    mixing_table,
    network_rows,
    participation_here,
    period_tables,
    release_finished,
    scores_with_intervals,
    start_metrics,
    start_participation,
    step_messages,
    tie_changes,
)
from .grid.context import SLICE_CONTEXT
from .grid.score import GridScore
from .grid.score import score as grid_score
from .metrics.groups import GROUP_BY
from .metrics.structure import network_metrics
from .network import PeerNetwork
from .provenance import evaluation_meta
from .report.i18n import N_
from .report.narrative import change_label, highlights, indicator_labels, salience
from .schema import isin

__all__ = ["evaluate", "Evaluation"]


#: How an Evaluation shows itself in Jupyter: the report's first page, registered by
#: :mod:`peernet.report.first_page` (the evaluation does not import the report writer).
FIRST_PAGE: Callable[[Evaluation], str] | None = None

CHANGE_COLUMNS = ["section", "item", "metric", "label", "unit", "previous_period",
                  "current_period", "previous", "current", "change", "change_rel", "low",
                  "high", "real", "tested", "detectable", "direction", "assessment",
                  "salience"]

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
        with the bootstrap percentile interval of the headline metrics
        (:data:`~peernet.evaluation_steps.BOOTSTRAP_METRICS`; NaN elsewhere and with
        ``bootstrap=0``).
    annual : DataFrame
        :func:`peernet.participation` with one row a period (``period`` first).
    participation : DataFrame
        Participation in steps over all the periods, named in ``meta["participation_by"]``:
        ``quarter`` for calendar (and quarter-aligned fiscal) years, ``month`` for quarters
        and months (:func:`peernet.participation`), ``period`` for any other window, which
        is never re-sliced by calendar quarters: one row a window named by its dates (the
        rows of ``annual``).
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
    intervals : DataFrame
        ``period, section, metric, low, high``: the bootstrap interval of every Grid
        element score (section ``grid``, metric the element) and headline network metric
        (section ``network``) of each period; empty with ``bootstrap=0``.
    differences : DataFrame
        ``previous_period, current_period, section, metric, change, low, high, real,
        tested, detectable``: the interval of each of those numbers' change between
        consecutive periods, both resampled (:func:`peernet.metrics.bootstrap_change`).
    mixing : DataFrame
        Mixing against chance in each period: ``period`` then the columns of
        :func:`peernet.metrics.mixing` (``measure`` ``ei_index`` or ``cross_share``, ``by``
        ``org`` / ``sector`` / ``region``, ``observed``, ``expected``, ``low``, ``high``,
        ``p_value``, ``z``, ...; 1000 permutations, the evaluation's seed) and ``reading``:
        ``less than chance`` (p < 0.05, observed below expected), ``more than chance``,
        ``as chance`` or ``n/a``. What a report needs to say "the network mixes less
        than chance would": the current period's ``ei_index`` row by ``org``, e.g. on
        riverbend 2025 E-I 0.81 observed, 0.92 expected under random relabelling,
        p = 0.001 (:meth:`mixes_less_than_chance`).
    meta : dict
        Provenance: peernet and rubric version, periods and their dates, seeds, bootstrap
        size, input file hashes; ``baseline`` (why the evaluation is a baseline, or None)
        and ``not_applicable`` (the rows of :attr:`not_applicable`).
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
    intervals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=INTERVAL_COLUMNS))
    differences: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=DIFFERENCE_COLUMNS))
    mixing: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=MIXING_TABLE_COLUMNS))

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
    def baseline(self) -> bool:
        """True when the evaluation is a baseline: one period, nothing to compare with.

        A network's first year is its baseline (``evaluate`` drops earlier periods without
        data), and ``periods=["2025"]`` (CLI ``--compare none``) asks for one on any year.
        A baseline has scores, maps and tables but no :meth:`changes` and no
        :meth:`highlights`; ``meta["baseline"]`` says why it is one.
        """
        return self.previous is None

    def mixes_less_than_chance(self, by: str = "org", *, period: str | None = None
                               ) -> pd.Series | None:
        """The E-I index of ``period`` by ``by`` against chance, if it is below chance.

        Returns the :attr:`mixing` row (``observed``, ``expected``, ``low``, ``high``,
        ``p_value``, ``z``, ...) when members tie within their own group more than random
        relabelling would give (``reading == "less than chance"``), else None. The report
        writes it as "the network mixes across organizations less than chance would: E-I
        index 0.81 where random mixing gives 0.92 (p = 0.001)".

        Examples
        --------
        >>> ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2025"], bootstrap=0)
        >>> row = ev.mixes_less_than_chance("org")
        >>> round(float(row["observed"]), 2), round(float(row["expected"]), 2)
        (0.81, 0.92)
        >>> bool(row["p_value"] < 0.01)
        True
        """
        period = self.current if period is None else period
        m = self.mixing
        row = m[(m["period"] == period) & (m["by"] == by) & (m["measure"] == "ei_index")]
        if row.empty or row["reading"].iloc[0] != "less than chance":
            return None
        return row.iloc[0]

    @property
    def not_applicable(self) -> pd.DataFrame:
        """``period, metric, reason``: numbers that do not apply (NaN in the tables).

        The turnover of the first period observed in the data (new, returning, reactivated
        and lapsed members, retention): with no data before it, every active member would
        count as new and nobody as lapsed.
        """
        rows = self.meta.get("not_applicable") or []
        return pd.DataFrame(list(rows), columns=["period", "metric", "reason"])

    @property
    def layers(self) -> pd.DataFrame:
        """Grid element scores of every period: ``period`` then the GridScore's ``layers``,
        with ``low`` and ``high``: the element score's bootstrap interval (:attr:`intervals`;
        NaN with ``bootstrap=0``, and ``low == high`` for an element resampling the
        interaction log does not move, such as one read from the checklist)."""
        # made once (a report reads it a dozen times: 15 ms each at riverbend); a copy each
        return cached(self, ("layers",), self._layers).copy()

    def _layers(self) -> pd.DataFrame:
        out = _stack({p: s.layers for p, s in self.scores.items()})
        if out.empty:
            return out
        iv = self.intervals
        iv = iv.loc[iv["section"] == "grid", ["period", "metric", "low", "high"]]
        out = out.drop(columns=["low", "high"], errors="ignore").merge(
            iv.rename(columns={"metric": "element"}), on=["period", "element"], how="left")
        for col in ("low", "high"):
            out[col] = out[col].astype("float64")
        return out

    @property
    def indicators(self) -> pd.DataFrame:
        """Grid indicators of every period: ``period`` then the GridScore's ``indicators``."""
        return _stack({p: s.indicators for p, s in self.scores.items()})

    def scorecard(self) -> pd.DataFrame:
        """The Grid scorecard: one row an element, each period's score and band beside.

        Columns ``layer, element``, then ``score_<period>`` and ``band_<period>`` for every
        period, ``coverage``, ``low`` and ``high`` (the last period's coverage and bootstrap
        interval), ``change`` (last minus previous score), ``change_low`` and
        ``change_high`` (the interval of that difference, both periods resampled) and
        ``real`` (it excludes 0). Intervals are NaN, and ``real`` False, with
        ``bootstrap=0`` and for a baseline.
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
        last = layers.loc[layers["period"] == self.current, [*keys, "coverage", "low", "high"]]
        out = out.merge(last, on=keys, how="left")
        if self.previous is not None:
            out["change"] = out[f"score_{self.current}"] - out[f"score_{self.previous}"]
            ch = self.changes()
            ch = ch.loc[ch["section"] == "grid", ["metric", "low", "high", "real"]].rename(
                columns={"metric": "element", "low": "change_low", "high": "change_high"})
            out = out.merge(ch, on="element", how="left")
            out["real"] = out["real"].astype("boolean").fillna(False).astype(bool)
        else:
            out = out.assign(change=np.nan, change_low=np.nan, change_high=np.nan, real=False)
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
        mm = mm[isin(mm["member_id"], self.slices[period].members_active())]
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
                "low": lay["low"], "high": lay["high"], "unit": "points", "direction": 1}))
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
            - ``low``, ``high``: the 95% bootstrap interval of the *difference* (current -
              previous), both periods' events resampled
              (:func:`peernet.metrics.bootstrap_change`), for every Grid element score and
              headline network metric of two consecutive periods (NaN elsewhere, and with
              ``bootstrap=0``);
            - ``real`` (bool): the interval of the difference excludes 0, a change
              resampling the meetings does not produce by chance; ``tested`` (bool): the
              change has such an interval. A change not tested is never called real (nor
              noise): with ``bootstrap=0`` no change is real;
            - ``detectable``: the smallest change of the number the next period could call
              real, if it is as noisy as this one;
            - ``direction`` (+1 higher is better, -1 lower is better, 0 neither) and
              ``assessment`` (``better``, ``worse``, ``no change``, ``changed``, ``n/a``);
            - ``salience``: how much the change deserves a reader's attention (what
              :meth:`highlights` ranks by; see its Notes).
        """
        if len(self.periods) < 2 and (previous is None or current is None):
            why = self.meta.get("baseline")
            raise ValueError("changes() needs two periods; this evaluation of "
                             f"{list(self.periods)} is a baseline"
                             + (f" ({why})" if why else "")
                             + ": ev.baseline is True and it has nothing to compare")
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
        d = self.differences
        d = d[(d["previous_period"] == previous) & (d["current_period"] == current)]
        m = m.drop(columns=["low", "high"]).merge(
            d[["section", "metric", "low", "high", "real", "tested", "detectable"]],
            on=["section", "metric"], how="left")
        tested = m["tested"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
            & prev.notna().to_numpy() & cur.notna().to_numpy()
        real = m["real"].astype("boolean").fillna(False).to_numpy(dtype=bool) & tested
        direction = m["direction_b"].fillna(m["direction_a"]).fillna(0).astype("int64")
        unit = m["unit_b"].where(m["unit_b"].notna(), m["unit_a"]).fillna("")
        out = pd.DataFrame({
            "section": m["section"], "item": m["item"], "metric": m["metric"],
            "label": [change_label(s, i, k, _label(k), labels) for s, i, k in zip(
                m["section"], m["item"], m["metric"], strict=True)],
            "unit": unit, "previous_period": previous, "current_period": current,
            "previous": prev, "current": cur, "change": change, "change_rel": rel,
            "low": m["low"].astype("float64"), "high": m["high"].astype("float64"),
            "real": real, "tested": tested, "detectable": m["detectable"].astype("float64"),
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
        """The ``n`` changes most worth a reader's attention, as plain sentences (none for a
        baseline, :attr:`baseline`).

        Notes
        -----
        Each change gets a salience (column ``salience`` of :meth:`changes`), which does not
        depend on the bootstrap:

        - a Grid element score: its change in points / 10 (a 10-point move weighs 1);
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

        Uncertainty: a change that was tested (``tested``: its difference has a bootstrap
        interval) and is not ``real`` is noise and is never a highlight; a real one says so,
        with the interval of the change. Changes that cannot be tested (counts of members,
        survey and checklist figures) are ranked as they are. The bootstrap therefore only
        removes findings, never reorders them: with ``bootstrap=0`` nothing is tested, no
        change is called real, and the Grid and network sentences end "(no interval)".
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of highlights; got {n!r}")
        if self.baseline:
            return []
        return highlights(self.changes(), self.layers, indicator_labels(self.scores), n)

    def summary(self) -> str:
        """A paragraph an evaluator could paste: the period, the Grid, the highlights."""
        lines = [f"{self.net.name}: evaluation of {self.current}"
                 + (f" against {self.previous}." if self.previous else
                    f", the baseline ({self.meta.get('baseline') or 'one period'}).")]
        lines.append(self.scores[self.current].summary())
        if self.previous is not None:
            lines += [f"- {h}" for h in self.highlights()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Evaluation {self.net.name!r} periods={list(self.periods)} "
                f"members={len(self.net.members)}>")

    def _repr_html_(self) -> str:
        """The report's first page in a notebook: the verdict, the findings with their
        evidence and certainty, and the recommended actions (all escaped; registered by
        :mod:`peernet.report.first_page` as :data:`FIRST_PAGE`), else the highlights."""
        if FIRST_PAGE is not None:
            return FIRST_PAGE(self)
        items = "".join(f"<li>{html.escape(h)}</li>" for h in
                        (self.highlights() if self.previous else []))
        return (f"<b>Evaluation of {html.escape(self.net.name)}</b>: periods "
                f"{html.escape(', '.join(self.periods))}<ul>{items}</ul>")


@collecting_new   # the heap before it is left out of its garbage collections
def evaluate(net: PeerNetwork, *, periods: Sequence[PeriodLike] | None = None,
             rubric: str | Path | None = None, bootstrap: int = 200,
             grid_bootstrap: int | None = None, seed: int = 0,
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
        years with data). One period (``["2025"]``, the CLI's ``--compare none``) gives a
        baseline: that period's numbers with no comparison (:attr:`Evaluation.baseline`).
        Leading periods without interactions, or that the data cover too little of to
        compare with, are dropped (a network's first year has nothing before it): what is
        left of one period is a baseline too, and ``meta["baseline"]`` says why.
    rubric : str or Path, optional
        Your own rubric file for :func:`peernet.score` (default: the shipped rubric).
    bootstrap : int, default 200
        Resamples of each period's events for the percentile intervals of every Grid
        element score and headline network metric
        (:data:`~peernet.evaluation_steps.BOOTSTRAP_METRICS`, sector E-I included), and of
        their change between consecutive periods, both periods resampled
        (:func:`peernet.metrics.bootstrap_change`): :meth:`Evaluation.changes` calls a
        change ``real`` only when the interval of the difference excludes 0. 0 skips them:
        no change is then called real (``tested`` is False everywhere) and the highlights
        say "no interval". About a second for 200 on the 150-member sample.
    grid_bootstrap : int, optional
        Resamples for the Grid's element scores (each rescores every indicator: 0.5 s a
        resample and period on the sample); default ``min(bootstrap, 50)`` (``GRID_BOOTSTRAP``),
        0 none. ``scores[p].intervals`` holds them (shown by the GridScore in Jupyter).
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
        A period label that cannot be read, periods out of order or repeated, or an
        evaluated period (or one between two with data) in which nothing happened.

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
    say = step_messages(progress)   # each after the memory freed before is handed back
    windows = check_periods(root, periods, start_month)
    labels = [w.label for w in windows]
    slices = {w.label: root.period(w) for w in windows}
    labels, baseline = baseline_periods(root, slices, labels)
    slices = {p: slices[p] for p in labels}

    intervals, grid_bootstrap = intervals_of(slices, bootstrap, grid_bootstrap, seed, rubric,
                                             say)
    # participation on the other core while the first period is scored
    turnout = start_participation(root, slices)
    scores, nms, pending, done = {}, {}, {}, {}
    for p, s in slices.items():
        say(N_("scoring {period} on the Community Change Grid").format(period=p))
        scores[p] = grid_score(s, rubric=rubric)
        intervals.start(p)   # the replicates share the Grid's context: from now, elsewhere
        if not bootstrap:
            forget(s, SLICE_CONTEXT)
        say(N_("network and member metrics of {period}").format(period=p))
        # this period's metrics on the other core meanwhile (see start_metrics)
        pending[p] = start_metrics(s, bootstrap, last=p == labels[-1])
        if pending[p].pid is None and p != labels[-1]:   # before its graph arrays go
            nms[p] = network_metrics(s)
        done[p] = after_fork(root, s, p, seed, pending[p], turnout, last=p == labels[-1])
        if p == labels[-1]:
            nms[p] = network_metrics(s)
    for job in pending.values():   # not forked: now
        if job.pid is None:
            job.result()
    tables = {p: done[p] or period_tables(s, p, seed) for p, s in slices.items()}
    followup = [tables[p]["followup"] for p in slices]
    say(N_("mixing against chance"))
    mixing = mixing_table(slices, seed, tables)
    say(N_("participation and retention"))
    annual, not_applicable, detail, step = participation_here(root, slices, turnout, bootstrap)
    ties = tie_changes(slices)
    groups = pd.concat([tables[p]["groups"] for p in slices], ignore_index=True)
    mms = []
    for p, job in pending.items():   # computed meanwhile, or here now
        nm, mm = job.result()
        nms[p] = nms[p] if nm is None else nm
        mms.append(mm.assign(period=p)[["period", *mm.columns]])
    iv, diffs = intervals.result(nms)
    release_finished(root, slices, acts=True)   # the report draws from other slices
    network = pd.concat([network_rows(p, nms[p]) for p in slices], ignore_index=True).merge(
        iv.loc[iv["section"] == "network", ["period", "metric", "low", "high"]],
        on=["period", "metric"], how="left")
    meta = evaluation_meta(root, slices, scores[labels[-1]], rubric, baseline=baseline,
                           not_applicable=not_applicable, bootstrap=bootstrap,
                           grid_bootstrap=grid_bootstrap, seed=seed, start_month=start_month,
                           inputs=inputs, participation_by=step)
    return Evaluation(net=root, periods=tuple(labels), slices=slices,
                      scores=scores_with_intervals(scores, iv), network=network,
                      annual=annual, participation=detail, groups=groups, ties=ties, meta=meta,
                      members=pd.concat(mms, ignore_index=True), intervals=iv, mixing=mixing,
                      followup=pd.concat(followup, ignore_index=True), differences=diffs)


# ---------------------------------------------------------------------- helpers
def _stack(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [df.assign(period=p)[["period", *[c for c in df.columns if c != "period"]]]
             for p, df in frames.items() if len(df)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_)
