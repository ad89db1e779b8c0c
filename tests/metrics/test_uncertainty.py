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
    from peernet.metrics.uncertainty import StructureReplicates

    y = riverbend.period("2025")
    fast = StructureReplicates(y, list(NETWORK_METRICS))
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(2):
        a = fast.replicate(r1)[list(NETWORK_METRICS)]
        b = pn.network_metrics(resample_events(y, r2))
        pd.testing.assert_series_equal(a, b, check_names=False, check_exact=True)


def test_shifted_interval_stays_in_range(tiny_net):
    b = pn.metrics.bootstrap(tiny_net, ["density", "reciprocity", "ei_index_org"], n=20)
    assert (b["low"] >= -1).all() and (b.loc[:1, "high"] <= 1).all()
    assert (b.loc[:1, "low"] >= 0).all()


# ---------------------------------------------------------------- changes: both years resampled
def _shifted(net, years=1):
    """The whole network moved ``years`` later: every date, period label and wave."""
    off = pd.DateOffset(years=years)
    tables = {}
    for name in ("members", "interactions", "events", "problems", "actions", "surveys",
                 "checklist", "outcomes"):
        df = getattr(net, name).copy()
        for col in df.columns:
            if str(df[col].dtype).startswith("datetime64"):
                df[col] = df[col] + off
        for col in ("period", "wave"):
            if col in df.columns and name != "members":
                df[col] = (df[col].astype(int) + years).astype(str)
        tables[name] = df
    return pn.PeerNetwork.from_tables(**tables, tz=net.tz, name=net.name, warn=False)


def test_grid_replicates_equal_scoring_the_replicate(riverbend):
    from peernet.grid.replicates import GridReplicates

    y = riverbend.period("2025")
    g = GridReplicates(y)
    assert np.allclose(g.value.to_numpy(), pn.score(y).layers["score"].to_numpy(),
                       equal_nan=True)
    for seed in (1, 2):
        fast = g.replicate(np.random.default_rng(seed))
        full = pn.score(resample_events(y, np.random.default_rng(seed))).layers["score"]
        assert np.allclose(fast, full.to_numpy(), equal_nan=True)


def test_change_interval_is_of_the_difference(riverbend):
    a, b = riverbend.period("2024"), riverbend.period("2025")
    d = pn.metrics.bootstrap_change(a, b, ["density", "reciprocity"], n=40, seed=2)
    assert d.columns.tolist() == list(pn.metrics.CHANGE_COLUMNS)
    d = d.set_index("metric")
    nm_a, nm_b = pn.network_metrics(a), pn.network_metrics(b)
    for m in ("density", "reciprocity"):
        assert d.loc[m, "change"] == pytest.approx(nm_b[m] - nm_a[m])
        assert d.loc[m, "low"] <= d.loc[m, "change"] <= d.loc[m, "high"]
        assert bool(d.loc[m, "real"]) == bool(d.loc[m, "low"] > 0 or d.loc[m, "high"] < 0)
    # the difference carries both years' noise: wider than either year's own interval
    one = pn.metrics.bootstrap(b, ["density"], n=40, seed=2).iloc[0]
    assert d.loc["density", "high"] - d.loc["density", "low"] > one["high"] - one["low"]
    assert d.loc["reciprocity", "real"]          # 0.69 -> 0.61: a real fall


def test_density_change_inside_the_noise_is_not_real(riverbend):
    # the same year with two of its meetings' attendance left out: density moves a little
    a = riverbend.period("2024")
    ev = a.interactions["event_id"].dropna().unique()[:2]
    keep = ~a.interactions["event_id"].isin(ev).to_numpy()
    from dataclasses import replace
    b = replace(a, interactions=a.interactions.loc[keep].reset_index(drop=True))
    d = pn.metrics.bootstrap_change(a, b, "density", n=40, seed=0).iloc[0]
    assert d["change"] != 0
    assert d["low"] < 0 < d["high"]
    assert d["real"] is False or not bool(d["real"])
    assert not pd.isna(d["real"])


def test_unchanged_copy_of_2024_labelled_2025_has_no_real_change(riverbend):
    copy = _shifted(riverbend)
    a, b = riverbend.period("2024"), copy.period("2025")
    assert len(a.interactions) == len(b.interactions)
    d = pn.metrics.bootstrap_change(a, b, "grid", n=15, seed=0)
    assert len(d) == 13
    assert not d["real"].fillna(False).any()
    assert d["change"].abs().max() < 1          # points: only leap-day effects
    m = pn.metrics.bootstrap_change(a, b, ["density", "reciprocity", "ei_index_org",
                                           "ei_index_sector"], n=30, seed=0)
    assert not m["real"].fillna(False).any()
    assert (m["change"].abs() < 1e-9).all()


def test_no_noise_no_verdict(riverbend):
    # checklist-only elements do not move under event resampling: neither real nor noise
    a, b = riverbend.period("2024"), riverbend.period("2025")
    d = pn.metrics.bootstrap_change(a, b, "grid", n=5, seed=0).set_index("metric")
    assert d.loc["good_practices", "change"] != 0
    assert d.loc["good_practices", "low"] == d.loc["good_practices", "high"]
    assert pd.isna(d.loc["good_practices", "real"])
    fixed = ["good_practices", "challenges", "community_change"]   # checklist, outcomes
    assert d.loc[fixed, "detectable"].isna().all()
    assert (d.loc[["trust", "time", "communication"], "detectable"] > 0).all()


def test_change_rows_carry_each_periods_interval(riverbend):
    a, b = riverbend.period("2024"), riverbend.period("2025")
    d = pn.metrics.bootstrap_change(a, b, ["density"], n=20, seed=4).iloc[0]
    sa, sb = np.random.SeedSequence(4).spawn(2)
    from peernet.metrics.uncertainty import _interval, _replicates
    for net, seq, lo, hi in ((a, sa, "previous_low", "previous_high"),
                             (b, sb, "current_low", "current_high")):
        v, r = _replicates(net, ["density"], n=20, rng=np.random.default_rng(seq))
        low, high, _ = _interval(["density"], v, r, 0.95)
        assert d[lo] == pytest.approx(low[0]) and d[hi] == pytest.approx(high[0])
        assert d[lo] <= pn.network_metrics(net)["density"] <= d[hi]


def test_z_of_the_default_interval_is_ndtri():
    # the differences' z for ci = 0.95 is written out (no import of scipy.special): ndtri's
    from scipy.special import ndtri

    from peernet.metrics.uncertainty import _z

    for ci in (0.95, 0.9, 0.99, 0.8):
        assert _z(ci) == float(ndtri((1 + ci) / 2))
