"""The whole network's history as the Grid reads it: its direct acts as member codes.

Kept on the whole network (:func:`peernet.grid.context.root_cache`) and read by the
indicators that look past the period (newcomer orientation, new cross-organization ties).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ties import ns
from .context import DIRECT_KINDS, Context, member_codes, root_cache, unique_ids

__all__ = ["ROOT_CHUNK", "root_direct"]


#: Rows of the whole network's log coded at a time by :func:`root_direct`.
ROOT_CHUNK = 2_000_000


def root_direct(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source code, target code, time ns) of every direct act of the whole network (its
    :attr:`Context.direct_mask` rows; codes int32), coded :data:`ROOT_CHUNK` rows at a time
    into arrays of their size (not the whole history's per-row codes: 0.9 GB at 300k)."""
    def build():
        root = ctx.net.root
        ids = root_cache(root, "ids", lambda: unique_ids(root))   # the whole network's codes
        inter = root.interactions
        if "target" not in inter.columns:
            return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)

        def picked(part: pd.DataFrame) -> np.ndarray:
            return part["kind"].isin(DIRECT_KINDS).to_numpy() & part["target"].notna().to_numpy()

        cuts = range(0, len(inter), ROOT_CHUNK)
        total = sum(int(picked(inter.iloc[a:a + ROOT_CHUNK]).sum()) for a in cuts)
        s_out = np.empty(total, np.int32 if len(ids) < np.iinfo(np.int32).max else np.int64)
        t_out, ts_out = np.empty_like(s_out), np.empty(total, np.int64)
        k = 0
        for a in cuts:
            part = inter.iloc[a:a + ROOT_CHUNK]
            rows = part.loc[picked(part), ["source", "target", "timestamp"]]
            s = member_codes(ids, rows["source"], small=True)
            t = member_codes(ids, rows["target"], small=True)
            ok = (s >= 0) & (t >= 0) & (s != t)
            j = k + int(ok.sum())
            s_out[k:j], t_out[k:j], ts_out[k:j] = s[ok], t[ok], ns(rows["timestamp"])[ok]
            k = j
        return s_out[:k], t_out[:k], ts_out[:k]

    return root_cache(ctx.net.root, "direct", build)
