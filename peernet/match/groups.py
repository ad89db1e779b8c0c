"""Small peer learning groups that meet again: ``pn.groups``.

Members are pooled by level (equal footing), language (everyone in a group shares one) and
any ``within`` attribute, anchored on one topic each, and each topic pool is split into
balanced groups that mix organizations and sectors; no group holds two members of one
supervision chain. Each group gets a convener, a proposed first date, a format and the
problem to bring (``plans.py``). The method: ``docs/matching.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..network import PeerNetwork
from ..schema import split_list
from ..ties import in_sorted, pair_keys
from .constraints import chain_keys
from .formats import problem_log, trainings
from .levels import LevelMap, infer_levels, load_level_map
from .plans import conveners, first_dates, group_formats, invitations
from .profiles import (
    EVIDENCE,
    attr,
    available,
    check_choice,
    norm_topics,
    positive_int,
    profiles,
    reference_time,
)
from .result import MatchResult, member_labels

__all__ = ["groups", "GROUP_COLUMNS"]

GROUP_COLUMNS = ["group", "topic", "language", "level", "size", "members", "convener",
                 "convener_reason", "first_date", "meeting_slot", "date_reason", "format",
                 "problem_to_bring", "format_reason", "n_experts", "n_orgs", "n_sectors",
                 "n_regions", "same_org_pairs", "chain_pairs", "shared_topics", "invitation"]
_ATTRS = ("org", "region", "sector", "language")


def groups(net: PeerNetwork, *, size: tuple[int, int] = (4, 6),
           topic: str | Sequence[str] | None = None,
           mix: Sequence[str] = ("org", "sector"), within: str | Sequence[str] | None = None,
           members: Sequence[str] | None = None, levels: str = "same",
           language: str = "require",
           level_map: str | Path | LevelMap | None = None, start: Any = None,
           seed: int = 0) -> MatchResult:
    """Form small peer learning groups that share a topic, mix organizations and sectors,
    and are ready to meet: a convener, a first date, a format and the problem to bring.

    Members are selected (``members=``, else every current member with a need or an
    expertise) and pooled: by level (``levels="same"``: equal footing, as the factsheet
    asks), by language (``language="require"``: everyone in a group shares one; a member
    who speaks several joins the pool of the least spoken one), and by ``within``. In each
    pool every member is given one *anchor topic* among their needs and expertise, and each
    topic pool is split into groups of ``size[0]`` to ``size[1]`` members whose sizes differ
    by at most one, dealt experts first and improved by swaps that lower the number of pairs
    sharing a ``mix`` attribute. Two members of one supervision chain are never in one group.

    Parameters
    ----------
    net : PeerNetwork
    size : (int, int), default (4, 6)
        Smallest and largest group size.
    topic : str or sequence of str, optional
        Form groups on these topics only.
    mix : sequence of {"org", "region", "sector", "language"}, default ("org", "sector")
        Member attributes to spread across groups (fewest same-value pairs in a group).
    within : str or sequence of str, optional
        Attributes every group must share, e.g. ``"region"`` for regional groups.
    members : sequence of str, optional
        The member ids to group (default: current members with a need or expertise).
    levels : {"same", "ignore"}, default "same"
        Pool members by level (``levels.toml``) or not.
    language : {"require", "ignore"}, default "require"
        Pool members by a language they speak (members without one are left out).
    level_map : path or LevelMap, optional
        Your own levels file.
    start : date-like, optional
        The reference date: first dates are proposed from 14 days after it, and conveners
        must have been active in the six months before it. Default: a slice's end, else
        today.
    seed : int, default 0
        Order of members with equal standing, reproducibly.

    Returns
    -------
    MatchResult
        ``.groups`` one row a group (columns :data:`GROUP_COLUMNS`): topic, shared language,
        level, members, ``convener`` and why, ``first_date`` / ``meeting_slot`` and why,
        ``format`` / ``problem_to_bring`` and why, the mix (``n_orgs``, ``n_sectors``,
        ``same_org_pairs``, ``chain_pairs`` = 0) and a draft ``invitation``.
        ``.members`` one row a grouped member; ``.left_out`` members not placed and why.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> g = pn.groups(net, size=(4, 6), start="2026-01-05")
    >>> bool(g.groups["size"].between(4, 6).all())
    True
    >>> bool((g.groups["convener"] != "").all() and (g.groups["chain_pairs"] == 0).all())
    True
    """
    lo, hi = _check_size(size)
    mix = (mix,) if isinstance(mix, str) else tuple(mix)
    bad = [x for x in mix if x not in _ATTRS]
    if bad:
        raise ValueError(f"groups: mix must name some of {list(_ATTRS)}; got {bad}")
    within = () if within is None else (within,) if isinstance(within, str) else tuple(within)
    bad = [x for x in within if x not in _ATTRS]
    if bad:
        raise ValueError(f"groups: within must name some of {list(_ATTRS)}; got {bad}")
    check_choice("groups", "levels", levels, ("same", "ignore"))
    check_choice("groups", "language", language, ("require", "ignore"))
    reference = reference_time(net) if start is None else _timestamp(start)
    roster = net.members.drop_duplicates("member_id").reset_index(drop=True)
    ids = pd.Index(roster["member_id"].astype("str"))
    lvl = infer_levels(roster, load_level_map(level_map))
    need_long, exp_long = profiles(net, None, None, EVIDENCE)
    interest = pd.concat([need_long.assign(expert=False), exp_long.assign(expert=True)])
    interest = interest.groupby(["member_id", "topic"], as_index=False)["expert"].max()
    if members is None:
        chosen = available(net).intersection(interest["member_id"].unique())
    else:
        chosen = pd.Index([str(x) for x in members])
        unknown = chosen.difference(ids)
        if len(unknown):
            raise ValueError(f"groups: members not on the roster: {list(unknown[:5])}")
    interest = interest[interest["member_id"].isin(chosen)]
    if topic is not None:
        wanted = [topic] if isinstance(topic, str) else list(topic)
        wanted = list(norm_topics(pd.Series(wanted, dtype="str")))
        interest = interest[interest["topic"].isin(wanted)]
    attrs = pd.DataFrame({"member_id": ids})
    for col in _ATTRS:
        attrs[col] = attr(roster, col).to_numpy(dtype=object)
    attrs["level"] = lvl["level"].to_numpy(dtype=object)
    attrs["pool_language"] = _pool_language(
        roster, interest, lvl["level"] if levels == "same" else pd.Series("", index=lvl.index))
    chain = chain_keys(roster, ids)
    order = pd.Series(np.random.default_rng(seed).random(len(ids)), index=ids)

    no_topic = chosen.difference(interest["member_id"].unique())
    left = [pd.DataFrame({"member_id": no_topic.astype("str"),
                          "reason": "no need or expertise" + (" in the topic(s) asked"
                                                              if topic is not None else "")})]
    att = attrs.set_index("member_id")
    if language == "require":
        mute = interest["member_id"].isin(att.index[att["pool_language"].isna()])
        gone = interest.loc[mute, "member_id"].drop_duplicates()
        left.append(pd.DataFrame({"member_id": gone.astype("str"),
                                  "reason": "no language on the roster: a group needs one "
                                            "language everyone speaks"}))
        interest = interest[~mute]
    keys = [*within, *(["level"] if levels == "same" else []),
            *(["pool_language"] if language == "require" else [])]
    interest = interest.join(att[keys], on="member_id") if keys else interest
    parts = interest.groupby(keys, dropna=False) if keys else [((), interest)]
    rows: list[tuple[tuple[Any, ...], str, list[str]]] = []
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        anchored, dropped = _anchor(part, lo)
        if len(dropped):
            where = ", ".join(f"{'language' if k == 'pool_language' else k} {v}"
                              for k, v in zip(keys, key, strict=True))
            extra = f" among those with {where}" if where else ""
            left.append(dropped.assign(reason=dropped["reason"] + extra))
        for t, pool in anchored.groupby("topic", sort=True):
            pool = pool[["member_id", "topic", "expert"]].join(att, on="member_id")
            pool["tiebreak"] = order.reindex(pool["member_id"]).to_numpy()
            assignment, extra_ids = _form(pool, lo, hi, mix, chain, ids)
            if len(extra_ids):
                left.append(pd.DataFrame({"member_id": extra_ids, "reason": (
                    f"pool of {len(pool)} on {t} cannot be split into groups of {lo}-{hi}")}))
            assignment, cut = _drop_chains(assignment, chain, ids, lo, str(t))
            left.extend(cut)
            rows.extend((key, str(t), mem) for mem in assignment)
    ungrouped = pd.concat(left, ignore_index=True).sort_values("member_id")
    out, long = _assemble(rows, keys, interest, attrs, chain, ids)
    out = _plan(out, long, net, exp_long, reference)
    return MatchResult(groups=out[GROUP_COLUMNS + [c for c in within if c not in
                                                   GROUP_COLUMNS]],
                       members=long.reset_index(drop=True),
                       left_out=ungrouped.reset_index(drop=True),
                       levels=lvl.assign(role=roster["role"].astype("string")
                                         if "role" in roster.columns else pd.NA),
                       people=member_labels(roster),
                       params={"size": (lo, hi), "topic": topic, "mix": list(mix),
                               "within": list(within), "levels": levels,
                               "language": language, "start": str(reference.date()),
                               "seed": seed},
                       kind="groups")


def _timestamp(value: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"groups: start must be a date; got {value!r}") from err
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _pool_language(roster: pd.DataFrame, interest: pd.DataFrame,
                   level: pd.Series) -> np.ndarray:
    """Each member's pool language: their only one; for a member who speaks several, the one
    that gives them the largest topic pool at their level (ties: the least spoken language,
    whose groups need bilingual members most)."""
    langs = split_list(attr(roster, "language").dropna()).str.lower()
    who = roster["member_id"].astype("str")
    long = pd.DataFrame({"i": langs.index, "member_id": who.loc[langs.index].to_numpy(),
                         "lang": langs.to_numpy()})
    long["level"] = level.loc[long["i"]].to_numpy()
    chosen = long[long["member_id"].isin(interest["member_id"])]
    spoken = chosen["lang"].value_counts()
    topic = chosen.merge(interest[["member_id", "topic"]], on="member_id")
    pool = topic.groupby(["topic", "level", "lang"])["member_id"].transform("nunique")
    best_pool = topic.assign(pool=pool.to_numpy()).groupby(["i", "lang"])["pool"].max()
    long["pool"] = best_pool.reindex(pd.MultiIndex.from_frame(long[["i", "lang"]])) \
        .fillna(0).to_numpy()
    long["spoken"] = spoken.reindex(long["lang"]).fillna(0).to_numpy()
    best = long.sort_values(["i", "pool", "spoken", "lang"],
                            ascending=[True, False, True, True]).drop_duplicates("i")
    return best.set_index("i")["lang"].reindex(range(len(roster))).to_numpy(dtype=object)


def _drop_chains(assignment: list[list[str]], chain: np.ndarray, ids: pd.Index, lo: int,
                 topic: str) -> tuple[list[list[str]], list[pd.DataFrame]]:
    """Remove members so that no group holds two members of one supervision chain; a group
    that falls below ``lo`` is dissolved (its members are reported)."""
    keep, cut = [], []
    for mem in assignment:
        mem = list(mem)
        removed: list[str] = []
        while True:
            idx = ids.get_indexer(mem)
            a, b = np.meshgrid(idx, idx, indexing="ij")
            bad = in_sorted(pair_keys(a.ravel(), b.ravel(), len(ids)), chain).reshape(
                len(mem), len(mem))
            np.fill_diagonal(bad, False)
            if not bad.any():
                break
            worst = int(np.argmax(bad.sum(axis=1)))
            other = mem[int(np.flatnonzero(bad[worst])[0])]
            removed.append(mem.pop(worst))
            cut.append(pd.DataFrame({"member_id": [removed[-1]], "reason": [
                f"the {topic} group would include {other}, in the same supervision chain"]}))
        if len(mem) >= lo:
            keep.append(sorted(mem))
        elif mem:
            cut.append(pd.DataFrame({"member_id": mem, "reason": (
                f"the {topic} group fell below {lo} members once a supervision chain was "
                "split")}))
    return keep, cut


def _assemble(rows: list[tuple[tuple[Any, ...], str, list[str]]], keys: list[str],
              interest: pd.DataFrame, attrs: pd.DataFrame, chain: np.ndarray,
              ids: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The group table (mix columns) and the long member table, vectorised over groups."""
    sizes = [len(mem) for _, _, mem in rows]
    long = pd.DataFrame({
        "group": np.repeat(np.arange(1, len(rows) + 1), sizes).astype("int64"),
        "member_id": pd.Series([m_ for _, _, mem in rows for m_ in mem], dtype="str"),
        "topic": pd.Series(np.repeat([t for _, t, _ in rows], sizes), dtype="str"),
    })
    expert = interest[interest["expert"]][["member_id", "topic"]].assign(is_expert=True)
    long = long.merge(expert, on=["member_id", "topic"], how="left")
    long["role"] = np.where(long["is_expert"].fillna(False).astype(bool), "expert", "learner")
    a = attrs.set_index("member_id")
    long = long.join(a[["level", "org", "sector", "region", "pool_language"]], on="member_id")
    long = long.rename(columns={"pool_language": "language"}).drop(columns=["is_expert"])
    by = long.groupby("group", sort=True)
    out = pd.DataFrame({
        "group": np.arange(1, len(rows) + 1, dtype="int64"),
        "topic": pd.Series([t for _, t, _ in rows], dtype="str"),
        "size": np.asarray(sizes, dtype="int64"),
        "members": pd.Series(["; ".join(mem) for _, _, mem in rows], dtype="str"),
    })
    for i, name in enumerate(keys):
        col = "language" if name == "pool_language" else name
        out[col] = pd.Series([key[i] for key, _, _ in rows], dtype="str")
    for col in ("language", "level"):
        if col not in out.columns:
            out[col] = pd.Series(by[col].agg(lambda s: "; ".join(sorted(set(s.dropna()))))
                                 .reindex(out["group"]).to_numpy(), dtype="str")
    grp = out["group"]
    out["n_experts"] = (long["role"] == "expert").groupby(long["group"]).sum().reindex(
        grp, fill_value=0).to_numpy(dtype="int64")
    for col, name in (("org", "n_orgs"), ("sector", "n_sectors"), ("region", "n_regions")):
        out[name] = by[col].nunique().reindex(grp, fill_value=0).to_numpy(dtype="int64")
    per_org = long.dropna(subset=["org"]).groupby(["group", "org"]).size()
    out["same_org_pairs"] = (per_org * (per_org - 1) // 2).groupby(level="group").sum() \
        .reindex(grp, fill_value=0).to_numpy(dtype="int64")
    pairs = long[["group", "member_id"]].merge(long[["group", "member_id"]], on="group")
    pairs = pairs[pairs["member_id_x"] < pairs["member_id_y"]]
    in_chain = in_sorted(pair_keys(ids.get_indexer(pairs["member_id_x"]),
                                   ids.get_indexer(pairs["member_id_y"]), len(ids)), chain)
    out["chain_pairs"] = pd.Series(in_chain.astype("int64"), index=pairs.index) \
        .groupby(pairs["group"]).sum().reindex(grp, fill_value=0).to_numpy(dtype="int64")
    other = long[["group", "member_id", "topic"]].merge(
        interest[["member_id", "topic"]].rename(columns={"topic": "other"}), on="member_id")
    other = other[other["other"] != other["topic"]]
    count = other.groupby(["group", "other"])["member_id"].nunique().reset_index(name="n")
    count = count[count["n"] * 2 >= count["group"].map(out.set_index("group")["size"])]
    shared = count.sort_values(["group", "other"]).groupby("group")["other"].agg("; ".join)
    out["shared_topics"] = pd.Series(shared.reindex(grp).fillna("").to_numpy(), dtype="str")
    return out, long


def _plan(out: pd.DataFrame, long: pd.DataFrame, net: PeerNetwork, exp_long: pd.DataFrame,
          reference: pd.Timestamp) -> pd.DataFrame:
    """Add convener, first date, format and invitation to each group."""
    log = problem_log(net)
    taught = trainings(net, pd.Index(out["topic"].unique()))
    conv = conveners(long, exp_long, log, taught, net, reference)
    dates = first_dates(long, net, reference)
    formats = group_formats(long, log, taught, conv.set_index("group")["convener"])
    for extra in (conv, dates, formats):
        out = out.merge(extra, on="group", how="left")
    for col in ("convener", "convener_reason", "first_date", "meeting_slot", "date_reason",
                "format", "problem_to_bring", "format_reason"):
        out[col] = out[col].fillna("").astype("str")
    out["invitation"] = invitations(out, {})
    return out


def _check_size(size: Any) -> tuple[int, int]:
    try:
        lo, hi = size
    except (TypeError, ValueError) as err:
        raise ValueError(f"groups: size must be a pair (smallest, largest); got {size!r}") \
            from err
    lo = positive_int("size[0]", lo, "groups")
    hi = positive_int("size[1]", hi, "groups")
    if lo < 2 or hi < lo:
        raise ValueError(f"groups: size must satisfy 2 <= smallest <= largest; got {size!r}")
    return lo, hi


def _anchor(interest: pd.DataFrame, lo: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each member one topic: the one with the largest pool; pools below ``lo`` dissolve
    and their members move to their next topic, until every pool is viable or empty."""
    live = interest.copy()
    while True:
        pool = live.groupby("topic")["member_id"].transform("nunique")
        live = live.assign(pool=pool.to_numpy())
        best = (live.sort_values(["member_id", "pool", "expert", "topic"],
                                 ascending=[True, False, False, True])
                .drop_duplicates("member_id"))
        sizes = best.groupby("topic").size()
        small = sizes[sizes < lo].index
        if len(small) == 0:
            dropped = interest.loc[~interest["member_id"].isin(best["member_id"]),
                                   "member_id"].drop_duplicates()
            return (best[["member_id", "topic", "expert"]].reset_index(drop=True),
                    pd.DataFrame({"member_id": dropped.astype("str"),
                                  "reason": f"no topic shared by at least {lo} members"}))
        # drop the smallest under-size pool's topic for everyone, then try again
        worst = sizes[small].sort_values(kind="stable").index[0]
        live = live[live["topic"] != worst].drop(columns=["pool"])
        if live.empty:
            dropped = interest["member_id"].drop_duplicates()
            return (live[["member_id", "topic", "expert"]],
                    pd.DataFrame({"member_id": dropped.astype("str"),
                                  "reason": f"no topic shared by at least {lo} members"}))


def _form(pool: pd.DataFrame, lo: int, hi: int, mix: Sequence[str], chain: np.ndarray,
          ids: pd.Index) -> tuple[list[list[str]], list[str]]:
    """Split one topic pool into balanced groups and improve the mix by pairwise swaps."""
    n = len(pool)
    g = math.ceil(n / hi)
    if g * lo > n:
        g = n // lo
    if g == 0:
        return [], list(pool["member_id"])
    placed = min(n, g * hi)
    # deal: experts first, then by org (largest org first), ties by seeded order
    org_size = pool.groupby("org", dropna=False)["member_id"].transform("size")
    pool = pool.assign(org_size=org_size.to_numpy()).sort_values(
        ["expert", "org_size", "org", "tiebreak"], ascending=[False, False, True, True],
        na_position="last")
    dealt = pool.iloc[:placed]
    extra = list(pool["member_id"].iloc[placed:])
    label = np.arange(placed) % g
    mem = dealt["member_id"].to_numpy(dtype=object)
    expert = dealt["expert"].to_numpy(bool)
    idx = ids.get_indexer(mem)
    # pair penalty matrix: chain pairs 100, same value of a mixed attribute 1
    pen = np.zeros((placed, placed))
    for col in mix:
        v = dealt[col].to_numpy(dtype=object)
        ok = pd.notna(v)
        pen += (ok[:, None] & ok[None, :] & (v[:, None] == v[None, :]))
    a, b = np.meshgrid(idx, idx, indexing="ij")
    pen += 100 * in_sorted(pair_keys(a.ravel(), b.ravel(), len(ids)), chain).reshape(placed, placed)
    np.fill_diagonal(pen, 0)
    # local search, in batches of at most 8 groups (dealing spread every org over all
    # batches): swap the two members (different groups, same expert status) whose swap
    # lowers the total within-group penalty most, until no swap helps
    for first in range(0, g, 8):
        sel = np.flatnonzero((label >= first) & (label < first + 8))
        _improve(label, sel, pen[np.ix_(sel, sel)], expert[sel])
    out = [sorted(mem[label == h].tolist()) for h in range(g)]
    return out, extra


def _improve(label: np.ndarray, sel: np.ndarray, pen: np.ndarray, expert: np.ndarray) -> None:
    """Best-improvement pairwise swaps of ``label[sel]`` (in place) under pair penalty ``pen``."""
    lab = label[sel]
    groups_ = np.unique(lab)
    if len(groups_) < 2:
        return
    lab = np.searchsorted(groups_, lab)
    n = len(sel)
    same_status = expert[:, None] == expert[None, :]
    for _ in range(20 * n):
        load = pen @ np.eye(len(groups_))[lab]  # load[i, h] = penalty of i with group h
        own = load[np.arange(n), lab]
        cross = load[:, lab]  # cross[i, j] = penalty of i in j's group
        delta = cross - own[:, None] + cross.T - own[None, :] - 2 * pen
        delta[~same_status | (lab[:, None] == lab[None, :])] = np.inf
        i, j = np.unravel_index(int(np.argmin(delta)), delta.shape)
        if not delta[i, j] < -1e-9:
            break
        lab[i], lab[j] = lab[j], lab[i]
    label[sel] = groups_[lab]
