"""Follow-up numbers: problems raised and solved, days to solve, outcomes recorded, help
across organizations, follow-up actions done and done on time.

One implementation for the two places that show them: the evaluation's follow-up table
(:attr:`peernet.Evaluation.followup`, ``tables/problem_solving.csv`` of the report) and the
Grid's indicators (``share_solved``, ``median_days_to_solve``, ``problems_with_outcome``,
``actions_closed_on_time``, ``help_across_orgs``), so a number shown in both is the same.

Definitions (``docs/grid.md``):

- a problem is *solved* when its ``status`` is ``solved``; without a status (no column, or an
  empty cell) when it has a ``solved_at`` date. It is *closed* when solved or ``dropped``;
- *days to solve*: ``solved_at - raised_at`` of the solved problems with a ``solved_at``;
- *help*: every (giver, receiver) pair of a problem's ``helpers`` and its ``raised_by``, and
  of each interaction of kind ``help`` (source, target); self-help and people who are not on
  the roster are left out. It crosses organizations when the two members' ``org`` differ
  (both known);
- an action is *done on time* when ``done_at`` falls on or before its ``due`` day, both
  read as calendar days in the network's time zone.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..network import PeerNetwork
from ..schema import split_list

__all__: list[str] = []  # public-internal: used by peernet.evaluation and peernet.grid

#: The follow-up table's metrics, in its order.
FOLLOWUP_METRICS = ("problems_raised", "share_problems_solved", "median_days_to_solve",
                    "share_problems_with_outcome", "share_help_across_orgs", "actions_due",
                    "share_actions_done", "share_actions_on_time")


class Tally(NamedTuple):
    """A share as its two counts: ``num`` of ``den`` (``value`` is NaN when ``den`` is 0)."""

    num: int
    den: int

    @property
    def value(self) -> float:
        return self.num / self.den if self.den else math.nan


def solved(problems: pd.DataFrame) -> np.ndarray:
    """Boolean mask of solved problems: status ``solved``, else (no status) a ``solved_at``."""
    n = len(problems)
    by_date = problems["solved_at"].notna().to_numpy() if "solved_at" in problems.columns \
        else np.zeros(n, dtype=bool)
    if "status" not in problems.columns:
        return by_date
    status = problems["status"].astype("object")
    has = status.notna().to_numpy()
    return np.where(has, (status == "solved").to_numpy(), by_date)


def closed(problems: pd.DataFrame) -> np.ndarray:
    """Boolean mask of closed problems: solved, or with status ``dropped``."""
    out = solved(problems)
    if "status" in problems.columns:
        out = out | (problems["status"].astype("object") == "dropped").to_numpy()
    return out


def problems_solved(net: PeerNetwork) -> Tally:
    """Solved problems of all problems raised in ``net``."""
    p = net.problems
    return Tally(int(solved(p).sum()), len(p))


def days_to_solve(net: PeerNetwork) -> pd.Series:
    """Days from raised to solved of each solved problem with a ``solved_at`` date."""
    p = net.problems
    if "solved_at" not in p.columns:
        return pd.Series(dtype="float64")
    sel = p[solved(p) & p["solved_at"].notna().to_numpy()]
    return ((sel["solved_at"] - sel["raised_at"]) / pd.Timedelta(days=1)).astype("float64")


def problems_with_outcome(net: PeerNetwork) -> Tally:
    """Closed problems with a recorded (non-blank) ``outcome``, of all closed problems."""
    p = net.problems
    done = p[closed(p)]
    if "outcome" not in p.columns:
        return Tally(0, len(done))
    text = done["outcome"]
    has = text.notna() & (text.astype("str").str.strip() != "")
    return Tally(int(has.sum()), len(done))


def help_given(net: PeerNetwork) -> pd.DataFrame:
    """``giver, receiver`` (member ids) of every act of help: problem helpers to the one who
    raised the problem, then interactions of kind ``help``; self-help left out."""
    parts = []
    p = net.problems
    if len(p) and "helpers" in p.columns:
        h = split_list(p["helpers"])
        parts.append(pd.DataFrame({"giver": h.to_numpy(dtype=object),
                                   "receiver": p.loc[h.index, "raised_by"].to_numpy(
                                       dtype=object)}))
    i = net.interactions
    if "target" in i.columns:
        helped = i[(i["kind"] == "help").to_numpy()]
        parts.append(pd.DataFrame({"giver": helped["source"].to_numpy(dtype=object),
                                   "receiver": helped["target"].to_numpy(dtype=object)}))
    if not parts:
        return pd.DataFrame({"giver": pd.Series(dtype=object),
                             "receiver": pd.Series(dtype=object)})
    out = pd.concat(parts, ignore_index=True)
    keep = out["giver"].notna() & out["receiver"].notna() & (out["giver"] != out["receiver"])
    return out[keep.to_numpy()].reset_index(drop=True)


def help_across_orgs(net: PeerNetwork) -> Tally:
    """Acts of help (:func:`help_given`) between two organizations, of those between members
    whose organizations are both known (the whole network's roster)."""
    roster = net.root.members
    if "org" not in roster.columns:
        return Tally(0, 0)
    org = roster.drop_duplicates("member_id").set_index("member_id")["org"].astype("object")
    pairs = help_given(net)
    og = pairs["giver"].astype("str").map(org)
    orc = pairs["receiver"].astype("str").map(org)
    known = (og.notna() & orc.notna()).to_numpy()
    return Tally(int((og[known] != orc[known]).sum()), int(known.sum()))


def actions_done(net: PeerNetwork) -> Tally:
    """Actions with a ``done_at`` date, of all actions due in ``net``."""
    a = net.actions
    if "done_at" not in a.columns:
        return Tally(0, len(a))
    return Tally(int(a["done_at"].notna().sum()), len(a))


def actions_on_time(net: PeerNetwork) -> Tally:
    """Actions done on or before their due day (days in the network's time zone), of all
    actions due in ``net``."""
    a = net.actions
    if "done_at" not in a.columns:
        return Tally(0, len(a))
    day_done = a["done_at"].dt.tz_convert(net.tz).dt.normalize()
    day_due = a["due"].dt.tz_convert(net.tz).dt.normalize()
    ok = (a["done_at"].notna() & (day_done <= day_due)).to_numpy(dtype=bool)
    return Tally(int(ok.sum()), len(a))


def followup_table(net: PeerNetwork, period: str) -> pd.DataFrame:
    """``period, metric, value``: the follow-up numbers of ``net`` (one period's slice).

    Problem metrics need a problem log, action metrics an action log; a metric whose column
    is missing (``solved_at``, ``outcome``, ``helpers`` with ``org``, ``done_at``) is left
    out, one with nothing to count is NaN.
    """
    vals: dict[str, float] = {}
    if net.has("problems"):
        pr = net.problems
        n = len(pr)
        vals["problems_raised"] = float(n)
        vals["share_problems_solved"] = problems_solved(net).value
        if "solved_at" in pr.columns and n:
            days = days_to_solve(net)
            vals["median_days_to_solve"] = float(days.median()) if len(days) else math.nan
        if "outcome" in pr.columns and n:
            vals["share_problems_with_outcome"] = problems_with_outcome(net).value
        if "helpers" in pr.columns and n and "org" in net.root.members.columns:
            vals["share_help_across_orgs"] = help_across_orgs(net).value
    if net.has("actions"):
        ac = net.actions
        vals["actions_due"] = float(len(ac))
        if "done_at" in ac.columns and len(ac):
            vals["share_actions_done"] = actions_done(net).value
            vals["share_actions_on_time"] = actions_on_time(net).value
    return pd.DataFrame({"period": period, "metric": list(vals),
                         "value": pd.Series(list(vals.values()), dtype="float64")})
