"""Meeting formats, the problem to bring, the evidence and a draft introduction.

The matching factsheet (seed 001) names three formats: a **training** session where
participants learn from an expert (who may be a peer), a **case study** where one brings a
specific problem for feedback, and **group problem solving** on a problem common to all.
Each pair gets one, with the reason:

1. the seeker raised a problem on a matched topic that is still open -> case study, and that
   problem is the one to bring;
2. the peer has taught the topic (hosted a training event on it) -> training;
3. the peer is suggested to several seekers who share the topic -> group problem solving
   (they meet as one group: ``MatchResult.groups``);
4. otherwise -> training, on the peer's proven (helped solve problems) or listed expertise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..metrics.followup import closed
from ..network import PeerNetwork
from ..schema import split_list
from .profiles import norm_topics, solved_mask

__all__ = ["language_name", "FORMATS", "problem_log", "trainings", "pair_formats", "introductions",
           "problem_label"]

#: The factsheet's three meeting formats, as written in the tables.
FORMATS = ("training", "case study", "group problem solving")


_LANGUAGES = {"en": "English", "es": "Spanish", "ar": "Arabic", "fr": "French",
              "pt": "Portuguese", "zh": "Chinese", "vi": "Vietnamese", "ko": "Korean",
              "ru": "Russian", "so": "Somali", "ht": "Haitian Creole", "tl": "Tagalog",
              "hmn": "Hmong", "de": "German", "it": "Italian", "pl": "Polish"}


def language_name(code: str) -> str:
    """``es -> Spanish``; other values as given."""
    return _LANGUAGES.get(code.strip().lower(), code)


def problem_log(net: PeerNetwork) -> pd.DataFrame:
    """The problem log with a normalised ``topic``, ``solved`` and ``open`` flags (open: not
    solved, not dropped or closed)."""
    p = net.root.problems if net.window is None else net.problems
    if len(p) == 0 or "topic" not in p.columns:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
            ("problem_id", "str"), ("raised_by", "str"), ("topic", "str"),
            ("raised_at", "datetime64[ns, UTC]"), ("solved", bool), ("open", bool),
            ("helpers", "str"), ("solved_at", "datetime64[ns, UTC]"))})
    p = p[p["topic"].notna()].copy()
    p["topic"] = norm_topics(p["topic"])
    p["solved"] = solved_mask(p).to_numpy(bool)
    p["open"] = ~closed(p)
    for col in ("helpers", "solved_at"):
        if col not in p.columns:
            p[col] = None
    p["problem_id"] = p["problem_id"].astype("str")
    p["raised_by"] = p["raised_by"].astype("str")
    return p[["problem_id", "raised_by", "topic", "raised_at", "solved", "open", "helpers",
              "solved_at"]].reset_index(drop=True)


def trainings(net: PeerNetwork, topics: pd.Index) -> pd.DataFrame:
    """Training events a member hosted, one row a (host, topic): the topic's words appear in
    the event's title (``Training: housing``, ``Capacitación: food security``)."""
    e = net.root.events
    cols = ["host", "topic", "event_id", "start", "title"]
    if len(e) == 0 or not {"format", "host", "title"} <= set(e.columns) or len(topics) == 0:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    e = e[(e["format"].astype("str").str.lower() == "training") & e["host"].notna()]
    if net.window is not None:
        e = e[e["start"] < net.window.end_utc]
    title = " " + norm_topics(e["title"].fillna("").str.replace(r"[:,.;/()]", " ",
                                                                 regex=True)) + "_"
    rows = []
    for t in topics:
        hit = title.str.contains("_" + str(t) + "_", regex=False).to_numpy(bool) | \
            title.str.contains(" " + str(t) + "_", regex=False).to_numpy(bool)
        if hit.any():
            rows.append(e.loc[hit, ["host", "event_id", "start", "title"]].assign(topic=t))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    out = pd.concat(rows, ignore_index=True)
    out["host"] = out["host"].astype("str")
    return out.sort_values(["host", "topic", "start"], ascending=[True, True, False])[cols]


def problem_label(row: pd.Series | tuple) -> str:
    """``p088 (housing, raised 2025-03-02, open)``."""
    pid, topic, raised = row[0], row[1], row[2]
    day = pd.Timestamp(raised).date() if pd.notna(raised) else "?"
    return f"{pid} ({str(topic).replace('_', ' ')}, raised {day}, open)"


def _first_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.drop_duplicates(keys, keep="first")


def pair_formats(pairs: pd.DataFrame, net: PeerNetwork, exp_long: pd.DataFrame, *,
                 purpose: str = "help") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``format, problem_to_bring, format_reason, evidence, reasons, introduction`` to
    the pair table, and return the problem-solving groups (pairs sharing a peer and a
    topic)."""
    pairs = pairs.copy()
    n = len(pairs)
    pos = pd.DataFrame({"pos": np.arange(n), "seeker": pairs["seeker"], "peer": pairs["peer"],
                        "topics": pairs["topics"]})
    long = pos.assign(topic=pos["topics"].str.split("; ")).explode("topic")
    long = long[long["topic"].fillna("") != ""]
    log = problem_log(net)
    # 1. an open problem the seeker raised on a matched topic (the most recent)
    opened = log[log["open"]].sort_values("raised_at", ascending=False)
    if purpose == "integrate":  # a newcomer brings any open problem of theirs
        case = pos.merge(opened, left_on="seeker", right_on="raised_by")
    else:
        case = long.merge(opened, left_on=["seeker", "topic"],
                          right_on=["raised_by", "topic"])
    case = _first_by(case.sort_values(["pos", "raised_at"], ascending=[True, False]), ["pos"])
    case_label = pd.Series([problem_label(t) for t in case[["problem_id", "topic",
                                                             "raised_at"]].itertuples(
        index=False)], index=case["pos"].to_numpy(), dtype="str")
    # 2. a training the peer hosted on a matched topic
    taught = long.merge(trainings(net, pd.Index(long["topic"].unique())),
                        left_on=["peer", "topic"], right_on=["host", "topic"])
    taught = _first_by(taught.sort_values(["pos", "start"], ascending=[True, False]), ["pos"])
    taught_txt = pd.Series(
        ("led the training '" + taught["title"].astype("str") + "' ("
         + taught["event_id"].astype("str") + ", "
         + pd.to_datetime(taught["start"], utc=True).dt.strftime("%Y-%m-%d") + ")").to_numpy(),
        index=taught["pos"].to_numpy(), dtype="str")
    # 3. several seekers share the peer and a topic
    shared = long.groupby(["peer", "topic"])["seeker"].transform("nunique")
    grp = long[shared.to_numpy() >= 2]
    # evidence: problems this peer helped solve on the matched topics
    helped = log[log["solved"]].assign(helper=lambda d: d["helpers"]).dropna(subset=["helper"])
    h = split_list(helped["helper"])
    helped = helped.loc[h.index].assign(helper=h.to_numpy())
    ev = long.merge(helped, left_on=["peer", "topic"], right_on=["helper", "topic"])
    ev = ev.sort_values(["pos", "solved_at", "problem_id"], ascending=[True, False, True])
    ev_txt = (ev["problem_id"] + " (" + ev["topic"].str.replace("_", " ") + ", solved "
              + pd.to_datetime(ev["solved_at"], utc=True).dt.strftime("%Y-%m-%d")
              .fillna("?") + ")")
    ev_n = ev.groupby("pos").size()
    evidence = ev_txt.groupby(ev["pos"]).agg(lambda s: "; ".join(s.iloc[:3]))
    evidence = evidence + np.where(ev_n > 3, "; +" + (ev_n - 3).astype("str") + " more", "")

    fmt = np.full(n, "training", dtype=object)
    bring = np.full(n, "", dtype=object)
    why = np.full(n, "", dtype=object)
    case_d = case_label.to_dict()
    taught_d = taught_txt.to_dict()
    solved_d = ev_n.to_dict()
    grp_topic = grp.drop_duplicates("pos").set_index("pos")["topic"].to_dict()
    grp_members = grp.groupby(["peer", "topic"])["seeker"].agg(lambda s: sorted(set(s)))
    rows = zip(pairs["seeker"].tolist(), pairs["peer"].tolist(),
               pairs["topics"].str.replace("_", " ").tolist(),
               pairs["peer_other_orgs"].tolist(), strict=True)
    for i, (seeker, peer, topics, reach) in enumerate(rows):
        learn = f"what {seeker} wants to learn about {topics}, written down before"
        if i in case_d:
            fmt[i] = "case study"
            bring[i] = case_d[i]
            why[i] = f"{seeker} raised problem {case_d[i].split(' ')[0]}, still open"
        elif i in taught_d:
            why[i], bring[i] = f"{peer} {taught_d[i]}", learn
        elif i in grp_topic:
            t = grp_topic[i]
            tt = t.replace("_", " ")
            others = [x for x in grp_members[(peer, t)] if x != seeker]
            fmt[i] = "group problem solving"
            why[i] = f"{peer} is also suggested to {', '.join(others)} on {tt}: meet as one group"
            bring[i] = f"the common {tt} problem, described by each seeker in a few lines"
        elif purpose == "integrate":
            why[i] = f"orientation: {peer} knows people in {reach} other organizations"
            bring[i] = f"what {seeker} works on and whom they would like to meet"
        else:
            why[i] = (f"{peer} helped solve {solved_d[i]} problem(s) on {topics}"
                      if i in solved_d else f"{peer} lists {topics} as expertise")
            bring[i] = learn
    pairs["format"] = pd.Series(fmt, dtype="str")
    pairs["problem_to_bring"] = pd.Series(bring, dtype="str")
    pairs["format_reason"] = pd.Series(why, dtype="str")
    pairs["evidence"] = pd.Series(evidence.reindex(range(n)).fillna("").to_numpy(),
                                  dtype="str")
    pairs["reasons"] = _reasons(pairs, ev_n.reindex(range(n), fill_value=0).to_numpy(),
                                purpose)
    pairs["introduction"] = introductions(pairs, {})
    return pairs, _pair_groups(pairs)


def _pair_groups(pairs: pd.DataFrame) -> pd.DataFrame:
    """The problem-solving groups among the pairs: one peer and the seekers who share one
    of its topics."""
    sub = pairs[pairs["format"] == "group problem solving"]
    cols = ["group", "topic", "size", "members", "convener", "format", "problem_to_bring",
            "reason"]
    if sub.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("group", "size") else "str")
                             for c in cols})
    topic = sub["format_reason"].str.extract(r" on (.+): meet as one group$")[0]
    rows = []
    for (peer, t), part in sub.assign(topic=topic).groupby(["peer", "topic"], sort=True):
        seekers = sorted(part["seeker"])
        rows.append({"topic": t.replace(" ", "_"), "size": 1 + len(seekers),
                     "members": "; ".join([peer, *seekers]), "convener": peer,
                     "format": "group problem solving",
                     "problem_to_bring": part["problem_to_bring"].iat[0],
                     "reason": f"{len(seekers)} seekers share the need and the peer {peer}"})
    out = pd.DataFrame(rows)
    out.insert(0, "group", np.arange(1, len(out) + 1))
    return out[cols]


def _reasons(pairs: pd.DataFrame, solved: np.ndarray, purpose: str) -> pd.Series:
    """One line per match: ``covers housing (60% of needs), helped solve 2 problem(s) on
    them; shared language es; same region Coast; level staff; new tie; orgs A / B``."""
    pct = (pairs["share_need_covered"] * 100).round().astype(int).astype("str")
    text = pd.Series(np.where(pairs["topics"] != "",
                              "covers " + pairs["topics"] + " (" + pct + "% of needs)",
                              "no shared topic"), dtype="str")
    text = text + pd.Series(np.where(solved > 0, ", helped solve " + pd.Series(solved).astype(
        "str") + " problem(s) on them", ""), dtype="str")
    if purpose == "integrate":
        text = ("bridge: knows people in " + pairs["peer_other_orgs"].astype("str")
                + " other organizations; " + text)
    lang = pd.Series(np.where(pairs["shared_language"] != "",
                              "shared language " + pairs["shared_language"],
                              "no shared language"), dtype="str")
    same = pairs["same_region"].fillna(False).to_numpy(bool)
    reg = pd.Series(np.where(same, "same region " + pairs["seeker_region"].fillna("?"),
                             "regions " + pairs["seeker_region"].fillna("?") + " / "
                             + pairs["peer_region"].fillna("?")), dtype="str")
    lvl = pd.Series(np.where(pairs["seeker_level"] == pairs["peer_level"],
                             "level " + pairs["seeker_level"],
                             "levels " + pairs["seeker_level"] + " / " + pairs["peer_level"]),
                    dtype="str")
    tie = pd.Series(np.where(pairs["known"], "already know each other", "new tie"), dtype="str")
    orgs = "orgs " + pairs["seeker_org"].fillna("?") + " / " + pairs["peer_org"].fillna("?")
    return (text + "; " + lang + "; " + reg + "; " + lvl + "; " + tie + "; " + orgs).astype(
        "str")


def _first(labels: Mapping[str, str], member: str) -> str:
    """A first name for a greeting (the label's first word), or the id."""
    return labels[member].split(" ")[0] if member in labels else member


def introductions(pairs: pd.DataFrame, labels: Mapping[str, str]) -> pd.Series:
    """A draft introduction for each pair, naming people by ``labels`` (id -> name; ids when
    absent). Built from the pair's topics, evidence, format and problem to bring."""
    out = []
    for row in pairs.itertuples(index=False):
        s = labels.get(row.seeker, row.seeker)
        p = labels.get(row.peer, row.peer)
        topics = row.topics.replace("_", " ") if row.topics else "getting to know the network"
        so = f" ({row.seeker_org})" if row.seeker_org not in ("", "None", "nan") else ""
        po = f" ({row.peer_org})" if row.peer_org not in ("", "None", "nan") else ""
        if row.format_reason.startswith("orientation"):
            offer = (f"{p} knows people in {row.peer_other_orgs} other organizations of the "
                     "network and can introduce you")
        elif row.evidence:
            solved = re.findall(r"(\S+) \(", row.evidence)
            more = re.search(r"\+(\d+) more", row.evidence)
            count = len(solved) + (int(more.group(1)) if more else 0)
            offer = (f"{p} has helped solve {count} {topics} problem{'s' * (count > 1)} in "
                     f"the network ({', '.join(solved)})")
        elif row.format == "training" and "led the training" in row.format_reason:
            offer = f"{p} {row.format_reason.split(' ', 1)[1]}"
        else:
            offer = f"{p} works on {topics}"
        if row.format == "case study":
            plan = (f"a case study: {s} brings problem {row.problem_to_bring} and {p} gives "
                    "feedback")
        elif row.format == "group problem solving":
            plan = f"group problem solving with the others who share this need: {p} convenes"
        else:
            plan = f"a short training: {p} shows how they work on {topics}"
        spoken = " and ".join(language_name(x) for x in row.shared_language.split("; ") if x)
        lang = f" You both speak {spoken}." if spoken else ""
        same = row.same_region is not pd.NA and bool(row.same_region)
        where = (f" Both of you work in the {row.seeker_region} region, so meeting in "
                 "person is an option." if same else
                 " You work in different regions: a video call may be easiest.")
        looking = (f"{s} is looking for help with {topics}" if row.topics else
                   f"{s} is new to the network")
        hello = f"Dear {_first(labels, row.seeker)} and {_first(labels, row.peer)}, "
        meet = (f"you already know each other; here is a reason to meet again: {s}{so} and "
                f"{p}{po}." if row.known else
                f"let me introduce you: {s}{so} and {p}{po}.")
        out.append(f"{hello}{meet} {looking}, and {offer}. I suggest {plan}.{lang}{where} "
                   "Could you find an hour in the next two weeks?")
    return pd.Series(out, dtype="str", index=pairs.index)
