"""Survey metrics: PARTNER-style scores computed by hand, self-rating exclusion, the three
missing-data treatments, perception gaps, ICC(1) against a direct one-way ANOVA, and the
reported-vs-observed split."""

import warnings
from fractions import Fraction as F
from pathlib import Path
from statistics import mean

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import peernet as pn

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "survey"

ORGS = ["Valley Clinic", "Hope Schools", "City Housing", "Family Center", "Parks Department"]
# The ratings written in partner_5orgs_qualtrics.csv: item -> rater org -> values for the
# targets in ORGS order (None = left blank). Parks Department did not respond; each
# respondent also rated its own organization (those ratings must be left out).
R = {
    "reliability": {"VC": [4, 3, 2, 4, 3], "HS": [3, 4, 3, 4, 2], "CH": [4, 2, 4, 3, 1],
                    "FC": [2, 3, 3, 4, 2]},
    "mission": {"VC": [4, 4, 2, 3, 3], "HS": [3, 4, 2, 4, 2], "CH": [4, 3, 4, 3, 2],
                "FC": [3, 3, 4, 4, 1]},
    "openness": {"VC": [4, 3, 3, 4, 2], "HS": [4, 4, 2, 3, 2], "CH": [3, 2, 4, 4, 1],
                 "FC": [3, None, 3, 4, 2]},
    "power": {"VC": [4, 2, 3, 2, 4], "HS": [3, 4, 3, 2, 4], "CH": [3, 2, 4, 1, 3],
              "FC": [4, 1, 3, 4, 4]},
    "involvement": {"VC": [4, 3, 2, 3, 1], "HS": [4, 4, 2, 4, 1], "CH": [3, 3, 4, 3, 2],
                    "FC": [4, 2, 2, 4, 1]},
    "resources": {"VC": [4, 2, 1, 2, 3], "HS": [3, 4, 2, 3, 4], "CH": [2, 2, 4, 2, 3],
                  "FC": [3, 2, 2, 4, 4]},
}
SHORT = ["VC", "HS", "CH", "FC", "PD"]


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        return fn(*args, **kw)


@pytest.fixture(scope="module")
def partner_net():
    roster = pd.read_csv(FIX / "partner_roster.csv", dtype=str)
    return quiet(pn.read_survey, FIX / "partner_5orgs_qualtrics.csv", roster=roster,
                 about_level="org")


def by_hand_item_mean(item, target):
    """Mean of the ratings ``target`` received on ``item`` from the other organizations."""
    t = SHORT.index(target)
    got = [vals[t] for rater, vals in R[item].items() if rater != target and vals[t] is not None]
    return F(sum(got), len(got))


# ------------------------------------------------------------------ PARTNER scores
def test_partner_scores_by_hand(partner_net):
    s = pn.survey_scores(partner_net, level="org").set_index("org")
    assert list(s.index) == sorted(ORGS)
    # Valley Clinic, rated by HS, CH, FC (its own 4s left out):
    # reliability (3+4+2)/3 = 3, mission (3+4+3)/3 = 10/3, openness (4+3+3)/3 = 10/3
    # trust = (3 + 10/3 + 10/3)/3 = 29/9; value = (10/3 + 11/3 + 8/3)/3 = 29/9
    vc = s.loc["Valley Clinic"]
    assert vc["reliability"] == pytest.approx(3)
    assert vc["trust"] == pytest.approx(29 / 9)
    assert vc["value"] == pytest.approx(29 / 9)
    # Hope Schools: FC left openness blank, so openness = (3+2)/2 = 5/2;
    # trust = (8/3 + 10/3 + 5/2)/3 = 17/6 (a pooled mean would give 23/8)
    hs = s.loc["Hope Schools"]
    assert hs["openness"] == pytest.approx(2.5)
    assert hs["trust"] == pytest.approx(17 / 6)
    assert hs["value"] == pytest.approx(19 / 9)
    # Parks Department did not respond but was rated by all four:
    # trust = (2 + 2 + 7/4)/3 = 23/12; value = (15/4 + 5/4 + 14/4)/3 = 17/6
    pd_ = s.loc["Parks Department"]
    assert pd_["trust"] == pytest.approx(23 / 12)
    assert pd_["value"] == pytest.approx(17 / 6)
    assert pd_["n_raters"] == 4 and vc["n_raters"] == 3
    # every organization and item, from the definition
    for org, short in zip(ORGS, SHORT, strict=True):
        trust = mean(by_hand_item_mean(i, short) for i in ("reliability", "mission",
                                                            "openness"))
        value = mean(by_hand_item_mean(i, short) for i in ("power", "involvement",
                                                            "resources"))
        assert s.loc[org, "trust"] == pytest.approx(float(trust))
        assert s.loc[org, "value"] == pytest.approx(float(value))
        for item in R:
            assert s.loc[org, item] == pytest.approx(float(by_hand_item_mean(item, short)))
    # who could rate each organization: the 4 members outside it; 3 of them responded
    # for the respondents' organizations, all 4 for Parks Department
    assert s["n_eligible_raters"].tolist() == [4] * 5
    assert s.loc["Valley Clinic", "response_rate"] == pytest.approx(0.75)
    assert s.loc["Parks Department", "response_rate"] == pytest.approx(1.0)


def test_partner_network_scores_by_hand(partner_net):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 4 of 5 responded: 80% is not under 80%
        s = pn.survey_scores(partner_net, level="network")
    trusts = [mean(by_hand_item_mean(i, o) for i in ("reliability", "mission", "openness"))
              for o in SHORT]
    values = [mean(by_hand_item_mean(i, o) for i in ("power", "involvement", "resources"))
              for o in SHORT]
    assert s["trust_pct"] == pytest.approx(float(mean(trusts) / 4 * 100))
    assert s["value_pct"] == pytest.approx(float(mean(values) / 4 * 100))
    assert s["response_rate"] == pytest.approx(0.8)
    assert (s["n_eligible"], s["n_respondents"]) == (5, 4)
    # org ties: each respondent organization rated the 4 others -> 16 ties of 20 pairs;
    # the 4 ties to Parks Department are not returned
    assert s["density_reported"] == pytest.approx(16 / 20)
    assert s["reciprocity_reported"] == pytest.approx(12 / 16)
    assert s["density_observed_dyads"] == pytest.approx(1.0)
    assert s.name == "survey 2024"


def test_self_ratings_are_excluded_even_when_in_the_table():
    members = pd.DataFrame({"member_id": ["a", "b"], "org": ["A", "B"]})
    surveys = pd.DataFrame({"respondent": ["a", "a", "b"], "about": ["a", "b", "a"],
                            "item": ["reliability"] * 3, "value": [4, 2, 3], "wave": "2025"})
    net = quiet(pn.PeerNetwork.from_tables, members=members, surveys=surveys)
    s = pn.survey_scores(net, warn=False).set_index("member_id")
    assert s.loc["a", "reliability"] == 3.0  # a's own 4 is left out
    assert s.loc["a", "n_raters"] == 1


def test_org_level_from_member_ratings_two_stage():
    members = pd.DataFrame({"member_id": ["a1", "a2", "b1", "c1", "d1"],
                            "org": ["A", "A", "B", "C", "D"]})
    rows = [("a1", "b1", 4), ("a2", "b1", 2), ("c1", "b1", 3), ("a1", "a2", 4),
            ("b1", "a1", 3), ("b1", "a2", 1), ("c1", "a1", 4)]
    surveys = pd.DataFrame({"respondent": [r[0] for r in rows], "about": [r[1] for r in rows],
                            "item": "reliability", "value": [r[2] for r in rows],
                            "wave": "2025"})
    net = pn.PeerNetwork.from_tables(members=members, surveys=surveys)
    s = pn.survey_scores(net, level="org", warn=False).set_index("org")
    # A: b1's view is the mean of its ratings of a1 and a2, (3+1)/2 = 2; c1's view is 4;
    # A = (2 + 4)/2 = 3 (a pooled mean would give 8/3); a1 -> a2 is inside A: left out
    assert s.loc["A", "reliability"] == pytest.approx(3.0)
    assert s.loc["B", "reliability"] == pytest.approx(3.0)
    assert s.loc["A", "n_raters"] == 2
    # A could be rated by b1, c1, d1; d1 did not respond
    assert s.loc["A", "response_rate"] == pytest.approx(2 / 3)
    assert np.isnan(s.loc["D", "reliability"]) and s.loc["D", "n_raters"] == 0


# ------------------------------------------------------------------ missing data
# a, b, c responded; d, e did not. Ratings (reliability only): a->b 4, a->d 2, b->a 3,
# b->c 2, c->a 4, c->d 3, c->e 1.
MISSING = [("a", "b", 4), ("a", "d", 2), ("b", "a", 3), ("b", "c", 2), ("c", "a", 4),
           ("c", "d", 3), ("c", "e", 1)]


@pytest.fixture
def missing_net():
    members = pd.DataFrame({"member_id": list("abcde"), "org": list("XXYYZ")})
    surveys = pd.DataFrame({"respondent": [r[0] for r in MISSING],
                            "about": [r[1] for r in MISSING], "item": "reliability",
                            "value": [r[2] for r in MISSING], "wave": "2025",
                            "scale_min": 1, "scale_max": 4})
    return pn.PeerNetwork.from_tables(members=members, surveys=surveys)


def digraph(edges, nodes="abcde"):
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    return G


def freeman(G):
    deg = np.array([d for _, d in G.degree()], float)
    n = len(deg)
    return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))


def test_impute_none(missing_net):
    s = pn.survey_scores(missing_net, level="network", warn=False)
    G = digraph([(a, b) for a, b, _ in MISSING])
    assert s["response_rate"] == pytest.approx(3 / 5)
    assert s["density_reported"] == pytest.approx(nx.density(G)) == pytest.approx(7 / 20)
    assert s["reciprocity_reported"] == pytest.approx(nx.reciprocity(G))  # 2/7
    assert s["reciprocity_reported"] == pytest.approx(2 / 7)
    sub = G.subgraph("abc")
    assert s["density_observed_dyads"] == pytest.approx(nx.density(sub))  # 4/6
    assert s["reciprocity_observed_dyads"] == pytest.approx(0.5)
    # undirected degrees a3 b2 c4 d2 e1: (1+2+0+2+3)/(4*3) = 2/3
    assert s["degree_centralization_reported"] == pytest.approx(freeman(G.to_undirected()))
    assert s["degree_centralization_reported"] == pytest.approx(2 / 3)
    # trust received: a (3+4)/2, b 4, c 2, d (2+3)/2, e 1 -> mean 2.6 -> 65%
    assert s["trust_pct"] == pytest.approx(65.0)


def test_impute_reconstruct(missing_net):
    s = pn.survey_scores(missing_net, level="network", impute="reconstruct", warn=False)
    # d and e did not answer: d->a (2), d->c (3), e->c (1) are taken from a's and c's reports
    G = digraph([(a, b) for a, b, _ in MISSING] + [("d", "a"), ("d", "c"), ("e", "c")])
    assert s["density_reported"] == pytest.approx(nx.density(G)) == pytest.approx(0.5)
    assert s["reciprocity_reported"] == pytest.approx(nx.reciprocity(G)) == pytest.approx(0.8)
    assert s["degree_centralization_reported"] == pytest.approx(2 / 3)
    # a now also receives d's reconstructed 2: (3+4+2)/3 = 3; c receives 2, 3, 1 -> 2
    m = pn.survey_scores(missing_net, impute="reconstruct", warn=False).set_index("member_id")
    assert m.loc["a", "reliability"] == pytest.approx(3.0)
    assert m.loc["c", "reliability"] == pytest.approx(2.0)
    assert m.loc["a", "n_raters"] == 2  # raters who actually answered
    assert s["trust_pct"] == pytest.approx((3 + 4 + 2 + 2.5 + 1) / 5 / 4 * 100)  # 62.5


def test_impute_mean(missing_net):
    s = pn.survey_scores(missing_net, level="network", impute="mean", warn=False)
    # respondents' rows: 7 ties of 3 x 4 possible -> d = 7/12 fills d's and e's rows
    d = 7 / 12
    ids = list("abcde")
    W = np.zeros((5, 5))
    for a, b, _ in MISSING:
        W[ids.index(a), ids.index(b)] = 1
    W[3, :] = d
    W[4, :] = d
    np.fill_diagonal(W, 0)
    assert s["density_reported"] == pytest.approx(W.sum() / 20) == pytest.approx(7 / 12)
    assert s["reciprocity_reported"] == pytest.approx((W * W.T).sum() / W.sum())
    U = 1 - (1 - W) * (1 - W.T)
    np.fill_diagonal(U, 0)
    deg = U.sum(axis=1)
    assert s["degree_centralization_reported"] == pytest.approx(
        (deg.max() - deg).sum() / (4 * 3))
    # partners' means do not move under mean imputation
    none = pn.survey_scores(missing_net, level="network", warn=False)
    assert s["trust_pct"] == pytest.approx(none["trust_pct"])


def test_impute_mean_fills_a_partner_nobody_rated():
    members = pd.DataFrame({"member_id": list("abcf")})
    surveys = pd.DataFrame({"respondent": ["a", "b", "c"], "about": ["b", "c", "a"],
                            "item": "reliability", "value": [4, 2, 3], "wave": "2025"})
    net = pn.PeerNetwork.from_tables(members=members, surveys=surveys)
    none = pn.survey_scores(net, warn=False).set_index("member_id")
    mean_ = pn.survey_scores(net, impute="mean", warn=False).set_index("member_id")
    assert np.isnan(none.loc["f", "reliability"])
    assert mean_.loc["f", "reliability"] == pytest.approx(3.0)  # mean of 4, 2, 3
    assert mean_.loc["f", "n_raters"] == 0


def test_sensitivity_band(missing_net):
    band = pn.metrics.survey_sensitivity(missing_net).set_index("measure")
    assert band.loc["trust_pct", ["none", "reconstruct", "mean"]].tolist() == pytest.approx(
        [65.0, 62.5, 65.0])
    assert band.loc["trust_pct", "band_min"] == pytest.approx(62.5)
    assert band.loc["trust_pct", "band_max"] == pytest.approx(65.0)
    assert band.loc["density_reported", "band_min"] == pytest.approx(0.35)
    assert band.loc["density_reported", "band_max"] == pytest.approx(7 / 12)
    assert band.loc["reciprocity_reported", "band_max"] == pytest.approx(0.8)
    assert band["response_rate"].tolist() == pytest.approx([0.6] * 5)
    assert set(band["response_note"]) == {"read with caution"}


def test_low_response_warns_and_notes(missing_net):
    with pytest.warns(pn.DataQualityWarning, match=r"3 of 5 members responded \(60%, under "
                                                   r"80%\).*Read the figures with caution"):
        pn.survey_scores(missing_net, level="network")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pn.survey_scores(missing_net, level="network", warn=False)
    # the wave is read once a network (peernet.surveys.wave_data keeps it): it warns again
    with pytest.warns(pn.DataQualityWarning, match=r"3 of 5 members responded"):
        pn.survey_scores(missing_net, level="network")
    m = pn.survey_scores(missing_net, warn=False).set_index("member_id")
    # a: the 4 others could rate it, b and c responded -> 2/4; d: a, b, c responded -> 3/4
    assert m.loc["a", "response_rate"] == pytest.approx(0.5)
    assert m.loc["d", "response_rate"] == pytest.approx(0.75)
    assert m.loc["a", "response_note"] == "read with caution"
    assert m.loc["d", "response_note"] == "low response"
    assert pn.metrics.response_note(0.64) == "read with caution"
    assert pn.metrics.response_note(0.65) == "low response"
    assert pn.metrics.response_note(0.80) == ""
    assert pn.metrics.response_note(float("nan")) == "no survey"


def test_no_warning_at_full_response():
    members = pd.DataFrame({"member_id": ["a", "b"]})
    surveys = pd.DataFrame({"respondent": ["a", "b"], "about": ["b", "a"],
                            "item": "reliability", "value": [4, 2], "wave": "2025"})
    net = pn.PeerNetwork.from_tables(members=members, surveys=surveys)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = pn.survey_scores(net, level="network")
    assert s["response_rate"] == 1.0 and s["reciprocity_reported"] == 1.0


def test_population_is_the_roster_on_the_survey_day():
    members = pd.DataFrame({"member_id": ["a", "b", "old", "new"],
                            "joined": ["2024-01-01", "2024-01-01", "2020-01-01", "2025-11-01"],
                            "left": [None, None, "2025-06-30", None]})
    surveys = pd.DataFrame({"respondent": ["a"], "about": ["b"], "item": "reliability",
                            "value": [4], "wave": "2025", "date": ["2025-10-01"]})
    net = pn.PeerNetwork.from_tables(members=members, surveys=surveys)
    r = pn.metrics.survey_response(net)
    assert r[["wave", "n_eligible", "n_respondents"]].values.tolist() == [["2025", 2, 1]]
    assert r.loc[0, "response_rate"] == 0.5 and r.loc[0, "response_note"] == "read with caution"


def test_network_level_without_a_survey(tiny_net):
    s = pn.survey_scores(tiny_net, level="network")
    assert np.isnan(s["trust_pct"]) and np.isnan(s["response_rate"])
    assert s["n_respondents"] == 0
    assert pn.survey_scores(tiny_net).empty


def test_bad_arguments(missing_net):
    with pytest.raises(ValueError, match=r"level must be one of 'member', 'org', 'network'; "
                                         r"got 'team'"):
        pn.survey_scores(missing_net, level="team")
    with pytest.raises(ValueError, match=r"impute must be one of 'none', 'reconstruct', "
                                         r"'mean'; got 'zero'"):
        pn.survey_scores(missing_net, impute="zero")
    with pytest.raises(ValueError, match=r"wave '2019' is not in the surveys table; waves "
                                         r"are \['2025'\]"):
        pn.survey_scores(missing_net, wave="2019")
    with pytest.raises(TypeError, match="net must be a PeerNetwork; got DataFrame"):
        pn.survey_scores(missing_net.surveys)


# ------------------------------------------------------------------ perception gaps
@pytest.fixture
def gap_net():
    rows = [("a", "b", "reliability", 4), ("a", "b", "mission", 4), ("a", "b", "openness", 3),
            ("b", "a", "reliability", 2), ("b", "a", "mission", 3), ("b", "a", "openness", 3),
            ("b", "c", "reliability", 3), ("b", "c", "mission", 3), ("b", "c", "openness", 3),
            ("c", "b", "reliability", 4), ("c", "b", "mission", 4), ("c", "b", "openness", 4),
            ("c", "a", "reliability", 1), ("a", "b", "power", 1), ("b", "a", "power", 4)]
    surveys = pd.DataFrame(rows, columns=["respondent", "about", "item", "value"])
    surveys["wave"] = "2025"
    return pn.PeerNetwork.from_tables(members=pd.DataFrame({"member_id": list("abc"),
                                                            "org": list("XYY")}),
                                      surveys=surveys)


def test_perception_gaps(gap_net):
    g = pn.metrics.perception_gaps(gap_net)
    # a rates b (4+4+3)/3 = 11/3, b rates a (2+3+3)/3 = 8/3: gap 1
    # b rates c 3, c rates b 4: gap -1; c -> a has no answer back: no row
    assert g[["member_a", "member_b"]].values.tolist() == [["a", "b"], ["b", "c"]]
    assert g["a_rates_b"].tolist() == pytest.approx([11 / 3, 3])
    assert g["b_rates_a"].tolist() == pytest.approx([8 / 3, 4])
    assert g["gap"].tolist() == pytest.approx([1, -1])
    p = pn.metrics.perception_gaps(gap_net, item="power")
    assert p[["member_a", "member_b", "gap"]].values.tolist() == [["a", "b", -3.0]]
    with pytest.raises(ValueError, match="item 'pwr' is not in the survey"):
        pn.metrics.perception_gaps(gap_net, item="pwr")


def test_given_received(gap_net):
    gr = pn.metrics.given_received(gap_net).set_index("member_id")
    # a gives b: item means 4, 4, 3 -> 11/3; a receives from b (2, 3, 3) and c (1 on
    # reliability): reliability (2+1)/2, mission 3, openness 3 -> (1.5+3+3)/3 = 2.5
    assert gr.loc["a", "given"] == pytest.approx(11 / 3)
    assert gr.loc["a", "received"] == pytest.approx(2.5)
    assert gr.loc["a", "gap"] == pytest.approx(11 / 3 - 2.5)
    assert (gr.loc["a", "n_given"], gr.loc["a", "n_received"]) == (1, 2)
    # received equals the PARTNER trust score
    s = pn.survey_scores(gap_net, warn=False).set_index("member_id")
    assert gr["received"].tolist() == pytest.approx(s.loc[gr.index, "trust"].tolist())
    org = pn.metrics.given_received(gap_net, level="org").set_index("org")
    # org X (a) gives Y: a's view of Y's members = b only -> 11/3; Y gives X: b and c rate a
    assert org.loc["X", "given"] == pytest.approx(11 / 3)
    assert org.loc["X", "received"] == pytest.approx(2.5)
    # inside Y (b <-> c) is left out at org level: Y gives only to a
    assert org.loc["Y", "given"] == pytest.approx(2.5)


# ------------------------------------------------------------------ ICC(1)
ICC_RATINGS = {"t1": [("r1", 4), ("r2", 4), ("r3", 3)],
               "t2": [("r1", 2), ("r2", 1), ("r3", 2), ("r4", 2)],
               "t3": [("r1", 3), ("r4", 3)],
               "t4": [("r2", 1), ("r3", 2), ("r4", 1)],
               "t5": [("r1", 4)]}  # one rater only: left out


def test_icc1_against_direct_anova():
    rows = [(r, t, v) for t, rs in ICC_RATINGS.items() for r, v in rs]
    surveys = pd.DataFrame(rows, columns=["respondent", "about", "value"]).assign(
        item="reliability", wave="2025")
    ids = ["r1", "r2", "r3", "r4", "t1", "t2", "t3", "t4", "t5"]
    net = pn.PeerNetwork.from_tables(members=pd.DataFrame({"member_id": ids}),
                                     surveys=surveys)
    icc = pn.metrics.rater_agreement(net, items=["reliability"], warn=False).iloc[0]
    groups = [np.array([v for _, v in rs], float) for t, rs in ICC_RATINGS.items()
              if len(rs) > 1]
    # direct one-way ANOVA
    allv = np.concatenate(groups)
    n, g = len(allv), len(groups)
    grand = allv.mean()
    ssb = sum(len(x) * (x.mean() - grand) ** 2 for x in groups)
    ssw = sum(((x - x.mean()) ** 2).sum() for x in groups)
    msb, msw = ssb / (g - 1), ssw / (n - g)
    k0 = (n - sum(len(x) ** 2 for x in groups) / n) / (g - 1)
    expected = (msb - msw) / (msb + (k0 - 1) * msw)
    f, p = stats.f_oneway(*groups)
    assert (icc["n_targets"], icc["n_ratings"]) == (4, 12)
    assert icc["ms_between"] == pytest.approx(msb)
    assert icc["ms_within"] == pytest.approx(msw)
    assert icc["k0"] == pytest.approx(k0)
    assert icc["f"] == pytest.approx(f)
    assert icc["p_value"] == pytest.approx(p)
    assert icc["icc1"] == pytest.approx(expected)
    assert icc["icc1_k"] == pytest.approx((msb - msw) / msb)
    # hand values: group means 11/3, 7/4, 3, 4/3; grand 28/12 = 7/3
    assert msw == pytest.approx((2 / 3 + 3 / 4 + 0 + 2 / 3) / 8)


def test_icc1_balanced_equals_shrout_fleiss_form():
    # balanced: k0 = k, ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW)
    vals = {"t1": [4, 4, 3], "t2": [1, 2, 1], "t3": [3, 2, 3]}
    rows = [(f"r{j}", t, v) for t, vs in vals.items() for j, v in enumerate(vs)]
    surveys = pd.DataFrame(rows, columns=["respondent", "about", "value"]).assign(
        item="trust_item", wave="2025")
    net = pn.PeerNetwork.from_tables(members=pd.DataFrame(
        {"member_id": ["r0", "r1", "r2", "t1", "t2", "t3"]}), surveys=surveys)
    icc = pn.metrics.rater_agreement(net, warn=False).set_index("item")
    x = np.array(list(vals.values()), float)
    msb = 3 * ((x.mean(axis=1) - x.mean()) ** 2).sum() / 2
    msw = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / 6
    assert icc.loc["trust_item", "k0"] == pytest.approx(3)
    assert icc.loc["trust_item", "icc1"] == pytest.approx((msb - msw) / (msb + 2 * msw))
    assert np.isnan(icc.loc["trust", "icc1"])  # no trust items in this survey


# ------------------------------------------------------------------ reported vs observed
@pytest.fixture
def rv_net(tiny_net):
    surveys = pd.DataFrame({"respondent": ["ana", "ana", "ben", "ana"],
                            "about": ["cai", "dee", "ana", "cai"],
                            "item": ["reliability", "reliability", "reliability", "power"],
                            "value": [4, 3, 2, 1], "wave": "2025",
                            "date": "2025-10-01"})
    return pn.PeerNetwork.from_tables(members=tiny_net.members, events=tiny_net.events,
                                      interactions=tiny_net.interactions, surveys=surveys)


def test_reported_vs_observed(rv_net):
    rv = pn.metrics.reported_vs_observed(rv_net, warn=False)
    got = {(a, b): p for a, b, p in zip(rv["member_a"], rv["member_b"], rv["provenance"],
                                        strict=True)}
    # logs 2025: ana<->cai (message, reply), ben->ana, dee->eve (help); attendance ignored
    assert got == {("ana", "ben"): "both", ("ana", "cai"): "both", ("ana", "dee"): "survey",
                   ("dee", "eve"): "logs"}
    r = rv.set_index(["member_a", "member_b"])
    assert r.loc[("ana", "cai"), "n_interactions"] == 2
    assert r.loc[("ana", "cai"), "trust"] == 4.0 and r.loc[("ana", "cai"), "value"] == 1.0
    assert bool(r.loc[("ana", "ben"), "reported_by_b"]) and not r.loc[("ana", "ben"),
                                                                     "reported_by_a"]
    assert not r.loc[("dee", "eve"), "could_report"]  # neither dee nor eve answered
    assert r.loc[("ana", "dee"), "n_interactions"] == 0
    # weight: the kinds' default weights (no weight column): message + reply, one help
    assert r.loc[("ana", "cai"), "weight"] == 1.0 + 1.0
    assert r.loc[("dee", "eve"), "weight"] == pn.schema.DEFAULT_WEIGHTS["help"] == 2.0
    assert r.loc[("ana", "dee"), "weight"] == 0.0
    assert rv["response_rate"].iloc[0] == pytest.approx(2 / 5)
    # only the help counts when kinds=["help"]
    only = pn.metrics.reported_vs_observed(rv_net, kinds=["help"], warn=False)
    assert set(only.loc[only["provenance"] == "both", "member_b"]) == set()
    with pytest.raises(ValueError, match="kinds must be interaction kinds"):
        pn.metrics.reported_vs_observed(rv_net, kinds=["helps"], warn=False)


def test_reported_vs_observed_uses_the_slice_window(rv_net):
    # the survey wave 2025 compared with a 2024 log: nothing observed
    rv = pn.metrics.reported_vs_observed(rv_net, period="2024", warn=False)
    assert set(rv["provenance"]) == {"survey"}


def _counted(rv):
    could = rv[rv["could_report"].astype(bool)]["provenance"].value_counts()
    return {k: int(could.get(k, 0)) for k in ("both", "survey", "logs")}


@pytest.mark.parametrize("kinds", [None, ["help"], ["message", "reply", "attend"]])
def test_provenance_counts_are_those_of_reported_vs_observed(rv_net, riverbend, kinds):
    """provenance_counts (integer codes on the default ties) gives the counts of
    reported_vs_observed's provenance among the pairs that could be reported: the tiny
    network by hand, riverbend's waves and slices."""
    from peernet.surveys import provenance_counts

    if kinds is None:   # by hand: dee-eve is in the logs only, but neither answered
        assert provenance_counts(rv_net) == {"both": 2, "survey": 1, "logs": 0}
    cases = [(rv_net, {}), (rv_net, {"period": "2024"}), (riverbend, {"wave": "2024"}),
             (riverbend.period("2025"), {}), (riverbend, {"wave": "2025", "period": "2024"})]
    for net, kw in cases:
        rv = pn.metrics.reported_vs_observed(net, kinds=kinds, warn=False, **kw)
        assert provenance_counts(net, kinds=kinds, **kw) == _counted(rv)
    assert sum(provenance_counts(riverbend.period("2025")).values()) > 100
    with pytest.raises(ValueError, match="kinds must be interaction kinds"):
        provenance_counts(rv_net, kinds=["helps"])


def test_survey_graph(rv_net):
    G = pn.metrics.survey_graph(rv_net, warn=False)
    assert set(G.nodes) == {"ana", "ben", "cai", "dee", "eve"}
    assert set(map(frozenset, G.edges)) == {frozenset(p) for p in
                                             [("ana", "cai"), ("ana", "dee"), ("ana", "ben")]}
    assert G.edges["ana", "ben"]["reported_by"] == "ben"
    assert G.nodes["ana"]["responded"] and not G.nodes["cai"]["responded"]
    assert G.nodes["ana"]["org"] == "A"
    D = pn.metrics.survey_graph(rv_net, directed=True, warn=False)
    assert D.has_edge("ben", "ana") and not D.has_edge("ana", "ben")
    assert D.edges["ana", "cai"] == {"n_items": 2, "trust": 4.0, "value": 1.0}


# ------------------------------------------------------------------ riverbend
def test_riverbend_every_figure_carries_its_response_rate(riverbend):
    r = pn.metrics.survey_response(riverbend)
    assert r["wave"].tolist() == ["2023", "2024", "2025"]
    assert (r["response_rate"] < 0.8).all() and r["response_rate"].is_monotonic_increasing
    s = pn.survey_scores(riverbend.period("2025"), level="network", warn=False)
    assert s["response_rate"] == pytest.approx(r.loc[2, "response_rate"])
    assert s["trust_pct"] > pn.survey_scores(riverbend.period("2023"), level="network",
                                             warn=False)["trust_pct"]
    for frame in (pn.survey_scores(riverbend, warn=False),
                  pn.survey_scores(riverbend, level="org", warn=False),
                  pn.metrics.survey_sensitivity(riverbend),
                  pn.metrics.perception_gaps(riverbend, warn=False),
                  pn.metrics.given_received(riverbend, warn=False),
                  pn.metrics.rater_agreement(riverbend, warn=False),
                  pn.metrics.reported_vs_observed(riverbend, warn=False)):
        assert "response_rate" in frame.columns
        assert frame["response_rate"].between(0, 1).all()
    band = pn.metrics.survey_sensitivity(riverbend, wave="2025")
    assert (band["band_min"] <= band["none"]).all() and (band["none"] <= band["band_max"]).all()
    # the learning item about the network appears as its own mean
    assert 1 <= s["learning_mean"] <= 4


def test_partner_reconstruct_org_level(partner_net):
    # Parks Department did not answer: it "rates" each organization as that one rated it
    s = pn.survey_scores(partner_net, level="org", impute="reconstruct").set_index("org")
    assert s.loc["Valley Clinic", "reliability"] == pytest.approx((3 + 4 + 2 + 3) / 4)
    assert s.loc["Hope Schools", "reliability"] == pytest.approx((3 + 2 + 3 + 2) / 4)
    assert s.loc["Hope Schools", "n_raters"] == 3  # members who actually answered
    band = pn.metrics.survey_sensitivity(partner_net).set_index("measure")
    assert band.loc["density_reported", ["none", "reconstruct"]].tolist() == pytest.approx(
        [16 / 20, 20 / 20])
    assert band.loc["reciprocity_reported", "band_max"] == pytest.approx(1.0)


def test_survey_response_without_answer_dates(riverbend):
    """Surveys without a ``date`` column (the benchmark's synthetic folders): the first and
    last answer are NaT, still in UTC, and a report's survey section can be written."""
    net = riverbend.replace(surveys=riverbend.surveys.drop(columns="date"))
    r = pn.metrics.survey_response(net)
    with_dates = pn.metrics.survey_response(riverbend)
    assert str(r["first_answer"].dtype) == "datetime64[ns, UTC]"
    assert r["first_answer"].isna().all() and r["last_answer"].isna().all()
    assert r["wave"].tolist() == with_dates["wave"].tolist() == ["2023", "2024", "2025"]
    assert (r["n_ratings"] == with_dates["n_ratings"]).all()


def test_response_notes_of_an_array_are_response_note_of_each():
    from peernet.metrics.survey import _response_notes

    rates = np.array([np.nan, 0.0, 0.6499, 0.65, 0.7, 0.7999, 0.8, 1.0, np.inf])
    assert _response_notes(rates) == [pn.metrics.response_note(r) for r in rates]
    assert _response_notes(rates)[:4] == ["no survey", "read with caution",
                                          "read with caution", "low response"]
