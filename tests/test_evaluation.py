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
    return Evaluation(
        net=net, periods=("2024", "2025"),
        slices={"2024": net.period("2024"), "2025": net.period("2025")},
        scores={"2024": _score(40.0, 50.0, 2.8, "emerging"),
                "2025": _score(70.0, 52.0, 3.2, "strong")},
        network=network, annual=annual, participation=annual, members=pd.DataFrame(
            {"period": [], "member_id": []}), groups=groups, followup=followup,
        ties=pd.DataFrame(), meta={})


def test_changes_arithmetic_and_interval():
    ch = _hand_built().changes()
    assert list(ch.columns[:3]) == ["section", "item", "metric"]
    assert isinstance(ch.index, pd.RangeIndex)
    row = ch[(ch["section"] == "network") & (ch["metric"] == "density")].iloc[0]
    # 0.30 - 0.20; last year's 0.20 lies below this year's interval [0.25, 0.35]
    assert row["previous"] == 0.20 and row["current"] == 0.30
    assert row["change"] == pytest.approx(0.10)
    assert row["change_rel"] == pytest.approx(0.5)
    assert bool(row["outside_interval"]) is True
    assert row["assessment"] == "changed"  # density has no better or worse direction
    rec = ch[(ch["section"] == "network") & (ch["metric"] == "reciprocity")].iloc[0]
    assert bool(rec["outside_interval"]) is False  # 0.50 lies inside [0.45, 0.60]
    assert rec["assessment"] == "better"
    ret = ch[ch["metric"] == "retention_rate"].iloc[0]
    assert ret["change"] == pytest.approx(-0.20)
    assert ret["assessment"] == "worse"
    assert pd.isna(ret["outside_interval"])  # no interval computed
    grid = ch[ch["section"] == "grid"].set_index("metric")
    assert grid.loc["trust", "change"] == 30 and grid.loc["trust", "item"] == "bedrock"
    assert grid.loc["space", "assessment"] == "better"
    ind = ch[(ch["section"] == "indicator") & (ch["metric"] == "survey_trust")].iloc[0]
    assert ind["change"] == pytest.approx(0.4) and ind["item"] == "trust"
    mountain = ch[(ch["section"] == "region") & (ch["metric"] == "members_active")].iloc[0]
    assert (mountain["item"], mountain["previous"], mountain["current"]) == ("Mountain", 20, 8)


def test_highlights_rank_and_wording():
    ev = _hand_built()
    hl = ev.highlights(5)
    assert len(hl) == 5
    # trust +30 points (salience 3.0) beats the Mountain region's -80% interactions (2.67)
    assert hl[0].startswith("The Grid score for Trust (Bedrock) rose from 40 to 70 "
                            "(+30 points), from emerging to strong, mostly through survey "
                            "trust (2.80 to 3.20)")
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
                                "band_2025", "coverage", "change"]
    assert sc["change"].tolist() == [30.0, 2.0]
    text = ev.summary()
    assert text.splitlines()[0] == "network: evaluation of 2025 against 2024."
    assert "Strongest element: trust (70, strong)" in text
    assert "<" not in ev._repr_html_().replace("<b>", "").replace("</b>", "").replace(
        "<ul>", "").replace("</ul>", "").replace("<li>", "").replace("</li>", "")


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
    with pytest.raises(ValueError, match=r"no interactions in period\(s\) \['2023'\]; the "
                                         r"data run from 2025-01-15 to 2025-08-01"):
        pn.evaluate(tiny_net, periods=["2023", "2025"])
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
