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
