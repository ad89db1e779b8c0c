"""person_graph, org_graph, event_graph: hand-computed tiny_net values, Davis vs networkx."""

import networkx as nx
import pandas as pd
import pytest
from networkx.algorithms import bipartite

import peernet as pn

T = pd.Timestamp


def edges(G, attr="weight"):
    return {tuple(sorted((u, v))): d[attr] for u, v, d in G.edges(data=True)}


def test_tiny_counts_by_hand(tiny_net):
    G = pn.person_graph(tiny_net)
    assert isinstance(G, nx.Graph) and not G.is_directed()
    assert sorted(G) == ["ana", "ben", "cai", "dee", "eve"]
    # e1 ana,ben,cai; e2 ana,cai,dee; e3 ana,dee,eve; ana->cai, cai->ana, ben->ana, dee->eve
    assert edges(G) == {("ana", "ben"): 2, ("ana", "cai"): 4, ("ben", "cai"): 1,
                        ("ana", "dee"): 2, ("cai", "dee"): 1, ("ana", "eve"): 1,
                        ("dee", "eve"): 2}
    assert G["ana"]["cai"]["kinds"] == "attend; message; reply"
    assert G["ana"]["cai"]["first"] == T("2025-01-15 10:00", tz="UTC")
    assert G["ana"]["cai"]["last"] == T("2025-04-15 10:00", tz="UTC")
    assert G["dee"]["eve"]["last"] == T("2025-08-01 09:00", tz="UTC")
    assert G.nodes["ben"] == {"org": "A", "sector": "health", "region": "North",
                              "language": "en", "role": "member",
                              "joined": T("2024-01-01", tz="UTC")}


def test_tiny_weight_kinds_and_newman(tiny_net):
    G = pn.person_graph(tiny_net, weight="weight")
    assert G["dee"]["eve"]["weight"] == 3.0       # 1 shared event + help (2.0)
    assert G["ana"]["cai"]["weight"] == 4.0
    G = pn.person_graph(tiny_net, coattendance="newman")
    assert G["ana"]["cai"]["weight"] == pytest.approx(3.0)   # 2 x 1/(3-1) + 2 messages
    assert G["ben"]["cai"]["weight"] == pytest.approx(0.5)
    G = pn.person_graph(tiny_net, weight={"help": 5.0})
    assert G["dee"]["eve"]["weight"] == 6.0
    G = pn.person_graph(tiny_net, kinds=["help"])
    assert edges(G) == {("dee", "eve"): 1} and G.number_of_nodes() == 5
    G = pn.person_graph(tiny_net, coattendance=None)
    assert edges(G) == {("ana", "cai"): 2, ("ana", "ben"): 1, ("dee", "eve"): 1}


def test_tiny_directed(tiny_net):
    G = pn.person_graph(tiny_net, directed=True)
    assert G.is_directed() and G.number_of_edges() == 14
    assert G["ana"]["cai"]["weight"] == 3 and G["cai"]["ana"]["weight"] == 3
    assert G["ben"]["ana"]["weight"] == 2 and G["ana"]["ben"]["weight"] == 1


def test_projection_limits_are_recorded(tiny_net):
    G = pn.person_graph(tiny_net, max_event_size=2)
    assert edges(G) == {("ana", "cai"): 2, ("ana", "ben"): 1, ("dee", "eve"): 1}
    assert G.graph["events_over_max_size"] == 3
    assert G.graph["attendances_in_large_events"] == 9
    G = pn.person_graph(tiny_net, min_shared=2)
    assert G.graph["pairs_below_min_shared"] == 5
    assert edges(G) == {("ana", "cai"): 4, ("ana", "dee"): 2, ("ana", "ben"): 1,
                        ("dee", "eve"): 1}


@pytest.mark.parametrize("kwargs, match", [
    ({"kinds": ["chat"]}, "kinds must be"), ({"weight": "heavy"}, "weight must be"),
    ({"coattendance": "jaccard"}, "coattendance must be"),
    ({"max_event_size": 1}, "max_event_size must be"), ({"min_shared": 0}, "min_shared"),
])
def test_bad_arguments_name_the_value(tiny_net, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pn.person_graph(tiny_net, **kwargs)


def test_empty_period_and_no_target_column(tiny_net):
    G = pn.person_graph(tiny_net.period("2023"))
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0
    assert pn.org_graph(tiny_net.period("2023")).number_of_nodes() == 0
    assert pn.event_graph(tiny_net.period("2023")).number_of_nodes() == 0
    net = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["a"],
                                   "kind": ["message"]}))
    G = pn.person_graph(net)
    assert list(G) == ["a"] and G.number_of_edges() == 0 and G.nodes["a"] == {}


def test_davis_projection_equals_networkx(davis):
    B = pn.event_graph(davis)
    women = [n for n, d in B.nodes(data="bipartite") if d == 0]
    assert len(women) == 18 and B.number_of_nodes() == 32 and B.number_of_edges() == 89
    ref = bipartite.weighted_projected_graph(B, women)
    G = pn.person_graph(davis)
    assert edges(G) == edges(ref)
    # and the same as the graph networkx ships
    D = nx.davis_southern_women_graph()
    names = dict(zip(davis.members["member_id"], davis.members["name"], strict=True))
    ref2 = bipartite.weighted_projected_graph(D, D.graph["top"])
    assert {tuple(sorted((names[u], names[v]))): w for (u, v), w in edges(G).items()} == \
        edges(ref2)
    newman = bipartite.collaboration_weighted_projected_graph(B, women)
    Gn = pn.person_graph(davis, coattendance="newman")
    for (u, v), w in edges(newman).items():
        assert Gn[u][v]["weight"] == pytest.approx(w)


def test_org_graph_sums_member_ties(tiny_net):
    G = pn.org_graph(tiny_net)
    assert sorted(G) == ["A", "B"]
    assert G.nodes["A"] == {"members": 2, "internal_weight": 2.0, "internal_count": 2,
                            "sector": "health"}
    assert G.nodes["B"]["internal_weight"] == 3.0
    assert G["A"]["B"]["weight"] == 8.0 and G["A"]["B"]["ties"] == 4
    assert pn.org_graph(pn.load_sample("davis")).graph["members_without_org"] == 18


def test_event_graph_attributes(tiny_net):
    B = pn.event_graph(tiny_net)
    assert bipartite.is_bipartite_node_set(B, ["ana", "ben", "cai", "dee", "eve"])
    assert B.nodes["e2"]["bipartite"] == 1 and B.nodes["e2"]["kind"] == "meeting"
    assert B.nodes["ana"]["bipartite"] == 0 and B.nodes["ana"]["org"] == "A"
    assert sorted(B["e1"]) == ["ana", "ben", "cai"]


def test_slices_and_cache(riverbend):
    y = riverbend.period("2025")
    G1, G2 = pn.person_graph(y), pn.person_graph(y)
    assert G1 is not G2 and nx.utils.graphs_equal(G1, G2)
    assert set(G1) >= set(y.members_active())
    big = pn.person_graph(y, max_event_size=None)
    assert big.number_of_edges() >= G1.number_of_edges()
    assert big.graph["events_over_max_size"] == 0


def test_person_graph_joins_survey_ties_with_provenance(tiny_net):
    """Log ties (coattendance off): ana-cai, ana-ben, dee-eve. Survey 2025: cai rated ana,
    eve rated ben. So ana-cai is in both, ben-eve only in the survey, the rest only in logs."""
    surveys = pd.DataFrame({
        "respondent": ["cai"] * 3 + ["eve"] * 3,
        "about": ["ana"] * 3 + ["ben"] * 3,
        "item": ["reliability", "mission", "openness"] * 2,
        "value": [4, 3, 2, 1, 2, 3], "wave": "2025", "scale_min": 1, "scale_max": 4})
    net = pn.PeerNetwork.from_tables(members=tiny_net.members, events=tiny_net.events,
                                     interactions=tiny_net.interactions, surveys=surveys,
                                     tz="UTC")
    G = pn.person_graph(net.period("2025"), coattendance=None, sources=("logs", "survey"))
    prov = {tuple(sorted((u, v))): d["provenance"] for u, v, d in G.edges(data=True)}
    assert prov == {("ana", "cai"): "both", ("ben", "eve"): "survey",
                    ("ana", "ben"): "logs", ("dee", "eve"): "logs"}
    assert G["ana"]["cai"]["trust"] == 3.0  # mean of 4, 3, 2
    assert G["ben"]["eve"]["count"] == 0 and G["ben"]["eve"]["weight"] == 1.0
    S = pn.person_graph(net.period("2025"), coattendance=None, sources="survey")
    assert sorted(tuple(sorted(e)) for e in S.edges) == [("ana", "cai"), ("ben", "eve")]
    with pytest.raises(ValueError, match="sources must be"):
        pn.person_graph(net, sources=("logs", "crm"))


def test_unique_int_and_kind_bits_match_the_slow_paths():
    import numpy as np

    from peernet.ties import KIND_BIT, kind_bits, unique_int

    keys = np.array([5, -3, 5, 0, 12, -3, 7], dtype=np.int64)
    assert unique_int(keys).tolist() == [-3, 0, 5, 7, 12]
    assert unique_int(np.zeros(0, np.int64)).tolist() == []
    kinds = pd.Series(["reply", "help", "reply", "message"], dtype="category")
    expected = [1 << KIND_BIT[k] for k in ["reply", "help", "reply", "message"]]
    assert kind_bits(kinds).tolist() == expected
    assert kind_bits(kinds.astype("str")).tolist() == expected
    assert kind_bits(kinds.iloc[:0]).tolist() == []


@pytest.mark.parametrize("dtype", ["str", object, "category"])
def test_weights_by_kind_equal_a_map_of_the_text(dtype):
    import numpy as np

    from peernet.schema import DEFAULT_WEIGHTS
    from peernet.ties import _by_kind

    kinds = pd.Series(["message", "attend", None, "reply", "unknown", "call", "reply"],
                      dtype=dtype)
    table = {**DEFAULT_WEIGHTS, "reply": 2.5}
    expected = kinds.astype("str").map(table).to_numpy(float)
    assert np.array_equal(_by_kind(kinds, table), expected, equal_nan=True)
    assert np.isnan(expected[[2, 4]]).all() and expected[3] == 2.5


def test_in_sorted_is_np_isin_on_sorted_keys():
    import numpy as np

    from peernet.ties import in_sorted, unique_int

    rng = np.random.default_rng(3)
    keys = unique_int(rng.integers(-50, 50, 40))
    values = rng.integers(-60, 60, 500)
    assert (in_sorted(values, keys) == np.isin(values, keys)).all()
    assert in_sorted(np.array([1, 99]), np.array([1, 2, 99])).tolist() == [True, True]
    assert in_sorted(np.array([0, 100]), np.array([1, 2, 99])).tolist() == [False, False]
    assert in_sorted(values, np.zeros(0, np.int64)).tolist() == [False] * 500


def test_reciprocity_from_net_equals_networkx(riverbend):
    s = riverbend.period("2025")
    # directed kinds only: a contact (mutual) says nothing about who reached back
    directed = [k for k, m in pn.schema.MUTUAL_KINDS.items() if not m and k != "attend"]
    G = pn.person_graph(s, directed=True, coattendance=None, kinds=directed)
    G.remove_edges_from(nx.selfloop_edges(G))
    assert pn.metrics.reciprocity(s) == pytest.approx(nx.overall_reciprocity(G))


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_org_ties_having_direct_kinds_are_the_direct_org_ties(riverbend, period):
    """org_ties(having=kinds) (the kept person ties with a direct interaction) ties the
    same pairs of organizations, as often, as a tie table of the direct kinds alone."""
    from peernet.plot.layouts import tie_kinds
    from peernet.ties import org_ties

    s = riverbend.period(period)
    alone = org_ties(s, kinds=tie_kinds("direct"))
    having = org_ties(s, having=tie_kinds("direct"))
    everything = org_ties(s)

    def pairs(o):
        return dict(zip(zip(o.orgs[o.a], o.orgs[o.b], strict=True), o.ties.tolist(),
                        strict=True))

    assert pairs(having) == pairs(alone)
    # co-attendance adds pairs of organizations and ties: the filter is not a no-op
    assert sum(pairs(everything).values()) > sum(pairs(having).values()) > 0
    # counting=kinds: every pair of the whole table, with its direct ties counted in the
    # same pass (0 for a pair tied by co-attendance alone)
    counted = org_ties(s, counting=tie_kinds("direct"))
    assert pairs(counted) == pairs(everything) and everything.counted is None
    by_pair = dict(zip(zip(counted.orgs[counted.a], counted.orgs[counted.b], strict=True),
                       counted.counted.tolist(), strict=True))
    assert {p: n for p, n in by_pair.items() if n} == pairs(having)
    assert 0 in by_pair.values()


def _org_ties_by_groupby(s, **kw):
    """org_ties' sums as pandas' group-by of the person ties (what the array sums
    replaced): per organization inside, and per pair of organizations across."""
    import numpy as np

    from peernet.ties import person_ties, roster_attributes

    t = person_ties(s, **kw)
    org = roster_attributes(s, t.nodes, ("org",))["org"].to_numpy(object)
    a, b = org[t.u], org[t.v]
    ok = pd.notna(a) & pd.notna(b)
    df = pd.DataFrame({"a": a[ok], "b": b[ok], "weight": t.weight[ok], "count": t.count[ok],
                       "first": t.first[ok], "last": t.last[ok]})
    lo = np.where(df["a"] < df["b"], df["a"], df["b"])
    hi = np.where(df["a"] < df["b"], df["b"], df["a"])
    df["lo"], df["hi"] = lo, hi
    inside = df[df["a"] == df["b"]].groupby("a").agg(
        weight=("weight", "sum"), count=("count", "sum"), ties=("weight", "size"))
    across = df[df["a"] != df["b"]].groupby(["lo", "hi"]).agg(
        weight=("weight", "sum"), count=("count", "sum"), ties=("weight", "size"),
        first=("first", "min"), last=("last", "max"))
    return inside, across


@pytest.mark.parametrize("weight", ["count", {"message": 0.1, "reply": 0.7, "call": 1 / 3}])
def test_org_ties_sums_equal_a_groupby_of_the_person_ties(riverbend, weight):
    """org_ties (array sums; pandas' compensated sum for weights that are not whole
    numbers) gives each organization's and each pair's weight, count, ties, first and last
    as a group-by of the person ties by organization names."""
    from peernet.ties import org_ties

    s = riverbend.period("2025")
    o = org_ties(s, weight=weight)
    inside, across = _org_ties_by_groupby(s, weight=weight)
    names = o.orgs
    got_in = {names[i]: (o.internal_weight[i], o.internal_count[i], o.internal_ties[i])
              for i in range(len(names)) if o.internal_ties[i]}
    assert got_in == {g: (r["weight"], r["count"], r["ties"])
                      for g, r in inside.to_dict("index").items()}
    got = {(names[a], names[b]): (w, c, t, f, la) for a, b, w, c, t, f, la in zip(
        o.a, o.b, o.weight, o.count, o.ties, o.first, o.last, strict=True)}
    assert got == {g: (r["weight"], r["count"], r["ties"], r["first"], r["last"])
                   for g, r in across.to_dict("index").items()}
    assert all(isinstance(r["first"], int) for r in across.to_dict("index").values())
    assert len(got) > 50
