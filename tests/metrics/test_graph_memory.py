"""The graph arrays' memory-saving paths give the same graphs and numbers (issue 23)."""

import numpy as np
import pandas as pd
import pytest

import peernet as pn
import peernet.ties as ties
from peernet._cache import memo
from peernet.metrics import _sparse as K

igraph = pytest.importorskip("igraph")


def _tuple_graph(ga):
    """The igraph graph as it was built before: a list of every tie's tuple, weights kept
    as an edge attribute."""
    u, v, w = ga.edges()
    g = igraph.Graph(n=ga.n, edges=list(zip(u.tolist(), v.tolist(), strict=True)),
                     directed=False)
    g.es["weight"] = w
    return g


def test_igraph_built_a_chunk_at_a_time_is_the_tuple_graph(riverbend):
    ga = K.arrays_from_net(riverbend.period("2025"))
    ref = _tuple_graph(ga)
    u, v, _ = ga.edges()
    # chunks of 7 ties: several chunks and a short last one
    g = igraph.Graph(n=ga.n, edges=K._pairs(u, v, chunk=7), directed=False)
    assert g.vcount() == ref.vcount() == ga.n and g.ecount() == ref.ecount() == ga.m
    assert g.get_edgelist() == ref.get_edgelist()
    built = K._igraph_of(ga)
    assert built.get_edgelist() == ref.get_edgelist()
    assert "weight" not in built.es.attributes()        # weights are passed per call
    assert K._igraph_weights(ga) == list(ref.es["weight"])


def test_igraph_calls_with_passed_weights_equal_the_attribute(riverbend, monkeypatch):
    ga = K.arrays_from_net(riverbend.period("2025"))
    ref = _tuple_graph(ga)
    c = K.constraint(ga)                                # igraph's, passed weights
    expect = np.asarray(ref.constraint(weights="weight"), float)
    np.testing.assert_array_equal(c, np.where(ga.degree() > 0, expect, np.nan))

    monkeypatch.setattr(K, "EXACT_MAX_NODES", 10)       # networkit's PLM
    K.triangles(ga)                                     # builds and keeps igraph's graph
    assert "igraph" in ga.cache
    K.partition(ga, seed=3)
    assert "igraph" not in ga.cache                     # let go before networkit's


def test_binary_shares_the_pattern_of_the_weighted_matrix(riverbend):
    ga = K.arrays_from_net(riverbend.period("2025"))
    assert np.shares_memory(ga.a.indices, ga.w.indices)
    assert np.shares_memory(ga.a.indptr, ga.w.indptr)
    assert not np.shares_memory(ga.a.data, ga.w.data)
    dense = ga.w.toarray()
    np.testing.assert_array_equal(ga.a.toarray(), (dense != 0).astype(float))
    assert (ga.w.toarray() == dense).all()               # w untouched


def test_release_arrays_lets_them_go_and_they_come_back_equal(riverbend):
    y = riverbend.period("2024")
    ga = K.arrays_from_net(y)
    before = pn.member_metrics(y)
    K.release_arrays([y])
    assert K.ARRAYS not in memo(y)
    again = K.arrays_from_net(y)
    assert again is not ga
    assert (again.w != ga.w).nnz == 0
    pd_equal = before.equals(pn.member_metrics(y))
    assert pd_equal


def test_evaluate_lets_go_what_it_does_not_read_again(riverbend):
    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    default = ("ties", ties._check_kinds(None), False, "count", "count",
               ties.MAX_EVENT_SIZE, 1)
    for s in ev.slices.values():
        kept = memo(s)
        assert K.ARRAYS not in kept
        assert [k for k in kept if k[0] == "ties"] == [default]
        assert not [k for k in kept if k[0] == "acts"]
    root = memo(riverbend.root)
    assert not [k for k in root if k[0] in ("grid", "acts")]
    # what the report reads is still there, and what was let go is computed again equal
    y = ev.slices["2025"]
    assert ties.person_ties(y) is memo(y)[default]
    directed = ties.person_ties(y, directed=True, coattendance=None)
    fresh = ties.person_ties(pn.load_sample("riverbend").period("2025"), directed=True,
                             coattendance=None)
    np.testing.assert_array_equal(directed.u, fresh.u)
    np.testing.assert_array_equal(directed.count, fresh.count)
    assert y.acts(pn.network.ACT_COLUMNS).equals(
        pn.load_sample("riverbend").period("2025").acts(pn.network.ACT_COLUMNS))


def test_acts_bytes_estimates_the_acts_before_they_are_made():
    cols = pn.network.ACT_COLUMNS
    net = pn.load_sample("riverbend")
    need = net.acts_bytes(cols)       # 316,588 (the categories' bytes not counted: 316,284)
    assert not [k for k in memo(net) or () if k[0] == "acts"]
    made = int(net.acts(cols).memory_usage(index=False).sum())
    assert abs(need - made) <= made / 500
    assert net.acts_bytes(cols) == 0 and net.period("2025").acts_bytes(cols) > 0


def test_participation_makes_no_acts_when_they_leave_no_room_to_fork(monkeypatch):
    # room now, none once the acts would be made: none are, nothing forks, the same tables
    from peernet import evaluation_steps

    net = pn.load_sample("riverbend")
    slices = {p: net.period(p) for p in ("2024", "2025")}
    want = evaluation_steps.participation_tables(net, slices)
    monkeypatch.setattr(evaluation_steps, "FORK_ROWS", 0)
    asked = []
    monkeypatch.setattr(evaluation_steps, "can_fork", lambda grow=0: asked.append(grow) or
                        grow == 0)
    net = pn.load_sample("riverbend")
    slices = {p: net.period(p) for p in ("2024", "2025")}
    need = net.acts_bytes(pn.network.ACT_COLUMNS)
    job = evaluation_steps.start_participation(net, slices)
    assert asked == [need] and need > 0
    assert job.pid is None and not [k for k in memo(net) or () if k[0] == "acts"]
    got = job.result()
    for a, b in zip(got, want, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        else:
            assert a == b


def test_release_ties_keeps_the_default_table(riverbend):
    y = riverbend.period("2024")
    t = ties.person_ties(y)
    d = ties.person_ties(y, directed=True, coattendance=None)
    ties.release_ties(y)
    assert ties.person_ties(y) is t
    again = ties.person_ties(y, directed=True, coattendance=None)
    assert again is not d
    for col in ("u", "v", "count", "weight", "first", "last", "kinds"):
        np.testing.assert_array_equal(getattr(again, col), getattr(d, col))


def test_first_and_last_acts_kept_once_a_network(riverbend):
    from peernet.metrics import members as M

    y = riverbend.period("2025")
    mm = pn.member_metrics(y)
    first, last = M.act_times(riverbend.root)
    kept = memo(riverbend.root)[("members", "act summary")]
    assert kept["first"].equals(first) and kept["last"].equals(last)
    acts = riverbend.root.acts(pn.network.ACT_COLUMNS)   # grouped, the same times
    by = acts.groupby("source", observed=True)["timestamp"]
    assert sorted(first.index) == sorted(by.groups) and first.index.is_unique
    pd.testing.assert_series_equal(first.reindex(by.min().index), by.min(), check_names=False)
    pd.testing.assert_series_equal(last.reindex(by.max().index), by.max(), check_names=False)
    ya = y.acts(pn.network.ACT_COLUMNS).groupby("source", observed=True)["timestamp"]
    seen = mm.set_index("member_id")["first_seen"].dropna()
    assert len(seen) and (seen == ya.min().reindex(seen.index)).all()
    assert pn.member_metrics(y).equals(mm)


def _random_ties(n, m, seed):
    """Sorted unique ties ``u < v`` of ``n`` nodes (about ``m``), as a tie table holds."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keys = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    keys = keys[keys // n != keys % n]
    return keys // n, keys % n


def test_arrays_from_a_tie_table_equal_the_coordinate_build(riverbend):
    for year in ("2024", "2025"):
        y = riverbend.period(year)
        t = ties.person_ties(y)
        ga = K.arrays_from_net(y)
        ref = K._sym(t.n, t.u.astype(np.int64), t.v.astype(np.int64), t.weight)  # int64 ends
        for name in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(ga.w, name), getattr(ref, name))
            assert getattr(ga.w, name).dtype == (ref.data.dtype if name == "data"
                                                 else np.int32)   # 4 bytes an entry
        upper = K.sp.triu(ref, k=1).tocoo()
        for i, (got, want) in enumerate(zip(ga.edges(), (upper.row.astype(np.int64),
                                                         upper.col.astype(np.int64),
                                                         upper.data), strict=True)):
            np.testing.assert_array_equal(got, want)
            assert got.dtype == (t.u.dtype if i < 2 else want.dtype)   # the table's ends
    # zero weights are no tie (as eliminate_zeros), NaN stays
    u, v = _random_ties(50, 300, 1)
    w = np.random.default_rng(2).integers(0, 3, len(u)).astype(float)
    w[:3] = np.nan
    got, edges = K._sym_sorted(50, u, v, w)
    ref = K._sym(50, u, v, w)
    np.testing.assert_array_equal(got.indptr, ref.indptr)
    np.testing.assert_array_equal(got.indices, ref.indices)
    np.testing.assert_array_equal(got.data, ref.data)
    np.testing.assert_array_equal(edges[2], w[w != 0])


def test_weighted_csr_compiled_equals_the_sum_of_the_triangles():
    # above PYTHON_WORK steps the one-pass kernel runs compiled: the matrix of scipy's sum
    u, v = _random_ties(3000, 60_000, 3)
    w = np.random.default_rng(4).random(len(u)) * 5
    got, _ = K._sym_sorted(3000, u.astype(np.int32), v.astype(np.int32), w)
    upper = K.sp.csr_array((w, v, np.searchsorted(u, np.arange(3001))), shape=(3000, 3000))
    ref = upper + upper.T.tocsr()
    assert 4 * len(u) > 100_000 and got.has_sorted_indices
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got, name), getattr(ref, name))
    assert got.indptr.dtype == got.indices.dtype == np.int32
    assert (got != ref).nnz == 0


def test_triangles_of_a_large_graph_are_compiled_and_equal_igraphs(monkeypatch):
    # above IGRAPH_WORK entries: the compiled pass, no igraph graph built (nor kept for
    # the core numbers), the same whole numbers as igraph's local transitivity
    u, v = _random_ties(400, 6000, 5)
    small = _arrays(400, u, v)
    want, cores = K.triangles(small), K.core_number(small)
    assert "igraph" in small.cache and want.sum() > 0
    monkeypatch.setattr(K, "IGRAPH_WORK", 100)
    large = _arrays(400, u, v)
    got = K.triangles(large)
    assert "igraph" not in large.cache and got.dtype == want.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(K.core_number(large), cores)
    assert "igraph" not in large.cache


def test_largest_component_from_the_tie_table_equals_the_arrays(riverbend):
    from peernet.metrics import arrays

    for year in ("2024", "2025"):
        y = pn.load_sample("riverbend").period(year)
        got = arrays.largest_component(y)              # no arrays kept: the tie table's
        assert K.ARRAYS not in memo(y)
        ga = K.arrays_from_net(y)
        _, labels = K.components(ga)
        assert got == (int(np.bincount(labels).max()), ga.n) == arrays.largest_component(y)
    # compiled (above PYTHON_WORK ties), ties of weight 0 left out as the arrays leave them
    from peernet.metrics import _kernels
    from peernet.metrics._kernels import largest_component

    u, v = _random_ties(100_000, 150_000, 6)
    w = np.random.default_rng(7).integers(0, 4, len(u)).astype(float)
    ga = K.GraphArrays(np.arange(100_000), None, K._sym_sorted(100_000, u, v, w)[0],
                       pd.DataFrame(index=range(100_000)))
    sizes = np.bincount(K.components(ga)[1])
    keep = w != 0
    assert len(u) > _kernels.PYTHON_WORK
    assert largest_component(100_000, u[keep], v[keep]) == sizes.max() > 1
    assert largest_component.py_func(100_000, u[keep], v[keep]) == sizes.max()


def _arrays(n, u, v):
    w = K._sym(n, u, v, np.ones(len(u)))
    return K.GraphArrays(np.arange(n), K.binary(w), w, pd.DataFrame(index=range(n)))


def test_components_of_a_large_graph_are_numbered_as_scipy():
    from scipy.sparse import csgraph

    n = K.EXACT_MAX_NODES + 500          # labels by propagation from here
    u, v = _random_ties(n, 900, 3)       # sparse: many components, isolates too
    path = np.arange(n - 1)              # a path through every node: in order, converges;
    perm = np.random.default_rng(5).permutation(n)   # shuffled, left to scipy
    pu, pv = np.minimum(perm[path], perm[path + 1]), np.maximum(perm[path], perm[path + 1])
    assert K._first_nodes(_arrays(n, path, path + 1).a) is not None
    assert K._first_nodes(_arrays(n, pu, pv).a) is None
    for ends in ((u, v), (path, path + 1), (pu, pv)):
        ga = _arrays(n, *ends)
        count, labels = K.components(ga)
        want_count, want = csgraph.connected_components(ga.a, directed=False)
        assert count == want_count
        np.testing.assert_array_equal(labels, want)
        assert labels.dtype == want.dtype
    assert K.components(_arrays(n, u, v))[0] > 100


def test_path_stats_in_place_equal_the_copies():
    """Efficiency and the mean path length computed in place on the distances equal the
    computation on copies (sampled sources, a graph with a large and small components)."""
    n = K.EXACT_MAX_NODES + 300
    u, v = _random_ties(n, 3 * n, 4)
    ga = _arrays(n, u, v)
    got = K.path_stats(ga)
    _, labels = K.components(ga)
    lcc = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    assert 2 <= len(lcc) < n
    rng = np.random.default_rng(K.SEED)
    src_all = np.sort(rng.choice(n, K.SAMPLE_SOURCES, replace=False))
    src_lcc = np.sort(rng.choice(lcc, K.SAMPLE_SOURCES, replace=False))
    d = K._distances(ga, src_all)
    with np.errstate(divide="ignore"):
        inv = 1.0 / d
    inv[~np.isfinite(inv)] = 0.0
    assert got["efficiency"] == float(inv.sum() / (len(src_all) * (n - 1)))
    d = K._distances(ga, src_lcc)[:, lcc]
    assert got["avg_path_length"] == float(
        d[np.isfinite(d)].sum() / (len(src_lcc) * (len(lcc) - 1)))
