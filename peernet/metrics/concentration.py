"""Concentration and engagement: who carries the network (CHAOSS-style, for peer networks)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..network import ACT_COLUMNS, PeerNetwork
from ..schema import INTERACTION_KINDS, split_list

__all__ = ["absence_factor", "elephant_factor", "engagement_ladder", "help_flow",
           "CONTRIBUTION_KINDS", "HELP_KINDS", "LADDER_THRESHOLDS"]

#: Acts that count as contributions: everything but attending (being there is not adding).
CONTRIBUTION_KINDS = tuple(k for k in INTERACTION_KINDS if k != "attend")
#: Acts that count as help given by ``source`` to ``target``.
HELP_KINDS = ("help", "resource", "referral")
#: Cumulative shares of contributions closing the ``core`` and ``regular`` rungs.
LADDER_THRESHOLDS = {"core": 0.5, "regular": 0.9}


def _contributions(net: Any, kinds) -> pd.Series:
    inter = net.acts(ACT_COLUMNS)     # a contact is an act of both people (PeerNetwork.acts)
    kinds = CONTRIBUTION_KINDS if kinds is None else tuple(kinds)
    bad = [k for k in kinds if k not in INTERACTION_KINDS]
    if bad:
        raise ValueError(f"kinds must be interaction kinds {list(INTERACTION_KINDS)}; "
                         f"got {bad}")
    rows = inter.loc[inter["kind"].isin(kinds).to_numpy(), "source"]
    return rows.value_counts().sort_values(ascending=False, kind="stable")


def _fewest(counts: np.ndarray, share: float) -> float:
    counts = np.sort(np.asarray(counts, float))[::-1]
    total = counts.sum()
    if total == 0:
        return float("nan")
    return int(np.searchsorted(np.cumsum(counts), share * total - 1e-9) + 1)


def _check_share(share: float) -> None:
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1]; got {share!r}")


def absence_factor(net: PeerNetwork, *, share: float = 0.5, kinds: list[str] | None = None
                   ) -> float:
    """The fewest members who together made ``share`` (50%) of all contributions.

    Contributions are the members' acts of :data:`CONTRIBUTION_KINDS` (every kind but
    ``attend``) in the slice; a contact (a mutual kind) is an act of both people, so the
    order in which a contact log writes the two ids changes nothing.

    Returns
    -------
    int or float
        A count of members; NaN when nobody contributed.

    Notes
    -----
    CHAOSS's "bus factor": 3 means three people's absence would silence half of the
    network's exchange. In a 150-member network, an absence factor of 10 or more is a
    healthy spread; 1-3 means the network runs on a handful of people.

    References
    ----------
    CHAOSS Project (2023). Contributor Absence Factor. https://chaoss.community

    Examples
    --------
    >>> pn.metrics.absence_factor(pn.load_sample("riverbend").period("2025")) > 5
    True
    """
    _check_share(share)
    return _fewest(_contributions(net, kinds).to_numpy(), share)


def elephant_factor(net: PeerNetwork, *, share: float = 0.5, kinds: list[str] | None = None
                    ) -> float:
    """The fewest organizations whose members made ``share`` (50%) of contributions.

    Members without an ``org`` are left out; NaN when no contributor has one.

    Notes
    -----
    CHAOSS's elephant factor: 1 means one organization (often the host agency) produces
    half of everything, a dependence a peer network usually wants to grow out of.

    References
    ----------
    CHAOSS Project (2023). Elephant Factor. https://chaoss.community

    Examples
    --------
    >>> pn.metrics.elephant_factor(pn.load_sample("riverbend").period("2025")) >= 1
    True
    >>> import math; math.isnan(pn.metrics.elephant_factor(pn.load_sample("davis")))
    True
    """
    _check_share(share)
    counts = _contributions(net, kinds)
    if "org" not in net.members.columns:
        return float("nan")
    org = net.members.drop_duplicates("member_id").set_index("member_id")["org"]
    by_org = counts.groupby(org.reindex(counts.index).to_numpy(), dropna=True).sum()
    return _fewest(by_org.to_numpy(), share)


def engagement_ladder(net: PeerNetwork, *, kinds: list[str] | None = None,
                      thresholds: dict[str, float] | None = None) -> pd.DataFrame:
    """Place every active member on a rung: core, regular, casual or observer.

    Members are ranked by contributions; ``core`` are the most active members who together
    made the first 50% of contributions, ``regular`` those up to 90%, ``casual`` the rest
    who contributed at all, ``observer`` active members who only attended.

    Parameters
    ----------
    thresholds : dict, optional
        Cumulative shares closing each rung, default :data:`LADDER_THRESHOLDS`
        ``{"core": 0.5, "regular": 0.9}``.

    Returns
    -------
    DataFrame
        ``member_id``, ``contributions``, ``share_contributions``, ``share_cumulative``
        (share made by this member and everyone more active), ``level`` (category, ordered
        core > regular > casual > observer). Sorted by member_id.

    Notes
    -----
    A member is core when the members ranked above them made less than 50% together, so the
    core has exactly :func:`absence_factor` members. Ties in rank are broken by member_id.

    Examples
    --------
    >>> lad = pn.metrics.engagement_ladder(pn.load_sample("riverbend").period("2025"))
    >>> lad["level"].cat.categories.tolist()
    ['core', 'regular', 'casual', 'observer']
    """
    th = {**LADDER_THRESHOLDS, **(thresholds or {})}
    if not 0 < th["core"] <= th["regular"] <= 1:
        raise ValueError(f"thresholds must satisfy 0 < core <= regular <= 1; got {th}")
    counts = _contributions(net, kinds)
    active = net.members_active()
    df = pd.DataFrame({"member_id": pd.array(active.tolist(), dtype="str")})
    c = counts.reindex(active).fillna(0).to_numpy(float)
    df["contributions"] = c.astype(np.int64)
    total = c.sum()
    order = np.lexsort((np.arange(len(c)), -c))
    cum = np.zeros(len(c))
    before = np.zeros(len(c))
    if total > 0:
        cs = np.cumsum(c[order]) / total
        cum[order] = cs
        before[order] = cs - c[order] / total
    df["share_contributions"] = c / total if total > 0 else np.nan
    df["share_cumulative"] = np.where(c > 0, cum, np.nan)
    level = np.where(c == 0, "observer",
                     np.where(before < th["core"] - 1e-12, "core",
                              np.where(before < th["regular"] - 1e-12, "regular", "casual")))
    df["level"] = pd.Categorical(level, categories=["core", "regular", "casual", "observer"],
                                 ordered=True)
    return df


def help_flow(net: PeerNetwork, *, burnout_min: int = 5) -> pd.DataFrame:
    """Help given and received by each member, and who only gives.

    Help is an interaction of :data:`HELP_KINDS` (help, resource, referral) from ``source``
    to ``target``, plus, in the problem log, each helper of a problem raised in the slice
    helping the member who raised it.

    Parameters
    ----------
    burnout_min : int, default 5
        Least help given, with none received, to flag ``burnout_risk``.

    Returns
    -------
    DataFrame
        ``member_id``, ``help_given``, ``help_received``, ``give_receive_ratio``
        (given / received; NaN when nothing was received), ``only_gives`` (gave, received
        nothing), ``burnout_risk`` (only gives and gave at least ``burnout_min`` times).
        Members who gave or received any help, sorted by member_id.

    Notes
    -----
    Peer networks live on reciprocity; a few members who carry the helping without being
    helped back are the first to leave (Backer & Kern's Bedrock: Trust, Time).

    Examples
    --------
    >>> h = pn.metrics.help_flow(pn.load_sample("riverbend").period("2025"))
    >>> int(h["help_given"].sum()) == int(h["help_received"].sum())
    True
    """
    inter = net.interactions
    parts_src, parts_tgt = [], []
    if "target" in inter.columns:
        h = inter.loc[inter["kind"].isin(HELP_KINDS).to_numpy() & inter["target"].notna()
                      .to_numpy() & (inter["source"] != inter["target"]).to_numpy()]
        parts_src.append(h["source"].astype("str"))
        parts_tgt.append(h["target"].astype("str"))
    p = net.problems
    if len(p) and "helpers" in p.columns:
        helpers = split_list(p["helpers"])
        raised = p.loc[helpers.index, "raised_by"].astype("str")
        keep = (helpers.to_numpy() != raised.to_numpy())
        parts_src.append(helpers[keep].astype("str"))
        parts_tgt.append(raised[keep])
    src = pd.concat(parts_src, ignore_index=True) if parts_src else pd.Series(dtype="str")
    tgt = pd.concat(parts_tgt, ignore_index=True) if parts_tgt else pd.Series(dtype="str")
    given = src.value_counts()
    received = tgt.value_counts()
    ids = sorted(set(given.index) | set(received.index))
    g = given.reindex(ids).fillna(0).to_numpy(np.int64)
    r = received.reindex(ids).fillna(0).to_numpy(np.int64)
    df = pd.DataFrame({"member_id": pd.array(ids, dtype="str"), "help_given": g,
                       "help_received": r})
    with np.errstate(divide="ignore", invalid="ignore"):
        df["give_receive_ratio"] = np.where(r > 0, g / np.maximum(r, 1), np.nan)
    df["only_gives"] = (g > 0) & (r == 0)
    df["burnout_risk"] = df["only_gives"] & (g >= burnout_min)
    return df
