"""One-to-one peer matches: ``pn.match``.

For every seeker (a member with a need, or with ``purpose="integrate"`` a member with no tie
outside their organization) up to ``k`` peers, chosen globally under hard rules (equal
footing by level and supervision chain, another organization, a shared language) and scored
on how well the peer's expertise covers the need, with bonuses for proven help, a shared
language, the same region and a new tie. The method: ``docs/matching.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..network import PeerNetwork
from ..ties import in_sorted, pair_keys
from .assign import solve_flow, solve_greedy
from .constraints import shared_languages
from .formats import pair_formats
from .levels import LevelMap
from .profiles import EVIDENCE, codes, profiles
from .result import MatchResult, member_labels
from .rules import Options, Roster, bonuses, exclusions, other_orgs_known

__all__ = ["match", "PAIR_COLUMNS", "SEEKER_COLUMNS"]

PAIR_COLUMNS = ["seeker", "peer", "rank", "score", "topics", "share_need_covered", "proven",
                "shared_language", "same_region", "known", "seeker_org", "peer_org",
                "seeker_region", "peer_region", "seeker_level", "peer_level",
                "peer_other_orgs", "format", "problem_to_bring", "format_reason", "evidence",
                "reasons", "introduction"]
SEEKER_COLUMNS = ["seeker", "needs", "level", "n_fitting", "n_eligible", "n_suggested",
                  "reason"]
_CAND = {"s": "int64", "p": "int64", "score": "float64", "fit": "float64", "proven": bool,
         "known": bool, "tiebreak": "float64"}


def match(net: PeerNetwork, *, purpose: str = "help",
          needs: pd.DataFrame | Mapping[str, Any] | None = None,
          expertise: pd.DataFrame | Mapping[str, Any] | None = None, k: int = 3,
          capacity: int = 2, same_org: bool = False, prefer: str | None = "new_ties",
          region: str = "prefer_same", language: str = "require", levels: str = "same",
          level_map: str | Path | Mapping[str, Any] | LevelMap | None = None,
          roles: Sequence[str] | None = None, seed: int = 0,
          evidence: Sequence[str] = EVIDENCE, small_event: int = 10,
          weights: Mapping[str, float] | None = None, method: str = "flow",
          candidates: int = 15, bridge_orgs: int = 3) -> MatchResult:
    """Suggest peer matches: for each seeker, up to ``k`` peers on an equal footing.

    With ``purpose="help"`` (default) a *seeker* is an available member (on the roster,
    joined, not left) with at least one need, and a *peer* a member whose expertise covers
    one of them. With ``purpose="integrate"`` a seeker is a member with no tie to anyone
    outside their own organization (a newcomer, or someone isolated), and a peer an
    established member (joined a year or more before) who already knows members of at least
    ``bridge_orgs`` other organizations: a bridge into the network.

    Hard rules, never broken (a pair breaking one is not a candidate):

    - never the seeker themself, never anyone in their supervision chain;
    - equal footing: the same level (``levels="same"``, default) or one apart
      (``"adjacent"``), levels inferred from title, role and sector (``levels.toml``);
    - another organization (unless ``same_org=True``);
    - a shared language (``language="require"``, default);
    - the same region, with ``region="same"``.

    Among the candidates, suggestions are chosen **globally** as a min-cost flow so that
    no peer is suggested more than ``capacity`` times and every seeker's first suggestion
    comes before anyone's second.

    Parameters
    ----------
    net : PeerNetwork
        The network; a slice (``net.period("2025")``) takes the problem log of that period,
        its current members, and all interactions up to its end for "already know each
        other".
    purpose : {"help", "integrate"}, default "help"
        Match needs with expertise, or newcomers with bridging members.
    needs, expertise : DataFrame or mapping, optional
        Replace the derived needs (expertise): a DataFrame with columns ``member_id`` and
        ``topic`` ("; "-joined lists allowed), or a mapping ``member_id -> topics``.
        Default: the roster's ``needs`` / ``expertise`` columns plus the problem log.
    k : int, default 3
        Suggestions per seeker (at most).
    capacity : int, default 2
        Times a peer may be suggested (at most).
    same_org : bool, default False
        Allow peers from the seeker's own organization.
    prefer : {"new_ties", "known", None}, default "new_ties"
        Bonus ``weights["tie"]`` for pairs who have never interacted, or who already know
        each other; None: neutral.
    region : {"prefer_same", "same", "prefer_different", "ignore"}, default "prefer_same"
        Bonus ``weights["region"]`` for a peer of the same region (or of another one);
        ``"same"`` makes it a rule.
    language : {"require", "bonus", "ignore"}, default "require"
        A shared language is a rule (members without a language are left out), a bonus
        ``weights["language"]``, or ignored. ``language`` may hold several ("en; es").
    levels : {"same", "adjacent", "ignore"}, default "same"
        Equal footing: the same level, at most one level apart, or no level rule.
    level_map : path, mapping or LevelMap, optional
        Your own levels file (default: the shipped ``peernet/match/levels.toml``).
    roles : sequence of str, optional
        Only members whose ``role`` is one of these take part.
    seed : int, default 0
        Breaks ties between equal scores reproducibly.
    evidence : sequence of {"roster", "problems"}, default both
        Where needs and expertise come from (when not given).
    small_event : int, default 10
        Co-attending an event with at most this many attendees counts as knowing each other.
    weights : mapping, optional
        Override :data:`SCORE_WEIGHTS` (keys fit, proven, language, region, tie, bridge).
    method : {"flow", "greedy"}, default "flow"
        "greedy" is a baseline to compare with, not a recommendation.
    candidates : int, default 15
        Each seeker's best ``candidates`` eligible peers enter the assignment.
    bridge_orgs : int, default 3
        ``purpose="integrate"``: other organizations a bridging peer must already know.

    Returns
    -------
    MatchResult
        ``.pairs`` one row a suggested pair (``seeker``, ``peer`` first; topics, shared
        language, levels, format, problem to bring, evidence, reasons and a draft
        introduction), ``.seekers`` every seeker with counts and a reason, ``.unserved``
        those with no suggestion, ``.groups`` the pairs that share a peer and a need (to meet
        as one problem-solving group), ``.levels`` the inferred levels, ``.summary()``,
        ``.to_excel(path, names=False)``.

    Notes
    -----
    Score of a candidate pair (seeker s, peer p):

    .. math::

        \\text{score} = w_{fit}\\,\\frac{\\sum_{t \\in N_s \\cap E_p} idf_t}
                                         {\\sum_{t \\in N_s} idf_t}
            + w_{proven}[\\text{proven}] + w_{language}[\\text{shared language}]
            + w_{region}[\\text{region as asked}] + w_{tie}[\\text{tie as preferred}]
            (+ w_{bridge} \\cdot \\text{orgs known} / \\max \\text{ with purpose="integrate"})

    with :math:`idf_t = \\ln\\frac{1 + M}{1 + m_t} + 1` (M members with any need or
    expertise, :math:`m_t` those listing topic t).

    References
    ----------
    National Center on Deaf-Blindness (2017). Tips for organizing peer matches.
    Ahuja, R. K., Magnanti, T. L. and Orlin, J. B. (1993). *Network Flows*, ch. 9-11.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> m = pn.match(net, k=2, capacity=2)
    >>> list(m.pairs.columns[:4])
    ['seeker', 'peer', 'rank', 'score']
    >>> bool((m.pairs["seeker_level"] == m.pairs["peer_level"]).all())
    True
    >>> bool((m.pairs["shared_language"] != "").all())
    True
    """
    o = Options.checked(purpose=purpose, k=k, capacity=capacity, same_org=same_org,
                        prefer=prefer, region=region, language=language, levels=levels,
                        seed=seed, evidence=evidence, small_event=small_event, weights=weights,
                        method=method, candidates=candidates, roles=roles,
                        bridge_orgs=bridge_orgs)
    r = Roster.build(net, small_event=o.small_event, level_map=level_map, roles=o.roles)
    need_long, exp_long = profiles(net, needs, expertise, o.evidence)
    need_long = need_long[need_long["member_id"].isin(r.ids[r.current])]
    exp_long = exp_long[exp_long["member_id"].isin(r.ids[r.current])]
    m = _TopicMatrices(r, need_long, exp_long)
    reach = other_orgs_known(r)
    if o.purpose == "help":
        seekers = np.flatnonzero(m.need_mass > 0)
        cand, tally = _help_candidates(r, o, m, seekers)
        nobody = "no other current member lists expertise in "
        barred = "every peer with the expertise is excluded: "
    else:
        seekers, bridges = _newcomers_and_bridges(r, o, reach)
        cand, tally = _integrate_candidates(r, o, m, seekers, bridges, reach)
        nobody = (f"no established member knows people in {o.bridge_orgs}+ other "
                  "organizations; needs: ")
        barred = "every bridging member is excluded: "
    cand = cand.sort_values(["score", "tiebreak"], ascending=False, kind="stable")
    if o.method == "flow":
        chosen = solve_flow(cand, o.k, o.capacity, max_score=o.max_score)
    else:
        chosen = solve_greedy(cand, o.k, o.capacity)
    picked = cand.loc[chosen].sort_values(["s", "score", "tiebreak"],
                                          ascending=[True, False, False], kind="stable")
    pairs = _pair_table(picked, r, need_long, exp_long, reach)
    pairs, groups = pair_formats(pairs, net, exp_long, purpose=o.purpose)
    pairs = pairs[PAIR_COLUMNS]
    seekers_df = _seeker_table(seekers, r, need_long, tally, pairs, o.capacity, nobody,
                               barred)
    params = {f: getattr(o, f) for f in Options.__dataclass_fields__}
    params["level_map"] = r.level_map.source
    return MatchResult(pairs=pairs, groups=groups, seekers=seekers_df,
                       unserved=seekers_df[seekers_df["n_suggested"] == 0]
                       .reset_index(drop=True),
                       levels=r.levels.assign(**{"title": _col(r.members, "title"),
                                                 "role": _col(r.members, "role")}),
                       people=member_labels(r.members), params=params, kind="pairs")


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].astype("string") if name in df.columns else pd.Series(
        pd.NA, index=df.index, dtype="string")


class _TopicMatrices:
    """Member x topic matrices: needs weighted by IDF, expertise, solved-problem help."""

    def __init__(self, r: Roster, need_long: pd.DataFrame, exp_long: pd.DataFrame):
        topics = pd.Index(sorted(set(need_long["topic"]) | set(exp_long["topic"])))
        n, n_t = len(r.ids), len(topics)
        holders = pd.concat([need_long[["member_id", "topic"]],
                             exp_long[["member_id", "topic"]]]).drop_duplicates()
        m_total = holders["member_id"].nunique()
        m_t = holders.groupby("topic").size().reindex(topics, fill_value=0).to_numpy()
        idf = np.log((1 + m_total) / (1 + m_t)) + 1.0
        ns, nt = codes(need_long["member_id"], r.ids), topics.get_indexer(need_long["topic"])
        es, et = codes(exp_long["member_id"], r.ids), topics.get_indexer(exp_long["topic"])
        self.need = sp.csr_matrix((idf[nt], (ns, nt)), shape=(n, n_t))
        self.exp = sp.csr_matrix((np.ones(len(es)), (es, et)), shape=(n, n_t))
        self.solved = sp.csr_matrix(((exp_long["n_solved"] > 0).to_numpy(float), (es, et)),
                                    shape=(n, n_t))
        self.need_mass = np.asarray(self.need.sum(axis=1)).ravel()
        self.need_bin = self.need.copy()
        self.need_bin.data[:] = 1.0

    def fit(self, s: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """IDF-weighted share of s's needs p covers, and whether p proved it (solved)."""
        if len(s) == 0:
            return np.zeros(0), np.zeros(0, bool)
        covered = np.asarray(self.need[s].multiply(self.exp[p]).sum(axis=1)).ravel()
        proven = np.asarray(self.need_bin[s].multiply(self.solved[p]).sum(axis=1)).ravel() > 0
        mass = self.need_mass[s]
        return np.divide(covered, mass, out=np.zeros(len(s)), where=mass > 0), proven


def _scored(r: Roster, o: Options, s: np.ndarray, p: np.ndarray, fit: np.ndarray,
            proven: np.ndarray, extra: np.ndarray, rng: np.random.Generator,
            tallies: list[pd.DataFrame]) -> pd.DataFrame:
    """Apply the rules, score the candidates, keep each seeker's best ``candidates``."""
    known = in_sorted(pair_keys(s, p, len(r.ids)), r.known)
    why = exclusions(r, o, s, p)
    tallies.append(pd.DataFrame({"s": s, "why": why}).groupby(["s", "why"], as_index=False)
                   .size())
    ok = why == ""
    score = o.weights["fit"] * fit + o.weights["proven"] * proven + extra
    score = score + bonuses(r, o, s, p, known)
    cand = pd.DataFrame({"s": s[ok], "p": p[ok], "score": score[ok], "fit": fit[ok],
                         "proven": proven[ok], "known": known[ok],
                         "tiebreak": rng.random(int(ok.sum()))})
    cand = cand.sort_values(["s", "score", "tiebreak"], ascending=[True, False, False],
                            kind="stable")
    return cand[cand.groupby("s").cumcount().to_numpy() < o.candidates]


def _finish(cands: list[pd.DataFrame],
            tallies: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    cand = pd.concat(cands, ignore_index=True) if cands else pd.DataFrame(
        {c: pd.Series(dtype=t) for c, t in _CAND.items()})
    tally = pd.concat(tallies, ignore_index=True) if tallies else pd.DataFrame(
        {"s": pd.Series(dtype="int64"), "why": pd.Series(dtype=object),
         "size": pd.Series(dtype="int64")})
    return cand, tally


def _help_candidates(r: Roster, o: Options, m: _TopicMatrices,
                     seekers: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs whose peer covers one of the seeker's needs, in blocks of seekers."""
    rng = np.random.default_rng(o.seed)
    cands: list[pd.DataFrame] = []
    tallies: list[pd.DataFrame] = []
    block = max(1, 2_000_000 // max(1, int(m.exp.getnnz(axis=0).max(initial=1))))
    for start in range(0, len(seekers), block):
        blk = seekers[start:start + block]
        covered = (m.need[blk] @ m.exp.T).tocoo()
        s = blk[covered.row].astype(np.int64)
        p = covered.col.astype(np.int64)
        fit = covered.data / m.need_mass[s]
        proven = np.zeros(len(s), bool)
        if len(s):
            proven_mat = (m.need_bin[blk] @ m.solved.T).tocsr()
            proven = np.asarray(proven_mat[covered.row, covered.col]).ravel() > 0
        cands.append(_scored(r, o, s, p, fit, proven, np.zeros(len(s)), rng, tallies))
    return _finish(cands, tallies)


def _newcomers_and_bridges(r: Roster, o: Options,
                           reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seekers: current members who know nobody outside their organization. Peers: current
    members who know people in ``bridge_orgs`` or more other organizations and joined at
    least a year before the reference date (or whose joining date is unknown)."""
    seekers = np.flatnonzero(r.current & (reach == 0))
    established = np.ones(len(r.ids), bool)
    if "joined" in r.members.columns:
        joined = pd.to_datetime(r.members["joined"], utc=True)
        established = ~(joined > r.reference - pd.Timedelta(days=365)).fillna(False) \
            .to_numpy(bool)
    bridges = np.flatnonzero(r.current & established & (reach >= o.bridge_orgs))
    return seekers, bridges


def _integrate_candidates(r: Roster, o: Options, m: _TopicMatrices, seekers: np.ndarray,
                          bridges: np.ndarray, reach: np.ndarray
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every newcomer x bridge pair; the score adds how widely the bridge is connected."""
    rng = np.random.default_rng(o.seed)
    cands: list[pd.DataFrame] = []
    tallies: list[pd.DataFrame] = []
    top = max(1, int(reach[bridges].max(initial=1)))
    block = max(1, 2_000_000 // max(1, len(bridges)))
    for start in range(0, len(seekers), block):
        blk = seekers[start:start + block]
        s = np.repeat(blk, len(bridges)).astype(np.int64)
        p = np.tile(bridges, len(blk)).astype(np.int64)
        fit, proven = m.fit(s, p)
        extra = o.weights["bridge"] * reach[p] / top
        cands.append(_scored(r, o, s, p, fit, proven, extra, rng, tallies))
    return _finish(cands, tallies)


def _pair_table(picked: pd.DataFrame, r: Roster, need_long: pd.DataFrame,
                exp_long: pd.DataFrame, reach: np.ndarray) -> pd.DataFrame:
    s, p = picked["s"].to_numpy(int), picked["p"].to_numpy(int)
    seeker = pd.Series(r.ids[s], dtype="str")
    peer = pd.Series(r.ids[p], dtype="str")
    pos = pd.DataFrame({"seeker": seeker, "peer": peer, "pos": np.arange(len(s))})
    nl = need_long[["member_id", "topic"]].rename(columns={"member_id": "seeker"})
    el = exp_long[["member_id", "topic", "n_solved"]].rename(columns={"member_id": "peer"})
    both = pos.merge(nl, on="seeker").merge(el, on=["peer", "topic"]).sort_values(
        ["pos", "topic"])
    topics = both.groupby("pos")["topic"].agg("; ".join).reindex(range(len(s)), fill_value="")
    rs, rp = r.region[s], r.region[p]
    reg_ok = pd.notna(rs) & pd.notna(rp)
    same_region = pd.array(np.where(reg_ok, rs == rp, False).astype(bool), dtype="boolean")
    same_region[~reg_ok] = pd.NA
    lvl = r.levels["level"].to_numpy(dtype=object)
    return pd.DataFrame({
        "seeker": seeker, "peer": peer,
        "rank": picked.groupby("s").cumcount().to_numpy() + 1,
        "score": picked["score"].to_numpy().round(4),
        "topics": pd.Series(topics.to_numpy(), dtype="str"),
        "share_need_covered": picked["fit"].to_numpy().round(4),
        "proven": picked["proven"].to_numpy(bool),
        "shared_language": shared_languages(r.lang_m, r.langs, s, p),
        "same_region": same_region,
        "known": picked["known"].to_numpy(bool),
        "seeker_org": pd.Series(r.org[s], dtype="str"),
        "peer_org": pd.Series(r.org[p], dtype="str"),
        "seeker_region": pd.Series(rs, dtype="str"),
        "peer_region": pd.Series(rp, dtype="str"),
        "seeker_level": pd.Series(lvl[s], dtype="str"),
        "peer_level": pd.Series(lvl[p], dtype="str"),
        "peer_other_orgs": reach[p].astype("int64"),
    }).sort_values(["seeker", "rank"], kind="stable", ignore_index=True)


def _seeker_table(seekers: np.ndarray, r: Roster, need_long: pd.DataFrame,
                  tally: pd.DataFrame, pairs: pd.DataFrame, capacity: int,
                  nobody: str, barred_by: str) -> pd.DataFrame:
    """One row per seeker: needs, level, peers who fit, peers left after the rules,
    suggestions, and why a seeker got none."""
    seeker_ids = pd.Index(r.ids[seekers])
    needs = (need_long.sort_values("topic").groupby("member_id")["topic"].agg("; ".join)
             .reindex(seeker_ids).fillna(""))
    tally = tally[tally["why"] != "self"].assign(seeker=lambda d: r.ids[d["s"].to_numpy(int)])
    n_fitting = tally.groupby("seeker")["size"].sum().reindex(seeker_ids, fill_value=0)
    n_eligible = (tally[tally["why"] == ""].groupby("seeker")["size"].sum()
                  .reindex(seeker_ids, fill_value=0))
    n_suggested = pairs.groupby("seeker").size().reindex(seeker_ids, fill_value=0)
    barred = tally[tally["why"] != ""].groupby(["seeker", "why"])["size"].sum().rename("n")
    barred = barred.reset_index().sort_values(["seeker", "n", "why"],
                                              ascending=[True, False, True])
    barred_txt = (barred["n"].astype("str") + " " + barred["why"]).groupby(
        barred["seeker"]).agg(", ".join).reindex(seeker_ids).fillna("")
    reason = np.where(
        n_suggested.to_numpy() > 0, "",
        np.where(n_fitting.to_numpy() == 0, nobody + needs.to_numpy(dtype=object),
                 np.where(n_eligible.to_numpy() == 0,
                          barred_by + barred_txt.to_numpy(dtype=object),
                          "all " + n_eligible.astype("str").to_numpy(dtype=object)
                          + f" eligible peer(s) were already suggested {capacity} time(s)")))
    lvl = r.levels.set_index("member_id")["level"]
    return pd.DataFrame({
        "seeker": pd.Series(seeker_ids, dtype="str"),
        "needs": pd.Series(needs.to_numpy(), dtype="str"),
        "level": pd.Series(lvl.reindex(seeker_ids).to_numpy(), dtype="str"),
        "n_fitting": n_fitting.to_numpy(),
        "n_eligible": n_eligible.to_numpy(),
        "n_suggested": n_suggested.to_numpy(),
        "reason": pd.Series(reason, dtype="str"),
    })[SEEKER_COLUMNS]
