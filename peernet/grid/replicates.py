"""Grid element scores of event-resampled replicates: what ``pn.metrics.bootstrap(net,
"grid")`` and ``bootstrap_change`` resample. Registered with the bootstrap when this package is
imported, so :mod:`peernet.metrics.uncertainty` needs no import of the Grid.

A replicate differs from the data only in how many times each unit (an event with everything
that happened at it, a thread, a lone act) is drawn. Everything else is computed once per
slice (:class:`peernet.grid.fixed.Fixed`: member codes of every row, the tie pair of every
direct act, the attendance rows, the person graph's ties, the actors); a replicate is a
:class:`ReplicateContext` that reads those arrays through the draw counts, and the indicators
run on it unchanged: an indicator that counts rows counts them with their multiplicity
(:meth:`Context.count`), one that asks who or which ties reads the rows drawn at least once.
The events table of a replicate is small and is built as :func:`resample_events` builds it.
An indicator not known to read only these views is computed on the materialized replicate
(:func:`peernet.metrics.uncertainty.materialize`), so a new indicator is never wrong, only
slower. Tested equal, indicator by indicator, to ``pn.score`` of ``resample_events``.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._cache import cached
from ..metrics.uncertainty import (
    GRID,
    StructureReplicates,
    any_drawn,
    byte_draws,
    draw_units,
    materialize,
    register_replicates,
    unit_products,
)
from .context import Context, Value, channel_classes, code_orgs, slice_context
from .fixed import Fixed, row_arrays, row_matrix
from .rubric import load_rubric
from .score import ELEMENTS

__all__ = ["GridReplicates", "ReplicateContext"]

#: Indicator functions that read only tables the resampling leaves as they are (surveys,
#: checklist, problem and action logs, outcomes, the whole network's history, the window):
#: their replicate value is the observed one.
FIXED_INDICATORS = frozenset({
    "survey_trust", "survey_value", "survey_response_rate", "survey_learning",
    "checklist_rating", "problems_per_quarter", "share_solved", "median_days_to_solve",
    "problems_with_outcome", "actions_closed_on_time",
    "outcome_progress", "data_kept", "network_age", "newcomer_orientation"})

#: Indicator functions that read a slice only through the context's views that a
#: :class:`ReplicateContext` provides (tested equal on the materialized replicates).
REPLICABLE = frozenset({
    "reciprocity", "tie_persistence", "voice_equality", "months_with_meeting",
    "meeting_gap_cv", "retention", "median_tenure", "next_date_set", "months_with_data",
    "evaluations_per_year", "channel_balance", "monthly_reach", "connectedness",
    "hours_to_first_reply", "language_access", "events_per_quarter", "share_attending",
    "subgroup_sessions_per_quarter", "cross_org_mixing", "cross_sector_mixing",
    "newcomer_mixing", "resource_exchanges_per_member", "share_orgs_contributing",
    "coordinator_activity", "resource_assessments_per_year", "help_across_orgs",
    "share_members_solving", "training_attendance_per_member", "share_trained",
    "new_cross_org_ties_per_member", "periphery_to_core", "share_members_hosting",
    "cross_org_ties"})

#: Indicator functions that read a replicate only through whether it has a thread's rows
#: (threads are found in the whole network's log, ``Context.threads``): with any, their value
#: is the observed one.
THREAD_INDICATORS = frozenset({"hours_to_first_reply"})

#: Rows from which :meth:`ReplicateContext._any` runs compiled (below, numpy's passes).
ANY_COMPILED = 50_000
#: Rows from which :meth:`ReplicateContext._any` reads the words of its headline batch
#: (:meth:`Fixed.batch_any`: one pass for 64 replicates), when it is in one.
BATCH_ANY = 10_000


def _drawn(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the rows drawn at least once and how many times."""
    rows = np.flatnonzero(times)
    return rows, times[rows]


class ReplicateContext(Context):
    """The context of one event-resampled replicate of a slice, read through the draw
    counts ``mult`` (unit ``u`` drawn ``mult[u]`` times) from the slice's fixed arrays."""

    mult: np.ndarray

    def __init__(self, parent: Context, fixed: Fixed, mult: np.ndarray):
        super().__init__(fixed.shell, previous=False)
        self.parent, self.fixed, self.mult = parent, fixed, mult
        d = self.__dict__
        for name in ("bounds", "days", "years", "quarters", "months", "kinds_logged",
                     "roster", "org_code", "joined_ns", "current", "current_mask",
                     "member_languages", "survey_network", "previous"):
            d[name] = getattr(parent, name)

    # -- events: the slice's once each, with their multiplicity (peernet.grid.events) ----
    @property
    def events(self) -> pd.DataFrame:
        return self.fixed.events["table"]

    @cached_property
    def event_weight(self) -> np.ndarray:  # type: ignore[override]
        unit = self.fixed.events["unit"]
        return np.where(unit >= 0, self.mult[np.maximum(unit, 0)], 1)

    @cached_property
    def meetings(self) -> pd.DataFrame:
        e = self.fixed.events
        if "meetings" not in e:
            e["meetings"] = Context.meetings.func(self)  # type: ignore[attr-defined]
        return e["meetings"]

    def meeting_values(self, key: Any, build: Any) -> tuple[np.ndarray, ...]:
        """:func:`peernet.grid.events.over_meetings` of the slice's meetings (once)."""
        memo = self.fixed.events.setdefault("over_meetings", {})
        if key not in memo:
            memo[key] = build(self.meetings)
        return memo[key]

    def event_months(self) -> np.ndarray:
        """The month of the start of each of the slice's events (once)."""
        e = self.fixed.events
        if "months" not in e:
            e["months"] = self.month_index(e["table"]["start"])
        return e["months"]

    @property
    def inter(self) -> pd.DataFrame:
        raise AttributeError("a replicate context has no interaction table: read the "
                             "per-row arrays (src, tgt, kind_in, ...)")

    def compute(self, function: str, params: Any = None) -> Value | list[tuple[str, Value]]:
        if function in FIXED_INDICATORS or (function in THREAD_INDICATORS
                                            and self.has_thread_rows):
            return self.parent.compute(function, params)
        if function in REPLICABLE:
            return super().compute(function, params)
        return self.materialized.compute(function, params)

    @cached_property
    def materialized(self) -> Context:
        """The context of the replicate built as a network (for indicators that read it)."""
        ctx = Context(materialize(self.parent.net, self.mult), previous=False)
        ctx.__dict__["previous"] = self.parent.previous
        return ctx

    @cached_property
    def _small(self) -> np.ndarray | None:
        """The draw counts as bytes, which the row counts' compiled products read
        (:func:`peernet.metrics.uncertainty.byte_draws`); None: the products are scipy's,
        of ``mult``."""
        return byte_draws(self.mult)

    @cached_property
    def _drawn(self) -> np.ndarray:
        """1 (a uint64 word) for each unit drawn at least once, else 0."""
        return (self.mult > 0).astype(np.uint64)

    def _any(self, target: np.ndarray, unit: np.ndarray, size: int) -> np.ndarray:
        """Boolean over ``size``: True at ``target[i]`` when ``unit[i]`` was drawn (one
        compiled pass over large inputs, :func:`peernet.metrics.uncertainty.any_drawn`)."""
        if len(target) >= BATCH_ANY:
            out = self.fixed.batch_any(target, unit, size, self.mult)
            if out is not None:
                return out
        if len(target) < ANY_COMPILED:
            out = np.zeros(size, bool)
            out[target[self.mult[unit] > 0]] = True
            return out
        return any_drawn(target, unit, self._drawn, size)

    # -- per-row arrays: the rows drawn at least once --------------------------------
    @cached_property
    def _drawn_rows(self) -> tuple[np.ndarray, np.ndarray]:
        return _drawn(self.mult[self.fixed.codes])

    @cached_property
    def rows(self) -> np.ndarray:
        """The slice's rows drawn at least once (built when an indicator reads a per-row
        array: those of the default rubric count rows by :func:`peernet.grid.rows.
        row_counts` instead, at their units)."""
        return self._drawn_rows[0]

    @cached_property
    def row_weight(self) -> np.ndarray:  # type: ignore[override]
        return self._drawn_rows[1]

    @cached_property
    def src(self) -> np.ndarray:
        return self.parent.src[self.rows]

    @cached_property
    def tgt(self) -> np.ndarray:
        return self.parent.tgt[self.rows]

    @cached_property
    def ts_ns(self) -> np.ndarray:
        return self.parent.ts_ns[self.rows]

    @cached_property
    def inter_month(self) -> np.ndarray:
        return self.parent.inter_month[self.rows]

    @cached_property
    def direct_mask(self) -> np.ndarray:
        return self.parent.direct_mask[self.rows]

    def kind_in(self, kinds: tuple[str, ...]) -> np.ndarray:
        return self.parent.kind_in(kinds)[self.rows]

    @cached_property
    def has_thread_rows(self) -> bool:
        f = self.fixed
        units = f.thread_units   # any drawn: for a batch's replicate, from its words' OR
        hit = f.batch_rows("threads", lambda: [(np.zeros(len(units), np.int64), units)], 1,
                           self.mult)
        return bool(self.mult[units].any() if hit is None else hit[0])

    @cached_property
    def channel_class(self) -> np.ndarray:
        return channel_classes(self.parent, len(self._attend_rows[0]) > 0)[self.rows]

    def threads(self) -> pd.DataFrame:
        return self.parent.threads()

    # -- who and which ties ----------------------------------------------------------
    @cached_property
    def _acted(self) -> np.ndarray:
        f = self.fixed
        n = len(f.active_code)         # position n: no active person
        out = f.batch_rows("acted", f.actors, n + 1, self.mult)
        if out is None:
            out = np.zeros(n + 1, bool)
            for target, unit in f.acts:
                out |= self._any(target, unit, n + 1)
        out = out[:n]
        out[f.act_fixed] = True
        return out

    @cached_property
    def active(self) -> pd.Index:
        return self.parent.active[self._acted]

    @cached_property
    def active_mask(self) -> np.ndarray:
        out = np.zeros(self.n, bool)
        code = self.fixed.active_code[self._acted]
        out[code[code >= 0]] = True
        return out

    @cached_property
    def _pair_hit(self) -> np.ndarray:
        f = self.fixed
        out = f.batch_rows("pairs", lambda: [f.pair_rows()], len(f.pk), self.mult)
        return out if out is not None else self._any(*f.pk_rows, len(f.pk))

    def tied_members(self) -> np.ndarray:
        """:meth:`Context.tied_members`, for a replicate of a batch from the batch's words
        (:meth:`Fixed.tied_words`)."""
        def build() -> np.ndarray | None:
            f = self.fixed
            hit = f.batch_rows("tied", lambda: f.tied_words(self.mult), self.n, self.mult)
            return None if hit is None else np.flatnonzero(hit)

        got = cached(self, ("grid", "tied from the batch"), build)
        return super().tied_members() if got is None else got

    @cached_property
    def _pair_at(self) -> np.ndarray:
        """Positions of the pairs drawn among the slice's (a boolean index of a random
        mask is several times slower than taking these positions)."""
        return np.flatnonzero(self._pair_hit)

    @cached_property
    def pair_keys(self) -> np.ndarray:
        return self.fixed.pk[self._pair_at]

    def pairs_in(self, keys: np.ndarray) -> np.ndarray:
        """:meth:`Context.pairs_in`, from which of the slice's pairs are among ``keys``
        (once for the slice and its replicates, keyed by the array ``keys``)."""
        return self.parent.pairs_in(keys)[self._pair_at]

    def _slice_pairs(self, key: Any, build: Any) -> tuple[np.ndarray, ...]:
        """``build`` of every pair of the slice (:attr:`Fixed.pk`, its context's
        ``pair_keys``), as the slice's context keeps it (pn.score built it there)."""
        return cached(self.parent, ("grid", "over_pairs", key),
                      lambda: build(self.parent.pair_keys))

    def pairs_of(self, key: Any, build: Any) -> tuple[np.ndarray, ...]:
        """:func:`peernet.grid.pairs.over_pairs` of this replicate: ``build`` of every pair
        of the slice (once) read at the pairs it drew."""
        return cached(self, ("grid", "over_pairs", key), lambda: tuple(
            a[self._pair_at] for a in self._slice_pairs(key, build)))

    @cached_property
    def _attend_rows(self) -> tuple[np.ndarray, np.ndarray]:
        return _drawn(self.mult[self.fixed.att_unit])

    def pair_counts(self, key: Any, build: Any) -> tuple[int, ...]:
        """:func:`peernet.grid.pairs.pair_counts` of this replicate: the marks of ``build``
        over every pair of the slice (once), counted among the pairs drawn."""
        return tuple(int(np.count_nonzero(a & self._pair_hit))
                     for a in self._slice_pairs(key, build))

    @cached_property
    def _attend_events(self) -> tuple[np.ndarray, np.ndarray]:
        size, unit = self.fixed.attend_events
        times = self.mult[unit].astype(np.int64)
        return np.where(times > 0, size, 0), times

    def attend_events(self) -> tuple[np.ndarray, np.ndarray]:
        """:func:`peernet.grid.events.attend_events` of this replicate: the slice's events'
        attendees if their unit is drawn, and its draws."""
        return self._attend_events

    @cached_property
    def attend(self) -> pd.DataFrame:
        return self.parent.attend.iloc[self._attend_rows[0]].reset_index(drop=True)

    @cached_property
    def attend_codes(self) -> tuple[np.ndarray, np.ndarray, pd.Series]:
        m, ev, ids = self.parent.attend_codes
        rows = self._attend_rows[0]
        return m[rows], ev[rows], ids

    def drawn_rows(self, key: Any, select: Any, size: int, counts: bool) -> np.ndarray:
        """:func:`peernet.grid.rows.row_counts` (``counts``) or ``row_any`` of this
        replicate: the rows ``select`` picks on the slice (once), read at their units
        (counts: the product of their :func:`row_matrix` with the draws; ``row_any`` of a
        replicate of a batch: the batch's words, :meth:`Fixed.batch_rows`)."""
        def rows() -> tuple[np.ndarray, np.ndarray]:
            mask, target = select(self.parent)
            at = np.flatnonzero(mask)   # int64 targets, as the compiled passes take them
            return np.asarray(target)[at].astype(np.int64, copy=False), self.fixed.codes[at]

        if counts:
            def matrix() -> Any:
                return row_matrix(*rows(), size, self.fixed.k)

            if self._small is None:
                m = cached(self.parent, ("grid", "rows matrix", key), matrix)
                return np.asarray(m @ self.mult, np.int64)
            at = cached(self.parent, ("grid", "rows arrays", key),
                        lambda: row_arrays(matrix()))
            return unit_products(*at, self._small)

        def every() -> list[tuple[np.ndarray, np.ndarray]]:
            mask, target = select(self.parent)
            if 2 * np.count_nonzero(mask) < len(mask):
                at = np.flatnonzero(mask)
                return [(np.asarray(target)[at], self.fixed.codes[at])]
            # most rows: each row at its unit, those not picked at target `size`
            return [(np.where(mask, target, size).astype(np.int64, copy=False),
                     self.fixed.codes)]

        out = self.fixed.batch_rows(("rows", key), every, size + 1, self.mult)
        if out is not None:   # the batch's words (the rows read once, not kept)
            return out[:size]
        return self._any(*cached(self.parent, ("grid", "rows unit", key), rows), size)

    def has_column(self, table: str, column: str) -> bool:
        return self.parent.has_column(table, column)

    def unresampled(self, key: str, build: Any) -> Any:
        return self.parent.unresampled(key, build)

    def over_active(self, key: str, build: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[self._acted] for a in self.parent.over_active(key, build))

    def codes(self, values: pd.Series) -> np.ndarray:
        """Member codes of ids, looked up in the slice's index of ids (built once)."""
        if isinstance(values.dtype, pd.CategoricalDtype):
            return super().codes(values)
        return self.fixed.ids.get_indexer(values.astype("str")).astype(np.int64)

    @property
    def attend_weight(self) -> np.ndarray:  # type: ignore[override]
        return self._attend_rows[1]

    @cached_property
    def attendee_mask(self) -> np.ndarray:
        return self._any(self.fixed.att_m, self.fixed.att_unit, self.n)

    def help_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        f = self.fixed
        times = self.mult[f.help_unit]
        drawn = np.flatnonzero(times)
        g = np.concatenate([f.help_fixed[0], f.help_codes[0][drawn]])
        r = np.concatenate([f.help_fixed[1], f.help_codes[1][drawn]])
        w = np.concatenate([np.ones(len(f.help_fixed[0]), np.int64), times[drawn]])
        return g, r, w

    def help_orgs(self) -> tuple[Any, ...]:
        """:meth:`Context.help_orgs` of every act of the slice (the orgs found once), with
        this replicate's multiplicities (0: not drawn)."""
        f = self.fixed

        def orgs() -> tuple[np.ndarray, ...]:
            g = np.concatenate([f.help_fixed[0], f.help_codes[0]])
            r = np.concatenate([f.help_fixed[1], f.help_codes[1]])
            return (*code_orgs(self, g, r), g, r)

        got = cached(f, ("grid", "help orgs"), orgs)
        return (*got, np.concatenate([np.ones(len(f.help_fixed[0]), np.int64),
                                      self.mult[f.help_unit]]))

    def reciprocity(self) -> float:
        return self.fixed.structure.reciprocity(self.mult)

    def largest_component(self) -> tuple[int, int]:
        return self.fixed.structure.largest_component(self.mult)

    def core_mask(self) -> np.ndarray:
        from ..metrics.coreperiphery import core_of_csr, drawn_csr

        g = self.fixed.direct
        if g["e_pair"] is not None:   # its ties are the slice's pairs: those drawn
            hit, of_entry = self._pair_hit, g["e_pair"]
        else:
            hit, of_entry = self._any(g["inv"], g["unit"], len(g["ties"])), g["e_tie"]
        keep = np.zeros(g["n"], bool)
        keep[g["active"][self._acted]] = True
        # the drawn ties' CSR over the acting people and their ends, renumbered
        indptr, indices = drawn_csr(hit, g["e_row"], g["e_col"], of_entry, keep)
        core = core_of_csr(len(indptr) - 1, indptr, indices)
        code = g["code"][keep][core]
        out = np.zeros(self.n, bool)
        out[code[code >= 0]] = True
        return out


class GridReplicates:
    """Element scores of event-resampled replicates of one slice.

    The indicators are those of ``pn.score`` with the same rubric; a replicate's indicators
    are computed on a :class:`ReplicateContext` (the slice's fixed arrays read through the
    replicate's draw counts; indicators of tables the resampling leaves unchanged keep
    their observed value), and the element scores are the rubric's weighted means as
    arrays. Both are tested equal to ``pn.score`` of the materialized replicate. The
    previous period is not resampled.
    """

    def __init__(self, net: Any, rubric: Any = None):
        self.net = net
        self.rubric = r = load_rubric(rubric)
        self.ctx = slice_context(net)      # pn.score's, when it scored this slice
        self.specs = list(r.indicators)
        self.elements = [str(e) for e in ELEMENTS]
        pos = {e: i for i, e in enumerate(self.elements)}
        values = self._values(self.ctx)
        # the rows of the indicators a replicate keeps at their observed value (those of
        # tables the resampling leaves as they are), made once
        self._observed = self._rows(self.ctx)
        self.elem = np.array([pos[e] for e, _, _ in values], np.int64)
        self.weight = np.array([w for _, w, _ in values], float)
        k = len(self.elements)
        self.total = np.bincount(self.elem, weights=self.weight, minlength=k)
        self.need = np.array([r.coverage_needed(e) for e in self.elements], float)
        self.value = pd.Series(self._scores(np.array([v for _, _, v in values], float)),
                               index=pd.Index(self.elements))

    @cached_property
    def fixed(self) -> Fixed:
        return Fixed(self.ctx)

    def _values(self, ctx: Any) -> list[tuple[str, float, float]]:
        """(element, weight, score) of every indicator row, in the order of pn.score (of a
        replicate: those of :data:`FIXED_INDICATORS` as on the slice, made once)."""
        known = getattr(self, "_observed", {}) if isinstance(ctx, ReplicateContext) else {}
        return [row for i, spec in enumerate(self.specs)
                for row in (known[i] if i in known else self._spec_rows(ctx, spec))]

    def _rows(self, ctx: Any) -> dict[int, list[tuple[str, float, float]]]:
        """:meth:`_spec_rows` of each indicator of :data:`FIXED_INDICATORS` on ``ctx``, by
        position: a replicate's are these (:meth:`ReplicateContext.compute` reads them on
        the slice)."""
        return {i: self._spec_rows(ctx, spec) for i, spec in enumerate(self.specs)
                if spec.function in FIXED_INDICATORS}

    @staticmethod
    def _spec_rows(ctx: Any, spec: Any) -> list[tuple[str, float, float]]:
        """(element, weight, score) of one indicator's rows on ``ctx``."""
        result = ctx.compute(spec.function, spec.params)
        parts = [result] if isinstance(result, Value) else \
            ([v for _, v in result] or [Value(float("nan"))])
        out = []
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

    def share_structure(self, structure: StructureReplicates) -> None:
        """Read reciprocity and the largest component of the replicates from ``structure``
        (the bootstrap's replicates of the network metrics of the same slice, which keeps
        those of its last batch: computed once for both)."""
        self.fixed.__dict__["structure"] = structure

    def context(self, mult: np.ndarray) -> ReplicateContext:
        """The context of the replicate whose unit ``u`` is drawn ``mult[u]`` times."""
        return ReplicateContext(self.ctx, self.fixed, mult)

    def replicate(self, rng: np.random.Generator) -> np.ndarray:
        if not len(self.net.interactions):   # nothing to resample (and no draw)
            return self.value.to_numpy(float)
        return self.scores(draw_units(self.fixed.k, rng))

    def scores(self, mult: np.ndarray) -> np.ndarray:
        """Element scores of the replicate with draw counts ``mult``."""
        return self._scores(np.array([v for _, _, v in self._values(self.context(mult))],
                                     float))


register_replicates(GRID, GridReplicates)
