"""Evaluation charts: participation, the Community Change Grid, trends, member roles.

Charts take finished results (:func:`peernet.participation` output, a
:class:`~peernet.grid.GridScore` or :class:`~peernet.Evaluation`, member metrics) and
compute nothing but geometry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..grid.rubric import LAYERS
from ..report import i18n
from ..report.format import percent
from ..schema import check_columns
from .style import BAND_COLORS, BAND_TEXT, POSITION_COLORS

if TYPE_CHECKING:
    from ..evaluation import Evaluation
    from ..grid.score import GridScore
    from ..network import PeerNetwork

__all__ = ["participation", "grid", "grid_svg", "trend", "roles", "evaluation_figure",
           "GRID_LAYERS", "TREND_METRICS"]

#: Grid layers bottom up, with their elements left to right (Backer & Kern 2010).
GRID_LAYERS: dict[str, tuple[str, ...]] = dict(LAYERS)
#: Default metrics of :func:`trend` (all on a -1..1 or 0..1 scale).
TREND_METRICS = ("density", "largest_component_share", "ei_index_org", "reciprocity")
_INSUFFICIENT = "insufficient data"
_BY = {"org": "organization"}
#: Line colours of trends: Okabe-Ito without yellow (too light for a line on white).
_LINE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9")
_ROLE_COLUMNS = ("brokerage_coordinator", "brokerage_gatekeeper", "brokerage_representative",
                 "brokerage_consultant", "brokerage_liaison")


def _pretty(name: str) -> str:
    return str(name).replace("_", " ")


def _period_labels(values: pd.Series) -> list[str]:
    """Period labels as the report's language writes them (``2024Q1`` / ``2024 T1``)."""
    out = [str(v) for v in values]
    if i18n.current_language() == "en":
        return out
    quarter = i18n._("{year}Q{quarter}")
    return [re.sub(r"^(\d{4})Q([1-4])$", lambda m: quarter.format(year=m[1], quarter=m[2]), v)
            for v in out]


# ------------------------------------------------------------------ participation
def participation(df: pd.DataFrame, *, attendance: bool = True, ax: Any = None,
                  **kwargs: Any) -> Any:
    """Members active, new, returning and lapsed per period, with the attendance rate.

    Bars above zero stack the active members of each period: returning (dark), reactivated
    (mid, when the table has them) and new (light); the bar below zero is the members who
    lapsed (active in the period before, not in this one). The line (right axis) is the
    attendance rate.

    Parameters
    ----------
    df : DataFrame
        :func:`peernet.participation` output: ``period``, ``members_active``,
        ``members_new``, ``members_returning``, ``members_lapsed`` and (for the line)
        ``attendance_rate``.
    attendance : bool, default True
        Draw the attendance rate on a right-hand axis (when the column is there).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the bars.

    Returns
    -------
    matplotlib.axes.Axes
        The bar Axes (the attendance axis is its twin).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> df = pn.participation(pn.load_sample("riverbend"), freq="YS")
    >>> ax = pn.plot.participation(df, ax=ax)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2023', '2024', '2025']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    check_columns(df, ["period", "members_active", "members_new", "members_returning",
                       "members_lapsed"], where="plot.participation")
    if ax is None:
        ax = plt.gca()
    x = np.arange(len(df))
    labels = _period_labels(df["period"])
    returning = df["members_returning"].to_numpy(dtype=float)
    reactivated = (df["members_reactivated"].to_numpy(dtype=float)
                   if "members_reactivated" in df.columns else np.zeros(len(df)))
    new = df["members_new"].to_numpy(dtype=float)
    lapsed = df["members_lapsed"].to_numpy(dtype=float)
    width = 0.7
    opts = {"width": width, "edgecolor": "white", "linewidth": 0.5, **kwargs}
    ax.bar(x, returning, color="#0072B2", label=i18n._("returning"), gid="bars-returning", **opts)
    bottom = returning
    if reactivated.any():
        ax.bar(x, reactivated, bottom=bottom, color="#56B4E9", label=i18n._("reactivated"),
               gid="bars-reactivated", **opts)
        bottom = bottom + reactivated
    ax.bar(x, new, bottom=bottom, color="#E69F00", label=i18n._("new"), gid="bars-new",
           **opts)
    ax.bar(x, -lapsed, color="#BBBBBB", label=i18n._("lapsed (active before, not now)"),
           gid="bars-lapsed", hatch="///", **opts)
    ax.axhline(0, color="#333333", linewidth=0.8)
    active = df["members_active"].to_numpy(dtype=float)
    if len(df) <= 16:
        for xi, a in zip(x, active, strict=True):
            ax.annotate(f"{a:.0f}", (xi, a), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7)
        if len(df) and returning[0] == 0 and new[0] == active[0] > 0:
            ax.text(0, active[0] / 2, i18n._("start\nof data:\nall count\nas new"), ha="center",
                    va="center", fontsize=6.5, color="#222222", linespacing=1.0,
                    gid="first-period-note")
    ax.set_xticks(x, labels, rotation=0 if len(df) <= 8 else 45,
                  ha="center" if len(df) <= 8 else "right")
    ax.set_ylabel(i18n._("members (lapsed below zero)"))
    ax.set_xlim(-0.6, len(df) - 0.4)
    top = max(_finite_max(active), 1.0)
    low = _finite_max(lapsed)
    ax.set_ylim(-1.15 * max(low, 1.0), 1.3 * top)
    handles, names = ax.get_legend_handles_labels()
    if attendance and "attendance_rate" in df.columns:
        twin = ax.twinx()
        rate = df["attendance_rate"].to_numpy(dtype=float)
        (line,) = twin.plot(x, 100 * rate, color="#000000", marker="o", markersize=3.5,
                            linewidth=1.2, label=i18n._("attendance rate (right axis)"),
                            gid="attendance-rate")
        twin.set_ylim(0, max(160.0 * _finite_max(rate), 10.0))
        twin.set_ylabel(i18n._("attendance rate (%)"))
        twin.spines["top"].set_visible(False)
        twin.spines["right"].set_visible(True)
        handles.append(line)
        names.append(line.get_label())
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(0, -0.12 if len(df) <= 8
                                                                 else -0.2),
              ncol=3, frameon=False, fontsize=8)
    ax.set_title(i18n._("Participation: members active, new and lapsed"), loc="left")
    return ax


def _finite_max(values: np.ndarray) -> float:
    """Largest finite value, 0 when there is none (empty period, all NaN)."""
    finite = values[np.isfinite(values)]
    return float(finite.max()) if len(finite) else 0.0


# ------------------------------------------------------------------ grid
def grid_svg(score: GridScore) -> str:
    """The Grid chart of ``score`` as an inline ``<svg>`` element (text kept as text, a few
    tens of kilobytes; drawn at the report's size and scaled to its container's width):
    what a :class:`~peernet.grid.GridScore` shows in Jupyter."""
    import io
    import re

    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8), layout="constrained")  # not in pyplot's list
    grid(score, ax=fig.subplots())
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "peernet"}):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # the viewBox keeps the drawing; the width follows the notebook's column
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', text,
                  count=1)


def _grid_frames(obj: Any, period: str | None) -> tuple[pd.DataFrame, pd.DataFrame | None,
                                                      str, str | None]:
    """(current layers, previous layers or None, current label, previous label)."""
    if hasattr(obj, "scores") and hasattr(obj, "periods"):
        periods = list(obj.periods)
        current = periods[-1] if period is None else period
        if current not in periods:
            raise ValueError(f"period must be one of {periods}; got {period!r}")
        i = periods.index(current)
        prev = periods[i - 1] if i > 0 else None
        cur_layers = obj.scores[current].layers
        prev_layers = obj.scores[prev].layers if prev is not None else None
        return cur_layers, prev_layers, str(current), None if prev is None else str(prev)
    if hasattr(obj, "layers") and isinstance(obj.layers, pd.DataFrame):
        return obj.layers, None, str(getattr(obj, "period", "")), None
    if isinstance(obj, pd.DataFrame):
        return obj, None, str(period or ""), None
    raise TypeError(f"grid: score must be a GridScore, an Evaluation or a layers DataFrame; "
                    f"got {type(obj).__name__}")


def grid(score: GridScore | Evaluation, *, period: str | None = None, ax: Any = None,
         **kwargs: Any) -> Any:
    """The Community Change Grid: five stacked layers, bedrock at the bottom.

    Each element is a cell coloured by its score band (emerging, developing, strong:
    light to dark), with the score printed; an element without enough data is white,
    hatched and marked "insufficient data", never drawn as a low score. Given an
    Evaluation, each cell also shows the change since the previous period.

    Parameters
    ----------
    score : GridScore, Evaluation or DataFrame
        :func:`peernet.score` output, :func:`peernet.evaluate` output (the ``period``
        shown, default the last, with the change from the period before it), or a
        ``layers`` table (``layer, element, score, band, has_data``).
    period : str, optional
        For an Evaluation: which period to draw.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to each cell's ``Rectangle``.

    Returns
    -------
    matplotlib.axes.Axes
        One ``Rectangle`` patch per element (gid ``"grid-<element>"``), hatched ``"///"``
        when the element has insufficient data.

    References
    ----------
    Backer, T. E. and Kern, J. P. (2010). Peer Networking and Place-Based Initiatives.
    Thought paper commissioned by The California Endowment. Human Interaction Research
    Institute (the Community Change Grid: bedrock, foundation, strategies, outcomes).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = pn.plot.grid(pn.score(pn.load_sample("davis")), ax=ax)
    >>> cell = next(p for p in ax.patches if p.get_gid() == "grid-trust")
    >>> cell.get_hatch()
    '///'
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    layers, previous, current, prev_label = _grid_frames(score, period)
    check_columns(layers, ["layer", "element", "score"], where="plot.grid")
    if ax is None:
        ax = plt.gca()
    rows = {r["element"]: r for r in layers.to_dict("records")}
    prev_scores = ({r["element"]: r["score"] for r in previous.to_dict("records")}
                   if previous is not None else {})
    order = list(GRID_LAYERS)
    extra = [lay for lay in layers["layer"].drop_duplicates() if lay not in order]
    layout = {lay: list(GRID_LAYERS.get(lay, ())) for lay in order + extra}
    for lay in layout:
        seen = layers.loc[layers["layer"] == lay, "element"].tolist()
        layout[lay] = [e for e in layout[lay] if e in seen] + [e for e in seen
                                                               if e not in layout[lay]]
    layout = {k: v for k, v in layout.items() if v}
    gap = 0.03
    fig_w = ax.figure.get_figwidth()
    axes_pt = ax.get_position().width * fig_w * 72
    bands_seen: set[str] = set()
    for y, elements in enumerate(layout.values()):
        width = 1.0 / len(elements)
        for j, element in enumerate(elements):
            r = rows[element]
            value = r.get("score")
            has = bool(r.get("has_data", True)) and value is not None and not (
                isinstance(value, float) and math.isnan(value))
            band = str(r.get("band", "")) if has else _INSUFFICIENT
            face = BAND_COLORS.get(band, "#DDDDDD")
            x0 = j * width + gap / 2
            rect = Rectangle((x0, y + gap), width - gap, 1 - 2 * gap, facecolor=face,
                             edgecolor="#555555" if not has else "white",
                             hatch=None if has else "///", linewidth=0.8,
                             gid=f"grid-{element}", **kwargs)
            ax.add_patch(rect)
            bands_seen.add(band)
            colour = BAND_TEXT.get(band, "#222222")
            cx = x0 + (width - gap) / 2
            plate = None if has else {"facecolor": "white", "edgecolor": "none", "pad": 1.5}
            name, size = _fit(i18n.translate_name(_pretty(element)), (width - gap) * axes_pt)
            ax.text(cx, y + 0.78, name, ha="center", va="center", fontsize=size,
                    color=colour, fontweight="bold", gid=f"grid-name-{element}", bbox=plate,
                    linespacing=0.9)
            if has:
                ax.text(cx, y + 0.47, f"{float(value):.0f}", ha="center", va="center",
                        fontsize=15, color=colour, gid=f"grid-score-{element}")
                note = i18n.translate_name(band)
            else:
                note = i18n.translate_name(_INSUFFICIENT)
            if prev_label is not None:
                before = prev_scores.get(element)
                if has and before is not None and not (isinstance(before, float)
                                                       and math.isnan(before)):
                    delta = float(value) - float(before)
                    arrow = "▲" if delta > 0.5 else "▼" if delta < -0.5 else "="
                    note = arrow + " " + i18n._("{change} since {previous}").format(
                        change=f"{delta:+.0f}", previous=prev_label)
                elif has:
                    note = i18n._("new since {previous}").format(previous=prev_label)
            ax.text(cx, y + (0.2 if has else 0.42), note, ha="center", va="center",
                    fontsize=6.5 if has else 7.5, color=colour, gid=f"grid-note-{element}",
                    bbox=plate)
    n = len(layout)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, n)
    ax.set_yticks(np.arange(n) + 0.5, [i18n.translate_name(_pretty(k).capitalize())
                                       for k in layout])
    ax.tick_params(axis="y", length=0)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    title = (i18n._("Community Change Grid, {period}").format(period=current)
             if current not in ("", "all") else i18n._("Community Change Grid"))
    ax.set_title(title, loc="left")
    legend = [Patch(facecolor=BAND_COLORS[b], edgecolor="#555555" if b == _INSUFFICIENT
                    else "white", hatch="///" if b == _INSUFFICIENT else None,
                    label=i18n.translate_name(b))
              for b in BAND_COLORS if b in bands_seen or b != _INSUFFICIENT]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
              frameon=False, fontsize=8, title=i18n._("score band (0-100)"), title_fontsize=8)
    return ax


def _fit(name: str, width_pt: float, *, largest: float = 8.5,
         smallest: float = 6.0) -> tuple[str, float]:
    """The element name and a font size that fit a cell ``width_pt`` points wide (bold
    DejaVu Sans is about 0.65 em a character); two-word names wrap before shrinking."""
    def size_for(text: str) -> float:
        longest = max(len(line) for line in text.split("\n"))
        return 0.88 * width_pt / (0.65 * max(longest, 1))

    if size_for(name) >= 7 or " " not in name:
        return name, float(np.clip(size_for(name), smallest, largest))
    wrapped = name.replace(" ", "\n", 1)
    return wrapped, float(np.clip(size_for(wrapped), smallest, largest))


# ------------------------------------------------------------------ trend
def _trend_table(evaluation: Any, metrics: Sequence[str]) -> pd.DataFrame:
    if isinstance(evaluation, pd.DataFrame):
        check_columns(evaluation, ["period", "metric", "value"], where="plot.trend")
        table = evaluation.copy()
    elif hasattr(evaluation, "values") and hasattr(evaluation, "periods"):
        parts = []
        for p in evaluation.periods:
            v = evaluation.values(p)
            v = v[v["section"].isin(["network", "participation", "grid", "followup"])]
            v = v.drop_duplicates("metric")
            parts.append(v.assign(period=str(p)))
        table = pd.concat(parts, ignore_index=True)
    else:
        raise TypeError(f"trend: evaluation must be an Evaluation or a DataFrame with period, "
                        f"metric, value (and low, high); got {type(evaluation).__name__}")
    for col in ("low", "high"):
        if col not in table.columns:
            table[col] = np.nan
    missing = [m for m in metrics if m not in set(table["metric"])]
    if missing:
        raise ValueError(f"metrics not found: {missing}; available are "
                         f"{sorted(set(table['metric']))[:40]}")
    return table[table["metric"].isin(metrics)]


def trend(evaluation: Evaluation | pd.DataFrame, *, metrics: Sequence[str] | None = None,
          ax: Any = None, **kwargs: Any) -> Any:
    """Metrics period by period, with their bootstrap intervals where computed.

    Parameters
    ----------
    evaluation : Evaluation or DataFrame
        :func:`peernet.evaluate` output (every number of :meth:`Evaluation.values`:
        network metrics with their bootstrap percentile intervals ``low``/``high``,
        participation, Grid element scores), or a long table ``period, metric, value``
        with optional ``low, high``.
    metrics : list of str, optional
        Default: density, largest component share, E-I index across organizations and
        reciprocity. Put metrics on one scale together (shares and indices, or Grid
        scores); call once per Axes otherwise.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to each metric's ``errorbar``.

    Returns
    -------
    matplotlib.axes.Axes
        One line per metric (gid ``"trend-<metric>"``, labelled with the metric's readable
        name), with error bars where an interval exists.

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2024", "2025"], "metric": "density",
    ...                    "value": [0.30, 0.36], "low": [0.27, 0.33], "high": [0.33, 0.39]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = pn.plot.trend(df, metrics=["density"], ax=ax)
    >>> ax.get_legend_handles_labels()[1]
    ['Density']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    metrics = list(TREND_METRICS if metrics is None else metrics)
    if isinstance(metrics, str) or not metrics:
        raise ValueError(f"metrics must be a non-empty list of metric names; got {metrics!r}")
    table = _trend_table(evaluation, metrics)
    if ax is None:
        ax = plt.gca()
    periods = list(dict.fromkeys(str(p) for p in table["period"]))
    if hasattr(evaluation, "periods"):
        periods = [str(p) for p in evaluation.periods]
    x_of = {p: i for i, p in enumerate(periods)}
    colours = _LINE_COLORS
    names = _metric_labels()
    any_interval = False
    for k, metric in enumerate(metrics):
        part = table[table["metric"] == metric]
        x = np.array([x_of[str(p)] for p in part["period"]], dtype=float)
        y = part["value"].to_numpy(dtype=float)
        lo = part["low"].to_numpy(dtype=float)
        hi = part["high"].to_numpy(dtype=float)
        offset = (k - (len(metrics) - 1) / 2) * 0.04
        has = ~np.isnan(lo) & ~np.isnan(hi)
        yerr = np.vstack([np.where(has, y - lo, np.nan), np.where(has, hi - y, np.nan)])
        any_interval |= bool(has.any())
        ax.errorbar(x + offset, y, yerr=yerr if has.any() else None, marker="o",
                    markersize=4, capsize=3, linewidth=1.4, color=colours[k % len(colours)],
                    label=i18n.translate(names.get(metric, _pretty(metric).capitalize()),
                                         record=False), gid=f"trend-{metric}",
                    **kwargs)
    ax.set_xticks(range(len(periods)), periods)
    ax.set_xlim(-0.4, len(periods) - 0.6)
    ax.set_xlabel(i18n._("period"))
    ax.set_ylabel(i18n._("value"))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8,
              title=i18n._("bars: bootstrap percentile interval\n(where one was computed)")
              if any_interval else None, title_fontsize=7, alignment="left")
    ax.set_title(i18n._("Trends"), loc="left")
    return ax


def _metric_labels() -> dict[str, str]:
    from .. import evaluation

    return {k: v[0] for k, v in getattr(evaluation, "METRICS", {}).items()}


# ------------------------------------------------------------------ roles
def _roles_table(member_metrics: Any, by: str) -> pd.DataFrame:
    from ..network import PeerNetwork

    if isinstance(member_metrics, PeerNetwork):
        from ..metrics.members import member_metrics as compute

        net = member_metrics
        mm = compute(net)
        roster = net.root.members
        if by in roster.columns and by not in mm.columns:
            mm = mm.merge(roster[["member_id", by]].drop_duplicates("member_id"),
                          on="member_id", how="left")
        active = set(net.members_active())
        return mm[mm["member_id"].isin(active)] if active else mm
    if hasattr(member_metrics, "members") and hasattr(member_metrics, "periods"):
        ev = member_metrics
        mm = ev.members[ev.members["period"] == ev.current]
        active = set(ev.slices[ev.current].members_active())
        mm = mm[mm["member_id"].isin(active)]
        roster = ev.net.members
        if by in roster.columns and by not in mm.columns:
            mm = mm.merge(roster[["member_id", by]].drop_duplicates("member_id"),
                          on="member_id", how="left")
        return mm
    if isinstance(member_metrics, pd.DataFrame):
        return member_metrics
    raise TypeError(f"roles: member_metrics must be a DataFrame from pn.member_metrics, a "
                    f"PeerNetwork or an Evaluation; got {type(member_metrics).__name__}")


def roles(member_metrics: pd.DataFrame | PeerNetwork | Evaluation, *, by: str = "org",
          ax: Any = None) -> Any:
    """Core / periphery / isolate positions and brokerage roles by organization or sector.

    Left: members of each group by network position (stacked bars). Right: each group's
    share of every Gould-Fernandez brokerage role across organizations (coordinator,
    gatekeeper, representative, consultant, liaison): a column sums to 100%, so a group
    far above its share of members brokers more than its size suggests.

    Parameters
    ----------
    member_metrics : DataFrame, PeerNetwork or Evaluation
        :func:`peernet.member_metrics` output with a ``by`` column (``org`` is there; merge
        the roster for ``sector``), or a network / evaluation to take it from (members
        active in the period; for an Evaluation, its last period).
    by : str, default "org"
        Group column (``"org"``, ``"sector"``, ``"region"``...).
    ax : pair of Axes, optional
        Two Axes to draw on (positions, brokerage); default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = pn.plot.roles(pn.load_sample("riverbend").period("2025"), by="sector")
    >>> sorted(t.get_text() for t in fig.axes[0].get_yticklabels())
    ['education', 'government', 'health', 'residents', 'social services']
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    import matplotlib.pyplot as plt

    mm = _roles_table(member_metrics, by)
    check_columns(mm, ["member_id", by, "position"], where="plot.roles")
    groups = mm[by].astype(object).where(mm[by].notna(), "(unknown)")
    counts = pd.crosstab(groups, mm["position"].astype(str))
    for p in ("core", "periphery", "isolate"):
        if p not in counts.columns:
            counts[p] = 0
    counts = counts[["core", "periphery", "isolate"]]
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    names = [i18n.translate_name(_pretty(g)) for g in counts.index]
    if ax is None:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 1.2 + 0.27 * len(names)),
                                       sharey=True, layout="constrained",
                                       gridspec_kw={"width_ratios": [1, 1.15]})
    else:
        ax1, ax2 = ax
        fig = ax1.figure
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for p in ("core", "periphery", "isolate"):
        v = counts[p].to_numpy(dtype=float)
        ax1.barh(y, v, left=left, color=POSITION_COLORS[p], label=i18n.translate_name(p),
                 height=0.72,
                 edgecolor="white", linewidth=0.5, gid=f"roles-{p}")
        left = left + v
    for yi, total in zip(y, left, strict=True):
        ax1.annotate(f"{total:.0f}", (total, yi), xytext=(3, 0), textcoords="offset points",
                     va="center", fontsize=7)
    ax1.set_yticks(y, names)
    ax1.set_xlabel(i18n._("active members"))
    ax1.set_xlim(0, max(float(left.max()) if len(left) else 1.0, 1.0) * 1.12)
    ax1.legend(loc="lower right", frameon=False, fontsize=8, title=i18n._("position"),
               title_fontsize=8)
    ax1.set_title(i18n._("Network position by {group}").format(
        group=i18n.translate_name(_BY.get(by, _pretty(by)))), loc="left")
    cols = [c for c in _ROLE_COLUMNS if c in mm.columns]
    if not names:
        for a in (ax1, ax2):
            a.text(0.5, 0.5, i18n._("no active members"), ha="center", va="center",
                   transform=a.transAxes, color="#555555", gid="roles-empty")
        ax2.set_axis_off()
    elif cols:
        sums = mm.groupby(groups)[cols].sum().reindex(counts.index).fillna(0)
        share = sums / sums.sum(axis=0).replace(0, np.nan)
        members_share = counts.sum(axis=1) / counts.to_numpy().sum()
        data = np.column_stack([members_share.to_numpy(dtype=float),
                                share.to_numpy(dtype=float)])
        im = ax2.imshow(data, aspect="auto", cmap="Blues", vmin=0,
                        vmax=max(float(np.nanmax(data)), 1e-9), origin="lower")
        im.set_gid("roles-brokerage")
        for (i, j), v in np.ndenumerate(data):
            if not np.isnan(v):
                ax2.text(j, i, percent(v), ha="center", va="center", fontsize=6.5,
                         color="white" if v > 0.6 * np.nanmax(data) else "#222222")
        ax2.set_xticks(range(len(cols) + 1),
                       [i18n._("share of\nmembers")]
                       + [i18n.translate_name(c.removeprefix("brokerage_")) for c in cols],
                       fontsize=7, rotation=30, ha="right", rotation_mode="anchor")
        ax2.axvline(0.5, color="white", linewidth=3)
        ax2.set_title(i18n._("Share of each brokerage role"), loc="left")
        # the heatmap's rows are labelled too (sharey hides them by default): a reader
        # of the right panel need not follow the rows back to the bars
        ax2.tick_params(axis="y", length=0, labelleft=True, labelsize=8)
        for side in ("top", "right", "bottom", "left"):
            ax2.spines[side].set_visible(False)
    else:
        ax2.set_axis_off()
        ax2.text(0.5, 0.5, i18n._("no brokerage columns"), ha="center", va="center",
                 transform=ax2.transAxes)
    return fig


# ------------------------------------------------------------------ figure-level
def evaluation_figure(ev: Evaluation, *, period: str | None = None) -> Any:
    """One page: the Grid with changes, participation, and network trends.

    Parameters
    ----------
    ev : Evaluation
        :func:`peernet.evaluate` output.
    period : str, optional
        Period of the Grid panel (default the last).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not (hasattr(ev, "scores") and hasattr(ev, "periods")):
        raise TypeError(f"evaluation_figure: ev must be an Evaluation; got "
                        f"{type(ev).__name__}")
    fig = plt.figure(figsize=(13, 8.5), layout="constrained")
    gs = fig.add_gridspec(2, 2, width_ratios=[1.25, 1])
    grid(ev, period=period, ax=fig.add_subplot(gs[:, 0]))
    participation(ev.participation, ax=fig.add_subplot(gs[0, 1]))
    available = set(ev.network["metric"]) if len(ev.network) else set()
    metrics = [m for m in TREND_METRICS if m in available]
    if metrics:
        trend(ev, metrics=metrics, ax=fig.add_subplot(gs[1, 1]))
    return fig


def _register() -> None:
    import sys

    from ..grid.score import GridScore

    # GridScore._repr_html_ draws its chart (``peernet.grid.score`` is shadowed by the
    # function ``score`` in ``peernet.grid``: the module is looked up by name)
    sys.modules[GridScore.__module__].CHART = grid_svg  # type: ignore[attr-defined]


_register()
