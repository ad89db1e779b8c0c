"""grid.rows: the row selections read in chunks and the factorization without texts give
what numpy and pandas give on the whole arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peernet.grid import rows as R


class _Ctx:
    mult = None


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_row_counts_and_any_in_chunks_are_bincount(monkeypatch, dtype):
    monkeypatch.setattr(R, "CHUNK", 7)   # many chunks, the last one short
    rng = np.random.default_rng(3)
    target = rng.integers(0, 5, 100).astype(dtype)
    mask = rng.random(100) < 0.6
    pick = lambda c: (mask, target)  # noqa: E731
    want = np.bincount(target[mask].astype(np.int64), minlength=9)
    got = R.row_counts(_Ctx(), "k", pick, 9)
    assert got.dtype == np.int64 and np.array_equal(got, want)
    assert np.array_equal(R.row_any(_Ctx(), "k", pick, 9), want > 0)


def test_row_counts_past_size_is_bincounts_longer_result(monkeypatch):
    monkeypatch.setattr(R, "CHUNK", 3)
    target = np.array([0, 1, 0, 0, 6, 2])
    mask = np.ones(6, bool)
    got = R.row_counts(_Ctx(), "k", lambda c: (mask, target), 4)
    assert np.array_equal(got, np.bincount(target, minlength=4))


@pytest.mark.parametrize("dtype", ["str", "category", object])
def test_factorize_at_is_factorize_of_the_texts(dtype):
    rng = np.random.default_rng(0)
    vals = np.array([f"e{i}" for i in rng.integers(0, 50, 1000)], dtype=object)
    vals[rng.random(1000) < 0.1] = None
    s = pd.Series(vals, dtype=dtype)
    rows = np.flatnonzero(s.notna().to_numpy() & (rng.random(1000) < 0.6))
    codes, ids = R.factorize_at(s, rows)
    want_codes, want_ids = pd.factorize(s.iloc[rows].astype("str"))
    assert np.array_equal(codes, want_codes)
    assert ids.equals(pd.Index(want_ids)) and ids.dtype == pd.Index(want_ids).dtype


def test_month_rows_of_int16_months_are_those_of_int64():
    class C:
        months = np.arange(24300, 24312)
        inter_month = np.array([24299, 24300, 24305, 24311, 24312, 0], np.int16)

    ok, at = R.month_rows(12)(C())
    m = C.inter_month.astype(np.int64) - 24300
    assert np.array_equal(ok, (m >= 0) & (m < 12)) and np.array_equal(at, m)
