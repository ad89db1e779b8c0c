"""Who needs and who offers what: needs and expertise as long tables, and small shared helpers.

Needs and expertise come from the roster (``needs`` / ``expertise`` list columns) and the
problem log (a member who raised a problem on a topic needs it; a helper has shown expertise,
*proven* when the problem was solved). Topics are compared case- and spacing-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..metrics.followup import solved
from ..network import PeerNetwork
from ..schema import split_list

__all__ = ["EVIDENCE", "norm_topics", "profiles", "available", "attr", "codes",
           "check_choice", "positive_int", "PROFILE_COLUMNS"]

EVIDENCE = ("roster", "problems")
PROFILE_COLUMNS = ["member_id", "topic", "n_roster", "n_problems", "n_solved"]


def norm_topics(s: pd.Series) -> pd.Series:
    """Topics compared case- and spacing-insensitively: ``Data Sharing`` == ``data_sharing``."""
    return (s.astype("str").str.strip().str.lower()
            .str.replace(r"[\s\-]+", "_", regex=True))


def _long_from(value: Any, *, what: str) -> pd.DataFrame:
    """A user-given needs/expertise table as long ``member_id, topic``."""
    if isinstance(value, pd.DataFrame):
        missing = [c for c in ("member_id", "topic") if c not in value.columns]
        if missing:
            raise ValueError(f"match: {what} must have columns 'member_id' and 'topic'; "
                             f"columns are {list(value.columns)}")
        df = value[["member_id", "topic"]].dropna()
        topics = split_list(df["topic"])
        out = pd.DataFrame({"member_id": df["member_id"].astype("str").loc[topics.index],
                            "topic": topics})
    elif isinstance(value, Mapping):
        ids, topics_ = [], []
        for member, items in value.items():
            items = [items] if isinstance(items, str) else list(items)
            for item in items:
                for t in str(item).split(";"):
                    if t.strip():
                        ids.append(str(member))
                        topics_.append(t.strip())
        out = pd.DataFrame({"member_id": pd.Series(ids, dtype="str"),
                            "topic": pd.Series(topics_, dtype="str")})
    else:
        raise TypeError(f"match: {what} must be None, a DataFrame with columns member_id and "
                        f"topic, or a mapping member_id -> topics; got {type(value).__name__}")
    out["topic"] = norm_topics(out["topic"])
    out["n_roster"] = 1
    out["n_problems"] = 0
    out["n_solved"] = 0
    return out.reset_index(drop=True)


def solved_mask(p: pd.DataFrame) -> pd.Series:
    """Problems of the log that were solved, by the one definition of
    :func:`peernet.metrics.followup.solved` (status ``solved``; without a status, a
    ``solved_at`` date)."""
    return pd.Series(solved(p), index=p.index)


def profiles(net: PeerNetwork, needs: Any = None, expertise: Any = None,
             evidence: Sequence[str] = EVIDENCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long tables ``member_id, topic, n_roster, n_problems, n_solved`` of needs and expertise.

    Roster: the ``needs`` / ``expertise`` list columns. Problem log: a member who raised a
    problem on a topic needs it; a member listed among its helpers has shown expertise in it
    (``n_solved`` counts the problems helped on that were solved).
    """
    cols = PROFILE_COLUMNS
    parts: dict[str, list[pd.DataFrame]] = {"needs": [], "expertise": []}
    m = net.members
    if "roster" in evidence:
        for side in ("needs", "expertise"):
            if side in m.columns:
                t = split_list(m[side])
                parts[side].append(pd.DataFrame({
                    "member_id": m["member_id"].loc[t.index].to_numpy(),
                    "topic": norm_topics(t).to_numpy(), "n_roster": 1, "n_problems": 0,
                    "n_solved": 0}))
    p = net.problems
    if "problems" in evidence and len(p) and "topic" in p.columns:
        p = p[p["topic"].notna() & (p["topic"].astype("str").str.strip() != "")]
        topic = norm_topics(p["topic"])
        parts["needs"].append(pd.DataFrame({
            "member_id": p["raised_by"].to_numpy(), "topic": topic.to_numpy(), "n_roster": 0,
            "n_problems": 1, "n_solved": 0}))
        if "helpers" in p.columns:
            solved = solved_mask(p)
            h = split_list(p["helpers"])
            parts["expertise"].append(pd.DataFrame({
                "member_id": h.to_numpy(), "topic": topic.loc[h.index].to_numpy(),
                "n_roster": 0, "n_problems": 1,
                "n_solved": solved.loc[h.index].astype(int).to_numpy()}))
    out = []
    for side, given in (("needs", needs), ("expertise", expertise)):
        if given is not None:
            df = _long_from(given, what=side)
        elif parts[side]:
            df = pd.concat(parts[side], ignore_index=True)
        else:
            df = pd.DataFrame({c: pd.Series(dtype="str" if c in cols[:2] else "int64")
                               for c in cols})
        df = df[df["topic"] != ""]
        df = (df.groupby(["member_id", "topic"], as_index=False, sort=True)
              [["n_roster", "n_problems", "n_solved"]].sum())
        out.append(df[cols])
    return out[0], out[1]


def codes(values: pd.Series | np.ndarray, index: pd.Index) -> np.ndarray:
    """Position of each id in ``index`` (-1 when absent)."""
    return np.asarray(index.get_indexer(pd.Series(values).astype("str")))


def reference_time(net: PeerNetwork) -> pd.Timestamp:
    """The date the matching is made for: a slice's end, else today (UTC)."""
    if net.window is not None:
        return net.window.end_utc
    return pd.Timestamp.now(tz="UTC")


def available(net: PeerNetwork) -> pd.Index:
    """Members who can be matched: on the roster (not ``unmatched``), joined before the end of
    the slice, and not gone by then (``left`` empty or later than the slice's end; on a
    whole network, later than today)."""
    m = net.members
    keep = m["member_id"].isin(net.members_current())
    if "unmatched" in m.columns:
        keep &= ~m["unmatched"].fillna(False).astype(bool)
    if "left" in m.columns:
        keep &= ~(m["left"] < reference_time(net)).fillna(False).astype(bool)
    return pd.Index(m.loc[keep, "member_id"].astype("str"))


def attr(members: pd.DataFrame, column: str) -> pd.Series:
    """A roster column as stripped strings, None where empty or absent."""
    if column in members.columns:
        s = members[column].astype("str").str.strip()
        return s.where(members[column].notna() & (s != ""), None)
    return pd.Series(None, index=members.index, dtype="object")


def check_choice(where: str, name: str, value: Any, options: Sequence[Any]) -> None:
    """ValueError naming the argument, the value and the options."""
    if not any(value is o or (o is not None and not isinstance(o, bool) and value == o)
               for o in options):
        raise ValueError(f"{where}: {name} must be one of {list(options)}; got {value!r}")


def positive_int(name: str, value: Any, where: str) -> int:
    """``value`` as an int >= 1, else a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer; got {value!r}")
    return int(value)
