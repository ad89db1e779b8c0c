"""What makes a group meet again: a convener, a first date, a format, an invitation.

The peer-learning seed (003) lists how groups fail: a focus with nobody leading the follow-up,
or someone to convene the next meeting without an agreed time. So every group gets

- a **convener**: the member with the most proven expertise in the group's topic (problems
  helped solve, trainings led) who has capacity (active in the six months before the
  reference date, fewest open problems on their plate);
- a **first date**: the next occurrence, at least 14 days after the reference date, of the
  weekday and time at which the group's members most often already meet (their attendances
  in the event log);
- a **format** from the factsheet's three (seed 001) and the problem to bring.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..network import PeerNetwork
from ..schema import split_list
from .formats import problem_label

__all__ = ["conveners", "first_dates", "group_formats", "invitations", "NOTICE_DAYS",
           "ACTIVE_DAYS"]

#: Days between the reference date and the earliest proposed first meeting.
NOTICE_DAYS = 14
#: A convener has capacity when they did something in this many days before the reference.
ACTIVE_DAYS = 182
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def conveners(long: pd.DataFrame, exp_long: pd.DataFrame, log: pd.DataFrame,
              taught: pd.DataFrame, net: PeerNetwork,
              reference: pd.Timestamp) -> pd.DataFrame:
    """One row a group: ``group, convener, convener_reason``.

    ``long``: one row a grouped member (``group, member_id, topic``). Points: 3 a solved
    problem helped on in the topic, 2 a training led on it, 1 listed expertise; only members
    with capacity (active in the last ``ACTIVE_DAYS`` days) are preferred; ties go to fewer
    open problems helped on, then to more events hosted, then to the id.
    """
    cand = long[["group", "member_id", "topic"]].copy()
    exp = exp_long.rename(columns={"n_solved": "solved"})
    cand = cand.merge(exp[["member_id", "topic", "solved", "n_roster"]],
                      on=["member_id", "topic"], how="left")
    led = taught.groupby(["host", "topic"]).size().rename("led").reset_index()
    cand = cand.merge(led, left_on=["member_id", "topic"], right_on=["host", "topic"],
                      how="left").drop(columns=["host"])
    cand[["solved", "n_roster", "led"]] = cand[["solved", "n_roster", "led"]].fillna(0)
    cand["points"] = 3 * cand["solved"] + 2 * cand["led"] + (cand["n_roster"] > 0)
    inter = net.root.interactions
    recent = inter[(inter["timestamp"] < reference)
                   & (inter["timestamp"] >= reference - pd.Timedelta(days=ACTIVE_DAYS))]
    acts = recent.groupby(recent["source"].astype("str")).size()
    cand["recent_acts"] = acts.reindex(cand["member_id"]).fillna(0).to_numpy("int64")
    cand["capacity"] = cand["recent_acts"] > 0
    if len(log):
        o = log[log["open"]].dropna(subset=["helpers"])
        h = split_list(o["helpers"])
        load = h.value_counts()
    else:
        load = pd.Series(dtype="int64")
    cand["open_load"] = load.reindex(cand["member_id"]).fillna(0).to_numpy("int64")
    ev = net.root.events
    hosted = ev["host"].astype("str").value_counts() if "host" in ev.columns else \
        pd.Series(dtype="int64")
    cand["hosted"] = hosted.reindex(cand["member_id"]).fillna(0).to_numpy("int64")
    best = cand.sort_values(["group", "capacity", "points", "open_load", "hosted", "member_id"],
                            ascending=[True, False, False, True, False, True])
    best = best.drop_duplicates("group")
    why = []
    for r in best.itertuples(index=False):
        t = str(r.topic).replace("_", " ")
        bits = []
        if r.solved:
            bits.append(f"helped solve {int(r.solved)} problem(s) on {t}")
        if r.led:
            bits.append(f"led {int(r.led)} training(s) on {t}")
        if not bits:
            bits.append(f"lists {t} as expertise" if r.n_roster else
                        f"no member has proven expertise in {t}; hosted {int(r.hosted)} "
                        "event(s)")
        bits.append(f"active in the last 6 months ({int(r.recent_acts)} actions)"
                    if r.capacity else "not active in the last 6 months: check availability")
        if r.open_load:
            bits.append(f"helping on {int(r.open_load)} open problem(s)")
        why.append("; ".join(bits))
    return pd.DataFrame({"group": best["group"].to_numpy(),
                         "convener": best["member_id"].astype("str").to_numpy(),
                         "convener_reason": pd.Series(why, dtype="str").to_numpy()})


def _slots(net: PeerNetwork, reference: pd.Timestamp) -> pd.DataFrame:
    """Attendances before ``reference``: ``member_id, weekday, time`` in the network's zone."""
    inter = net.root.interactions
    ev = net.root.events
    cols = ["member_id", "weekday", "time"]
    if len(ev) == 0 or "event_id" not in inter.columns:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    att = inter.loc[(inter["kind"] == "attend") & inter["event_id"].notna()
                    & (inter["timestamp"] < reference), ["source", "event_id"]]
    start = ev.drop_duplicates("event_id").set_index(ev.drop_duplicates("event_id")[
        "event_id"].astype("str"))["start"]
    when = pd.to_datetime(start.reindex(att["event_id"].astype("str")).to_numpy(), utc=True)
    local = pd.Series(when).dt.tz_convert(net.tz)
    out = pd.DataFrame({"member_id": att["source"].astype("str").to_numpy(),
                        "weekday": local.dt.day_of_week.to_numpy(),
                        "time": local.dt.strftime("%H:%M").to_numpy()})
    return out.dropna()


def first_dates(long: pd.DataFrame, net: PeerNetwork,
                reference: pd.Timestamp) -> pd.DataFrame:
    """One row a group: ``first_date`` (local, ``YYYY-MM-DD HH:MM``), ``meeting_slot``
    (``Wednesdays 14:00``) and ``date_reason``.

    The slot is the weekday and start time of the events the group's members attended most
    often (attendances counted, ties to the earlier weekday and time); without any, the
    network's most common slot; without events, Tuesdays 10:00. The date is the first such
    day at least ``NOTICE_DAYS`` days after ``reference``.
    """
    slots = _slots(net, reference)
    mine = long[["group", "member_id"]].merge(slots, on="member_id")
    counts = mine.groupby(["group", "weekday", "time"]).size().rename("n").reset_index()
    counts = counts.sort_values(["group", "n", "weekday", "time"],
                                ascending=[True, False, True, True])
    top = counts.drop_duplicates("group").set_index("group")
    total = counts.groupby("group")["n"].sum()
    net_top = slots.groupby(["weekday", "time"]).size().sort_values(ascending=False,
                                                                    kind="stable")
    local_ref = reference.tz_convert(net.tz)
    rows = []
    for g in sorted(long["group"].unique()):
        if g in top.index:
            day, time = int(top.at[g, "weekday"]), str(top.at[g, "time"])
            why = (f"{int(top.at[g, 'n'])} of {int(total.at[g])} attendances of these members "
                   f"were on {_DAYS[day]}s at {time}")
        elif len(net_top):
            day, time = int(net_top.index[0][0]), str(net_top.index[0][1])
            why = ("these members attended no event in the log; the network's most common "
                   f"slot ({_DAYS[day]}s at {time})")
        else:
            day, time = 1, "10:00"
            why = "no meeting times in the log: a default slot; confirm it with the members"
        earliest = (local_ref + pd.Timedelta(days=NOTICE_DAYS)).normalize()
        date = earliest + pd.Timedelta(days=(day - earliest.weekday()) % 7)
        rows.append({"group": g, "first_date": f"{date.date()} {time}",
                     "meeting_slot": f"{_DAYS[day]}s {time}", "date_reason": why})
    return pd.DataFrame(rows, columns=["group", "first_date", "meeting_slot", "date_reason"])


def group_formats(long: pd.DataFrame, log: pd.DataFrame, taught: pd.DataFrame,
                  convener: pd.Series) -> pd.DataFrame:
    """One row a group: ``format, problem_to_bring, format_reason``.

    An open problem a member raised on the topic -> case study (the most recent is the one to
    bring); the convener led a training on it -> training; two or more members need it ->
    group problem solving; else training by the group's experts.
    """
    opened = log[log["open"]].sort_values("raised_at", ascending=False)
    case = long.merge(opened, left_on=["member_id", "topic"], right_on=["raised_by", "topic"])
    case = case.drop_duplicates("group").set_index("group")
    rows = []
    for g, part in long.groupby("group", sort=True):
        t = str(part["topic"].iat[0])
        tt = t.replace("_", " ")
        conv = convener.get(g, "")
        learners = part.loc[part["role"] == "learner", "member_id"].tolist()
        if g in case.index:
            c = case.loc[g]
            label = problem_label((c["problem_id"], c["topic"], c["raised_at"]))
            rows.append((g, "case study", f"{c['raised_by']} brings {label}",
                         f"{c['raised_by']} raised an open problem on {tt}"))
        elif ((taught["host"] == conv) & (taught["topic"] == t)).any():
            rows.append((g, "training", f"each learner's questions on {tt}, sent to {conv} "
                         "before the meeting", f"the convener {conv} has led a training on "
                         f"{tt}"))
        elif len(learners) >= 2:
            rows.append((g, "group problem solving",
                         f"the common {tt} problem: each member describes in a few lines how "
                         "it shows up in their organization",
                         f"{len(learners)} members need {tt}"))
        else:
            rows.append((g, "training", f"each member's questions on {tt}",
                         f"most members have expertise in {tt}: they train each other"))
    return pd.DataFrame(rows, columns=["group", "format", "problem_to_bring", "format_reason"])


def invitations(groups: pd.DataFrame, labels: Mapping[str, str]) -> pd.Series:
    """A draft invitation for each group, naming people by ``labels`` (ids when absent)."""
    out = []
    for g in groups.itertuples(index=False):
        who = [labels.get(m, m) for m in str(g.members).split("; ")]
        conv = labels.get(g.convener, g.convener)
        t = str(g.topic).replace("_", " ")
        bring = str(g.problem_to_bring)
        for m in str(g.members).split("; "):
            bring = bring.replace(m, labels.get(m, m))
        out.append(
            f"Dear {', '.join(who)}: you work in {g.n_orgs} organizations and share an "
            f"interest in {t}. We propose a peer group, convened by {conv}, to meet first on "
            f"{g.first_date} ({g.meeting_slot}: the slot at which you most often already "
            f"meet). Format: {g.format}; to bring: {bring}. At the end of the first meeting, "
            "please agree "
            "on the next date and on who does what before it.")
    return pd.Series(out, dtype="str", index=groups.index)


def weekday_name(i: int) -> str:
    """``0 -> Monday``."""
    return _DAYS[int(np.clip(i, 0, 6))]
