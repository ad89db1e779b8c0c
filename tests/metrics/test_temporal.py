"""retention_curve, burstiness, time_to_first_reply, tie_change: values computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics.temporal import time_to_first_reply


def acts(rows, members=None):
    df = pd.DataFrame(rows)
    ids = sorted(set(df["source"]) | set(df.get("target", pd.Series()).dropna()))
    m = pd.DataFrame({"member_id": members or ids})
    return pn.PeerNetwork.from_tables(members=m, interactions=df, tz="UTC")


def test_burstiness_by_hand():
    t0 = pd.Timestamp("2025-01-01")
    rows = [{"timestamp": t0 + pd.Timedelta(hours=h), "source": "x", "kind": "message"}
            for h in (0, 1, 2, 3)]                                    # regular: gaps 1,1,1
    rows += [{"timestamp": t0 + pd.Timedelta(hours=h), "source": "y", "kind": "message"}
             for h in (0, 1, 11)]                                     # gaps 1, 10
    rows += [{"timestamp": t0 + pd.Timedelta(hours=h), "source": "z", "kind": "message"}
             for h in (0, 0, 0, 3)]                                   # gaps 0, 0, 3: maximal
    rows += [{"timestamp": t0, "source": "w", "kind": "message"}]
    b = pn.metrics.burstiness(acts(rows)).set_index("member_id")
    assert b.loc["x", "burstiness"] == -1 and b.loc["x", "burstiness_corrected"] == -1
    r = 4.5 / 5.5                                                     # std / mean of 1, 10
    assert b.loc["y", "burstiness"] == pytest.approx(-0.1)
    a2 = (math.sqrt(3) * r - 1) / ((math.sqrt(3) - 2) * r + 1)        # Kim & Jo, n = 2
    assert b.loc["y", "burstiness_corrected"] == pytest.approx(a2)
    assert b.loc["z", "burstiness_corrected"] == pytest.approx(1.0)   # r = sqrt(n - 1)
    assert b.loc["z", "burstiness"] == pytest.approx((math.sqrt(2) - 1) / (math.sqrt(2) + 1))
    assert math.isnan(b.loc["w", "burstiness"]) and b.loc["w", "events"] == 1
    assert b.loc["y", "mean_gap_hours"] == 5.5
    net = pn.metrics.burstiness(acts(rows), level="network")
    assert net["events"].tolist() == [12]
    with pytest.raises(ValueError, match="level must be"):
        pn.metrics.burstiness(acts(rows), level="org")


def test_time_to_first_reply_by_hand():
    rows = [
        {"timestamp": "2025-03-01 09:00", "source": "a", "kind": "message", "thread_id": "t1"},
        {"timestamp": "2025-03-01 09:30", "source": "a", "kind": "reply", "thread_id": "t1"},
        {"timestamp": "2025-03-01 10:30", "source": "b", "kind": "reply", "thread_id": "t1"},
        {"timestamp": "2025-03-01 12:00", "source": "c", "kind": "reply", "thread_id": "t1"},
        {"timestamp": "2025-03-02 08:00", "source": "c", "kind": "message", "thread_id": "t2"},
        {"timestamp": "2025-12-31 20:00", "source": "b", "kind": "message", "thread_id": "t3"},
        {"timestamp": "2026-01-01 02:00", "source": "a", "kind": "reply", "thread_id": "t3"},
    ]
    net = acts(rows)
    t = pn.metrics.time_to_first_reply(net).set_index("thread_id")
    assert t.loc["t1", "hours_to_first_reply"] == 1.5 and t.loc["t1", "replier"] == "b"
    assert t.loc["t1", "replies"] == 2 and t.loc["t1", "author"] == "a"
    assert math.isnan(t.loc["t2", "hours_to_first_reply"]) and t.loc["t2", "replies"] == 0
    y = pn.metrics.time_to_first_reply(net.period("2025")).set_index("thread_id")
    assert list(y.index) == ["t1", "t2", "t3"] and y.loc["t3", "hours_to_first_reply"] == 6
    assert len(pn.metrics.time_to_first_reply(net.period("2026"))) == 0


def test_time_to_first_reply_when_no_thread_is_answered():
    rows = [
        {"timestamp": "2025-03-01 09:00", "source": "a", "kind": "message", "thread_id": "t1"},
        {"timestamp": "2025-03-01 09:30", "source": "a", "kind": "reply", "thread_id": "t1"},
        {"timestamp": "2025-03-02 08:00", "source": "c", "kind": "message", "thread_id": "t2"},
    ]
    t = pn.metrics.time_to_first_reply(acts(rows))   # all first replies NaT: stays UTC
    assert str(t["first_reply"].dtype) == str(t["started"].dtype) == "datetime64[ns, UTC]"
    assert t["hours_to_first_reply"].isna().all() and t["replies"].tolist() == [0, 0]


def test_time_to_first_reply_without_threads(tiny_net):
    t = pn.metrics.time_to_first_reply(tiny_net)
    assert len(t) == 0 and t.columns[0] == "thread_id"


def test_tie_change_by_hand(tiny_net):
    # Q1: ana-ben (2), ana-cai (3), ben-cai (1); Q2: ana-cai (1), ana-dee (1), cai-dee (1)
    c = pn.metrics.tie_change(tiny_net.period("2025Q1"), tiny_net.period("2025Q2"))
    assert c.name == "2025Q1->2025Q2"
    assert (c["ties_a"], c["ties_b"], c["ties_kept"], c["ties_new"], c["ties_lost"]) == \
        (3, 3, 1, 2, 2)
    assert c["ties_weakened"] == 1 and c["ties_strengthened"] == 0
    assert c["jaccard"] == pytest.approx(1 / 5) and c["share_kept"] == pytest.approx(1 / 3)
    assert (c["members_stayed"], c["members_joined"], c["members_left"]) == (2, 1, 1)
    assert c["density_change"] == 0 and c["density_change_stayed"] == 0
    assert c["ties_change_stayed"] == 0 and c["ties_change_turnover"] == 0


def test_tie_change_decomposition_adds_up(riverbend):
    c = pn.metrics.tie_change(riverbend.period("2024"), riverbend.period("2025"))
    assert c["ties_change"] == c["ties_change_stayed"] + c["ties_change_turnover"]
    assert c["density_change"] == pytest.approx(c["density_change_stayed"]
                                                 + c["density_change_turnover"])
    assert c["ties_kept"] + c["ties_lost"] == c["ties_a"]
    G = pn.person_graph(riverbend.period("2024"))
    H = pn.person_graph(riverbend.period("2025"))
    kept = {frozenset(e) for e in G.edges()} & {frozenset(e) for e in H.edges()}
    assert c["ties_kept"] == len(kept)
    e = pn.metrics.tie_change(riverbend.period("2019"), riverbend.period("2020"))
    assert e["ties_a"] == 0 and math.isnan(e["jaccard"]) and math.isnan(e["density_a"])


def test_retention_curve_by_hand(tiny_net):
    # data end 2025-08-01 09:00; cut-off 100 days before: ben (last 03-01) and cai (04-15) stop
    km = pn.metrics.retention_curve(tiny_net, inactivity_days=100)
    c24 = km[km["cohort"] == "2024"]
    assert c24["days"].tolist() == pytest.approx([0, 410 + 10 / 24, 425 + 9 / 24,
                                                  457 + 9 / 24, 578 + 9 / 24])
    assert c24["survival"].tolist() == pytest.approx([1, 0.75, 0.5, 0.5, 0.5])
    assert c24["at_risk"].tolist() == [4, 4, 3, 2, 1]
    assert c24["stopped"].tolist() == [0, 1, 1, 0, 0]
    c25 = km[km["cohort"] == "2025"]
    assert c25["days"].tolist() == pytest.approx([0, 61 + 9 / 24])
    assert c25["survival"].tolist() == [1, 1] and c25["censored"].tolist() == [0, 1]
    one = pn.metrics.retention_curve(tiny_net, cohort=None)
    assert one["cohort"].unique().tolist() == ["all"] and (one["survival"] == 1).all()
    by_org = pn.metrics.retention_curve(tiny_net, cohort="org", inactivity_days=100)
    assert sorted(by_org["cohort"].unique()) == ["A", "B"]
    with pytest.raises(ValueError, match="cohort must be"):
        pn.metrics.retention_curve(tiny_net, cohort="shoe_size")


def test_retention_curve_slice_uses_data_up_to_its_end(riverbend):
    km = pn.metrics.retention_curve(riverbend.period("2024"), cohort=None)
    assert km["days"].max() <= (pd.Timestamp("2025-01-01", tz="America/Los_Angeles")
                                - riverbend.members["joined"].min()).days + 1
    assert km["survival"].is_monotonic_decreasing
    empty = pn.metrics.retention_curve(pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a"]})))
    assert len(empty) == 0 and list(empty.columns)[0] == "cohort"
    assert np.all(km["at_risk"] >= km["stopped"] + km["censored"])


def _product_limit(km):
    """The estimator peernet used to write by hand: S = cumprod(1 - d/n) per cohort."""
    return np.concatenate([np.cumprod(1 - t["stopped"] / t["at_risk"]).to_numpy()
                           for _, t in km.groupby("cohort", sort=False)])


@pytest.mark.parametrize("cohort", ["joined_year", "sector", None])
def test_retention_curve_equals_the_old_product_limit(riverbend, cohort):
    for net in (riverbend, riverbend.period("2024")):
        km = pn.metrics.retention_curve(net, cohort=cohort)
        assert km["survival"].to_numpy() == pytest.approx(_product_limit(km), abs=1e-12)
        ok = km["low"].notna()
        assert (km.loc[ok, "low"] <= km.loc[ok, "survival"] + 1e-12).all()
        assert (km.loc[ok, "high"] >= km.loc[ok, "survival"] - 1e-12).all()


def test_retention_curve_greenwood_by_hand(tiny_net):
    # cohort 2024 (4 members, inactivity 100 days): one stops at n = 4, one at n = 3
    km = pn.metrics.retention_curve(tiny_net, inactivity_days=100)
    c24 = km[km["cohort"] == "2024"].reset_index(drop=True)
    # Greenwood: Var S = S^2 sum d / (n (n - d)); at the second stop S = 0.5
    var = 0.5 ** 2 * (1 / (4 * 3) + 1 / (3 * 2))
    half = 1.959963984540054 * math.sqrt(var)
    assert c24.loc[2, "low"] == pytest.approx(0.5 - half)
    assert c24.loc[2, "high"] == pytest.approx(min(1.0, 0.5 + half))
    var1 = 0.75 ** 2 * (1 / (4 * 3))
    assert c24.loc[1, "low"] == pytest.approx(0.75 - 1.959963984540054 * math.sqrt(var1))
    assert c24.loc[0, ["low", "high"]].tolist() == [1.0, 1.0]


def test_retention_test_logrank_by_hand(tiny_net):
    # two cohorts by org, inactivity 100 days: A = ana (censored), ben (stops);
    # B = cai (stops), dee, eve (censored)
    t = pn.metrics.retention_test(tiny_net, cohort="org", inactivity_days=100)
    assert t[["cohort_a", "cohort_b", "members_a", "members_b", "stopped_a", "stopped_b"]] \
        .values.tolist() == [["A", "B", 2, 3, 1, 1]]
    # the log-rank statistic written out: observed minus expected stops of A over the
    # stop times, divided by the square root of the hypergeometric variance
    sd = pn.metrics.temporal._survival_data(tiny_net, "org", 100)
    times = np.sort(sd.loc[sd["stopped"], "days"].unique())
    o_e = var = 0.0
    for tt in times:
        at = sd["days"] >= tt
        n, na = at.sum(), (at & (sd["cohort"] == "A")).sum()
        d = ((sd["days"] == tt) & sd["stopped"]).sum()
        da = ((sd["days"] == tt) & sd["stopped"] & (sd["cohort"] == "A")).sum()
        o_e += da - d * na / n
        var += d * (na / n) * (1 - na / n) * (n - d) / max(n - 1, 1)
    z = o_e / math.sqrt(var)
    assert t["statistic"].iloc[0] == pytest.approx(z)
    from scipy.stats import norm
    assert t["p_value"].iloc[0] == pytest.approx(2 * norm.sf(abs(z)))
    assert pn.metrics.retention_test(tiny_net, cohort=None).empty


@pytest.mark.parametrize("coded", [False, True])
def test_a_slices_threads_are_the_whole_networks_started_in_it(riverbend, coded):
    net = riverbend
    if coded:   # the out-of-core loader's thread ids: categoricals over their sorted values
        inter = net.interactions
        net = net.replace(interactions=inter.assign(thread_id=inter["thread_id"].astype(
            pd.CategoricalDtype(sorted(inter["thread_id"].dropna().unique())))))
    whole = time_to_first_reply(net)
    for p in ("2024", "2025"):
        y = net.period(p)
        got = time_to_first_reply(y)
        w = y.window
        inside = ((whole["started"] >= w.start_utc) & (whole["started"] < w.end_utc)).to_numpy()
        want = whole.loc[inside].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
        assert len(got) > 50 and got["replies"].sum() > 0
