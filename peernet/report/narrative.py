"""The report's words: readable names of numbers, how much a change deserves attention,
and the sentences of the highlights.

:meth:`peernet.Evaluation.highlights` and the report (:mod:`peernet.report.html`) call
:func:`highlights` and :func:`sentence`; :meth:`peernet.Evaluation.changes` takes its
``label`` and ``salience`` columns from :func:`change_label` and :func:`salience`. Every
function here takes plain tables (the changes of two periods, the Grid's element scores)
and never reaches back into the evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..grid.score import GridScore
from ..metrics.groups import GROUP_BY
from .format import change, is_share, number, pretty
from .i18n import N_, _

__all__ = ["highlights", "sentence", "salience", "change_label", "indicator_labels", "csv_label",
           "indicator_name"]

#: Follow-up and participation numbers that restate a Grid element (one highlight each).
TOPICS = {"problems_raised": "problem_solving", "share_problems_solved": "problem_solving",
          "median_days_to_solve": "problem_solving", "share_help_across_orgs":
          "problem_solving", "share_problems_with_outcome": "truth", "actions_due": "truth",
          "share_actions_done": "truth", "share_actions_on_time": "truth",
          "retention_rate": "time", "members_lapsed": "time", "members": "roster",
          "roster_members": "roster", "active_members": "active", "members_active": "active"}


# ---------------------------------------------------------------------- names
def indicator_labels(scores: Mapping[str, GridScore]) -> dict[str, str]:
    """Readable names of Grid indicators: a ``label`` column of the indicators, the
    checklist's item labels (gp1..ch10), else the indicator name in words."""
    out: dict[str, str] = {}
    for score in scores.values():
        ind = score.indicators
        if "label" in ind.columns:
            out.update(dict(zip(ind["indicator"].astype("str"), ind["label"].astype("str"),
                                strict=True)))
        chk = score.checklist
        if {"item", "label"} <= set(chk.columns):
            out.update(dict(zip(chk["item"].astype("str"), chk["label"].astype("str"),
                                strict=True)))
    return out


def indicator_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The label of indicator ``name``; ``outcome:<measure>`` as ``Outcome: <measure>``."""
    if labels and name in labels:
        return labels[name]
    head, _, tail = str(name).partition(":")
    if tail:
        return f"{pretty(head)}: {tail.replace('_', ' ')}"
    return pretty(name)


def change_label(section: str, item: str, metric: str, name: str,
                 labels: Mapping[str, str] | None = None) -> str:
    """The ``label`` of a row of :meth:`~peernet.Evaluation.changes`; ``name`` is the
    metric's own label (``METRICS``)."""
    if section == "grid":
        return f"Grid: {pretty(metric)}"
    if section in ("indicator", "indicator_score"):
        suffix = " (score)" if section == "indicator_score" else ""
        return f"{pretty(item)}: {indicator_name(metric, labels)}{suffix}"
    if section in GROUP_BY:
        return f"{name}, {section} {item}"
    return name


# ---------------------------------------------------------------------- salience
def salience(ch: pd.DataFrame) -> np.ndarray:
    """How much each change deserves a reader's attention (the rules are in the Notes of
    :meth:`peernet.Evaluation.highlights`)."""
    delta = ch["change"].abs().to_numpy("float64")
    prev = ch["previous"].abs().to_numpy("float64")
    cur = ch["current"].abs().to_numpy("float64")
    rel = ch["change_rel"].abs().to_numpy("float64")
    unit = np.where([is_share(u) for u in ch["unit"]], "share", ch["unit"].astype("str"))
    section = ch["section"].astype("str").to_numpy()
    big = np.fmax(prev, cur)
    out = np.where(unit == "share", delta / 0.10,
                   np.where(big >= 5, rel / 0.25, 0.0))
    out = np.where(np.isin(unit, ["gini", "index"]), delta / 0.10, out)
    out = np.where(section == "grid", delta / 10, out)
    out = np.where(section == "indicator_score", delta / 15, out)
    out = np.where(section == "indicator", np.where(unit == "share", delta / 0.15,
                                                    np.where(big >= 5, rel / 0.4, 0.0)), out)
    out = np.where(np.isin(section, GROUP_BY),
                   np.where(unit == "share", 0.0, np.where(big >= 10, rel / 0.3, 0.0)), out)
    out = np.where(section == "org", out / 2, out)
    out = np.where(ch["direction"].to_numpy() == 0, out / 2, out)
    out = np.where(section == "indicator", out * 0.8, out)
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


def _topic(row: Any) -> str:
    if row.section in ("grid", "indicator", "indicator_score"):
        return f"element:{row.metric if row.section == 'grid' else row.item}".lower()
    if row.section in GROUP_BY:
        return f"group:{row.section}"
    if row.metric in TOPICS:
        return f"element:{TOPICS[row.metric]}"
    return f"metric:{row.metric}"


# ---------------------------------------------------------------------- sentences
def highlights(ch: pd.DataFrame, layers: pd.DataFrame, labels: Mapping[str, str],
               n: int = 5) -> list[str]:
    """The ``n`` changes of ``ch`` (:meth:`~peernet.Evaluation.changes` of two periods)
    most worth a reader's attention, as sentences (one per topic; see
    :meth:`peernet.Evaluation.highlights`). ``layers``: the Grid element scores of the
    periods (``Evaluation.layers``); ``labels``: :func:`indicator_labels`."""
    top = ch[(ch["salience"] > 0) & ch["change"].notna()]
    top = top[~top["section"].isin(["indicator_score", "org"])]
    if "tested" in top.columns:   # a change tested and found inside the noise is no finding
        top = top[~(top["tested"].astype(bool) & ~top["real"].astype(bool))]
    top = top.sort_values("salience", ascending=False, kind="stable")
    seen: set[str] = set()
    out: list[str] = []
    for row in top.itertuples(index=False):
        topic = _topic(row)
        if topic in seen:
            continue
        seen.add(topic)
        text = sentence(row, ch, layers, labels)
        if text in out:
            continue
        out.append(text)
        if len(out) == n:
            break
    return out


def _driver(row: Any, ch: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """The indicator of a Grid element whose score moved most in the element's direction."""
    ind = ch[(ch["section"] == "indicator_score") & (ch["item"] == row.metric)
             & ch["change"].notna()]
    if ind.empty:
        return ""
    ind = ind.assign(_m=ind["change"] * np.sign(row.change))
    best = ind.sort_values("_m", ascending=False, kind="stable").iloc[0]
    if best["_m"] <= 0:
        return ""
    raw = ch[(ch["section"] == "indicator") & (ch["item"] == row.metric)
             & (ch["metric"] == best["metric"])]
    name = indicator_name(best["metric"], labels)
    name = name[0].lower() + name[1:] if name[:2] != name[:2].upper() else name
    if len(raw) and np.isfinite(raw["previous"].iloc[0]) and np.isfinite(raw["current"].iloc[0]):
        r = raw.iloc[0]
        return (f"{name} ({number(r['previous'], r['unit'], style='prose')} to "
                f"{number(r['current'], r['unit'], style='prose')})")
    return name


def _interval(low: float, high: float, unit: str) -> str:
    """The interval of a change in words: ``+12 to +47 points``."""
    if is_share(unit):
        digits = 1 if max(abs(low), abs(high)) < 0.1 else 0
        return f"{low * 100:+.{digits}f} to {high * 100:+.{digits}f} percentage points"
    if unit == "points":
        return f"{low:+.0f} to {high:+.0f} points"
    return f"{low:+.2f} to {high:+.2f}"


def _any_tested(ch: pd.DataFrame) -> bool:
    """Whether the changes were tested at all (False: the evaluation had no bootstrap)."""
    return "tested" in ch.columns and bool(ch["tested"].astype(bool).any())


def sentence(row: Any, ch: pd.DataFrame, layers: pd.DataFrame,
             labels: Mapping[str, str]) -> str:
    """One change (a row of ``ch``, :meth:`~peernet.Evaluation.changes`) as a sentence."""
    verb = "rose" if row.change > 0 else "fell"
    prev = number(row.previous, row.unit, style="prose")
    cur = number(row.current, row.unit, style="prose")
    if not np.isfinite(row.previous):
        return (f"{row.label} is {cur} in {row.current_period} (no value for "
                f"{row.previous_period}).")
    delta = change(row.change, row.unit, row.change_rel)
    judge = {"better": "an improvement", "worse": "a decline that needs attention"}.get(
        row.assessment, "")
    if row.section == "grid":
        band = ""
        if "band" in layers.columns:
            b = layers[(layers["element"] == row.metric)]
            pb = b.loc[b["period"] == row.previous_period, "band"]
            cb = b.loc[b["period"] == row.current_period, "band"]
            if len(pb) and len(cb) and pb.iloc[0] != cb.iloc[0]:
                band = f", from {pb.iloc[0]} to {cb.iloc[0]}"
        text = (f"The Grid score for {pretty(row.metric)} ({pretty(row.item)}) {verb} from "
                f"{prev} to {cur} ({delta}){band}")
        driver = _driver(row, ch, labels)
        if driver:
            text += f", mostly through {driver}"
    elif row.section in GROUP_BY:
        noun = {"org": "organization"}.get(row.section, row.section)
        what = {"members_active": "Active members",
                "interactions": "Interactions by members"}.get(row.metric, row.label)
        text = f"{what} of the {row.item} {noun} {verb} from {prev} to {cur} ({delta})"
        other = "interactions" if row.metric == "members_active" else "members_active"
        o = ch[(ch["section"] == row.section) & (ch["item"] == row.item)
               & (ch["metric"] == other)]
        if len(o) and np.isfinite(o["change"].iloc[0]) and o["change"].iloc[0] != 0:
            o = o.iloc[0]
            text += (f"; {'active members' if other == 'members_active' else 'interactions'}"
                     f" {'rose' if o['change'] > 0 else 'fell'} from "
                     f"{number(o['previous'], o['unit'], style='prose')} to "
                     f"{number(o['current'], o['unit'], style='prose')}")
    else:
        text = f"{row.label} {verb} from {prev} to {cur} ({delta})"
    if getattr(row, "tested", False) and getattr(row, "real", False):
        text += (f", a real change (95% interval of the change "
                 f"{_interval(row.low, row.high, row.unit)})")
    elif row.section in ("grid", "network") and not _any_tested(ch):
        text += " (no interval)"
    if judge:
        text += f": {judge}"
    return text + "."


#: What each CSV of ``tables/`` holds: the text of its link on the pages.
CSV_LABELS = {
    "grid_scorecard.csv": N_("Grid scores by element"),
    "grid_indicators.csv": N_("Grid indicators"),
    "survey_by_org.csv": N_("Survey: trust and value by organization"),
    "tie_change.csv": N_("Ties kept, gained and lost"),
    "network_metrics.csv": N_("Structure of the network"),
    "participation_by_period.csv": N_("Participation by period"),
    "problem_solving.csv": N_("Problem solving and follow-up"),
    "roles_by_org.csv": N_("Member roles by organization"),
    "roles_by_sector.csv": N_("Member roles by sector"),
    "data_quality_counts.csv": N_("Data read from each source"),
    "data_quality_problems.csv": N_("Problems found in the data"),
    "methodology.csv": N_("Methodology"),
    "input_files.csv": N_("Input files"),
}


def csv_label(name: str) -> str:
    """The link text of ``tables/<name>``: what it holds, in the report's language."""
    label = CSV_LABELS.get(str(name))
    return _(label) if label else pretty(str(name).rsplit(".", 1)[0])
