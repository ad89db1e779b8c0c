"""Score a network on the Community Change Grid (Backer & Kern 2010).

:func:`score` computes every indicator of the rubric from the network's tables, maps each
raw value to 0-100 with the rubric's thresholds, and combines them into one score per Grid
element: the weighted mean of the indicators that had data. ``coverage`` is the weight
share that had data; an element under the rubric's ``min_coverage`` is reported as
*insufficient data* (score NaN, with the reason), never as a low score.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._memory import release, trim
from ..network import PeerNetwork
from ..positions import release_codes
from ..report import i18n
from ..report.format import percent
from ..report.i18n import current_language, translate
from .checklist import checklist_table
from .context import slice_context
from .indicators import Context, Value
from .rubric import ELEMENT_LAYER, ELEMENTS, Rubric, load_rubric

__all__ = ["score", "GridScore", "LAYER_COLUMNS", "INDICATOR_COLUMNS", "INSUFFICIENT"]

#: Indicators :func:`score` computes before the others, in this order (the table keeps the
#: rubric's order; each is computed once): connectedness builds the period's person graph
#: (its tie table with co-attendance and graph arrays), the score's largest transient (300k
#: members, 2024: 2.4 GB at its peak, 1.5 GB kept); built first, it does not come on top of
#: what the other indicators keep. Periphery to core (the core-periphery model of the
#: period's direct ties) and newcomer orientation (the period's direct acts) are the next
#: largest transients (100k, 2025: +0.33 and +0.36 GB), so they come next. Time to first
#: reply, new cross-organization ties and voice equality go before them all: they keep
#: little (nothing; the history's tie pairs; the attendance rows), and at 100k their
#: transients (+0.25, +0.13 and +0.2 GB) came on top of everything the others keep, each in
#: turn the Grid's peak.
FIRST = ("hours_to_first_reply", "new_cross_org_ties_per_member", "voice_equality",
         "connectedness", "periphery_to_core", "newcomer_orientation")
#: Band of an element whose coverage is under the rubric's minimum.
INSUFFICIENT = "insufficient data"
LAYER_COLUMNS = ["layer", "element", "score", "band", "coverage", "n_indicators",
                 "n_with_data", "has_data", "reason"]
INDICATOR_COLUMNS = ["layer", "element", "indicator", "value", "unit", "score", "band",
                     "weight", "has_data", "note", "direction", "thresholds", "anchor_scores",
                     "function", "rationale"]
_TITLES = {e: e.replace("_", " ") for e in ELEMENTS}

#: How a GridScore draws its chart in Jupyter (an inline ``<svg>``): registered by
#: :mod:`peernet.plot.charts` (the Grid's chart), as the Evaluation's first page is by the
#: report; the score does not import the plotting code.
CHART: Callable[[GridScore], str] | None = None
_RIGHT = "style='text-align:right;padding:0 .6em'"


def _indicator(name: Any) -> str:
    """An indicator in a sentence: its key in English (``problems_with_outcome``), its name
    in other languages (``Problemas con resultado``)."""
    if current_language() == "en":
        return str(name)
    return str(translate(str(name).replace("_", " ").capitalize(), record=False))


def _title(element: str) -> str:
    """An element's name in a sentence (``community change``), in the report's language."""
    if current_language() == "en":
        return _TITLES[element]
    out = translate(_TITLES[element].capitalize())
    return out[:1].lower() + out[1:]


@dataclass(frozen=True, repr=False, eq=False)
class GridScore:
    """A network's scores on the Community Change Grid for one period.

    Attributes
    ----------
    layers : DataFrame
        One row an element, bottom layer first: ``layer``, ``element``, ``score`` (0-100,
        NaN when insufficient data), ``band`` (emerging / developing / strong /
        insufficient data), ``coverage`` (weight share of its indicators with data),
        ``n_indicators``, ``n_with_data``, ``has_data``, ``reason``.
    indicators : DataFrame
        One row an indicator: ``layer``, ``element``, ``indicator``, ``value`` (raw),
        ``unit``, ``score`` (0-100), ``band`` (or ``no data``), ``weight``, ``has_data``,
        ``note``, ``direction``, ``thresholds`` and ``anchor_scores`` (tuples: the mapping
        used), ``function``, ``rationale``.
    checklist : DataFrame
        The 10 good practices and 10 challenges: rating (0-3) and data evidence
        (:func:`peernet.grid.checklist.checklist_table`).
    coverage : float
        Weight share of all indicators (every element) that had data.
    rubric_version : str
    period : str
        The period label (``"2025"``, or ``"all"`` for an unsliced network).
    name : str
        The network's name.
    min_coverage : float
        The rubric's minimum coverage.
    rubric_source : str
        Which rubric file was used.
    intervals : DataFrame or None
        ``element, low, high``: the bootstrap interval of each element score, set by
        :func:`peernet.evaluate` (``bootstrap`` > 0; NaN where not resampled); None for a
        score computed alone (:func:`score`).
    """

    layers: pd.DataFrame
    indicators: pd.DataFrame
    checklist: pd.DataFrame
    coverage: float
    rubric_version: str
    period: str
    name: str
    min_coverage: float
    rubric_source: str = "default"
    intervals: pd.DataFrame | None = None

    # ---------------------------------------------------------------- views
    def element(self, element: str) -> pd.Series:
        """The ``layers`` row of one element."""
        rows = self.layers[self.layers["element"] == element]
        if len(rows) == 0:
            raise ValueError(f"element must be one of {list(ELEMENTS)}; got {element!r}")
        return rows.iloc[0]

    def layer_scores(self) -> pd.DataFrame:
        """One row a layer: ``layer``, ``score`` (mean of its scored elements),
        ``n_elements``, ``n_scored``."""
        g = self.layers.groupby("layer", sort=False)
        out = pd.DataFrame({"score": g["score"].mean(), "n_elements": g.size(),
                            "n_scored": g["has_data"].sum()}).reset_index()
        return out

    def compare(self, previous: GridScore) -> pd.DataFrame:
        """Element scores beside those of an earlier GridScore.

        Returns one row an element: ``layer``, ``element``, ``score_previous``, ``score``,
        ``change`` (points; NaN when either side has insufficient data),
        ``band_previous``, ``band``, ``coverage_previous``, ``coverage``.

        Examples
        --------
        >>> net = pn.load_sample("riverbend")
        >>> c = pn.score(net.period("2025")).compare(pn.score(net.period("2023")))
        >>> bool(c.set_index("element").at["problem_solving", "change"] > 0)
        True
        """
        if not isinstance(previous, GridScore):
            raise TypeError(f"compare: previous must be a GridScore; got "
                            f"{type(previous).__name__}")
        cols = ["element", "score", "band", "coverage"]
        out = self.layers[["layer", *cols]].merge(
            previous.layers[cols], on="element", how="left", suffixes=("", "_previous"))
        out["change"] = out["score"] - out["score_previous"]
        return out[["layer", "element", "score_previous", "score", "change", "band_previous",
                    "band", "coverage_previous", "coverage"]]

    def to_frame(self) -> pd.DataFrame:
        """Indicators with their element's score beside them, tidy and flat for export.

        Columns: ``period``, ``layer``, ``element``, ``element_score``, ``element_band``,
        ``element_coverage``, then the indicator columns (thresholds written as text).
        """
        el = self.layers[["element", "score", "band", "coverage"]].rename(columns={
            "score": "element_score", "band": "element_band", "coverage": "element_coverage"})
        ind = self.indicators.copy()
        for col in ("thresholds", "anchor_scores"):
            ind[col] = ind[col].map(lambda t: " / ".join(f"{x:g}" for x in t))
        out = ind.merge(el, on="element", how="left")
        out.insert(0, "period", self.period)
        front = ["period", "layer", "element", "element_score", "element_band",
                 "element_coverage"]
        rest = [c for c in out.columns if c not in front]
        return out[front + rest].astype({"period": "str"})

    def summary(self) -> str:
        """A few sentences an evaluator could paste into a report."""
        lay = self.layers
        scored = lay[lay["has_data"]]
        head = i18n._("{name} ({period}) on the Community Change Grid, rubric {version}: {n} of "
                 "{total} elements scored, {coverage} of indicator weight backed by data.").format(
            name=self.name, period=self.period, version=self.rubric_version, n=len(scored),
            total=len(lay), coverage=percent(self.coverage))
        parts = [head]
        if len(scored):
            best = scored.sort_values(["score", "element"], ascending=[False, True]).iloc[0]
            worst = scored.sort_values(["score", "element"]).iloc[0]
            parts.append(i18n._("Strongest element: {best} ({best_score}, {best_band}); weakest: "
                           "{worst} ({worst_score}, {worst_band}).").format(
                best=_title(best["element"]), best_score=f"{best['score']:.0f}",
                best_band=translate(best["band"]), worst=_title(worst["element"]),
                worst_score=f"{worst['score']:.0f}", worst_band=translate(worst["band"])))
            emerging = scored.loc[scored["band"] == "emerging", "element"].tolist()
            if emerging:
                parts.append(i18n._("Emerging: {elements}.").format(
                    elements=", ".join(_title(e) for e in emerging)))
        missing = lay[~lay["has_data"]]
        if len(missing):
            parts.append(i18n._("Insufficient data for {elements}.").format(elements=", ".join(
                i18n._("{element} ({coverage} coverage)").format(element=_title(e),
                                                            coverage=percent(c))
                for e, c in zip(missing["element"], missing["coverage"], strict=True))))
        no_data = self.indicators[~self.indicators["has_data"] & (self.indicators["weight"] > 0)]
        if len(no_data):
            listed = [f"{_indicator(r.indicator)} ({translate(r.note)})"
                      for r in no_data.head(6).itertuples()]
            more = len(no_data) - len(listed)
            text = "; ".join(listed)
            parts.append(i18n._("Missing data: {listed}; and {more} more.").format(
                listed=text, more=more) if more > 0 else
                i18n._("Missing data: {listed}.").format(listed=text))
        return " ".join(parts)

    def __repr__(self) -> str:
        scored = int(self.layers["has_data"].sum())
        return (f"<GridScore {self.name!r} period={self.period} rubric={self.rubric_version} "
                f"elements scored={scored}/{len(self.layers)} coverage={self.coverage:.2f}>")

    def _repr_html_(self) -> str:
        """In Jupyter: the Grid's chart (inline SVG, :data:`CHART`) and a table of the
        elements with their score, band, coverage and interval (all escaped)."""
        esc = html.escape
        iv = (self.intervals.set_index("element") if self.intervals is not None
              and len(self.intervals) else None)
        rows = []
        for r in self.layers.itertuples():
            s = "" if math.isnan(r.score) else f"{r.score:.0f}"
            interval = "–"
            if iv is not None and r.element in iv.index:
                lo, hi = iv.at[r.element, "low"], iv.at[r.element, "high"]
                if pd.notna(lo) and pd.notna(hi):
                    interval = f"{lo:.0f}–{hi:.0f}"
            rows.append(f"<tr><td>{esc(_TITLES.get(r.element, str(r.element)).capitalize())}"
                        f"</td><td>{esc(str(r.layer).replace('_', ' '))}</td>"
                        f"<td {_RIGHT}>{esc(s)}</td><td {_RIGHT}>{esc(interval)}</td>"
                        f"<td>{esc(str(r.band))}</td><td {_RIGHT}>{r.coverage:.0%}</td>"
                        f"<td>{esc(str(r.reason))}</td></tr>")
        note = ("" if iv is not None else "<br><small>No intervals: scored without a "
                "bootstrap; <code>pn.evaluate(net, bootstrap=200)</code> gives each "
                "element's.</small>")
        chart = CHART(self) if CHART is not None else ""
        return (f"<div class='peernet-grid'><b>Community Change Grid: {esc(self.name)}, "
                f"{esc(self.period)}</b> (rubric {esc(self.rubric_version)}, coverage "
                f"{self.coverage:.0%}){note}<div style='max-width:480px'>{chart}</div>"
                f"<table><tr><th>element</th><th>layer</th><th>score</th>"
                f"<th>interval (95%)</th><th>band</th><th>coverage</th><th>reason</th></tr>"
                f"{''.join(rows)}</table><p>{esc(self.summary())}</p></div>")


def score(net: PeerNetwork, *, rubric: str | Path | Mapping[str, Any] | Rubric | None = None,
          previous: PeerNetwork | None | bool = None) -> GridScore:
    """Score a network (usually one period of it) on the Community Change Grid.

    Parameters
    ----------
    net : PeerNetwork
        The network, usually a slice: ``net.period("2025")``.
    rubric : str, Path, dict, Rubric or None
        A rubric TOML file, a dict of overrides merged into the default rubric, a
        :class:`~peernet.grid.Rubric`, or None for the default (``rubric.toml``, version
        ``2026.2``).
    previous : PeerNetwork, False or None
        The period to compare with for change indicators (retention, tie persistence,
        periphery to core). None takes ``net.previous()`` for a slice and nothing for a
        whole network; False turns them off (no data).

    Returns
    -------
    GridScore
        ``.layers`` (one row an element), ``.indicators`` (one row an indicator),
        ``.checklist``, ``.coverage``, ``.summary()``, ``.to_frame()``.

    Raises
    ------
    RubricError
        The rubric file or overrides are malformed (the message names file, entry, key).

    Notes
    -----
    Indicator score: the raw value mapped piecewise-linearly through the rubric's anchor
    points (flat outside them). Element score: :math:`\\sum_i w_i s_i / \\sum_i w_i` over
    indicators with data; coverage :math:`\\sum_{i \\in data} w_i / \\sum_i w_i`. Bands:
    under 40 emerging, 40 to under 70 developing, 70 and over strong (rubric ``[bands]``).
    An element with coverage under ``min_coverage`` (default 0.5) has no score and the
    band ``insufficient data``.

    References
    ----------
    Backer, T. E. and Kern, J. P. (2010). Peer networking and place-based initiatives.
    The California Endowment (the Community Change Grid).

    Examples
    --------
    >>> g = pn.score(pn.load_sample("davis").period("1936"))
    >>> g.layers.set_index("element").loc[["trust", "time", "space"], "band"].tolist()
    ['insufficient data', 'insufficient data', 'developing']
    """
    r = load_rubric(rubric)
    ctx = slice_context(net) if previous is None else Context(net, previous)
    for first in FIRST:   # the largest transients first, while little else is held
        for spec in r.indicators:
            if spec.function == first:
                ctx.compute(spec.function, spec.params)
                release()   # Arrow's pool too (time to first reply's thread rows)
    rows = []
    for spec in r.indicators:
        result = ctx.compute(spec.function, spec.params)
        trim()   # the arrays an indicator freed, before the next one's come on top
        if isinstance(result, Value):
            parts = [(spec.name, result)]
        else:
            parts = list(result) or [(spec.name, Value(float("nan"), "nothing to measure"))]
        w = spec.weight / len(parts)
        for name, v in parts:
            value = float(v.value)
            has = not math.isnan(value)
            s = spec.score(value) if has else float("nan")
            rows.append({"layer": spec.layer, "element": spec.element, "indicator": name,
                         "value": value, "unit": spec.unit, "score": s,
                         "band": r.band(s), "weight": w, "has_data": has, "note": v.note,
                         "direction": spec.direction, "thresholds": spec.thresholds,
                         "anchor_scores": spec.scores, "function": spec.function,
                         "rationale": spec.rationale})
    for c in (ctx, ctx.__dict__.get("previous")):   # the ids' encodings the ties and the
        if c is not None:                              # codes read: not held past the Grid
            release_codes(c.net)
    ind = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    ind = ind.astype({"layer": "str", "element": "str", "indicator": "str", "value": "float64",
                      "unit": "str", "score": "float64", "band": "str", "weight": "float64",
                      "has_data": "bool", "note": "str", "direction": "str",
                      "function": "str", "rationale": "str"})
    layers = _elements(ind, r)
    total = ind["weight"].sum()
    coverage = float(ind.loc[ind["has_data"], "weight"].sum() / total) if total > 0 else 0.0
    return GridScore(layers=layers, indicators=ind, checklist=checklist_table(ctx, r),
                     coverage=coverage, rubric_version=r.version, period=net.label,
                     name=net.name, min_coverage=r.min_coverage, rubric_source=r.source)


def _elements(ind: pd.DataFrame, r: Rubric) -> pd.DataFrame:
    w = ind["weight"].to_numpy()
    has = ind["has_data"].to_numpy()
    s = np.where(has, ind["score"].to_numpy(), 0.0)
    tmp = pd.DataFrame({"element": ind["element"].to_numpy(), "w": w, "wd": w * has,
                        "ws": w * has * s, "n": 1, "nd": has.astype(int)})
    agg = tmp.groupby("element").sum()
    rows = []
    for el in ELEMENTS:
        need = r.coverage_needed(el)
        if el in agg.index and agg.at[el, "w"] > 0:
            a = agg.loc[el]
            cov = float(a["wd"] / a["w"])
            n, nd = int(a["n"]), int(a["nd"])
        else:
            a, cov = None, 0.0
            n = int(agg.at[el, "n"]) if el in agg.index else 0
            nd = int(agg.at[el, "nd"]) if el in agg.index else 0
        missing = ind[(ind["element"] == el) & ~ind["has_data"] & (ind["weight"] > 0)]
        miss_text = "; ".join(f"{m.indicator}: {m.note}" for m in missing.itertuples())
        if a is None:
            score_, band = float("nan"), INSUFFICIENT
            reason = ("no indicators in the rubric" if n == 0
                      else "every indicator has weight 0")
        elif cov + 1e-12 < need or a["wd"] == 0:
            score_, band = float("nan"), INSUFFICIENT
            reason = (f"insufficient data: coverage {cov:.2f} is below the rubric minimum "
                      f"{need:.2f}; missing {miss_text}")
        else:
            score_ = float(a["ws"] / a["wd"])
            band = r.band(score_)
            reason = (f"{nd} of {n} indicators with data" +
                      (f"; missing {miss_text}" if miss_text else ""))
        rows.append({"layer": ELEMENT_LAYER[el], "element": el, "score": score_, "band": band,
                     "coverage": cov, "n_indicators": n, "n_with_data": nd,
                     "has_data": not math.isnan(score_), "reason": reason})
    out = pd.DataFrame(rows, columns=LAYER_COLUMNS)
    return out.astype({"layer": "str", "element": "str", "score": "float64", "band": "str",
                       "coverage": "float64", "n_indicators": "int64", "n_with_data": "int64",
                       "has_data": "bool", "reason": "str"})
