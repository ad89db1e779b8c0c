"""Issue 23, Grid replicates: the compiled kernels of one replicate's core-periphery (the
masked CSR of the drawn ties, the ranked tie counts and the climb's first counts, written
without a branch on random data) on small cases worked by hand; their comparisons with
the numpy passes they replace are in tests/metrics/test_interval_kernels.py."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from peernet._cache import memo
from peernet.metrics import _bitkernels as BK
from peernet.metrics import _cpkernels as CK
from peernet.metrics import _kernels as KK
from peernet.metrics.coreperiphery import core_of_csr

# ties of nodes 0..4: t0 = 0-1, t1 = 0-2, t2 = 1-2, t3 = 2-3 (node 4 has none); the
# symmetric CSR's entries sorted by row, then column
E_ROW = np.array([0, 0, 1, 1, 2, 2, 2, 3], np.int64)
E_COL = np.array([1, 2, 0, 2, 0, 1, 3, 2], np.int64)
E_TIE = np.array([0, 1, 0, 2, 1, 2, 3, 3], np.int64)


def _groups(compiled):
    return CK.climb_groups if compiled else CK.climb_groups.py_func


def _kernel(name, compiled, module=KK):
    k = getattr(module, name)
    return k if compiled else k.py_func


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize(("hit", "keep", "indptr", "indices", "kept"), [
    # t3 drawn, node 4 acting: nodes 2, 3, 4 renumbered 0, 1, 2
    ([0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 1, 2, 2], [1, 0], [0, 0, 1, 1, 1]),
    # t0 and t2 drawn: the path 0-1-2
    ([1, 0, 1, 0], [0, 0, 0, 0, 0], [0, 1, 3, 4], [1, 0, 2, 1], [1, 1, 1, 0, 0]),
    # nothing drawn: only the acting nodes, without ties
    ([0, 0, 0, 0], [1, 0, 0, 0, 1], [0, 0, 0], [], [1, 0, 0, 0, 1]),
    # every tie drawn: the whole graph and node 4
    ([1, 1, 1, 1], [0, 0, 0, 0, 1], [0, 2, 4, 7, 8, 8], [1, 2, 0, 2, 0, 1, 3, 2],
     [1, 1, 1, 1, 1]),
])
def test_masked_csr_by_hand(hit, keep, indptr, indices, kept, compiled):
    keep = np.array(keep, bool)
    got = _kernel("masked_csr", compiled)(np.array(hit, bool), E_ROW, E_COL, E_TIE, keep)
    assert got[0].tolist() == indptr and got[1].tolist() == indices
    assert got[0].dtype == np.int64 and got[1].dtype == np.int32
    assert keep.astype(int).tolist() == kept


@pytest.mark.parametrize("compiled", [True, False])
def test_masked_csr_of_no_entries(compiled):
    empty = np.zeros(0, np.int64)
    keep = np.array([False, True])
    indptr, indices = _kernel("masked_csr", compiled)(np.zeros(0, bool), empty, empty,
                                                       empty, keep)
    assert indptr.tolist() == [0, 0] and indices.tolist() == []


@pytest.mark.parametrize("compiled", [True, False])
def test_ranked_before_by_hand(compiled):
    # the path 0-1-2 with node 1 ranked first, then 0, then 2: node 0 (rank 1) and node 2
    # (rank 2) each have one tie to a node ranked before them, node 1 none
    indptr, indices = np.array([0, 1, 3, 4], np.int64), np.array([1, 0, 2, 1], np.int64)
    got = _kernel("ranked_before", compiled)(indptr, indices, np.array([1, 0, 2], np.int64))
    assert got.tolist() == [0.0, 1.0, 1.0]


@pytest.mark.parametrize("compiled", [True, False])
def test_climb_from_no_move_by_hand(compiled):
    # K4 (0-3) with a pendant on each of 0, 1, 2 (4, 5, 6): the core 0-3 fits exactly
    # (r = 1): no move improves it, the core is kept and its fit returned
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (0, 4), (1, 5), (2, 6)])
    a = nx.to_scipy_sparse_array(G, nodelist=range(7), format="csr")
    a.sort_indices()
    indptr, indices = a.indptr.astype(np.int64), a.indices.astype(np.int64)
    deg = np.diff(indptr).astype(float)
    core = np.array([1, 1, 1, 1, 0, 0, 0], bool)
    to_core = np.array([3, 3, 3, 3, 1, 1, 1], np.int64)    # each node's ties into 0-3
    best = _groups(compiled)(indptr, indices, deg, core, to_core, deg.sum() / 2, 28, 1e-12)
    assert best == pytest.approx(1.0, abs=1e-12)
    assert core.tolist() == [True] * 4 + [False] * 3
    assert np.flatnonzero(core_of_csr(7, indptr, indices)).tolist() == [0, 1, 2, 3]


# ------------------------------------------------- a replicate's events, weighted
def _events_of_replicates(y, seeds):
    import pandas as pd

    from peernet.grid.events import event_count, present_mask, repeated, rows_of
    from peernet.grid.replicates import GridReplicates
    from peernet.metrics.uncertainty import draw_units, resampled_events

    g = GridReplicates(y)
    for seed in seeds:
        mult = draw_units(g.fixed.k, np.random.default_rng(seed))
        ctx = g.context(mult)
        want = resampled_events(y, mult, suffix=False).reset_index(drop=True)
        e = ctx.events
        pd.testing.assert_frame_equal(repeated(ctx, e).reset_index(drop=True), want)
        pd.testing.assert_frame_equal(
            rows_of(ctx, e, np.ones(len(e), bool)).reset_index(drop=True), want)
        assert event_count(ctx, e) == len(want)
        assert len(present_mask(ctx, e)) == len(e)
        if "kind" in want.columns:
            meetings = want[~want["kind"].isin(("thread", "channel")).to_numpy()]
            assert event_count(ctx, ctx.meetings) == len(meetings)


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_a_replicates_weighted_events_are_resample_events(riverbend, period):
    """The slice's events once each, row i as many times as its unit was drawn, are the
    events table resampled_events builds (its rows, in its order)."""
    _events_of_replicates(riverbend.period(period), seeds=(1, 2, 3))


def test_a_slices_events_are_its_own_once_each(riverbend):
    from peernet.grid.context import Context
    from peernet.grid.events import event_count, present_mask, repeated

    ctx = Context(riverbend.period("2025"))
    e = ctx.events
    assert ctx.event_weight is None and repeated(ctx, e) is e
    assert event_count(ctx, e) == len(e) and present_mask(ctx, e).all()


# ------------------------------------- counts of the rows as a matrix product
def test_row_matrix_by_hand():
    from peernet.grid.fixed import row_matrix

    # rows: (target, unit) = (1, 4), (0, 2), (1, 4), (1, 0), (0, 2), (2, 3); 3 targets, 5 units
    target = np.array([1, 0, 1, 1, 0, 2])
    unit = np.array([4, 2, 4, 0, 2, 3])
    m = row_matrix(target, unit, 3, 5)
    assert m.shape == (3, 5) and m.dtype == np.int64
    assert m.toarray().tolist() == [[0, 0, 2, 0, 0], [1, 0, 0, 0, 2], [0, 0, 0, 1, 0]]
    mult = np.array([3, 0, 1, 2, 5])
    counts = m @ mult
    assert counts.dtype == np.int64
    assert counts.tolist() == [2, 3 + 5 + 5, 2]
    assert counts.tolist() == np.bincount(target, weights=mult[unit], minlength=3).tolist()
    empty = row_matrix(np.zeros(0, np.int64), np.zeros(0, np.int64), 2, 5)
    assert (empty @ mult).tolist() == [0, 0]


@pytest.mark.parametrize("compiled", [True, False])
def test_row_products_by_hand(compiled):
    """The compiled product of a row matrix's arrays with a replicate's draw counts as
    bytes: the integers of scipy's product (as Python too), counts past a byte refused."""
    from peernet.grid.fixed import row_arrays, row_matrix

    m = row_matrix(np.array([1, 0, 1, 1, 0, 2]), np.array([4, 2, 4, 0, 2, 3]), 3, 5)
    indptr, indices, data = row_arrays(m)
    assert (indptr.dtype, indices.dtype, data.dtype) == (np.int64, np.uint32, np.uint32)
    assert indptr.tolist() == [0, 1, 3, 4] and indices.tolist() == [2, 0, 4, 3]
    assert data.tolist() == [2, 1, 2, 1]
    products, to_bytes = _kernel("row_products", compiled, BK), _kernel("byte_counts",
                                                                          compiled, BK)
    mult = np.array([3, 0, 1, 255, 5])
    small = np.empty(5, np.uint8)
    assert to_bytes(mult, small) and small.tolist() == mult.tolist()
    for counts in (small, mult):
        got = products(indptr, indices, data, counts)
        assert got.dtype == np.int64 and got.tolist() == [2, 3 + 5 + 5, 255]
    assert products(*row_arrays(row_matrix(np.zeros(0, np.int64), np.zeros(0, np.int64),
                                           2, 5)), small).tolist() == [0, 0]
    for bad in ([3, 256, 0], [3, -1, 0], [2 ** 40, 0, 0]):
        assert not to_bytes(np.array(bad, np.int64), np.empty(3, np.uint8))


def test_byte_draws_only_where_numba_runs(monkeypatch):
    from peernet.metrics import _kernels
    from peernet.metrics.uncertainty import byte_draws

    mult = np.array([0, 2, 255, 1], np.int64)
    monkeypatch.setattr(_kernels, "STARTED", False)
    assert byte_draws(mult) is None               # then scipy's product of the counts
    monkeypatch.setattr(_kernels, "STARTED", True)
    got = byte_draws(mult)
    assert got is not None and got.dtype == np.uint8 and got.tolist() == [0, 2, 255, 1]
    assert byte_draws(np.array([0, 256], np.int64)) is None


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_replicate_row_counts_equal_the_bincount(riverbend, seed, compiled, monkeypatch):
    """A replicate's row counts (channels, kinds, each member's voice) as the product of
    the rows' matrix with the draws (compiled, of the draws as bytes, where numba runs;
    else scipy's) equal numpy's bincount of the rows' draws."""
    from peernet.grid import replicates as R
    from peernet.grid.bedrock import _said
    from peernet.grid.foundation import _channels, _of_kinds
    from peernet.metrics import _kernels
    from peernet.metrics.uncertainty import draw_units

    monkeypatch.setattr(_kernels, "STARTED", compiled)
    g = R.GridReplicates(riverbend.period("2025"))
    mult = draw_units(g.fixed.k, np.random.default_rng(seed))
    picks = [(("channels", True), _channels(True), 3),
             (("kinds", ("message",)), _of_kinds(("message",)), 1), ("voice", _said, g.ctx.n)]
    for key, select, size in picks:
        got = g.context(mult).drawn_rows(key, select, size, True)
        mask, target = select(g.ctx)
        at = np.flatnonzero(mask)
        want = np.bincount(np.asarray(target)[at], weights=mult[g.fixed.codes[at]],
                           minlength=size)
        assert got.dtype == np.int64 and got.tolist() == want.astype(np.int64).tolist()
        assert got.sum() > 0
        kept = ("grid", "rows arrays" if compiled else "rows matrix", key)
        assert kept in memo(g.ctx)


@pytest.mark.parametrize("period", ["2024", "2025"])
def test_a_replicates_attended_events_equal_its_rows(riverbend, period):
    """Each event's attendees and copies in a replicate, read at the event's unit, equal
    those counted from the attendance rows it drew (and once each on the slice)."""
    from peernet.grid.events import attend_events
    from peernet.grid.replicates import GridReplicates
    from peernet.metrics.uncertainty import draw_units

    g = GridReplicates(riverbend.period(period))
    size, copies = attend_events(g.ctx)
    _, ev, ids = g.ctx.attend_codes
    assert size.tolist() == np.bincount(ev, minlength=len(ids)).tolist()
    assert copies.tolist() == [1] * len(ids)
    for seed in (1, 2, 3):
        ctx = g.context(draw_units(g.fixed.k, np.random.default_rng(seed)))
        _, ev, ids = ctx.attend_codes
        want = np.zeros(len(ids), np.int64)
        want[ev] = ctx.attend_weight
        size, copies = attend_events(ctx)
        assert size.tolist() == np.bincount(ev, minlength=len(ids)).tolist()
        assert copies.tolist() == want.tolist() and copies.dtype == np.int64


@pytest.mark.parametrize("seed", range(6))
def test_descending_degrees_equal_the_stable_argsort(seed):
    from peernet.metrics.coreperiphery import descending

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    for deg in (rng.integers(0, 40, n).astype(float),          # int16 keys
                rng.integers(0, 2 ** 16, n).astype(float),      # too large: floats
                rng.random(n) * 5):                               # not integers
        assert descending(deg).tolist() == np.argsort(-deg, kind="stable").tolist()
    # by hand: degrees 2, 5, 2, 0, 5 -> the two 5s, then the two 2s, in node order
    assert descending(np.array([2.0, 5.0, 2.0, 0.0, 5.0])).tolist() == [1, 4, 0, 2, 3]


# ------------------------------------------------------------- a bound's ns
def test_stamp_ns_is_the_series_conversion():
    import pandas as pd

    from peernet.ties import ns, stamp_ns

    for t in (pd.Timestamp("2025-01-01", tz="UTC"),
              pd.Timestamp("2025-03-30 03:30:00.123456789", tz="Europe/Berlin"),
              pd.Timestamp("1999-12-31 23:59:59", tz="America/New_York").as_unit("s"),
              pd.Timestamp("2030-06-01 12:00", tz="Asia/Kolkata").as_unit("ms")):
        assert stamp_ns(t) == int(ns(pd.Series([t]))[0])
    assert stamp_ns(pd.Timestamp(0, tz="UTC")) == 0
    with pytest.raises(TypeError):
        stamp_ns(pd.Timestamp("2025-01-01"))


def test_days_since_first_is_the_series_arithmetic():
    """meeting_gap_cv's days between meetings, from int64 ns: the sorted Series' ``(s -
    s.iloc[0]) / pd.Timedelta(days=1)`` to the last digit, missing times last as NaN."""
    import pandas as pd

    from peernet.grid.bedrock import _days_since_first
    from peernet.ties import ns

    starts = pd.Series(pd.to_datetime(["2025-03-04 10:00:00.000000001", "2025-01-02 09:30",
                                       None, "2025-01-02 09:30", "2025-11-30 23:59:59.5"],
                                      format="ISO8601").tz_localize("Europe/Berlin"))
    for rows in ([0, 1, 3, 4], [4, 2, 0, 1], [2, 2], [1, 3], []):
        s = starts.iloc[rows].sort_values()
        want = ((s - s.iloc[0]) / pd.Timedelta(days=1)).to_numpy(dtype=float) if len(s) \
            else np.zeros(0)
        got = _days_since_first(ns(starts)[rows])
        assert np.array_equal(got, want, equal_nan=True)
    # by hand: a day and a half, then a missing time
    t = np.array([0, 129_600 * 10 ** 9, np.iinfo(np.int64).min], np.int64)
    assert np.array_equal(_days_since_first(t), [0.0, 1.5, np.nan], equal_nan=True)


@pytest.mark.parametrize("seed", range(3))
def test_tie_pairs_count_the_pair_keys(riverbend, seed):
    """A context's tie pairs counted (a replicate's among the pairs it drew) are its
    pair keys; the pairs kept from the previous period, those found in its keys."""
    from peernet.grid.pairs import pair_counts, tie_pairs
    from peernet.grid.replicates import GridReplicates
    from peernet.metrics.uncertainty import draw_units
    from peernet.ties import in_sorted

    g = GridReplicates(riverbend.period("2025"))
    ctx = g.context(draw_units(g.fixed.k, np.random.default_rng(seed)))
    before = ctx.previous.pair_keys
    for c in (g.ctx, ctx):
        assert tie_pairs(c) == len(c.pair_keys) > 0
        kept, = pair_counts(c, "kept", lambda k: (in_sorted(k, before),))
        assert kept == int(in_sorted(c.pair_keys, before).sum())
    assert tie_pairs(ctx) < tie_pairs(g.ctx)
