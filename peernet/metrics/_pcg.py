"""The bootstrap's random draws, compiled: numpy's bounded integers of a PCG64 stream
(private).

A replicate of :func:`peernet.metrics._resample.draw_units` is ``k`` draws of
``rng.integers(0, k, size=k, dtype=np.uint32)``, then counted (or folded into one bit a
unit). numpy makes them one at a time from its default bit generator, PCG64 (O'Neill 2014:
a 128-bit linear congruential state, each 64-bit output its XSL-RR permutation), halved into
two 32-bit values (the low half first, the high half kept for the next value), each bounded
by Lemire's (2019) multiply-and-reject method. Here the same steps run in one compiled loop
that counts (or sets a bit) as it draws, without the array of ``k`` values between numpy's
pass and the count's: the same values from the same stream, and the stream left where numpy
would leave it (the generator's ``state`` is read before and written after; tested against
numpy, rejections included). At 600,000 units a draw takes about two thirds of numpy's draw
and count.

Only for ``numpy.random.PCG64`` and bounds ``2 <= k < 2**32`` (:func:`usable`); anything else
is drawn by numpy as before. numpy's algorithm for these bounds has been stable since 1.17
(``random_bounded_uint32_fill`` with ``use_masked=False``); the tests compare both.

References: M. E. O'Neill (2014), "PCG: A family of simple fast space-efficient
statistically good algorithms for random number generation", HMC-CS-2014-0905. D. Lemire
(2019), "Fast random integer generation in an interval", ACM TOMACS 29(1).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ._kernels import SPACES, njit

__all__ = ["agrees", "count_draws", "mark_draws", "or_draws", "skip_draws", "usable"]

_MASK64 = (1 << 64) - 1


def usable(rng: np.random.Generator, k: int) -> bool:
    """Whether ``k`` draws below ``k`` from ``rng`` can be made here (PCG64, ``2 <= k <
    2**32``, and this numpy draws as the kernels do: :func:`agrees`)."""
    return type(rng.bit_generator) is np.random.PCG64 and 2 <= k < 2 ** 32 and agrees()


@cache
def agrees() -> bool:
    """Whether the kernels give this numpy's values and leave its stream where it does,
    checked once a process on small draws (a bound with a quarter of the values rejected
    included): should a numpy release draw otherwise, numpy draws, and no number changes
    with the numpy installed."""
    for k, n in ((1000, 3001), (3 * 2 ** 30, 2001)):
        ours, theirs = np.random.default_rng(20261207), np.random.default_rng(20261207)
        for g in (ours, theirs):
            g.integers(0, 10, size=1, dtype=np.uint32)      # half of an output kept
        values = theirs.integers(0, k, size=n, dtype=np.uint32)
        if k <= n:
            if not np.array_equal(count_draws(ours, k, n),
                                  np.bincount(values, minlength=k)):
                return False
        else:
            skip_draws(ours, k, n)
        if ours.bit_generator.state != theirs.bit_generator.state:
            return False
    return True


def _state(rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """The generator's state and its words: state high, low; increment high, low; whether
    a 32-bit half is kept; that half."""
    s = dict(rng.bit_generator.state)
    x, inc = int(s["state"]["state"]), int(s["state"]["inc"])
    words = np.array([x >> 64, x & _MASK64, inc >> 64, inc & _MASK64,
                      int(s["has_uint32"]), int(s["uinteger"])], np.uint64)
    return s, words


def _put(rng: np.random.Generator, s: dict, words: np.ndarray) -> None:
    s["state"]["state"] = (int(words[0]) << 64) | int(words[1])
    s["has_uint32"] = int(words[4])
    s["uinteger"] = int(words[5])
    rng.bit_generator.state = s


def count_draws(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    """``np.bincount(rng.integers(0, k, size=n, dtype=np.uint32), minlength=k)`` (int64),
    ``rng`` moved as numpy moves it (requires :func:`usable`).

    Counted in a byte a value (:func:`_count_bytes`: 600,000 random increments in 0.6 MB,
    which stays in a core's cache, instead of 4.8 MB), then widened to int64 in one
    sequential pass; a count past 255 (never seen in a bootstrap, where a unit is drawn
    about once) counts again in int64 from the same state."""
    s, words = _state(rng)
    out = np.empty(k, np.int64)
    if not _count_bytes(words, np.uint64(k), n, np.zeros(k, np.uint8), out):
        out[:] = 0
        _count(words, np.uint64(k), n, out)
    _put(rng, s, words)
    return out


def or_draws(rng: np.random.Generator, k: int, n: int, out: np.ndarray, b: int) -> None:
    """``out[rng.integers(0, k, size=n, dtype=np.uint32)] |= 1 << b`` (``out``: uint64
    words), ``rng`` moved as numpy moves it (requires :func:`usable`)."""
    s, words = _state(rng)
    _or(words, np.uint64(k), n, out, np.uint64(1) << np.uint64(b))
    _put(rng, s, words)


def mark_draws(rng: np.random.Generator, k: int, n: int, row: np.ndarray) -> None:
    """Set bit ``v % 64`` of ``row[v // 64]`` for every ``v`` of ``rng.integers(0, k, size=n,
    dtype=np.uint32)`` (``row``: ``ceil(k / 64)`` uint64 words, a bit a value), ``rng``
    moved as numpy moves it (requires :func:`usable`). The bits of one replicate's draws in
    k / 8 bytes (74 KB at 600,000 units: random writes that stay in a core's cache, where
    :func:`or_draws`' go to 4.8 MB of words); :func:`peernet.metrics._bitkernels.or_rows`
    folds 64 such rows into a word a value."""
    s, words = _state(rng)
    _mark(words, np.uint64(k), n, row)
    _put(rng, s, words)


def skip_draws(rng: np.random.Generator, k: int, n: int) -> None:
    """Move ``rng`` past ``rng.integers(0, k, size=n, dtype=np.uint32)`` (requires
    :func:`usable`)."""
    s, words = _state(rng)
    _skip(words, np.uint64(k), n)
    _put(rng, s, words)


# ----------------------------------------------------------------------------- kernels
@njit(cache=True, nogil=True)
def _mul_hi(a, b):  # pragma: no cover - compiled
    """The high 64 bits of the 128-bit product of two uint64 (four 32-bit products)."""
    low = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    a0, a1 = a & low, a >> s32
    b0, b1 = b & low, b >> s32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> s32) + (p01 & low) + (p10 & low)
    return p11 + (p01 >> s32) + (p10 >> s32) + (mid >> s32)


@njit(cache=True, nogil=True)
def draw(hi, lo, ih, il, has, half, k, threshold):  # pragma: no cover - compiled
    """One ``integers(0, k)`` of numpy's PCG64 generator (bound below 2**32): returns the
    value and the new state ``(hi, lo, has, half)``.

    ``pcg64_next32``: the kept high half if there is one, else a step of the 128-bit state
    (``state * multiplier + increment``), its output ``rotr(hi ^ lo, hi >> 58)``, the low
    half returned and the high half kept. Lemire's bound: ``m = value * k``, redrawn while
    its low 32 bits are below ``threshold = (2**32 - k) % k``; the result is ``m >> 32``."""
    mult_hi = np.uint64(0x2360ED051FC65DA4)
    mult_lo = np.uint64(0x4385DF649FCCF645)
    low = np.uint64(0xFFFFFFFF)
    while True:
        if has:
            u = half
            has = np.uint64(0)
        else:
            plo = lo * mult_lo
            phi = _mul_hi(lo, mult_lo) + lo * mult_hi + hi * mult_lo
            lo = plo + il
            hi = phi + ih + (np.uint64(1) if lo < plo else np.uint64(0))
            x = hi ^ lo
            rot = hi >> np.uint64(58)
            r = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
            u = r & low
            half = r >> np.uint64(32)
            has = np.uint64(1)
        m = u * k
        if (m & low) >= threshold:
            return m >> np.uint64(32), hi, lo, has, half


@njit(cache=True, nogil=True)
def _threshold(k):  # pragma: no cover - compiled
    return (np.uint64(0x100000000) - k) % k


@njit(cache=True, nogil=True)
def _count(st, k, n, out):  # pragma: no cover - compiled
    hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
    t = _threshold(k)
    for _ in range(n):
        v, hi, lo, has, half = draw(hi, lo, ih, il, has, half, k, t)
        out[v] += 1
    st[0], st[1], st[4], st[5] = hi, lo, has, half


@njit(cache=True, nogil=True)
def _count_bytes(st, k, n, small, out):  # pragma: no cover - compiled
    """:func:`_count` into the bytes ``small`` (zeros), then ``out[:] = small``; False (and
    ``st`` unchanged) when a count passed 255."""
    hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
    t = _threshold(k)
    full = False
    for _ in range(n):
        v, hi, lo, has, half = draw(hi, lo, ih, il, has, half, k, t)
        c = small[v]
        full |= c == 255
        small[v] = c + np.uint8(1)
    if full:
        return False
    for i in range(len(out)):
        out[i] = small[i]
    st[0], st[1], st[4], st[5] = hi, lo, has, half
    return True


@njit(cache=True, nogil=True)
def _mark(st, k, n, row):  # pragma: no cover - compiled
    hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
    t = _threshold(k)
    one = np.uint64(1)
    for _ in range(n):
        v, hi, lo, has, half = draw(hi, lo, ih, il, has, half, k, t)
        row[v >> np.uint64(6)] |= one << (v & np.uint64(63))
    st[0], st[1], st[4], st[5] = hi, lo, has, half


@njit(cache=True, nogil=True)
def _or(st, k, n, out, bit):  # pragma: no cover - compiled
    hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
    t = _threshold(k)
    for _ in range(n):
        v, hi, lo, has, half = draw(hi, lo, ih, il, has, half, k, t)
        out[v] |= bit
    st[0], st[1], st[4], st[5] = hi, lo, has, half


@njit(cache=True, nogil=True)
def _skip(st, k, n):  # pragma: no cover - compiled
    hi, lo, ih, il, has, half = st[0], st[1], st[2], st[3], st[4], st[5]
    t = _threshold(k)
    for _ in range(n):
        _, hi, lo, has, half = draw(hi, lo, ih, il, has, half, k, t)
    st[0], st[1], st[4], st[5] = hi, lo, has, half


def warm() -> None:
    """Load (or compile) the kernels with the types they are called with, and check that
    this numpy agrees (:func:`agrees`), once for the processes forked afterwards."""
    agrees()
    rng = np.random.default_rng(0)
    count_draws(rng, 2, 1)
    or_draws(rng, 2, 1, np.zeros(2, np.uint64), 0)
    mark_draws(rng, 2, 1, np.zeros(1, np.uint64))
    skip_draws(rng, 2, 1)


SPACES.append(globals())
