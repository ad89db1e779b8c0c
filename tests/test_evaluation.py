"""pn.evaluate and Evaluation: periods side by side, changes, highlights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.evaluation import Evaluation
from peernet.metrics.followup import followup_table
from peernet.metrics.groups import group_participation


# ---------------------------------------------------------------------- a hand-built one
def _score(trust: float, space: float, ind: float, band: str) -> pn.GridScore:
    """A GridScore with two elements (values chosen to check the arithmetic)."""
    layers = pd.DataFrame({"layer": ["bedrock", "foundation"], "element": ["trust", "space"],
                           "score": [trust, space], "band": [band, "developing"],
                           "coverage": [1.0, 0.5], "has_data": [True, True]})
    indicators = pd.DataFrame({
        "layer": ["bedrock", "foundation"], "element": ["trust", "space"],
        "indicator": ["survey_trust", "events_per_quarter"], "value": [ind, 3.0],
        "unit": ["1-4", "events"], "score": [trust, space], "weight": [1.0, 1.0],
        "has_data": [True, True], "note": ["", ""], "direction": ["higher", "higher"]})
    return pn.GridScore(layers=layers, indicators=indicators,
                        checklist=pd.DataFrame(columns=["item", "label"]), coverage=0.75,
                        rubric_version="test.1", period="", name="two", min_coverage=0.5)


def _hand_built() -> Evaluation:
    net = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a", "b"], "org": ["X", "Y"]}),
        interactions=pd.DataFrame({"timestamp": ["2024-03-01", "2025-03-01"],
                                   "source": ["a", "b"], "kind": ["message", "message"],
                                   "target": ["b", "a"]}), warn=False)
    network = pd.DataFrame({
        "period": ["2024", "2024", "2025", "2025"],
        "metric": ["density", "reciprocity", "density", "reciprocity"],
        "value": [0.20, 0.50, 0.30, 0.52],
        "low": [np.nan, np.nan, 0.25, 0.45], "high": [np.nan, np.nan, 0.35, 0.60]})
    annual = pd.DataFrame({"period": ["2024", "2025"], "members_active": [40, 20],
                           "retention_rate": [0.80, 0.60]})
    groups = pd.DataFrame({"period": ["2024", "2025"], "by": ["region", "region"],
                           "group": ["Mountain", "Mountain"], "members_current": [20, 20],
                           "members_active": [20, 8], "share_active": [1.0, 0.4],
                           "interactions": [300, 60]})
    followup = pd.DataFrame({"period": ["2024", "2025"], "metric": ["share_problems_solved"] * 2,
                             "value": [0.5, 0.75]})
    # intervals of the differences (as bootstrap_change gives them): the density change's
    # includes 0, reciprocity's and trust's do not, space's does
    differences = pd.DataFrame({
        "previous_period": "2024", "current_period": "2025",
        "section": ["network", "network", "grid", "grid"],
        "metric": ["density", "reciprocity", "trust", "space"],
        "change": [0.10, 0.02, 30.0, 2.0], "low": [-0.02, 0.005, 12.0, -6.0],
        "high": [0.21, 0.04, 47.0, 9.0], "real": [False, True, True, False],
        "tested": True, "detectable": [0.15, 0.02, 14.0, 11.0]})
    intervals = pd.DataFrame({"period": ["2024", "2025", "2025"],
                              "section": ["grid", "grid", "grid"],
                              "metric": ["trust", "trust", "space"],
                              "low": [31.0, 60.0, 45.0], "high": [50.0, 80.0, 58.0]})
    return Evaluation(
        net=net, periods=("2024", "2025"),
        slices={"2024": net.period("2024"), "2025": net.period("2025")},
        scores={"2024": _score(40.0, 50.0, 2.8, "emerging"),
                "2025": _score(70.0, 52.0, 3.2, "strong")},
        network=network, annual=annual, participation=annual, members=pd.DataFrame(
            {"period": [], "member_id": []}), groups=groups, followup=followup,
        ties=pd.DataFrame(), meta={}, intervals=intervals, differences=differences)


def test_changes_arithmetic_and_interval():
    ch = _hand_built().changes()
    assert list(ch.columns[:3]) == ["section", "item", "metric"]
    assert isinstance(ch.index, pd.RangeIndex)
    row = ch[(ch["section"] == "network") & (ch["metric"] == "density")].iloc[0]
    # 0.30 - 0.20: last year's 0.20 lies below this year's interval [0.25, 0.35], but the
    # interval of the difference [-0.02, 0.21] includes 0: not a real change
    assert row["previous"] == 0.20 and row["current"] == 0.30
    assert row["change"] == pytest.approx(0.10)
    assert row["change_rel"] == pytest.approx(0.5)
    assert (row["low"], row["high"]) == (-0.02, 0.21)
    assert row["tested"] is True or bool(row["tested"])
    assert not bool(row["real"])
    assert row["assessment"] == "changed"  # density has no better or worse direction
    rec = ch[(ch["section"] == "network") & (ch["metric"] == "reciprocity")].iloc[0]
    assert bool(rec["real"]) and (rec["low"], rec["high"]) == (0.005, 0.04)
    assert rec["assessment"] == "better"
    ret = ch[ch["metric"] == "retention_rate"].iloc[0]
    assert ret["change"] == pytest.approx(-0.20)
    assert ret["assessment"] == "worse"
    assert not ret["tested"] and not ret["real"] and np.isnan(ret["low"])  # no interval
    assert ch["real"].dtype == bool and ch["tested"].dtype == bool
    grid = ch[ch["section"] == "grid"].set_index("metric")
    assert grid.loc["trust", "change"] == 30 and grid.loc["trust", "item"] == "bedrock"
    assert grid.loc["trust", "real"] and (grid.loc["trust", "low"], grid.loc["trust", "high"]) \
        == (12.0, 47.0)
    assert grid.loc["space", "assessment"] == "better" and not grid.loc["space", "real"]
    assert grid.loc["space", "detectable"] == 11.0
    # every element score carries its own interval
    lay = _hand_built().layers.set_index(["period", "element"])
    assert (lay.loc[("2025", "trust"), "low"], lay.loc[("2025", "trust"), "high"]) == (60, 80)
    assert np.isnan(lay.loc[("2024", "space"), "low"])
    ind = ch[(ch["section"] == "indicator") & (ch["metric"] == "survey_trust")].iloc[0]
    assert ind["change"] == pytest.approx(0.4) and ind["item"] == "trust"
    mountain = ch[(ch["section"] == "region") & (ch["metric"] == "members_active")].iloc[0]
    assert (mountain["item"], mountain["previous"], mountain["current"]) == ("Mountain", 20, 8)


def test_highlights_rank_and_wording():
    ev = _hand_built()
    hl = ev.highlights(5)
    assert len(hl) == 5
    # trust +30 points (salience 3.0) beats the Mountain region's -80% interactions (2.67)
    assert hl[0] == ("The Grid score for Trust (Bedrock) rose from 40 to 70 (+30 points), from "
                     "emerging to strong, mostly through survey trust (2.80 to 3.20), a real "
                     "change (95% interval of the change +12 to +47 points): an improvement.")
    # space's +2 and density's +0.10 were tested and are inside the noise: no highlight
    every = ev.highlights(20)
    assert not any("Space" in h or "Density" in h for h in every)
    assert ("Reciprocity of directed ties rose from 50% to 52% (+2 percentage points), a real "
            "change (95% interval of the change +0.5 to +4.0 percentage points): an "
            "improvement.") in every
    assert any(h.startswith("Interactions by members of the Mountain region fell from 300 "
                            "to 60 (-80%); active members fell from 20 to 8") for h in hl)
    assert any("Share of problems solved rose from 50% to 75% (+25 percentage points)" in h
               for h in hl)
    # one highlight per Grid element and per roster attribute
    assert sum("Mountain" in h for h in hl) == 1
    assert sum("Trust" in h for h in hl) == 1
    assert ev.highlights(2) == hl[:2]


def test_scorecard_and_summary():
    ev = _hand_built()
    sc = ev.scorecard()
    assert list(sc.columns) == ["layer", "element", "score_2024", "band_2024", "score_2025",
                                "band_2025", "coverage", "low", "high", "change", "change_low",
                                "change_high", "real"]
    assert sc["change"].tolist() == [30.0, 2.0]
    assert sc["change_low"].tolist() == [12.0, -6.0] and sc["real"].tolist() == [True, False]
    assert sc["low"].tolist() == [60.0, 45.0]
    text = ev.summary()
    assert text.splitlines()[0] == "network: evaluation of 2025 against 2024."
    assert "Strongest element: trust (70, strong)" in text
    import re

    page = ev._repr_html_()  # the first page of the report: verdict, findings, actions
    assert "Verdict" in page
    tags = r"</?(?:b|ol|li|p|br|small|h3|div(?: class='peernet-evaluation')?)>"
    assert "<" not in re.sub(tags, "", page)


def test_highlights_argument_checked():
    with pytest.raises(ValueError, match="n must be a positive number of highlights; got 0"):
        _hand_built().highlights(0)


# ---------------------------------------------------------------------- pieces on riverbend
@pytest.mark.parametrize("year, solved, on_time, done", [
    ("2023", 0.542, 0.333, 0.595), ("2024", 0.688, 0.49, 0.694), ("2025", 0.841, 0.709, 0.855)])
def test_followup_matches_documented_sample(riverbend, year, solved, on_time, done):
    # docs/samples.md "What changed from 2023 to 2025", measured from the CSVs with pandas
    fu = followup_table(riverbend.period(year), year).set_index("metric")["value"]
    assert fu["share_problems_solved"] == pytest.approx(solved, abs=5e-4)
    assert fu["share_actions_on_time"] == pytest.approx(on_time, abs=5e-4)
    assert fu["share_actions_done"] == pytest.approx(done, abs=5e-4)


def test_followup_outcome_share_and_days(riverbend):
    fu = followup_table(riverbend.period("2025"), "2025").set_index("metric")["value"]
    assert fu["share_problems_with_outcome"] == pytest.approx(0.902, abs=5e-4)
    assert fu["median_days_to_solve"] == pytest.approx(12, abs=1)
    assert fu["problems_raised"] == 44


def test_groups_counts_by_hand(tiny_net):
    g = group_participation(tiny_net.period("2025"), "2025")
    org = g[g["by"] == "org"].set_index("group")
    # org A: ana, ben both active; org B: cai, dee, eve all active
    assert org.loc["A", "members_active"] == 2 and org.loc["B", "members_active"] == 3
    # interactions made by members of A: ana (3 attends + 1 message) + ben (1 + 1) = 6
    assert org.loc["A", "interactions"] == 6
    assert org.loc["B", "interactions"] == 7
    assert org["share_active"].tolist() == [1.0, 1.0]


def test_period_errors(tiny_net):
    with pytest.raises(ValueError, match=r"periods must be in time order, oldest first; got "
                                         r"\['2025', '2024'\]"):
        pn.evaluate(tiny_net, periods=["2025", "2024"])
    with pytest.raises(ValueError, match="periods must not repeat"):
        pn.evaluate(tiny_net, periods=["2025", "2025"])
    with pytest.raises(ValueError, match="period must look like"):
        pn.evaluate(tiny_net, periods=["last year"])
    with pytest.raises(ValueError, match=r"no interactions in period\(s\) \['2023', '2026'\]; "
                                         r"the data run from 2025-01-15 to 2025-08-01"):
        pn.evaluate(tiny_net, periods=["2023", "2025", "2026"])
    with pytest.raises(ValueError, match="bootstrap must be a number of resamples >= 0"):
        pn.evaluate(tiny_net, periods=["2025"], bootstrap=-1)
    with pytest.raises(TypeError, match="evaluate takes a PeerNetwork"):
        pn.evaluate("data/samples/riverbend", periods=["2025"])


def test_annual_counts_agree_with_participation(riverbend):
    # the direct count used for fiscal years equals pn.participation on calendar years
    from peernet.metrics.annual import period_counts

    direct = period_counts({p: riverbend.period(p) for p in ("2024", "2025")})
    yearly = pn.participation(riverbend, freq="YS").iloc[1:].reset_index(drop=True)
    for col in ("members_active", "members_new", "members_returning", "members_lapsed",
                "retention_rate", "events", "interactions"):
        assert direct[col].astype(float).tolist() == pytest.approx(
            yearly[col].astype(float).tolist()), col
    # 2023 has no data before it: turnover is unknown, not zero
    first = period_counts({"2023": riverbend.period("2023")}).iloc[0]
    assert first["members_active"] == 109 and np.isnan(first["retention_rate"])


def test_fiscal_years(riverbend):
    ev = pn.evaluate(riverbend, periods=["FY2024", "FY2025"], bootstrap=0)
    assert ev.meta["periods"] == {"FY2024": {"start": "2023-07-01", "end": "2024-06-30"},
                                  "FY2025": {"start": "2024-07-01", "end": "2025-06-30"}}
    assert ev.annual["period"].tolist() == ["FY2024", "FY2025"]
    fy25 = riverbend.period("FY2025")
    assert ev.annual["members_active"].iloc[1] == len(fy25.members_active())
    # FY2023 is half covered by the data (from 2023-01): FY2024's turnover is unknown
    assert np.isnan(ev.annual["members_lapsed"].iloc[0])
    assert len(ev.highlights(3)) == 3


def test_highlights_of_a_small_network_are_distinct(tiny_net):
    # tiny_net's messages again a year earlier: two periods without events
    inter = tiny_net.interactions
    direct = inter[inter["kind"] != "attend"]
    earlier = direct.assign(timestamp=direct["timestamp"] - pd.Timedelta(days=365))
    net = pn.PeerNetwork.from_tables(members=tiny_net.members,
                                     interactions=pd.concat([earlier, direct]), tz="UTC",
                                     warn=False)
    ev = pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)
    hl = ev.highlights()
    assert len(hl) == len(set(hl)) >= 1
    assert sum("on the roster" in h for h in hl) <= 1
    # eve joined 2025-06-01: the roster of 2024 has four members, of 2025 five
    ch = ev.changes()
    roster = ch[(ch["section"] == "network") & (ch["metric"] == "members")].iloc[0]
    assert (roster["previous"], roster["current"]) == (4, 5)


# ---------------------------------------------------------------------- baselines (issue 16)
def test_first_year_is_a_baseline(riverbend):
    # riverbend's data start on 2023-01-01: 2022 holds nothing, 2023 is the baseline
    ev = pn.evaluate(riverbend, periods=["2022", "2023"], bootstrap=0)
    assert ev.periods == ("2023",) and ev.baseline
    assert ev.meta["baseline"] == ("no earlier period to compare with: no interactions in "
                                   "2022 (the data start on 2023-01-01)")
    assert ev.highlights() == []
    with pytest.raises(ValueError, match=r"changes\(\) needs two periods; this evaluation "
                                         r"of \['2023'\] is a baseline"):
        ev.changes()
    # in the first period observed everyone is new: turnover is not applicable, not 109 new
    row = ev.annual.iloc[0]
    assert row["members_active"] == 109
    for col in ("members_new", "members_returning", "members_lapsed", "retention_rate"):
        assert np.isnan(row[col]), col
    na = ev.not_applicable
    assert set(na["metric"]) == {"members_new", "members_returning", "members_reactivated",
                                 "members_lapsed", "retention_rate"}
    assert na["reason"].iloc[0].startswith("2023 is the first period observed")
    assert "the baseline" in ev.summary().splitlines()[0]


def test_one_period_asks_for_a_baseline(riverbend):
    ev = pn.evaluate(riverbend, periods=["2025"], bootstrap=0)
    assert ev.baseline and ev.meta["baseline"].startswith("no comparison asked for")
    # 2025 has a full 2024 before it: its turnover stays
    assert ev.annual["members_new"].iloc[0] == pn.participation(
        riverbend, freq="YS")["members_new"].iloc[-1]
    assert ev.not_applicable.empty


def test_a_first_year_compared_with_the_next_has_no_new_member_decline(riverbend):
    ev = pn.evaluate(riverbend, periods=["2023", "2024"], bootstrap=0)
    assert not ev.baseline
    new = ev.changes().set_index("metric").loc["members_new"]
    assert np.isnan(new["previous"]) and new["assessment"] == "n/a"
    assert not any("New members" in h for h in ev.highlights(5))


def test_a_short_earlier_period_is_not_compared(tiny_net):
    # data from 2024-12-01: 2024 holds 31 days against 2025's (2025-01-15 to 2025-08-01)
    inter = tiny_net.interactions
    early = inter.iloc[:2].assign(timestamp=pd.Timestamp("2024-12-01", tz="UTC"))
    net = pn.PeerNetwork.from_tables(members=tiny_net.members, events=tiny_net.events,
                                     interactions=pd.concat([early, inter]), tz="UTC",
                                     warn=False)
    ev = pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)
    assert ev.baseline and ev.periods == ("2025",)
    assert ev.meta["baseline"].startswith("no earlier period to compare with: 2024 is too "
                                          "short to compare with (its data cover 31 days")
    assert ev.not_applicable["reason"].iloc[0].startswith("the period before 2025 cannot "
                                                          "tell who is new")
    # the Grid's indicators of change are insufficient data, with the reason
    ind = ev.scores["2025"].indicators.set_index("indicator")
    for name in ("retention", "tie_persistence"):
        assert not ind.loc[name, "has_data"]
        assert ind.loc[name, "note"].startswith("the previous period is shorter: its data "
                                                "cover 31 days")


def test_an_empty_period_between_two_is_an_error(riverbend):
    inter = riverbend.interactions
    year = inter["timestamp"].dt.tz_convert(riverbend.tz).dt.year
    net = riverbend.replace(interactions=inter[year != 2024].reset_index(drop=True))
    with pytest.raises(ValueError, match=r"no interactions in period\(s\) \['2024'\]"):
        pn.evaluate(net, periods=["2023", "2024", "2025"], bootstrap=0)


# ---------------------------------------------------------------------- honest changes (18)
def _core_text(h: str) -> str:
    """A highlight without what the bootstrap adds to it."""
    import re

    return re.sub(r", a real change \(95% interval of the change [^)]*\)| \(no interval\)", "",
                  h)


@pytest.mark.slow
def test_the_bootstrap_only_removes_noise_from_the_highlights(riverbend):
    none = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    some = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=40, grid_bootstrap=12)
    ch0, ch = none.changes(), some.changes()
    # without intervals nothing is tested, nothing is real; the salience is the same
    assert not ch0["tested"].any() and not ch0["real"].any()
    assert np.allclose(ch0["salience"], ch["salience"])
    h0 = [_core_text(h) for h in none.highlights(12)]
    h = [_core_text(x) for x in some.highlights(5)]
    assert all(x in h0 for x in h)
    assert [x for x in h0 if x in h] == h                    # same order
    assert any(x.endswith("(no interval).") or "(no interval):" in x
               for x in none.highlights(12))
    # what was left out was tested and found inside the noise
    noise = ch[ch["tested"] & ~ch["real"]]
    for x in h0[:h0.index(h[-1])]:
        if x not in h:
            assert any(lab in x for lab in noise["label"].str.replace("Grid: ", "")), x
    # reciprocity fell 0.69 -> 0.61: a real decline, with the interval of the difference
    rec = ch.set_index(["section", "metric"]).loc[("network", "reciprocity")]
    assert rec["real"] and rec["low"] < rec["high"] < 0
    # every element score of both years carries its interval
    lay = some.layers
    scored = lay[lay["score"].notna()]
    assert scored[["low", "high"]].notna().all().all()
    assert ((scored["low"] <= scored["score"] + 1e-9) & (scored["score"] <= scored["high"] + 1e-9)
            ).all()
    # each period's GridScore carries them, and shows them in Jupyter
    g = some.scores["2025"]
    cur = lay[lay["period"] == "2025"].set_index("element")
    iv = g.intervals.set_index("element").loc[cur.index]
    assert np.allclose(iv["low"], cur["low"], equal_nan=True)
    assert np.allclose(iv["high"], cur["high"], equal_nan=True)
    e = cur[cur["score"].notna()].iloc[0]
    assert f"{e['low']:.0f}–{e['high']:.0f}" in g._repr_html_()
    assert none.scores["2025"].intervals is None


def test_mixing_against_chance_is_on_the_evaluation(riverbend):
    ev = pn.evaluate(riverbend, periods=["2025"], bootstrap=0)
    row = ev.mixes_less_than_chance("org")
    # issue 18: E-I 0.81 by org where random relabelling gives 0.92, p < 0.01
    assert row["observed"] == pytest.approx(0.812, abs=5e-3)
    assert row["expected"] == pytest.approx(0.916, abs=5e-3)
    assert row["p_value"] < 0.01 and row["reading"] == "less than chance"
    m = ev.mixing.set_index(["by", "measure"])
    assert set(m.index.get_level_values("by")) == {"org", "sector", "region"}
    direct = pn.metrics.mixing(riverbend.period("2025"), by="region", permutations=1000,
                               seed=0).set_index("measure")
    assert m.loc[("region", "ei_index"), "observed"] == direct.loc["ei_index", "observed"]
    assert m.loc[("region", "ei_index"), "p_value"] == direct.loc["ei_index", "p_value"]
