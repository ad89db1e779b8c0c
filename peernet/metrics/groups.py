"""Participation of each group of the roster (region, sector, organization, language).

Public-internal: :func:`peernet.evaluate` builds ``Evaluation.groups`` with it, and the
report's narrative reads the group sections by :data:`GROUP_BY`.
"""

from __future__ import annotations

import pandas as pd

from ..network import PeerNetwork
from ..schema import isin

__all__: list[str] = []

#: Roster attributes whose groups are counted, in this order.
GROUP_BY = ("region", "sector", "org", "language")

#: Columns of :func:`group_participation`.
GROUP_COLUMNS = ["period", "by", "group", "members_current", "members_active", "share_active",
                 "interactions"]


def group_participation(net: PeerNetwork, period: str) -> pd.DataFrame:
    """``period, by, group, members_current, members_active, share_active, interactions``:
    for each roster attribute of :data:`GROUP_BY` the roster has, each group's current
    members, those active in ``net`` (a period's slice), their share and their interactions
    (as the source, or either person of a contact: ``PeerNetwork.acts``)."""
    m = net.members
    current = m[isin(m["member_id"], net.members_current())]
    counts = net.act_summary()["acts"]   # a contact: both people (PeerNetwork.acts)
    # once per member, not once per grouping (isin on 10,000 string ids costs 40 ms)
    act_of = pd.Series(isin(current["member_id"], net.members_active()).astype(int),
                       index=current.index)
    inter_of = current["member_id"].map(counts).fillna(0)
    parts = []
    for by in GROUP_BY:
        if by not in m.columns or m[by].notna().sum() == 0:
            continue
        keep = current[by].notna()
        df = pd.DataFrame({"group": current.loc[keep, by].astype("str"), "cur": 1,
                           "act": act_of[keep], "inter": inter_of[keep]})
        agg = df.groupby("group", sort=True).sum()
        parts.append(pd.DataFrame({
            "period": period, "by": by, "group": agg.index.astype("str"),
            "members_current": agg["cur"].to_numpy("int64"),
            "members_active": agg["act"].to_numpy("int64"),
            "share_active": (agg["act"] / agg["cur"]).to_numpy("float64"),
            "interactions": agg["inter"].to_numpy("int64")}))
    if not parts:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    return pd.concat(parts, ignore_index=True)
