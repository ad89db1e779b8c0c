"""Peer matching (pn.match) and small groups (pn.groups): hand-computed scores, the
constraints as properties of generated rosters, global vs greedy assignment, riverbend, CLI."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peernet as pn
from peernet.cli import main
from peernet.match import SCORE_WEIGHTS

OLD = {"region": "ignore", "language": "bonus"}  # the pre-issue-22 defaults


def pairs(net, **kw):
    """pn.match(...).pairs with the old defaults (no region rule, language a bonus), so the
    hand-computed scores of these tests keep their meaning."""
    return run(net, **kw).pairs


def run(net, **kw):
    """pn.match(...) (the MatchResult) with the old defaults."""
    return pn.match(net, **{**OLD, **kw})


def make_net(rows, interactions=None, problems=None, events=None) -> pn.PeerNetwork:
    """A network from roster rows (dicts); every roster column present, empty when absent."""
    cols = ["member_id", "org", "region", "language", "supervisor_id", "needs", "expertise"]
    members = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    if interactions is None:
        interactions = pd.DataFrame({"timestamp": pd.Series(dtype="str"),
                                     "source": pd.Series(dtype="str"),
                                     "kind": pd.Series(dtype="str"),
                                     "target": pd.Series(dtype="str"),
                                     "event_id": pd.Series(dtype="str")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pn.PeerNetwork.from_tables(members=members, interactions=interactions,
                                          problems=problems, events=events, tz="UTC",
                                          name="hand")


def member(mid, org, needs=None, expertise=None, language="en", region="North", sup=None):
    return {"member_id": mid, "org": org, "needs": needs, "expertise": expertise,
            "language": language, "region": region, "supervisor_id": sup}


# ------------------------------------------------------------------ hand-computed scores
# s1 needs housing + funding. Holders: housing {s1, p1, p2}, funding {s1, p2, p3, q}; 5 members
# with topics, so idf_housing = ln(6/4) + 1 and idf_funding = ln(6/5) + 1.
IDF_H = math.log(6 / 4) + 1
IDF_F = math.log(6 / 5) + 1
FIT_S1_P1 = IDF_H / (IDF_H + IDF_F)  # 0.543115


def score_net(interactions=None):
    return make_net([
        member("s1", "A", needs="housing; funding"),
        member("p1", "B", expertise="housing"),
        member("p2", "C", expertise="Housing; funding", language="es", region="South"),
        member("p3", "A", expertise="funding"),
        member("q", "D", needs="funding", region="South"),
    ], interactions=interactions)


def test_scores_match_the_formula_by_hand():
    m = pairs(score_net(), k=3, capacity=2)
    assert FIT_S1_P1 == pytest.approx(0.543115, abs=1e-6)
    got = {(r.seeker, r.peer): r.score for r in m.itertuples()}
    assert got == {
        ("q", "p3"): pytest.approx(1 + 0.2 + 0.2),        # fit 1, shared en, new tie
        ("q", "p2"): pytest.approx(1 + 0.2),              # es vs en: no language bonus
        ("s1", "p2"): pytest.approx(1 + 0.2),             # covers both needs
        ("s1", "p1"): pytest.approx(FIT_S1_P1 + 0.4, abs=1e-4),
    }
    # p3 shares s1's organization: never suggested to s1
    assert list(m["seeker"]) == ["q", "q", "s1", "s1"]
    assert list(m["peer"]) == ["p3", "p2", "p2", "p1"]
    assert list(m["rank"]) == [1, 2, 1, 2]
    row = m[(m["seeker"] == "s1") & (m["peer"] == "p1")].iloc[0]
    assert row["share_need_covered"] == pytest.approx(FIT_S1_P1, abs=1e-4)
    assert row["topics"] == "housing"
    assert row["reasons"] == ("covers housing (54% of needs); shared language en; same region "
                              "North; level staff; new tie; orgs A / B")
    row = m[(m["seeker"] == "s1") & (m["peer"] == "p2")].iloc[0]
    assert row["topics"] == "funding; housing"  # "Housing" normalised
    assert row["shared_language"] == "" and not row["same_region"]
    assert list(m.columns) == ["seeker", "peer", "rank", "score", "topics",
                               "share_need_covered", "proven", "shared_language", "same_region",
                               "known", "seeker_org", "peer_org", "seeker_region",
                               "peer_region", "seeker_level", "peer_level",
                               "peer_other_orgs", "format", "problem_to_bring", "format_reason",
                               "evidence", "reasons", "introduction"]
    assert isinstance(m.index, pd.RangeIndex)


def test_prefer_and_region_bonuses():
    inter = pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["p1"], "kind": ["message"],
                          "target": ["s1"]})
    net = score_net(inter)

    def s1(**kw):
        m = pairs(net, k=3, capacity=2, **kw)
        return m[m["seeker"] == "s1"].set_index("peer")["score"].to_dict()

    assert s1(prefer="known") == {"p1": pytest.approx(FIT_S1_P1 + 0.4, abs=1e-4),
                                  "p2": pytest.approx(1.0)}
    assert s1(prefer=None) == {"p1": pytest.approx(FIT_S1_P1 + 0.2, abs=1e-4),
                               "p2": pytest.approx(1.0)}
    assert s1(prefer=None, region="prefer_same") == {
        "p1": pytest.approx(FIT_S1_P1 + 0.5, abs=1e-4), "p2": pytest.approx(1.0)}
    assert s1(prefer=None, region="prefer_different") == {
        "p1": pytest.approx(FIT_S1_P1 + 0.2, abs=1e-4), "p2": pytest.approx(1.3)}
    assert s1(prefer=None, language="ignore") == {"p1": pytest.approx(FIT_S1_P1, abs=1e-4),
                                               "p2": pytest.approx(1.0)}
    # language="require": p2 (es) is excluded for s1 (en)
    assert list(s1(language="require")) == ["p1"]
    # weights override
    got = s1(prefer=None, language="ignore", weights={"fit": 2.0})
    assert got["p2"] == pytest.approx(2.0)
    m = pairs(net, k=3, capacity=2)
    assert m.set_index(["seeker", "peer"]).loc[("s1", "p1"), "known"]


def test_same_org_true_allows_own_organization():
    m = pairs(score_net(), k=3, capacity=3, same_org=True)
    assert ("s1", "p3") in set(zip(m["seeker"], m["peer"], strict=True))
    m = pairs(score_net(), k=3, capacity=3, same_org=False)
    assert ("s1", "p3") not in set(zip(m["seeker"], m["peer"], strict=True))


def test_problem_log_gives_needs_expertise_proven_and_known_ties():
    problems = pd.DataFrame({"problem_id": ["pr1"], "raised_by": ["r"],
                             "raised_at": ["2025-02-01"], "topic": ["housing"],
                             "helpers": ["p2"], "solved_at": ["2025-03-01"],
                             "status": ["solved"]})
    net = make_net([member("s", "S", needs="housing"), member("p1", "P1", expertise="housing"),
                    member("p2", "P2"), member("r", "R")], problems=problems)
    m = pairs(net, k=2, capacity=2).set_index(["seeker", "peer"])
    # all four members hold housing: idf = ln(5/5) + 1 = 1, every fit is 1
    assert m.loc[("s", "p2"), "score"] == pytest.approx(1 + 0.1 + 0.2 + 0.2)  # proven
    assert m.loc[("s", "p1"), "score"] == pytest.approx(1 + 0.2 + 0.2)
    assert m.loc[("r", "p1"), "score"] == pytest.approx(1.4)
    assert m.loc[("r", "p2"), "score"] == pytest.approx(1 + 0.1 + 0.2)  # helped r: known
    assert m.loc[("r", "p2"), "known"] and not m.loc[("s", "p2"), "known"]
    assert m.loc[("s", "p2"), "proven"]
    assert "helped solve 1 problem(s) on them" in m.loc[("s", "p2"), "reasons"]
    assert "already know each other" in m.loc[("r", "p2"), "reasons"]
    # roster only: p2 has no expertise, r no need
    m = pairs(net, evidence=["roster"])
    assert set(zip(m["seeker"], m["peer"], strict=True)) == {("s", "p1")}


def known_net():
    filler = [member(f"f{i:02d}", f"F{i}") for i in range(10)]
    rows = [member("s", "S", needs="x")] + [member(f"p{i}", f"P{i}", expertise="x")
                                             for i in range(1, 5)] + filler
    inter = [{"timestamp": "2025-01-01", "source": "p1", "kind": "reaction", "target": "s"}]
    inter += [{"timestamp": "2025-01-05", "source": who, "kind": "attend", "event_id": "small"}
              for who in ("s", "p2")]
    inter += [{"timestamp": "2025-01-06", "source": who, "kind": "attend", "event_id": "big"}
              for who in ["s", "p3"] + [f"f{i:02d}" for i in range(10)]]  # 12 attendees
    problems = pd.DataFrame({"problem_id": ["pr"], "raised_by": ["s"],
                             "raised_at": ["2025-02-01"], "topic": ["x"], "helpers": ["p4"],
                             "status": ["open"]})
    return make_net(rows, interactions=pd.DataFrame(inter), problems=problems)


@pytest.mark.parametrize("small_event, expected", [
    (10, {"p1": True, "p2": True, "p3": False, "p4": True}),
    (12, {"p1": True, "p2": True, "p3": True, "p4": True}),
    (0, {"p1": True, "p2": False, "p3": False, "p4": True}),
])
def test_known_ties_definition(small_event, expected):
    m = pairs(known_net(), k=4, capacity=1, prefer=None, small_event=small_event)
    assert m.set_index("peer")["known"].to_dict() == expected


def test_prefer_new_ties_ranks_unknown_peers_first():
    m = pairs(known_net(), k=4, capacity=1)
    assert m["peer"].iloc[0] == "p3"  # the only new tie
    assert list(m["known"]) == [False, True, True, True]


def test_supervision_chain_is_never_matched_siblings_are():
    rows = [member("sup2", "O2", expertise="x"), member("sup1", "O1", expertise="x", sup="sup2"),
            member("s", "S", needs="x", sup="sup1"), member("r1", "R1", expertise="x", sup="s"),
            member("r2", "R2", expertise="x", sup="r1"),
            member("sib", "B", expertise="x", sup="sup1")]
    res = run(make_net(rows), k=5, capacity=1)
    m = res.pairs
    assert list(m["peer"]) == ["sib"]
    seekers = res.seekers
    assert seekers.to_dict("records") == [{"seeker": "s", "needs": "x", "level": "staff",
                                           "n_fitting": 5, "n_eligible": 1, "n_suggested": 1,
                                           "reason": ""}]
    res = run(make_net(rows[:-1]), k=5, capacity=1)
    m = res.pairs
    assert len(m) == 0
    assert res.unserved["reason"].tolist() == [
        "every peer with the expertise is excluded: 4 supervision chain"]


def test_unserved_reasons():
    rows = [member("a", "A", needs="rare"), member("b", "B", needs="x"),
            member("c", "C", needs="x"), member("p", "P", expertise="x"),
            member("d", "P", needs="y"), member("e", "P", expertise="y")]
    res = run(make_net(rows), k=2, capacity=1)
    m = res.pairs
    un = res.unserved.set_index("seeker")["reason"].to_dict()
    assert un == {
        "a": "no other current member lists expertise in rare",
        "c": "all 1 eligible peer(s) were already suggested 1 time(s)",
        "d": "every peer with the expertise is excluded: 1 same organization",
    } or un == {
        "a": "no other current member lists expertise in rare",
        "b": "all 1 eligible peer(s) were already suggested 1 time(s)",
        "d": "every peer with the expertise is excluded: 1 same organization",
    }
    seekers = res.seekers
    assert list(seekers["seeker"]) == ["a", "b", "c", "d"]
    assert seekers["n_suggested"].sum() == 1 == len(m)
    assert list(res.unserved.columns) == ["seeker", "needs", "level", "n_fitting",
                                          "n_eligible", "n_suggested", "reason"]
    assert res.params["capacity"] == 1


def test_members_who_left_or_are_unmatched_are_not_matched():
    rows = [member("s", "S", needs="x"), member("gone", "G", expertise="x"),
            member("p", "P", expertise="x")]
    members = pd.DataFrame(rows).assign(left=[None, "2024-05-01", None])
    inter = pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["ghost"],
                          "kind": ["message"], "target": ["s"]})
    problems = pd.DataFrame({"problem_id": ["pr"], "raised_by": ["s"],
                             "raised_at": ["2025-02-01"], "topic": ["x"],
                             "helpers": ["ghost"], "status": ["solved"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.PeerNetwork.from_tables(members=members, interactions=inter,
                                         problems=problems, tz="UTC")
    assert net.members.set_index("member_id").loc["ghost", "unmatched"]
    m = pairs(net, k=3, capacity=3)
    assert list(m["peer"]) == ["p"]
    # "gone" left on 2024-05-01: a 2024 slice ends later, so gone is not matched there either
    m24 = pairs(net.period("2024"), k=3, capacity=3, evidence=["roster"])
    assert list(m24["peer"]) == ["p"]
    m24h1 = pairs(net.between("2024-01-01", "2024-04-01"), k=3, capacity=3,
                     evidence=["roster"])
    assert sorted(m24h1["peer"]) == ["gone", "p"]


def test_roles_leave_supervisors_out():
    rows = [member("s", "S", needs="x"), member("boss", "B", expertise="x"),
            member("p", "P", expertise="x")]
    members = pd.DataFrame(rows).assign(role=["member", "supervisor", "member"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.PeerNetwork.from_tables(members=members, tz="UTC")
    assert sorted(pairs(net, k=2, levels="ignore")["peer"]) == ["boss", "p"]
    assert sorted(pairs(net, k=2)["peer"]) == ["p"]  # the supervisor is a manager
    assert sorted(pairs(net, k=2, levels="adjacent")["peer"]) == ["boss", "p"]
    assert list(pairs(net, k=2, roles=["member"])["peer"]) == ["p"]
    with pytest.raises(ValueError, match="match: roles= needs a 'role' column"):
        pairs(score_net(), roles=["member"])


def test_known_ties_on_a_slice_count_history_up_to_its_end():
    inter = pd.DataFrame({"timestamp": ["2024-06-01"], "source": ["s"], "kind": ["call"],
                          "target": ["p"]})
    net = make_net([member("s", "S", needs="x"), member("p", "P", expertise="x")],
                   interactions=inter)
    assert pairs(net.period("2025"), evidence=["roster"])["known"].tolist() == [True]
    assert pairs(net.period("2023"), evidence=["roster"])["known"].tolist() == [False]


def test_seed_breaks_ties_reproducibly():
    net = make_net([member("s", "S", needs="x"), member("p", "P", expertise="x"),
                    member("q", "Q", expertise="x")])
    picks = {s: pairs(net, k=1, seed=s)["peer"].iloc[0] for s in range(8)}
    assert set(picks.values()) == {"p", "q"}
    assert all(pairs(net, k=1, seed=s)["peer"].iloc[0] == picks[s] for s in range(8))
    both = pairs(net, k=2, seed=3)
    assert both["score"].tolist() == [1.4, 1.4] and both["rank"].tolist() == [1, 2]


# ------------------------------------------------------------------ global vs greedy
def greedy_trap():
    """Greedy takes a-x (the best pair, 1.4) and leaves b with nobody; the global assignment
    gives a the weaker y and b the only peer who can help: both served."""
    return make_net([
        member("a", "OA", needs="t1; t2", language="es"),
        member("b", "OB", needs="t2"),
        member("x", "OX", expertise="t1; t2", language="es"),
        member("y", "OY", expertise="t1"),
    ])


def test_global_assignment_serves_everyone_where_greedy_fails():
    net = greedy_trap()
    greedy_res = run(net, k=1, capacity=1, method="greedy")
    flow_res = run(net, k=1, capacity=1)
    greedy, flow = greedy_res.pairs, flow_res.pairs
    assert set(zip(greedy["seeker"], greedy["peer"], strict=True)) == {("a", "x")}
    assert greedy["score"].sum() == pytest.approx(1.4)
    assert greedy_res.unserved["seeker"].tolist() == ["b"]
    assert set(zip(flow["seeker"], flow["peer"], strict=True)) == {("a", "y"), ("b", "x")}
    # a-y: fit 1/2 (idf of t1 and t2 equal) + new tie; b-x: fit 1 + new tie
    assert flow["score"].sum() == pytest.approx(0.7 + 1.2)
    assert len(flow_res.unserved) == 0


def test_first_suggestions_before_second_ones():
    # a could take both x and y (k=2); b can only use x (y is in b's organization) and
    # capacity is 1: the flow gives b its only peer x, greedy gives a both
    net = make_net([member("a", "OA", needs="t", language="es"), member("b", "OY", needs="t"),
                    member("x", "OX", expertise="t", language="es"),
                    member("y", "OY", expertise="t")])
    flow = pairs(net, k=2, capacity=1)
    assert set(zip(flow["seeker"], flow["peer"], strict=True)) == {("a", "y"), ("b", "x")}
    greedy = pairs(net, k=2, capacity=1, method="greedy")
    assert set(zip(greedy["seeker"], greedy["peer"], strict=True)) == {("a", "x"), ("a", "y")}


def test_explicit_needs_and_expertise():
    net = make_net([member("a", "A"), member("b", "B"), member("c", "C")])
    m = pairs(net, needs={"a": ["grants"]},
                 expertise=pd.DataFrame({"member_id": ["b", "c"],
                                         "topic": ["grants; data", "data"]}))
    assert m[["seeker", "peer", "topics"]].values.tolist() == [["a", "b", "grants"]]


# ------------------------------------------------------------------ properties
TOPICS = ["t1", "t2", "t3", "t4"]


@st.composite
def rosters(draw):
    n = draw(st.integers(2, 12))
    ids = [f"m{i:02d}" for i in range(n)]
    rows = []
    for i, mid in enumerate(ids):
        others = [x for x in ids if x != mid]
        rows.append({
            "member_id": mid,
            "org": draw(st.sampled_from(["A", "B", "C", None])),
            "region": draw(st.sampled_from(["N", "S", None])),
            "language": draw(st.sampled_from(["en", "es", "en; es", None])),
            "supervisor_id": draw(st.one_of(st.none(), st.sampled_from(others))),
            "needs": "; ".join(draw(st.lists(st.sampled_from(TOPICS), max_size=3,
                                             unique=True))) or None,
            "expertise": "; ".join(draw(st.lists(st.sampled_from(TOPICS), max_size=3,
                                                 unique=True))) or None,
        })
        del i
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=8))
    inter = pd.DataFrame({"timestamp": "2025-01-01", "source": [a for a, _ in pairs],
                          "kind": "message", "target": [b for _, b in pairs]},
                         columns=["timestamp", "source", "kind", "target"])
    return rows, inter


def oracle_eligible(rows, same_org, language):
    """Eligible (seeker, peer) pairs computed directly from the definitions, with loops."""
    chain = nx.DiGraph()
    chain.add_nodes_from(r["member_id"] for r in rows)
    chain.add_edges_from((r["member_id"], r["supervisor_id"]) for r in rows
                         if r["supervisor_id"])

    def topics(v):
        return set(v.split("; ")) if v else set()

    def langs(v):
        return set(v.split("; ")) if v else set()

    out = set()
    for s in rows:
        for p in rows:
            a, b = s["member_id"], p["member_id"]
            if a == b or not topics(s["needs"]) & topics(p["expertise"]):
                continue
            if nx.has_path(chain, a, b) or nx.has_path(chain, b, a):
                continue
            if not same_org and s["org"] is not None and s["org"] == p["org"]:
                continue
            if language == "require" and not langs(s["language"]) & langs(p["language"]):
                continue
            out.add((a, b))
    return out


def max_served(eligible, capacity):
    G = nx.DiGraph()
    for s, p in eligible:
        G.add_edge("src", ("s", s), capacity=1)
        G.add_edge(("s", s), ("p", p), capacity=1)
        G.add_edge(("p", p), "snk", capacity=capacity)
    if not eligible:
        return 0
    return nx.maximum_flow_value(G, "src", "snk")


BIG = 1 + sum(SCORE_WEIGHTS.values())  # slot reward unit, as in peernet.match


def lp_objective(m, k):
    """Total reward of an assignment: slot rewards (k - j) * BIG plus the scores."""
    per_seeker = m.groupby("seeker").size()
    slots = sum(sum(k - j for j in range(c)) for c in per_seeker)
    return slots * BIG + m["score"].sum()


def nx_objective(everyone, k, capacity):
    """The best total reward, by networkx min_cost_flow (integer costs, 1e-4 units)."""
    G = nx.DiGraph()
    deg = everyone.groupby("seeker").size()
    total = int(sum(min(k, d) for d in deg))
    G.add_node("src", demand=-total)
    G.add_node("snk", demand=total)
    G.add_edge("src", "snk", capacity=total, weight=0)
    for s, d in deg.items():
        for j in range(min(k, d)):
            G.add_edge("src", ("slot", s, j), capacity=1, weight=-round((k - j) * BIG * 1e4))
            G.add_edge(("slot", s, j), ("s", s), capacity=1, weight=0)
    for r in everyone.itertuples():
        G.add_edge(("s", r.seeker), ("p", r.peer), capacity=1, weight=-round(r.score * 1e4))
        G.add_edge(("p", r.peer), "snk", capacity=capacity, weight=0)
    if total == 0:
        return 0.0
    return -nx.cost_of_flow(G, nx.min_cost_flow(G)) / 1e4


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rosters(), k=st.integers(1, 3), capacity=st.integers(1, 3),
       same_org=st.booleans(), language=st.sampled_from(["bonus", "ignore", "require"]),
       prefer=st.sampled_from(["new_ties", "known", None]))
def test_constraints_hold_on_generated_rosters(data, k, capacity, same_org, language, prefer):
    rows, inter = data
    net = make_net(rows, interactions=inter)
    res = run(net, k=k, capacity=capacity, same_org=same_org, language=language,
              prefer=prefer)
    m = res.pairs
    pairs_ = set(zip(m["seeker"], m["peer"], strict=True))
    eligible = oracle_eligible(rows, same_org, language)
    assert len(pairs_) == len(m)                       # no pair twice
    assert pairs_ <= eligible                          # self, chain, org, language, topic fit
    assert (m["seeker"] != m["peer"]).all()
    assert m.groupby("peer").size().le(capacity).all()
    assert m.groupby("seeker").size().le(k).all()
    if not same_org:
        both = m["seeker_org"].notna() & m["peer_org"].notna()
        assert (m.loc[both, "seeker_org"] != m.loc[both, "peer_org"]).all()
    # every seeker with an eligible peer is counted; as many served as any assignment can
    seekers = res.seekers.set_index("seeker")
    n_elig = pd.Series([s for s, _ in eligible], dtype="str").value_counts()
    assert (seekers["n_eligible"] == n_elig.reindex(seekers.index, fill_value=0)).all()
    assert m["seeker"].nunique() == max_served(eligible, capacity)
    # the LP optimum equals networkx's min-cost flow on the same network (scores of every
    # eligible pair come from a run where k and capacity bind nobody)
    everyone = pairs(net, k=50, capacity=50, same_org=same_org, language=language,
                        prefer=prefer)
    assert set(zip(everyone["seeker"], everyone["peer"], strict=True)) == eligible
    assert nx_objective(everyone, k, capacity) == pytest.approx(
        lp_objective(m, k), abs=1e-3 * (len(m) + 1))
    greedy = pairs(net, k=k, capacity=capacity, same_org=same_org, language=language,
                      prefer=prefer, method="greedy")
    assert greedy["seeker"].nunique() <= m["seeker"].nunique()
    # fit recomputed from the definition
    holders = {}
    for r in rows:
        for t in set((r["needs"] or "").split("; ")) | set((r["expertise"] or "").split("; ")):
            if t:
                holders.setdefault(t, set()).add(r["member_id"])
    n_with = len(set().union(*holders.values())) if holders else 0
    idf = {t: math.log((1 + n_with) / (1 + len(h))) + 1 for t, h in holders.items()}
    needs = {r["member_id"]: set((r["needs"] or "").split("; ")) - {""} for r in rows}
    for row in m.itertuples():
        covered = set(row.topics.split("; "))
        want = sum(idf[t] for t in covered) / sum(idf[t] for t in needs[row.seeker])
        assert row.share_need_covered == pytest.approx(want, abs=1e-4)


@settings(max_examples=20, deadline=None)
@given(data=rosters(), lo=st.integers(2, 4), extra=st.integers(0, 2))
def test_groups_properties(data, lo, extra):
    rows, _ = data
    hi = lo + extra
    res = pn.groups(make_net(rows), size=(lo, hi))
    g = res.groups
    mem = res.members
    assert g["size"].between(lo, hi).all()
    assert not mem["member_id"].duplicated().any()
    topics = {r["member_id"]: set(filter(None, (r["needs"] or "").split("; ")))
              | set(filter(None, (r["expertise"] or "").split("; "))) for r in rows}
    assert all(row.topic in topics[row.member_id] for row in mem.itertuples())
    with_topic = {k for k, v in topics.items() if v}
    assert set(mem["member_id"]) | set(res.left_out["member_id"]) == with_topic
    assert not set(mem["member_id"]) & set(res.left_out["member_id"])
    # balanced sizes within a pool (topic, language, level): the groups are cut to within one
    # of each other, then a member in a supervision chain with another is left out, which
    # can shorten a group by one more for each member so removed
    spread = g.groupby(["topic", "language", "level"])["size"].agg(lambda s: s.max() - s.min())
    chained = {t: int(res.left_out["reason"].str.contains(f"the {t} group", regex=False).sum())
               for t in g["topic"].unique()}
    for (topic, _lang, _level), d in spread.items():
        assert d <= 1 + chained[topic], (topic, d)


# ------------------------------------------------------------------ groups by hand
def test_groups_mix_organizations_and_regions():
    # orgs o1..o8 alternate regions N, S: dealing alone would put all N in one group
    rows = [member(f"o{i}", f"O{i}", needs="t", region="N" if i % 2 else "S")
            for i in range(1, 9)]
    res = pn.groups(make_net(rows), size=(4, 4))
    g = res.groups
    assert list(g["size"]) == [4, 4] and list(g["n_orgs"]) == [4, 4]
    assert list(g["n_regions"]) == [1, 1]  # default mix: organizations and sectors
    res = pn.groups(make_net(rows), size=(4, 4), mix=("org", "region"))
    g = res.groups
    assert list(g["n_regions"]) == [2, 2]
    res = pn.groups(make_net(rows), size=(4, 4), mix=("org",))
    g = res.groups
    assert list(g["n_regions"]) == [1, 1]
    assert list(g.columns) == ["group", "topic", "language", "level", "size", "members",
                               "convener", "convener_reason", "first_date", "meeting_slot",
                               "date_reason", "format", "problem_to_bring", "format_reason",
                               "n_experts", "n_orgs", "n_sectors", "n_regions",
                               "same_org_pairs", "chain_pairs", "shared_topics", "invitation"]


def test_groups_spread_orgs_and_experts_and_keep_chains_apart():
    rows = [member("a1", "A", needs="t"), member("a2", "A", needs="t"),
            member("b1", "B", expertise="t"), member("b2", "B", expertise="t"),
            member("c1", "C", needs="t", sup="d1"), member("d1", "D", needs="t")]
    res = pn.groups(make_net(rows), size=(3, 3))
    g = res.groups
    assert list(g["same_org_pairs"]) == [0, 0] and list(g["chain_pairs"]) == [0, 0]
    assert list(g["n_experts"]) == [1, 1]
    groups_of = res.members.set_index("member_id")["group"]
    assert groups_of["c1"] != groups_of["d1"]
    assert set(res.members["role"]) == {"expert", "learner"}


def test_groups_shared_topics_within_and_ungrouped():
    rows = [member(f"n{i}", f"N{i}", needs="t; u", region="N") for i in range(4)]
    rows += [member(f"s{i}", f"S{i}", needs="t", region="S") for i in range(3)]
    res = pn.groups(make_net(rows), size=(3, 4), within="region")
    g = res.groups
    assert g[["region", "topic", "size", "shared_topics"]].values.tolist() == [
        ["N", "t", 4, "u"], ["S", "t", 3, ""]]
    res = pn.groups(make_net(rows), size=(4, 6), within="region")
    g = res.groups
    assert g["region"].tolist() == ["N"]
    assert res.left_out["reason"].tolist() == [
        "no topic shared by at least 4 members among those with region S, level staff, "
        "language en"] * 3
    res = pn.groups(make_net(rows), size=(4, 6), topic="u")
    g = res.groups
    assert g["members"].tolist() == ["n0; n1; n2; n3"]
    assert set(res.left_out["member_id"]) == {"s0", "s1", "s2"}


def test_groups_pool_that_cannot_be_split():
    rows = [member(f"m{i}", f"O{i}", needs="t") for i in range(7)]
    res = pn.groups(make_net(rows), size=(4, 6))
    g = res.groups
    assert g["size"].tolist() == [6]
    assert res.left_out["reason"].tolist() == [
        "pool of 7 on t cannot be split into groups of 4-6"]


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("kwargs, message", [
    ({"k": 0}, "match: k must be a positive integer; got 0"),
    ({"capacity": 1.5}, "match: capacity must be a positive integer; got 1.5"),
    ({"prefer": "new"}, r"match: prefer must be one of \['new_ties', 'known', None\]; "
                        r"got 'new'"),
    ({"region": "north"}, r"match: region must be one of \['prefer_same', 'same', "
                          r"'prefer_different', 'ignore'\]; got 'north'"),
    ({"language": "es"}, r"match: language must be one of \['require', 'bonus', 'ignore'\]"),
    ({"language": True}, r"match: language must be one of \['require', 'bonus', 'ignore'\]"),
    ({"levels": "any"}, r"match: levels must be one of \['same', 'adjacent', 'ignore'\]"),
    ({"purpose": "fun"}, r"match: purpose must be one of \['help', 'integrate'\]"),
    ({"method": "lsa"}, r"match: method must be one of \['flow', 'greedy'\]; got 'lsa'"),
    ({"same_org": "yes"}, "match: same_org must be True or False; got 'yes'"),
    ({"small_event": -1}, "match: small_event must be an integer >= 0; got -1"),
    ({"candidates": 0}, "match: candidates must be a positive integer; got 0"),
    ({"evidence": ["survey"]}, r"match: evidence must name some of \['roster', 'problems'\]"),
    ({"weights": {"fitness": 1}}, r"match: weights keys must be among \[.*\]; got \['fitness'\]"),
    ({"needs": pd.DataFrame({"id": ["a"]})}, "match: needs must have columns 'member_id' and "
                                             "'topic'; columns are \\['id'\\]"),
])
def test_match_argument_errors(tiny_net, kwargs, message):
    with pytest.raises(ValueError, match=message):
        pairs(tiny_net, **kwargs)


def test_match_type_error(tiny_net):
    with pytest.raises(TypeError, match="match: needs must be None, a DataFrame"):
        pairs(tiny_net, needs=["a"])


@pytest.mark.parametrize("kwargs, message", [
    ({"size": (1, 3)}, r"groups: size must satisfy 2 <= smallest <= largest; got \(1, 3\)"),
    ({"size": (5, 4)}, r"groups: size must satisfy 2 <= smallest <= largest"),
    ({"size": 4}, "groups: size must be a pair"),
    ({"mix": ("age",)}, r"groups: mix must name some of \['org', 'region', 'sector', "
                        r"'language'\]; got \['age'\]"),
    ({"within": "city"}, r"groups: within must name some of"),
    ({"members": ["zed"]}, r"groups: members not on the roster: \['zed'\]"),
])
def test_groups_argument_errors(tiny_net, kwargs, message):
    with pytest.raises(ValueError, match=message):
        pn.groups(tiny_net, **kwargs)


def test_no_needs_gives_empty_tables(tiny_net):
    res = run(tiny_net)
    m = res.pairs
    assert len(m) == 0 and len(res.unserved) == 0
    assert list(m.columns)[:3] == ["seeker", "peer", "rank"]
    res = pn.groups(tiny_net)
    g = res.groups
    assert len(g) == 0 and len(res) == 0


# ------------------------------------------------------------------ riverbend
def riverbend_oracle(net):
    m = net.members.set_index("member_id")
    chain = nx.DiGraph()
    chain.add_nodes_from(m.index)
    sup = m["supervisor_id"].dropna()
    chain.add_edges_from(zip(sup.index, sup, strict=True))
    closure = {a: nx.descendants(chain, a) | nx.ancestors(chain, a) for a in chain}

    def norm(s):
        return s.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)

    needs, exp = {}, {}
    for col, store in (("needs", needs), ("expertise", exp)):
        for mid, val in m[col].dropna().items():
            store.setdefault(mid, set()).update(norm(pd.Series(val.split(";"))))
    p = net.problems.dropna(subset=["topic"])
    for row in p.itertuples():
        needs.setdefault(row.raised_by, set()).add(norm(pd.Series([row.topic]))[0])
        if isinstance(row.helpers, str):
            for h in row.helpers.split(";"):
                exp.setdefault(h.strip(), set()).add(norm(pd.Series([row.topic]))[0])
    return m, closure, needs, exp


def test_riverbend_every_match_respects_the_constraints(riverbend):
    res = run(riverbend, k=3, capacity=2)
    m = res.pairs
    roster, closure, needs, exp = riverbend_oracle(riverbend)
    seekers = res.seekers
    assert len(m) > 100 and seekers["n_suggested"].gt(0).mean() > 0.9
    ok = []
    for r in m.itertuples():
        topics = set(r.topics.split("; "))
        ok.append(r.seeker != r.peer
                  and r.peer not in closure[r.seeker]
                  and pd.notna(roster.at[r.seeker, "org"])
                  and roster.at[r.seeker, "org"] != roster.at[r.peer, "org"]
                  and bool(topics) and topics <= needs[r.seeker] & exp[r.peer]
                  and pd.isna(roster.at[r.peer, "left"]) and pd.isna(roster.at[r.seeker, "left"])
                  and roster.get("unmatched", pd.Series(dtype=bool)).get(r.peer) is not True)
    assert all(ok)                                                   # 100 %
    assert m.groupby("peer").size().max() <= 2
    assert m.groupby("seeker").size().max() <= 3
    assert not m.duplicated(["seeker", "peer"]).any()
    # one line per match, naming topics, language, region, tie and orgs
    assert m["reasons"].str.contains("\n").sum() == 0
    assert m["reasons"].str.match(r"^covers .+ \(\d+% of needs\).*; (shared language .+|no "
                                  r"shared language); (same region|regions) .+; levels? .+; "
                                  r"(new tie|already know each other); orgs .+ / .+$").all()
    served = seekers["n_suggested"].gt(0).sum()
    assert served + len(res.unserved) == len(seekers)


def test_riverbend_groups(riverbend):
    res = pn.groups(riverbend, size=(4, 6))
    g = res.groups
    assert g["size"].between(4, 6).all()
    assert g["chain_pairs"].sum() == 0
    # same-organization pairs are as few as the pools allow: an org with c members in a
    # topic split into n groups leaves at least r * C(q + 1, 2) + (n - r) * C(q, 2) pairs
    # (pools: one topic at one level in one language)
    mem = res.members
    pool = ["topic", "level", "language"]
    n_groups = g.groupby(pool).size().rename("n")
    counts = mem.groupby([*pool, "org"]).size().reset_index(name="c").join(n_groups, on=pool)
    q, r = counts["c"] // counts["n"], counts["c"] % counts["n"]
    bound = r * (q + 1) * q // 2 + (counts["n"] - r) * q * (q - 1) // 2
    assert g.groupby(pool)["same_org_pairs"].sum().to_dict() == \
        bound.groupby([counts[c] for c in pool]).sum().to_dict()


# ------------------------------------------------------------------ CLI
def test_cli_match(tmp_path, capsys):
    folder = pn.save(greedy_trap(), tmp_path / "net", format="csv")
    out = tmp_path / "m.csv"
    unserved = tmp_path / "u.csv"
    old = ["--language", "bonus", "--region", "ignore"]
    rc = main(["match", str(folder), "--k", "1", "--capacity", "1", "--out", str(out),
               "--unserved", str(unserved), *old])
    assert rc == 0
    text = capsys.readouterr().out
    assert "2 suggested matches written to" in text
    assert "2 seekers, 2 served, 0 unserved" in text
    got = pd.read_csv(out)
    assert sorted(zip(got["seeker"], got["peer"], strict=True)) == [("a", "y"), ("b", "x")]
    assert len(pd.read_csv(unserved)) == 0
    rc = main(["match", str(folder), "--k", "1", "--capacity", "1", "--language", "require"])
    text = capsys.readouterr().out
    assert rc == 0
    assert "a <- x (score 1.70, training): covers t1; t2 (100% of needs)" in text
    assert "2 seekers, 1 served, 1 unserved" in text
    assert "unserved b (needs t2): every peer with the expertise is excluded: " \
           "1 no shared language" in text


def test_cli_match_riverbend_roles_and_period(tmp_path, capsys):
    from peernet.datasets import sample_path

    out = tmp_path / "m.csv"
    rc = main(["match", str(sample_path("riverbend")), "--period", "2025", "--roles", "member",
               "coordinator", "--out", str(out)])
    assert rc == 0
    got = pd.read_csv(out)
    roster = pn.load_sample("riverbend").members.set_index("member_id")["role"]
    assert set(roster[got["seeker"]]) | set(roster[got["peer"]]) <= {"member", "coordinator"}
    assert f"{len(got)} suggested matches written to" in capsys.readouterr().out


def test_cli_match_bad_argument(tmp_path, capsys):
    folder = pn.save(greedy_trap(), tmp_path / "net", format="csv")
    assert main(["match", str(folder), "--k", "0"]) == 2
    assert "match: k must be a positive integer; got 0" in capsys.readouterr().err


def test_result_is_a_dataclass_not_attrs():
    res = run(greedy_trap(), k=1, capacity=1)
    assert isinstance(res, pn.MatchResult) and res.pairs.attrs == {}
    assert np.array_equal(res.seekers["n_suggested"], [1, 1])
