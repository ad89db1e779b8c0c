"""The whole network's history as the Grid reads it: its direct acts as member codes.

Read by the indicators that look past the period's rows (newcomer orientation, new
cross-organization ties), for the times they need only: nothing of the whole history is
kept (its direct acts, 16 bytes an act, were 331 MB at 300k members for the rest of a run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._cache import memo
from ..ties import NS_NAT, ns, stamp_ns
from .context import DIRECT_KINDS, Context, member_codes, root_cache, unique_ids

__all__ = ["ROOT_CHUNK", "direct_acts"]


#: Rows of the whole network's log coded at a time by :func:`direct_acts`.
ROOT_CHUNK = 2_000_000


def direct_acts(ctx: Context, lo: int | None = None, hi: int | None = None, *,
                among: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source code, target code, time ns) of the whole network's direct acts (its
    :attr:`Context.direct_mask` rows) at times in ``[lo, hi)`` (int64 ns; None: no bound;
    never a missing time); with ``among`` (a boolean over member codes) only the acts with
    either end among them (a few newcomers' acts, not every act's). The context's own
    per-row codes when its rows are exactly those (a period cut from the whole network,
    read at its own bounds: the times of the acts picked only); otherwise the whole
    network's rows coded :data:`ROOT_CHUNK` at a time into arrays of their size."""
    if _own_rows(ctx, lo, hi):
        pick = ctx.direct_mask.copy()
        if among is not None:   # either end among them (the direct rows' codes are >= 0)
            ends = among[ctx.src]
            ends |= among[ctx.tgt]
            pick &= ends
            del ends
        d = np.flatnonzero(pick)
        del pick
        t = ns(ctx.inter["timestamp"].iloc[d])
        ok = t != NS_NAT
        return ctx.src[d[ok]], ctx.tgt[d[ok]], t[ok]
    root = ctx.net.root
    ids = root_cache(root, "ids", lambda: unique_ids(root))   # the whole network's codes
    inter = root.interactions
    if "target" not in inter.columns:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)

    def picked(part: pd.DataFrame) -> np.ndarray:
        t = ns(part["timestamp"])
        keep = (part["kind"].isin(DIRECT_KINDS).to_numpy() & part["target"].notna().to_numpy()
                & (t != NS_NAT))
        if lo is not None:
            keep &= t >= lo
        if hi is not None:
            keep &= t < hi
        return keep

    parts = []
    for a in range(0, len(inter), ROOT_CHUNK):
        part = inter.iloc[a:a + ROOT_CHUNK]
        rows = part.loc[picked(part), ["source", "target", "timestamp"]]
        s = member_codes(ids, rows["source"], small=True)
        t = member_codes(ids, rows["target"], small=True)
        ok = (s >= 0) & (t >= 0) & (s != t)
        if among is not None:
            ok &= among[s] | among[t]
        parts.append((s[ok], t[ok], ns(rows["timestamp"])[ok]))
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore


def _own_rows(ctx: Context, lo: int | None, hi: int | None) -> bool:
    """Whether the context's rows are the whole network's rows at times in ``[lo, hi)``:
    the whole network unbounded, or a period cut from it (kept on it) at its bounds."""
    net = ctx.net
    if ctx._ids is not None:   # coded over another network's members
        return False
    if net.window is None:
        return net.parent is None and lo is None and hi is None
    kept = (memo(net.root) or {}).get(("slice", net.window))
    bounds = tuple(stamp_ns(t) for t in (net.window.start_utc, net.window.end_utc))
    return kept is net and (lo, hi) == bounds
