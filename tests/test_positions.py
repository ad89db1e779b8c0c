"""Rows' ids as positions from Arrow's dictionary codes (pair_positions, row_codes) equal
the positions of the rows' text taken first (issue 23: memory of the direct rows and the
attendance at 100,000 members)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import peernet as pn
import peernet.ties as T
from peernet.positions import distinct_positions, pair_positions, row_codes


def _text(values, chunks=1):
    """An Arrow text column (pandas' ``str``) in ``chunks`` Arrow chunks."""
    cut = np.array_split(np.arange(len(values)), chunks)
    arr = pa.chunked_array([pa.array([values[i] for i in c], pa.large_string()) for c in cut])
    return pd.Series(pd.arrays.ArrowStringArray(arr).astype("str"))


def _taken(source, target, keep, among):
    rows = np.flatnonzero(keep)
    s, t = source.take(rows), target.take(rows)
    differ = (s != t).to_numpy()
    rows, s, t = rows[differ], s[differ], t[differ]
    nodes, (_, ps, pt) = distinct_positions([among, s, t])
    return rows, nodes, ps, pt


@pytest.mark.parametrize("chunks", [1, 3])
def test_pair_positions_equal_the_taken_rows(chunks):
    rng = np.random.default_rng(chunks)
    ids = [f"m{i:03d}" for i in range(60)] + ["é", "z", "ä"]
    src = list(rng.choice(ids, 500))
    tgt = list(rng.choice(ids, 500))
    tgt[::7] = src[::7]                       # rows to oneself are left out
    keep = rng.random(500) < 0.6
    among = pd.Index(["m001", "zz", "a"], dtype="str")
    source, target = _text(src, chunks), _text(tgt, chunks)
    got = pair_positions(source, target, keep, among)
    want = _taken(source, target, keep, among)
    assert got is not None
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    assert got[2].dtype == np.int32 and got[1].dtype == object


def test_pair_positions_not_for_missing_ids_or_other_text():
    source, target = _text(["a", "b", "c"]), _text(["b", "c", "a"])
    among = pd.Index(["a"], dtype="str")
    missing = pd.Series(["a", None, "c"], dtype="str")
    assert pair_positions(missing, target, np.ones(3, bool), among) is None
    assert pair_positions(missing, target, np.array([True, False, True]), among) is not None
    assert pair_positions(source.astype(object), target, np.ones(3, bool), among) is None
    assert pair_positions(source, target, np.zeros(3, bool), among)[1].tolist() == ["a"]


def test_row_codes_are_the_rows_ids():
    col = _text(["x", "y", "x", "w", "y"], chunks=2).where(lambda c: c != "w")
    rows = np.array([4, 3, 0])
    codes, ids = row_codes(col, rows)
    assert [ids[c] if c >= 0 else None for c in codes] == ["y", None, "x"]
    assert row_codes(col.astype(object), rows) is None


def test_direct_rows_equal_the_rows_text_taken(riverbend, monkeypatch):
    """The direct rows from codes equal those of the direct frame (the rows' text)."""
    kinds = tuple(k for k in T.INTERACTION_KINDS if k != "attend")
    for year in ("2024", "2025"):
        got = T._build_direct_rows(riverbend.period(year), kinds)
        with monkeypatch.context() as m:
            m.setattr(T, "pair_positions", lambda *a, **k: None)
            want = T._build_direct_rows(riverbend.period(year), kinds)
        assert set(got) == set(want)
        for k in got:
            if isinstance(got[k], pd.DataFrame):
                pd.testing.assert_frame_equal(got[k], want[k])
            elif isinstance(got[k], pd.Index):
                pd.testing.assert_index_equal(got[k], want[k])
            else:
                np.testing.assert_array_equal(got[k], want[k])
                assert got[k].dtype == want[k].dtype


def test_attendance_codes_equal_the_rows_text_taken(monkeypatch):
    for name in ("riverbend", "davis"):
        net = pn.load_sample(name)
        for s in ([net.period("2024"), net.period("2025")] if name == "riverbend" else [net]):
            nodes = T._direct_rows(s, tuple(k for k in T.INTERACTION_KINDS if k != "attend"))[
                "nodes"]
            got = T._attendance_codes(s, nodes)
            with monkeypatch.context() as m:
                m.setattr(T, "attendance_codes", lambda *a, **k: None)
                want = T._attendance_codes(s, nodes)
            assert (got is None) == (want is None)
            if got is not None:
                for g, w in zip(got[:2] + got[3:], want[:2] + want[3:], strict=True):
                    np.testing.assert_array_equal(g, w)
                assert got[2] == want[2]
