"""mixing and mixing_matrix: a graph by hand, exhaustive relabelling, networkx, riverbend."""

import itertools
import math
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics.mixing import MIXING_COLUMNS, MIXING_MATRIX_COLUMNS


def _square():
    # a-b inside X; a-c, b-d, a-d across: E = 3, I = 1
    G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("a", "d")])
    nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y", "d": "Y"}, "org")
    return G


def _all_relabellings(G, attr):
    """Cross share of every distinct assignment of the labels to the nodes."""
    nodes = list(G)
    labels = [G.nodes[n][attr] for n in nodes]
    shares = []
    for perm in set(itertools.permutations(labels)):
        lab = dict(zip(nodes, perm, strict=True))
        shares.append(np.mean([lab[u] != lab[v] for u, v in G.edges()]))
    return np.array(shares)


def test_small_graph_by_hand():
    t = pn.metrics.mixing(_square(), by="org", permutations=500)
    assert list(t.columns) == list(MIXING_COLUMNS)
    r = t.set_index("measure")
    assert r.loc["ei_index", "observed"] == pytest.approx(0.5)          # (3 - 1) / 4
    assert r.loc["cross_share", "observed"] == pytest.approx(0.75)
    # q = (2*1 + 2*1) / (4*3) = 1/3: chance cross share 2/3, E-I 1/3
    assert r.loc["cross_share", "expected"] == pytest.approx(2 / 3)
    assert r.loc["ei_index", "expected"] == pytest.approx(1 / 3)
    # the six distinct relabellings give cross shares 1/2 (2 of them) or 3/4 (4 of them)
    exact = _all_relabellings(_square(), "org")
    assert sorted(exact.tolist()) == [0.5, 0.5, 0.75, 0.75, 0.75, 0.75]
    assert exact.mean() == pytest.approx(2 / 3)
    # 3/4 is the largest deviation possible upwards; |0.75-2/3| = |0.5-2/3| / 2, so every
    # relabelling is at least as far from 2/3: p = 1
    assert r.loc["ei_index", "p_value"] == pytest.approx(1.0)
    assert (r["ties"] == 4).all() and (r["members"] == 4).all() and (r["groups"] == 2).all()


def test_expected_equals_mean_over_all_relabellings():
    # an uneven graph: 7 nodes, groups of 3, 2, 1 and one node without the attribute
    G = nx.Graph([(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (1, 6), (0, 5)])
    nx.set_node_attributes(G, {0: "A", 1: "A", 2: "A", 3: "B", 4: "B", 5: "C"}, "org")
    t = pn.metrics.mixing(G, by="org", permutations=20000, seed=1).set_index("measure")
    H = G.subgraph([n for n in G if "org" in G.nodes[n]])
    exact = _all_relabellings(H, "org")
    assert t.loc["cross_share", "expected"] == pytest.approx(exact.mean())
    assert t["ties"].iloc[0] == H.number_of_edges() == 7
    # the permutation distribution is centred on the analytic expectation
    sd = exact.std()
    assert abs(t.loc["cross_share", "expected"] - exact.mean()) < 1e-12
    z = t.loc["cross_share", "z"]
    assert z == pytest.approx((t.loc["cross_share", "observed"] - exact.mean()) / sd, rel=0.05)


def test_permutation_mean_is_the_analytic_expectation(riverbend):
    y = riverbend.period("2025")
    from peernet.metrics import _sparse as K
    from peernet.metrics.mixing import _known, _permuted_cross

    ga = K.arrays_from_net(y)
    labels, u, v = _known(ga, K.group_codes(ga, "sector"))
    perm = _permuted_cross(labels, u, v, 4000, np.random.default_rng(5)) / len(u)
    t = pn.metrics.mixing(y, by="sector").set_index("measure")
    se = perm.std() / math.sqrt(len(perm))
    assert abs(perm.mean() - t.loc["cross_share", "expected"]) < 4 * se


def test_riverbend_2025_mixes_less_than_chance(riverbend):
    y = riverbend.period("2025")
    t = pn.metrics.mixing(y, by="org").set_index("measure")
    # the numbers of issue 18 (default person graph, the graph of network_metrics)
    assert t.loc["ei_index", "observed"] == pytest.approx(pn.network_metrics(y)["ei_index_org"])
    assert t.loc["ei_index", "observed"] == pytest.approx(0.812, abs=5e-4)
    assert t.loc["ei_index", "expected"] == pytest.approx(0.916, abs=5e-4)
    assert t.loc["ei_index", "p_value"] < 0.01 and t.loc["ei_index", "z"] < -3
    assert t.loc["ei_index", "observed"] < t.loc["ei_index", "low"]
    for by, exp in (("sector", 0.573), ("region", 0.445)):
        r = pn.metrics.mixing(y, by=by, permutations=200).set_index("measure")
        assert r.loc["ei_index", "expected"] == pytest.approx(exp, abs=5e-4)
        assert r.loc["ei_index", "p_value"] < 0.01


def test_seeded_and_vectorised_blocks_agree(riverbend, monkeypatch):
    y = riverbend.period("2025")
    a = pn.metrics.mixing(y, by="region", permutations=300, seed=7)
    b = pn.metrics.mixing(y, by="region", permutations=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    monkeypatch.setattr(sys.modules["peernet.metrics.mixing"], "_BLOCK_CELLS", 1)
    c = pn.metrics.mixing(y, by="region", permutations=300, seed=7)   # one per block
    pd.testing.assert_frame_equal(a, c)


def test_no_attribute_gives_nan():
    t = pn.metrics.mixing(pn.load_sample("davis"), by="org", permutations=10)
    assert t[["observed", "expected", "low", "high", "p_value", "z"]].isna().all().all()
    assert (t["ties"] == 0).all()
    m = pn.metrics.mixing_matrix(pn.load_sample("davis"), by="org")
    assert list(m.columns) == list(MIXING_MATRIX_COLUMNS) and m.empty


def test_bad_arguments():
    with pytest.raises(ValueError, match="permutations must be a positive integer; got 0"):
        pn.metrics.mixing(_square(), permutations=0)
    with pytest.raises(TypeError, match="must be a PeerNetwork or a networkx graph; got list"):
        pn.metrics.mixing([1, 2])
    with pytest.raises(ValueError, match="ci must be between 0 and 1; got 2"):
        pn.metrics.mixing(_square(), ci=2)


def test_mixing_matrix_against_networkx(riverbend):
    y = riverbend.period("2025")
    G = pn.person_graph(y)
    m = pn.metrics.mixing_matrix(y, by="sector")
    assert list(m.columns) == list(MIXING_MATRIX_COLUMNS)
    mm = nx.attribute_mixing_dict(G, "sector")
    for row in m.itertuples():
        n_ab = mm.get(row.group_a, {}).get(row.group_b, 0)
        assert row.ties == (n_ab // 2 if row.group_a == row.group_b else n_ab)
    assert m["ties"].sum() == G.number_of_edges()
    assert m["expected"].sum() == pytest.approx(G.number_of_edges())
    # expected cross ties = m (1 - q), as in mixing()
    t = pn.metrics.mixing(y, by="sector", permutations=10).set_index("measure")
    across = m.loc[m["group_a"] != m["group_b"], "expected"].sum()
    assert across / m["expected"].sum() == pytest.approx(t.loc["cross_share", "expected"])


def test_mixing_matrix_by_hand():
    m = pn.metrics.mixing_matrix(_square())
    assert m[["group_a", "group_b"]].values.tolist() == [["X", "X"], ["X", "Y"], ["Y", "Y"]]
    assert m["ties"].tolist() == [1, 3, 0]
    # m = 4 ties, N = 4: inside X 4 * 2 / 12, across 4 * 2*2*2 / 12
    assert m["expected"].tolist() == pytest.approx([2 / 3, 8 / 3, 2 / 3])
    assert m["ratio"].tolist() == pytest.approx([1.5, 9 / 8, 0.0])


def test_chance_cross_share_is_the_expected_of_mixing(riverbend):
    y = riverbend.period("2025")
    G = pn.person_graph(y)
    t = pn.metrics.mixing(G, by="sector", permutations=10).set_index("measure")
    labels = [G.nodes[n].get("sector") for n in G]
    assert pn.metrics.chance_cross_share(labels) == pytest.approx(
        t.loc["cross_share", "expected"])
    assert pn.metrics.chance_cross_share(["A", None, "A", "B", "B"]) == pytest.approx(2 / 3)
    assert math.isnan(pn.metrics.chance_cross_share(["A"]))


def _exact_var_by_enumeration(G, attr):
    exact = _all_relabellings(G, attr) * G.number_of_edges()     # cross counts
    return exact.mean(), exact.var()


@pytest.mark.parametrize("edges,labels", [
    ([(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (1, 6), (0, 5)],
     {0: "A", 1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C"}),
    ([(0, 1), (1, 2), (2, 3), (3, 0), (0, 4), (4, 5), (5, 6), (6, 7)],
     {0: "A", 1: "B", 2: "A", 3: "B", 4: "C", 5: "A", 6: "B", 7: "C"}),
    ([(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)],                       # a star: all wedges
     {0: "A", 1: "A", 2: "B", 3: "B", 4: "B", 5: "A"}),
])
def test_exact_moments_equal_enumeration_of_every_relabelling(edges, labels):
    from peernet.metrics import _sparse as K
    from peernet.metrics.mixing import _cross_moments, _known

    G = nx.Graph(edges)
    nx.set_node_attributes(G, labels, "org")
    mean, var = _exact_var_by_enumeration(G, "org")
    ga = K.arrays_from_graph(G)
    lab, u, v = _known(ga, K.group_codes(ga, "org"))
    m, s2 = _cross_moments(lab, u, v)
    assert m == pytest.approx(mean, abs=1e-12)
    assert s2 == pytest.approx(var, rel=1e-12, abs=1e-12)


def test_normal_method_on_riverbend_agrees_with_the_permutations(riverbend):
    y = riverbend.period("2025")
    p = pn.metrics.mixing(y, by="sector", permutations=4000, method="permutation")
    n = pn.metrics.mixing(y, by="sector", method="normal")
    p, n = p.set_index("measure"), n.set_index("measure")
    assert (n["permutations"] == 0).all() and (p["permutations"] == 4000).all()
    for c in ("observed", "expected", "z"):             # z: exact sd for both methods
        assert n.loc["ei_index", c] == pytest.approx(p.loc["ei_index", c], abs=1e-12)
    for c in ("low", "high"):                          # normal range vs permutation quantiles
        assert n.loc["ei_index", c] == pytest.approx(p.loc["ei_index", c], abs=0.01)
    assert n.loc["ei_index", "p_value"] < 1e-6 and p.loc["ei_index", "p_value"] < 1e-3


def test_auto_takes_the_exact_moments_above_the_budget(riverbend, monkeypatch):
    y = riverbend.period("2025")
    monkeypatch.setattr(sys.modules["peernet.metrics.mixing"], "PERMUTATION_CELLS", 100)
    a = pn.metrics.mixing(y, by="region")
    b = pn.metrics.mixing(y, by="region", method="normal")
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="method must be 'auto', 'permutation' or 'normal'"):
        pn.metrics.mixing(y, method="exact")


def test_chance_cross_share_of_integer_codes_counts_them_as_labels():
    """The Grid's replicates pass integer group codes: counted with np.bincount, the same
    float as the labels counted by value (hand: groups of 3, 2, 1 -> 1 - 8 / 30)."""
    codes = np.array([4, 4, 0, 4, 7, 0])
    assert pn.metrics.chance_cross_share(codes) == 1 - 8 / 30
    assert pn.metrics.chance_cross_share(pd.Series(codes)) == \
        pn.metrics.chance_cross_share([str(c) for c in codes])
    rng = np.random.default_rng(3)
    for _ in range(5):
        c = rng.integers(0, 30, 500)
        assert pn.metrics.chance_cross_share(c) == \
            pn.metrics.chance_cross_share([f"g{x}" for x in c])
    assert math.isnan(pn.metrics.chance_cross_share(np.array([], np.int64)))
