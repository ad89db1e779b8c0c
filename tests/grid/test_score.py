"""pn.score: the GridScore contract, aggregation, coverage, and the samples."""

import math

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.grid.score import INDICATOR_COLUMNS, LAYER_COLUMNS

BEDROCK_FOUNDATION = ["trust", "time", "truth", "communication", "space", "resources",
                      "problem_solving"]
ELEMENTS = ["trust", "time", "truth", "communication", "space", "resources",
            "problem_solving", "good_practices", "challenges", "learning",
            "capacity_building", "infrastructure", "community_change"]


# ------------------------------------------------------------------------ contract
def test_gridscore_tables_have_the_contract_columns(hand25):
    assert isinstance(hand25, pn.GridScore)
    assert list(hand25.layers.columns) == LAYER_COLUMNS
    assert LAYER_COLUMNS[:8] == ["layer", "element", "score", "band", "coverage",
                                 "n_indicators", "n_with_data", "has_data"]
    assert hand25.layers["element"].tolist() == ELEMENTS
    assert hand25.layers["layer"].unique().tolist() == [
        "bedrock", "foundation", "strategies", "immediate_outcomes", "ultimate_outcome"]
    assert list(hand25.indicators.columns) == INDICATOR_COLUMNS
    assert hand25.indicators.index.equals(pd_range(len(hand25.indicators)))
    assert hand25.rubric_version == "2026.2" and hand25.period == "2025"
    assert set(hand25.layers["band"]) <= {"emerging", "developing", "strong",
                                          "insufficient data"}
    s = hand25.layers["score"].dropna()
    assert ((s >= 0) & (s <= 100)).all()


def pd_range(n):
    import pandas as pd

    return pd.RangeIndex(n)


def test_gridscore_is_frozen(hand25):
    with pytest.raises(AttributeError):
        hand25.coverage = 0.0


def test_element_score_is_the_weighted_mean_of_indicators_with_data(hand25):
    ind = hand25.indicators
    for el, row in hand25.layers.set_index("element").iterrows():
        mine = ind[(ind["element"] == el) & ind["has_data"]]
        if not row["has_data"]:
            continue
        expected = (mine["score"] * mine["weight"]).sum() / mine["weight"].sum()
        assert row["score"] == pytest.approx(expected), el
        assert row["n_with_data"] == len(mine)


def test_bands_follow_the_scores(hand25):
    for row in hand25.layers[hand25.layers["has_data"]].itertuples():
        expected = ("strong" if row.score >= 70 else "developing" if row.score >= 40
                    else "emerging")
        assert row.band == expected


def test_indicator_scores_follow_their_thresholds(hand25):
    ind = hand25.indicators[hand25.indicators["has_data"]]
    for row in ind.itertuples():
        assert row.score == pytest.approx(pn.grid.map_score(row.value, row.thresholds,
                                                            row.anchor_scores))


def test_weights_change_the_element_score(hand_net):
    y = hand_net.period("2025")
    # space: events_per_quarter, share_attending, newcomer_orientation, subgroups (0), cross
    base = pn.score(y).indicators.set_index("indicator")
    heavy = pn.score(y, rubric={"indicators": {"space": {
        "subgroup_sessions_per_quarter": {"weight": 6.0}}}})
    space = base[base["element"] == "space"]
    w = np.where(space.index == "subgroup_sessions_per_quarter", 6.0, space["weight"])
    has = space["has_data"].to_numpy()
    expected = float((space["score"].fillna(0) * w * has).sum() / (w * has).sum())
    assert heavy.element("space")["score"] == pytest.approx(expected)
    assert base.at["subgroup_sessions_per_quarter", "score"] == 0.0
    assert heavy.element("space")["score"] < pn.score(y).element("space")["score"]


def test_outcome_measures_share_the_entry_weight(hand25):
    cc = hand25.indicators[hand25.indicators["element"] == "community_change"]
    assert cc["indicator"].tolist() == ["outcome:m_down", "outcome:m_up"]
    assert cc["weight"].tolist() == [0.5, 0.5]
    assert cc["score"].tolist() == [40.0, 40.0]  # half of each target reached
    assert hand25.element("community_change")["score"] == 40.0


def test_checklist_ratings_with_evidence(hand25):
    c = hand25.checklist
    assert c["item"].tolist() == [f"gp{i}" for i in range(1, 11)] + [
        f"ch{i}" for i in range(1, 11)]
    gp1 = c.set_index("item").loc["gp1"]
    assert gp1["rating"] == 2.5 and gp1["n_ratings"] == 2
    assert gp1["rating_note"] == "first | second"
    assert gp1["evidence"] == "survey_trust" and gp1["evidence_value"] == pytest.approx(75.0)
    gp5 = c.set_index("item").loc["gp5"]
    assert gp5["evidence_value"] == pytest.approx(2 / 6) and bool(gp5["has_evidence"])
    assert math.isnan(c.set_index("item").at["gp2", "rating"])
    assert c.set_index("item").at["ch3", "evidence_value"] == 2.0  # two measures, targets
    assert not c.set_index("item").at["gp6", "has_evidence"]
    assert len(pn.grid.CHECKLIST) == 20


# ------------------------------------------------------------------------ coverage
def test_coverage_rule_reports_insufficient_data_not_a_low_score(davis):
    g = pn.score(davis.period("1936"))
    truth = g.element("truth")
    # months_with_data has data: 1 of 5 equal weights (no event of the record is an
    # evaluation: evaluations_per_year is no data, not 0)
    assert truth["coverage"] == pytest.approx(0.2)
    assert math.isnan(truth["score"]) and truth["band"] == "insufficient data"
    assert "coverage 0.20 is below the rubric minimum 0.50" in truth["reason"]
    assert "evaluations_per_year: no event in the records has format 'evaluation'" in \
        truth["reason"]
    assert "problems_with_outcome: no problem log" in truth["reason"]
    # a lower minimum scores it from what is there
    low = pn.score(davis.period("1936"), rubric={"min_coverage": 0.2}).element("truth")
    ind = g.indicators[(g.indicators["element"] == "truth") & g.indicators["has_data"]]
    assert low["score"] == pytest.approx(ind["score"].mean())
    per_element = pn.score(davis.period("1936"),
                           rubric={"elements": {"truth": {"min_coverage": 0.15}}})
    assert per_element.element("truth")["has_data"]
    assert not per_element.element("trust")["has_data"]


def test_overall_coverage(hand25, davis):
    # 66 weight units; only gp1 and ch2 of the 20 checklist items are rated, no newcomer
    # has a direct tie (newcomer_mixing, weight 0.5) and no event is an evaluation
    # (evaluations_per_year, weight 1)
    assert hand25.coverage == pytest.approx((66 - 19.5) / 66)
    g = pn.score(davis.period("1936"))
    ind = g.indicators
    assert g.coverage == pytest.approx(ind.loc[ind["has_data"], "weight"].sum()
                                       / ind["weight"].sum())
    assert 0 < g.coverage < 0.5


def test_element_without_indicators(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('version = "x"\n', encoding="utf-8")
    g = pn.score(pn.load_sample("davis"), rubric=path)
    assert (g.layers["reason"] == "no indicators in the rubric").all()
    assert g.coverage == 0.0 and len(g.indicators) == 0
    assert "0 of 13 elements scored" in g.summary()


# ------------------------------------------------------------------------ samples
def test_davis_attendance_only(davis):
    g = pn.score(davis.period("1936"))
    lay = g.layers.set_index("element")
    # time too: Davis has no joined dates, so age and tenure are censored at the records'
    # start (1936-02-23), and its meetings alone cover too little of the element
    for el in ("trust", "truth", "resources", "problem_solving", "time"):
        assert lay.at[el, "band"] == "insufficient data", el
        assert math.isnan(lay.at[el, "score"])
    assert lay.at["space", "has_data"] and 0 <= lay.at["space", "score"] <= 100
    ind = g.indicators.set_index("indicator")
    for name in ("network_age", "median_tenure"):
        assert ind.at[name, "note"].startswith("censored: "), name
    assert ind.at["share_attending", "value"] == 1.0  # all 18 women attended something
    assert ind.at["events_per_quarter", "value"] == pytest.approx(14 / (366 / (365.25 / 4)))


@pytest.fixture(scope="module")
def rb_scores(riverbend):
    return {y: pn.score(riverbend.period(y)) for y in ("2023", "2024", "2025")}


def test_riverbend_2025_bedrock_and_foundation_fully_covered(rb_scores):
    lay = rb_scores["2025"].layers.set_index("element")
    for el in BEDROCK_FOUNDATION:
        assert lay.at[el, "coverage"] == 1.0, el
        assert lay.at[el, "has_data"], el
    assert lay["has_data"].all()


def _v(g, indicator):
    ind = g.indicators
    return float(ind.loc[ind["indicator"] == indicator, "value"].iloc[0])


# measured values in docs/samples.md ("What changed from 2023 to 2025")
DOCUMENTED = [
    ("survey_response_rate", 0.704, 0.785),
    ("share_solved", 0.542, 0.841),
    ("median_days_to_solve", 34, 12),
    ("problems_with_outcome", 0.579, 0.902),
    ("actions_closed_on_time", 0.333, 0.709),
    ("meeting_gap_cv", 0.565, 0.104),
    ("newcomer_orientation", 0.389, 0.812),
    ("resource_assessments_per_year", 1, 3),
]


def test_riverbend_cross_org_share_and_its_chance_ratio(riverbend):
    from peernet.grid.context import Context
    for year, share, ratio in (("2023", 0.409, 0.423), ("2025", 0.671, 0.700)):
        ctx = Context(riverbend.period(year))
        assert pn.grid.INDICATORS["cross_org_ties"](ctx).value == pytest.approx(share, abs=5e-3)
        assert pn.grid.INDICATORS["cross_org_mixing"](ctx).value == pytest.approx(ratio,
                                                                                  abs=5e-3)


@pytest.mark.parametrize(("indicator", "v2023", "v2025"), DOCUMENTED)
def test_riverbend_indicators_match_the_documented_changes(rb_scores, indicator, v2023,
                                                           v2025):
    assert _v(rb_scores["2023"], indicator) == pytest.approx(v2023, abs=0.005)
    assert _v(rb_scores["2025"], indicator) == pytest.approx(v2025, abs=0.005)


@pytest.mark.parametrize("indicator", [
    "survey_trust", "survey_learning", "survey_response_rate", "cross_org_mixing",
    "cross_sector_mixing", "newcomer_mixing",
    "share_solved", "problems_with_outcome", "problems_per_quarter", "actions_closed_on_time",
    "next_date_set", "language_access", "resource_assessments_per_year",
    "newcomer_orientation", "resource_exchanges_per_member",
    "outcome:families_referred_across_agencies"])
def test_riverbend_higher_is_better_indicators_rise(rb_scores, indicator):
    a, b = _v(rb_scores["2023"], indicator), _v(rb_scores["2025"], indicator)
    assert b > a, (indicator, a, b)


@pytest.mark.parametrize("indicator", ["median_days_to_solve", "meeting_gap_cv"])
def test_riverbend_lower_is_better_indicators_fall(rb_scores, indicator):
    assert _v(rb_scores["2025"], indicator) < _v(rb_scores["2023"], indicator)


@pytest.mark.parametrize("element", [
    "trust", "time", "truth", "communication", "space", "resources", "problem_solving",
    "good_practices", "challenges", "learning", "community_change"])
def test_riverbend_element_scores_rise_from_2023_to_2025(rb_scores, element):
    a = rb_scores["2023"].element(element)["score"]
    b = rb_scores["2025"].element(element)["score"]
    assert b > a, (element, a, b)


def test_riverbend_checklist_evidence(rb_scores):
    c = rb_scores["2025"].checklist.set_index("item")
    assert c.at["gp8", "rating"] == 2.0 and c.at["ch2", "rating"] == 1.0
    assert c.at["gp5", "evidence_value"] == pytest.approx(0.785, abs=0.005)
    assert c.at["gp4", "evidence"] == "cross_org_mixing"
    assert c.at["gp4", "evidence_value"] == pytest.approx(0.700, abs=0.005)   # 0.671 / 0.96
    assert rb_scores["2023"].checklist.set_index("item").at["gp8", "rating"] == 0.0


# ------------------------------------------------------------------------ output
def test_summary_names_strongest_weakest_and_missing(davis, rb_scores):
    text = pn.score(davis.period("1936")).summary()
    assert text.startswith("davis (1936) on the Community Change Grid, rubric 2026.2: "
                           "3 of 13 elements scored")
    # no event of the Southern Women's record is a training: learning is not a 0
    assert "learning (0% coverage)" in text
    assert "network_age (censored: the records start on 1936-02-23" in text
    assert "Insufficient data for trust (0% coverage)" in text
    assert "Missing data: survey_trust" in text
    rb = rb_scores["2023"]
    lay = rb.layers.dropna(subset=["score"])
    best = lay.loc[lay["score"].idxmax(), "element"].replace("_", " ")
    worst = lay.loc[lay["score"].idxmin(), "element"].replace("_", " ")
    assert f"Strongest element: {best}" in rb.summary()
    assert f"weakest: {worst}" in rb.summary()


def test_to_frame_is_flat_and_tidy(hand25):
    f = hand25.to_frame()
    assert list(f.columns[:6]) == ["period", "layer", "element", "element_score",
                                   "element_band", "element_coverage"]
    assert len(f) == len(hand25.indicators)
    assert (f["period"] == "2025").all()
    row = f[f["indicator"] == "median_days_to_solve"].iloc[0]
    assert row["thresholds"] == "90 / 45 / 21 / 7"


def test_repr_html_escapes_names(hand_net):
    g = pn.score(hand_net.replace(name="<b>net</b>").period("2025"))
    html = g._repr_html_()
    assert "&lt;b&gt;net&lt;/b&gt;" in html and "<b>net</b>" not in html
    assert "<table>" in html and "Trust" in html
    assert "GridScore 'hand'" in repr(pn.score(hand_net.period("2025")))


def test_repr_html_chart_and_table(hand25):
    """In Jupyter a GridScore shows its chart (inline SVG, text as text, small) and a
    table of its elements with score, interval, band and coverage."""
    import dataclasses
    import re

    page = hand25._repr_html_()
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    assert 'id="grid-trust"' in svg and len(svg) < 120_000
    assert "<text" in svg                    # svg.fonttype none: labels are text, not paths
    heads = re.findall(r"<th>([^<]+)</th>", page)
    assert heads == ["element", "layer", "score", "interval (95%)", "band", "coverage",
                     "reason"]
    assert "No intervals" in page
    row = hand25.layers.set_index("element").loc["trust"]
    assert f"<td>Trust</td><td>{row['layer']}</td>" in page
    with_iv = dataclasses.replace(hand25, intervals=pd.DataFrame(
        {"element": ["trust"], "low": [61.2], "high": [79.6]}))
    page = with_iv._repr_html_()
    assert "61–80" in page and "No intervals" not in page
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []           # drawn off pyplot: no figure left to show


def test_score_rejects_non_networks():
    with pytest.raises(TypeError, match="score needs a PeerNetwork; got dict"):
        pn.score({})
    with pytest.raises(TypeError, match="previous must be a PeerNetwork"):
        pn.score(pn.load_sample("davis").period("1936"), previous="1935")


def test_compare_two_scores(rb_scores, davis):
    c = rb_scores["2025"].compare(rb_scores["2023"])
    assert list(c.columns) == ["layer", "element", "score_previous", "score", "change",
                               "band_previous", "band", "coverage_previous", "coverage"]
    row = c.set_index("element").loc["good_practices"]
    assert row["score_previous"] == 35.0 and row["score"] == 74.5 and row["change"] == 39.5
    # ratings 2023: seven 1s (40), one 2 (70), two 0s (0) -> 35;
    # 2025: five 3s (85: a self-rating tops out at 85), four 2s (70), one 1 (40) -> 74.5
    mixed = pn.score(davis.period("1936")).compare(rb_scores["2025"])
    assert math.isnan(mixed.set_index("element").at["trust", "change"])
    with pytest.raises(TypeError, match="previous must be a GridScore"):
        rb_scores["2025"].compare(rb_scores["2023"].layers)


def test_first_year_has_no_new_ties_and_later_years_rise(rb_scores):
    # 2023 is the first year of the data: every tie would be "new"; insufficient data
    first = rb_scores["2023"].indicators.set_index("indicator").loc[
        "new_cross_org_ties_per_member"]
    assert not first["has_data"] and first["note"] == "no data in the previous period"
    assert _v(rb_scores["2025"], "new_cross_org_ties_per_member") > _v(
        rb_scores["2024"], "new_cross_org_ties_per_member")


@pytest.mark.parametrize("chunk", [1000, 2_000_000])
def test_direct_acts_are_the_whole_networks_direct_rows(riverbend, monkeypatch, chunk):
    from peernet.grid import history
    from peernet.grid.context import Context
    from peernet.grid.history import direct_acts
    from peernet.ties import NS_NAT, ns

    monkeypatch.setattr(history, "ROOT_CHUNK", chunk)
    net = riverbend.replace()   # a memo of its own
    root = Context(net, previous=False)
    y25 = net.period("2025")
    lo, hi = (int(ns(pd.Series([t]))[0]) for t in (y25.window.start_utc, y25.window.end_utc))
    ctx = Context(y25)
    assert history._own_rows(ctx, lo, hi) and not history._own_rows(ctx, None, hi)
    assert not history._own_rows(Context(net.between("2025-01-01", "2026-01-01")), lo, hi)
    for a, b in ((None, None), (None, lo), (lo, hi), (lo, None)):
        s, t, ts = direct_acts(ctx, a, b)   # own rows at (lo, hi), else coded by chunks
        w = root.direct_mask & (root.ts_ns != NS_NAT)
        w &= (root.ts_ns >= a if a is not None else True) & (root.ts_ns < b if b is not None
                                                              else True)
        assert s.dtype == np.int32 and t.dtype == np.int32 and root.src.dtype == np.int32
        assert np.array_equal(s, root.src[w]) and np.array_equal(t, root.tgt[w])
        assert np.array_equal(ts, root.ts_ns[w]) and len(s) > 1000
    # the codes are the roster's positions
    ids = root.ids.to_numpy()
    inter = net.interactions
    assert ids[root.src[:5]].tolist() == inter["source"].iloc[:5].tolist()


def test_member_codes_by_hand():
    from peernet.grid.context import member_codes

    ids = pd.Series(["b", "a", "c", "d"], dtype="str")
    values = pd.Series(["a", None, "z", "b", "a", "d"], dtype="str")
    assert member_codes(ids, values).tolist() == [1, -1, -1, 0, 1, 3]
    small = member_codes(ids, values, small=True)
    assert small.dtype == np.int32 and small.tolist() == [1, -1, -1, 0, 1, 3]
    cat = values.astype(pd.CategoricalDtype(["z", "d", "b", "a"]))
    assert member_codes(ids, cat, small=True).tolist() == [1, -1, -1, 0, 1, 3]
    assert member_codes(ids, pd.Series([None, None], dtype="str")).tolist() == [-1, -1]
    assert member_codes(ids, pd.Series([3, 1], dtype="int64")).tolist() == [-1, -1]
    assert member_codes(pd.Series(["1", "3"], dtype="str"),
                        pd.Series([3, 1, 2], dtype="int64")).tolist() == [1, 0, -1]
