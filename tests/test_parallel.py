"""peernet._parallel.both: two independent computations on two cores, same results."""

import os

import pandas as pd
import pytest

import peernet as pn
from peernet import _parallel


def test_first_runs_in_a_child_when_forking_is_possible(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    if not _parallel.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    here = os.getpid()
    child, parent = _parallel.both(os.getpid, os.getpid)
    assert parent == here and child != here


def test_one_worker_runs_both_here(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    assert not _parallel.can_fork()
    here = os.getpid()
    assert _parallel.both(os.getpid, os.getpid) == (here, here)


def test_an_error_in_the_first_is_raised_here(monkeypatch):
    """The child's failure is not lost: the first computation is run again here, where its
    error is raised as usual."""
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")

    def fails():
        raise ValueError("bad period")

    with pytest.raises(ValueError, match="bad period"):
        _parallel.both(fails, lambda: 1)
    with pytest.raises(KeyError):
        _parallel.both(lambda: 1, lambda: {}["missing"])


def test_a_result_larger_than_a_pipe_comes_back_whole(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    big = list(range(200_000))
    a, b = _parallel.both(lambda: list(big), lambda: len(big))
    assert a == big and b == 200_000


def test_bootstrap_change_is_the_same_on_one_or_two_cores(monkeypatch):
    net = pn.load_sample("riverbend")
    a, b = net.period("2024"), net.period("2025")
    out = {}
    for w in ("1", "2"):
        monkeypatch.setenv(_parallel.WORKERS_ENV, w)
        out[w] = (pn.metrics.bootstrap_change(a, b, ["density", "reciprocity"], n=20),
                  pn.metrics.bootstrap_change(a, b, "grid", n=3))
    for one, two in zip(out["1"], out["2"], strict=True):
        pd.testing.assert_frame_equal(one, two)


def test_one_thread_keeps_blas_on_one_thread_inside_the_block_only():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy as np

    np.linalg.eigh(np.eye(3))  # BLAS loaded
    before = [p["num_threads"] for p in threadpoolctl.threadpool_info()
              if p["user_api"] == "blas"]
    with _parallel.one_thread():
        inside = [p["num_threads"] for p in threadpoolctl.threadpool_info()
                  if p["user_api"] == "blas"]
    after = [p["num_threads"] for p in threadpoolctl.threadpool_info()
             if p["user_api"] == "blas"]
    assert inside and set(inside) == {1}
    assert after == before


def test_a_report_is_the_same_with_its_figures_drawn_in_a_child(monkeypatch, tmp_path):
    """pn.report draws the figures in a forked child while it writes the tables, network
    files and interactive map: every file, figures included, is byte-identical to the
    report written on one core."""
    ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2024", "2025"], bootstrap=0)
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    if not _parallel.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    two = pn.report(ev, tmp_path / "two")
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    one = pn.report(ev, tmp_path / "one")
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert any(f.parts[0] == "figures" for f in files)
    for f in files:
        assert (one / f).read_bytes() == (two / f).read_bytes(), f


def test_later_computes_in_a_child_and_gives_the_result_when_asked(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    if not _parallel.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    here = os.getpid()
    pending = _parallel.later(os.getpid)
    assert pending.pid is not None
    assert pending.result() != here
    assert pending.result() == pending.result()            # asked twice: one result
    assert _parallel.later(os.getpid, fork=False).result() == here


def test_later_on_one_worker_computes_here_when_asked(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    calls = []
    pending = _parallel.later(lambda: calls.append(os.getpid()) or len(calls))
    assert calls == []                                     # nothing before it is asked for
    assert pending.result() == 1 and calls == [os.getpid()]


def test_later_error_is_raised_here_and_cancel_stops_the_child(monkeypatch):
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")

    def fails():
        raise ValueError("bad period")

    with pytest.raises(ValueError, match="bad period"):
        _parallel.later(fails).result()
    if not _parallel.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    import time

    pending = _parallel.later(lambda: time.sleep(60))
    pid = pending.pid
    pending.cancel()
    assert pending.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)                        # killed and reaped


def test_evaluate_is_the_same_with_its_intervals_in_a_child(monkeypatch):
    """pn.evaluate computes the intervals in a forked child while it computes the rest:
    every table equal to the evaluation on one core."""
    net = pn.load_sample("riverbend")
    out = {}
    for w in ("1", "2"):
        monkeypatch.setenv(_parallel.WORKERS_ENV, w)
        out[w] = pn.evaluate(net, periods=["2024", "2025"], bootstrap=12, grid_bootstrap=4)
    one, two = out["1"], out["2"]
    assert len(one.intervals) and one.differences["tested"].any()
    for name in ("intervals", "differences", "network", "members", "mixing"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)
    assert one.meta == two.meta


@pytest.mark.parametrize("bootstrap", [0, 6])
def test_evaluate_lets_the_grid_contexts_go(monkeypatch, bootstrap):
    """pn.score's context, kept on a slice for the bootstrap's Grid replicates, is not kept
    after pn.evaluate (nor during it without intervals): its memory is the slice's rows."""
    from peernet._cache import memo
    from peernet.grid.context import SLICE_CONTEXT

    for w in ("1", "2"):
        monkeypatch.setenv(_parallel.WORKERS_ENV, w)
        ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2024", "2025"],
                         bootstrap=bootstrap, grid_bootstrap=min(bootstrap, 2))
        for s in ev.slices.values():
            assert SLICE_CONTEXT not in (memo(s) or {})


@pytest.mark.parametrize(("order", "ratio"), [(("2024", "2025"), 0.0),
                                              (("2025", "2024"), 1.05)])
def test_grid_replicates_shared_between_the_cores_are_the_same(monkeypatch, order, ratio):
    """When one period is much the larger (the current or the previous one), its
    replicates are shared between the cores (its Grid replicates taken one at a time from
    one queue by both): the same intervals as on one core."""
    from peernet.metrics import uncertainty

    net = pn.load_sample("riverbend")
    a, b = net.period(order[0]), net.period(order[1])
    monkeypatch.setattr(uncertainty, "SPLIT_RATIO", ratio)   # 2025 has 1.097x 2024's rows
    assert uncertainty._larger(a, b, [("grid", 5), (["density"], 4)]) == \
        (1 if order[1] == "2025" else 0)
    out = {}
    for w in ("1", "2"):
        monkeypatch.setenv(_parallel.WORKERS_ENV, w)
        out[w] = uncertainty.bootstrap_changes(a, b, [("grid", 7), (["density", "reciprocity"],
                                                                     3)], seed=3)
    for one, two in zip(out["1"], out["2"], strict=True):
        pd.testing.assert_frame_equal(one, two, check_exact=True)


class _LossyTasks(_parallel.Tasks):
    """A queue whose every third number taken is lost (as if the child that took it died)."""

    def take(self):
        t = super().take()
        while t is not None and t % 3 == 0:
            t = super().take()
        return t


def test_grid_replicates_lost_with_a_child_are_computed_again(monkeypatch):
    """Replicates a failed child took from the queue are computed here: the same numbers."""
    from peernet.metrics import uncertainty

    net = pn.load_sample("riverbend")
    a, b = net.period("2024"), net.period("2025")
    what = [("grid", 8), (["density"], 2)]
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    one = uncertainty.bootstrap_changes(a, b, what, seed=4)
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(uncertainty, "SPLIT_RATIO", 0.0)
    monkeypatch.setattr(uncertainty, "Tasks", _LossyTasks)
    for x, y in zip(one, uncertainty.bootstrap_changes(a, b, what, seed=4), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


def test_tasks_are_taken_once_across_a_fork():
    tasks = _parallel.Tasks(200)
    first, second = _parallel.both(lambda: list(iter(tasks.take, None)),
                                   lambda: list(iter(tasks.take, None)))
    tasks.close()
    assert sorted(first + second) == list(range(200))
    assert first == sorted(first) and second == sorted(second)
    with pytest.raises(ValueError, match="0 to"):
        _parallel.Tasks(_parallel.Tasks.MAX + 1)


@pytest.mark.parametrize("together", [False, True])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_intervals_started_period_by_period_equal_bootstrap_change(monkeypatch, workers,
                                                                   together):
    """pn.evaluate starts each period's replicates when the period is scored (the larger
    period shared between two processes), or, below ONE_CHILD_ROWS interactions, every
    period's in one child once the first is scored: the intervals and differences are
    those of bootstrap_change with the same seed, to the last digit, and the Grid
    contexts go."""
    from peernet import evaluation_steps
    from peernet._cache import memo
    from peernet.evaluation_steps import BOOTSTRAP_METRICS, Uncertainty
    from peernet.grid.context import SLICE_CONTEXT
    from peernet.metrics import uncertainty

    monkeypatch.setenv(_parallel.WORKERS_ENV, workers)
    net = pn.load_sample("riverbend")   # 9,870 interactions: together by default
    assert (len(net.interactions) < evaluation_steps.ONE_CHILD_ROWS) is True
    if not together:
        monkeypatch.setattr(evaluation_steps, "ONE_CHILD_ROWS", 0)
    slices = {p: net.period(p) for p in ("2024", "2025")}
    for s in slices.values():
        pn.score(s)
    u = Uncertainty(slices, 6, 3, n_grid=4)
    assert u.largest == 1                        # 2025 has the more interactions
    u.start("2024")
    assert ("2024", 0) in u.jobs and (("2025", 1) in u.jobs) is together
    u.start("2025")
    assert ("2024", 0) in u.jobs and ("2025", 1) in u.jobs
    pids = {u.jobs[k].pid for k in u.jobs}
    assert len(pids) == (1 if together or workers == "1" else 2)
    iv, diffs = u.result()
    for s in slices.values():
        assert SLICE_CONTEXT not in (memo(s) or {})
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    expected = uncertainty.bootstrap_changes(slices["2024"], slices["2025"],
                                             [("grid", 4), (list(BOOTSTRAP_METRICS), 6)],
                                             seed=3)
    for section, d in zip(("grid", "network"), expected, strict=True):
        got = diffs[diffs["section"] == section].reset_index(drop=True)
        for col in ("change", "low", "high", "detectable"):
            pd.testing.assert_series_equal(got[col], d[col], check_exact=True,
                                           check_names=False)
        for p, side in (("2024", "previous"), ("2025", "current")):
            rows = iv[(iv["section"] == section) & (iv["period"] == p)].reset_index(drop=True)
            for col in ("low", "high"):
                pd.testing.assert_series_equal(rows[col], d[f"{side}_{col}"],
                                               check_exact=True, check_names=False)


@pytest.mark.parametrize("split", [False, True])
def test_replicates_without_values_are_filled_in_here(monkeypatch, split):
    """A period's replicates started before its network metrics are computed leave their
    values NaN (values=False); with_values fills them in: the same values and replicates
    as computed together, on one process or shared between two."""
    import numpy as np

    from peernet.metrics import uncertainty

    monkeypatch.setenv(_parallel.WORKERS_ENV, "2" if split else "1")
    s = pn.load_sample("riverbend").period("2025")
    what = [("grid", 3), (["density", "reciprocity", "transitivity"], 5)]
    seq = np.random.SeedSequence(2)
    full = uncertainty.period_replicates(s, what, seq, split=split)
    bare = uncertainty.period_replicates(s, what, seq, split=split, values=False)
    assert bare[1][0].isna().all()
    assert list(bare[1][0].index) == ["density", "reciprocity", "transitivity"]
    pd.testing.assert_series_equal(bare[0][0], full[0][0], check_exact=True)   # the Grid's
    for known in (None, pn.network_metrics(s)):   # computed, or read from network_metrics
        filled = uncertainty.with_values(s, what, bare, known)
        for (v1, r1), (v2, r2) in zip(full, filled, strict=True):
            pd.testing.assert_series_equal(v1, v2, check_exact=True)
            np.testing.assert_array_equal(r1, r2)
    assert full[1][0].notna().all()


@pytest.mark.parametrize("lossy", [False, True])
def test_shared_replicates_past_the_first_batch_are_the_same(monkeypatch, lossy):
    """Grid replicates past the first batch of network metrics (their draws made on either
    core from the stream after it) and the later batches: the same intervals as on one
    core, also when a child's replicates are lost."""
    from peernet.metrics import _batch, uncertainty

    net = pn.load_sample("riverbend")
    a, b = net.period("2024"), net.period("2025")
    what = [("grid", 9), (["density", "reciprocity", "largest_component_share"], 10)]
    monkeypatch.setattr(_batch, "WIDTH", 4)
    monkeypatch.setenv(_parallel.WORKERS_ENV, "1")
    one = uncertainty.bootstrap_changes(a, b, what, seed=5)
    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(uncertainty, "SPLIT_RATIO", 0.0)
    if lossy:
        monkeypatch.setattr(uncertainty, "Tasks", _LossyTasks)
    for x, y in zip(one, uncertainty.bootstrap_changes(a, b, what, seed=5), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


@pytest.mark.parametrize("bootstrap", [0, 4])
def test_evaluate_is_the_same_with_its_metrics_in_children(monkeypatch, bootstrap):
    """pn.evaluate computes participation, and each period's member metrics (and the
    network metrics of a period before the last), in forked children while it scores the
    periods and computes the rest (with intervals, the last period's member metrics here,
    its replicates on the other core): every table equal to the evaluation on one
    core."""
    from peernet import evaluation_steps

    monkeypatch.setattr(evaluation_steps, "FORK_ROWS", 0)   # riverbend: fork anyway
    pids = []

    def later(fn, *, fork=True):
        pending = _parallel.later(fn, fork=fork)
        if getattr(fn, "func", fn).__name__ in ("participation_tables", "run"):
            pids.append(pending.pid)   # not the intervals' children
        return pending

    monkeypatch.setattr(evaluation_steps, "later", later)
    net = pn.load_sample("riverbend")
    out = {}
    for w in ("1", "2"):
        monkeypatch.setenv(_parallel.WORKERS_ENV, w)
        pids.clear()
        out[w] = pn.evaluate(net, periods=["2024", "2025"], bootstrap=bootstrap)
        forked = [p is not None for p in pids]   # participation, each period's metrics
        fork = w == "2" and _parallel.can_fork()
        assert forked == [fork, fork, fork and not bootstrap]
    one, two = out["1"], out["2"]
    for name in ("network", "members", "annual", "participation", "groups", "followup",
                 "ties", "mixing", "intervals", "differences"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)
    pd.testing.assert_frame_equal(one.changes(), two.changes())
    assert one.meta == two.meta


def test_when_idle_work_runs_once_while_waiting_for_a_child(monkeypatch):
    """when_idle's work runs the first time this process would wait for a child that has
    not finished (its errors ignored), once, and never in a child forked afterwards."""
    import os
    import time

    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    if not _parallel.can_fork():
        pytest.skip("no fork here")
    monkeypatch.setattr(_parallel, "_IDLE", [])
    done: list[int] = []
    _parallel.when_idle(lambda: done.append(os.getpid()))
    _parallel.when_idle(lambda: 1 / 0)
    job = _parallel.later(lambda: (time.sleep(0.5), len(done))[1])   # the child's own copy
    assert job.result() == 0
    assert done == [os.getpid()] and _parallel._IDLE == []
    assert _parallel.later(lambda: 3).result() == 3 and done == [os.getpid()]


def test_igraph_is_imported_before_the_metrics_fork_only_where_the_metrics_use_it(
        riverbend, monkeypatch):
    """The metrics' children share the parent's igraph import (a 10k child imported it
    for 0.5-1 CPU s): imported where the graph's CSR entries are within IGRAPH_WORK, not
    above (at 100,000 members the metrics use the compiled kernels only)."""
    import peernet.metrics._sparse as K
    from peernet.metrics.arrays import import_igraph_for
    from peernet.ties import person_ties

    y = riverbend.period("2025")
    entries = 2 * person_ties(y).m
    assert entries > 0
    calls = []
    monkeypatch.setattr(K, "_igraph", K._LAZY)
    real = K._ig
    monkeypatch.setattr("peernet.metrics.arrays._ig", lambda: calls.append(1) or real())
    monkeypatch.setattr("peernet.metrics.arrays.IGRAPH_WORK", entries - 1)
    assert import_igraph_for(y) is False and calls == []
    monkeypatch.setattr("peernet.metrics.arrays.IGRAPH_WORK", entries)
    assert import_igraph_for(y) is True and calls == [1]
