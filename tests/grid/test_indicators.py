"""Indicator values on the hand-built network (tests/grid/conftest.py), computed on paper."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.grid import Context

YEAR_DAYS = 365.25
QUARTERS_2025 = 365 / (YEAR_DAYS / 4)  # the 2025 window is 365 days long


def value(g: pn.GridScore, indicator: str, element: str | None = None) -> float:
    ind = g.indicators
    rows = ind[ind["indicator"] == indicator]
    if element is not None:
        rows = rows[rows["element"] == element]
    return float(rows["value"].iloc[0])


# ------------------------------------------------------------------------- bedrock
def test_trust_indicators(hand25):
    # directed ties a>b b>a a>c c>d e>f d>c b>c (the contact a-e is mutual, not directed):
    # ab/ba and cd/dc reciprocated -> 4 / 7
    assert value(hand25, "reciprocity") == pytest.approx(4 / 7)
    # pairs 2024 {ab, bd}; 2025 {ab, ae, ac, cd, ef, bc}: 1 kept of 7 in either
    assert value(hand25, "tie_persistence") == pytest.approx(1 / 7)
    # attendees a b c d e said [2, 1, 0, 0, 0]: Gini = 2(4*1 + 5*2)/(5*3) - 6/5 = 2/3
    assert value(hand25, "voice_equality") == pytest.approx(1 - 2 / 3)
    # a rated b 4/4/4, b rated a 2/2/2: member trust 4 and 2 -> mean 3 of 4 = 75 %
    assert value(hand25, "survey_trust") == pytest.approx(75.0)


def test_reciprocity_equals_the_metrics_function(hand_net):
    y = hand_net.period("2025")
    assert value(pn.score(y), "reciprocity") == pytest.approx(pn.metrics.reciprocity(y))


def test_tie_persistence_equals_tie_change_jaccard(hand_net, riverbend):
    for net, year in ((hand_net, "2025"), (riverbend, "2025")):
        y = net.period(year)
        change = pn.metrics.tie_change(y.previous(), y, coattendance=None)
        assert value(pn.score(y), "tie_persistence") == pytest.approx(change["jaccard"])


def test_time_indicators(hand25):
    assert value(hand25, "network_age") == pytest.approx(2192 / YEAR_DAYS)  # 2020-01-01..
    assert value(hand25, "months_with_meeting", "time") == pytest.approx(5 / 12)
    # network meetings Jan 15, Apr 15, Jul 15: gaps 90 and 91 days
    assert value(hand25, "meeting_gap_cv") == pytest.approx(0.5 / 90.5)
    assert value(hand25, "retention") == pytest.approx(1.0)  # a, b, d all active again
    # active a b c d e joined 2020, 2020, 2021, 2021, 2025-02-01: median 2021-01-01
    assert value(hand25, "median_tenure") == pytest.approx(1826 / YEAR_DAYS)
    assert value(hand25, "next_date_set") == pytest.approx(2 / 3)  # e1 yes, e2 no, e3 yes


def test_truth_indicators(hand25):
    assert value(hand25, "months_with_data") == pytest.approx(10 / 12)  # no Nov, Dec
    # closed p1 (outcome), p2 (none), p3 dropped (outcome) -> 2 / 3
    assert value(hand25, "problems_with_outcome") == pytest.approx(2 / 3)
    assert value(hand25, "survey_response_rate") == pytest.approx(2 / 6)
    # x1 early, x2 on the due day, x3 late, x4 open
    assert value(hand25, "actions_closed_on_time") == pytest.approx(0.5)
    # no event of the hand-built record is an evaluation: no data with the reason, not 0
    assert math.isnan(value(hand25, "evaluations_per_year"))
    note = hand25.indicators.set_index("indicator").at["evaluations_per_year", "note"]
    assert note.startswith("no event in the records has format 'evaluation'")


def test_communication_indicators(hand25, hand_net):
    # in person: 6 attendances (e1, e3) + 1 contact; electronic: 6 attendances + 6 acts
    assert value(hand25, "channel_balance") == pytest.approx(2 * 7 / 19)
    # members active per month Jan..Dec: 3 2 1 3 2 1 3 1 2 1 0 0 of 6 on the roster
    assert value(hand25, "monthly_reach") == pytest.approx(19 / 12 / 6)
    assert value(hand25, "hours_to_first_reply") == pytest.approx(3.0)
    # meetings not in English 1/5; members not in English 2/6
    assert value(hand25, "language_access") == pytest.approx((1 / 5) / (2 / 6))
    y = hand_net.period("2025")
    share = pn.network_metrics(y)["largest_component_share"]
    assert value(hand25, "connectedness") == pytest.approx(share)
    G = pn.person_graph(y)
    big = max(nx.connected_components(G), key=len)
    assert value(hand25, "connectedness") == pytest.approx(len(big) / G.number_of_nodes())


def test_space_indicators(hand25, hand_net):
    assert value(hand25, "events_per_quarter") == pytest.approx(5 / QUARTERS_2025)
    assert value(hand25, "share_attending") == pytest.approx(5 / 6)
    # e: tie with a (joined earlier) after 28 days; f: first tie after 75 days
    assert value(hand25, "newcomer_orientation") == pytest.approx(0.5)
    # event sizes 3 3 3 2 1 of 5 active: none has 3+ attendees and <= 5/3
    assert value(hand25, "subgroup_sessions_per_quarter") == 0.0
    ctx = Context(hand_net.period("2025"))
    v = pn.grid.INDICATORS["subgroup_sessions_per_quarter"](ctx, max_share=0.6, min_size=2)
    assert v.value == pytest.approx(4 / QUARTERS_2025)  # e1 e2 e3 e4
    # pairs ab(XX) ac(XY) ae(XY) cd(YY) ef(YX) bc(XY)
    ctx = Context(hand_net.period("2025"))
    assert pn.grid.INDICATORS["cross_org_ties"](ctx).value == pytest.approx(4 / 6)
    # chance: tied members a b c d e f, orgs X X Y Y ? ...: the ratio is share / chance
    from peernet.grid.mixing import cross_org_mixing
    v = cross_org_mixing(ctx)
    assert value(hand25, "cross_org_mixing") == pytest.approx(v.value)


def test_resource_and_problem_indicators(hand25):
    assert value(hand25, "resource_exchanges_per_member") == pytest.approx(1 / 5)
    assert value(hand25, "share_orgs_contributing") == pytest.approx(1.0)  # b (X), d (Y)
    assert value(hand25, "coordinator_activity", "resources") == pytest.approx(6 / 12)
    assert value(hand25, "resource_assessments_per_year") == pytest.approx(YEAR_DAYS / 365)
    assert value(hand25, "survey_value") == pytest.approx(50.0)  # (1 + 3) / 2 of 4
    assert value(hand25, "problems_per_quarter") == pytest.approx(4 / QUARTERS_2025)
    assert value(hand25, "share_solved") == pytest.approx(0.5)
    assert value(hand25, "median_days_to_solve") == pytest.approx(20.0)  # 10 and 30 days
    # c>a cross, b>a same, d>b cross (problem helpers), d>c same (help act): 2 of 4 cross;
    # a b (X), c d (Y) by chance: 1 - (2*1 + 2*1) / (4*3) = 2/3 -> 0.5 / (2/3)
    assert value(hand25, "help_across_orgs") == pytest.approx(0.75)
    assert value(hand25, "share_members_solving") == pytest.approx(4 / 5)


def test_outcome_indicators(hand25, hand_net):
    assert value(hand25, "training_attendance_per_member") == pytest.approx(2 / 5)
    assert value(hand25, "share_trained") == pytest.approx(2 / 5)
    assert value(hand25, "survey_learning") == pytest.approx(100 * 3.5 / 4)
    # cross pairs ac ae ef bc, none seen before 2025
    assert value(hand25, "new_cross_org_ties_per_member") == pytest.approx(4 / 5)
    # the Borgatti-Everett core-periphery model of the direct ties: 2024 (ab, bd) has three
    # tied members, too few for a split: no core, a b d peripheral; 2025 (ab ae ac cd ef bc)
    # -> core {a, b, c} (fit 0.71). Of a b d (all active in 2025), a and b are core: 2 of 3
    cp25 = pn.metrics.core_periphery(hand_net.period("2025"))
    assert set(cp25.loc[cp25["core"], "member_id"]) == {"a", "b", "c"}
    assert not pn.metrics.core_periphery(hand_net.period("2024"))["core"].any()
    assert value(hand25, "periphery_to_core") == pytest.approx(2 / 3)
    assert value(hand25, "share_members_hosting") == pytest.approx(3 / 5)  # a, b, c
    assert value(hand25, "data_kept") == 1.0
    assert value(hand25, "outcome:m_up") == pytest.approx(0.5)
    assert value(hand25, "outcome:m_down") == pytest.approx(0.5)
    assert value(hand25, "gp1") == pytest.approx(2.5)  # two raters
    assert value(hand25, "ch2") == pytest.approx(1.0)


def test_no_training_in_the_whole_record_is_no_data_not_zero(riverbend):
    """A record whose events never say "training" cannot tell a period without training
    from records that do not mark them: no data with the reason, not a 0 (the 100k
    synthetic network's report showed "learning 0"). With trainings in other periods, a
    period without one is a real 0."""
    e = riverbend.events
    training = (e["format"] == "training").to_numpy(dtype=bool, na_value=False)
    assert training.sum() == 18
    never = riverbend.replace(events=e.assign(format=e["format"].where(
        ~training, "network_meeting"), kind=e["kind"].where(e["kind"] != "training",
                                                            "meeting")))
    ind = pn.score(never.period("2025")).indicators.set_index("indicator")
    for name in ("training_attendance_per_member", "share_trained"):
        assert not ind.at[name, "has_data"] and math.isnan(ind.at[name, "value"])
        assert "no event in the records is marked as a training" in ind.at[name, "note"]
    in_2025 = training & (e["start"].dt.year == 2025).to_numpy()
    assert 0 < in_2025.sum() < training.sum()
    elsewhere = riverbend.replace(events=e.assign(
        format=e["format"].where(~in_2025, "network_meeting"),
        kind=e["kind"].where(~in_2025 | (e["kind"] != "training"), "meeting")))
    ind = pn.score(elsewhere.period("2025")).indicators.set_index("indicator")
    assert ind.at["training_attendance_per_member", "value"] == 0.0
    assert ind.at["share_trained", "value"] == 0.0
    assert ind.at["share_trained", "has_data"]


def test_event_formats_never_recorded_are_no_data_not_zero(riverbend):
    """evaluations_per_year and resource_assessments_per_year: without any event of that
    format in the whole record, no data; with one in another period, a real 0."""
    e = riverbend.events
    evaluation = (e["format"] == "evaluation").to_numpy(dtype=bool, na_value=False)
    assert evaluation.sum() == 3   # one a year, 2023-2025
    never = riverbend.replace(events=e.assign(format=e["format"].where(~evaluation,
                                                                       "network_meeting")))
    ind = pn.score(never.period("2025")).indicators.set_index("indicator")
    assert not ind.at["evaluations_per_year", "has_data"]
    assert "no event in the records has format 'evaluation'" in ind.at[
        "evaluations_per_year", "note"]
    # three resource assessments in the 365 days of 2025 (years of 365.25 days)
    assert ind.at["resource_assessments_per_year", "value"] == pytest.approx(3 / (365 / YEAR_DAYS))
    only_2023 = evaluation & (e["start"].dt.year == 2023).to_numpy()
    once = riverbend.replace(events=e.assign(format=e["format"].where(
        ~evaluation | only_2023, "network_meeting")))
    ind = pn.score(once.period("2025")).indicators.set_index("indicator")
    assert ind.at["evaluations_per_year", "value"] == 0.0
    assert ind.at["evaluations_per_year", "has_data"]


def test_missing_data_is_nan_with_a_reason(hand_net):
    g = pn.score(hand_net.period("2025"), previous=False)
    ind = g.indicators.set_index("indicator")
    for name in ("retention", "tie_persistence", "periphery_to_core"):
        assert not ind.at[name, "has_data"]
        assert math.isnan(ind.at[name, "value"]) and math.isnan(ind.at[name, "score"])
        assert ind.at[name, "band"] == "no data"
    whole = pn.score(hand_net).indicators.set_index("indicator")
    assert "not sliced" in whole.at["retention", "note"]


def test_previous_period_can_be_given(hand_net):
    y = hand_net.period("2025")
    assert value(pn.score(y, previous=hand_net.period("2024")), "retention") == 1.0
    # 2023 has no data at all: change indicators have none either
    assert math.isnan(value(pn.score(hand_net.period("2024")), "retention"))


def test_empty_period_gives_no_data_not_errors(hand_net):
    g = pn.score(hand_net.period("2019"))
    assert not g.layers.loc[g.layers["layer"] == "bedrock", "has_data"].any()
    assert (g.layers["band"] == "insufficient data").sum() >= 10


def test_tiny_net_values(tiny_net):
    """tests/conftest.py's tiny_net: 3 events, 4 messages in 2025."""
    g = pn.score(tiny_net.period("2025"))
    # directed ties ana>cai cai>ana ben>ana dee>eve: 2 of 4 reciprocated
    assert value(g, "reciprocity") == pytest.approx(0.5)
    # pairs ana-cai (A,B) ana-ben (A,A) dee-eve (B,B)
    ctx = Context(tiny_net.period("2025"))
    assert pn.grid.INDICATORS["cross_org_ties"](ctx).value == pytest.approx(1 / 3)
    # chance among the tied ana ben cai dee eve (A A B B B): 1 - (2 + 6) / 20 = 0.6
    assert value(g, "cross_org_mixing") == pytest.approx((1 / 3) / 0.6)
    # attendees ana ben cai dee eve said ana 1, cai 1, ben 1 (a message), dee 0, eve 0
    x = np.array([0, 0, 1, 1, 1])
    gini = 2 * (3 * 1 + 4 * 1 + 5 * 1) / (5 * 3) - 6 / 5
    assert value(g, "voice_equality") == pytest.approx(1 - gini)
    assert x.sum() == 3
    # eve joined 2025-06-01; dee (joined 2024) helped her on 2025-08-01: 61 days, too late
    assert value(g, "newcomer_orientation") == 0.0


def test_indicator_table_lists_every_function():
    t = pn.grid.indicator_table()
    assert list(t.columns) == ["function", "params", "needs", "description"]
    assert set(t["function"]) == set(pn.grid.INDICATORS)
    used = {s.function for s in pn.grid.load_rubric().indicators}
    assert used <= set(t["function"])
    counts = pd.Series([s.element for s in pn.grid.load_rubric().indicators]).value_counts()
    for el in ("trust", "time", "truth", "communication", "space", "resources",
               "problem_solving"):
        assert counts[el] >= 4


def test_listserv_only_network():
    """No events, no roster: voice equality over active members, meeting indicators absent."""
    inter = pd.DataFrame({
        "timestamp": ["2025-01-02 10:00", "2025-01-05 10:00", "2025-01-03 10:00",
                      "2025-01-04 10:00"],
        "source": ["a", "a", "b", "c"], "kind": ["message", "message", "reply", "reaction"],
        "target": [None, None, "a", "a"], "thread_id": ["t1", "t2", "t1", None]})
    net = pn.PeerNetwork.from_tables(interactions=inter, warn=False)
    g = pn.score(net.period("2025"))
    # a said 2, b 1, c 0: Gini = 2 (2*1 + 3*2) / (3*3) - 4/3 = 4/9
    assert value(g, "voice_equality") == pytest.approx(5 / 9)
    assert "no attendance recorded" in g.indicators.set_index("indicator").at[
        "voice_equality", "note"]
    # t1: Jan 2 -> Jan 3 (24 h); t2 unanswered counts as a week: median (24 + 168) / 2
    assert value(g, "hours_to_first_reply") == pytest.approx(96.0)
    assert value(g, "reciprocity") == 0.0  # b>a and c>a, never answered
    for name in ("months_with_meeting", "events_per_quarter", "meeting_gap_cv"):
        assert math.isnan(value(g, name)), name
    scored = g.layers.loc[g.layers["has_data"], "element"].tolist()
    assert scored == ["trust", "communication"]  # 2 of 4 and 3 of 5 indicators have data


# ------------------------------------------------------------ short histories (issue 18)
def _starting(net: pn.PeerNetwork, start: str) -> pn.PeerNetwork:
    """``net`` with every interaction and event before ``start`` left out."""
    t0 = pd.Timestamp(start, tz="UTC")
    i, e = net.interactions, net.events
    return net.replace(interactions=i[(i["timestamp"] >= t0).to_numpy()].reset_index(drop=True),
                       events=e[(e["start"] >= t0).to_numpy()].reset_index(drop=True))


def test_a_week_of_history_makes_nothing_new(hand_net):
    # only 2024-12-25.. before 2025: a week against the nine months 2025's data cover
    net = hand_net.replace(interactions=pd.concat([
        hand_net.interactions, pd.DataFrame({
            "timestamp": [pd.Timestamp("2024-12-25 09:00", tz="UTC")], "source": ["a"],
            "kind": ["message"], "target": ["c"]})], ignore_index=True))
    week = _starting(net, "2024-12-20")
    ind = pn.score(week.period("2025")).indicators.set_index("indicator")
    for name in ("new_cross_org_ties_per_member", "periphery_to_core", "retention",
                 "tie_persistence"):
        assert not ind.at[name, "has_data"], name
        assert ind.at[name, "note"] == ("the previous period is shorter: its data cover 7 "
                                        "days (the data start on 2024-12-25) against 273 in "
                                        "this one"), name
    # with the whole of 2024 the same ties are counted: ac was seen in 2024, so 3 new
    full = pn.score(net.period("2025")).indicators.set_index("indicator")
    assert full.at["new_cross_org_ties_per_member", "value"] == pytest.approx(3 / 5)


def test_age_and_tenure_from_the_start_of_the_records_are_censored(hand_net):
    no_joined = hand_net.replace(members=hand_net.members.drop(columns=["joined"]))
    ind = pn.score(no_joined.period("2025")).indicators.set_index("indicator")
    assert not ind.at["network_age", "has_data"]
    assert ind.at["network_age", "note"] == (
        "censored: the records start on 2024-05-01, so the network is at least 1.7 years "
        "old; give members.joined dates to measure its age")
    # a b d first acted in May-June 2024, within 60 days of the start: 3 of 5 censored
    assert not ind.at["median_tenure", "has_data"]
    assert ind.at["median_tenure", "note"].startswith(
        "censored: 3 of 5 active members were already active when the records start on "
        "2024-05-01")
    # joined dates measure both (2020-01-01 to the end of 2025: 6 years)
    with_joined = pn.score(hand_net.period("2025")).indicators.set_index("indicator")
    assert with_joined.at["network_age", "value"] == pytest.approx(2192 / YEAR_DAYS)


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_pairs_before_are_the_history_ties_first_seen_before(riverbend, period):
    # issue 23: the "new cross-organization ties" history is read from the whole network's
    # direct acts the Grid keeps, not from a tie table of the whole history; the same pairs
    from peernet.grid.outcomes import pairs_before
    from peernet.ties import ns, person_ties

    ctx = Context(riverbend.period(period))
    start = int(ns(pd.Series([ctx.bounds[0]]))[0])
    history = person_ties(riverbend, kinds=("message", "reply", "mention", "reaction", "call",
                                            "contact", "help", "resource", "referral"),
                          coattendance=None)
    expected = ctx.tie_keys(history, history.first < start)
    got = pairs_before(ctx, start)
    assert len(got) > 100 and np.array_equal(got, expected)
