"""network_metrics, ei_index, reciprocity: tiny_net by hand, networkx cross-checks, Davis."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics import _sparse as K
from peernet.metrics.structure import NETWORK_METRICS


def test_names_are_exactly_the_issue_list(tiny_net):
    s = pn.network_metrics(tiny_net)
    assert list(s.index) == list(NETWORK_METRICS) and len(s) == 18
    assert s.dtype == "float64" and s.name == "all"


def test_tiny_by_hand(tiny_net):
    # ties: ana-ben ana-cai ben-cai ana-dee cai-dee ana-eve dee-eve (degrees 4 2 3 3 2)
    s = pn.network_metrics(tiny_net)
    assert s["members"] == 5 and s["active_members"] == 5 and s["edges"] == 7
    assert s["density"] == pytest.approx(7 / 10)
    assert s["degree_centralization"] == pytest.approx(6 / 12)
    assert s["components"] == 1 and s["largest_component_share"] == 1
    assert s["transitivity"] == pytest.approx(9 / 14)       # 3 triangles, 14 triples
    assert s["avg_clustering"] == pytest.approx((0.5 + 1 + 2 / 3 + 2 / 3 + 1) / 5)
    assert s["avg_path_length"] == pytest.approx(13 / 10)
    assert s["efficiency"] == pytest.approx((7 + 3 / 2) / 10)
    assert s["reciprocity"] == pytest.approx(2 / 4)         # ana<->cai; ben->ana; dee->eve
    assert s["ei_index_org"] == pytest.approx((4 - 3) / 7)
    assert s["ei_index_region"] == pytest.approx((4 - 3) / 7)
    assert s["assortativity_org"] == pytest.approx(-1 / 6)


def test_matches_networkx_on_riverbend(riverbend):
    y = riverbend.period("2025")
    G = pn.person_graph(y)
    s = pn.network_metrics(y)
    assert s["density"] == pytest.approx(nx.density(G))
    assert s["avg_clustering"] == pytest.approx(nx.average_clustering(G))
    assert s["transitivity"] == pytest.approx(nx.transitivity(G))
    assert s["efficiency"] == pytest.approx(nx.global_efficiency(G))
    lcc = G.subgraph(max(nx.connected_components(G), key=len))
    assert s["avg_path_length"] == pytest.approx(nx.average_shortest_path_length(lcc))
    assert s["components"] == nx.number_connected_components(G)
    comms = nx.community.louvain_communities(G, weight="weight", seed=0)
    assert s["modularity"] == pytest.approx(nx.community.modularity(G, comms, weight="weight"))
    assert s["communities"] == sum(len(c) >= 2 for c in comms)
    assert s["assortativity_org"] == pytest.approx(nx.attribute_assortativity_coefficient(G,
                                                                                          "org"))
    # reciprocity reads directed kinds only: riverbend's contacts (mutual) are left out
    directed = [k for k, m in pn.schema.MUTUAL_KINDS.items() if not m and k != "attend"]
    D = pn.person_graph(y, directed=True, coattendance=None, kinds=directed)
    assert s["reciprocity"] == pytest.approx(nx.overall_reciprocity(D))
    assert pn.metrics.reciprocity(D) == pytest.approx(nx.overall_reciprocity(D))
    # graph= gives the same numbers as the default path
    pd.testing.assert_series_equal(pn.network_metrics(y, graph=G), s)


def test_davis_published_structure(davis):
    s = pn.network_metrics(davis)
    B = nx.davis_southern_women_graph()
    P = nx.bipartite.weighted_projected_graph(B, B.graph["top"])
    assert s["members"] == 18 and s["edges"] == P.number_of_edges() == 139
    assert s["density"] == pytest.approx(nx.density(P))
    assert s["transitivity"] == pytest.approx(nx.transitivity(P))
    # no org/sector/region on the roster, no directed interactions: NaN, not an error
    for name in ("ei_index_org", "ei_index_sector", "ei_index_region", "assortativity_org",
                 "reciprocity"):
        assert math.isnan(s[name]), name


def test_edge_cases_are_defined(tiny_net):
    empty = pn.network_metrics(tiny_net.period("2023"))
    assert empty["edges"] == 0 and empty["components"] == 0 and empty["communities"] == 0
    assert empty.drop(["members", "active_members", "edges", "components",
                       "communities"]).isna().all()
    one = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a"], "org": ["X"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["a"],
                                   "kind": ["message"]}))
    s = pn.network_metrics(one)
    assert s["members"] == 1 and s["edges"] == 0 and s["components"] == 1
    assert s["largest_component_share"] == 1 and s["transitivity"] == 0
    assert math.isnan(s["density"]) and math.isnan(s["modularity"])
    # isolates only (no ties)
    two = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a", "b", "c"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-01-01"] * 3, "source": ["a", "b", "c"],
                                   "kind": ["message"] * 3}))
    s = pn.network_metrics(two)
    assert s["density"] == 0 and s["components"] == 3 and s["degree_centralization"] == 0
    assert s["efficiency"] == 0 and math.isnan(s["avg_path_length"])


def test_sampled_paths_above_the_exact_size(riverbend, monkeypatch):
    y = riverbend.period("2025")
    exact = pn.network_metrics(y)
    monkeypatch.setattr(K, "EXACT_MAX_NODES", 50)
    monkeypatch.setattr(K, "SAMPLE_SOURCES", 40)
    y2 = riverbend.period("2025")
    s = pn.network_metrics(y2)
    assert s.attrs["path_sources"] == 40
    assert s["efficiency"] == pytest.approx(exact["efficiency"], rel=0.05)
    assert s["avg_path_length"] == pytest.approx(exact["avg_path_length"], rel=0.05)


def test_ei_index_conventions_example_and_missing_attribute():
    G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("a", "d")])
    nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y", "d": "Y"}, "org")
    assert pn.metrics.ei_index(G, attr="org") == 0.5
    G.add_edge("a", "z")                     # z has no org: its tie is left out
    assert pn.metrics.ei_index(G, attr="org") == 0.5
    assert math.isnan(pn.metrics.ei_index(G, attr="sector"))
    nx.set_node_attributes(G, {"a": "n", "b": "n", "c": "s", "d": "n"}, "zone")
    assert pn.metrics.ei_index(G, attr="zone") == pytest.approx((1 - 3) / 4)  # only a-c crosses
    with pytest.raises(TypeError, match="networkx graph"):
        pn.metrics.ei_index({"a": 1})


def test_reciprocity_rejects_undirected():
    with pytest.raises(ValueError, match="DiGraph"):
        pn.metrics.reciprocity(nx.Graph([(1, 2)]))
    assert pn.metrics.reciprocity(nx.DiGraph([(1, 2), (2, 1), (1, 3)])) == pytest.approx(2 / 3)
    assert np.isnan(pn.metrics.reciprocity(nx.DiGraph()))


@pytest.mark.parametrize("with_igraph", [True, False])
def test_same_numbers_with_and_without_igraph(riverbend, monkeypatch, with_igraph):
    y = riverbend.period("2024")
    ref = pn.network_metrics(y)
    if not with_igraph:
        monkeypatch.setattr(K, "_igraph", None)
    pd.testing.assert_series_equal(pn.network_metrics(riverbend.period("2024")), ref)


def test_large_graph_communities_are_networkit_plm(riverbend, monkeypatch):
    """Above EXACT_MAX_NODES the partition is networkit's PLM with refinement (one thread,
    seed 0), each community split into its connected parts: reproducible, the partition
    networkit gives directly, at least as modular as networkx's Louvain on this graph and
    within 0.01 of igraph's Leiden (two iterations, peernet's partition to session 39)."""
    import random

    import networkit as nk

    y = riverbend.period("2025")
    G = pn.person_graph(y)
    comms = nx.community.louvain_communities(G, weight="weight", seed=0)
    q_nx = nx.community.modularity(G, comms, weight="weight")
    monkeypatch.setattr(K, "EXACT_MAX_NODES", 50)
    fresh = riverbend.period("2025").replace()   # no partition kept from other tests
    s1 = pn.network_metrics(fresh)
    s2 = pn.network_metrics(riverbend.period("2025").replace())
    assert s1["modularity"] == s2["modularity"]                  # seeded: reproducible
    assert s1["modularity"] >= q_nx - 0.01
    nodes = sorted(G)
    at = {n: i for i, n in enumerate(nodes)}
    u = np.array([at[a] for a, _ in G.edges()])
    v = np.array([at[b] for _, b in G.edges()])
    w = np.array([x for _, _, x in G.edges(data="weight")], float)
    nk.setNumberOfThreads(1)
    nk.setSeed(0, False)
    g = nk.graph.GraphFromCoo((w, (u, v)), len(nodes), directed=False, weighted=True)
    plm = nk.community.PLM(g, refine=True)
    plm.run()
    groups: dict[int, set] = {}
    for n, k in zip(nodes, plm.getPartition().getVector(), strict=True):
        groups.setdefault(k, set()).add(n)
    # networkit's communities split into their connected parts (networkx's components)
    direct = {frozenset(cc) for c in groups.values()
              for cc in nx.connected_components(G.subgraph(c))}
    ours = pn.metrics.communities(fresh)
    parts = [set(c) for _, c in ours.dropna().groupby(ours.dropna()).groups.items()]
    parts += [{n} for n in ours.index[ours.isna()]]
    assert {frozenset(c) for c in parts} == direct
    assert s1["communities"] == sum(len(c) >= 2 for c in direct) > 1
    assert s1["modularity"] == pytest.approx(
        nx.community.modularity(G, parts, weight="weight"), abs=1e-12)
    ig = pytest.importorskip("igraph")
    h = ig.Graph(n=len(nodes), edges=list(zip(u.tolist(), v.tolist(), strict=True)))
    ig.set_random_number_generator(random.Random(0))
    try:
        leiden = h.community_leiden(objective_function="modularity", weights=w.tolist(),
                                    n_iterations=2)
    finally:
        ig.set_random_number_generator(random)
    assert s1["modularity"] == pytest.approx(h.modularity(leiden, weights=w.tolist()),
                                             abs=0.01)


def test_a_community_in_two_pieces_is_split():
    """Two triangles with no tie between them, given one label by the partitioner, are two
    communities; numbered by size, then by smallest node (as networkx's are)."""
    u = np.array([0, 0, 1, 3, 3, 4, 6])
    v = np.array([1, 2, 2, 4, 5, 5, 7])
    ga = K.GraphArrays(nodes=np.arange(9), pattern=None,
                       w=K._sym(9, u, v, np.ones(len(u))), attrs=pd.DataFrame())
    raw = np.array([5, 5, 5, 5, 5, 5, 2, 2, 7])   # 0-5 "one" community; 8 alone
    np.testing.assert_array_equal(K._connected(ga, raw), [0, 0, 0, 1, 1, 1, 2, 2, 3])


def test_communities_are_the_partition_network_metrics_counts(riverbend, tiny_net):
    y = riverbend.period("2025")
    c = pn.metrics.communities(y)
    G = pn.person_graph(y)
    assert list(c.index) == sorted(G) and c.name == "community"
    s = pn.network_metrics(y)
    assert int(c.max()) == s["communities"] and c.notna().sum() > 0
    # the same partition networkx's Louvain (seed 0) finds on the person graph (< 2,000
    # nodes), numbered by size; members alone in theirs are <NA>
    comms = nx.community.louvain_communities(G, weight="weight", seed=0)
    comms = sorted((sorted(x) for x in comms if len(x) > 1), key=lambda x: (-len(x), x[0]))
    assert {n: k + 1 for k, x in enumerate(comms) for n in x} == {
        n: int(k) for n, k in c.dropna().items()}
    parts = [set(g) for _, g in c.dropna().groupby(c.dropna()).groups.items()]
    parts += [{n} for n in c.index[c.isna()]]
    assert nx.community.modularity(G, parts, weight="weight") == pytest.approx(
        s["modularity"], abs=1e-12)
    # a graph gives its own communities; without ties nobody shares one
    assert c.equals(pn.metrics.communities(G))
    empty = pn.metrics.communities(pn.person_graph(tiny_net, kinds="help", coattendance=None)
                                   .subgraph([]))
    assert len(empty) == 0
    with pytest.raises(TypeError, match="PeerNetwork or a networkx graph"):
        pn.metrics.communities("riverbend")
