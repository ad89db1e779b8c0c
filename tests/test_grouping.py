"""group_rows reduces the parts' rows by key as joining them and grouping would (issue 23:
memory of the tie tables at 100,000 members)."""

import numpy as np
import pandas as pd
import pytest

import peernet.grouping as G

NAT = G.NS_NAT


def _parts(rng, sizes, big_keys=False):
    parts, keys = [], []
    for i, m in enumerate(sizes):
        hi = 2**62 if big_keys else 30
        keys.append(rng.integers(0, hi, m) if not big_keys else
                    rng.choice(np.array([5, 2**61, 2**62 - 1, 7], np.int64), m))
        first = rng.integers(0, 100, m).astype(np.int64)
        first[rng.random(m) < 0.2] = NAT
        weight = rng.random(m) * 3 if i % 2 else np.float64(1.0)
        count = rng.integers(1, 5, m) if i % 2 else 1
        kinds = (1 << rng.integers(0, 10, m)).astype(np.int16) if i != 1 else np.int16(4)
        parts.append([m, count, weight, first, first + rng.integers(0, 9, m), kinds])
    return np.concatenate(keys).astype(np.int64), parts


def _joined(keys, parts):
    """Every part's columns joined, put in the stable order of the keys and reduced (the
    tie tables' grouping before group_rows)."""
    cols = [np.concatenate([np.broadcast_to(p[i], p[0]) for p in parts]) for i in range(1, 6)]
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    first = cols[2][order]
    first[first == NAT] = np.iinfo(np.int64).max
    fmin = np.minimum.reduceat(first, start)
    fmin[fmin == np.iinfo(np.int64).max] = NAT
    return (k[start], np.add.reduceat(cols[0][order], start),
            np.add.reduceat(cols[1][order].astype(float), start), fmin,
            np.maximum.reduceat(cols[3][order], start),
            np.bitwise_or.reduceat(cols[4][order], start))


def test_joined_reference_by_pandas():
    """The reference itself: pandas' group-by of the joined rows (sums up to rounding)."""
    rng = np.random.default_rng(3)
    keys, parts = _parts(rng, [40, 25])
    k, c, w, f, last, b = _joined(keys, parts)
    cols = [np.concatenate([np.broadcast_to(p[i], p[0]) for p in parts]) for i in (1, 2, 4)]
    g = pd.DataFrame({"k": keys, "c": cols[0], "w": cols[1], "l": cols[2]}).groupby("k")
    np.testing.assert_array_equal(k, g["c"].sum().index)
    np.testing.assert_array_equal(c, g["c"].sum())
    np.testing.assert_allclose(w, g["w"].sum(), rtol=1e-12)
    np.testing.assert_array_equal(last, g["l"].max())


@pytest.mark.parametrize("big_keys", [False, True])
@pytest.mark.parametrize("sizes", [[0], [1], [50, 7, 0, 30], [300, 200]])
def test_group_rows_equals_joined_group_by(sizes, big_keys):
    rng = np.random.default_rng(sum(sizes) + big_keys)
    keys, parts = _parts(rng, sizes, big_keys)
    want = _joined(keys, parts) if len(keys) else None
    held = [keys.copy()]
    got = G.group_rows(held, [list(p) for p in parts])
    assert held == []
    if want is None:
        assert all(len(g) == 0 for g in got)
        return
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    assert [g.dtype for g in got] == [np.int64, np.int64, np.float64, np.int64, np.int64,
                                      np.int16]


def test_group_rows_by_hand():
    # keys 3, 1, 3 | 1, 2: count 1 each, then 2; weights 1 | 0.5
    keys = np.array([3, 1, 3, 1, 2], np.int64)
    parts = [[3, 1, np.float64(1.0), np.array([5, NAT, 2]), np.array([5, 9, 2]),
              np.int16(1)],
             [2, np.array([2, 2]), np.array([0.5, 0.5]), np.array([4, NAT]),
              np.array([4, 8]), np.array([2, 8], np.int16)]]
    k, c, w, f, last, b = G.group_rows([keys], parts)
    assert k.tolist() == [1, 2, 3]
    assert c.tolist() == [3, 2, 2]
    assert w.tolist() == [1.5, 0.5, 2.0]
    assert f.tolist() == [4, NAT, 2]
    assert last.tolist() == [9, 8, 5]
    assert b.tolist() == [3, 8, 1]
    assert all(x is None for p in parts for x in p[1:])     # every column let go
