"""The report's member-survey section: what members said of each other's organizations.

Only what peernet already computes (:mod:`peernet.metrics.survey`, :mod:`peernet.surveys`)
is shown, for the evaluated period's wave:

- the response rate and its reading (:func:`peernet.metrics.response_note`: under 80% "low
  response", under 65% "read with caution");
- trust and value received by each organization (:func:`peernet.survey_scores`,
  ``level="org"``), a table and a chart; an organization rated by fewer than
  ``min_group_size`` members has its scores suppressed (shown as –), and the organizations
  of fewer than ``min_group_size`` members on the roster in the period are rated together
  as "other small organizations" (:mod:`peernet.report.protect`);
- the sensitivity band: the network's trust and value under each treatment of the missing
  answers of non-respondents (:func:`peernet.survey_sensitivity`);
- perception gaps: pairs who rated each other, and how far apart their ratings are
  (:func:`peernet.perception_gaps`), as counts only (no pair is shown);
- reported against observed ties (:func:`peernet.reported_vs_observed`): ties members
  reported that the records also show, ties only the records show, ties only reported.

A wave of fewer than ``min_group_size`` respondents shows none of its means.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..evaluation import Evaluation
from ..privacy import MIN_GROUP_SIZE
from .csvsafe import safe_csv
from .format import decimal, number, percent
from .i18n import _
from .protect import small_groups_together

__all__ = ["survey_section"]


def _reading(note: str) -> str:
    return {"low response": _("low response: read the results as those of most members, "
                              "not all"),
            "read with caution": _("read with caution: too few members answered for the "
                                   "results to speak for everyone"),
            "": _("good response: the results speak for most members")}.get(note, note)


def survey_section(ev: Evaluation, folder: Path, *, min_group_size: int = MIN_GROUP_SIZE
                   ) -> dict[str, Any] | None:
    """What the survey section shows (None when the period has no survey); writes
    ``tables/survey_by_org.csv``, ``tables/survey_sensitivity.csv`` and
    ``tables/survey_ties.csv`` into ``folder``."""
    from ..metrics.survey import (
        perception_gaps,
        survey_response,
        survey_scores,
        survey_sensitivity,
    )
    from ..surveys import provenance_counts

    s = ev.slices[ev.current]
    if not len(s.surveys):
        return None
    s = small_groups_together(s, ev.slices.values(), min_group_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resp = survey_response(s)
        if resp.empty:
            return None
        r = resp.iloc[-1]
        wave = str(r["wave"])
        out: dict[str, Any] = {
            "wave": wave, "respondents": number(int(r["n_respondents"])),
            "eligible": number(int(r["n_eligible"])), "rate": number(r["response_rate"], "share"),
            "reading": _reading(str(r["response_note"])), "shown": True,
            "min_group_size": min_group_size}
        if int(r["n_respondents"]) < min_group_size:
            out["shown"] = False
            out["why"] = _("Not shown: the survey has fewer than {n} respondents.").format(
                n=min_group_size)
            return out
        by_org = survey_scores(s, wave=wave, level="org", warn=False)
        sens = survey_sensitivity(s, wave=wave)
        gaps = perception_gaps(s, wave=wave)
        counts = provenance_counts(s, wave=wave)
    by_org = by_org[["org", "trust", "value", "n_raters", "response_rate"]].copy()
    few = (by_org["n_raters"] < min_group_size).to_numpy()
    by_org.loc[few, ["trust", "value"]] = np.nan
    by_org["suppressed"] = few
    by_org = by_org.sort_values("org", kind="stable").reset_index(drop=True)
    safe_csv(by_org, folder / "survey_by_org.csv")
    out["by_org"] = by_org
    scale = s.surveys
    lo = float(scale["scale_min"].min()) if "scale_min" in scale.columns else 1.0
    hi = float(scale["scale_max"].max()) if "scale_max" in scale.columns else float(
        pd.to_numeric(scale["value"], errors="coerce").max())
    out["scale"] = (lo, hi)
    out["n_suppressed"] = int(few.sum())
    # sensitivity band of the network's trust and value (% of the scale's top)
    safe_csv(sens, folder / "survey_sensitivity.csv")
    band = sens.set_index("measure")
    # a measure nobody answered says so instead of showing dashes; the band is the range
    # over the treatments of the missing answers, not a worst case (the pages say so)
    out["bands"] = [{"label": label, "low": percent(band.at[m, 'band_min'] / 100, 1),
                     "high": percent(band.at[m, 'band_max'] / 100, 1),
                     "value": percent(band.at[m, 'none'] / 100, 1),
                     "answered": bool(np.isfinite(band.at[m, 'none']))}
                    for m, label in (("trust_pct", _("Trust")), ("value_pct", _("Value")))
                    if m in band.index]
    # perception gaps, counted
    out["gap_pairs"] = int(len(gaps))
    out["gap_big"] = int((gaps["abs_gap"] >= 1).sum()) if len(gaps) else 0
    out["gap_mean"] = decimal(gaps['abs_gap'].mean()) if len(gaps) else "–"
    # reported vs observed ties
    summary = pd.DataFrame({"provenance": ["both", "survey", "logs"],
                            "ties": [int(counts.get(k, 0)) for k in ("both", "survey",
                                                                     "logs")]})
    safe_csv(summary, folder / "survey_ties.csv")
    out["ties_both"], out["ties_survey"], out["ties_logs"] = summary["ties"].tolist()
    total = max(int(summary["ties"].sum()), 1)
    out["ties_share_both"] = percent(summary['ties'].iloc[0] / total)
    return out
