"""Event resampling of a slice: the resampling units, one replicate's draw counts, and the
replicate rebuilt as a network (private; :mod:`peernet.metrics.uncertainty` re-exports
these)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .._cache import cached
from ..network import PeerNetwork
from ..schema import isin


def _units(inter: pd.DataFrame) -> np.ndarray:
    """Resampling unit of each interaction: its event, else its thread, else itself
    (codes in order of first appearance)."""
    n = len(inter)
    codes = {col: np.asarray(pd.factorize(inter[col])[0], np.int64)
             for col in ("thread_id", "event_id") if col in inter.columns}
    if n >= COMPILED_DRAWS:     # compiled: no arrays of keys, no hashing of them
        from ._bitkernels import first_units

        none = np.full(n, -1, np.int64)
        return first_units(codes.get("event_id", none), codes.get("thread_id", none))
    unit = np.arange(n, dtype=np.int64)
    offset = n
    for col in ("thread_id", "event_id"):      # an event outranks a thread
        if col in codes:
            unit = np.where(codes[col] >= 0, offset + codes[col], unit)
            offset += int(codes[col].max()) + 1 if n else 0
    return np.asarray(pd.factorize(unit)[0], np.int64)


def unit_codes(net: PeerNetwork) -> np.ndarray:
    """Resampling unit of each interaction of a slice (memoised on it)."""
    return cached(net, ("bootstrap", "units"), lambda: _units(net.interactions))


#: Units from which :func:`draw_units` counts the draws compiled.
COMPILED_DRAWS = 100_000


def draw_units(k: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each of ``k`` units is drawn in one replicate (``k`` draws with
    replacement): the one random draw of every replicate of :func:`resample_events`."""
    if k >= COMPILED_DRAWS:
        from . import _pcg

        if _pcg.usable(rng, k):   # drawn and counted in one compiled pass
            return _pcg.count_draws(rng, k, k)
        from ._bitkernels import count_values

        # np.bincount's counts of the same draws, one pass
        return count_values(rng.integers(0, k, size=k, dtype=_draw_type(k)), k)
    return np.bincount(rng.integers(0, k, size=k), minlength=k)


def draw_bit(k: int, rng: np.random.Generator, out: np.ndarray, b: int) -> None:
    """``out |= (draw_units(k, rng) > 0) << b`` (``out``: a uint64 word a unit): bit ``b``
    of each unit one replicate draws, from the same random values (the stream moves as
    :func:`draw_units` moves it), set as they are drawn, without counting them."""
    if k >= COMPILED_DRAWS:
        from . import _pcg

        if _pcg.usable(rng, k):
            _pcg.or_draws(rng, k, k, out, b)
            return
        from ._bitkernels import or_values

        or_values(out, rng.integers(0, k, size=k, dtype=_draw_type(k)), b)
    else:
        out |= (draw_units(k, rng) > 0).astype(np.uint64) << np.uint64(b)


def skip_units(k: int, rng: np.random.Generator, times: int) -> None:
    """Move ``rng`` past ``times`` replicates' :func:`draw_units` (drawn, not counted)."""
    if k >= COMPILED_DRAWS and times:
        from . import _pcg

        if _pcg.usable(rng, k):
            _pcg.skip_draws(rng, k, k * times)
            return
    for _ in range(times):
        rng.integers(0, k, size=k, dtype=_draw_type(k) if k >= COMPILED_DRAWS else np.int64)


def _draw_type(k: int) -> type:
    """The integer type of :func:`draw_units`' many draws: uint32 below 2**32 units. numpy draws
    a bound below 2**32 by the same 32-bit Lemire method for every integer type (the same
    values from the same stream, tested), and fills uint32 about 1.5x as fast as int64."""
    return np.uint32 if k <= np.iinfo(np.uint32).max else np.int64


def any_drawn(target: np.ndarray, unit: np.ndarray, drawn: np.ndarray, size: int
              ) -> np.ndarray:
    """Boolean over ``size``: True at ``target[i]`` when unit ``unit[i]`` was drawn
    (``drawn``: a uint64 word a unit, 1 when drawn); one compiled pass."""
    return drawn_words(target, unit, drawn, size) != 0


def drawn_words(target: np.ndarray, unit: np.ndarray, bits: np.ndarray, size: int
                ) -> np.ndarray:
    """``out[target[i]] |= bits[unit[i]]`` over ``size`` uint64 words (``bits``: a word a
    unit, bit ``r`` set when replicate ``r`` draws it); one compiled pass."""
    from ._bitkernels import or_scatter

    return or_scatter(target, unit, bits, size)


def byte_draws(mult: np.ndarray) -> np.ndarray | None:
    """A replicate's draw counts as bytes (uint8, one compiled pass) where numba runs in
    this process (:func:`unit_products` then reads them); None when it does not or a count
    is above 255 (a unit is drawn about once: never seen in a bootstrap)."""
    from . import _kernels

    if not _kernels.STARTED:
        return None
    from ._bitkernels import byte_counts

    out = np.empty(len(mult), np.uint8)
    return out if byte_counts(mult, out) else None


def unit_products(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                  counts: np.ndarray) -> np.ndarray:
    """``m @ counts`` (int64) of the CSR matrix ``m`` of ``indptr``, ``indices`` and
    ``data`` (rows by resampling units) and a replicate's draw counts, as :func:`byte_draws`
    gives them: one compiled pass gathering bytes, 0.6 MB at 600,000 units, in a core's
    cache, against 4.8 MB of int64 (1.8 against 3.4 ms for the Grid's three products at
    10k / 1M, 2025). Integers: the same as scipy's product."""
    from ._bitkernels import row_products

    return row_products(indptr, indices, data, counts)


def resample_events(net: PeerNetwork, rng: np.random.Generator) -> PeerNetwork:
    """One bootstrap replicate of a slice: its events (and threads, and lone acts) drawn
    with replacement. A unit drawn k times appears k times with ids suffixed ``#1``..``#k``
    so that each copy is its own event (co-attendance counts every copy)."""
    inter = net.interactions
    if not len(inter):
        return net
    codes = unit_codes(net)
    return materialize(net, draw_units(int(codes.max()) + 1, rng))


def materialize(net: PeerNetwork, draws: np.ndarray) -> PeerNetwork:
    """The replicate of :func:`resample_events` in which unit ``u`` is drawn ``draws[u]``
    times."""
    inter = net.interactions
    reps = draws[unit_codes(net)]
    idx = np.repeat(np.arange(len(inter)), reps)
    copy_no = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps)
    out = inter.iloc[idx].reset_index(drop=True)
    copies = np.flatnonzero(copy_no > 0)
    if len(copies):
        suffix = pd.Series(copy_no[copies].astype(str), index=copies, dtype="str")
        for col in ("event_id", "thread_id"):
            if col in out.columns:
                out.loc[copies, col] = out[col].iloc[copies] + "#" + suffix
    return replace(net, interactions=out, events=resampled_events(net, draws))


def resampled_events(net: PeerNetwork, draws: np.ndarray, *, suffix: bool = True
                     ) -> pd.DataFrame:
    """The events table of the replicate with ``draws``: an event with interactions appears
    as often as its unit was drawn (copies ``id``, ``id#1``, ... in the order of the
    events' first interaction; all ``id`` without ``suffix``), then the events nobody
    attended, once."""
    events = net.events
    inter = net.interactions
    if not len(events) or "event_id" not in inter.columns:
        return events

    used, unit, never = _event_units(net)
    times = draws[unit]
    at = np.repeat(np.arange(len(used)), times)
    copies = used.iloc[at].reset_index(drop=True)
    copy_no = np.arange(len(at)) - np.repeat(np.cumsum(times) - times, times)
    later = np.flatnonzero(copy_no > 0)
    if len(later) and suffix:
        ids = copies["event_id"].astype("object").to_numpy(copy=True)
        ids[later] = [f"{e}#{c}" for e, c in zip(ids[later], copy_no[later], strict=True)]
        copies["event_id"] = pd.array(ids, dtype=events["event_id"].dtype)
    return pd.concat([copies, never], ignore_index=True)


def _event_units(net: PeerNetwork) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The slice's events with interactions (in the order of their first one), the unit of
    each, and its events without interactions (memoised on the slice)."""
    events, inter = net.events, net.interactions

    def build() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
        # the rows' event ids hashed once: the distinct ones in order of first appearance,
        # each with the unit of its first row
        codes, ids = pd.factorize(inter["event_id"])
        rows = np.flatnonzero(codes >= 0)[::-1]
        first_row = np.empty(len(ids), np.int64)
        first_row[codes[rows]] = rows               # the last write of a code: its first row
        ev = events.drop_duplicates("event_id").set_index("event_id")
        keep = np.asarray(isin(pd.Series(ids), ev.index), bool)
        used = ev.loc[ids[keep]].reset_index()
        never = events.loc[~isin(events["event_id"], ids)]
        return used, unit_codes(net)[first_row[keep]], never

    return cached(net, ("bootstrap", "events"), build)


def events_once(net: PeerNetwork) -> tuple[pd.DataFrame, np.ndarray]:
    """The slice's events once each, as :func:`resampled_events` gives them for a replicate
    drawing every unit once (``suffix=False``; index reset), and the unit of each row (-1:
    an event without interactions, once in every replicate)."""
    if not len(net.events) or "event_id" not in net.interactions.columns:
        return net.events.reset_index(drop=True), np.full(len(net.events), -1, np.int64)
    used, unit, never = _event_units(net)
    return (pd.concat([used, never], ignore_index=True),
            np.concatenate([unit, np.full(len(never), -1, np.int64)]))
