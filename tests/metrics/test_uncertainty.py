"""bootstrap and resample_events: determinism, units, bias shift, argument errors."""

import math

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics.uncertainty import resample_events


def test_resample_keeps_events_whole(tiny_net):
    rng = np.random.default_rng(3)
    r = resample_events(tiny_net, rng)
    att = r.interactions[r.interactions["kind"] == "attend"]
    # every drawn event keeps its 3 attendees; copies get their own ids
    assert (att.groupby("event_id").size() == 3).all()
    assert set(att["event_id"]) == set(r.events["event_id"])
    assert r.events["event_id"].is_unique
    # units: 3 events + 4 lone messages = 7 draws
    sizes = {"e": 3, "r": 1}
    n = att["event_id"].nunique() * sizes["e"] + (r.interactions["kind"] != "attend").sum()
    assert len(r.interactions) == n


def test_duplicated_event_counts_twice_in_coattendance(tiny_net):
    class Fixed:                       # draws unit 0 (e1) three times
        def integers(self, lo, hi, size):
            return np.zeros(size, int)
    r = resample_events(tiny_net, Fixed())
    G = pn.person_graph(r)
    assert G["ana"]["ben"]["weight"] == 7 and G.number_of_edges() == 3


def test_bootstrap_shape_and_determinism(riverbend):
    y = riverbend.period("2025")
    a = pn.metrics.bootstrap(y, ["density", "reciprocity"], n=10, seed=1)
    b = pn.metrics.bootstrap(y, ["density", "reciprocity"], n=10, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert a.columns.tolist() == ["metric", "value", "low", "high", "n", "seed"]
    assert a["metric"].tolist() == ["density", "reciprocity"]
    s = pn.network_metrics(y)
    assert a["value"].tolist() == [s["density"], s["reciprocity"]]
    assert (a["low"] <= a["value"]).all() and (a["value"] <= a["high"]).all()
    raw = pn.metrics.bootstrap(y, "density", n=10, seed=1, correct_bias=False)
    assert raw["high"].item() < raw["value"].item()      # replicates lose 37% of events
    assert raw.attrs["bias"]["density"] < 0


def test_bootstrap_callables(tiny_net):
    def events_held(net):
        return float(len(net.events))
    b = pn.metrics.bootstrap(tiny_net, events_held, n=30, seed=0, correct_bias=False)
    assert b["metric"].tolist() == ["events_held"] and b["value"].item() == 3
    assert 1 <= b["low"].item() <= b["high"].item() <= 7
    b = pn.metrics.bootstrap(tiny_net, lambda n: pd.Series({"x": 1.0, "y": np.nan}), n=5)
    assert b["low"].iloc[0] == 1 and math.isnan(b["low"].iloc[1])


@pytest.mark.parametrize("kwargs, match", [
    ({"metric": "densty"}, "network_metrics entries"), ({"metric": "density", "n": 0}, "n must"),
    ({"metric": "density", "ci": 1.5}, "ci must"),
])
def test_bootstrap_bad_arguments(tiny_net, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pn.metrics.bootstrap(tiny_net, **kwargs)


def test_bootstrap_empty_period(tiny_net):
    b = pn.metrics.bootstrap(tiny_net.period("2023"), "density", n=3)
    assert math.isnan(b["value"].item()) and math.isnan(b["low"].item())


def test_fast_replicates_equal_rebuilt_networks(riverbend):
    from peernet.metrics.structure import NETWORK_METRICS
    from peernet.metrics.uncertainty import _FastStructure

    y = riverbend.period("2025")
    fast = _FastStructure(y, list(NETWORK_METRICS))
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(2):
        a = fast.replicate(r1)[list(NETWORK_METRICS)]
        b = pn.network_metrics(resample_events(y, r2))
        pd.testing.assert_series_equal(a, b, check_names=False)


def test_shifted_interval_stays_in_range(tiny_net):
    b = pn.metrics.bootstrap(tiny_net, ["density", "reciprocity", "ei_index_org"], n=20)
    assert (b["low"] >= -1).all() and (b.loc[:1, "high"] <= 1).all()
    assert (b.loc[:1, "low"] >= 0).all()
