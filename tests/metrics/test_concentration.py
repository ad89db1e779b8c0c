"""absence_factor, elephant_factor, engagement_ladder, help_flow: by hand on tiny_net."""

import math

import pandas as pd
import pytest

import peernet as pn


def test_absence_and_elephant_by_hand(tiny_net):
    # contributions (everything but attend): ana 1, ben 1, cai 1, dee 1; orgs A 2, B 2
    assert pn.metrics.absence_factor(tiny_net) == 2
    assert pn.metrics.absence_factor(tiny_net, share=0.75) == 3
    assert pn.metrics.absence_factor(tiny_net, kinds=["attend"]) == 2   # ana 3 + cai 2 of 9
    assert pn.metrics.elephant_factor(tiny_net) == 1
    assert pn.metrics.elephant_factor(tiny_net, share=0.51) == 2
    assert math.isnan(pn.metrics.absence_factor(tiny_net.period("2023")))
    with pytest.raises(ValueError, match="share must be"):
        pn.metrics.absence_factor(tiny_net, share=0)
    with pytest.raises(ValueError, match="kinds must be"):
        pn.metrics.absence_factor(tiny_net, kinds=["chat"])


def test_elephant_without_org(davis):
    assert math.isnan(pn.metrics.elephant_factor(davis))
    assert math.isnan(pn.metrics.absence_factor(davis))                  # attendance only


def test_engagement_ladder_by_hand(tiny_net):
    lad = pn.metrics.engagement_ladder(tiny_net).set_index("member_id")
    assert lad["level"].astype(str).to_dict() == {"ana": "core", "ben": "core",
                                                 "cai": "regular", "dee": "regular",
                                                 "eve": "observer"}
    assert lad.loc["ana", "share_contributions"] == 0.25
    assert lad.loc["dee", "share_cumulative"] == 1.0
    assert math.isnan(lad.loc["eve", "share_cumulative"])


def test_ladder_core_is_the_absence_factor(riverbend):
    y = riverbend.period("2025")
    lad = pn.metrics.engagement_ladder(y)
    assert (lad["level"] == "core").sum() == pn.metrics.absence_factor(y)
    assert len(lad) == len(y.members_active())
    # every act but attending; a contact is an act of both people
    kinds = y.interactions["kind"]
    assert lad["contributions"].sum() == (kinds != "attend").sum() + (kinds == "contact").sum()
    with pytest.raises(ValueError, match="thresholds"):
        pn.metrics.engagement_ladder(y, thresholds={"core": 0.95})


def test_help_flow_by_hand(tiny_net):
    h = pn.metrics.help_flow(tiny_net).set_index("member_id")
    assert h[["help_given", "help_received"]].to_dict("index") == {
        "dee": {"help_given": 1, "help_received": 0},
        "eve": {"help_given": 0, "help_received": 1}}
    assert h.loc["dee", "only_gives"] and not h.loc["dee", "burnout_risk"]
    assert math.isnan(h.loc["dee", "give_receive_ratio"])
    assert h.loc["eve", "give_receive_ratio"] == 0
    assert h.loc["dee", "burnout_risk"] == False  # noqa: E712
    assert pn.metrics.help_flow(tiny_net, burnout_min=1).set_index("member_id").loc[
        "dee", "burnout_risk"]


def test_help_flow_counts_problem_helpers():
    net = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a", "b", "c"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["a"],
                                   "kind": ["referral"], "target": ["b"]}),
        problems=pd.DataFrame({"problem_id": ["p1", "p2"], "raised_by": ["b", "c"],
                               "raised_at": ["2025-01-02", "2025-01-03"],
                               "helpers": ["a; c", "a"]}))
    h = pn.metrics.help_flow(net).set_index("member_id")
    assert h["help_given"].to_dict() == {"a": 3, "b": 0, "c": 1}
    assert h["help_received"].to_dict() == {"a": 0, "b": 3, "c": 1}
    assert h.loc["c", "give_receive_ratio"] == 1 and h.loc["a", "only_gives"]
