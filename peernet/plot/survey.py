"""Survey charts: trust and value received by each organization (PARTNER-style scores)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..report import i18n
from ..schema import check_columns

__all__ = ["survey_by_org"]


def survey_by_org(scores: pd.DataFrame, *, by: str = "org", scale: tuple[float, float] = (1, 4),
                  labels: dict[str, str] | None = None, ax: Any = None) -> Any:
    """Trust and value each organization received, one row an organization (a dot plot).

    Parameters
    ----------
    scores : DataFrame
        :func:`peernet.survey_scores` with ``level="org"`` (one wave): ``org``, ``trust``,
        ``value``; rows with missing scores (e.g. suppressed for too few raters) are left
        out of the drawing.
    by : str, default "org"
        The column naming the rows.
    scale : (float, float), default (1, 4)
        The rating scale: the x axis spans it.
    labels : dict, optional
        Legend labels of ``trust`` and ``value`` (default "Trust", "Value").
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One row an organization, sorted by trust (highest at the top); a filled dot for
        trust, an open one for value.

    Examples
    --------
    >>> s = pn.survey_scores(pn.load_sample("riverbend").period("2025"), level="org",
    ...                      warn=False)
    >>> ax = pn.plot.survey_by_org(s)
    >>> len(ax.get_yticklabels()) == int(s["trust"].notna().sum())
    True
    """
    import matplotlib.pyplot as plt

    check_columns(scores, [by, "trust", "value"], where="plot.survey_by_org")
    if ax is None:
        ax = plt.gca()
    labels = {"trust": i18n._("Trust"), "value": i18n._("Value"), **(labels or {})}
    df = scores[scores["trust"].notna()].sort_values(["trust", by], ascending=[True, False],
                                                     kind="stable")
    y = np.arange(len(df))
    ax.hlines(y, scale[0], scale[1], color="#e4e7eb", linewidth=0.8, zorder=0)
    ax.scatter(df["trust"], y, s=36, color="#1d6fa5", label=labels["trust"], zorder=3)
    ax.scatter(df["value"], y, s=36, facecolors="white", edgecolors="#c2410c",
               linewidths=1.5, label=labels["value"], zorder=3)
    ax.set_yticks(y, [str(i18n.translate_name(str(v))) for v in df[by]], fontsize=8)
    ax.set_xlim(scale[0] - 0.05, scale[1] + 0.05)
    ax.set_ylim(-0.7, len(df) - 0.3)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", fontsize=8, frameon=False, ncols=2,
              bbox_to_anchor=(1.0, 1.0))
    return ax
