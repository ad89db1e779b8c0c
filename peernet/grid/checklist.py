"""The Grid's strategies as a planning checklist: 10 good practices and 10 challenges.

Backer & Kern (2010) suggest turning the Grid's good practices and challenges into a
"planning checklist" for a network and its progress. peernet keeps them as items with
stable ids (``gp1``..``gp10``, ``ch1``..``ch10``, in the paper's order) and short labels in
its own words. A coordinator or evaluation team rates each item per period in the
``checklist`` table (value 0-3):

* good practices: 0 not in place, 1 started, 2 mostly in place, 3 fully in place;
* challenges: how much the challenge holds the network back, 0 not at all .. 3 a great deal.

Where the data can show something about an item, the matching indicator is computed and
shown beside the rating as evidence (``evidence``, ``evidence_value``), so a rating of 3 for
"members give feedback" sits next to the survey's response rate. The evidence is scored
with the rubric's entry for that indicator, and an item whose rating the evidence
contradicts is flagged (``contradicted``): a good practice rated fully in place (3) needs
evidence in the strong band, mostly in place (2) evidence above emerging; a challenge rated
not at all (0) needs strong evidence, 1 evidence above emerging. ``n_raters`` says how many
people stood behind each rating: one person's self-rating is a judgement, not a measurement.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..report.i18n import N_
from .indicators import Context, Value

__all__ = ["CHECKLIST", "ChecklistItem", "checklist_table"]


class ChecklistItem(NamedTuple):
    """One checklist item: id, kind, short label, and the indicator that can evidence it."""

    id: str
    kind: str  # "good_practice" or "challenge"
    label: str
    evidence: str | None = None  # an INDICATORS function, or None when data cannot show it
    evidence_unit: str = ""


#: The Grid's 10 good practices and 10 challenges (Backer & Kern 2010), in the paper's order.
CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("gp1", "good_practice", "Members have a safe, trusting place to talk about "
                  "what matters to them", "survey_trust", "% of scale max"),
    ChecklistItem("gp2", "good_practice", "Contact is personal as well as professional",
                  "channel_balance", "balance 0-1"),
    ChecklistItem("gp3", "good_practice", "The network's structure is fitted to members' needs "
                  "(e.g. language)", "language_access", "ratio (cap 1)"),
    ChecklistItem("gp4", "good_practice", "Members and their organizations get chances to work "
                  "together", "cross_org_mixing", "ratio to chance"),
    ChecklistItem("gp5", "good_practice", "Members give feedback on what works and what does "
                  "not", "survey_response_rate", "share of members"),
    ChecklistItem("gp6", "good_practice", "Early success comes before the membership widens"),
    ChecklistItem("gp7", "good_practice", "Resources help members turn ideas into action",
                  "resource_exchanges_per_member", "per active member"),
    ChecklistItem("gp8", "good_practice", "Topic sub-groups meet inside the network",
                  "subgroup_sessions_per_quarter", "per quarter"),
    ChecklistItem("gp9", "good_practice", "The network learns from other networks' successes"),
    ChecklistItem("gp10", "good_practice", "Basic information is shared so everyone starts "
                  "on equal footing", "voice_equality", "1 - Gini"),
    ChecklistItem("ch1", "challenge", "Networking costs time and money"),
    ChecklistItem("ch2", "challenge", "Good ideas are hard to act on", "actions_closed_on_time",
                  "share of action items"),
    ChecklistItem("ch3", "challenge", "Goals are hard to name and share", "outcome_targets",
                  "measures with a target"),
    ChecklistItem("ch4", "challenge", "The network is hard to fit into the sponsor's other "
                  "work"),
    ChecklistItem("ch5", "challenge", "Equality and expertise pull against each other when "
                  "choosing members"),
    ChecklistItem("ch6", "challenge", "The sponsor's complexity and culture get in the way"),
    ChecklistItem("ch7", "challenge", "There is no good exit plan"),
    ChecklistItem("ch8", "challenge", "The activities are hard to repeat elsewhere"),
    ChecklistItem("ch9", "challenge", "Members come and go", "retention", "share"),
    ChecklistItem("ch10", "challenge", "Individual and group psychology hold the network back",
                  "survey_trust", "% of scale max"),
)


def _outcome_targets(ctx: Context) -> Value:
    """Number of outcome measures with a target in the period (evidence for ch3)."""
    if not ctx.net.has("outcomes"):
        return Value(float("nan"), "no outcomes table")
    o = ctx.net.outcomes
    if "target" not in o.columns or len(o) == 0:
        return Value(0.0, "no outcome measure with a target")
    n = int(o.loc[o["target"].notna().to_numpy(), "measure"].nunique())
    return Value(float(n), N_("{n} measure(s) with a target").format(n=n))


def checklist_table(ctx: Context, rubric: Any = None) -> pd.DataFrame:
    """The checklist for one period: one row an item.

    Columns: ``item``, ``kind``, ``label``, ``rating`` (mean 0-3 over raters, NaN when not
    rated), ``n_ratings``, ``n_raters`` (distinct raters; the number of ratings when the
    table has no ``rater`` column), ``rating_note`` (the raters' notes), ``evidence``
    (indicator name or empty), ``evidence_value``, ``evidence_unit``, ``evidence_note``,
    ``has_evidence``, ``evidence_score``, ``evidence_band`` (the evidence scored with the
    rubric's first entry for that indicator; NaN / ``no data`` without one), and
    ``contradicted`` (True when the evidence contradicts the rating, see the module notes;
    False when it does not or there is no evidence or rating).
    """
    from .rubric import IndicatorSpec, load_rubric

    r = load_rubric(rubric)
    specs: dict[str, IndicatorSpec] = {}
    for entry in r.indicators:
        specs.setdefault(entry.function, entry)
    net = ctx.net
    c = net.checklist
    ids = c["item"].astype("str").str.strip().str.lower() if len(c) else pd.Series(dtype="str")
    rated = (c.assign(_item=ids.to_numpy()).dropna(subset=["value"])
             .groupby("_item")["value"].agg(["mean", "size"])) if len(c) else None
    raters = None
    if len(c) and "rater" in c.columns:
        raters = (c.assign(_item=ids.to_numpy()).dropna(subset=["value"])
                  .groupby("_item")["rater"].nunique())
    notes = None
    if len(c) and "note" in c.columns:
        n = c.assign(_item=ids.to_numpy()).dropna(subset=["note"])
        notes = n.groupby("_item")["note"].agg(lambda s: " | ".join(pd.unique(s.astype("str"))))
    rows = []
    for it in CHECKLIST:
        if rated is not None and it.id in rated.index:
            rating, n_r = float(rated.at[it.id, "mean"]), int(rated.at[it.id, "size"])
        else:
            rating, n_r = np.nan, 0
        note = notes.get(it.id, "") if notes is not None else ""
        ev = Value(np.nan, "")
        if it.evidence == "outcome_targets":
            ev = _outcome_targets(ctx)
        elif it.evidence:
            got = ctx.compute(it.evidence)
            if not isinstance(got, Value):  # an expanding indicator: not an item's evidence
                raise TypeError(f"checklist evidence {it.evidence!r} must give one Value")
            ev = got
        value = ev.value
        found = specs.get(it.evidence or "")
        ev_score = found.score(value) if found is not None and not math.isnan(value) \
            else float("nan")
        ev_band = r.band(ev_score)
        n_raters = int(raters.get(it.id, 0)) if raters is not None else n_r
        rows.append({"item": it.id, "kind": it.kind, "label": it.label, "rating": rating,
                     "n_ratings": n_r, "n_raters": n_raters,
                     "rating_note": note or "",
                     "evidence": it.evidence or "", "evidence_value": value,
                     "evidence_unit": it.evidence_unit if it.evidence else "",
                     "evidence_note": ev.note,
                     "has_evidence": bool(it.evidence) and not math.isnan(value),
                     "evidence_score": ev_score, "evidence_band": ev_band,
                     "contradicted": _contradicted(it.kind, rating, ev_band, r)})
    out = pd.DataFrame(rows)
    return out.astype({"item": "str", "kind": "str", "label": "str", "rating": "float64",
                       "n_ratings": "int64", "n_raters": "int64", "rating_note": "str",
                       "evidence": "str", "evidence_value": "float64",
                       "evidence_unit": "str", "evidence_note": "str",
                       "has_evidence": "bool", "evidence_score": "float64",
                       "evidence_band": "str", "contradicted": "bool"})


def _contradicted(kind: str, rating: float, band: str, r: Any) -> bool:
    """Does the evidence's band contradict the rating? A good practice rated 3 (fully in
    place) needs strong evidence, 2 evidence above emerging; a challenge rated 0 (holds the
    network back not at all) strong evidence, 1 evidence above emerging."""
    order = ["emerging", "developing", "strong"]
    if math.isnan(rating) or band not in order:
        return False
    level = order.index(band)
    # how far in place the rating says the thing is: 0-3, higher is better for both kinds
    said = round(rating) if kind == "good_practice" else 3 - round(rating)
    return (said >= 3 and level < 2) or (said >= 2 and level < 1)
