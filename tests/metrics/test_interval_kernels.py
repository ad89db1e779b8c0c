"""Issue 23, intervals: the faster paths of the bootstrap give the numbers of the paths they
replace, to the last digit: the core-periphery ranked counts, the largest
component of 64 replicates (bit-parallel searches from a seed, union-find where the seed's
component is not the largest) and the Grid replicates' "any row drawn" read from their
headline batch's words."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from peernet.evaluation_steps import BOOTSTRAP_METRICS
from peernet.grid import replicates as R
from peernet.metrics import _bitkernels as BK
from peernet.metrics import _kernels as KK
from peernet.metrics._batch import WIDTH, largest_components, unit_bits
from peernet.metrics.uncertainty import StructureReplicates, draw_units


@pytest.mark.parametrize("seed", range(6))
def test_largest_components_of_a_batch_equal_union_find(seed):
    # two cliques and a sparse rest: some replicates' largest component is not the one
    # of their best-connected node, or holds at most half the nodes (union-find then)
    rng = np.random.default_rng(seed)
    G = nx.disjoint_union_all([nx.complete_graph(int(rng.integers(2, 12))),
                               nx.complete_graph(int(rng.integers(2, 12))),
                               nx.gnp_random_graph(30, (0.06, 0.3)[seed % 2], seed=seed)])
    n = G.number_of_nodes()
    u = np.array([min(a, c) for a, c in G.edges()], np.int64)
    v = np.array([max(a, c) for a, c in G.edges()], np.int64)
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    b = WIDTH if seed % 2 else 37
    present = rng.random((b, len(u))) < rng.uniform(0.2, 0.9)
    bits = unit_bits(list(present.astype(np.int64)))
    keep = np.zeros(n, np.uint64)
    keep[: n // 2] = np.uint64(np.iinfo(np.uint64).max) >> np.uint64(64 - b)
    keep |= BK.or_scatter(u, np.arange(len(u)), bits, n)
    keep |= BK.or_scatter(v, np.arange(len(u)), bits, n)
    rows = np.concatenate([u, v])
    srt = np.lexsort((np.concatenate([v, u]), rows))
    s = SimpleNamespace(n=n, tie_u=u, tie_v=v, e_row=rows[srt],
                        e_col=np.concatenate([v, u])[srt],
                        e_tie=np.concatenate([np.arange(len(u))] * 2)[srt])
    s.csr_order = StructureReplicates.csr_order.func(s)
    nodes = BK.bit_counts(keep, b)
    got = largest_components(s, bits, keep, nodes, b)
    # both paths: the dense rest (odd seeds) makes most replicates' searched component the
    # largest; the sparse one (even seeds) none (every replicate by union-find)
    reach = BK.bit_reach(s.csr_order[0], s.e_col, s.e_tie, bits,
                         BK.bit_seeds(s.csr_order[1], keep, np.uint64(2**b - 1)))
    searched = int((2 * BK.bit_counts(reach, b) > nodes).sum())
    assert searched > b // 2 if seed % 2 else searched == 0
    want = BK.bit_largest_components(n, u, v, bits, keep, b,
                                     np.uint64(np.iinfo(np.uint64).max))
    assert got.tolist() == want.tolist()
    seeds = BK.bit_seeds(s.csr_order[1], keep, np.uint64(2**b - 1))
    for r in range(b):
        H = nx.Graph()
        H.add_nodes_from(i for i in range(n) if (keep[i] >> np.uint64(r)) & np.uint64(1))
        H.add_edges_from(zip(u[present[r]].tolist(), v[present[r]].tolist(), strict=True))
        assert got[r] == max(len(c) for c in nx.connected_components(H))
        # the search reaches exactly the component of the replicate's seed
        seed = int(np.flatnonzero((seeds >> np.uint64(r)) & np.uint64(1))[0])
        mine = np.flatnonzero((reach >> np.uint64(r)) & np.uint64(1)).tolist()
        assert mine == sorted(nx.node_connected_component(H, seed))


def _grid_scores_both_ways(y, monkeypatch, count):
    monkeypatch.setattr(R, "BATCH_ANY", 0)          # every "any drawn" from the batch
    fast = StructureReplicates(y, list(BOOTSTRAP_METRICS))
    batched = R.GridReplicates(y)
    batched.share_structure(fast)
    alone = R.GridReplicates(y)                      # no batch: one pass a replicate
    rng = np.random.default_rng(11)
    mults = [draw_units(fast.k, rng) for _ in range(count)]
    fast.batch(mults)
    for mult in mults:
        ctx = batched.context(mult)
        assert ctx.fixed.batch_any(*ctx.fixed.pk_rows, len(ctx.fixed.pk), mult) is not None
        np.testing.assert_array_equal(batched.scores(mult), alone.scores(mult))
    assert batched.fixed.__dict__["_batch_words"]     # the words were read


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_grid_replicates_read_from_the_batch_equal_one_at_a_time(riverbend, period,
                                                                 monkeypatch):
    _grid_scores_both_ways(riverbend.period(period), monkeypatch, 9)


def test_grid_replicates_from_the_batch_on_a_synthetic_network(monkeypatch, tmp_path, bench):
    import peernet as pn

    bench.write_folder(bench.synthetic(300, 20_000, seed=1), tmp_path)
    _grid_scores_both_ways(pn.load(tmp_path).period("2025"), monkeypatch, WIDTH)


def test_grid_any_outside_a_batch_is_none(riverbend):
    y = riverbend.period("2025")
    g = R.GridReplicates(y)
    mult = draw_units(g.fixed.k, np.random.default_rng(0))
    f = g.fixed
    assert f.batch_any(*f.pk_rows, len(f.pk), mult) is None
    pd.testing.assert_series_equal(g.value, R.GridReplicates(y).value)


def test_compiled_draw_counts_and_unit_bits_equal_numpys(monkeypatch):
    from peernet.metrics import _batch as B
    from peernet.metrics import _resample as RS

    k = 5_000
    for threshold in (10**9, 1):                       # numpy's, then the compiled pass
        monkeypatch.setattr(RS, "COMPILED_DRAWS", threshold)
        monkeypatch.setattr(B, "COMPILED_UNITS", threshold)
        rng = np.random.default_rng(4)
        mults = [draw_units(k, rng) for _ in range(WIDTH)]
        if threshold > 1:
            want_mults, want_bits = mults, unit_bits(mults)
            continue
        for a, b in zip(mults, want_mults, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)
        got = unit_bits(mults)
        assert got.dtype == want_bits.dtype and np.array_equal(got, want_bits)


def _old_masked(hit, e_row, e_col, e_tie, keep, n):
    """The replicate's direct-tie CSR as core_mask built it before (numpy passes)."""
    keep = keep.copy()
    keep[e_row[hit[e_tie]]] = True
    pos = np.cumsum(keep) - 1
    m = int(keep.sum())
    e = np.flatnonzero(hit[e_tie])
    indptr = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(pos[e_row[e]], minlength=m), out=indptr[1:])
    return indptr, pos[e_col[e]], keep


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("compiled", [True, False])
def test_masked_csr_and_ranked_before_equal_numpys(seed, compiled):
    from peernet.metrics import coreperiphery as CP

    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 80))
    G = nx.gnp_random_graph(n, float(rng.uniform(0.02, 0.4)), seed=seed)
    ties = sorted((min(a, c), max(a, c)) for a, c in G.edges())
    u = np.array([a for a, _ in ties], np.int64).reshape(-1)
    v = np.array([c for _, c in ties], np.int64).reshape(-1)
    rows = np.concatenate([u, v])
    srt = np.lexsort((np.concatenate([v, u]), rows))
    e_row, e_col = rows[srt], np.concatenate([v, u])[srt]
    e_tie = np.concatenate([np.arange(len(u))] * 2)[srt]
    hit = rng.random(len(u)) < 0.6
    keep = rng.random(n) < 0.3
    want = _old_masked(hit, e_row, e_col, e_tie, keep, n)
    got_keep = keep.copy()
    kernel = KK.masked_csr if compiled else KK.masked_csr.py_func
    indptr, indices = kernel(hit, e_row, e_col, e_tie, got_keep)
    assert indptr.tolist() == want[0].tolist() and indices.tolist() == want[1].tolist()
    assert got_keep.tolist() == want[2].tolist()
    # the core of that CSR: the ranked counts by the kernel, as by the numpy passes
    m = len(indptr) - 1
    ones = np.ones(len(indices))
    deg = np.diff(indptr).astype(float)
    row = np.repeat(np.arange(m, dtype=np.int64), np.diff(indptr))
    a = CP._discrete_arrays(m, row, indices, ones, deg, indptr, indices)
    b = CP._discrete_arrays(m, None, indices, ones, deg, indptr, indices)
    assert a[0].tolist() == b[0].tolist()
    assert (np.isnan(a[1]) and np.isnan(b[1])) or a[1] == b[1]
    if m:
        rank = np.argsort(np.argsort(-deg, kind="stable"))
        before = (KK.ranked_before if compiled else KK.ranked_before.py_func)(
            indptr, indices, rank)
        later = rank[row] > rank[indices]
        assert before.tolist() == np.bincount(rank[row[later]], weights=ones[later],
                                              minlength=m).tolist()


def test_numba_is_started_before_a_large_slices_replicates_are_forked(riverbend, monkeypatch):
    from peernet.metrics import uncertainty as U

    monkeypatch.setattr(U, "COMPILED_ROWS", 0)
    U.before_fork(riverbend.period("2025"))
    assert KK.STARTED


def test_positions_equal_get_indexer():
    from peernet.positions import index_positions

    index = pd.Index(["b", "a", "c"], dtype="str")
    values = pd.Series(["a", None, "z", "c", "a", "b"], dtype="str")
    assert index_positions(values, index).tolist() == index.get_indexer(values).tolist()
    assert index_positions(values.astype("category"), index).tolist() == \
        index.get_indexer(values).tolist()
    assert index_positions(values.iloc[:0], index).tolist() == []
    assert index_positions(pd.Series([None, None], dtype="str"), index).tolist() == [-1, -1]


def test_key_positions_are_numpys_unique_with_inverse_and_first_rows():
    from peernet.positions import key_positions

    rng = np.random.default_rng(3)
    cases = [rng.integers(0, 50, 1000), rng.integers(0, 10**9, 20_000),
             np.array([7, 3, 7, 0]), np.array([5]), np.zeros(0, np.int64),
             np.array([3, -1, 3, 2]),                          # negative: numpy's own
             np.array([2**61, 5, 2**61]),                      # the product would overflow
             rng.integers(0, 300, 500).astype(np.uint32)]
    for keys in cases:
        uniq, index, inverse = np.unique(keys, return_index=True, return_inverse=True)
        got = key_positions(keys, first=True)
        assert got[0].tolist() == uniq.tolist()
        assert got[1].tolist() == inverse.ravel().tolist() and got[1].dtype == np.int64
        assert got[2].tolist() == index.tolist()
        assert [a.tolist() for a in key_positions(keys)] == [uniq.tolist(),
                                                             inverse.ravel().tolist()]
    # by hand: 7 first at row 0, 3 at row 1, 0 at row 3
    assert [a.tolist() for a in key_positions(np.array([7, 3, 7, 0]), first=True)] == \
        [[0, 3, 7], [2, 1, 2, 0], [3, 1, 0]]


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_attendances_equal_the_pandas_group_by(riverbend, period):
    from peernet.metrics._structreps import _attendances
    from peernet.metrics.uncertainty import unit_codes
    from peernet.ties import MAX_EVENT_SIZE, person_ties, with_columns

    y = riverbend.period(period)
    inter = with_columns(y.interactions)
    nodes = person_ties(y).nodes
    n = len(nodes)
    src = pd.Index(nodes).get_indexer(inter["source"]).astype(np.int64)
    src[::7] = -1                                  # attendees outside the nodes too
    codes = unit_codes(y)
    # before: a drop of duplicates, a group-by and a sort of the event id strings
    att = ((inter["kind"] == "attend") & inter["event_id"].notna()).to_numpy()
    a = pd.DataFrame({"e": inter.loc[att, "event_id"].to_numpy(), "m": src[att],
                      "u": codes[att]}).drop_duplicates(["e", "m"])
    size = a.groupby("e")["m"].transform("size").to_numpy()
    a = a.loc[size <= MAX_EVENT_SIZE].sort_values(["e", "m"], kind="stable")
    ev, mem, unit = _attendances(inter, src, codes, n)
    assert pd.factorize(ev)[0].tolist() == pd.factorize(a["e"])[0].tolist()
    assert mem.tolist() == a["m"].tolist() and unit.tolist() == a["u"].tolist()


@pytest.mark.parametrize("k", [1, 2, 7, 1000, 587_738, 2**31 + 11])
def test_draws_as_uint32_are_numpys_int64_draws(k):
    # numpy's bounded integers below 2**32: the same 32-bit method for int64 and uint32
    size = min(k, 100_000)
    a, b = np.random.default_rng(k), np.random.default_rng(k)
    for _ in range(3):
        x = a.integers(0, k, size=size)
        y = b.integers(0, k, size=size, dtype=np.uint32)
        assert np.array_equal(x, y.astype(np.int64))
    assert a.integers(0, 2**40) == b.integers(0, 2**40)      # the streams stay together


def test_draw_units_equal_the_int64_draws():
    from peernet.metrics._resample import skip_units

    for k in (50, 150_000):
        a, b = np.random.default_rng(9), np.random.default_rng(9)
        skip_units(k, a, 2)
        for _ in range(2):
            b.integers(0, k, size=k)
        for _ in range(2):
            want = np.bincount(b.integers(0, k, size=k), minlength=k)
            got = draw_units(k, a)
            assert got.dtype == want.dtype and np.array_equal(got, want)
