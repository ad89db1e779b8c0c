"""A fiscal start other than July: every layer uses the evaluated windows, not a re-parse.

``pn.evaluate(net, periods=["FY2024", "FY2025"], start_month=10)`` scores 2024-10-01..
2025-10-01 for FY2025. The report's maps used to cut "FY2025" again with the default July
start (2024-07-01..2025-07-01); here the ties drawn in each panel are compared, one by one,
with the ties of the evaluation's own slice (API and ``peernet evaluate --fiscal-start 10``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.cli import main

SAMPLE = str(pn.datasets.sample_path("riverbend"))


def _record_maps(monkeypatch) -> list:
    """Wrap pn.plot.map_years so the figures the report draws can be read back (on one
    core: the report draws its figures in a forked child otherwise)."""
    monkeypatch.setenv("PEERNET_WORKERS", "1")
    seen = []
    original = pn.plot.map_years

    def recording(net, periods, **kwargs):
        fig = original(net, periods, **kwargs)
        seen.append((list(periods), fig, kwargs.get("ties", "all")))
        return fig

    monkeypatch.setattr(pn.plot, "map_years", recording)
    return seen


def _drawn_pairs(fig, slices) -> list[set]:
    """The member pairs each panel draws a tie between (segments mapped back to members
    through the one layout of the panels)."""
    from peernet.plot import layouts

    L = layouts.periods_layout(slices, 0)
    where = {tuple(np.round(xy, 9)): n for n, xy in L.items()}
    out = []
    for ax in fig.axes:
        edges = [c for c in ax.collections if c.get_gid() == "peernet-edges"]
        segments = edges[0].get_segments() if edges else []
        out.append({frozenset(where[tuple(np.round(p, 9))] for p in seg) for seg in segments})
    return out


def _pairs(slice_: pn.PeerNetwork, ties: str = "all") -> set:
    kw = {"coattendance": None} if ties == "direct" else {}
    return {frozenset(e) for e in pn.person_graph(slice_, **kw).edges}


def _check(ev: pn.Evaluation, seen: list) -> None:
    # the report draws the direct ties (issue 19) and the co-attendance ties, each over
    # the evaluated windows
    direct = [(p, f) for p, f, ties in seen if ties == "direct"]
    assert len(direct) == 1 and {ties for *_, ties in seen} <= {"direct", "coattendance"}
    slices = [ev.slices[p] for p in ev.periods[-2:]]
    for periods, *_ in seen:
        assert [getattr(p, "window", p) for p in periods] == [s.window for s in slices]
    periods, fig = direct[0]
    got = _drawn_pairs(fig, slices)
    for s, pairs, ax in zip(slices, got, fig.axes, strict=True):
        expected = _pairs(s, "direct")
        assert pairs == expected and len(expected) > 100
        assert s.label in ax.get_title(loc="left")
    # the July fiscal year of the same name is another window with other ties: the
    # comparison above can tell the two apart
    july = ev.net.period("FY2025", start_month=7)
    assert _pairs(july, "direct") != got[-1]


@pytest.mark.slow
def test_report_maps_draw_the_evaluated_fiscal_years(riverbend, monkeypatch, tmp_path):
    seen = _record_maps(monkeypatch)
    ev = pn.evaluate(riverbend, periods=["FY2024", "FY2025"], start_month=10)
    y = ev.slices["FY2025"]
    assert (str(y.window.start.date()), str(y.window.end.date())) == ("2024-10-01",
                                                                     "2025-10-01")
    assert len(y.interactions) == 3386 and y.window.start_month == 10
    assert len(riverbend.period("FY2025").interactions) == 3234   # July start
    pn.report(ev, tmp_path / "r")
    _check(ev, seen)


@pytest.mark.slow
def test_cli_fiscal_start_maps_draw_the_evaluated_fiscal_years(monkeypatch, tmp_path):
    seen = _record_maps(monkeypatch)
    evaluations = []
    evaluate = pn.evaluate

    def keep(*args, **kwargs):
        evaluations.append(evaluate(*args, **kwargs))
        return evaluations[-1]

    monkeypatch.setattr(pn, "evaluate", keep)
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--fiscal-start", "10",
               "--out", str(tmp_path / "r"), "--bootstrap", "0"])
    assert rc == 0
    (ev,) = evaluations
    assert ev.periods == ("FY2024", "FY2025")
    assert ev.slices["FY2025"].window.start == pd.Timestamp("2024-10-01",
                                                            tz=ev.net.tz)
    _check(ev, seen)


def test_a_fiscal_slice_keeps_its_calendar(riverbend):
    y = riverbend.period("FY2025", start_month=10)
    assert y.previous() is riverbend.period("FY2024", start_month=10)
    assert y.period("FY2024") is y.previous()           # the slice's own fiscal start
    assert y.window_of("FY2023").start == pd.Timestamp("2022-10-01", tz=riverbend.tz)
    assert riverbend.window_of("FY2023").start == pd.Timestamp("2022-07-01",
                                                               tz=riverbend.tz)
    w = y.window
    assert riverbend.period(w) is y                     # a window is taken as it is
    pair = riverbend.period((w.start, w.end))
    assert pair.label == "2024-10-01..2025-10-01" and pair is not y
    pd.testing.assert_frame_equal(pair.interactions, y.interactions)
    again = riverbend.period(pair.label)                 # a range label reads back
    assert again.window == pair.window
