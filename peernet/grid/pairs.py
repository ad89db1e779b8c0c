"""Values of the tie pairs an indicator reads (:attr:`Context.pair_keys`), computed once.

A value of a pair that does not depend on the other pairs (its two members, their
organizations) is computed on a slice's :class:`~peernet.grid.context.Context` for its
pairs. On a bootstrap replicate's (:class:`peernet.grid.replicates.ReplicateContext`) it is
computed once for every pair of the slice and each replicate reads it at the pairs it drew
(:meth:`ReplicateContext.pairs_of`): no division of a replicate's pair keys, no look-up of
their members' groups. The values are the same either way (a pair's value is its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._cache import cached

__all__ = ["over_pairs", "pair_ends", "pair_counts", "tie_pairs"]

#: ``build(keys) -> arrays``: each array with one value per pair key of ``keys``.
Build = Callable[[np.ndarray], tuple[np.ndarray, ...]]


def over_pairs(ctx: Any, key: Any, build: Build) -> tuple[np.ndarray, ...]:
    """``build(ctx.pair_keys)`` (memoised on ``ctx`` under ``key``: equal keys, equal
    builds); a replicate reads its slice's at the pairs it drew."""
    if ctx.mult is None:
        return cached(ctx, ("grid", "over_pairs", key), lambda: build(ctx.pair_keys))
    return ctx.pairs_of(key, build)


def pair_ends(ctx: Any) -> tuple[np.ndarray, np.ndarray]:
    """Member codes of both ends of each of :attr:`Context.pair_keys` (the smaller first;
    int32 below 2**31 members: they are kept with the slice's context)."""
    n = ctx.n
    dtype = np.int32 if n < np.iinfo(np.int32).max else np.int64
    u, v = over_pairs(ctx, "ends", lambda k: ((k // n).astype(dtype), (k % n).astype(dtype)))
    return u, v


def pair_counts(ctx: Any, key: Any, build: Build) -> tuple[int, ...]:
    """How many of :attr:`Context.pair_keys` each boolean array of ``build(keys)`` marks
    (``build`` as in :func:`over_pairs`); a replicate counts them among the pairs it drew
    in its slice's arrays (computed once), without reading them out."""
    if ctx.mult is None:
        return tuple(int(np.count_nonzero(a)) for a in over_pairs(ctx, key, build))
    return ctx.pair_counts(key, build)


def tie_pairs(ctx: Any) -> int:
    """How many tie pairs the context has (``len(ctx.pair_keys)``; a replicate counts the
    pairs it drew without reading them out; once for the context)."""
    return cached(ctx, ("grid", "tie pairs"),
                  lambda: pair_counts(ctx, "all", lambda k: (np.ones(len(k), bool),))[0])
