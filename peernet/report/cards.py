"""Organization report cards (``organizations.html``): one printable page per organization.

:func:`org_cards` builds what the ``organizations.html`` template shows from the evaluation
a report is drawn from (the protected one of a default report, :mod:`.protect`), reading
numbers peernet already computes and computing none twice:

- participation of its members in the compared periods: members on the roster, active
  members, their share, interactions (``Evaluation.groups``, after the report's small-group
  suppression, :func:`peernet.privacy.suppress_small`), and the meetings its members
  attended (the slice's attendance records);
- its ties with other organizations: person ties and direct ties (no co-attendance)
  between its members and each other organization's (:func:`peernet.ties.org_ties`, the
  organization map's aggregation), and the share of its members' ties that reach other
  organizations;
- trust and value it received in the member survey (the report's survey section, which is
  :func:`peernet.survey_scores` with ``level="org"``);
- where it stands out among the organizations with a card: plain sentences from the
  numbers above and its members' roles (:meth:`peernet.Evaluation.roles`).

Small groups: an organization with fewer than ``min_group_size`` members on the roster in
one of the compared periods (or whose breakdown row the report suppresses) gets no card; the
page counts them together as "other organizations (N)", never named, and the ties with them
are shown together the same way (:func:`.protect.small_groups_together`). No person is named.

One page for all cards (not one file each): the program officer prints or shares one file,
and the print styles start each organization on a new sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..evaluation import Evaluation
from ..positions import row_codes
from ..privacy import MIN_GROUP_SIZE
from ..schema import isin
from .format import cell, decimal, number, percent
from .i18n import N_, _, ngettext
from .protect import OTHER, small_groups_together

__all__ = ["org_cards", "org_card_parts", "with_survey", "PAGE", "slug"]

#: The page of the cards in the report folder.
PAGE = "organizations.html"
#: A card lists its organization's strongest partners, the rest in one row: at 2,500
#: organizations every card listing every partner made a 191 MB page.
PARTNER_ROWS = 20
#: An organization without a person tie in a period.
_NO_TIES: dict[str, Any] = {"inside": 0, "across": 0, "direct": 0, "shown": [],
                            "rest": (0, 0, 0)}


def slug(name: str) -> str:
    """The anchor of an organization's card (``Casa de la Familia`` -> ``casa-de-la-familia``).

    >>> slug("Riverbend School-Based Health Alliance")
    'riverbend-school-based-health-alliance'
    """
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "organization"


def _attendance(s: Any) -> dict[str, tuple[int, int]]:
    """Per organization: meetings at least one of its current members attended, and their
    attendances (distinct member and meeting) in the slice ``s``. One pass over the slice's
    attendance for every organization, on integer codes (a merge and a group-by of the
    attendance rows as text took seconds at 100,000 members)."""
    from ..ties import unique_int

    inter = s.interactions
    if "event_id" not in inter.columns:
        return {}
    rows = np.flatnonzero((inter["kind"] == "attend").to_numpy()
                          & inter["source"].notna().to_numpy()
                          & inter["event_id"].notna().to_numpy())
    m = s.members
    m = m.loc[isin(m["member_id"], s.members_current()) & m["org"].notna().to_numpy(),
              ["member_id", "org"]]
    m = m.astype({"member_id": "str", "org": "object"}).drop_duplicates()
    if not len(rows) or not len(m):
        return {}
    # codes among each column's distinct ids (Arrow text: no copy of the rows' text; the
    # attendance rows' ids taken as Arrow text and encoded cost 1 CPU s less for 3.5M
    # attendances at 100,000 members but raised the report's peak by 0.2 GB), else the
    # rows' ids factorized
    who, ids = row_codes(inter["source"], rows) or pd.factorize(
        inter["source"].iloc[rows].astype("str"))
    what, events = row_codes(inter["event_id"], rows) or pd.factorize(
        inter["event_id"].iloc[rows].astype("str"))
    n_ev = max(len(events), 1)
    # the distinct attendances (member, meeting), then each once per organization of the
    # member (a member listed under two organizations counts for both, as a join would)
    seen = unique_int(who.astype(np.int64) * n_ev + what)
    member, meeting = seen // n_ev, seen % n_ev
    at = pd.Index(ids).get_indexer(pd.Index(m["member_id"], dtype="str"))
    org_code, orgs = pd.factorize(m["org"])
    keep = at >= 0
    order = np.argsort(at[keep], kind="stable")
    pm, po = at[keep][order], org_code[keep][order]
    lo, hi = np.searchsorted(pm, member, "left"), np.searchsorted(pm, member, "right")
    each = hi - lo
    if not each.sum():
        return {}
    first = np.repeat(lo, each)
    offset = np.arange(int(each.sum())) - np.repeat(np.cumsum(each) - each, each)
    org_of = po[first + offset].astype(np.int64)
    k = len(orgs)
    rows = np.bincount(org_of, minlength=k)
    distinct = unique_int(org_of * n_ev + np.repeat(meeting, each))
    meetings = np.bincount(distinct // n_ev, minlength=k)
    return {org: (int(meetings[i]), int(rows[i])) for i, org in enumerate(orgs) if rows[i]}


def _ties(s: Any) -> dict[str, dict[str, Any]]:
    """Per organization of the slice: its person ties inside (``inside``), with other
    organizations (``across``; ``direct``: of them direct, no co-attendance), and its
    partners in the card's order (fewest "other" first, most ties, then by name): the first
    :data:`PARTNER_ROWS` as (name, ties, direct ties) in ``shown``, the others summed in
    ``rest`` (how many, ties, direct ties). Whole-array sorts and sums (a dictionary of
    every pair of organizations took seconds at 2,500 organizations)."""
    from ..plot.layouts import tie_kinds
    from ..ties import org_ties

    # the direct ties: the person ties with a direct interaction (not a second tie table)
    o = org_ties(s, counting=tie_kinds("direct"))
    names = o.orgs
    k = len(names)
    inside = (o.internal_ties if o.internal_ties is not None else np.zeros(k, np.int64))
    # of each pair's ties, those with a direct interaction (no organization: no pair)
    direct = o.counted if o.counted is not None else np.zeros(len(o.a), np.int64)
    # both ends of each pair: organization, partner, ties, direct
    org = np.concatenate([o.a, o.b]).astype(np.int64)
    partner = np.concatenate([o.b, o.a]).astype(np.int64)
    ties = np.concatenate([o.ties, o.ties]).astype(np.int64)
    dties = np.concatenate([direct, direct])
    other = np.asarray(names == OTHER["org"], bool) if k else np.zeros(0, bool)
    order = np.lexsort((partner, -ties, other[partner], org))
    org, partner, ties, dties = org[order], partner[order], ties[order], dties[order]
    start = np.searchsorted(org, np.arange(k + 1))
    across = np.diff(np.r_[0, np.cumsum(ties)][start])
    across_direct = np.diff(np.r_[0, np.cumsum(dties)][start])
    out: dict[str, dict[str, Any]] = {}
    names_list = names.tolist()
    for i, name in enumerate(names_list):
        a, b = int(start[i]), int(start[i + 1])
        cut = min(b, a + PARTNER_ROWS)
        out[name] = {
            "inside": int(inside[i]), "across": int(across[i]),
            "direct": int(across_direct[i]),
            "shown": [(names_list[j], int(t), int(x)) for j, t, x in
                      zip(partner[a:cut].tolist(), ties[a:cut].tolist(),
                          dties[a:cut].tolist(), strict=True)],
            "rest": (b - cut, int(ties[cut:b].sum()), int(dties[cut:b].sum()))}
    return out


def _change(cur: Any, prev: Any, unit: str = "") -> str:
    if pd.isna(cur) or pd.isna(prev):
        return ""
    d = float(cur) - float(prev)
    if unit.startswith("share"):
        return decimal(d * 100, 0, sign=True) + " " + _("pts")
    return decimal(d, 0, sign=True)


def org_cards(ev: Evaluation, *, survey: Mapping[str, Any] | None = None,
              min_group_size: int = MIN_GROUP_SIZE) -> dict[str, Any]:
    """What ``organizations.html`` shows: ``cards`` (one a large organization, in name order),
    ``grouped`` (how many organizations have no card) and the periods compared."""
    return with_survey(org_card_parts(ev, min_group_size=min_group_size), survey)


def org_card_parts(ev: Evaluation, *, min_group_size: int = MIN_GROUP_SIZE) -> dict[str, Any]:
    """:func:`org_cards` without the survey (:func:`with_survey` adds it): the report
    makes them while the survey section is computed on the other core."""
    from ..privacy import suppress_small

    cur, prev = ev.current, ev.previous
    periods = [p for p in (prev, cur) if p is not None]
    groups = ev.groups
    org_rows = groups[groups["by"] == "org"] if len(groups) else groups
    if not len(org_rows):
        return {"cards": [], "grouped": 0, "current": cur, "previous": prev}
    # the rows a protected evaluation already suppressed stay so (they already satisfy
    # complementary suppression); the others go through the one policy (a report made with
    # names has its breakdowns suppressed there)
    known = org_rows[org_rows["members_current"].notna()]
    shown, _gone = suppress_small(known, count_column="members_current",
                                  min_group_size=min_group_size, by=["period", "by", "group"])
    shown = shown[shown["period"].isin(periods)]
    wide = shown.pivot_table(index="group", columns="period",
                             values=["members_current", "members_active", "share_active",
                                     "interactions"], dropna=False, sort=True)
    all_orgs = sorted(set(org_rows["group"].astype("str")) - {OTHER["org"]})
    # the table's columns as dictionaries: a card reads eight values (``wide.at`` a value
    # was seconds at 2,500 organizations)
    values = {c: dict(zip(wide.index, wide[c].to_numpy(), strict=True)) for c in wide.columns}
    has_card = [o for o in all_orgs if o in wide.index and all(
        pd.notna(values[("members_current", p)][o]) for p in periods
        if ("members_current", p) in values)]
    grouped = len(all_orgs) - len(has_card)
    slices = {p: small_groups_together(ev.slices[p], ev.slices.values(), min_group_size)
              for p in periods}
    ties = {p: _ties(slices[p]) for p in periods}
    events = ev.annual.set_index(ev.annual["period"].astype("str"))["events"] \
        if "events" in ev.annual.columns else pd.Series(dtype="float64")
    roles = ev.roles("org") if "org" in ev.net.members.columns and len(ev.members) else None
    roles = roles.set_index("org") if roles is not None else None

    other = _("other organizations ({n})").format(n=grouped)
    attendance = {p: _attendance(slices[p]) for p in periods}
    # a card's texts, each made once: partners' anchors and tie counts repeat from card to
    # card (2,500 cards of 20 partners: 2.7 s), a role row read as a dict, not by .loc
    texts: dict[Any, str] = {}
    by_org = roles.to_dict("index") if roles is not None else None
    cards = [_card(org, periods, values, attendance, ties, events, by_org, other, texts)
             for org in has_card]
    return {"cards": cards, "grouped": grouped, "other": other, "current": cur,
            "previous": prev, "min_group_size": min_group_size, "page": PAGE,
            "period_text": (" " + _("and") + " ").join(periods)}


def with_survey(parts: dict[str, Any], survey: Mapping[str, Any] | None) -> dict[str, Any]:
    """The cards of :func:`org_card_parts` with the trust and value each organization
    received in the survey section (``survey``, None without one), where each stands out,
    and the survey's scale."""
    if "page" not in parts:   # no organizations
        return parts
    by_org = survey.get("by_org") if survey and survey.get("shown") else None
    by_org = by_org.set_index("org") if by_org is not None else None
    cards = parts["cards"]
    if by_org is not None:
        for card in cards:
            if card["name"] in by_org.index:
                r = by_org.loc[card["name"]]
                card["survey"] = {"trust": decimal(r["trust"]), "value": decimal(r["value"]),
                                  "raters": number(r["n_raters"]),
                                  "shown": bool(pd.notna(r["trust"]))}
                card["_m"].update(trust=float(r["trust"]), value=float(r["value"]))
    _stand_out(cards, parts["previous"])
    lo, hi = survey.get("scale", (1, 5)) if survey else (1, 5)
    return {**parts, "scale": (f"{lo:g}", f"{hi:g}")}


def _card(org: str, periods: list[str], values: Mapping[Any, Mapping[str, Any]],
          attendance: Mapping[str, Mapping[str, tuple[int, int]]], ties: Mapping[str, Any],
          events: pd.Series, roles: Mapping[str, Mapping[str, Any]] | None, other: str,
          texts: dict[Any, str]) -> dict[str, Any]:
    cur = periods[-1]

    def once(key: Any, make: Callable[[Any], str]) -> str:   # ints and names: no clash
        if key not in texts:
            texts[key] = make(key)
        return texts[key]

    prev = periods[0] if len(periods) > 1 else None

    def val(col: str, p: str | None) -> Any:
        return values[(col, p)][org] if p is not None and (col, p) in values else np.nan

    attended = {p: attendance[p].get(org, (0, 0)) for p in periods}
    rows = []
    for label, col, unit in ((_("Members on the roster"), "members_current", ""),
                             (_("Active members"), "members_active", ""),
                             (_("Share of its members active"), "share_active", "share"),
                             (_("Interactions of its members"), "interactions", "")):
        rows.append({"label": label, "previous": cell(val(col, prev), unit),
                     "current": cell(val(col, cur), unit),
                     "change": _change(val(col, cur), val(col, prev), unit)})
    for label, i in ((_("Meetings its members attended"), 0),
                     (_("Attendances of its members (member and meeting)"), 1)):
        a_prev = attended[prev][i] if prev is not None else np.nan
        rows.append({"label": label, "previous": cell(a_prev), "current": cell(attended[cur][i]),
                     "change": _change(attended[cur][i], a_prev)})
    n_events = events.get(cur, np.nan)
    # ties with the other organizations (the current period)
    mine = ties[cur].get(org, _NO_TIES)
    inside, across = mine["inside"], mine["across"]
    prev_across = ties[prev].get(org, _NO_TIES)["across"] if prev is not None else None
    share_across = across / (across + inside) if across + inside else np.nan
    partner_rows = [{"org": other if o == OTHER["org"] else o,
                     "ties": once(t, cell), "direct": once(x, cell),
                     "slug": "" if o == OTHER["org"] else once(o, slug)}
                    for o, t, x in mine["shown"]]
    n_rest, rest_ties, rest_direct = mine["rest"]
    if n_rest:
        partner_rows.append({
            "org": ngettext("{n} more organization", "{n} more organizations",
                            n_rest).format(n=number(n_rest)),
            "ties": cell(rest_ties), "direct": cell(rest_direct), "slug": ""})
    card: dict[str, Any] = {
        "name": org, "slug": slug(org), "rows": rows, "partners": partner_rows,
        "ties_sentence": _(
            "In {period} its members had {ties} ties with members of other organizations "
            "({direct} of them direct) and {inside} ties among themselves: {share} of their "
            "ties reach other organizations.").format(
                period=cur, ties=number(across), direct=number(mine["direct"]),
                inside=number(inside), share=percent(share_across)),
        "events_sentence": (_("The network held {n} meetings in {period}.").format(
            n=number(n_events), period=cur) if pd.notna(n_events) else ""),
        # what the sentences of "where it stands out" compare
        "_m": {"share_across": share_across,
               "active_change": (val("members_active", cur) - val("members_active", prev))
               if prev is not None else np.nan,
               "per_member": val("interactions", cur) / val("members_active", cur)
               if val("members_active", cur) else np.nan,
               "across_change": across - prev_across if prev_across is not None else np.nan},
    }
    card["ties_before"] = "" if prev_across is None else _(
        "In {period}: {ties} ties with other organizations.").format(
            period=prev, ties=number(prev_across))
    card["survey"] = None   # with_survey adds it
    if roles is not None and org in roles:
        r = roles[org]
        if "share_core" in r:
            card["_m"]["core"] = float(r["share_core"])
        if "brokerage" in r and r["members"]:
            card["_m"]["brokerage"] = float(r["brokerage"]) / float(r["members"])
    return card


#: (measure, the sentence when the organization is highest, when lowest); a change is
#: said only in its direction (a gain when positive, a loss when negative)
_STANDS_OUT = (
    ("share_across", N_("Highest share of ties reaching other organizations: {v}."),
     N_("Lowest share of ties reaching other organizations: {v}.")),
    ("per_member", N_("Most interactions per active member: {v}."),
     N_("Lowest participation: {v} interactions per active member.")),
    ("active_change", N_("Largest gain in active members since {prev}: {v}."),
     N_("Largest loss of active members since {prev}: {v}.")),
    ("core", N_("Largest share of its members in the network's core: {v}."),
     N_("Smallest share of its members in the network's core: {v}.")),
    ("brokerage", N_("Its members bridge between others the most: {v} brokerage roles per "
                     "active member."),
     N_("Its members bridge between others the least: {v} brokerage roles per active "
        "member.")),
    ("trust", N_("Highest trust received in the member survey: {v}."),
     N_("Lowest trust received in the member survey: {v}.")),
    ("value", N_("Highest value received in the member survey: {v}."),
     N_("Lowest value received in the member survey: {v}.")),
)


def _shown(measure: str, v: float) -> str:
    if measure in ("share_across", "core"):
        return percent(v)
    if measure == "active_change":
        return decimal(v, 0, sign=True)
    if measure == "brokerage":
        return decimal(v, 0)
    if measure == "per_member":
        return decimal(v, 1)
    return decimal(v)


def _stand_out(cards: list[dict[str, Any]], prev: str | None) -> None:
    """Add ``stands_out``: plain sentences where a card is the highest or the lowest of the
    organizations with a card (only a single highest or lowest, of at least three cards);
    and remove the numbers compared (``_m``)."""
    for c in cards:
        c["stands_out"] = []
    if len(cards) >= 3:
        for measure, high, low in _STANDS_OUT:
            vals = pd.Series({i: c["_m"].get(measure, np.nan) for i, c in enumerate(cards)},
                             dtype="float64").dropna()
            if len(vals) < 3 or vals.max() == vals.min():
                continue
            for text, best in ((high, vals.max()), (low, vals.min())):
                who = vals.index[vals == best]
                if len(who) != 1 or (measure == "active_change" and (
                        (text is high and best <= 0) or (text is low and best >= 0))):
                    continue
                cards[int(who[0])]["stands_out"].append(
                    _(text).format(v=_shown(measure, best), prev=prev))
    for c in cards:
        c.pop("_m", None)
