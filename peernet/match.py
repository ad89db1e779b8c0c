"""Peer matching and small-group formation: who should meet whom.

:func:`match` suggests, for every member with a stated need, up to ``k`` peers whose
expertise covers it, on equal footing (never a supervisor or anyone in the supervision
chain) and, by default, from another organization; the suggestions are solved globally as
a min-cost flow with a capacity per peer. :func:`groups` partitions members into small peer
learning groups that share a topic and mix organizations and regions.

The method, the score and how to read the reasons: ``docs/matching.md``.

References
----------
National Center on Deaf-Blindness (2017). *Tips for organizing peer matches*, after the
Center for the Study of Social Policy, *Help on the way: a powerful approach to technical
assistance* (peer matches: equal footing, no supervisors, the provider's expertise fits the
recipient's needs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .network import PeerNetwork
from .schema import split_list

__all__ = ["match", "groups", "SCORE_WEIGHTS"]

#: Default weights of the match score (see :func:`match`); pass ``weights=`` to change them.
SCORE_WEIGHTS: dict[str, float] = {"fit": 1.0, "proven": 0.1, "language": 0.2,
                                   "region": 0.1, "tie": 0.2}

_EVIDENCE = ("roster", "problems")
_PREFER = ("new_ties", "known", None)
_REGION = (None, "same", "different")
_LANGUAGE = (True, False, "require")
_METHODS = ("flow", "greedy")
_MATCH_COLUMNS = ["seeker", "peer", "rank", "score", "topics", "share_need_covered", "proven",
                  "same_language", "same_region", "known", "seeker_org", "peer_org", "reasons"]
_SEEKER_COLUMNS = ["seeker", "needs", "n_fitting", "n_eligible", "n_suggested", "reason"]


# ----------------------------------------------------------------------------- helpers
def _norm_topics(s: pd.Series) -> pd.Series:
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
        ids, topics = [], []
        for member, items in value.items():
            items = [items] if isinstance(items, str) else list(items)
            for item in items:
                for t in str(item).split(";"):
                    if t.strip():
                        ids.append(str(member))
                        topics.append(t.strip())
        out = pd.DataFrame({"member_id": pd.Series(ids, dtype="str"),
                            "topic": pd.Series(topics, dtype="str")})
    else:
        raise TypeError(f"match: {what} must be None, a DataFrame with columns member_id and "
                        f"topic, or a mapping member_id -> topics; got {type(value).__name__}")
    out["topic"] = _norm_topics(out["topic"])
    out["n_roster"] = 1
    out["n_problems"] = 0
    out["n_solved"] = 0
    return out.reset_index(drop=True)


def _profiles(net: PeerNetwork, needs: Any, expertise: Any,
              evidence: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long tables ``member_id, topic, n_roster, n_problems, n_solved`` of needs and expertise.

    Roster: the ``needs`` / ``expertise`` list columns. Problem log: a member who raised a
    problem on a topic needs it; a member listed among its helpers has shown expertise in it
    (``n_solved`` counts the problems helped on that were solved).
    """
    cols = ["member_id", "topic", "n_roster", "n_problems", "n_solved"]
    parts: dict[str, list[pd.DataFrame]] = {"needs": [], "expertise": []}
    m = net.members
    if "roster" in evidence:
        for side in ("needs", "expertise"):
            if side in m.columns:
                t = split_list(m[side])
                parts[side].append(pd.DataFrame({
                    "member_id": m["member_id"].loc[t.index].to_numpy(),
                    "topic": _norm_topics(t).to_numpy(), "n_roster": 1, "n_problems": 0,
                    "n_solved": 0}))
    p = net.problems
    if "problems" in evidence and len(p) and "topic" in p.columns:
        p = p[p["topic"].notna() & (p["topic"].astype("str").str.strip() != "")]
        topic = _norm_topics(p["topic"])
        parts["needs"].append(pd.DataFrame({
            "member_id": p["raised_by"].to_numpy(), "topic": topic.to_numpy(), "n_roster": 0,
            "n_problems": 1, "n_solved": 0}))
        if "helpers" in p.columns:
            solved = pd.Series(False, index=p.index)
            if "status" in p.columns:
                solved |= (p["status"] == "solved").fillna(False).astype(bool)
            if "solved_at" in p.columns:
                solved |= p["solved_at"].notna()
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


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each id in ``index`` (-1 when absent)."""
    return index.get_indexer(values.astype("str"))


def _keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Unordered pair keys ``min * n + max`` (int64)."""
    lo, hi = np.minimum(a, b).astype("int64"), np.maximum(a, b).astype("int64")
    return lo * n + hi


def _known_keys(net: PeerNetwork, ids: pd.Index, small_event: int) -> np.ndarray:
    """Sorted unique pair keys of members who already know each other.

    Known = a direct interaction in either direction (any kind with a ``target``), a
    problem one raised and the other helped on, or both attended an event with at most
    ``small_event`` attendees. With a slice, all history up to the slice's end counts.
    """
    n = len(ids)
    root = net.root
    inter = root.interactions
    if net.window is not None:
        inter = inter[inter["timestamp"] < net.window.end_utc]
    keys = []
    if "target" in inter.columns:
        d = inter[inter["target"].notna()]
        a, b = _codes(d["source"], ids), _codes(d["target"], ids)
        ok = (a >= 0) & (b >= 0) & (a != b)
        keys.append(_keys(a[ok], b[ok], n))
    probs = root.problems
    if net.window is not None and len(probs):
        probs = probs[probs["raised_at"] < net.window.end_utc]
    if len(probs) and "helpers" in probs.columns:
        h = split_list(probs["helpers"])
        a = _codes(probs["raised_by"].loc[h.index], ids)
        b = _codes(h, ids)
        ok = (a >= 0) & (b >= 0) & (a != b)
        keys.append(_keys(a[ok], b[ok], n))
    if small_event > 1 and "event_id" in inter.columns:
        att = inter.loc[(inter["kind"] == "attend") & inter["event_id"].notna(),
                        ["source", "event_id"]].drop_duplicates()
        size = att.groupby("event_id", observed=True)["source"].transform("size")
        att = att[(size <= small_event).to_numpy()]
        a = _codes(att["source"], ids)
        att, a = att[a >= 0], a[a >= 0]
        if len(att):
            ev, e = np.unique(att["event_id"].astype("str").to_numpy(), return_inverse=True)
            inc = sp.csr_matrix((np.ones(len(a)), (a, e)), shape=(n, len(ev)))
            co = sp.triu(inc @ inc.T, k=1).tocoo()
            keys.append(_keys(co.row, co.col, n))
    if not keys:
        return np.zeros(0, "int64")
    return np.unique(np.concatenate(keys))


def _chain_keys(members: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Sorted pair keys of members in one supervision chain (ancestor and descendant).

    Transitive closure of the ``supervisor_id`` relation by repeated sparse products; a
    cycle in the data stops when no new pair appears.
    """
    n = len(ids)
    if "supervisor_id" not in members.columns:
        return np.zeros(0, "int64")
    m = members[members["supervisor_id"].notna()]
    a, b = _codes(m["member_id"], ids), _codes(m["supervisor_id"], ids)
    ok = (a >= 0) & (b >= 0) & (a != b)
    if not ok.any():
        return np.zeros(0, "int64")
    step = sp.csr_matrix((np.ones(int(ok.sum()), bool), (a[ok], b[ok])), shape=(n, n))
    reach = step.copy()
    frontier = step
    for _ in range(n):
        frontier = (frontier @ step).astype(bool)
        frontier = frontier - frontier.multiply(reach)
        frontier.eliminate_zeros()
        if frontier.nnz == 0:
            break
        reach = (reach + frontier).astype(bool)
    co = reach.tocoo()
    return np.unique(_keys(co.row, co.col, n))


def _available(net: PeerNetwork) -> pd.Index:
    """Members who can be matched: on the roster (not ``unmatched``), joined before the end of
    the slice, and not gone by then (``left`` empty or later than the slice's end; on a
    whole network, later than today)."""
    m = net.members
    keep = m["member_id"].isin(net.members_current())
    if "unmatched" in m.columns:
        keep &= ~m["unmatched"].fillna(False).astype(bool)
    if "left" in m.columns:
        end = net.window.end_utc if net.window is not None else pd.Timestamp.now(tz="UTC")
        keep &= ~(m["left"] < end).fillna(False).astype(bool)
    return pd.Index(m.loc[keep, "member_id"].astype("str"))


def _in(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Membership of ``keys`` in the sorted unique array ``sorted_keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), bool)
    pos = np.clip(np.searchsorted(sorted_keys, keys), 0, len(sorted_keys) - 1)
    return sorted_keys[pos] == keys


def _attr(members: pd.DataFrame, column: str) -> pd.Series:
    if column in members.columns:
        s = members[column].astype("str").str.strip()
        return s.where(members[column].notna() & (s != ""), None)
    return pd.Series(None, index=members.index, dtype="object")


def _check_choice(name: str, value: Any, options: Sequence[Any]) -> None:
    if not any(value is o or (o is not None and not isinstance(o, bool) and value == o)
               for o in options):
        raise ValueError(f"match: {name} must be one of {list(options)}; got {value!r}")


def _positive_int(name: str, value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer; got {value!r}")
    return int(value)


# ------------------------------------------------------------------------------- match
def match(net: PeerNetwork, *, needs: pd.DataFrame | Mapping[str, Any] | None = None,
          expertise: pd.DataFrame | Mapping[str, Any] | None = None, k: int = 3,
          capacity: int = 2, same_org: bool = False, prefer: str | None = "new_ties",
          region: str | None = None, language: bool | str = True, seed: int = 0,
          evidence: Sequence[str] = _EVIDENCE, small_event: int = 10,
          weights: Mapping[str, float] | None = None, method: str = "flow",
          candidates: int = 15, roles: Sequence[str] | None = None) -> pd.DataFrame:
    """Suggest peer matches: for each member with a need, up to ``k`` peers who can help.

    A *seeker* is an available member (on the roster, joined, not left) with at least one
    need; a *peer* is an available member with at least one topic of expertise. A pair is a
    candidate when the peer's expertise covers at least one of the seeker's needs and every
    hard constraint holds:

    - never the seeker themself;
    - never anyone in the seeker's supervision chain (``supervisor_id`` followed up and
      down, transitively): peers meet on equal footing;
    - with ``same_org=False``, only peers from another organization (an empty ``org``
      equals no organization);
    - with ``language="require"``, only peers who share a language.

    Among the candidates, suggestions are chosen **globally** as a min-cost flow
    (source -> seeker, capacity ``k`` -> peer, capacity ``capacity`` -> sink) so that no
    peer is suggested more than ``capacity`` times. Slot rewards make a seeker's first
    suggestion worth more than anyone's second, and any suggestion worth more than a better
    score, so suggestions are spread before the total score is maximised. The flow is
    solved as a linear program by HiGHS (``scipy.optimize.linprog``; its matrix is totally
    unimodular, so the optimum is a 0/1 assignment).

    Parameters
    ----------
    net : PeerNetwork
        The network; a slice (``net.period("2025")``) takes the problem log of that period,
        its current members, and all interactions up to its end for "already know each
        other".
    needs, expertise : DataFrame or mapping, optional
        Replace the derived needs (expertise): a DataFrame with columns ``member_id`` and
        ``topic`` ("; "-joined lists allowed), or a mapping ``member_id -> topics``.
        Default: the roster's ``needs`` / ``expertise`` columns plus the problem log
        (a member who raised a problem on a topic needs it; a helper has shown expertise).
    k : int, default 3
        Suggestions per seeker (at most).
    capacity : int, default 2
        Times a peer may be suggested (at most).
    same_org : bool, default False
        False: peers come from other organizations. True: the seeker's own organization
        is allowed too.
    prefer : {"new_ties", "known", None}, default "new_ties"
        Bonus ``weights["tie"]`` for pairs who have never interacted (bridging capital) or
        for pairs who already know each other (existing trust); None: no preference.
    region : {None, "same", "different"}, default None
        Bonus ``weights["region"]`` for peers of the same region (regional meetings are
        easier) or of a different one (spreads practice across the state).
    language : {True, False, "require"}, default True
        True: bonus ``weights["language"]`` for a shared language; "require": pairs must
        share a language (members whose language is empty are excluded); False: ignored.
        ``language`` may hold several "; "-joined languages.
    seed : int, default 0
        Breaks ties between equal scores reproducibly.
    evidence : sequence of {"roster", "problems"}, default both
        Where needs and expertise come from (when not given).
    small_event : int, default 10
        Co-attending an event with at most this many attendees counts as knowing each
        other (0: co-attendance never counts).
    weights : mapping, optional
        Override :data:`SCORE_WEIGHTS` (keys fit, proven, language, region, tie).
    method : {"flow", "greedy"}, default "flow"
        "greedy" takes the best-scoring candidate pairs one by one while the seeker and
        the peer have room: a baseline to compare with, not a recommendation.
    roles : sequence of str, optional
        Only members whose ``role`` is one of these take part, e.g.
        ``roles=["member", "coordinator"]`` to leave supervisors and directors out, as the
        factsheet advises ("supervisors are not typically involved"). Default: everyone.
    candidates : int, default 15
        Each seeker's best ``candidates`` eligible peers enter the assignment (keeps large
        rosters fast: about 1 s for 1,300 seekers; raise it if seekers with many eligible
        peers are reported unserved for capacity).

    Returns
    -------
    DataFrame
        One row a suggested pair, sorted by ``seeker`` and ``rank``:

        - ``seeker``, ``peer``: member ids;
        - ``rank``: 1 = the seeker's best suggestion;
        - ``score``: the match score (below);
        - ``topics``: the seeker's needs the peer covers, "; "-joined;
        - ``share_need_covered``: IDF-weighted share of the seeker's needs covered (0-1);
        - ``proven``: the peer helped on a solved problem in one of these topics;
        - ``same_language``, ``same_region``: boolean (NA when a value is missing);
        - ``known``: the two already know each other;
        - ``seeker_org``, ``peer_org``;
        - ``reasons``: the match explained in one line.

        ``result.attrs["seekers"]`` has one row per seeker (``seeker, needs, n_fitting,
        n_eligible, n_suggested, reason``) and ``result.attrs["unserved"]`` the seekers
        with no suggestion and why: no member has the expertise; every peer who has it is
        excluded (counts by constraint); or all eligible peers were at capacity.
        ``result.attrs["params"]`` records the arguments. (Take these tables out before
        merging two match results: pandas cannot compare DataFrames held in ``attrs``.)

    Notes
    -----
    Score of a candidate pair (seeker s, peer p), with defaults from :data:`SCORE_WEIGHTS`:

    .. math::

        \\text{score} = w_{fit}\\,\\frac{\\sum_{t \\in N_s \\cap E_p} idf_t}
                                         {\\sum_{t \\in N_s} idf_t}
            + w_{proven}\\,[\\text{proven}] + w_{language}\\,[\\text{shared language}]
            + w_{region}\\,[\\text{region as asked}] + w_{tie}\\,[\\text{tie as preferred}]

    with :math:`idf_t = \\ln\\frac{1 + M}{1 + m_t} + 1`, M the members with any need or
    expertise and :math:`m_t` those listing topic t (smoothed inverse document frequency:
    a rare topic weighs more than one everybody lists). The first term is the share of the
    seeker's need the peer covers; the bonuses (0.1-0.2) reorder peers of similar fit but
    never outweigh a clearly better fit.

    "Already know each other": any interaction between the two with a target, either
    direction and any kind (message, reply, mention, reaction, call, contact, help, resource,
    referral); a problem one raised and the other helped on; or co-attendance of an event
    with at most ``small_event`` attendees (a large network meeting does not introduce
    everyone to everyone).

    References
    ----------
    National Center on Deaf-Blindness (2017). Tips for organizing peer matches.
    Ahuja, R. K., Magnanti, T. L. and Orlin, J. B. (1993). *Network Flows*, ch. 9-11
    (min-cost flow, network simplex).

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> m = pn.match(net, k=2, capacity=2)
    >>> list(m.columns[:4])
    ['seeker', 'peer', 'rank', 'score']
    >>> bool((m["seeker_org"] != m["peer_org"]).all())
    True
    >>> int(m.groupby("peer").size().max()) <= 2
    True
    """
    k = _positive_int("k", k, "match")
    capacity = _positive_int("capacity", capacity, "match")
    candidates = _positive_int("candidates", candidates, "match")
    if isinstance(small_event, bool) or not isinstance(small_event, (int, np.integer)) \
            or small_event < 0:
        raise ValueError(f"match: small_event must be an integer >= 0; got {small_event!r}")
    if not isinstance(same_org, bool):
        raise ValueError(f"match: same_org must be True or False; got {same_org!r}")
    _check_choice("prefer", prefer, _PREFER)
    _check_choice("region", region, _REGION)
    _check_choice("language", language, _LANGUAGE)
    _check_choice("method", method, _METHODS)
    evidence = (evidence,) if isinstance(evidence, str) else tuple(evidence)
    bad = [e for e in evidence if e not in _EVIDENCE]
    if bad or not evidence:
        raise ValueError(f"match: evidence must name some of {list(_EVIDENCE)}; got "
                         f"{list(evidence)!r}")
    w = dict(SCORE_WEIGHTS)
    if weights is not None:
        unknown = sorted(set(weights) - set(w))
        if unknown:
            raise ValueError(f"match: weights keys must be among {sorted(w)}; got {unknown}")
        w.update({key: float(v) for key, v in weights.items()})
    params = {"k": k, "capacity": capacity, "same_org": same_org, "prefer": prefer,
              "region": region, "language": language, "seed": seed,
              "evidence": list(evidence), "small_event": small_event, "weights": w,
              "method": method, "candidates": candidates,
              "roles": None if roles is None else list(roles)}

    members = net.members.drop_duplicates("member_id").reset_index(drop=True)
    ids = pd.Index(members["member_id"].astype("str"))
    current = ids.isin(_available(net))
    if roles is not None:
        roles = [roles] if isinstance(roles, str) else list(roles)
        if "role" not in members.columns:
            raise ValueError("match: roles= needs a 'role' column in the roster; columns are "
                             f"{list(members.columns)}")
        current &= members["role"].isin(roles).to_numpy(dtype=bool, na_value=False)
    need_long, exp_long = _profiles(net, needs, expertise, evidence)
    need_long = need_long[need_long["member_id"].isin(ids[current])]
    exp_long = exp_long[exp_long["member_id"].isin(ids[current])]

    topics = pd.Index(sorted(set(need_long["topic"]) | set(exp_long["topic"])))
    n, n_topics = len(ids), len(topics)
    holders = pd.concat([need_long[["member_id", "topic"]], exp_long[["member_id", "topic"]]])
    holders = holders.drop_duplicates()
    m_total = holders["member_id"].nunique()
    m_t = holders.groupby("topic").size().reindex(topics, fill_value=0).to_numpy()
    idf = np.log((1 + m_total) / (1 + m_t)) + 1.0

    ns, nt = _codes(need_long["member_id"], ids), topics.get_indexer(need_long["topic"])
    es, et = _codes(exp_long["member_id"], ids), topics.get_indexer(exp_long["topic"])
    need_m = sp.csr_matrix((idf[nt], (ns, nt)), shape=(n, n_topics))
    exp_m = sp.csr_matrix((np.ones(len(es)), (es, et)), shape=(n, n_topics))
    solved_m = sp.csr_matrix(((exp_long["n_solved"] > 0).to_numpy(float), (es, et)),
                             shape=(n, n_topics))
    need_mass = np.asarray(need_m.sum(axis=1)).ravel()
    seekers = np.flatnonzero(need_mass > 0)

    need_bin = need_m.copy()
    need_bin.data[:] = 1.0
    org = _attr(members, "org").to_numpy(dtype=object)
    reg = _attr(members, "region").to_numpy(dtype=object)
    lang_long = split_list(_attr(members, "language").dropna())
    lang_codes = pd.Index(sorted(set(lang_long.str.lower())))
    lang_m = sp.csr_matrix((np.ones(len(lang_long)),
                            (lang_long.index.to_numpy(), lang_codes.get_indexer(
                                lang_long.str.lower()))), shape=(n, len(lang_codes)))
    has_lang = np.asarray(lang_m.sum(axis=1)).ravel() > 0
    known_keys = _known_keys(net, ids, small_event)
    chain_keys = _chain_keys(members, ids)
    rng = np.random.default_rng(seed)

    cands, tallies = [], []
    block = max(1, 2_000_000 // max(1, int(exp_m.getnnz(axis=0).max(initial=1))))
    for start in range(0, len(seekers), block):
        blk = seekers[start:start + block]
        covered = (need_m[blk] @ exp_m.T).tocoo()
        s_idx = blk[covered.row]
        p_idx = covered.col.astype(np.int64)
        fit = covered.data / need_mass[s_idx]
        proven = np.zeros(len(s_idx), bool)
        if len(s_idx):
            proven_mat = (need_bin[blk] @ solved_m.T).tocsr()
            proven = np.asarray(proven_mat[covered.row, covered.col]).ravel() > 0
        shared_lang = np.asarray(lang_m[s_idx].multiply(lang_m[p_idx]).sum(axis=1)).ravel() > 0
        keys = _keys(s_idx, p_idx, n)
        known = _in(keys, known_keys)
        org_s, org_p = org[s_idx], org[p_idx]
        reg_s, reg_p = reg[s_idx], reg[p_idx]
        reg_known = pd.notna(reg_s) & pd.notna(reg_p)
        same_reg = reg_known & (reg_s == reg_p)

        # hard constraints, the first violated one named (for the unserved report)
        excluded = np.full(len(keys), "", dtype=object)
        rules = [("self", s_idx == p_idx), ("supervision chain", _in(keys, chain_keys))]
        if not same_org:
            rules.append(("same organization", pd.notna(org_s) & (org_s == org_p)))
        if language == "require":
            rules.append(("no shared language", ~shared_lang))
        for label, mask in rules:
            excluded[(excluded == "") & mask] = label
        tallies.append(pd.DataFrame({"s": s_idx, "why": excluded})
                       .groupby(["s", "why"], as_index=False).size())
        ok = excluded == ""

        score = w["fit"] * fit + w["proven"] * proven
        if language is not False:
            score = score + w["language"] * shared_lang
        if region == "same":
            score = score + w["region"] * same_reg
        elif region == "different":
            score = score + w["region"] * (reg_known & ~same_reg)
        if prefer == "new_ties":
            score = score + w["tie"] * ~known
        elif prefer == "known":
            score = score + w["tie"] * known
        cand = pd.DataFrame({"s": s_idx[ok], "p": p_idx[ok], "score": score[ok],
                             "fit": fit[ok], "proven": proven[ok], "known": known[ok],
                             "tiebreak": rng.random(int(ok.sum()))})
        cand = cand.sort_values(["s", "score", "tiebreak"], ascending=[True, False, False],
                                kind="stable")
        cands.append(cand[cand.groupby("s").cumcount().to_numpy() < candidates])
    cand = pd.concat(cands, ignore_index=True) if cands else pd.DataFrame({
        "s": pd.Series(dtype="int64"), "p": pd.Series(dtype="int64"),
        "score": pd.Series(dtype="float64"), "fit": pd.Series(dtype="float64"),
        "proven": pd.Series(dtype=bool), "known": pd.Series(dtype=bool),
        "tiebreak": pd.Series(dtype="float64")})
    tally = pd.concat(tallies, ignore_index=True) if tallies else pd.DataFrame(
        {"s": pd.Series(dtype="int64"), "why": pd.Series(dtype=object),
         "size": pd.Series(dtype="int64")})
    cand = cand.sort_values(["score", "tiebreak"], ascending=False, kind="stable")
    if method == "flow":
        chosen = _solve_flow(cand, k, capacity, max_score=sum(abs(v) for v in w.values()))
    else:
        chosen = _solve_greedy(cand, k, capacity)
    pairs = cand.loc[chosen].sort_values(["s", "score", "tiebreak"],
                                         ascending=[True, False, False], kind="stable")

    out = _match_table(pairs, ids, members, need_long, exp_long, org, reg, lang_m, has_lang,
                       language, region, prefer)
    seekers_df = _seeker_table(seekers, ids, need_long, tally, out, capacity)
    out.attrs["seekers"] = seekers_df
    out.attrs["unserved"] = seekers_df[seekers_df["n_suggested"] == 0].reset_index(drop=True)
    out.attrs["params"] = params
    return out


def _solve_flow(cand: pd.DataFrame, k: int, capacity: int, *, max_score: float) -> list:
    """Indices of ``cand`` chosen by the min-cost flow, solved as a linear program.

    Network: source -> (seeker, slot j) [cap 1, cost -R_j] -> seeker -> peer [cap 1, cost
    -score] -> sink [cap ``capacity``], and a free bypass source -> sink (slots may stay
    empty). R_j = (k - j) * M with M larger than any score: serving a seeker's first slot
    always beats improving scores, and first slots beat second ones. Variables: one per
    candidate pair (x) and one per seeker slot (y); rows: flow conservation at each seeker
    (sum x - sum y = 0) and each peer's capacity (sum x <= capacity). The constraint matrix
    is a network matrix (totally unimodular), so every vertex is integral: HiGHS (scipy
    ``linprog``, interior point with crossover to a vertex) returns a 0/1 solution, with
    ``milp`` as a safety net should a fractional one ever come back.
    """
    from scipy.optimize import LinearConstraint, linprog, milp

    if len(cand) == 0:
        return []
    s_codes, seekers = pd.factorize(cand["s"], sort=True)
    p_codes, peers = pd.factorize(cand["p"], sort=True)
    n_s, n_p, n_e = len(seekers), len(peers), len(cand)
    slots = np.minimum(k, np.bincount(s_codes, minlength=n_s))
    y_seeker = np.repeat(np.arange(n_s), slots)
    y_slot = np.arange(len(y_seeker)) - np.repeat(np.cumsum(slots) - slots, slots)
    n_y = len(y_seeker)
    big = max_score + 1.0
    cost = np.concatenate([-(cand["score"].to_numpy(float)
                             + 1e-6 * cand["tiebreak"].to_numpy(float)),
                           -(k - y_slot) * big])
    rows = np.concatenate([s_codes, n_s + p_codes, y_seeker])
    cols = np.concatenate([np.arange(n_e), np.arange(n_e), n_e + np.arange(n_y)])
    vals = np.concatenate([np.ones(2 * n_e), -np.ones(n_y)])
    A = sp.csr_matrix((vals, (rows, cols)), shape=(n_s + n_p, n_e + n_y))
    lower = np.zeros(n_s + n_p)
    upper = np.concatenate([np.zeros(n_s), np.full(n_p, float(capacity))])
    res = linprog(cost, A_ub=A[n_s:], b_ub=upper[n_s:], A_eq=A[:n_s], b_eq=lower[:n_s],
                  bounds=(0, 1), method="highs-ipm")  # interior point + crossover: a vertex
    x = res.x
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:  # pragma: no cover - safety net
        res = milp(cost, constraints=LinearConstraint(A, lower, upper),
                   integrality=np.ones(n_e + n_y), bounds=(0, 1),
                   options={"mip_rel_gap": 0.0})
        x = res.x
    if x is None:  # pragma: no cover - the all-zero flow is always feasible
        raise RuntimeError(f"match: the assignment could not be solved ({res.message})")
    return list(cand.index[x[:n_e] > 0.5])


def _solve_greedy(cand: pd.DataFrame, k: int, capacity: int) -> list:
    """Indices of ``cand`` (sorted best first) taken greedily while both sides have room."""
    room_s: dict[int, int] = {}
    room_p: dict[int, int] = {}
    chosen = []
    for i, s, p in zip(cand.index, cand["s"].tolist(), cand["p"].tolist(), strict=True):
        if room_s.get(s, 0) < k and room_p.get(p, 0) < capacity:
            room_s[s] = room_s.get(s, 0) + 1
            room_p[p] = room_p.get(p, 0) + 1
            chosen.append(i)
    return chosen


def _match_table(pairs, ids, members, need_long, exp_long, org, reg, lang_m, has_lang,
                 language, region, prefer) -> pd.DataFrame:
    s, p = pairs["s"].to_numpy(), pairs["p"].to_numpy()
    seeker = pd.Series(ids[s], dtype="str")
    peer = pd.Series(ids[p], dtype="str")
    # matched topics of the chosen pairs, and the proven ones among them
    pair_ids = pd.DataFrame({"seeker": seeker, "peer": peer, "pos": np.arange(len(s))})
    nl = need_long[["member_id", "topic"]].rename(columns={"member_id": "seeker"})
    el = exp_long[["member_id", "topic", "n_solved"]].rename(columns={"member_id": "peer"})
    both = pair_ids.merge(nl, on="seeker").merge(el, on=["peer", "topic"])
    both = both.sort_values(["pos", "topic"])
    topics = both.groupby("pos")["topic"].agg("; ".join).reindex(range(len(s)), fill_value="")
    solved = both[both["n_solved"] > 0].groupby("pos")["n_solved"].sum()
    solved = solved.reindex(range(len(s)), fill_value=0).to_numpy()
    shared = np.asarray(lang_m[s].multiply(lang_m[p]).sum(axis=1)).ravel() > 0
    lang_ok = has_lang[s] & has_lang[p]
    same_language = pd.array(np.where(lang_ok, shared, False), dtype="boolean")
    same_language[~lang_ok] = pd.NA
    rs, rp = reg[s], reg[p]
    reg_ok = pd.notna(rs) & pd.notna(rp)
    same_region = pd.array(np.where(reg_ok, rs == rp, False).astype(bool), dtype="boolean")
    same_region[~reg_ok] = pd.NA
    known = pairs["known"].to_numpy(bool)
    out = pd.DataFrame({
        "seeker": seeker,
        "peer": peer,
        "rank": pairs.groupby("s").cumcount().to_numpy() + 1,
        "score": pairs["score"].to_numpy().round(4),
        "topics": pd.Series(topics.to_numpy(), dtype="str"),
        "share_need_covered": pairs["fit"].to_numpy().round(4),
        "proven": pairs["proven"].to_numpy(bool),
        "same_language": same_language,
        "same_region": same_region,
        "known": known,
        "seeker_org": pd.Series(org[s], dtype="str"),
        "peer_org": pd.Series(org[p], dtype="str"),
    })
    out["reasons"] = _reasons(out, solved, reg, s, p, members)
    return out[_MATCH_COLUMNS].sort_values(["seeker", "rank"], kind="stable",
                                           ignore_index=True)


def _reasons(out: pd.DataFrame, solved: np.ndarray, reg, s, p, members) -> pd.Series:
    """One line per match, e.g. ``covers housing (60% of needs), helped solve 2 problems on
    them; both speak es; regions Coast / Mountain; new tie; orgs A / B``."""
    lang = _attr(members, "language").to_numpy(dtype=object)
    pct = (out["share_need_covered"] * 100).round().astype(int).astype("str")
    text = "covers " + out["topics"] + " (" + pct + "% of needs)"
    helped = pd.Series(np.where(solved > 0, ", helped solve " + pd.Series(solved).astype(
        "str") + " problem(s) on them", ""), dtype="str")
    text = text + helped
    ls, lp = pd.Series(lang[s], dtype="str"), pd.Series(lang[p], dtype="str")
    lang_txt = pd.Series(np.where(out["same_language"].fillna(False).to_numpy(bool),
                                  "shared language " + ls.where(ls == lp, ls + "/" + lp),
                                  "languages " + ls.fillna("?") + " / " + lp.fillna("?")),
                         dtype="str")
    rs = pd.Series(reg[s], dtype="str").fillna("?")
    rp = pd.Series(reg[p], dtype="str").fillna("?")
    reg_txt = pd.Series(np.where(out["same_region"].fillna(False).to_numpy(bool),
                                 "same region " + rs, "regions " + rs + " / " + rp),
                        dtype="str")
    tie = pd.Series(np.where(out["known"], "already know each other", "new tie"), dtype="str")
    orgs = ("orgs " + out["seeker_org"].fillna("?") + " / " + out["peer_org"].fillna("?"))
    return (text + "; " + lang_txt + "; " + reg_txt + "; " + tie + "; " + orgs).astype("str")


def _seeker_table(seekers, ids, need_long, tally, out, capacity):
    """One row per seeker: needs, peers who fit, peers left after constraints, suggestions.

    ``tally``: pairs per seeker position ``s`` and exclusion reason ``why`` ("" = eligible).
    """
    seeker_ids = pd.Index(ids[seekers])
    needs = (need_long.sort_values("topic").groupby("member_id")["topic"].agg("; ".join)
             .reindex(seeker_ids).fillna(""))
    tally = tally[tally["why"] != "self"].assign(seeker=lambda d: ids[d["s"].to_numpy(int)])
    n_fitting = tally.groupby("seeker")["size"].sum().reindex(seeker_ids, fill_value=0)
    n_eligible = (tally[tally["why"] == ""].groupby("seeker")["size"].sum()
                  .reindex(seeker_ids, fill_value=0))
    n_suggested = out.groupby("seeker").size().reindex(seeker_ids, fill_value=0)
    barred = tally[tally["why"] != ""].groupby(["seeker", "why"])["size"].sum().rename("n")
    barred = barred.reset_index().sort_values(["seeker", "n", "why"],
                                              ascending=[True, False, True])
    barred_txt = (barred["n"].astype("str") + " " + barred["why"]).groupby(
        barred["seeker"]).agg(", ".join).reindex(seeker_ids).fillna("")
    reason = np.where(
        n_suggested.to_numpy() > 0, "",
        np.where(n_fitting.to_numpy() == 0,
                 "no other current member lists expertise in " + needs.to_numpy(dtype=object),
                 np.where(n_eligible.to_numpy() == 0,
                          "every peer with the expertise is excluded: "
                          + barred_txt.to_numpy(dtype=object),
                          "all " + n_eligible.astype("str").to_numpy(dtype=object)
                          + f" eligible peer(s) were already suggested {capacity} time(s)")))
    return pd.DataFrame({
        "seeker": pd.Series(seeker_ids, dtype="str"),
        "needs": pd.Series(needs.to_numpy(), dtype="str"),
        "n_fitting": n_fitting.to_numpy(),
        "n_eligible": n_eligible.to_numpy(),
        "n_suggested": n_suggested.to_numpy(),
        "reason": pd.Series(reason, dtype="str"),
    })[_SEEKER_COLUMNS]


# ------------------------------------------------------------------------------ groups
def groups(net: PeerNetwork, *, size: tuple[int, int] = (4, 6),
           topic: str | Sequence[str] | None = None,
           mix: Sequence[str] = ("org", "region"), within: str | Sequence[str] | None = None,
           members: Sequence[str] | None = None, seed: int = 0) -> pd.DataFrame:
    """Partition members into small peer learning groups that share a topic and mix orgs.

    Members are selected (``members=``, else every current member with a need or an
    expertise), each is given one *anchor topic* among their needs and expertise, and
    every topic pool is split into groups of ``size[0]`` to ``size[1]`` members whose sizes
    differ by at most one. Inside a pool, members are dealt round-robin (experts in the
    topic first, then by organization) and then improved by swaps that lower the number of
    same-organization (and, per ``mix``, same-region) pairs; members in one supervision
    chain are kept apart whenever the pool allows it.

    Parameters
    ----------
    net : PeerNetwork
    size : (int, int), default (4, 6)
        Smallest and largest group size.
    topic : str or sequence of str, optional
        Form groups on these topics only (members interested in one of them). Default:
        every topic, each member anchored on the topic that gives the largest pool
        (a pool smaller than ``size[0]`` dissolves and its members try their next topic).
    mix : sequence of {"org", "region", "sector", "language"}, default ("org", "region")
        Member attributes to spread across groups (fewest same-value pairs in a group).
    within : str or sequence of str, optional
        Attributes every group must share, e.g. ``"region"`` for regional groups or
        ``"language"``: pools are formed separately for each value.
    members : sequence of str, optional
        The member ids to group (default: current members with a need or expertise).
    seed : int, default 0
        Order of members with equal standing, reproducibly.

    Returns
    -------
    DataFrame
        One row a group: ``group`` (1, 2, ...), ``topic`` (anchor), ``size``, ``members``
        ("; "-joined ids), ``n_experts`` (members with expertise in the topic),
        ``n_orgs``, ``n_regions``, ``same_org_pairs``, ``chain_pairs``, ``shared_topics``
        (other topics at least half the group lists), plus the ``within`` columns.
        ``result.attrs["members"]``: one row a member (``group, member_id, topic, role,
        org, region``; role is ``expert`` or ``learner``); ``result.attrs["ungrouped"]``:
        members left out and why.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> g = pn.groups(net, size=(4, 6))
    >>> bool(g["size"].between(4, 6).all())
    True
    """
    lo, hi = _check_size(size)
    mix = (mix,) if isinstance(mix, str) else tuple(mix)
    allowed = ("org", "region", "sector", "language")
    bad = [x for x in mix if x not in allowed]
    if bad:
        raise ValueError(f"groups: mix must name some of {list(allowed)}; got {bad}")
    within = () if within is None else (within,) if isinstance(within, str) else tuple(within)
    bad = [x for x in within if x not in allowed]
    if bad:
        raise ValueError(f"groups: within must name some of {list(allowed)}; got {bad}")
    roster = net.members.drop_duplicates("member_id").reset_index(drop=True)
    ids = pd.Index(roster["member_id"].astype("str"))
    need_long, exp_long = _profiles(net, None, None, _EVIDENCE)
    interest = pd.concat([need_long.assign(expert=False), exp_long.assign(expert=True)])
    interest = interest.groupby(["member_id", "topic"], as_index=False)["expert"].max()
    if members is None:
        chosen = _available(net).intersection(interest["member_id"].unique())
    else:
        chosen = pd.Index([str(x) for x in members])
        unknown = chosen.difference(ids)
        if len(unknown):
            raise ValueError(f"groups: members not on the roster: {list(unknown[:5])}")
    interest = interest[interest["member_id"].isin(chosen)]
    if topic is not None:
        wanted = [topic] if isinstance(topic, str) else list(topic)
        wanted = list(_norm_topics(pd.Series(wanted, dtype="str")))
        interest = interest[interest["topic"].isin(wanted)]
    attrs = pd.DataFrame({"member_id": ids})
    for col in ("org", "region", "sector", "language"):
        attrs[col] = _attr(roster, col).to_numpy(dtype=object)
    chain = _chain_keys(roster, ids)
    rng = np.random.default_rng(seed)
    order = pd.Series(rng.random(len(ids)), index=ids)

    no_topic = chosen.difference(interest["member_id"].unique())
    left = [pd.DataFrame({"member_id": no_topic.astype("str"),
                          "reason": "no need or expertise" + (" in the topic(s) asked"
                                                              if topic is not None else "")})]
    rows = []
    att = attrs.set_index("member_id")
    interest = interest.join(att[list(within)], on="member_id") if within else interest
    parts = interest.groupby(list(within), dropna=False) if within else [((), interest)]
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        anchored, dropped = _anchor(part, lo)
        if len(dropped):
            left.append(dropped)
        for t, pool in anchored.groupby("topic", sort=True):
            pool = pool[["member_id", "topic", "expert"]].join(att, on="member_id")
            pool["tiebreak"] = order.reindex(pool["member_id"]).to_numpy()
            assignment, extra = _form(pool, lo, hi, mix, chain, ids)
            if len(extra):
                left.append(pd.DataFrame({"member_id": extra, "reason": (
                    f"pool of {len(pool)} on {t} cannot be split into groups of {lo}-{hi}")}))
            for members_ in assignment:
                rows.append((key, t, members_))
    # assemble, vectorised over all groups
    sizes = [len(mem) for _, _, mem in rows]
    long = pd.DataFrame({
        "group": np.repeat(np.arange(1, len(rows) + 1), sizes),
        "member_id": pd.Series([m_ for _, _, mem in rows for m_ in mem], dtype="str"),
        "topic": pd.Series(np.repeat([t for _, t, _ in rows], sizes), dtype="str"),
    })
    expert = interest[interest["expert"]][["member_id", "topic"]].assign(is_expert=True)
    long = long.merge(expert, on=["member_id", "topic"], how="left")
    long["role"] = np.where(long["is_expert"].fillna(False).astype(bool), "expert", "learner")
    long = long.join(attrs.set_index("member_id")[["org", "region"]], on="member_id")
    by = long.groupby("group", sort=True)
    out = pd.DataFrame({
        "group": np.arange(1, len(rows) + 1),
        "topic": pd.Series([t for _, t, _ in rows], dtype="str"),
        "size": np.asarray(sizes, dtype="int64"),
        "members": pd.Series(["; ".join(mem) for _, _, mem in rows], dtype="str"),
    })
    for i, name in enumerate(within):
        out[name] = pd.Series([key[i] for key, _, _ in rows], dtype="str")
    grp = out["group"]
    out["n_experts"] = (long["role"] == "expert").groupby(long["group"]).sum().reindex(
        grp, fill_value=0).to_numpy(dtype="int64")
    out["n_orgs"] = by["org"].nunique().reindex(grp).to_numpy(dtype="int64")
    out["n_regions"] = by["region"].nunique().reindex(grp).to_numpy(dtype="int64")
    per_org = long.dropna(subset=["org"]).groupby(["group", "org"]).size()
    out["same_org_pairs"] = (per_org * (per_org - 1) // 2).groupby(level="group").sum() \
        .reindex(grp, fill_value=0).to_numpy(dtype="int64")
    pairs = long[["group", "member_id"]].merge(long[["group", "member_id"]], on="group")
    pairs = pairs[pairs["member_id_x"] < pairs["member_id_y"]]
    in_chain = _in(_keys(ids.get_indexer(pairs["member_id_x"]),
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
    cols = ["group", *within, "topic", "size", "members", "n_experts", "n_orgs", "n_regions",
            "same_org_pairs", "chain_pairs", "shared_topics"]
    out = out[cols]
    mcols = ["group", "member_id", "topic", "role", "org", "region"]
    out.attrs["members"] = long[mcols].reset_index(drop=True)
    ungrouped = pd.concat(left, ignore_index=True)
    out.attrs["ungrouped"] = ungrouped.sort_values("member_id").reset_index(drop=True)
    return out


def _check_size(size: Any) -> tuple[int, int]:
    try:
        lo, hi = size
    except (TypeError, ValueError) as err:
        raise ValueError(f"groups: size must be a pair (smallest, largest); got {size!r}") \
            from err
    lo = _positive_int("size[0]", lo, "groups")
    hi = _positive_int("size[1]", hi, "groups")
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
    pen += 100 * _in(_keys(a.ravel(), b.ravel(), len(ids)), chain).reshape(placed, placed)
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
