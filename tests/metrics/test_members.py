"""member_metrics and brokerage: tiny_net by hand, networkx / brute-force cross-checks."""

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics import _sparse as K

COLUMNS = ["member_id", "org", "sector", "region", "degree", "strength", "betweenness",
           "eigenvector", "core_number", "position", "constraint", "brokerage_coordinator",
           "brokerage_gatekeeper", "brokerage_representative", "brokerage_consultant",
           "brokerage_liaison", "first_seen", "last_seen", "tenure_days", "newcomer",
           "days_to_first_tie"]


def by_id(df):
    return df.set_index("member_id")


def test_columns_and_tiny_by_hand(tiny_net):
    mm = pn.member_metrics(tiny_net)
    assert list(mm.columns) == COLUMNS and isinstance(mm.index, pd.RangeIndex)
    m = by_id(mm)
    assert m["degree"].to_dict() == {"ana": 4, "ben": 2, "cai": 3, "dee": 3, "eve": 2}
    assert m.loc["ana", "strength"] == 2 + 4 + 2 + 1
    # ana lies on ben-eve (1), ben-dee (1/2), cai-eve (1/2); 6 pairs without ana
    assert m.loc["ana", "betweenness"] == pytest.approx(2 / 6)
    assert m.loc["cai", "betweenness"] == pytest.approx(0.5 / 6)
    assert m.loc["ben", "betweenness"] == 0
    assert (m["core_number"] == 2).all()
    # position: Borgatti-Everett on the direct ties ana-cai, ana-ben, dee-eve: core {ana, ben}
    # (r = 0.577; {ana, cai} fits as well and ana-ben comes first in the degree order)
    assert m["position"].tolist() == ["core", "core", "periphery", "periphery", "periphery"]
    assert m.loc["ana", "org"] == "A"
    assert m.loc["eve", "newcomer"] and not m.loc["ana", "newcomer"]
    # eve joined 2025-06-01 00:00, first tie at e3 2025-07-15 10:00
    assert m.loc["eve", "days_to_first_tie"] == pytest.approx(44 + 10 / 24)
    assert math.isnan(m.loc["ana", "days_to_first_tie"])
    # whole network: tenure to the last act (2025-08-01 09:00)
    assert m.loc["ana", "tenure_days"] == pytest.approx(578 + 9 / 24)
    assert m.loc["dee", "first_seen"] == pd.Timestamp("2025-04-15 10:00", tz="UTC")
    assert m.loc["dee", "last_seen"] == pd.Timestamp("2025-08-01 09:00", tz="UTC")
    y = by_id(pn.member_metrics(tiny_net.period("2025")))
    assert y.loc["ana", "tenure_days"] == 731 and y.loc["eve", "newcomer"]


def test_centralities_match_networkx(riverbend):
    y = riverbend.period("2025")
    G = pn.person_graph(y)
    m = by_id(pn.member_metrics(y))
    ids = list(G)
    bc = nx.betweenness_centrality(G)
    np.testing.assert_allclose(m.loc[ids, "betweenness"], [bc[i] for i in ids], atol=1e-12)
    ev = nx.eigenvector_centrality_numpy(G)
    np.testing.assert_allclose(m.loc[ids, "eigenvector"], [ev[i] for i in ids], atol=1e-9)
    core = nx.core_number(G)
    assert m.loc[ids, "core_number"].tolist() == [core[i] for i in ids]
    # nx.constraint is slow: compare on the sparser graph of direct interactions (graph=)
    S = pn.person_graph(y, coattendance=None)
    con = nx.constraint(S, weight="weight")
    ms = by_id(pn.member_metrics(y, graph=S))
    np.testing.assert_allclose(ms.loc[list(S), "constraint"], [con[i] for i in S], atol=1e-12)
    assert m.loc[ids, "degree"].tolist() == [G.degree(i) for i in ids]
    np.testing.assert_allclose(m.loc[ids, "strength"], [G.degree(i, weight="weight")
                                                        for i in ids])


def test_sampled_betweenness_equals_networkx(riverbend):
    y = riverbend.period("2024")
    G = pn.person_graph(y)
    ga = K.arrays_from_net(y)
    ref = nx.betweenness_centrality(G, k=20, seed=0)
    np.testing.assert_allclose(K.betweenness(ga, k=20), [ref[i] for i in G], atol=1e-12)
    exact = nx.betweenness_centrality(G)
    np.testing.assert_allclose(K.betweenness(ga), [exact[i] for i in G], atol=1e-12)
    core = nx.core_number(G)
    assert K.core_number(ga).tolist() == [core[i] for i in G]
    S = pn.person_graph(y, coattendance=None)
    con = nx.constraint(S, weight="weight")
    np.testing.assert_allclose(K.constraint(K.arrays_from_graph(S)), [con[i] for i in S],
                               atol=1e-12)


def test_raw_subset_betweenness_equals_brandes_and_brute_force():
    # the compiled Brandes kernel from a subset of sources, unscaled
    from peernet.metrics._kernels import brandes_csr

    G = nx.convert_node_labels_to_integers(nx.karate_club_graph())
    G.add_edge(0, 40)                            # a pendant and an isolate
    G.add_node(41)
    sources = [0, 5, 16, 33, 40]
    nodes = list(G)
    a = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=None, format="csr")
    raw = brandes_csr(a.indptr.astype(np.int64), a.indices.astype(np.int64),
                      np.array([nodes.index(s) for s in sources], np.int64), len(nodes), 0, 1)
    # brute force: share of the shortest s-t paths through v, for s in sources, t != s
    brute = dict.fromkeys(G, 0.0)
    for s in sources:
        for t in G:
            if t == s or not nx.has_path(G, s, t):
                continue
            paths = list(nx.all_shortest_paths(G, s, t))
            for p in paths:
                for v in p[1:-1]:
                    brute[v] += 1 / len(paths)
    np.testing.assert_allclose(raw, [brute[v] for v in nodes], atol=1e-12)
    # 2 x networkx's unnormalised subset betweenness (it halves an undirected graph's sums)
    half = nx.betweenness_centrality_subset(G, sources, list(G), normalized=False)
    np.testing.assert_allclose(raw, [2 * half[v] for v in nodes], atol=1e-12)


def test_member_metrics_reports_sampling(riverbend, monkeypatch):
    monkeypatch.setattr(K, "EXACT_MAX_NODES", 30)
    mm = pn.member_metrics(riverbend.period("2023"))
    assert mm.attrs["betweenness_sources"] == K.SAMPLE_SOURCES
    assert mm["betweenness"].notna().all()


def brute_brokerage(G, attr):
    roles = {n: [0] * 5 for n in G}
    for b in G:
        for a, c in itertools.product(G.predecessors(b), G.successors(b)):
            if a == c or G.has_edge(a, c):
                continue
            ga, gb, gc = (G.nodes[x].get(attr) for x in (a, b, c))
            if None in (ga, gb, gc):
                continue
            r = (0 if ga == gb == gc else 1 if gb == gc else 2 if ga == gb else
                 3 if ga == gc else 4)
            roles[b][r] += 1
    return roles


def test_brokerage_equals_brute_force():
    G = nx.gnp_random_graph(40, 0.12, seed=3, directed=True)
    rng = np.random.default_rng(1)
    for n in G:
        if n != 5:                            # node 5 has no org: in no triple
            G.nodes[n]["org"] = f"o{rng.integers(0, 4)}"
    df = by_id(pn.metrics.brokerage(G))
    ref = brute_brokerage(G, "org")
    for n in G:
        assert df.loc[str(n)].tolist() == ref[n], n
    assert df.to_numpy().sum() > 100


def test_brokerage_roles_by_hand():
    # a(X) -> b(Y) -> c(Y): b is a gatekeeper; x(Y) -> b -> z(Z): liaison
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "b"), ("b", "z")])
    nx.set_node_attributes(G, {"a": "X", "b": "Y", "c": "Y", "x": "W", "z": "Z"}, "org")
    b = by_id(pn.metrics.brokerage(G)).loc["b"]
    # pairs: a-c gatekeeper, a-z liaison, x-c gatekeeper, x-z liaison
    assert b.tolist() == [0, 2, 0, 0, 2]


def test_member_metrics_on_tiny_directed_brokerage(tiny_net):
    m = by_id(pn.member_metrics(tiny_net))
    # direct ties ana->cai, cai->ana, ben->ana, dee->eve: only ben(A) -> ana(A) -> cai(B) is an
    # open two-path, so ana represents org A once
    roles = m.loc[:, "brokerage_coordinator":"brokerage_liaison"]
    assert roles.loc["ana"].tolist() == [0, 0, 1, 0, 0]
    assert roles.drop("ana").to_numpy().sum() == 0
    D = pn.person_graph(tiny_net, directed=True, coattendance=None)
    ref = brute_brokerage(D, "org")
    for n in D:
        assert roles.loc[n].tolist() == ref[n]
    # a directed graph= is used as given (co-attendance both ways here)
    G = pn.person_graph(tiny_net, directed=True)
    mg = by_id(pn.member_metrics(tiny_net, graph=G))
    ref = brute_brokerage(G, "org")
    for n in G:
        assert mg.loc[n, "brokerage_coordinator":"brokerage_liaison"].tolist() == ref[n]


def test_edge_cases(tiny_net, davis):
    empty = pn.member_metrics(tiny_net.period("2023"))
    assert list(empty.columns) == COLUMNS and len(empty) == 0
    d = pn.member_metrics(davis)
    assert len(d) == 18 and d["org"].isna().all()
    assert d["brokerage_liaison"].isna().all()           # Davis has no organizations
    one = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["a", "b"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-01-01"] * 2, "source": ["a", "b"],
                                   "kind": ["message"] * 2}))
    m = by_id(pn.member_metrics(one))
    assert (m["position"] == "isolate").all() and m["constraint"].isna().all()
    assert m["eigenvector"].isna().all() and (m["betweenness"] == 0).all()


def test_top_brokers_by_hand():
    ids = [f"m{i:02d}" for i in range(25)]
    mm = pd.DataFrame({"member_id": ids, "brokerage_liaison": 0.0,
                       "brokerage_coordinator": 0.0, "betweenness": 0.0})
    mm.loc[[0, 1, 2, 4], "brokerage_liaison"] = [4.0, 5.0, 3.0, 1.0]
    mm.loc[0, "brokerage_coordinator"] = 1.0                 # m00 and m01 tie at 5
    # top ceil(10% of 25) = 3, ties by id
    assert pn.metrics.top_brokers(mm) == ["m00", "m01", "m02"]
    # among the 10 members a map draws: ceil(1.0) = 1
    assert pn.metrics.top_brokers(mm, ids[1:11]) == ["m01"]
    assert pn.metrics.top_brokers(mm, most=2) == ["m00", "m01"]
    assert pn.metrics.top_brokers(mm, ids[5:]) == []         # nobody there brokers
    bt = mm[["member_id", "betweenness"]].assign(betweenness=np.arange(25.0))
    assert pn.metrics.top_brokers(bt, share=0.05) == ["m24", "m23"]
    with pytest.raises(ValueError, match="brokerage_"):
        pn.metrics.top_brokers(mm[["member_id"]])


def test_eigenvector_of_a_large_graph_is_reproducible():
    # above 400 nodes the eigenvector comes from ARPACK (eigsh); from its default random
    # start the last digits changed with every call. Fixed start: the same bytes each call,
    # and networkx's values.
    G = nx.connected_watts_strogatz_graph(600, 6, 0.2, seed=3)
    u, v = np.array(G.edges()).T
    a = sp_adjacency(u, v, 600)
    ga = K.GraphArrays(np.arange(600), a, a, pd.DataFrame(index=range(600)))
    first = K.eigenvector(ga)
    for _ in range(3):
        assert K.eigenvector(ga).tobytes() == first.tobytes()
    ev = nx.eigenvector_centrality_numpy(G)
    np.testing.assert_allclose(first, [ev[i] for i in range(600)], atol=1e-9)


def sp_adjacency(u, v, n):
    import scipy.sparse as sp

    a = sp.coo_array((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n))
    return sp.csr_array(a)
