"""Whether an earlier period can be compared with a later one: the Grid's indicators of
change and :func:`peernet.evaluate` read a previous period only when its data cover enough of
it (:func:`short_history`)."""

from __future__ import annotations

import math

import pandas as pd

from ..network import PeerNetwork
from ..report.i18n import N_

__all__ = ["MIN_HISTORY_SHARE", "covered_days", "short_history"]


#: An earlier period is comparable when its data cover at least this share of the days the
#: current period's data cover: records that start a few weeks or months into the year still
#: count, a history of a day, a week or a quarter against a year does not.
MIN_HISTORY_SHARE = 0.75


def covered_days(net: PeerNetwork) -> float:
    """Days of a slice's window inside the whole network's data span (0 when none)."""
    w, span = net.window, net.root.span()
    if w is None or span is None:
        return math.nan if w is None else 0.0
    lo = max(w.start_utc, span[0])
    hi = min(w.end_utc, span[1] + pd.Timedelta(seconds=1))
    return max((hi - lo) / pd.Timedelta(days=1), 0.0)


def short_history(previous: PeerNetwork, current: PeerNetwork) -> str | None:
    """Why ``previous`` cannot be compared with ``current`` (None: it can).

    An earlier period is absent when nothing happened in it, and too short when the data
    cover less of it than :data:`MIN_HISTORY_SHARE` of what they cover of the current
    period (data that begin in November make "new" everything of the next year). Used by
    the Grid's indicators of change (``retention``, ``tie_persistence``,
    ``periphery_to_core``, ``new_cross_org_ties_per_member``) and by
    :func:`peernet.evaluate` (such an earlier period makes the evaluation a baseline).
    """
    if len(previous.interactions) == 0:
        return N_("no data in the previous period")
    before, now = covered_days(previous), covered_days(current)
    if not (math.isfinite(before) and math.isfinite(now)) or now <= 0:
        return None
    if before < MIN_HISTORY_SHARE * now:
        start = previous.root.span()
        if start is None:
            return N_("the previous period is shorter: its data cover {before} days against "
                      "{now} in this one").format(before=f"{before:.0f}", now=f"{now:.0f}")
        return N_("the previous period is shorter: its data cover {before} days (the data "
                  "start on {start}) against {now} in this one").format(
            before=f"{before:.0f}", start=start[0].tz_convert(previous.root.tz).date(),
            now=f"{now:.0f}")
    return None
