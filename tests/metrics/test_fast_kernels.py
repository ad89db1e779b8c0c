"""The fast array kernels give exactly what the straightforward computations give."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse import csgraph

import peernet.ties as ties
from peernet._cache import forget, memo
from peernet.metrics import _sparse as K


def _sym(n, u, v):
    a = sp.csr_array((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n))
    a.sum_duplicates()
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    return a


def test_bfs_distances_by_hand():
    # 0 - 1 - 2 - 3   4 (isolated)   5 - 6
    a = _sym(7, np.array([0, 1, 2, 5]), np.array([1, 2, 3, 6]))
    d = K._bfs_distances(a, np.array([0, 2, 5]))
    inf = np.inf
    assert d.tolist() == [[0, 1, 2, 3, inf, inf, inf],
                          [2, 1, 0, 1, inf, inf, inf],
                          [inf, inf, inf, inf, inf, 0, 1]]


@pytest.mark.parametrize("seed", range(6))
def test_bfs_distances_equal_one_bfs_per_source(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 600))
    m = int(rng.integers(0, 3 * n))
    a = _sym(n, rng.integers(0, n, m), rng.integers(0, n, m))
    k = int(rng.integers(1, min(n, 200)))          # not a multiple of 64 words
    src = np.sort(rng.choice(n, k, replace=False))
    d = K._bfs_distances(a, src, max_levels=10**6)
    assert np.array_equal(d, csgraph.shortest_path(a, unweighted=True, directed=False,
                                                   indices=src))


@pytest.mark.parametrize("seed", range(6))
def test_compiled_bfs_equals_numpys(monkeypatch, seed):
    from peernet.metrics import _bfs, _kernels

    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 600))
    m = int(rng.integers(0, 3 * n))
    a = _sym(n, rng.integers(0, n, m), rng.integers(0, n, m))
    a.indices = a.indices.astype(np.int32)
    k = int(rng.integers(1, min(n, 200)))
    src = np.sort(rng.choice(n, k, replace=False))
    levels = int(rng.integers(1, 12)) if seed % 2 else 10**6   # None past them, both ways
    monkeypatch.setattr(_kernels, "STARTED", False)
    want = _bfs.bfs_distances(a, src, max_levels=levels)
    monkeypatch.setattr(_kernels, "THREADED_WORK", 0)
    got = _bfs.bfs_distances(a, src, max_levels=levels)
    assert (got is None) == (want is None)
    if want is not None:
        assert got.dtype == want.dtype and np.array_equal(got, want)
        assert np.array_equal(got, csgraph.shortest_path(a, unweighted=True, directed=False,
                                                         indices=src))


def test_long_paths_fall_back_to_one_bfs_per_source():
    n = 300                                       # a path: 299 levels from node 0
    a = _sym(n, np.arange(n - 1), np.arange(1, n))
    src = np.array([0, 150])
    assert K._bfs_distances(a, src) is None       # more than BFS_MAX_LEVELS levels
    ga = K.GraphArrays(np.arange(n).astype(str).astype(object), a, a, None)
    d = K._distances(ga, src)
    assert d[0, 299] == 299 and d[1, 0] == 150
    assert np.array_equal(d, csgraph.shortest_path(a, unweighted=True, indices=src))


def test_stable_order_equals_stable_argsort():
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 50, 1000)              # many ties: the row order must be kept
    assert np.array_equal(ties.stable_order(keys), np.argsort(keys, kind="stable"))
    huge = np.array([2**61, 5, 2**61, 5], np.int64)   # key x rows would overflow
    assert ties.stable_order(huge).tolist() == [1, 3, 0, 2]


def test_coattendance_pairs_by_hand():
    # members 0..3; event 0 (t=10): 0, 1, 2; event 1 (t=5): 1, 2; event 2 (t=20): 2, 3
    m_idx = np.array([2, 0, 1, 1, 2, 3, 2])
    e_codes = np.array([0, 0, 0, 1, 1, 2, 2])
    ev_time = np.array([10, 5, 20])
    keys, shared, first, last = ties.coattendance_pairs(m_idx, e_codes, ev_time, 4)
    assert keys.tolist() == [0 * 4 + 1, 0 * 4 + 2, 1 * 4 + 2, 2 * 4 + 3]
    assert shared.tolist() == [1, 1, 2, 1]
    assert first.tolist() == [10, 10, 5, 20]
    assert last.tolist() == [10, 10, 10, 20]


def test_directed_ties_reuse_the_direct_rows_of_the_undirected(riverbend):
    y = riverbend.period("2025")
    forget(y)
    und = ties.person_ties(y)
    store = memo(y)
    assert [k for k in store if k[0] == "direct_rows"] == [
        ("direct_rows", tuple(k for k in ties.INTERACTION_KINDS if k != "attend"))]
    d = ties.person_ties(y, directed=True, coattendance=None)
    forget(y)
    fresh = ties.person_ties(y, directed=True, coattendance=None)
    for f in ("nodes", "u", "v", "count", "weight", "first", "last", "kinds"):
        assert np.array_equal(getattr(d, f), getattr(fresh, f))
    # every directed tie is one of the undirected ties
    n = und.n
    assert np.isin(np.minimum(d.u, d.v) * n + np.maximum(d.u, d.v), und.u * n + und.v).all()
    # each contact (mutual) is a tie both ways: counted once more
    contacts = int((y.interactions["kind"] == "contact").sum())
    assert d.count.sum() == d.info["direct_interactions"] + contacts


def _brute_brokerage(a, g):
    """Gould-Fernandez counts by listing every open two-path a -> b -> c."""
    n = a.shape[0]
    dense = a.toarray() != 0
    np.fill_diagonal(dense, False)
    out = np.zeros((n, 5))
    for b in range(n):
        for x in np.flatnonzero(dense[:, b]):
            for c in np.flatnonzero(dense[b]):
                if x == c or dense[x, c] or min(g[x], g[b], g[c]) < 0:
                    continue
                same_xb, same_bc, same_xc = g[x] == g[b], g[b] == g[c], g[x] == g[c]
                role = (0 if same_xb and same_bc else 1 if same_bc else 2 if same_xb
                        else 3 if same_xc else 4)
                out[b, role] += 1
    return out


@pytest.mark.parametrize("seed", range(8))
def test_brokerage_counts_equal_listing_every_two_path(seed):
    from peernet.metrics.members import _brokerage_counts

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    m = int(rng.integers(0, 4 * n))
    a = sp.csr_array((np.ones(m), (rng.integers(0, n, m), rng.integers(0, n, m))),
                     shape=(n, n))
    a.sum_duplicates()
    a.data[:] = 1.0
    g = rng.integers(-1, 4, n)                    # -1: no org, takes part in no triple
    assert np.array_equal(_brokerage_counts(a, g), _brute_brokerage(a, g))


def test_voice_gini_counts_silent_attendees_and_skips_non_attendees():
    import pandas as pd

    import peernet as pn

    members = pd.DataFrame({"member_id": ["ana", "ben", "cai", "dan"]})
    events = pd.DataFrame({"event_id": ["e1"], "start": ["2025-01-15 10:00"],
                           "end": ["2025-01-15 11:00"]})
    rows = [{"timestamp": "2025-01-15 10:00", "source": m, "kind": "attend", "event_id": "e1"}
            for m in ("ana", "ben", "cai")]
    rows += [{"timestamp": f"2025-02-0{d} 09:00", "source": "ana", "kind": "message",
              "target": "ben"} for d in (1, 2, 3)]
    rows += [{"timestamp": "2025-02-04 09:00", "source": "ben", "kind": "reply",
              "target": "ana"}]
    rows += [{"timestamp": f"2025-03-0{d} 09:00", "source": "dan", "kind": "message",
              "target": "ana"} for d in range(1, 6)]
    net = pn.PeerNetwork.from_tables(members=members, events=events,
                                     interactions=pd.DataFrame(rows), tz="UTC")
    p = pn.participation(net)
    # voice among attendees: ana 3, ben 1, cai 0 (dan did not attend): 2*(0+2+9)/(3*4) - 4/3
    assert p["voice_gini"].tolist() == pytest.approx([0.5])
    # activity: cai 1, ben 2, ana 4, dan 5: 2*(1+4+12+20)/(4*12) - 5/4; top 10% = dan
    assert p["activity_gini"].tolist() == pytest.approx([7 / 24])
    assert p["top10_share"].tolist() == pytest.approx([5 / 12])


def test_attendees_outside_the_direct_nodes_are_added(tiny_net, monkeypatch):
    # with no "active" members the attendees are not among the direct rows' nodes: the
    # ties are rebuilt over sources, targets and attendees, as one pass would
    expected = ties.person_ties(tiny_net.period("2025"))
    y = tiny_net.period("2025")
    forget(y)
    monkeypatch.setattr(type(y), "members_active",
                        lambda self: ties.pd.Index([], dtype="str"))
    got = ties.person_ties(y)
    assert got.nodes.tolist() == ["ana", "ben", "cai", "dee", "eve"]
    for f in ("nodes", "u", "v", "count", "weight", "first", "last", "kinds"):
        assert np.array_equal(getattr(got, f), getattr(expected, f))
    assert ties.person_ties(y, kinds="message").nodes.tolist() == ["ana", "ben", "cai"]
    forget(y)


def test_node_positions_merge_columns_sorted():
    import pandas as pd

    active = pd.Index(["bo", "al"], dtype="str")
    src = pd.Series(["cy", "al", "cy"], dtype="str")
    tgt = pd.Series(["al", "dee", "bo"], dtype="str")
    nodes, (pa, ps, pt) = ties.node_positions([active, src, tgt])
    assert nodes.tolist() == ["al", "bo", "cy", "dee"]
    assert pa.tolist() == [1, 0] and ps.tolist() == [2, 0, 2] and pt.tolist() == [0, 3, 1]


# ------------------------------------------------------------------ compiled kernels (numba)
def _weighted_graphs():
    """Graphs for the compiled kernels: weighted and not, isolates, pendants, a star, a
    path, a clique, a disconnected random graph (seeded)."""
    import networkx as nx

    out = {"karate": nx.karate_club_graph(), "star": nx.star_graph(6),
           "path": nx.path_graph(9), "clique": nx.complete_graph(7)}
    for seed in range(4):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(30, 250))
        G = nx.gnm_random_graph(n, int(rng.integers(n, 6 * n)), seed=seed)
        for u, v in G.edges():
            G[u][v]["weight"] = float(rng.lognormal(0, 1))
        G.add_nodes_from([n, n + 1])                       # isolates
        G.add_edge(0, n + 2, weight=0.5)                   # a pendant
        G.add_edge(n + 3, n + 4, weight=3.0)               # a separate pair
        out[f"random{seed}"] = G
    return out


def _igraph(G):
    import igraph

    nodes = list(G)
    pos = {v: i for i, v in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(pos[u], pos[v]) for u, v in G.edges()])
    g.es["weight"] = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    return g


#: How a graph's constraint and betweenness are computed: igraph's C code (small graphs),
#: the kernel compiled by numba, or the kernel's own source run as Python (tiny work).
PATHS = {"igraph": {},
         "compiled": {"IGRAPH_WORK": -1, "PYTHON_WORK": -1},
         "python": {"IGRAPH_WORK": -1, "PYTHON_WORK": 1e18, "STARTED": False}}


@pytest.fixture(params=list(PATHS))
def path(request, monkeypatch):
    from peernet.metrics import _kernels

    for name, value in PATHS[request.param].items():
        monkeypatch.setattr(_kernels if name != "IGRAPH_WORK" else K, name, value)
    return request.param


@pytest.mark.parametrize("name", list(_weighted_graphs()))
def test_constraint_kernel_equals_networkx_and_igraph(name, path):
    import networkx as nx

    G = _weighted_graphs()[name]
    got = K.constraint(K.arrays_from_graph(G))
    ref = nx.constraint(G, weight="weight")
    np.testing.assert_allclose(got, [ref[v] for v in G], rtol=1e-12, atol=0)
    iso = np.array([G.degree(v) == 0 for v in G])
    assert np.isnan(got[iso]).all() and not np.isnan(got[~iso]).any()
    ig = np.asarray(_igraph(G).constraint(weights="weight"), float)
    np.testing.assert_allclose(got[~iso], ig[~iso], rtol=1e-12, atol=0)


def test_constraint_by_hand():
    import networkx as nx

    # a - b - c with weights 1 and 3: p_ba = 1/4, p_bc = 3/4; a and c have one contact and
    # no indirect path to it: 1 each; b: (1/4)^2 + (3/4)^2
    G = nx.Graph()
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("b", "c", weight=3.0)
    assert K.constraint(K.arrays_from_graph(G)).tolist() == [1.0, 0.625, 1.0]


@pytest.mark.parametrize("name", list(_weighted_graphs()))
def test_betweenness_kernel_equals_networkx_and_igraph(name, path):
    import networkx as nx

    G = _weighted_graphs()[name]
    ga = K.arrays_from_graph(G)
    n = ga.n
    exact = nx.betweenness_centrality(G)                 # unweighted: hops
    np.testing.assert_allclose(K.betweenness(ga), [exact[v] for v in G], atol=1e-12)
    ig = 2 * np.asarray(_igraph(G).betweenness(directed=False), float)
    np.testing.assert_allclose(K.betweenness(ga), ig / ((n - 1) * (n - 2)), rtol=1e-9,
                               atol=1e-15)
    k = min(n - 1, 12)
    sampled = nx.betweenness_centrality(G, k=k, seed=3)
    np.testing.assert_allclose(K.betweenness(ga, k=k, seed=3), [sampled[v] for v in G],
                               atol=1e-12)
    # the definition used before the kernel: 2 x igraph's subset betweenness, rescaled
    src = K.sources_for(ga.nodes.tolist(), k, 3)
    raw = 2 * np.asarray(_igraph(G).betweenness(directed=False, sources=src), float)
    scale = np.full(n, 1 / (k * (n - 2)))
    scale[src] = 1 / ((k - 1) * (n - 2))
    np.testing.assert_allclose(K.betweenness(ga, k=k, seed=3), raw * scale, rtol=1e-9,
                               atol=1e-15)


@pytest.mark.parametrize("python", [False, True])
def test_permuted_csr_is_the_renumbered_matrix_sorted(python, monkeypatch):
    """Betweenness renumbers the nodes by degree: the compact kernel gives the CSR structure
    that the renumbered entries give through scipy (rows sorted), as int32."""
    from peernet.metrics import _kernels

    ga = K.arrays_from_graph(_weighted_graphs()["random1"])
    a, n = ga.a, ga.n
    order = np.argsort(-ga.degree(), kind="stable")
    pos = np.empty(n, np.int64)
    pos[order] = np.arange(n)
    t = a.tocoo()
    ref = sp.csr_array((t.data, (pos[t.row], pos[t.col])), shape=(n, n))
    ref.sort_indices()
    if python:
        monkeypatch.setattr(_kernels._python, "on", True, raising=False)
    indptr, indices = _kernels.permuted_csr(a.indptr, a.indices, order, pos)
    assert indices.dtype == np.int32 and len(indices) == a.nnz
    assert np.array_equal(indptr, ref.indptr) and np.array_equal(indices, ref.indices)
    assert not np.array_equal(indices, a.indices)   # renumbered: not the matrix as it was


def test_threaded_blocks_equal_one_pass(monkeypatch):
    import networkx as nx

    from peernet.metrics import _kernels
    from peernet.metrics.members import _brokerage_counts

    G = _weighted_graphs()["random1"]
    ga = K.arrays_from_graph(G)
    monkeypatch.setattr(K, "IGRAPH_WORK", -1)           # the kernels, not igraph
    rng = np.random.default_rng(5)
    n = ga.n
    d = nx.gnm_random_graph(n, 8 * n, seed=2, directed=True)
    da = sp.csr_array(nx.to_scipy_sparse_array(d, nodelist=range(n), weight=None))
    g = rng.integers(-1, 5, n)
    one = (K.constraint(ga), K.betweenness(ga), K.betweenness(ga, k=40),
           _brokerage_counts(da, g))
    monkeypatch.setattr(_kernels, "THREADED_WORK", 0)   # every call in BLOCKS threads
    many = (K.constraint(ga), K.betweenness(ga), K.betweenness(ga, k=40),
            _brokerage_counts(da, g))
    assert np.array_equal(one[0], many[0], equal_nan=True)   # one node, one thread
    np.testing.assert_allclose(many[1], one[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(many[2], one[2], rtol=1e-12, atol=1e-15)
    assert np.array_equal(many[3], one[3])
    assert np.array_equal(many[3], _brute_brokerage(da, g))


def test_constraint_of_unsorted_rows_equals_sorted():
    import networkx as nx

    ga = K.arrays_from_graph(_weighted_graphs()["random2"])
    w = ga.w
    rng = np.random.default_rng(0)
    order = np.concatenate([lo + rng.permutation(hi - lo)
                            for lo, hi in zip(w.indptr[:-1], w.indptr[1:], strict=True)])
    shuffled = sp.csr_array((w.data[order], w.indices[order], w.indptr), shape=w.shape)
    shuffled.has_sorted_indices = False
    assert not np.array_equal(shuffled.indices, w.indices)
    mixed = K.GraphArrays(ga.nodes, ga.a, shuffled, ga.attrs)
    ref = nx.constraint(_weighted_graphs()["random2"], weight="weight")
    np.testing.assert_allclose(K.constraint(mixed), list(ref.values()), rtol=1e-12)


def test_kernels_run_as_python_give_the_compiled_numbers(monkeypatch):
    """:func:`peernet.metrics._kernels.run` runs a kernel's own source as Python below
    PYTHON_WORK: the same numbers as the machine code, to the last digit, for every kernel a
    small network's metrics call (and the kernels they call)."""
    import networkx as nx

    from peernet.metrics import _kernels
    from peernet.metrics.coreperiphery import _climb, tie_adjacency
    from peernet.metrics.members import _brokerage_counts

    G = _weighted_graphs()["random1"]
    ga = K.arrays_from_graph(G)
    n = ga.n
    rng = np.random.default_rng(7)
    d = nx.gnm_random_graph(n, 8 * n, seed=4, directed=True)
    da = sp.csr_array(nx.to_scipy_sparse_array(d, nodelist=range(n), weight=None))
    g = rng.integers(-1, 5, n)
    u, v, _ = ga.edges()
    a = tie_adjacency(n, u, v)
    deg = np.asarray(a.sum(axis=1)).ravel()
    start = rng.random(n) < 0.3
    monkeypatch.setattr(K, "IGRAPH_WORK", -1)

    def every(python: bool):
        monkeypatch.setattr(_kernels, "PYTHON_WORK", 1e18 if python else -1)
        monkeypatch.setattr(_kernels, "STARTED", not python)
        return (K.constraint(ga), K.betweenness(ga), K.betweenness(ga, k=40),
                _brokerage_counts(da, g),
                _climb((a.indptr.astype(np.int64), a.indices.astype(np.int64)), deg, start,
                       (a @ start.astype(np.int64)).astype(np.int64), float(deg.sum() / 2),
                       None),
                _kernels.run(_kernels.triangles_csr,
                             (a.indptr.astype(np.int64), a.indices.astype(np.int64), n),
                             work=0),
                K.core_number(ga))

    py, jit = every(True), every(False)
    for x, y in zip(py[:4] + py[5:], jit[:4] + jit[5:], strict=True):
        assert np.array_equal(x, y, equal_nan=True)
    assert np.array_equal(py[4][0], jit[4][0]) and py[4][1] == jit[4][1]
    tri = nx.triangles(nx.from_scipy_sparse_array(a))    # oriented() called as Python too
    assert py[5].tolist() == [tri[i] for i in range(n)]
    core = nx.core_number(G)
    assert py[6].tolist() == [core[x] for x in ga.nodes.tolist()]


@pytest.mark.parametrize("seed", range(4))
def test_core_number_kernel_equals_networkx_and_igraph(monkeypatch, seed):
    import networkx as nx

    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 400))
    G = nx.gnm_random_graph(n, int(rng.integers(0, 6 * n)), seed=seed)
    G.add_edges_from((int(x), int(x) + 1) for x in rng.integers(0, n - 1, 20))  # a chain
    ga = K.arrays_from_graph(G)
    want = np.array([nx.core_number(G)[x] for x in ga.nodes.tolist()], np.int64)
    assert np.array_equal(K.core_number(ga), want)                 # igraph: a small graph
    monkeypatch.setattr(K, "IGRAPH_WORK", -1)
    got = K.core_number(K.arrays_from_graph(G))                     # the kernel
    assert got.dtype == np.int64 and np.array_equal(got, want)
    assert K.core_number(K.arrays_from_graph(nx.empty_graph(5))).tolist() == [0] * 5


def test_once_numba_has_started_small_work_runs_compiled(monkeypatch):
    """The bootstrap's hundreds of small climbs: the machine code once numba has started."""
    from peernet.metrics import _kernels

    calls = []
    monkeypatch.setattr(_kernels, "STARTED", True)
    kernel = _kernels.Kernel(lambda x: calls.append(x) or x + 1, {})
    kernel.jit = lambda x: x + 2                       # stands for the machine code
    assert _kernels.run(kernel, (1,), work=0) == 3 and calls == []
    monkeypatch.setattr(_kernels, "STARTED", False)
    assert _kernels.run(kernel, (1,), work=0) == 2 and calls == [1]


def test_a_small_networks_metrics_do_not_start_numba():
    """numba's import and LLVM's start (about 0.4 CPU s) cost more than all of a
    150-member network's metrics: riverbend's member and network metrics never start it."""
    import os
    import subprocess
    import sys

    code = ("import sys, warnings; warnings.simplefilter('ignore'); import peernet as pn; "
            "net = pn.load_sample('riverbend'); "
            "[(pn.member_metrics(net.period(y)), pn.network_metrics(net.period(y))) "
            "for y in ('2024', '2025')]; print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.stdout.split()[-1] == "False"


def test_directed_pairs_are_the_directed_ties_of_those_kinds(riverbend):
    from peernet.metrics.structure import DIRECTED_KINDS

    for p in ("2024", "2025"):
        y = riverbend.period(p)
        t = ties.person_ties(y, kinds=DIRECTED_KINDS, directed=True, coattendance=None)
        keys, n = ties.directed_pairs(y, DIRECTED_KINDS)
        nodes = ties.person_ties(y).nodes   # the direct rows' nodes and more: same ids
        got = sorted(zip(nodes[keys // n].tolist(), nodes[keys % n].tolist(), strict=True))
        want = sorted(zip(t.nodes[t.u].tolist(), t.nodes[t.v].tolist(), strict=True))
        assert got == want and len(want) > 100


@pytest.mark.parametrize("kinds", [None, ("message", "contact", "attend"), ("reply",)])
def test_undirected_pairs_are_the_direct_tie_tables_pairs(riverbend, kinds):
    """undirected_pairs: the nodes and u * n + v of the tie table without co-attendance
    (the Grid's tie pairs and the core read them instead of the table)."""
    for p in ("2024", "2025"):
        y = riverbend.period(p)
        t = ties.person_ties(y, kinds=kinds, coattendance=None)
        nodes, u, v = ties.undirected_pairs(y, kinds)
        np.testing.assert_array_equal(nodes, t.nodes)
        np.testing.assert_array_equal(u, t.u)
        np.testing.assert_array_equal(v, t.v)
        assert len(u) > 10


def test_core_periphery_and_grid_pairs_without_the_tie_table(riverbend):
    """core_periphery and the Grid's pair keys equal those read from the tie table, and
    build none."""
    from peernet.grid.context import DIRECT_KINDS, slice_context
    from peernet.metrics.coreperiphery import _core_periphery, core_periphery, tie_adjacency

    y = riverbend.period("2025")
    forget(y)
    cp = core_periphery(y)
    pk = slice_context(y).pair_keys
    assert not [k for k in memo(y) if k[0] == "ties"]
    t = ties.person_ties(y, kinds=DIRECT_KINDS, coattendance=None)
    pd.testing.assert_frame_equal(cp, _core_periphery(t.nodes, tie_adjacency(t.n, t.u, t.v)))
    np.testing.assert_array_equal(pk, slice_context(y).tie_keys(t))


def test_directed_ties_are_the_directed_tables_ties(riverbend):
    """directed_ties: the nodes, u, v of person_ties(directed=True, coattendance=None),
    contacts both ways; brokerage's directed adjacency equals the one from the table."""
    for p in ("2024", "2025"):
        y = riverbend.period(p)
        forget(y)
        nodes, u, v = ties.directed_ties(y)
        on = ties.person_ties(y).nodes
        da = K.directed_from_net(y, on)
        assert not [k for k in memo(y) if k[0] == "ties" and k[2]]   # no directed table
        t = ties.person_ties(y, directed=True, coattendance=None)
        for got, want in ((nodes, t.nodes), (u, t.u), (v, t.v)):
            np.testing.assert_array_equal(got, want)
        pos = pd.Index(on).get_indexer(t.nodes)
        want = sp.csr_array((np.ones(t.m), (pos[t.u], pos[t.v])), shape=da.shape)
        assert (da != want).nnz == 0 and da.nnz == want.nnz
        assert (t.kinds & ties.MUTUAL_BITS).any()          # contacts are mirrored here
