"""The Grid's bootstrap replicates read through draw counts: every indicator equal to the
indicator computed on the materialized replicate, and the intervals equal to before."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.grid.context import INDICATORS, Context, indicator
from peernet.grid.replicates import FIXED_INDICATORS, REPLICABLE, GridReplicates
from peernet.metrics.uncertainty import draw_units, materialize, resample_events


@pytest.fixture(scope="module")
def synthetic_net(tmp_path_factory, bench):
    folder = tmp_path_factory.mktemp("synthetic")
    bench.write_folder(bench.synthetic(300, 20_000, seed=1), folder)
    return pn.load(folder)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _check_every_indicator(y, seeds):
    g = GridReplicates(y)
    for seed in seeds:
        mult = draw_units(g.fixed.k, np.random.default_rng(seed))
        fast = g.context(mult)
        full = Context(materialize(y, mult), previous=False)
        full.__dict__["previous"] = g.ctx.previous
        for spec in g.specs:
            a, b = fast.compute(spec.function, spec.params), full.compute(spec.function,
                                                                             spec.params)
            a = [a] if not isinstance(a, list) else [v for _, v in a]
            b = [b] if not isinstance(b, list) else [v for _, v in b]
            assert [v.value for v in a] == pytest.approx([v.value for v in b], abs=0,
                                                         rel=0, nan_ok=True), spec.function
            assert all(_same(float(x.value), float(z.value)) for x, z in zip(a, b, strict=True))
        # the default rubric never needs the materialized replicate
        assert "materialized" not in fast.__dict__


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_every_indicator_of_a_replicate_equals_the_materialized_one(riverbend, period):
    _check_every_indicator(riverbend.period(period), seeds=(1, 2, 3))


def test_every_indicator_equal_with_the_compiled_passes(riverbend, monkeypatch):
    """Who acted, which ties, attendees and the core's ties of a replicate from one compiled
    pass over (row, unit) pairs (10k and larger slices) as from numpy's: the same."""
    from peernet.grid import replicates

    monkeypatch.setattr(replicates, "ANY_COMPILED", 0)
    _check_every_indicator(riverbend.period("2025"), seeds=(4,))


def test_every_indicator_equal_on_a_synthetic_network(synthetic_net):
    _check_every_indicator(synthetic_net.period("2025"), seeds=(0, 7))


def test_default_rubric_indicators_are_all_classified(riverbend):
    g = GridReplicates(riverbend.period("2025"))
    functions = {s.function for s in g.specs}
    assert functions <= FIXED_INDICATORS | REPLICABLE
    assert not FIXED_INDICATORS & REPLICABLE


def test_replicate_scores_equal_scoring_resample_events(synthetic_net):
    y = synthetic_net.period("2025")
    g = GridReplicates(y)
    for seed in (4, 5):
        fast = g.replicate(np.random.default_rng(seed))
        full = pn.score(resample_events(y, np.random.default_rng(seed))).layers["score"]
        # the element scores are the rubric's weighted means as arrays (pn.score sums in
        # another order): equal to the last bits
        np.testing.assert_allclose(fast, full.to_numpy(float), rtol=1e-13, atol=0)


def test_an_unknown_indicator_is_computed_on_the_materialized_replicate(riverbend):
    @indicator(needs="interactions")
    def rows_for_test(ctx):
        return pn.grid.Value(float(len(ctx.inter)))

    try:
        y = riverbend.period("2025")
        g = GridReplicates(y)
        mult = draw_units(g.fixed.k, np.random.default_rng(0))
        rc = g.context(mult)
        with pytest.raises(AttributeError, match="no interaction table"):
            _ = rc.inter
        assert rc.compute("rows_for_test").value == float(mult[g.fixed.codes].sum())
        assert "materialized" in rc.__dict__
    finally:
        INDICATORS.pop("rows_for_test")


def test_grid_intervals_identical_to_the_rebuilt_replicates(riverbend):
    # computed with the replicates rebuilt as networks (peernet before the replicate
    # context, PEERNET_WORKERS=1): the same draws give the same intervals to 1e-12
    expected = {
        "trust": (-3.925773225122, 1.30783866214, 79.180304666851, 81.089012384507),
        "time": (10.172657470911, 14.644489617911, 75.126968889112, 92.121549503851),
        "truth": (-1.324396062688, 31.60173295146, 64.121233526366, 95.722966477826),
        "communication": (4.866726957229, 16.842640570947, 63.148681816383,
                          80.330497017569),
        "space": (9.724659541604, 16.865379368699, 67.765986466047, 84.696934135006),
        "resources": (-6.553641687038, 17.728897821631, 60.426306984214, 81.191310499874),
        "problem_solving": (12.577136772923, 14.749953287006, 73.559541848697,
                            88.474872604975),
        "learning": (-5.821169368586, 30.13150794796, 44.356336306801, 91.565436447153),
        "capacity_building": (-3.7133957178, 5.185792241476, 80.79181370546, 88.90453087741),
        "infrastructure": (-2.5, 2.5, 83.625, 85.833333333333),
    }
    d = pn.metrics.bootstrap_change(riverbend.period("2024"), riverbend.period("2025"),
                                    "grid", n=8, seed=3).set_index("metric")
    for element, values in expected.items():
        got = d.loc[element, ["low", "high", "previous_low", "current_high"]].to_numpy(float)
        np.testing.assert_allclose(got, values, rtol=0, atol=1e-9, err_msg=element)


@pytest.mark.parametrize("listed", [True, False])
def test_headline_replicates_equal_network_metrics_of_the_replicate(synthetic_net, listed,
                                                                   monkeypatch):
    from peernet.evaluation_steps import BOOTSTRAP_METRICS
    from peernet.metrics import _structreps
    from peernet.metrics import uncertainty as U

    if not listed:   # each replicate lists its own triangles
        monkeypatch.setattr(_structreps, "MAX_LISTED_TRIANGLES", 0)
    y = synthetic_net.period("2025")
    names = list(BOOTSTRAP_METRICS)
    fast = U.StructureReplicates(y, names)
    assert (fast.triangles is not None) == listed
    for seed in (2, 9):
        mult = draw_units(fast.k, np.random.default_rng(seed))
        a = fast.values(mult)[names]
        b = pn.network_metrics(materialize(y, mult), only=names)[names]
        pd.testing.assert_series_equal(a, b, check_names=False, check_exact=True)


def test_triangle_kernels_count_as_networkx():
    import networkx as nx

    from peernet.metrics._kernels import list_triangles_csr, present_triangles, triangles_csr
    from peernet.metrics._sparse import arrays_from_graph

    G = nx.gnp_random_graph(60, 0.2, seed=4)
    ga = arrays_from_graph(G)
    a = ga.a.sorted_indices()
    indptr, indices = a.indptr.astype(np.int64), a.indices.astype(np.int64)
    tri = triangles_csr(indptr, indices, ga.n)
    expected = np.array([nx.triangles(G)[v] for v in ga.nodes])
    np.testing.assert_array_equal(tri, expected)
    # the listed triangles, each tie an id: with some ties absent, as networkx without them
    u, v = np.repeat(np.arange(ga.n), np.diff(indptr)), indices
    key = np.minimum(u, v) * ga.n + np.maximum(u, v)
    ties, tie = np.unique(key, return_inverse=True)
    total = int(tri.sum() // 3)
    nodes, tri_ties, found = list_triangles_csr(indptr, indices, tie, ga.n, total)
    assert found == total == len(nodes)
    # too little room: the same count found, no row written past the room
    short, short_ties, again = list_triangles_csr(indptr, indices, tie, ga.n, total - 5)
    assert again == total and len(short) == total - 5
    np.testing.assert_array_equal(short, nodes[:total - 5])
    present = np.random.default_rng(0).random(len(ties)) < 0.7
    H = nx.Graph()
    H.add_nodes_from(range(ga.n))
    H.add_edges_from((int(k // ga.n), int(k % ga.n)) for k in ties[present])
    got = present_triangles(nodes, tri_ties, present, ga.n)
    want = np.array([nx.triangles(H)[i] for i in range(ga.n)])
    np.testing.assert_array_equal(got, want)


def test_largest_component_kernel_counts_as_networkx():
    import networkx as nx

    from peernet.metrics._kernels import largest_component

    for seed in range(5):
        G = nx.gnp_random_graph(80, 0.03, seed=seed)
        u = np.array([a for a, _ in G.edges()], np.int64)
        v = np.array([b for _, b in G.edges()], np.int64)
        assert largest_component(80, u, v) == max(len(c) for c in nx.connected_components(G))
    assert largest_component(0, np.zeros(0, np.int64), np.zeros(0, np.int64)) == 0


def test_replicates_list_the_triangles_the_network_metrics_counted(riverbend):
    """StructureReplicates takes the triangle count of the slice's network metrics (its
    graph arrays, the same ties) instead of counting again, and lists the same triangles."""
    from peernet._cache import forget
    from peernet.metrics import _sparse as K
    from peernet.metrics._structreps import StructureReplicates, _triangles_known

    y = riverbend.period("2025")
    forget(y, K.ARRAYS)
    fresh = StructureReplicates(y, ["avg_clustering"])     # no graph arrays: counted here
    pn.network_metrics(y)
    known = _triangles_known(y, fresh.ties, fresh.n)
    assert known == len(fresh.triangles[0]) > 0
    assert _triangles_known(y, fresh.ties[:-1], fresh.n) is None      # another graph
    reused = StructureReplicates(y, ["avg_clustering"])
    for a, b in zip(fresh.triangles, reused.triangles, strict=True):
        np.testing.assert_array_equal(a, b)
