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
from .format import change, decimal, is_share, number, pretty
from .i18n import N_, _, current_language, translate

__all__ = ["highlights", "sentence", "salience", "change_label", "indicator_labels", "csv_label",
           "indicator_name", "element_changes"]

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
    name = translate(indicator_name(best["metric"], labels))
    name = name[0].lower() + name[1:] if name[:2] != name[:2].upper() else name
    if len(raw) and np.isfinite(raw["previous"].iloc[0]) and np.isfinite(raw["current"].iloc[0]):
        r = raw.iloc[0]
        return _("{name} ({a} to {b})").format(
            name=name, a=number(r["previous"], r["unit"], style="prose"),
            b=number(r["current"], r["unit"], style="prose"))
    return name


def _signed(value: float, digits: int) -> str:
    if current_language() == "en":
        return f"{value:+.{digits}f}"
    return decimal(value, digits, sign=True)


def _interval(low: float, high: float, unit: str) -> str:
    """The interval of a change in words: ``+12 to +47 points``."""
    if is_share(unit):
        digits = 1 if max(abs(low), abs(high)) < 0.1 else 0
        return _("{low} to {high} percentage points").format(
            low=_signed(low * 100, digits), high=_signed(high * 100, digits))
    if unit == "points":
        return _("{low} to {high} points").format(low=_signed(low, 0), high=_signed(high, 0))
    return _("{low} to {high}").format(low=_signed(low, 2), high=_signed(high, 2))


def _any_tested(ch: pd.DataFrame) -> bool:
    """Whether the changes were tested at all (False: the evaluation had no bootstrap)."""
    return "tested" in ch.columns and bool(ch["tested"].astype(bool).any())


#: What a breakdown is by, in a sentence ("... of the Mountain region").
_NOUNS = {"org": N_("organization"), "region": N_("region"), "sector": N_("sector"),
          "language": N_("language")}


def sentence(row: Any, ch: pd.DataFrame, layers: pd.DataFrame,
             labels: Mapping[str, str]) -> str:
    """One change (a row of ``ch``, :meth:`~peernet.Evaluation.changes`) as a sentence."""
    up = row.change > 0
    prev = number(row.previous, row.unit, style="prose")
    cur = number(row.current, row.unit, style="prose")
    if not np.isfinite(row.previous):
        return _("{label} is {value} in {period} (no value for {previous}).").format(
            label=translate(row.label), value=cur, period=row.current_period,
            previous=row.previous_period)
    delta = change(row.change, row.unit, row.change_rel)
    judge = {"better": _("an improvement"), "worse": _("a decline that needs attention")
             }.get(row.assessment, "")
    if row.section == "grid":
        band = ""
        if "band" in layers.columns:
            b = layers[(layers["element"] == row.metric)]
            pb = b.loc[b["period"] == row.previous_period, "band"]
            cb = b.loc[b["period"] == row.current_period, "band"]
            if len(pb) and len(cb) and pb.iloc[0] != cb.iloc[0]:
                band = _(", from {a} to {b}").format(a=translate(pb.iloc[0]),
                                                     b=translate(cb.iloc[0]))
        text = (_("The Grid score for {element} ({layer}) rose from {a} to {b} ({delta})")
                if up else
                _("The Grid score for {element} ({layer}) fell from {a} to {b} ({delta})")
                ).format(element=translate(pretty(row.metric)), layer=translate(pretty(row.item)),
                         a=prev, b=cur, delta=delta) + band
        driver = _driver(row, ch, labels)
        if driver:
            text += _(", mostly through {driver}").format(driver=driver)
    elif row.section in GROUP_BY:
        fills = {"item": row.item, "noun": _(_NOUNS.get(row.section, row.section)), "a": prev,
                 "b": cur, "delta": delta}
        if row.metric == "members_active":
            text = (_("Active members of the {item} {noun} rose from {a} to {b} ({delta})")
                    if up else
                    _("Active members of the {item} {noun} fell from {a} to {b} ({delta})"))
        elif row.metric == "interactions":
            text = (_("Interactions by members of the {item} {noun} rose from {a} to {b} "
                      "({delta})") if up else
                    _("Interactions by members of the {item} {noun} fell from {a} to {b} "
                      "({delta})"))
        else:
            text = (_("{what} of the {item} {noun} rose from {a} to {b} ({delta})") if up else
                    _("{what} of the {item} {noun} fell from {a} to {b} ({delta})"))
            fills["what"] = translate(row.label)
        text = text.format(**fills)
        other = "interactions" if row.metric == "members_active" else "members_active"
        o = ch[(ch["section"] == row.section) & (ch["item"] == row.item)
               & (ch["metric"] == other)]
        if len(o) and np.isfinite(o["change"].iloc[0]) and o["change"].iloc[0] != 0:
            o = o.iloc[0]
            o_up = o["change"] > 0
            if other == "members_active":
                more = (_("; active members rose from {a} to {b}") if o_up else
                        _("; active members fell from {a} to {b}"))
            else:
                more = (_("; interactions rose from {a} to {b}") if o_up else
                        _("; interactions fell from {a} to {b}"))
            text += more.format(a=number(o["previous"], o["unit"], style="prose"),
                                b=number(o["current"], o["unit"], style="prose"))
    else:
        text = (_("{label} rose from {a} to {b} ({delta})") if up else
                _("{label} fell from {a} to {b} ({delta})")).format(
            label=translate(row.label), a=prev, b=cur, delta=delta)
    if getattr(row, "tested", False) and getattr(row, "real", False):
        text += _(", a real change (95% interval of the change {interval})").format(
            interval=_interval(row.low, row.high, row.unit))
    elif row.section in ("grid", "network") and not _any_tested(ch):
        text += _(" (no interval)")
    if judge:
        text += _(": {judgement}").format(judgement=judge)
    return text + "."


def element_changes(ch: pd.DataFrame, layers: pd.DataFrame, limit: int = 4
                    ) -> list[dict[str, Any]]:
    """Each Grid element's score change and the indicators that moved most within it (of
    the changes ``ch`` between two periods; ``layers``: the Grid's elements in order)."""
    grid = ch[ch["section"] == "grid"]
    order = {e: i for i, e in enumerate(layers.drop_duplicates("element")["element"])}
    grid = grid.sort_values("metric", key=lambda m: m.map(order), kind="stable")
    ind = ch[ch["section"] == "indicator"]
    isc = ch[ch["section"] == "indicator_score"].set_index(["item", "metric"])["change"]
    out = []
    for row in grid.itertuples(index=False):
        details = []
        part = ind[ind["item"] == row.metric]
        if len(part):
            moved = part.assign(_s=[abs(isc.get((row.metric, m), np.nan)) for m in
                                    part["metric"]])
            moved = moved[(moved["_s"] >= 5) & moved["change"].notna()]
            moved = moved.sort_values("_s", ascending=False, kind="stable").head(limit)
            for r in moved.itertuples(index=False):
                label = translate(r.label.split(": ", 1)[-1])
                word = {"better": "better", "worse": "worse"}.get(r.assessment, "")
                details.append({"text": _("{label}: {a} to {b}").format(
                    label=label, a=number(r.previous, r.unit, style="prose"),
                    b=number(r.current, r.unit, style="prose")), "cls": word})
        delta = row.change
        out.append({
            "element": translate(pretty(row.metric)), "layer": translate(pretty(row.item)),
            "previous": number(row.previous, "points", style="prose"),
            "current": number(row.current, "points", style="prose"),
            "change": "" if not np.isfinite(delta) else decimal(delta, 0, sign=True),
            "cls": {"better": "better", "worse": "worse"}.get(row.assessment, ""),
            "details": details})
    return out


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
