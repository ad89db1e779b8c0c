"""The bootstrap's compiled random draws (peernet.metrics._pcg) against numpy's own: the same
values from the same PCG64 stream, and the stream left where numpy leaves it."""

import numpy as np
import pytest

from peernet.metrics import _pcg
from peernet.metrics._resample import COMPILED_DRAWS, draw_bit, draw_units, skip_units


def _pair(seed: int, offset: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Two generators in the same state: ``offset`` 32-bit values drawn first (an odd
    offset leaves half of a 64-bit output kept for the next value)."""
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    for g in (a, b):
        g.integers(0, 10, size=offset, dtype=np.uint32)
    return a, b


def _same_state(a: np.random.Generator, b: np.random.Generator) -> None:
    if isinstance(a.bit_generator, np.random.PCG64):
        assert a.bit_generator.state == b.bit_generator.state
    assert np.array_equal(a.integers(0, 2 ** 40, size=5), b.integers(0, 2 ** 40, size=5))


@pytest.mark.parametrize("k", [2, 3, 7, 1000, 100_003, 600_000])
@pytest.mark.parametrize("offset", [0, 1, 4])
def test_count_draws_equal_numpy(k, offset):
    for seed in (0, 11):
        a, b = _pair(seed, offset)
        n = k + 5   # not k: n and k are separate
        expected = np.bincount(a.integers(0, k, size=n, dtype=np.uint32), minlength=k)
        got = _pcg.count_draws(b, k, n)
        assert got.dtype == np.int64 and len(got) == k
        assert np.array_equal(got, expected)
        _same_state(a, b)


@pytest.mark.parametrize("k", [2, 1000, 600_000])
@pytest.mark.parametrize("offset", [0, 3])
def test_or_draws_sets_the_drawn_bit(k, offset):
    a, b = _pair(5, offset)
    out = np.zeros(k, np.uint64)
    out[::3] = np.uint64(1) << np.uint64(2)    # bits already set stay set
    expected = out.copy()
    expected[a.integers(0, k, size=k, dtype=np.uint32)] |= np.uint64(1) << np.uint64(63)
    _pcg.or_draws(b, k, k, out, 63)
    assert np.array_equal(out, expected)
    _same_state(a, b)


@pytest.mark.parametrize("k", [2, 3, 600_000, 3 * 2 ** 30, 2 ** 32 - 1])
def test_skip_draws_moves_the_stream_as_numpy(k):
    # k = 3 * 2**30: a quarter of the values are rejected and drawn again (Lemire's
    # threshold (2**32 - k) % k = 2**30), so the state after depends on every rejection
    a, b = _pair(3, 1)
    a.integers(0, k, size=10_001, dtype=np.uint32)
    _pcg.skip_draws(b, k, 10_001)
    _same_state(a, b)


def test_values_with_many_rejections():
    # the values themselves where a quarter are redrawn: read through the kernel's own step
    import numba

    _pcg.warm()
    step = _pcg.draw   # compiled by warm()

    @numba.njit
    def values(st, k, n):
        out = np.empty(n, np.uint64)
        hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
        t = (np.uint64(0x100000000) - k) % k
        for i in range(n):
            out[i], hi, lo, has, half = step(hi, lo, ih, il, has, half, k, t)
        return out

    for k in (3 * 2 ** 30, 2 ** 31 + 1, 5):
        a, b = _pair(9, 1)
        _, words = _pcg._state(b)
        got = values(words, np.uint64(k), 20_000)
        assert np.array_equal(got, a.integers(0, k, size=20_000, dtype=np.uint32))


def test_usable_only_for_pcg64_and_32_bit_bounds():
    assert _pcg.usable(np.random.default_rng(0), 600_000)
    assert not _pcg.usable(np.random.default_rng(0), 1)
    assert not _pcg.usable(np.random.default_rng(0), 2 ** 32)
    assert not _pcg.usable(np.random.Generator(np.random.Philox(0)), 600_000)


def test_resample_draws_unchanged():
    # draw_units / draw_bit / skip_units above COMPILED_DRAWS: numpy's values either way
    # (PCG64 compiled here, Philox by numpy)
    k = COMPILED_DRAWS + 17
    for make in (np.random.PCG64, np.random.Philox):
        a, b = np.random.Generator(make(4)), np.random.Generator(make(4))
        expected = np.bincount(a.integers(0, k, size=k, dtype=np.uint32), minlength=k)
        assert np.array_equal(draw_units(k, b), expected)
        a.integers(0, k, size=2 * k, dtype=np.uint32)
        skip_units(k, b, 2)
        out = np.zeros(k, np.uint64)
        draw_bit(k, b, out, 7)
        expected_bits = np.zeros(k, np.uint64)
        expected_bits[a.integers(0, k, size=k, dtype=np.uint32)] = np.uint64(1) << np.uint64(7)
        assert np.array_equal(out, expected_bits)
        _same_state(a, b)


def test_numpy_agrees_and_a_disagreeing_numpy_draws_by_itself(monkeypatch):
    assert _pcg.agrees()     # this numpy draws as the kernels do (checked once a process)
    monkeypatch.setattr(_pcg, "agrees", lambda: False)
    assert not _pcg.usable(np.random.default_rng(0), 600_000)
    k = COMPILED_DRAWS + 3
    a, b = np.random.default_rng(2), np.random.default_rng(2)
    assert np.array_equal(draw_units(k, b), np.bincount(
        a.integers(0, k, size=k, dtype=np.uint32), minlength=k))
    _same_state(a, b)


@pytest.mark.parametrize("k,n", [(2, 1000), (3, 100_000), (300, 300_000), (600_000, 600_000)])
def test_count_draws_past_a_byte(k, n):
    # counted in a byte a value: a count past 255 counts again in int64 from the same state
    a, b = _pair(8, 1)
    expected = np.bincount(a.integers(0, k, size=n, dtype=np.uint32), minlength=k)
    got = _pcg.count_draws(b, k, n)
    assert got.dtype == np.int64 and np.array_equal(got, expected)
    _same_state(a, b)


@pytest.mark.parametrize("k", [5, 64, 65, 130, 100_003])
@pytest.mark.parametrize("count", [1, 7, 64])
def test_mark_draws_folded_by_or_rows_set_the_drawn_bits(k, count):
    # a bitmap a replicate, folded into a word a value: the words of or_draws
    from peernet.metrics._bitkernels import or_rows

    a, b = _pair(k, 3)
    rows = np.zeros((count, (k + 63) // 64), np.uint64)
    out = np.zeros(k, np.uint64)
    out[::5] = np.uint64(1) << np.uint64(63)     # bits already set stay set
    expected = out.copy()
    for r in range(count):
        _pcg.mark_draws(a, k, k, rows[r])
        expected[b.integers(0, k, size=k, dtype=np.uint32)] |= np.uint64(1) << np.uint64(r)
    or_rows(rows, out)
    assert np.array_equal(out, expected)
    _same_state(a, b)
