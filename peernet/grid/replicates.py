"""Grid element scores of event-resampled replicates: what ``pn.metrics.bootstrap(net,
"grid")`` and ``bootstrap_change`` resample. Registered with the bootstrap when this package is
imported, so :mod:`peernet.metrics.uncertainty` needs no import of the Grid."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .._cache import memo
from ..metrics.uncertainty import GRID, register_replicates, resample_events
from .context import Context, Value
from .rubric import load_rubric
from .score import ELEMENTS

__all__ = ["GridReplicates"]

#: Indicator functions that read only tables the resampling leaves as they are (surveys,
#: checklist, problem and action logs, outcomes): their replicate value is the observed one.
FIXED_INDICATORS = frozenset({
    "survey_trust", "survey_value", "survey_response_rate", "survey_learning",
    "checklist_rating", "problems_per_quarter", "share_solved", "median_days_to_solve",
    "problems_with_outcome", "actions_closed_on_time",
    "outcome_progress", "data_kept"})



class GridReplicates:
    """Element scores of event-resampled replicates of one slice.

    The indicators are those of ``pn.score`` with the same rubric; on a replicate only the
    indicators that read the interaction log or the events are recomputed (the others read
    tables the resampling leaves unchanged, so their value is the observed one), and the
    element scores are the rubric's weighted means as arrays. Both shortcuts are tested
    equal to ``pn.score`` of the replicate. The previous period is not resampled.
    """

    def __init__(self, net: Any, rubric: Any = None):
        self.net = net
        self.rubric = r = load_rubric(rubric)
        self.ctx = Context(net)
        self.specs = list(r.indicators)
        self.elements = [str(e) for e in ELEMENTS]
        pos = {e: i for i, e in enumerate(self.elements)}
        values = self._values(self.ctx)
        self.elem = np.array([pos[e] for e, _, _ in values], np.int64)
        self.weight = np.array([w for _, w, _ in values], float)
        k = len(self.elements)
        self.total = np.bincount(self.elem, weights=self.weight, minlength=k)
        self.need = np.array([r.coverage_needed(e) for e in self.elements], float)
        self.value = pd.Series(self._scores(np.array([v for _, _, v in values], float)),
                               index=pd.Index(self.elements))

    def _values(self, ctx: Any) -> list[tuple[str, float, float]]:
        """(element, weight, score) of every indicator row, in the order of pn.score."""
        out = []
        for spec in self.specs:
            result = ctx.compute(spec.function, spec.params)
            parts = [result] if isinstance(result, Value) else \
                ([v for _, v in result] or [Value(float("nan"))])
            for v in parts:
                x = float(v.value)
                out.append((spec.element, spec.weight / len(parts),
                            spec.score(x) if not math.isnan(x) else float("nan")))
        return out

    def _scores(self, score: np.ndarray) -> np.ndarray:
        """Element scores as ``pn.score`` computes them: the weighted mean over indicators
        with data, NaN below the element's minimum coverage."""
        k = len(self.elements)
        has = ~np.isnan(score)
        wd = np.bincount(self.elem, weights=self.weight * has, minlength=k)
        ws = np.bincount(self.elem, weights=self.weight * np.where(has, score, 0.0),
                         minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = np.where(self.total > 0, wd / np.where(self.total > 0, self.total, 1), 0.0)
            out = ws / wd
        ok = (self.total > 0) & (wd > 0) & (cov + 1e-12 >= self.need)
        return np.where(ok, out, np.nan)

    def replicate(self, rng: np.random.Generator) -> np.ndarray:
        ctx = Context(resample_events(self.net, rng))
        # the previous period is the same slice for every replicate: share its context
        ctx.__dict__["previous"] = self.ctx.previous
        mine, theirs = memo(self.ctx), memo(ctx)
        if mine is not None and theirs is not None:
            for key, v in mine.items():
                if isinstance(key, tuple) and key[:1] == ("indicator",) \
                        and key[1] in FIXED_INDICATORS:
                    theirs[key] = v
        return self._scores(np.array([v for _, _, v in self._values(ctx)], float))


register_replicates(GRID, GridReplicates)
