"""Follow-up numbers (peernet.metrics.followup): one computation for the evaluation's
follow-up table and the Grid's indicators."""

import pandas as pd
import pytest

import peernet as pn
from peernet.metrics import followup as fu
from tests.grid.conftest import make_hand_net

# follow-up metric -> the Grid indicator that shows the same number
SAME = {"share_problems_solved": "share_solved", "median_days_to_solve": "median_days_to_solve",
        "share_problems_with_outcome": "problems_with_outcome",
        "share_actions_on_time": "actions_closed_on_time"}
# (the Grid's help_across_orgs is share_help_across_orgs divided by its chance value)


def _both(net: pn.PeerNetwork, year: str) -> tuple[pd.Series, pd.Series]:
    s = net.period(year)
    table = fu.followup_table(s, year).set_index("metric")["value"]
    ind = pn.score(s).indicators.set_index("indicator")["value"]
    return table, ind


def test_hand_built_values():
    table, ind = _both(make_hand_net(), "2025")
    # p1, p2 solved of p1..p4; p1 10 days, p2 30 days; closed p1 p2 p3, outcome p1 p3
    assert table["problems_raised"] == 4
    assert table["share_problems_solved"] == pytest.approx(0.5)
    assert table["median_days_to_solve"] == pytest.approx(20.0)
    assert table["share_problems_with_outcome"] == pytest.approx(2 / 3)
    # help: c>a (Y>X) and b>a (X>X) for p1, d>b (Y>X) for p2, the help act d>c (Y>Y)
    assert table["share_help_across_orgs"] == pytest.approx(2 / 4)
    # x1 early, x2 on its due day, x3 late, x4 open
    assert table["share_actions_done"] == pytest.approx(3 / 4)
    assert table["share_actions_on_time"] == pytest.approx(2 / 4)
    for metric, indicator in SAME.items():
        assert table[metric] == pytest.approx(ind[indicator]), metric


@pytest.mark.parametrize("year", ["2023", "2024", "2025"])
def test_followup_table_equals_the_grid_on_riverbend(riverbend, year):
    # the report showed 0.714 in the follow-up table and 0.705 in the Grid for 2025
    # (problem helpers only vs problem helpers and help interactions): now one number
    table, ind = _both(riverbend, year)
    for metric, indicator in SAME.items():
        assert table[metric] == pytest.approx(ind[indicator], rel=1e-12), metric
    if year == "2025":
        assert table["share_help_across_orgs"] == pytest.approx(136 / 193)


def test_solved_and_closed_rules():
    p = pd.DataFrame({
        "status": pd.Series(["solved", "open", None, None, "dropped", "solved"], dtype=object),
        "solved_at": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-04", None, None,
                                     None], utc=True)})
    # status decides where it is recorded; a missing status falls back to solved_at
    assert fu.solved(p).tolist() == [True, False, True, False, False, True]
    assert fu.closed(p).tolist() == [True, False, True, False, True, True]
    assert fu.solved(p.drop(columns="status")).tolist() == [True, True, True, False, False,
                                                             False]


def test_help_leaves_out_self_help_and_unknown_people():
    members = pd.DataFrame({"member_id": ["a", "b", "c"], "org": ["X", "Y", None]})
    inter = pd.DataFrame({"timestamp": ["2025-01-01"] * 4, "source": ["a", "a", "a", "c"],
                          "kind": "help", "target": ["b", "a", "zz", "a"]})
    problems = pd.DataFrame({"problem_id": ["p"], "raised_by": ["b"], "raised_at": ["2025-01-02"],
                             "helpers": ["b; a"]})
    net = pn.PeerNetwork.from_tables(members=members, interactions=inter, problems=problems,
                                     tz="UTC", warn=False)
    pairs = fu.help_given(net)
    # problem p: b helping b is self-help (left out), a>b; acts a>b, a>zz, c>a (a>a left out)
    assert list(zip(pairs["giver"], pairs["receiver"], strict=True)) == [
        ("a", "b"), ("a", "b"), ("a", "zz"), ("c", "a")]
    # zz is not on the roster, c has no org: two acts with both orgs known, both cross
    assert fu.help_across_orgs(net) == fu.Tally(2, 2)


def test_on_time_reads_days_in_the_network_zone():
    members = pd.DataFrame({"member_id": ["a"]})
    inter = pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["a"], "kind": "message"})
    actions = pd.DataFrame({"action_id": ["x", "y"], "owner": ["a", "a"],
                            "due": ["2025-03-01", "2025-03-01"],
                            # 23:30 in New York on the due day is 04:30 UTC the next day
                            "done_at": ["2025-03-01 23:30", "2025-03-02 00:30"]})
    net = pn.PeerNetwork.from_tables(members=members, interactions=inter, actions=actions,
                                     tz="America/New_York", warn=False)
    assert fu.actions_on_time(net) == fu.Tally(1, 2)
    assert fu.actions_done(net) == fu.Tally(2, 2)
