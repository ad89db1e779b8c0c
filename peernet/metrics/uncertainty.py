"""Bootstrap intervals: is a year-over-year change real or noise?"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._parallel import Tasks, both, can_fork
from ..network import PeerNetwork
from ._resample import (  # noqa: F401 - any_drawn, drawn_words, materialize, ...: grid
    any_drawn,
    byte_draws,
    draw_units,
    drawn_words,
    events_once,
    materialize,
    resample_events,
    resampled_events,
    skip_units,
    unit_codes,
    unit_products,
)
from ._structreps import StructureReplicates

# before_fork is read by peernet.evaluation_steps, not a metric: not in the namespace
__all__ = ["bootstrap", "bootstrap_change", "resample_events", "GRID", "CHANGE_COLUMNS"]

#: Natural range of the bounded network_metrics entries: shifted intervals are clipped to it.
_BOUNDS = {**dict.fromkeys(("density", "degree_centralization", "largest_component_share",
                            "avg_clustering", "transitivity", "efficiency", "reciprocity"),
                           (0.0, 1.0)),
           **dict.fromkeys(("ei_index_org", "ei_index_sector", "ei_index_region",
                            "assortativity_org"), (-1.0, 1.0)),
           "modularity": (-0.5, 1.0)}


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
                rubric: Any = None, values: bool = True) -> tuple[pd.Series, np.ndarray]:
    """The metric on the data and on ``n`` event-resampled replicates (n x entries);
    without ``values`` the network metrics' values are left NaN (:func:`with_values`)."""
    if isinstance(metric, str) and metric == GRID:
        if GRID not in _REPLICATORS:  # pragma: no cover - peernet's __init__ imports grid
            raise RuntimeError("the Grid's replicates are registered by importing peernet.grid")
        grid = _REPLICATORS[GRID](net, rubric)
        value = grid.value
        reps = np.vstack([grid.replicate(rng) for _ in range(n)]) if len(value) else \
            np.zeros((n, 0))
        return value, reps
    fn, names = _metric_function(metric)
    value = _value(fn, net, names, values, metric)
    reps = np.full((n, len(value)), np.nan)
    fast = StructureReplicates(net, names) if names is not None and not callable(metric) \
        and len(net.interactions) else None
    if fast is not None and fast.batchable:
        from ._batch import WIDTH, draw_bits

        for start in range(0, n, WIDTH):
            count = min(WIDTH, n - start)
            ub, _ = draw_bits(fast.k, rng, count)
            reps[start:start + count] = fast.batch_matrix(ub, count, value.index)
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
    big = _larger(previous, current, metrics)
    shared = None if big is None else _shared(previous, current, metrics, (seq_a, seq_b),
                                              rubric, big)
    if shared is not None:
        ra, rb = shared
    else:
        # the two periods' replicates are independent (own streams): one core each
        ra, rb = both(lambda: _replicates_many(previous, metrics, seq_a, rubric),
                      lambda: _replicates_many(current, metrics, seq_b, rubric))
    return changes_of(metrics, ra, rb, seed=seed, ci=ci)


def _replicates_many(net: Any, metrics: Sequence[tuple[Any, int]],
                     seq: np.random.SeedSequence, rubric: Any, values: bool = True
                     ) -> list[tuple[pd.Series, np.ndarray]]:
    """:func:`_replicates` of each ``(metric, n)`` from ``default_rng(seq)``; the Grid and
    batchable network metrics (:meth:`StructureReplicates.batchable`) from one loop over
    the same draws."""
    kinds = [isinstance(m, str) and m == GRID for m, _ in metrics]
    if (sorted(kinds) == [False, True] and GRID in _REPLICATORS and len(net.interactions)
            and not callable(metrics[kinds.index(False)][0])):
        joint = _joint(net, metrics[kinds.index(True)][1], *metrics[kinds.index(False)],
                       np.random.default_rng(seq), rubric, values)
        if joint is not None:
            return [joint[0] if grid else joint[1] for grid in kinds]
    return [_replicates(net, m, n=n, rng=np.random.default_rng(seq), rubric=rubric,
                        values=values) for m, n in metrics]


#: Interactions of a slice from which its replicates run compiled kernels for certain (the
#: draw counts and bit masks): :func:`before_fork` starts numba before they are forked.
COMPILED_ROWS = 100_000


def before_fork(net: Any) -> None:
    """Make here what the processes about to compute ``net``'s replicates would each make
    again: numba and the replicates' kernels, when they run compiled
    (:data:`COMPILED_ROWS` interactions), loaded once for them all
    (:func:`peernet.metrics._bitkernels.warm`: 21 kernels, 2-5 ms each a process, and the
    random draws' :func:`peernet.metrics._pcg.warm`)."""
    if len(_rows(net)) >= COMPILED_ROWS:
        from . import _pcg
        from ._bitkernels import warm

        warm()
        _pcg.warm()


#: A period's replicates are shared between the two cores when it has this many times the
#: other period's interactions (else each period takes one core).
SPLIT_RATIO = 1.5


def _rows(net: Any) -> pd.DataFrame:
    return getattr(net, "interactions", pd.DataFrame())


def _larger(previous: Any, current: Any, metrics: Sequence[tuple[Any, int]]) -> int | None:
    """The period whose replicates :func:`_shared` shares between the two cores (0 the
    previous, 1 the current: the one with :data:`SPLIT_RATIO` times the other's
    interactions), None when each period takes one core (periods of like size, metrics
    other than the Grid and network metrics, one core)."""
    if not _splittable(metrics):
        return None
    a, b = len(_rows(previous)), len(_rows(current))
    return 1 if b > SPLIT_RATIO * a else 0 if a > SPLIT_RATIO * b else None


def _splittable(metrics: Sequence[tuple[Any, int]]) -> bool:
    """Whether :func:`_split` can share these metrics' replicates between two cores (the
    Grid and network metrics, more than one Grid replicate, a fork possible)."""
    kinds = [isinstance(m, str) and m == GRID for m, _ in metrics]
    return (sorted(kinds) == [False, True] and not callable(metrics[kinds.index(False)][0])
            and GRID in _REPLICATORS and can_fork()
            and 1 < metrics[kinds.index(True)][1] <= Tasks.MAX)


def period_replicates(net: Any, metrics: Sequence[tuple[Any, int]],
                      seq: np.random.SeedSequence, rubric: Any = None, *,
                      split: bool = False, values: bool = True
                      ) -> list[tuple[pd.Series, np.ndarray]]:
    """One period's share of :func:`bootstrap_changes`: the value and the replicates
    (replicates x entries) of each ``(metric, n)``, drawn from the random stream ``seq``
    (:func:`bootstrap_changes` gives the previous period the first of
    ``SeedSequence(seed).spawn(2)``, the current one the second). With ``split`` and the
    Grid and network metrics, shared between this process and a forked child (the same
    numbers). Without ``values`` the network metrics' values are NaN, for a process that
    computes them anyway to fill in (:func:`with_values`): a child forked before them
    then needs not compute them first. :func:`changes_of` makes the frames of two
    periods' replicates."""
    for _, n in metrics:
        _check(n, 0.95)
    if split and _splittable(metrics):
        out = _split(net, metrics, seq, rubric, values=values)
        if out is not None:
            return out[0]
    return _replicates_many(net, metrics, seq, rubric, values)


def with_values(net: Any, metrics: Sequence[tuple[Any, int]],
                replicates: list[tuple[pd.Series, np.ndarray]],
                known: pd.Series | None = None) -> list[tuple[pd.Series, np.ndarray]]:
    """:func:`period_replicates` of ``net`` with the network metrics' values computed here
    (as ``values=True`` computes them), or read from ``known``: ``network_metrics(net)``,
    whose entries are those ``network_metrics(net, only=...)`` computes."""
    out = []
    for (metric, _), (value, reps) in zip(metrics, replicates, strict=True):
        if not (isinstance(metric, str) and metric == GRID):
            fn, names = _metric_function(metric)
            if known is not None and not callable(metric) and names is not None \
                    and set(names) <= set(known.index):
                value = known[names].astype("float64")
            else:
                value = _as_series(fn(net), names)
        out.append((value, reps))
    return out


def changes_of(metrics: Sequence[tuple[Any, int]],
               previous: list[tuple[pd.Series, np.ndarray]],
               current: list[tuple[pd.Series, np.ndarray]], *, seed: int = 0,
               ci: float = 0.95) -> list[pd.DataFrame]:
    """The frames of :func:`bootstrap_changes` from both periods' :func:`period_replicates`
    (``seed`` is the one their streams were spawned from, written in the frames)."""
    _check(1, ci)
    return [_change(metric, *a, *b, n=n, seed=seed, ci=ci)
            for (metric, n), a, b in zip(metrics, previous, current, strict=True)]


class _Draws:
    """Draw counts of a period's replicates asked for in increasing order from its random
    stream ``rng`` (at replicate ``made``): replicate ``i`` is the stream's ``i``-th
    :func:`draw_units`, the ones before it drawn and skipped."""

    def __init__(self, k: int, rng: np.random.Generator, made: int = 0):
        self.k, self.rng, self.made = k, rng, made

    def __call__(self, i: int) -> np.ndarray:
        if i < self.made:
            raise ValueError(f"replicate {i} is behind the stream (at {self.made})")
        skip_units(self.k, self.rng, i - self.made)
        self.made = i + 1
        return draw_units(self.k, self.rng)

    def next(self) -> np.ndarray:
        """The next replicate's draw counts (replicate :attr:`made`)."""
        return self(self.made)


def _shared(previous: Any, current: Any, metrics: Sequence[tuple[Any, int]],
            seqs: tuple[np.random.SeedSequence, np.random.SeedSequence], rubric: Any,
            big: int) -> tuple[list[tuple[pd.Series, np.ndarray]],
                               list[tuple[pd.Series, np.ndarray]]] | None:
    """:func:`_replicates_many` of both periods (the Grid and network metrics), period
    ``big``'s shared between the two cores (:func:`_split`), the other computed first on
    the other core. None when the network metrics are not batchable."""
    out = _split((previous, current)[big], metrics, seqs[big], rubric,
                 lambda: _replicates_many((previous, current)[1 - big], metrics,
                                          seqs[1 - big], rubric))
    if out is None:
        return None
    result, other = out
    pair = [other, other]
    pair[big] = result
    return pair[0], pair[1]


def _split(net: Any, metrics: Sequence[tuple[Any, int]], seq: np.random.SeedSequence,
           rubric: Any, before: Callable[[], Any] | None = None, values: bool = True
           ) -> tuple[list[tuple[pd.Series, np.ndarray]], Any] | None:
    """:func:`_replicates_many` of one period (the Grid and network metrics) shared between
    this process and a forked child: what its replicates read is made once before the fork
    (the network metrics' tie arrays, the Grid's fixed arrays, the first batch's draws with
    what the Grid reads of them, :meth:`StructureReplicates.remember_bits`, and the first
    Grid replicate); the other core computes ``before()`` (if any) and every batch of
    network metrics (the first one's from its draws, then the rest continuing the random
    stream; the triangles they need are listed there); then both take the Grid replicates
    one at a time from one queue (:class:`peernet._parallel.Tasks`) until none is left, so
    they finish together. A Grid replicate of the first batch reads its reciprocity and
    largest component from that batch on either core. Replicate ``i`` is the stream's
    ``i``-th draw on either core: the numbers are those of one core. Returns the
    replicates and ``before()``'s result; None when the network metrics are not
    batchable."""
    import copy

    from ._batch import WIDTH, draw_bits

    kinds = [isinstance(m, str) and m == GRID for m, _ in metrics]
    n_grid, (metric, n) = metrics[kinds.index(True)][1], metrics[kinds.index(False)]
    fn, names = _metric_function(metric)
    if not len(net.interactions):
        return None
    fast = StructureReplicates(net, names)
    grid = _REPLICATORS[GRID](net, rubric)
    if not fast.batchable or not len(grid.value):
        return None
    grid.share_structure(fast)
    fast.ei_classes          # noqa: B018 - made here, read on both cores
    fast.csr_order           # noqa: B018
    value = _value(fn, net, names, values, metric)
    first = min(WIDTH, max(n, n_grid))
    rng = np.random.default_rng(seq)
    # the first batch's draws: of the Grid's replicates among them, the stream before each
    # (their counts are made again by whichever process takes them: none held before)
    ub, streams = draw_bits(fast.k, rng, first, min(first, n_grid), redraw=True)
    fast.remember_bits(ub, first, len(streams))   # the Grid's reads, not the whole batch

    def after_first() -> _Draws:   # the stream after the first batch's draws, anew
        return _Draws(fast.k, copy.deepcopy(rng), first)

    def rows(ub: np.ndarray, b: int) -> list[np.ndarray]:
        return list(fast.batch_matrix(ub, b, value.index))

    def scores(i: int, draws: _Draws) -> np.ndarray:   # Grid replicate i
        if i >= first:
            return grid.scores(draws(i))
        mult = draw_units(fast.k, streams[i])
        fast.recall(mult, i)
        try:
            return grid.scores(mult)
        finally:
            fast.forget(mult, i)

    done = {0: scores(0, after_first())}
    tasks = Tasks(n_grid - 1)                                            # replicates 1..

    def take(draws: _Draws) -> dict[int, np.ndarray]:
        out = {}
        while (t := tasks.take()) is not None:
            out[t + 1] = scores(t + 1, draws)
        return out

    def here() -> dict[int, np.ndarray]:
        return take(after_first())

    def there() -> tuple[Any, list[np.ndarray], dict[int, np.ndarray]]:
        other = before() if before is not None else None
        later = rows(ub, first)[:n]
        stream = copy.deepcopy(rng)              # after the first batch's draws
        for start in range(first, n, WIDTH):
            count = min(WIDTH, n - start)    # replicates start .. start + count - 1
            later += rows(draw_bits(fast.k, stream, count)[0], count)
        return other, later, take(after_first())

    try:
        (other, later, theirs), ours = both(there, here)
    finally:
        tasks.close()
    done.update(theirs)
    done.update(ours)
    draws = after_first()
    for i in range(n_grid):    # taken by a child that failed: computed here
        if i not in done:
            done[i] = scores(i, draws)
    result = [(value, np.vstack(later))]
    result.insert(kinds.index(True), (grid.value, np.vstack([done[i] for i in range(n_grid)])))
    return result, other


def _joint(net: Any, n_grid: int, metric: Any, n: int, rng: np.random.Generator,
           rubric: Any, values: bool = True
           ) -> tuple[tuple[pd.Series, np.ndarray], tuple[pd.Series, np.ndarray]] | None:
    """The Grid's replicates (``n_grid``) and those of network metrics ``metric`` (``n``)
    from the same draws: replicate ``i`` of each is the one its own :func:`_replicates`
    gives (each replicate is one :func:`draw_units` of the slice's units), the person
    graph's reciprocity and largest component computed once for both. None when the
    metrics are not all batchable."""
    from ._batch import WIDTH, draw_bits

    fn, names = _metric_function(metric)
    fast = StructureReplicates(net, names)
    if not fast.batchable:
        return None
    grid = _REPLICATORS[GRID](net, rubric)
    grid.share_structure(fast)
    value = _value(fn, net, names, values, metric)
    reps = np.full((n, len(value)), np.nan)
    greps = np.zeros((n_grid, len(grid.value)))
    for start in range(0, max(n, n_grid), WIDTH):
        count = min(WIDTH, max(n, n_grid) - start)
        # of the Grid's replicates, the stream before each: their counts are made again
        # one at a time as each is scored (50 held at once were fresh pages, 8 ms a count
        # of 587,738 units at 10k 2025 against 1 ms drawn again into freed ones)
        keep = max(0, min(count, n_grid - start))
        ub, streams = draw_bits(fast.k, rng, count, keep, redraw=True)
        rows = fast.batch_matrix(ub, count, value.index, [None] * keep)
        reps[start:min(n, start + count)] = rows[:max(0, n - start)]
        for i in range(keep if len(grid.value) else 0):
            mult = draw_units(fast.k, streams[i])
            fast.recall(mult, i)
            try:
                greps[start + i] = grid.scores(mult)
            finally:
                fast.forget(mult, i)
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
    z = _z(ci)
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


#: ``scipy.special.ndtri(0.975)``, the z of the default 95% interval (tested equal): the
#: evaluation's differences need no import of scipy.special (0.04-0.4 CPU s) for it.
_Z95 = 1.959963984540054


def _z(ci: float) -> float:
    """The standard normal quantile of ``(1 + ci) / 2``: ``scipy.special.ndtri``'s."""
    if ci == 0.95:
        return _Z95
    from scipy.special import ndtri  # norm.ppf's own function, without scipy.stats (0.6 s)

    return float(ndtri((1 + ci) / 2))


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


def _value(fn: Callable[[Any], Any], net: Any, names: list[str] | None, values: bool,
           metric: Any) -> pd.Series:
    """``fn(net)`` as a Series; NaN over ``names`` without ``values`` (network metrics
    only: a callable metric is always computed)."""
    if values or callable(metric) or names is None:
        return _as_series(fn(net), names)
    return pd.Series(np.nan, index=pd.Index(names), dtype="float64")


def _as_series(result: Any, names: list[str] | None) -> pd.Series:
    if isinstance(result, pd.Series):
        return result.astype("float64")
    return pd.Series([float(result)], index=names[:1] if names else ["metric"])
