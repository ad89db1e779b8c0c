"""What the data say, for a program officer: a verdict, the findings behind it, and what to do.

:func:`findings` reads an :class:`~peernet.Evaluation` and returns the findings the data
support, each with the number behind it, its evidence, how sure we are and the kind of
finding (``key``) that ``actions.toml`` maps to a recommended action. Only what passes a
test is stated as a change:

- a Grid element score or headline network metric changed when the 95% interval of its
  change (both years resampled, :meth:`Evaluation.changes`: ``real``) excludes zero;
- a region or sector **drifts away** when its share of the network's recorded activity
  fell by at least :data:`DRIFT_SHARE_DROP` of itself, Fisher's exact test on the counts
  of the two years gives p < :data:`DRIFT_P`, and its active members fell by at least
  :data:`DRIFT_MEMBERS_DROP` (a region that keeps its members but is quieter is not
  drifting away);
- the network **mixes less than chance** would when the E-I index by organization is
  below the range of random relabellings (:meth:`Evaluation.mixes_less_than_chance`);
- an organization of at least ``min_group_size`` active members with none of them in the
  core (Borgatti & Everett's model, :func:`peernet.member_metrics`) and a mean degree
  below :data:`PERIPHERY_DEGREE` of the network's is **on the periphery**: a state, not a
  change;
- follow-up items without an owner or a due date, or fewer than half done on time.

:func:`verdict` weighs the changes that passed (better against worse, a drifting group
counting as worse) into "healthier", "about the same" or "weaker" than the year before; a
baseline (one period) and an evaluation without intervals (``bootstrap=0``) say so instead
of guessing. :func:`recommended` turns findings into actions (``actions.toml``), each
citing the finding that triggered it.

Every text goes through :func:`peernet.report.i18n._`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ..evaluation import Evaluation
from ..privacy import MIN_GROUP_SIZE
from ..schema import isin
from .format import decimal, number, percent
from .i18n import _, translate

__all__ = ["Finding", "Verdict", "findings", "verdict", "recommended", "glossary",
           "DRIFT_SHARE_DROP", "DRIFT_P", "DRIFT_MEMBERS_DROP", "PERIPHERY_DEGREE"]

#: A group drifts away when its share of activity falls by at least this much of itself ...
DRIFT_SHARE_DROP = 0.30
#: ... the fall is unlikely by chance (Fisher's exact test on the interaction counts) ...
DRIFT_P = 0.01
#: ... and it has at least this much fewer active members (relative).
DRIFT_MEMBERS_DROP = 0.20

#: An organization is on the edge when none of its members is in the core and their mean
#: degree is below this share of the network's.
PERIPHERY_DEGREE = 0.5

#: Grid element declines that map to an action of actions.toml.
_ELEMENT_TRIGGER = {"trust": "trust_low", "problem_solving": "problems_unsolved",
                    "resources": "resources_low", "truth": "followup_weak",
                    "space": "participation_low", "time": "retention_low",
                    "communication": "participation_low"}
#: Network metrics whose real decline is a finding, and their trigger.
_NETWORK_TRIGGER = {"reciprocity": "reciprocity_low"}


@dataclass(frozen=True)
class Finding:
    """One thing the data show, in words, with the number behind it.

    ``key`` is the kind of finding (``group_drift``, ``mixing_below_chance``,
    ``reciprocity_low``, ``org_periphery``, ``followup_weak``, ``strength``, ...), the
    trigger of ``actions.toml``; ``sure`` is True when it passed its test (the change
    test, or the chance test); ``terms`` are the glossary entries of the numbers it shows.
    """

    key: str
    title: str
    sentence: str
    evidence: str
    certainty: str
    value: float
    previous: float | None = None
    unit: str = ""
    sure: bool = False
    concern: bool = True
    low: float | None = None
    high: float | None = None
    weight: float = 1.0
    terms: tuple[str, ...] = ()
    fills: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """The year in one word (``key``: ``healthier``, ``about_the_same``, ``weaker``,
    ``baseline`` or ``untested``), a sentence, and the evidence it rests on."""

    key: str
    headline: str
    evidence: tuple[str, ...] = ()


# ---------------------------------------------------------------------- helpers
def _p(value: float) -> str:
    return "p < " + decimal(0.001, 3) if value < 0.001 else "p = " + decimal(value, 3)


def _interval(low: float, high: float, unit: str) -> str:
    if unit.startswith("share"):
        return _("{low} to {high} percentage points").format(
            low=decimal(low * 100, 0, sign=True), high=decimal(high * 100, 0, sign=True))
    if unit == "points":
        return _("{low} to {high} points").format(low=decimal(low, 0, sign=True),
                                                 high=decimal(high, 0, sign=True))
    word = _("to")
    return f"{decimal(low, 2, sign=True)} {word} {decimal(high, 2, sign=True)}"


def _noun(by: str) -> str:
    return {"region": _("region"), "sector": _("sector"), "org": _("organization"),
            "language": _("language")}.get(by, by)


def _plural(by: str) -> str:
    return {"region": _("regions"), "sector": _("sectors"), "org": _("organizations"),
            "language": _("languages")}.get(by, by)


@cache
def glossary() -> dict[str, dict[str, str]]:
    """``glossary.toml``: ``{key: {"label", "means"}}`` for terms and Grid elements."""
    with (resources.files("peernet.report") / "glossary.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, dict[str, str]] = {}
    for section in ("terms", "elements", "bands"):
        for k, v in raw.get(section, {}).items():
            out.setdefault(k, dict(v))
    return out


def _label(key: str) -> str:
    entry = glossary().get(key)
    return _(entry["label"]) if entry else key.replace("_", " ")


# ---------------------------------------------------------------------- findings
def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test on the table [[a, b], [c, d]].

    The sum of the hypergeometric probabilities (margins fixed) of every table no more
    likely than the one observed (relative tolerance 1e-7, as R's ``fisher.test``), in log
    space with ``scipy.special.gammaln``. Equal to ``scipy.stats.fisher_exact`` to 1e-9
    (tested), without importing ``scipy.stats``, which costs 0.6 CPU s at every report.
    """
    from scipy.special import gammaln, logsumexp

    r1, r2, c1 = a + b, c + d, a + c
    n = r1 + r2
    if min(a, b, c, d) < 0:
        raise ValueError(f"fisher_two_sided: counts must be >= 0; got {(a, b, c, d)}")
    if r1 == 0 or r2 == 0 or c1 == 0 or c1 == n:
        return 1.0
    k = np.arange(max(0, c1 - r2), min(r1, c1) + 1, dtype=np.float64)
    logp = (gammaln(r1 + 1) + gammaln(r2 + 1) + gammaln(c1 + 1) + gammaln(n - c1 + 1)
            - gammaln(n + 1) - gammaln(k + 1) - gammaln(r1 - k + 1) - gammaln(c1 - k + 1)
            - gammaln(r2 - c1 + k + 1))
    observed = logp[a - max(0, c1 - r2)]
    return float(min(1.0, np.exp(logsumexp(logp[logp <= observed + np.log1p(1e-7)]))))


def _group_drift(ev: Evaluation, min_group_size: int) -> list[Finding]:
    """Regions and sectors whose share of the network's activity and whose active
    members fell (see the module's notes)."""
    from .protect import small_in_periods

    prev, cur = ev.previous, ev.current
    g = ev.groups
    out = []
    for by in ("region", "sector"):
        part = g[g["by"] == by]
        a = part[part["period"] == prev].set_index("group")
        b = part[part["period"] == cur].set_index("group")
        if a.empty or b.empty:
            continue
        tot_a, tot_b = float(a["interactions"].sum()), float(b["interactions"].sum())
        small = small_in_periods(ev.slices.values(), by, min_group_size)
        for name in a.index.intersection(b.index):
            if str(name) in small:
                continue  # never named in a default report
            ia, ib = float(a.at[name, "interactions"]), float(b.at[name, "interactions"])
            ma, mb = a.at[name, "members_active"], b.at[name, "members_active"]
            if not (np.isfinite(ia) and np.isfinite(ib) and pd.notna(ma) and pd.notna(mb)):
                continue  # suppressed (a small group): never a finding
            ma, mb = float(ma), float(mb)
            if ma < min_group_size or tot_a <= 0 or tot_b <= 0:
                continue
            sa, sb = ia / tot_a, ib / tot_b
            if sa <= 0 or (sa - sb) / sa < DRIFT_SHARE_DROP:
                continue
            if (ma - mb) / ma < DRIFT_MEMBERS_DROP:
                continue
            p = fisher_two_sided(int(ia), int(tot_a - ia), int(ib), int(tot_b - ib))
            if p >= DRIFT_P:
                continue
            group = _("the {name} {noun}").format(name=name, noun=_noun(by))
            ties = _cross_ties(ev, by, str(name))
            evidence = _("{n_b} active members in {cur} ({n_a} in {prev}); {i_b} recorded "
                         "interactions ({i_a}): {s_b} of the network's activity, down from "
                         "{s_a}.").format(
                n_b=number(mb, style="prose"), n_a=number(ma, style="prose"),
                i_b=number(ib, style="prose"), i_a=number(ia, style="prose"),
                s_b=percent(sb, 1), s_a=percent(sa, 1), cur=cur, prev=prev)
            if ties is not None:
                evidence += " " + _("Direct ties of its members with members elsewhere: "
                                    "{t_b} ({t_a} in {prev}).").format(
                    t_b=ties[1], t_a=ties[0], prev=prev)
            out.append(Finding(
                key="group_drift",
                title=_("{group} is drifting away").format(group=group[:1].upper() + group[1:]),
                sentence=_("{group} is drifting away from the network: its share of the "
                           "network's activity fell from {s_a} to {s_b}, and fewer of its "
                           "members took part.").format(group=group[:1].upper() + group[1:],
                                                        s_a=percent(sa, 1), s_b=percent(sb, 1)),
                evidence=evidence,
                certainty=_("Sure: a fall this large in its share of activity is unlikely by "
                            "chance ({p}, Fisher's exact test on the interaction counts of "
                            "both years).").format(p=_p(p)),
                value=sb, previous=sa, unit="share", sure=True, concern=True,
                weight=3.0 + (sa - sb) / sa, terms=("share_of_activity", "members_active",
                                                    "interactions"),
                fills={"group": group, "name": str(name), "by": by,
                       "value": percent(sb, 1), "previous": percent(sa, 1)}))
    return out


def _cross_ties(ev: Evaluation, by: str, name: str) -> tuple[int, int] | None:
    """Direct ties (no co-attendance) of the group's members with members of other
    groups, in the previous and the current period."""
    from ..graphs import person_graph

    roster = ev.net.members.drop_duplicates("member_id").set_index("member_id")
    if by not in roster.columns:
        return None
    attr = roster[by].astype("object")
    counts = []
    for p in (ev.previous or ev.current, ev.current):
        G = person_graph(ev.slices[p], kinds=_direct_kinds(ev.slices[p]))
        n = 0
        for u, v in G.edges():
            gu, gv = attr.get(u), attr.get(v)
            if (gu == name) != (gv == name) and pd.notna(gu) and pd.notna(gv):
                n += 1
        counts.append(n)
    return counts[0], counts[1]


def _mixing_certainty(row: pd.Series) -> str:
    """How sure the mixing finding is: against the relabellings made, or (``permutations``
    0, too many ties to relabel one by one) against the exact mean and spread of the index
    under relabelling, through the normal approximation."""
    p, n = float(row["p_value"]), int(row["permutations"])
    if n == 0:
        return (_("Sure: p < 0.001, from the exact mean and spread of the index under random "
                  "relabellings of the members that keep each organization's size (z = {z}; "
                  "too many ties to relabel them one by one).") if p < 0.001 else
                _("Sure: p = {p}, from the exact mean and spread of the index under random "
                  "relabellings of the members that keep each organization's size (z = {z}; "
                  "too many ties to relabel them one by one).")).format(
            p=decimal(p, 3), z=decimal(row["z"], 1))
    if p * (n + 1) < 1.5:
        return _("Sure: p = {p} against {n} random relabellings of the members that keep "
                 "each organization's size (none of them mixed as little).").format(
            p=decimal(max(p, 0.001), 3), n=decimal(n, 0))
    return _("Sure: p = {p} against {n} random relabellings of the members that keep each "
             "organization's size.").format(p=decimal(p, 3), n=decimal(n, 0))


def _direct_kinds(net: Any) -> list[str]:
    kinds = net.interactions["kind"].astype("str").unique().tolist()
    return sorted(k for k in kinds if k != "attend")


def _mixing(ev: Evaluation) -> list[Finding]:
    row = ev.mixes_less_than_chance("org")
    if row is None:
        return []
    obs, exp = float(row["observed"]), float(row["expected"])
    return [Finding(
        key="mixing_below_chance",
        title=_("Members keep to their own organizations"),
        sentence=_("The network mixes across organizations less than chance would: members "
                   "tie within their own organization more often than random mixing of the "
                   "same members would give."),
        evidence=_("Mixing across organizations (E-I index) {obs} in {cur}, where random "
                   "mixing of the same members gives {exp} (95% range {low} to {high})."
                   ).format(obs=decimal(obs), exp=decimal(exp), low=decimal(row['low']),
                            high=decimal(row['high']), cur=ev.current),
        certainty=_mixing_certainty(row),
        value=obs, previous=None, unit="index", sure=True, concern=True,
        low=float(row["low"]), high=float(row["high"]), weight=2.5,
        terms=("ei_index_org", "mixing_chance"),
        fills={"group": _("organizations"), "value": decimal(obs),
               "previous": decimal(exp)})]


def _real_changes(ev: Evaluation) -> tuple[list[Finding], list[Finding]]:
    """Real declines (findings of their own) and real improvements (one strength)."""
    ch = ev.changes()
    real = ch[ch["real"].astype(bool) & ch["section"].isin(["grid", "network"])]
    concerns: list[Finding] = []
    better = []
    for r in real.itertuples(index=False):
        if r.direction == 0:
            continue
        good = np.sign(r.change) == r.direction
        if r.section == "grid":
            name = _label(str(r.metric))
            if good:
                better.append((name, r))
                continue
            key = _ELEMENT_TRIGGER.get(str(r.metric), "element_decline")
            concerns.append(Finding(
                key=key, title=_("{element} weakened").format(element=name),
                sentence=_("The Grid score for {element} fell from {a} to {b} points.").format(
                    element=name, a=number(r.previous, "points", style="prose"),
                    b=number(r.current, "points", style="prose")),
                evidence=_("Grid score {a} in {prev}, {b} in {cur}.").format(
                    a=number(r.previous, "points", style="prose"),
                    b=number(r.current, "points", style="prose"), prev=r.previous_period,
                    cur=r.current_period),
                certainty=_("Sure: the 95% interval of the change, {iv}, excludes zero "
                            "(both years' meetings resampled).").format(
                    iv=_interval(r.low, r.high, "points")),
                value=float(r.current), previous=float(r.previous), unit="points",
                sure=True, low=float(r.low), high=float(r.high),
                weight=2.0 + abs(r.change) / 20, terms=("grid_score", "change_interval"),
                fills={"group": name, "value": number(r.current, "points", style="prose"),
                       "previous": number(r.previous, "points", style="prose")}))
        elif not good:
            key = _NETWORK_TRIGGER.get(str(r.metric), "metric_decline")
            name = _label(str(r.metric))
            a = number(r.previous, r.unit, style="prose")
            b = number(r.current, r.unit, style="prose")
            sentence = (_("Fewer contacts are returned than last year: two-way contact fell "
                          "from {a} to {b}.") if r.metric == "reciprocity" else
                        _("{name} fell from {a} to {b}.")).format(name=name, a=a, b=b)
            concerns.append(Finding(
                key=key, title=(_("Contact is less two-way") if r.metric == "reciprocity"
                                else _("{name} fell").format(name=name)),
                sentence=sentence,
                evidence=_("{name}: {a} in {prev}, {b} in {cur}.").format(
                    name=name, a=a, b=b, prev=r.previous_period, cur=r.current_period),
                certainty=_("Sure: the 95% interval of the change, {iv}, excludes zero "
                            "(both years' meetings resampled).").format(
                    iv=_interval(r.low, r.high, r.unit)),
                value=float(r.current), previous=float(r.previous), unit=str(r.unit),
                sure=True, low=float(r.low), high=float(r.high),
                weight=2.0 + float(r.salience) / 2, terms=(str(r.metric), "change_interval"),
                fills={"group": name, "value": b, "previous": a}))
    strengths = []
    if better:
        better.sort(key=lambda t: -abs(t[1].change))
        names = [n for n, _r in better]
        listed = ", ".join(f"{n} ({decimal(r.change, 0, sign=True)})" for n, r in better)
        joined = names[0] if len(names) == 1 else (
            ", ".join(names[:-1]) + " " + _("and") + " " + names[-1])
        strengths.append(Finding(
            key="strength",
            title=_("{n} Grid elements improved").format(n=len(better)) if len(better) > 1
            else _("{element} improved").format(element=names[0]),
            sentence=_("Grid scores rose beyond what chance would give for: {listed} "
                       "points.").format(listed=listed),
            evidence="; ".join(_("{element} {a} to {b} (95% interval of the change {iv})"
                                 ).format(element=n, a=number(r.previous, "points",
                                                              style="prose"),
                                          b=number(r.current, "points", style="prose"),
                                          iv=_interval(r.low, r.high, "points"))
                               for n, r in better) + ".",
            certainty=_("Sure: each interval of the change excludes zero (both years' "
                        "meetings resampled)."),
            value=float(better[0][1].change), unit="points", sure=True, concern=False,
            weight=1.5, terms=("grid_score", "change_interval"),
            fills={"group": joined, "value": decimal(better[0][1].change, 0, sign=True),
                   "previous": ""}))
    return concerns, strengths


def _periphery(ev: Evaluation, min_group_size: int) -> list[Finding]:
    if "org" not in ev.net.members.columns or "position" not in ev.members.columns:
        return []
    roles = ev.roles("org")
    if "core" not in roles.columns:
        return []
    from .protect import OTHER, small_in_periods

    small = small_in_periods(ev.slices.values(), "org", min_group_size)
    cands = roles[(roles["members"] >= min_group_size) & (roles["core"] == 0)
                  & (roles["org"] != OTHER["org"]) & (roles["org"] != "(unknown)")
                  & ~roles["org"].astype("str").isin(small)]
    if cands.empty:
        return []
    row = cands.sort_values(["mean_degree", "org"], kind="stable").iloc[0]
    n = int(row["members"])
    deg_all = float(ev.members.loc[(ev.members["period"] == ev.current)
                                   & isin(ev.members["member_id"],
                                            ev.slices[ev.current].members_active()),
                                   "degree"].mean())
    if not float(row["mean_degree"]) < PERIPHERY_DEGREE * deg_all:
        return []  # no core member, but about as connected as the rest: not on the edge
    return [Finding(
        key="org_periphery", title=_("{org} is on the edge").format(org=row["org"]),
        sentence=_("{org} is entirely on the periphery: none of its {n} active members is in "
                   "the network's core.").format(org=row["org"], n=n),
        evidence=_("Its members have {d} ties on average, against {d_all} across the "
                   "network ({cur}).").format(d=number(row["mean_degree"], style="prose"),
                                               d_all=number(deg_all, style="prose"),
                                               cur=ev.current),
        certainty=_("A state in {cur}, not a change: the core is found by a core-periphery "
                    "model of the ties.").format(cur=ev.current),
        value=float(row["mean_degree"]), unit="", sure=True, concern=True, weight=1.8,
        terms=("position",), fills={"org": str(row["org"]), "group": str(row["org"]),
                                    "value": str(n), "previous": ""})]


def _followup(ev: Evaluation) -> list[Finding]:
    acts = ev.slices[ev.current].actions
    out = []
    if len(acts):
        no_owner = acts["owner"].isna() if "owner" in acts.columns else pd.Series(False,
                                                                                 acts.index)
        no_due = acts["due"].isna() if "due" in acts.columns else pd.Series(True, acts.index)
        n = int((no_owner | no_due).sum())
        if n:
            out.append(Finding(
                key="followup_weak", title=_("Follow-ups without an owner or a date"),
                sentence=_("{n} of {total} follow-up items agreed at meetings have no owner "
                           "or no due date.").format(n=n, total=len(acts)),
                evidence=_("Action log of {cur}: {n} items without an owner or a due date."
                           ).format(cur=ev.current, n=n),
                certainty=_("Counted in the action log (no test needed)."),
                value=float(n), unit="", sure=True, weight=1.6 + n / len(acts),
                terms=("actions_due",), fills={"value": str(n), "previous": "",
                                               "group": ""}))
    fu = ev.followup[(ev.followup["period"] == ev.current)
                     & (ev.followup["metric"] == "share_actions_on_time")]
    if len(fu) and np.isfinite(fu["value"].iloc[0]) and fu["value"].iloc[0] < 0.5 and not out:
        v = float(fu["value"].iloc[0])
        out.append(Finding(
            key="followup_weak", title=_("Follow-ups are late"),
            sentence=_("Fewer than half of the follow-up items were done on time ({v})."
                       ).format(v=percent(v)),
            evidence=_("Follow-ups on time in {cur}: {v}.").format(cur=ev.current,
                                                                   v=percent(v)),
            certainty=_("Counted in the action log (no test needed)."),
            value=v, unit="share", sure=True, weight=1.6,
            terms=("share_actions_on_time",), fills={"value": percent(v), "previous": "",
                                                     "group": ""}))
    return out


def findings(ev: Evaluation, *, min_group_size: int = MIN_GROUP_SIZE) -> list[Finding]:
    """The findings the data support, most important first.

    Parameters
    ----------
    ev : Evaluation
        From :func:`peernet.evaluate` (for a report: the protected evaluation, so that no
        small group is named).
    min_group_size : int, default :data:`peernet.privacy.MIN_GROUP_SIZE` (5)
        Regions, sectors and organizations with fewer active members are never a finding.

    Returns
    -------
    list of Finding
        Concerns first (a drifting group, mixing below chance, real declines, an
        organization on the periphery, follow-ups), then strengths; each ranked by
        ``weight``. A baseline has no change findings, only states (mixing, periphery).

    Examples
    --------
    >>> ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2024", "2025"],
    ...                  bootstrap=20)  # doctest: +SKIP
    >>> [f.key for f in findings(ev)][:2]  # doctest: +SKIP
    ['group_drift', 'mixing_below_chance']
    """
    if not isinstance(ev, Evaluation):
        raise TypeError(f"findings takes an Evaluation; got {type(ev).__name__}")
    out: list[Finding] = []
    strengths: list[Finding] = []
    if not ev.baseline:
        out += _group_drift(ev, min_group_size)
        concerns, strengths = _real_changes(ev)
        out += concerns
    out += _mixing(ev)
    out += _periphery(ev, min_group_size)
    out += _followup(ev)
    out.sort(key=lambda f: -f.weight)
    return out + strengths


def verdict(ev: Evaluation, found: Sequence[Finding]) -> Verdict:
    """Healthier, about the same or weaker than the year before, and on what evidence."""
    if ev.baseline:
        why = translate(ev.meta.get("baseline")) or _("one period")
        return Verdict("baseline", _("This is the network's baseline year ({cur}): there is "
                                     "no earlier year to compare with ({why}).").format(
            cur=ev.current, why=why), tuple(f.sentence for f in found[:3]))
    ch = ev.changes()
    tested = ch[ch["tested"].astype(bool) & ch["section"].isin(["grid", "network"])
                & (ch["direction"] != 0)]
    if tested.empty:
        return Verdict("untested", _("Compared with {prev}, this report cannot say whether "
                                     "the network is healthier: it was made without "
                                     "intervals (bootstrap=0), so no change is tested."
                                     ).format(prev=ev.previous),
                       tuple(f.sentence for f in found if f.key != "strength")[:3])
    real = tested[tested["real"].astype(bool)]
    good = real[np.sign(real["change"]) == real["direction"]]
    bad = real[np.sign(real["change"]) != real["direction"]]
    drift = [f for f in found if f.key == "group_drift"]
    score = len(good) - len(bad) - len(drift)
    if score >= 2:
        key = "healthier"
        head = _("Healthier than in {prev}.")
    elif score <= -2:
        key = "weaker"
        head = _("Weaker than in {prev}.")
    else:
        key = "about_the_same"
        head = _("About the same as in {prev}.")
    evidence = [_("{n} of {t} tested measures improved beyond chance, {m} declined; the "
                  "others moved within the noise.").format(n=len(good), t=len(tested),
                                                           m=len(bad))]
    evidence += [f.sentence for f in found if f.key in ("strength", "group_drift")]
    if key == "healthier" and (len(bad) or drift):
        head = _("Healthier than in {prev}, with warning signs.")
    return Verdict(key, head.format(prev=ev.previous), tuple(evidence))


# ---------------------------------------------------------------------- actions
@cache
def _actions_table() -> tuple[dict[str, Any], ...]:
    with (resources.files("peernet.report") / "actions.toml").open("rb") as fh:
        return tuple(tomllib.load(fh)["action"])


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return ""


def recommended(found: Sequence[Finding], *, limit: int = 5) -> list[dict[str, Any]]:
    """One action of ``actions.toml`` a finding (the first action of its kind), in the
    order of the findings; each cites its finding by number (``finding``: 1-based index
    into ``found``) and the Grid items and seeds it puts into practice."""
    table = _actions_table()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, f in enumerate(found, start=1):
        act = next((a for a in table if a["finding"] == f.key), None)
        if act is None or act["id"] in seen:
            continue
        seen.add(act["id"])
        fills = _Fill(f.fills)
        out.append({"id": act["id"], "finding": i, "finding_title": f.title,
                    "title": _(act["title"]).format_map(fills),
                    "text": " ".join(_(act["text"]).format_map(fills).split()),
                    "grid": list(act.get("grid", [])), "seeds": list(act.get("seeds", []))})
        if len(out) == limit:
            break
    return out
