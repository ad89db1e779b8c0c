"""Bootstrap intervals: is a year-over-year change real or noise?"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._parallel import both, can_fork
from ..network import PeerNetwork
from ..schema import MUTUAL_KINDS
from ..ties import MAX_EVENT_SIZE, event_pairs, person_ties, roster_attributes, with_columns
from . import _sparse as K
from ._resample import (  # noqa: F401 - materialize, resampled_events: for peernet.grid
    draw_units,
    materialize,
    resample_events,
    resampled_events,
    unit_codes,
)

__all__ = ["bootstrap", "bootstrap_change", "resample_events", "GRID", "CHANGE_COLUMNS"]

#: Natural range of the bounded network_metrics entries: shifted intervals are clipped to it.
_BOUNDS = {**dict.fromkeys(("density", "degree_centralization", "largest_component_share",
                            "avg_clustering", "transitivity", "efficiency", "reciprocity"),
                           (0.0, 1.0)),
           **dict.fromkeys(("ei_index_org", "ei_index_sector", "ei_index_region",
                            "assortativity_org"), (-1.0, 1.0)),
           "modularity": (-0.5, 1.0)}


#: Triangles of a slice's person graph listed once for the bootstrap (24 bytes each) up to
#: this many; above it each replicate lists its own.
MAX_LISTED_TRIANGLES = 10_000_000

#: ``metric="grid"``: the Community Change Grid's element scores (``pn.score(net).layers``).
GRID = "grid"
#: Columns of :func:`bootstrap_change`, in order.
CHANGE_COLUMNS = ("metric", "previous", "current", "change", "low", "high", "real",
                  "detectable", "previous_low", "previous_high", "current_low",
                  "current_high", "n", "seed")
#: Replicate builders for named metrics that live above this module (``"grid"``: the Grid
#: registers its element-score replicates when :mod:`peernet.grid` is imported), so the
#: bootstrap never imports the layers that use it.
_REPLICATORS: dict[str, Callable[[Any, Any], Any]] = {}


def register_replicates(name: str, build: Callable[[Any, Any], Any]) -> None:
    """Register ``build(net, rubric)`` for ``bootstrap(net, name)``: it returns an object with
    ``.value`` (a Series, the metric on the data) and ``.replicate(rng)`` (one array)."""
    _REPLICATORS[name] = build


def bootstrap(net: PeerNetwork, metric: Callable[[Any], Any] | str | Sequence[str], *, n: int = 200,
              seed: int = 0, ci: float = 0.95, correct_bias: bool = True,
              rubric: Any = None) -> pd.DataFrame:
    """Percentile bootstrap intervals of any metric, resampling events.

    Each replicate draws the slice's events with replacement (with everything that happened
    at them); messages in a thread move together as one unit, and acts belonging to neither
    are units on their own. The metric is recomputed on every replicate.

    Parameters
    ----------
    net : PeerNetwork
        A slice (``net.period("2025")``).
    metric : callable, str or list of str
        ``f(net) -> float`` or ``-> Series`` (one row per entry), the name(s) of
        :func:`peernet.network_metrics` entries (``"density"``, ``["density", "modularity"]``),
        or ``"grid"``: the Community Change Grid's element scores (one row an element,
        ``pn.score(net).layers``; indicators that read only the survey, checklist, problem
        or action logs keep their observed value, as those tables are not resampled).
    n : int, default 200
        Replicates.
    seed : int, default 0
    ci : float, default 0.95
        Coverage of the percentile interval.
    correct_bias : bool, default True
        Shift the interval by the bootstrap estimate of bias (median of the replicates
        minus the value), see Notes. False gives the raw percentile interval.
    rubric : optional
        The rubric of ``"grid"`` (as :func:`peernet.score` takes it).

    Returns
    -------
    DataFrame
        ``metric``, ``value`` (on the data), ``low``, ``high`` (percentiles
        (1-ci)/2 and (1+ci)/2 of the replicates, NaN replicates ignored, shifted by the
        bias and kept inside the natural range of bounded network_metrics entries, e.g.
        0-1 for density), ``n``, ``seed``. ``result.attrs["bias"]`` lists the shift of each
        metric.

    Notes
    -----
    Why the shift: a replicate holds on average only 63% of the distinct events (the others
    are drawn twice or more), so every tie-based number (density, reciprocity, ties) is
    systematically lower in the replicates than in the data. Raw percentiles would then sit
    below the observed value; shifting them by the median difference keeps the spread the
    replicates show (the noise) and centres it on the observed value (Efron & Tibshirani
    1993, ch. 10, bias-corrected estimate).

    To tell whether a change between two years is real, do not compare one year's value
    with the other's interval: use :func:`bootstrap_change`, which resamples both years and
    gives the interval of the difference. Density and reciprocity settle with a
    few dozen events; modularity and path lengths need more. Members are not resampled, so
    counts such as ``members`` have no interval (low = high).

    References
    ----------
    Efron, B. and Tibshirani, R. (1993). An Introduction to the Bootstrap. Snijders, T. A. B.
    and Borgatti, S. P. (1999). Non-parametric standard errors and tests for network
    statistics. Connections 22(2).

    Examples
    --------
    >>> y = pn.load_sample("riverbend").period("2025")
    >>> b = pn.metrics.bootstrap(y, "density", n=10)
    >>> b.columns.tolist()
    ['metric', 'value', 'low', 'high', 'n', 'seed']
    >>> bool(b["low"].iloc[0] <= b["high"].iloc[0])
    True
    """
    _check(n, ci)
    value, reps = _replicates(net, metric, n=n, rng=np.random.default_rng(seed),
                              rubric=rubric)
    low, high, bias = _interval(metric, value, reps, ci, correct_bias)
    out = pd.DataFrame({"metric": pd.array([str(x) for x in value.index], dtype="str"),
                        "value": value.to_numpy(float), "low": low, "high": high,
                        "n": int(n), "seed": int(seed)})
    out.attrs = {"bias": dict(zip(out["metric"], bias.tolist(), strict=True)),
                 "correct_bias": bool(correct_bias), "ci": ci}
    return out


def _interval(metric: Any, value: pd.Series, reps: np.ndarray, ci: float,
              correct_bias: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile interval of the replicates, shifted by the bias, kept in range."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN columns give NaN
        low = np.nanquantile(reps, (1 - ci) / 2, axis=0)
        high = np.nanquantile(reps, (1 + ci) / 2, axis=0)
        bias = np.nanmedian(reps, axis=0) - value.to_numpy(float)
    if correct_bias:
        low, high = low - bias, high - bias
        lo_b, hi_b = _bounds(metric, value.index)
        low, high = np.clip(low, lo_b, hi_b), np.clip(high, lo_b, hi_b)
    return low, high, bias


def _check(n: Any, ci: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1; got {ci!r}")


def _bounds(metric: Any, names: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Natural range of each entry (element scores 0-100, bounded network metrics)."""
    if isinstance(metric, str) and metric == GRID:
        return np.zeros(len(names)), np.full(len(names), 100.0)
    lo = np.array([_BOUNDS.get(str(m), (-np.inf, np.inf))[0] for m in names])
    hi = np.array([_BOUNDS.get(str(m), (-np.inf, np.inf))[1] for m in names])
    return lo, hi


def _replicates(net: Any, metric: Any, *, n: int, rng: np.random.Generator,
                rubric: Any = None) -> tuple[pd.Series, np.ndarray]:
    """The metric on the data and on ``n`` event-resampled replicates (n x entries)."""
    if isinstance(metric, str) and metric == GRID:
        if GRID not in _REPLICATORS:  # pragma: no cover - peernet's __init__ imports grid
            raise RuntimeError("the Grid's replicates are registered by importing peernet.grid")
        grid = _REPLICATORS[GRID](net, rubric)
        value = grid.value
        reps = np.vstack([grid.replicate(rng) for _ in range(n)]) if len(value) else \
            np.zeros((n, 0))
        return value, reps
    fn, names = _metric_function(metric)
    value = _as_series(fn(net), names)
    reps = np.full((n, len(value)), np.nan)
    fast = StructureReplicates(net, names) if names is not None and not callable(metric) \
        and len(net.interactions) else None
    if fast is not None and fast.batchable:
        from ._batch import WIDTH

        for start in range(0, n, WIDTH):
            mults = [draw_units(fast.k, rng) for _ in range(min(WIDTH, n - start))]
            for i, r in enumerate(fast.batch(mults)):
                reps[start + i] = r.reindex(value.index).to_numpy(float)
        return value, reps
    for i in range(n):
        if fast is not None:
            r = fast.replicate(rng)
        else:
            r = _as_series(fn(resample_events(net, rng)), names)
        reps[i] = r.reindex(value.index).to_numpy(float)
    return value, reps


def bootstrap_change(previous: Any, current: Any,
                     metric: Callable[[Any], Any] | str | Sequence[str] = GRID, *,
                     n: int = 200, seed: int = 0, ci: float = 0.95, rubric: Any = None
                     ) -> pd.DataFrame:
    """Is a change between two periods real? The bootstrap interval of the difference.

    Both periods are resampled (independently, the same unit as :func:`bootstrap`: an event
    with everything that happened at it, a thread, or a lone act), the metric is recomputed
    on each, and the interval is taken on the ``n`` differences current - previous.

    Parameters
    ----------
    previous, current : PeerNetwork
        Two slices (``net.period("2024")``, ``net.period("2025")``).
    metric : "grid", callable, str or list of str, default "grid"
        As in :func:`bootstrap`; ``"grid"`` gives every Grid element score.
    n : int, default 200
        Replicates of each period.
    seed : int, default 0
    ci : float, default 0.95
    rubric : optional
        The rubric of ``"grid"`` (as :func:`peernet.score` takes it).

    Returns
    -------
    DataFrame
        One row an entry: ``metric``, ``previous``, ``current``, ``change`` (current -
        previous, on the data), ``low``, ``high`` (the percentile interval of the replicate
        differences, shifted so that their median is the observed change, as
        :func:`bootstrap` does), ``real`` (boolean, NA when undefined: True when the
        interval excludes 0; NA when the interval has no width, i.e. resampling the
        interaction log does not move the number, as for survey or checklist figures, or
        when either value is missing), ``detectable`` (the smallest change next period
        could call real if it is as noisy as this one: z sqrt(2) sd of the current
        period's replicates, z = 1.96 for ci = 0.95; NaN when the replicates do not move),
        ``previous_low``, ``previous_high``, ``current_low``, ``current_high`` (each period's
        own interval, as :func:`bootstrap` gives it from the same replicates), ``n``,
        ``seed``.

    Notes
    -----
    Comparing last year's point value with this year's interval ignores last year's own
    noise and calls too many changes real; the interval of the difference carries both.
    A change is *real* when its interval lies wholly above or below 0; otherwise a
    different draw of meetings could have produced it (noise). Members are not resampled:
    counts of members get no interval. Survey ratings, checklist ratings and the problem
    and action logs are taken as measured (not resampled); numbers that rest on them alone
    have no interval and are never called real or noise.

    References
    ----------
    Efron, B. and Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 16 (two-sample
    problems). Snijders, T. A. B. and Borgatti, S. P. (1999). Non-parametric standard errors
    and tests for network statistics. Connections 22(2).

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> d = pn.metrics.bootstrap_change(net.period("2024"), net.period("2025"),
    ...                                 ["density", "reciprocity"], n=50)
    >>> d[["metric", "real"]].values.tolist()
    [['density', True], ['reciprocity', True]]
    """
    return bootstrap_changes(previous, current, [(metric, n)], seed=seed, ci=ci,
                             rubric=rubric)[0]


def bootstrap_changes(previous: Any, current: Any, metrics: Sequence[tuple[Any, int]], *,
                      seed: int = 0, ci: float = 0.95, rubric: Any = None
                      ) -> list[pd.DataFrame]:
    """:func:`bootstrap_change` of several ``(metric, n)`` at once, each equal to its own
    call with the same ``seed`` (every metric starts from the same random stream), from one
    set of replicates where they can share them: the Grid's element scores and headline
    network metrics are computed on the same draws (the first ``n`` of the Grid's), each
    replicate's graph built once for both."""
    for _, n in metrics:
        _check(n, ci)
    seq_a, seq_b = np.random.SeedSequence(seed).spawn(2)
    grid = [i for i, (m, n) in enumerate(metrics) if isinstance(m, str) and m == GRID
            and n > 1]
    if grid and can_fork() and len(_rows(current)) > SPLIT_RATIO * len(_rows(previous)):
        # balance the two cores when the current period is much the larger: the previous
        # period's replicates with the second half of the current period's Grid replicates,
        # against the rest of the current period's (the same draws: replicate i of a
        # period is its stream's i-th draw)
        g, n_grid = grid[0], metrics[grid[0]][1]
        half = list(metrics)
        half[g] = (GRID, n_grid // 2)
        (ra, later_half), rb = both(
            lambda: (_replicates_many(previous, metrics, seq_a, rubric),
                     _grid_range(current, seq_b, n_grid // 2, n_grid, rubric)),
            lambda: _replicates_many(current, half, seq_b, rubric))
        rb[g] = (rb[g][0], np.vstack([rb[g][1], later_half]))
    else:
        # the two periods' replicates are independent (own streams): one core each
        ra, rb = both(lambda: _replicates_many(previous, metrics, seq_a, rubric),
                      lambda: _replicates_many(current, metrics, seq_b, rubric))
    return [_change(metric, *a, *b, n=n, seed=seed, ci=ci)
            for (metric, n), a, b in zip(metrics, ra, rb, strict=True)]


def _replicates_many(net: Any, metrics: Sequence[tuple[Any, int]],
                     seq: np.random.SeedSequence, rubric: Any
                     ) -> list[tuple[pd.Series, np.ndarray]]:
    """:func:`_replicates` of each ``(metric, n)`` from ``default_rng(seq)``; the Grid and
    batchable network metrics (:meth:`StructureReplicates.batchable`) from one loop over
    the same draws."""
    kinds = [isinstance(m, str) and m == GRID for m, _ in metrics]
    if (sorted(kinds) == [False, True] and GRID in _REPLICATORS and len(net.interactions)
            and not callable(metrics[kinds.index(False)][0])):
        joint = _joint(net, metrics[kinds.index(True)][1], *metrics[kinds.index(False)],
                       np.random.default_rng(seq), rubric)
        if joint is not None:
            return [joint[0] if grid else joint[1] for grid in kinds]
    return [_replicates(net, m, n=n, rng=np.random.default_rng(seq), rubric=rubric)
            for m, n in metrics]


#: The current period's Grid replicates are shared between the two cores when it has this
#: many times the previous period's interactions (else each period takes one core).
SPLIT_RATIO = 1.5


def _rows(net: Any) -> pd.DataFrame:
    return getattr(net, "interactions", pd.DataFrame())


def _grid_range(net: Any, seq: np.random.SeedSequence, start: int, stop: int, rubric: Any
                ) -> np.ndarray:
    """Replicates ``start`` to ``stop`` of the Grid's element scores from
    ``default_rng(seq)`` (the earlier draws made and skipped), as :func:`_replicates`
    gives them."""
    grid = _REPLICATORS[GRID](net, rubric)
    rng = np.random.default_rng(seq)
    if not len(grid.value):
        return np.zeros((stop - start, 0))
    if len(net.interactions):            # (without any, a replicate draws nothing)
        for _ in range(start):
            draw_units(grid.fixed.k, rng)
    return np.vstack([grid.replicate(rng) for _ in range(start, stop)])


def _joint(net: Any, n_grid: int, metric: Any, n: int, rng: np.random.Generator,
           rubric: Any) -> tuple[tuple[pd.Series, np.ndarray], tuple[pd.Series, np.ndarray]
                                 ] | None:
    """The Grid's replicates (``n_grid``) and those of network metrics ``metric`` (``n``)
    from the same draws: replicate ``i`` of each is the one its own :func:`_replicates`
    gives (each replicate is one :func:`draw_units` of the slice's units), the person
    graph's reciprocity and largest component computed once for both. None when the
    metrics are not all batchable."""
    from ._batch import WIDTH

    fn, names = _metric_function(metric)
    fast = StructureReplicates(net, names)
    if not fast.batchable:
        return None
    grid = _REPLICATORS[GRID](net, rubric)
    grid.share_structure(fast)
    value = _as_series(fn(net), names)
    reps = np.full((n, len(value)), np.nan)
    greps = np.zeros((n_grid, len(grid.value)))
    for start in range(0, max(n, n_grid), WIDTH):
        mults = [draw_units(fast.k, rng) for _ in range(min(WIDTH, max(n, n_grid) - start))]
        for i, r in enumerate(fast.batch(mults)):
            if start + i < n:
                reps[start + i] = r.reindex(value.index).to_numpy(float)
            if start + i < n_grid and len(grid.value):
                greps[start + i] = grid.scores(mults[i])
    return (grid.value, greps), (value, reps)


def _change(metric: Any, va: pd.Series, ra: np.ndarray, vb: pd.Series, rb: np.ndarray, *,
            n: int, seed: int, ci: float) -> pd.DataFrame:
    """The frame of :func:`bootstrap_change` from both periods' values and replicates."""
    names = vb.index.append(va.index.difference(vb.index, sort=False))
    ra = pd.DataFrame(ra, columns=va.index).reindex(columns=names).to_numpy(float)
    rb = pd.DataFrame(rb, columns=vb.index).reindex(columns=names).to_numpy(float)
    va, vb = va.reindex(names), vb.reindex(names)
    change = vb.to_numpy(float) - va.to_numpy(float)
    diff = rb - ra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN columns give NaN
        low = np.nanquantile(diff, (1 - ci) / 2, axis=0)
        high = np.nanquantile(diff, (1 + ci) / 2, axis=0)
        shift = np.nanmedian(diff, axis=0) - change
        sd_b = np.nanstd(rb, axis=0, ddof=1)
    low, high = low - shift, high - shift
    lo_a, hi_a, _ = _interval(metric, va, ra, ci)
    lo_b, hi_b, _ = _interval(metric, vb, rb, ci)
    from scipy.special import ndtri  # norm.ppf's own function, without scipy.stats (0.6 s)

    z = float(ndtri((1 + ci) / 2))
    width = high - low
    defined = np.isfinite(low) & np.isfinite(high) & np.isfinite(change) & (width > 1e-12)
    real = pd.array(np.where(defined, (low > 0) | (high < 0), False), dtype="boolean")
    real[~defined] = pd.NA
    out = pd.DataFrame({"metric": pd.array([str(x) for x in names], dtype="str"),
                        "previous": va.to_numpy(float), "current": vb.to_numpy(float),
                        "change": change, "low": low, "high": high, "real": real,
                        "detectable": np.where(sd_b > 1e-12, z * np.sqrt(2) * sd_b, np.nan),
                        "previous_low": lo_a, "previous_high": hi_a,
                        "current_low": lo_b, "current_high": hi_b,
                        "n": int(n), "seed": int(seed)})
    return out[list(CHANGE_COLUMNS)]


class StructureReplicates:
    """network_metrics entries of event-resampled replicates without rebuilding networks.

    Every tie-making row (a direct interaction, or a pair of attendees of an event of at most
    ``max_event_size`` people) is listed once with its resampling unit; a replicate only
    reweights these rows by how often each unit was drawn. The replicates are the ones
    :func:`resample_events` builds from the same random draws (tested equal), for the
    default person graph.
    """

    def __init__(self, net: Any, names: list[str] | None):
        from ..network import guest_ids
        from ..schema import split_list

        self.want = set(names or ())
        # the roster as network_metrics counts it: guests are in the log, never members
        self.members = len(net.members_current().difference(list(guest_ids(net.members))))
        inter = with_columns(net.interactions)
        self.codes = unit_codes(net)
        self.k = int(self.codes.max()) + 1
        nodes = person_ties(net).nodes
        self.nodes = nodes
        n = self.n = len(nodes)
        index = pd.Index(nodes)
        self.src = index.get_indexer(inter["source"]).astype(np.int64)
        direct = (inter["target"].notna() & (inter["kind"] != "attend")
                  & (inter["source"] != inter["target"])).to_numpy()
        s, t = self.src[direct], index.get_indexer(inter.loc[direct, "target"]).astype(np.int64)
        self.d_unit = self.codes[direct]
        self.d_und = np.minimum(s, t) * n + np.maximum(s, t)
        # a contact (a mutual kind) is an act of both people and no directed tie
        # (PeerNetwork.acts, metrics.reciprocity)
        mutual = inter.loc[direct, "kind"].isin(
            [k for k, m in MUTUAL_KINDS.items() if m]).to_numpy()
        self.m_tgt, self.m_unit = t[mutual], self.d_unit[mutual]
        self.d_dir = (s * n + t)[~mutual]
        self.dir_unit = self.d_unit[~mutual]
        att = ((inter["kind"] == "attend") & inter["event_id"].notna()).to_numpy()
        a = pd.DataFrame({"e": inter.loc[att, "event_id"].to_numpy(),
                          "m": self.src[att], "u": self.codes[att]}).drop_duplicates(["e", "m"])
        size = a.groupby("e")["m"].transform("size").to_numpy()
        a = a.loc[size <= MAX_EVENT_SIZE].sort_values(["e", "m"], kind="stable")
        ev, mem, unit = (pd.factorize(a["e"])[0], a["m"].to_numpy(np.int64),
                         a["u"].to_numpy(np.int64))
        left, right = event_pairs(ev)
        self.c_key = np.minimum(mem[left], mem[right]) * n + np.maximum(mem[left], mem[right])
        self.c_unit = unit[left]
        people = []
        if len(net.problems):
            people.append(net.problems["raised_by"].dropna())
            if "helpers" in net.problems.columns:
                people.append(split_list(net.problems["helpers"]))
        fixed = index.get_indexer(pd.concat(people)) if people else np.zeros(0, np.int64)
        self.fixed = np.unique(fixed[fixed >= 0]).astype(np.int64)
        self.attrs = roster_attributes(net, nodes)
        # every distinct tie once; each row points at its tie (no sort per replicate)
        keys = np.concatenate([self.d_und, self.c_key])
        self.row_unit = np.concatenate([self.d_unit, self.c_unit])
        self.ties, self.row_tie = np.unique(keys, return_inverse=True)
        self.dir_ties, self.row_dir = np.unique(self.d_dir, return_inverse=True)
        # the symmetric CSR of every tie, built once: a replicate's matrices are its
        # entries of present ties (already in order: no sort a replicate)
        fu, fv = self.ties // max(n, 1), self.ties % max(n, 1)
        rows = np.concatenate([fu, fv])
        order = np.lexsort((np.concatenate([fv, fu]), rows))
        self.e_row = rows[order]
        self.e_col = np.concatenate([fv, fu])[order]
        self.e_tie = np.concatenate([np.arange(len(self.ties))] * 2)[order]
        self.tie_u, self.tie_v = fu, fv
        # the triangles of every tie, listed once, when they fit in memory: a replicate's
        # triangles are those whose three ties it drew (else listed anew a replicate)
        self.triangles = None
        if self.want & {"avg_clustering", "transitivity"} and len(self.ties):
            from ._kernels import list_triangles_csr, triangles_csr

            indptr = np.zeros(n + 1, np.int64)
            np.cumsum(np.bincount(self.e_row, minlength=n), out=indptr[1:])
            total = int(triangles_csr(indptr, self.e_col, n).sum() // 3)
            if total <= MAX_LISTED_TRIANGLES:
                self.triangles = list_triangles_csr(indptr, self.e_col, self.e_tie, n, total)
        self.groups = {}
        for attr in ("org", "sector", "region"):
            if attr in self.attrs.columns and self.attrs[attr].notna().any():
                self.groups[attr] = K.factor_codes(self.attrs[attr])
        rev = (self.dir_ties % max(n, 1)) * n + self.dir_ties // max(n, 1)
        at = np.searchsorted(self.dir_ties, rev)
        at = np.minimum(at, max(len(self.dir_ties) - 1, 0))
        found = (self.dir_ties[at] == rev) if len(self.dir_ties) else np.zeros(0, bool)
        self.reverse = np.where(found, at, -1)

    def replicate(self, rng: np.random.Generator) -> pd.Series:
        return self.values(draw_units(self.k, rng))

    @property
    def batchable(self) -> bool:
        """Whether :meth:`batch` computes every wanted entry (no graph needed)."""
        from ._batch import BATCHED

        return self.want <= BATCHED and (
            not self.want & {"avg_clustering", "transitivity"} or self.triangles is not None
            or not len(self.ties))

    @cached_property
    def ei_classes(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        from ._batch import ei_classes

        return ei_classes(self)

    def batch(self, mults: list[np.ndarray]) -> list[pd.Series]:
        """:meth:`values` of several replicates at once (equal to the last digit; at most
        64, see :mod:`peernet.metrics._batch`). Their reciprocity and largest component
        are kept for :meth:`reciprocity` and :meth:`largest_component` of the same draw
        counts (the Grid's replicates read them), until the next batch."""
        from ._batch import batch

        rows = batch(self, mults)
        self._known = {id(m): (m, v) for m, v in zip(mults, rows, strict=True)}
        return [pd.Series({k: v[k] for k in self.want}, dtype="float64") for v in rows]

    def _known_of(self, mult: np.ndarray, key: str) -> Any:
        hit = getattr(self, "_known", {}).get(id(mult))
        return hit[1].get(key) if hit is not None and hit[0] is mult else None

    def values(self, mult: np.ndarray) -> pd.Series:
        """The entries of the replicate whose unit ``u`` is drawn ``mult[u]`` times."""
        from .structure import _structure

        ga, active = self.graph(mult)
        out, _ = _structure(ga, want=self.want, members=self.members, active=active,
                            recip=self.reciprocity(mult) if "reciprocity" in self.want
                            else float("nan"))
        return pd.Series({k: out[k] for k in self.want}, dtype="float64")

    def reciprocity(self, mult: np.ndarray) -> float:
        """:func:`peernet.metrics.reciprocity` of the replicate."""
        known = self._known_of(mult, "reciprocity")
        if known is not None:
            return float(known)
        if not len(self.dir_ties):
            return float("nan")
        dw = np.bincount(self.row_dir, weights=mult[self.dir_unit],
                         minlength=len(self.dir_ties)) > 0
        if not dw.any():
            return float("nan")
        r = self.reverse[dw]
        return float(((r >= 0) & dw[np.maximum(r, 0)]).mean())

    def ties_of(self, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                   np.ndarray]:
        """The replicate's ties (present, a mask over every tie, and their weights), the
        people who acted, and the graph's nodes (a mask: who acted or has a tie)."""
        n = self.n
        acted = np.bincount(self.src, weights=mult[self.codes], minlength=n) > 0
        if len(self.m_tgt):
            acted |= np.bincount(self.m_tgt, weights=mult[self.m_unit], minlength=n) > 0
        acted[self.fixed] = True
        w = np.bincount(self.row_tie, weights=mult[self.row_unit], minlength=len(self.ties))
        present = w > 0
        keep_mask = acted.copy()
        keep_mask[self.tie_u[present]] = True
        keep_mask[self.tie_v[present]] = True
        return present, w, acted, keep_mask

    def largest_component(self, mult: np.ndarray) -> tuple[int, int]:
        """Nodes in the largest component of the replicate's person graph, and its nodes."""
        from ._kernels import largest_component

        known = self._known_of(mult, "_largest")
        if known is not None:
            return known
        present, _, _, keep_mask = self.ties_of(mult)
        pos = np.cumsum(keep_mask) - 1
        n = int(keep_mask.sum())
        return int(largest_component(n, pos[self.tie_u[present]],
                                     pos[self.tie_v[present]])), n

    def graph(self, mult: np.ndarray) -> tuple[K.GraphArrays, int]:
        """The replicate's default person graph as arrays, and its active people."""
        n = self.n
        present, w, acted, keep_mask = self.ties_of(mult)
        u, v, w = self.tie_u[present], self.tie_v[present], w[present]
        keep = np.flatnonzero(keep_mask)
        pos = np.cumsum(keep_mask) - 1
        # the replicate's CSR: the full CSR's entries of present ties, renumbered
        e = np.flatnonzero(present[self.e_tie])
        indptr = np.zeros(len(keep) + 1, np.int64)
        np.cumsum(np.bincount(pos[self.e_row[e]], minlength=len(keep)), out=indptr[1:])
        indices = pos[self.e_col[e]].astype(np.int32)
        wfull = np.zeros(len(self.ties))
        wfull[present] = w
        shape = (len(keep), len(keep))
        wm = sp.csr_array((wfull[self.e_tie[e]], indices, indptr), shape=shape)
        am = sp.csr_array((np.ones(len(e)), indices, indptr), shape=shape)
        for mat in (wm, am):
            mat.has_sorted_indices = True
            mat.has_canonical_format = True
        ga = K.GraphArrays(self.nodes[keep], am, wm, self.attrs.iloc[keep])
        ga.cache["edges"] = (pos[u], pos[v], w)
        for attr, codes in self.groups.items():
            ga.cache[("groups", attr)] = _first_seen(codes[keep])
        if self.want & {"avg_clustering", "transitivity"} and len(e):
            from ._kernels import present_triangles, triangles_csr

            if self.triangles is not None:
                nodes, ties = self.triangles
                tri = present_triangles(nodes, ties, present, n)[keep]
            else:
                tri = triangles_csr(indptr, indices.astype(np.int64), len(keep))
            ga.cache["triangles"] = tri.astype(float)
        return ga, int(acted.sum())


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """Group codes renumbered in order of first appearance, -1 kept (what
    :func:`pandas.factorize` gives the groups of these nodes alone)."""
    out = np.full(len(codes), -1, np.int64)
    known = codes >= 0
    out[known] = pd.factorize(codes[known])[0]
    return out


def _metric_function(metric) -> tuple[Callable[[Any], Any], list[str] | None]:
    from .structure import NETWORK_METRICS, network_metrics
    if callable(metric):
        return metric, [getattr(metric, "__name__", "metric")]
    names = [metric] if isinstance(metric, str) else list(metric)
    bad = [m for m in names if m not in NETWORK_METRICS]
    if bad:
        raise ValueError(f"metric must be a callable or network_metrics entries "
                         f"{list(NETWORK_METRICS)}; got {bad}")
    return (lambda x: network_metrics(x, only=names)[names]), names


def _as_series(result: Any, names: list[str] | None) -> pd.Series:
    if isinstance(result, pd.Series):
        return result.astype("float64")
    return pd.Series([float(result)], index=names[:1] if names else ["metric"])
