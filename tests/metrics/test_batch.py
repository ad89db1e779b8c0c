"""Headline bootstrap replicates 64 at a time (peernet.metrics._batch): every entry equal to
the replicate computed alone, the bit kernels equal to networkx replicate by replicate, and
the Grid's and the network metrics' replicates from one set of draws equal to their own."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.evaluation_steps import BOOTSTRAP_METRICS
from peernet.metrics import _bitkernels as BK
from peernet.metrics import _kernels as KK
from peernet.metrics._batch import BATCHED, WIDTH, draw_bits, unit_bits
from peernet.metrics.uncertainty import (
    StructureReplicates,
    bootstrap_changes,
    draw_units,
    materialize,
)


@pytest.fixture(scope="module")
def synthetic_net(tmp_path_factory, bench):
    folder = tmp_path_factory.mktemp("synthetic_batch")
    bench.write_folder(bench.synthetic(300, 20_000, seed=1), folder)
    return pn.load(folder)


def _counted(k, rng, count, keep):
    """What draw_bits gives, from the draw counts: unit_bits of ``count`` draw_units in
    turn, and the first ``keep`` of them."""
    mults = [draw_units(k, rng) for _ in range(count)]
    return unit_bits(mults), mults[:keep]


def test_unit_bits_by_hand():
    # a unit drawn by replicates 0 and 3 only has bits 0 and 3 set
    mults = [np.array([1, 0]), np.array([0, 0]), np.array([0, 2]), np.array([3, 0])]
    assert unit_bits(mults).tolist() == [0b1001, 0b0100]


@pytest.mark.parametrize("k", [7, 120_000])       # numpy's fold and the compiled one
@pytest.mark.parametrize("keep", [0, 2, 5])
def test_draw_bits_equal_the_bits_of_draw_units(k, keep):
    """The fused draws set the same bits, keep the same counts and leave the random stream
    where the counted draws leave it."""
    rng, again = np.random.default_rng(4), np.random.default_rng(4)
    ub, kept = draw_bits(k, rng, 5, keep)
    want, want_kept = _counted(k, again, 5, keep)
    assert ub.dtype == np.uint64 and np.array_equal(ub, want)
    assert len(kept) == len(want_kept) == min(keep, 5)
    assert all(np.array_equal(a, b) for a, b in zip(kept, want_kept, strict=True))
    assert np.array_equal(draw_units(k, rng), draw_units(k, again))
    assert draw_bits(k, rng, 0)[0].tolist() == []


@pytest.mark.parametrize("k", [7, 120_000])
def test_draw_bits_redraw_keeps_copies_of_the_stream(k):
    """With redraw, copies of the stream before each kept replicate give its counts again;
    the words and the stream after are those of the counted draws."""
    rng, again = np.random.default_rng(6), np.random.default_rng(6)
    ub, copies = draw_bits(k, rng, 5, 3, redraw=True)
    want, kept = _counted(k, again, 5, 3)
    assert np.array_equal(ub, want) and len(copies) == 3
    for c, m in zip(copies, kept, strict=True):
        assert np.array_equal(draw_units(k, c), m)
    assert np.array_equal(draw_units(k, rng), draw_units(k, again))


def test_or_values_by_hand():
    out = np.array([0, 1, 0, 0], np.uint64)
    BK.or_values(out, np.array([3, 0, 3], np.uint32), 2)
    assert out.tolist() == [4, 1, 0, 4]


def test_remembered_batch_of_bits_serves_the_grid_replicates(synthetic_net):
    y = synthetic_net.period("2025")
    fast = StructureReplicates(y, ["reciprocity", "largest_component_share"])
    rng = np.random.default_rng(2)
    ub, kept = draw_bits(fast.k, rng, 6, keep=3)
    rows = fast.batch_bits(ub, 6, kept)
    for r, mult in enumerate(kept):   # the first three are remembered, read by the Grid
        words, bit = fast.bit_of(mult)
        assert bit == r and words is ub
        assert fast.reciprocity(mult) == rows[r]["reciprocity"]
    other = draw_units(fast.k, rng)
    assert fast.bit_of(other) is None
    fast.batch_bits(ub, 6)                       # not remembered: the last batch stays
    assert fast.bit_of(kept[0]) == (ub, 0)


def test_batched_replicates_equal_one_at_a_time(synthetic_net):
    y = synthetic_net.period("2025")
    names = sorted(BATCHED - {"members"})
    fast = StructureReplicates(y, names)
    assert fast.batchable
    rng = np.random.default_rng(5)
    mults = [draw_units(fast.k, rng) for _ in range(WIDTH + 6)]
    got = fast.batch(mults[:WIDTH]) + fast.batch(mults[WIDTH:])
    for mult, row in zip(mults, got, strict=True):
        one = fast.values(mult)
        pd.testing.assert_series_equal(row[one.index], one, check_exact=True)
    # and as network_metrics of the replicate rebuilt as a network
    for mult, row in list(zip(mults, got, strict=True))[-2:]:
        full = pn.network_metrics(materialize(y, mult), only=names)[names]
        pd.testing.assert_series_equal(row[names], full, check_exact=True, check_names=False)
        # the Grid reads the batch's reciprocity and largest component of the same draws
        assert fast.reciprocity(mult) == full["reciprocity"]
        largest, nodes = fast.largest_component(mult)
        assert largest / nodes == full["largest_component_share"]


def test_headline_bootstrap_is_batched_and_unchanged(riverbend):
    # the headline intervals of the evaluation, as computed one replicate at a time before
    y = riverbend.period("2025")
    fast = StructureReplicates(y, list(BOOTSTRAP_METRICS))
    assert fast.batchable
    rng = np.random.default_rng(0)
    mults = [draw_units(fast.k, rng) for _ in range(12)]
    for mult, row in zip(mults, fast.batch(mults), strict=True):
        pd.testing.assert_series_equal(row, fast.values(mult), check_exact=True)


def _random_replicates(m: int, b: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    present = np.random.default_rng(seed).random((b, m)) < 0.6
    return present, unit_bits(list(present.astype(np.int64)))


def _triangle_counts(u, v, n, bits, b, count):
    """bit_triangle_runs of the graph of ties u - v (their words ``bits``): its symmetric
    CSR, oriented lists and ``count`` triangles listed in runs."""
    ends = np.concatenate([u, v])
    order = np.lexsort((np.concatenate([v, u]), ends))
    indptr = np.r_[0, np.cumsum(np.bincount(ends, minlength=n))].astype(np.int64)
    lists = KK.oriented_lists(indptr, np.concatenate([v, u])[order].astype(np.int64),
                              np.concatenate([np.arange(len(u))] * 2)[order], n)
    start, rows, found = KK.list_triangle_runs(*lists, n, count)
    assert found == count
    return BK.bit_triangle_runs((rows, start, *lists), bits, n, b)


def test_bit_kernels_count_as_networkx():
    G = nx.gnp_random_graph(50, 0.15, seed=2)
    u = np.array([a for a, _ in G.edges()], np.int64)
    v = np.array([c for _, c in G.edges()], np.int64)
    b = WIDTH
    present, bits = _random_replicates(len(u), b, 1)
    tris = [sorted(c) for c in nx.enumerate_all_cliques(G) if len(c) == 3]
    deg = BK.bit_degrees(u, v, bits, 50, b)
    tri = _triangle_counts(u, v, 50, bits, b, len(tris))
    keep = np.zeros(50, np.uint64)
    keep[:40] = np.uint64(np.iinfo(np.uint64).max)        # nodes 40.. are in no replicate
    keep |= BK.or_scatter(u, np.arange(len(u)), bits, 50)  # ... unless they have a tie
    keep |= BK.or_scatter(v, np.arange(len(u)), bits, 50)
    largest = BK.bit_largest_components(50, u, v, bits, keep, b,
                                        np.uint64(np.iinfo(np.uint64).max))
    assert BK.bit_counts(bits, b).tolist() == present.sum(axis=1).tolist()
    for r in range(b):
        H = nx.Graph()
        H.add_nodes_from(i for i in range(50) if i < 40 or (keep[i] >> np.uint64(r)) & 1)
        H.add_edges_from(zip(u[present[r]].tolist(), v[present[r]].tolist(), strict=True))
        assert deg[:, r].tolist() == [H.degree(i) if i in H else 0 for i in range(50)]
        assert tri[:, r].tolist() == [nx.triangles(H, i) if i in H else 0 for i in range(50)]
        assert largest[r] == max(len(c) for c in nx.connected_components(H))


@pytest.mark.parametrize("b", [WIDTH, 12, 5])
def test_bit_triangles_of_nodes_in_hundreds_of_triangles_as_networkx(b):
    # K_40 less a few ties: every node in ~600 triangles, so a node's byte counts are
    # moved to its int32 counts (every 255 words) more than once
    G = nx.complete_graph(40)
    G.remove_edges_from([(0, 1), (2, 3), (5, 9)])
    u = np.array([a for a, _ in G.edges()], np.int64)
    v = np.array([c for _, c in G.edges()], np.int64)
    present = np.random.default_rng(8).random((b, len(u))) < 0.9   # many words not full
    present[:, :40] = True                          # some triangles in every replicate
    bits = unit_bits(list(present.astype(np.int64)))
    tris = [c for c in itertools.combinations(range(40), 3)
            if all(G.has_edge(x, y) for x, y in itertools.combinations(c, 2))]
    tri = _triangle_counts(u, v, 40, bits, b, len(tris))
    assert tri.shape == (40, b) and tri.dtype == np.int32
    for r in range(b):
        H = nx.Graph(list(zip(u[present[r]].tolist(), v[present[r]].tolist(), strict=True)))
        assert tri[:, r].tolist() == [nx.triangles(H, i) if i in H else 0 for i in range(40)]


@pytest.mark.parametrize(("n", "p", "b"), [(30, 0.2, 40), (60, 0.3, 64)])   # 2nd: > 255 ties
def test_bit_reciprocated_counts_as_networkx(n, p, b):
    D = nx.gnp_random_graph(n, p, seed=3, directed=True)
    keys = np.array(sorted(a * n + c for a, c in D.edges()), np.int64)
    rev = (keys % n) * n + keys // n
    at = np.minimum(np.searchsorted(keys, rev), len(keys) - 1)
    reverse = np.where(keys[at] == rev, at, -1)
    present, bits = _random_replicates(len(keys), b, 4)
    counts = BK.bit_reciprocated(bits, reverse, b)
    for r in range(b):
        H = nx.DiGraph((int(k // n), int(k % n)) for k in keys[present[r]])
        assert counts[0, r] == H.number_of_edges()
        assert counts[1, r] / counts[0, r] == pytest.approx(nx.overall_reciprocity(H),
                                                            abs=0, rel=1e-15)


def test_bit_degrees_past_a_bytes_range():
    """A node with more than 255 ties (its byte counts moved out on the way): each
    replicate's degrees as numpy counts them, ties in every replicate too."""
    leaves = 700
    u = np.r_[np.zeros(leaves, np.int64), np.arange(1, leaves, dtype=np.int64)]
    v = np.r_[np.arange(1, leaves + 1, dtype=np.int64), np.arange(2, leaves + 1, dtype=np.int64)]
    present, bits = _random_replicates(len(u), WIDTH, 6)
    bits[::7] = np.uint64(np.iinfo(np.uint64).max)
    present[:, ::7] = True
    deg = BK.bit_degrees(u, v, bits, leaves + 1, WIDTH)
    for r in range(WIDTH):
        want = np.bincount(np.r_[u[present[r]], v[present[r]]], minlength=leaves + 1)
        assert deg[:, r].tolist() == want.tolist()


@pytest.mark.parametrize(("n", "n_grid"), [(6, 3), (3, 5)])
def test_grid_and_metrics_from_one_set_of_replicates_equal_their_own(riverbend, n, n_grid):
    a, b = riverbend.period("2024"), riverbend.period("2025")
    names = list(BOOTSTRAP_METRICS)
    grid, metrics = bootstrap_changes(a, b, [("grid", n_grid), (names, n)], seed=7)
    pd.testing.assert_frame_equal(grid, pn.metrics.bootstrap_change(a, b, "grid", n=n_grid,
                                                                     seed=7))
    pd.testing.assert_frame_equal(metrics, pn.metrics.bootstrap_change(a, b, names, n=n,
                                                                        seed=7))


def test_core_of_csr_is_core_of_ties():
    from peernet.metrics.coreperiphery import core_of_csr, core_of_ties, tie_adjacency

    for seed in range(4):
        G = nx.gnp_random_graph(40, 0.12, seed=seed)
        u = np.array([a for a, _ in G.edges()], np.int64)
        v = np.array([c for _, c in G.edges()], np.int64)
        a = tie_adjacency(40, u, v)
        got = core_of_csr(40, a.indptr.astype(np.int64), a.indices)
        np.testing.assert_array_equal(got, core_of_ties(40, u, v))
        assert got.any()


def test_draws_asked_out_of_order_skip_the_earlier_ones(riverbend):
    """Replicate i of a period, computed on the other core, is its stream's i-th draw: the
    earlier draws are made and skipped."""
    from peernet.metrics.uncertainty import _Draws

    k = 500
    rng = np.random.default_rng(np.random.SeedSequence(11))
    every = [draw_units(k, rng) for _ in range(6)]
    draws = _Draws(k, np.random.default_rng(np.random.SeedSequence(11)))
    for i in (1, 2, 5):
        np.testing.assert_array_equal(draws(i), every[i])
    with pytest.raises(ValueError, match="behind"):
        draws(3)


def test_remember_bits_reads_as_the_whole_batch_without_listing_triangles(synthetic_net,
                                                                          monkeypatch):
    """remember_bits keeps the Grid's reads of the first replicates (reciprocity, largest
    component, bits) equal to those batch_bits keeps, without listing the triangles; the
    batch computed later (from the words, components and reciprocated ties it kept) gives
    the same entries as on a fresh instance."""
    from peernet.metrics import _batch as B

    y = synthetic_net.period("2025")
    names = list(BOOTSTRAP_METRICS)
    rng = np.random.default_rng(5)
    fast, whole = StructureReplicates(y, names), StructureReplicates(y, names)
    ub, kept = draw_bits(fast.k, rng, 9, keep=4)
    fast.remember_bits(ub, 9, kept)
    assert "triangles" not in fast.__dict__ and fast.batchable
    rows = whole.batch_bits(ub, 9, kept)
    for r, mult in enumerate(kept):
        assert fast.bit_of(mult) == (ub, r)
        assert fast.largest_component(mult) == whole.largest_component(mult)
        assert fast.reciprocity(mult) == whole.reciprocity(mult) == rows[r]["reciprocity"]
    monkeypatch.setattr(B, "largest_components", None)    # kept: not computed again
    monkeypatch.setattr(BK, "bit_reciprocated", None)
    later = fast.batch_bits(ub, 9)                 # lists the triangles now
    assert fast.triangles is not None
    monkeypatch.undo()
    found = B.largest_components
    calls = []
    monkeypatch.setattr(B, "largest_components", lambda *a: calls.append(a) or found(*a))
    again = fast.batch_bits(ub.copy(), 9)           # other words (equal): computed anew
    assert len(calls) == 1
    for a, b in zip(again, rows, strict=True):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    for a, b in zip(later, rows, strict=True):
        pd.testing.assert_series_equal(a, b, check_exact=True)


def test_recalled_counts_read_the_remembered_batch(synthetic_net):
    """remember_bits of a count, then recall of counts drawn again: the Grid's reads and
    its scores equal those of the counts kept from the start."""
    from peernet.grid.replicates import GridReplicates

    y = synthetic_net.period("2025")
    names = list(BOOTSTRAP_METRICS)
    fast, whole = StructureReplicates(y, names), StructureReplicates(y, names)
    ub, copies = draw_bits(fast.k, np.random.default_rng(3), 9, 4, redraw=True)
    _, kept = draw_bits(fast.k, np.random.default_rng(3), 9, 4)
    fast.remember_bits(ub, 9, 4)
    whole.batch_bits(ub, 9, kept)
    g, h = GridReplicates(y), GridReplicates(y)
    g.share_structure(fast)
    h.share_structure(whole)
    for r in (2, 0, 3):
        mult = draw_units(fast.k, copies[r])
        assert fast.bit_of(mult) is None
        fast.recall(mult, r)
        assert fast.bit_of(mult) == (ub, r)
        assert fast.reciprocity(mult) == whole.reciprocity(kept[r])
        assert fast.largest_component(mult) == whole.largest_component(kept[r])
        np.testing.assert_array_equal(g.scores(mult), h.scores(kept[r]))
        fast.forget(mult, r)             # its reads done: the counts are not held
        assert fast.bit_of(mult) is None and fast._bits[0][r] is None
    mult = draw_units(fast.k, copies[1])     # a replicate recalled after others forgotten
    fast.recall(mult, 1)
    np.testing.assert_array_equal(g.scores(mult), h.scores(kept[1]))


def test_triangle_listing_by_hand():
    """K4 on 0..3 and a pendant 4 - 0: ties oriented to the higher degree (0, degree 4),
    equal degrees to the higher index; each triangle once as (u, v, w) with its ties
    (u, v), (v, w), (u, w) by their ids in key order."""
    from peernet.metrics._kernels import count_triangles_csr, list_triangles_csr, oriented_lists

    edges = [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (2, 3)]   # tie ids 0..6
    n = 5
    u = np.array([a for a, b in edges] + [b for a, b in edges])
    v = np.array([b for a, b in edges] + [a for a, b in edges])
    tie = np.array(list(range(len(edges))) * 2)
    order = np.lexsort((v, u))
    indptr = np.r_[0, np.cumsum(np.bincount(u, minlength=n))].astype(np.int64)
    indices, tie = v[order].astype(np.int64), tie[order].astype(np.int64)
    optr, onb, otie = oriented_lists(indptr, indices, tie, n)
    assert optr.tolist() == [0, 0, 3, 5, 6, 7]
    assert onb.tolist() == [0, 2, 3, 0, 3, 0, 0] and otie.tolist() == [0, 4, 5, 1, 6, 2, 3]
    nodes, ties, found = list_triangles_csr(indptr, indices, tie, n, 4)
    assert found == 4 == count_triangles_csr(indptr, indices, n)
    assert nodes.tolist() == [[1, 2, 0], [1, 2, 3], [1, 3, 0], [2, 3, 0]]
    assert ties.tolist() == [[4, 1, 0], [4, 6, 5], [5, 2, 0], [6, 2, 1]]
    # in runs along the oriented ties: 1 -> 2 holds two (w = 0, 3), 1 -> 3 and 2 -> 3 one
    start, rows, found = KK.list_triangle_runs(optr, onb, otie, n, 4)
    assert found == 4 and start.tolist() == [0, 0, 2, 3, 3, 4, 4, 4]
    assert rows.tolist() == [[0, 1, 0], [3, 6, 5], [0, 2, 0], [0, 2, 1]]   # w, v-w, u-w
    back = KK.triangle_rows(optr, onb, otie, start, rows, n)
    assert back[0].tolist() == nodes.tolist() and back[1].tolist() == ties.tolist()
    # every triangle present in replicate 0; in 1 tie 6 (2 - 3) is not: (0, 1, 2), (0, 1, 3)
    bits = np.array([3, 3, 3, 3, 3, 3, 1], np.uint64)
    tri = BK.bit_triangle_runs((rows, start, optr, onb, otie), bits, n, 2)
    assert tri.tolist() == [[3, 2], [3, 2], [3, 1], [3, 1], [0, 0]]


def test_bit_counts_by_hand():
    words = np.array([0b101, 0b100, 1 << 63, 0], np.uint64)
    assert BK.bit_counts(words, 3).tolist() == [1, 0, 2]
    assert BK.bit_counts(words, 64).tolist() == [1, 0, 2] + [0] * 60 + [1]
    assert BK.bit_counts(words[:0], 2).tolist() == [0, 0]
    assert BK.bit_counts_at(words, np.array([2, 0, 2], np.int64), 64).tolist() == \
        [1, 0, 1] + [0] * 60 + [2]


def test_bit_counts_past_a_bytes_range():
    """More than 255 words (the byte counts moved out on the way), every lane's count as
    numpy counts it; bits[at] counted as bits at those positions."""
    rng = np.random.default_rng(7)
    words = rng.integers(0, 2**63, 1_000, dtype=np.uint64) << np.uint64(1) \
        | rng.integers(0, 2, 1_000, dtype=np.uint64)
    lanes = (words[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    assert BK.bit_counts(words, 64).tolist() == lanes.sum(axis=0).tolist()
    assert BK.bit_counts(words, 5).tolist() == lanes.sum(axis=0)[:5].tolist()
    at = rng.integers(0, 1_000, 700)
    assert BK.bit_counts_at(words, at, 64).tolist() == lanes[at].sum(axis=0).tolist()


def test_clustering_of_by_hand():
    # nodes 0..3; replicate 1 holds nodes 0, 2, 3: degrees 3, 1, 2 with 2, 0, 1 triangles
    keep = np.array([0b11, 0b01, 0b10, 0b10], np.uint64)
    deg = np.array([[2, 3], [2, 0], [0, 1], [0, 2]], np.int64)
    tri = np.array([[1, 2], [1, 0], [0, 0], [0, 1]], np.int32)
    out = np.full(4, -1.0)
    assert BK.clustering_of(keep, deg, tri, 1, out) == 3
    assert out[:3].tolist() == [2 * 2 / 6, 0.0, 2 * 1 / 2]      # d < 2: 0
    assert BK.clustering_of(keep, deg, tri, 0, out) == 2
    assert out[:2].tolist() == [1.0, 1.0]


def _old_units(event, thread):
    """The resampling units as before the compiled pass: keys, then pd.factorize."""
    n = len(event)
    unit = np.arange(n, dtype=np.int64)
    offset = n
    for codes in (thread, event):
        unit = np.where(codes >= 0, offset + codes, unit)
        offset += int(codes.max()) + 1 if n else 0
    return np.asarray(pd.factorize(unit)[0], np.int64)


def test_first_units_by_hand_and_as_factorize():
    # rows: event 0, thread 1, alone, thread 1, event 0 in thread 0, alone, event 1
    event = np.array([0, -1, -1, -1, 0, -1, 1], np.int64)
    thread = np.array([-1, 1, -1, 1, 0, -1, -1], np.int64)
    assert BK.first_units(event, thread).tolist() == [0, 1, 2, 1, 0, 3, 4]
    rng = np.random.default_rng(3)
    for n in (0, 1, 500):
        event = np.where(rng.random(n) < 0.4, rng.integers(0, 20, n), -1)
        thread = np.where(rng.random(n) < 0.3, rng.integers(0, 30, n), -1)
        np.testing.assert_array_equal(BK.first_units(event, thread), _old_units(event, thread))


def test_reverse_pairs_by_hand_and_as_searchsorted():
    from peernet.metrics._kernels import reverse_pairs

    n = 4   # pairs 0->1, 1->0, 1->2, 3->2 (keys s * n + t)
    keys = np.array([1, 4, 6, 14], np.int64)
    assert reverse_pairs(keys, n).tolist() == [1, 0, -1, -1]
    rng = np.random.default_rng(1)
    n = 40
    keys = np.unique(rng.integers(0, n, 600) * n + rng.integers(0, n, 600))
    rev = (keys % n) * n + keys // n
    at = np.minimum(np.searchsorted(keys, rev), len(keys) - 1)
    np.testing.assert_array_equal(reverse_pairs(keys, n), np.where(keys[at] == rev, at, -1))
    np.testing.assert_array_equal(reverse_pairs.py_func(keys, n), reverse_pairs(keys, n))
    assert reverse_pairs(np.zeros(0, np.int64), 0).tolist() == []


def test_symmetric_csr_by_hand_and_as_a_sort():
    """The tie-id CSR of core-periphery and the replicates is the weighted CSR's one pass
    (``_csrkernels.weighted_csr``) with each tie's id as its weight."""
    from peernet.metrics._csrkernels import weighted_csr
    from peernet.metrics.coreperiphery import symmetric_csr
    from peernet.ties import stable_order

    # ties 0-1, 0-2, 1-2, 2-3 (ids 0..3): row 2 holds 0, 1 (lower) then 3
    row, col, tie = symmetric_csr(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), 4)
    assert row.tolist() == [0, 0, 1, 1, 2, 2, 2, 3]
    assert col.tolist() == [1, 2, 0, 2, 0, 1, 3, 2]
    assert tie.tolist() == [0, 1, 0, 2, 1, 2, 3, 3]
    rng = np.random.default_rng(2)
    n = 50
    a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
    keys = np.unique(np.minimum(a, b)[a != b] * n + np.maximum(a, b)[a != b])
    fu, fv = keys // n, keys % n
    rows, cols = np.concatenate([fu, fv]), np.concatenate([fv, fu])
    order = stable_order(rows * n + cols)
    want = rows[order], cols[order], np.concatenate([np.arange(len(keys))] * 2)[order]
    for fill in (weighted_csr, weighted_csr.py_func):
        m = len(keys)
        ptr, col, tie = np.empty(n + 1, np.int64), np.empty(2 * m, np.int64), np.empty(2 * m,
                                                                                   np.int64)
        fill(fu, fv, np.arange(m), n, ptr, col, tie)
        got = np.repeat(np.arange(n), np.diff(ptr)), col, tie
        for x, y in zip(got, want, strict=True):
            np.testing.assert_array_equal(x, y)
    for x, y in zip(symmetric_csr(fu, fv, n), want, strict=True):
        np.testing.assert_array_equal(x, y)


def test_count_triangles_as_networkx():
    from peernet.metrics._kernels import count_triangles_csr, triangles_csr

    for seed, p in ((1, 0.1), (2, 0.3), (3, 0.0)):
        G = nx.gnp_random_graph(70, p, seed=seed)
        a = nx.to_scipy_sparse_array(G, format="csr")
        a.sort_indices()
        indptr, indices = a.indptr.astype(np.int64), a.indices.astype(np.int64)
        want = sum(nx.triangles(G).values()) // 3
        assert count_triangles_csr(indptr, indices, 70) == want
        assert int(triangles_csr(indptr, indices, 70).sum() // 3) == want


def test_warm_loads_the_bootstrap_kernels():
    """warm() (for the process that forks the replicates' children) loads their kernels with
    the types they are called with: draws afterwards load no other."""
    from peernet.metrics import _kernels as K
    from peernet.metrics._csrkernels import weighted_csr

    BK.warm()
    kernels = [weighted_csr, K.reverse_pairs, K.count_triangles_csr, K.oriented_lists,
               K.list_triangle_runs, K.triangle_rows, BK._bit_triangle_runs,
               BK.clustering_of, BK.or_scatter, BK.count_values, BK.first_units, BK.or_drawn,
               BK.or_values, BK._bit_degrees, BK._bit_counts, BK.bit_seeds,
               BK.bit_reach, BK.bit_reciprocated, BK.bit_largest_components]
    loaded = [len(k.signatures) for k in kernels]
    assert all(loaded)
    k = 120_000
    rng = np.random.default_rng(1)
    ub, kept = draw_bits(k, rng, 3, 1)
    draw_bits(k, rng, 2, 0, redraw=True)
    assert [len(k.signatures) for k in kernels] == loaded
