"""Participation with one row a period: the evaluation's ``annual`` table.

Public-internal: :func:`peernet.evaluate` builds ``Evaluation.annual`` with
:func:`participation_by_period`. Calendar years, quarters and months come from
:func:`peernet.participation` (one row a period of its frequency); fiscal years not starting
in January have no pandas frequency and are counted from the slices
(:func:`period_counts`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..network import PeerNetwork
from ..periods import Window
from .participation import participation

__all__: list[str] = []

_FREQ = {"year": "YS", "quarter": "QS", "month": "MS"}


def window_of(net: PeerNetwork) -> Window:
    """The window of a period's slice (a ValueError for a network that is not a slice)."""
    if net.window is None:
        raise ValueError(f"{net.name!r} is not a period's slice (use net.period('2025'))")
    return net.window


def participation_by_period(root: PeerNetwork, slices: Mapping[str, PeerNetwork]
                            ) -> pd.DataFrame:
    """:func:`peernet.participation` with one row a period of ``slices`` (``period`` is
    its label); the period before the first is included in the counts of retention."""
    labels = list(slices)
    first = window_of(slices[labels[0]])
    freq = _FREQ.get(first.kind)
    if first.kind == "fiscal_year" and first.start.month == 1:
        freq = "YS"
    if freq is None:  # fiscal years from July etc.: no pandas alias; count directly
        return period_counts(slices)
    before = first.previous()
    lo = max(before.start, first.start - pd.Timedelta(days=400))
    span = root.between(lo, window_of(slices[labels[-1]]).end)
    df = participation(span, freq=freq)
    if df.empty:
        return pd.DataFrame({"period": labels})
    starts = df["period"].dt.start_time.dt.tz_localize(root.tz).dt.tz_convert("UTC")
    want = {window_of(s).start.tz_convert("UTC").date(): p for p, s in slices.items()}
    label = [want.get(t.date()) if not pd.isna(t) else None for t in starts]
    out = df.assign(period=label)
    return out[out["period"].notna()].reset_index(drop=True)


def period_counts(slices: Mapping[str, PeerNetwork]) -> pd.DataFrame:
    """One row a period for windows ``participation`` has no frequency for (fiscal years
    not starting in January): members active, new (not active in the window before),
    returning, lapsed (active before, not now), retention, events, interactions."""
    rows = []
    for p, s in slices.items():
        now = set(s.members_active())
        prev = s.previous()
        before = set(prev.members_active())
        span = s.root.span()
        # a window before the data begins (or only partly covered) says nothing of turnover
        known = span is not None and \
            window_of(prev).start >= span[0].tz_convert(s.tz).floor("D")
        nan = np.nan
        rows.append({"period": p, "members_active": len(now),
                     "members_new": len(now - before) if known else nan,
                     "members_returning": len(now & before) if known else nan,
                     "members_lapsed": len(before - now) if known else nan,
                     "retention_rate": len(now & before) / len(before) if known and before
                     else nan,
                     "events": len(s.events), "interactions": len(s.interactions)})
    return pd.DataFrame(rows)
