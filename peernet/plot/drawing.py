"""Drawing of the network maps (matplotlib): nodes, ties, highlights, labels and legends.

:mod:`peernet.plot.maps` decides what a map shows (:class:`MapData`: positions, categories,
sizes, ties, highlights, labels, from the metrics and the layouts); this module only draws
it, so every map (a period, several years side by side, organizations) looks the same.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

import numpy as np

from ..metrics.members import BROKER_MAX, BROKER_SHARE
from ..report import i18n
from ..report.format import decimal, percent
from ..report.i18n import N_
from .style import OKABE_ITO, UNKNOWN_COLOR, category_colors, map_categories

#: Outline style of each highlight: an outline-only marker drawn around the node.
HIGHLIGHT_STYLE: dict[str, dict[str, Any]] = {
    "brokers": {"marker": "o", "linewidth": 2.0, "linestyle": "solid", "scale": 1.7,
                "edgecolor": "#000000",
                "label": N_("broker (top {share} brokerage, at most {most})")},
    "newcomers": {"marker": "o", "linewidth": 1.1, "linestyle": (0, (2.5, 1.5)),
                  "scale": 3.2, "edgecolor": "#000000", "label": N_("newcomer (joined in period)")},
    "isolates": {"marker": "s", "linewidth": 1.1, "linestyle": "solid", "scale": 2.6,
                 "edgecolor": "#000000", "label": N_("isolate (no ties)")},
}
TITLES = {"org": "Organization", "sector": "Sector", "region": "Region",
           "language": "Language", "role": "Role", "community": "Community"}
SINGLE_COLOR = OKABE_ITO[4]
EDGE_RGB = (0.22, 0.22, 0.22)
#: Above this many ties the tie LineCollection is rasterized (an image inside the SVG/PDF at
#: the figure's dpi): 394,000 vector lines made a 10,000-member map's SVG take 50 s and
#: tens of MB. Maps of fewer ties (every sample) stay pure vector.
RASTER_TIES = 20_000
#: Above this many members the node scatter is rasterized likewise.
RASTER_NODES = 2_000
#: A highlight that would outline more members than this is not drawn; the key
#: says so instead ("newcomer (joined in period): over 1,000, not outlined").
HIGHLIGHT_MAX = 1_000


@dataclass
class MapData:
    """Everything one map draws, as arrays (geometry only)."""

    nodes: np.ndarray
    xy: np.ndarray
    category: np.ndarray | None
    size_value: np.ndarray | None
    eu: np.ndarray
    ev: np.ndarray
    ew: np.ndarray
    highlights: dict[str, np.ndarray] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    title: str = ""
    #: title of the colour legend (the attribute coloured by)
    legend_title: str = ""


# ------------------------------------------------------------------------- drawing
@dataclass
class Scale:
    size_max: float
    value_max: float
    weight_max: float
    edges: int


def scale_for(maps: Sequence[MapData]) -> Scale:
    n = max((len(m.nodes) for m in maps), default=1)
    size_max = float(np.clip(2600 / math.sqrt(max(n, 1)), 30, 320))
    vmax = max((float(m.size_value.max()) for m in maps
                if m.size_value is not None and len(m.size_value)), default=1.0)
    wmax = max((float(m.ew.max()) for m in maps if len(m.ew)), default=1.0)
    edges = max((len(m.ew) for m in maps), default=0)
    return Scale(size_max, max(vmax, 1e-9), max(wmax, 1e-9), edges)


def marker_sizes(values: np.ndarray | None, n: int, scale: Scale) -> np.ndarray:
    smin = scale.size_max / 10
    if values is None:
        return np.full(n, scale.size_max / 3)
    return smin + (scale.size_max - smin) * np.clip(values / scale.value_max, 0, 1)


def edge_style(w: np.ndarray, scale: Scale) -> tuple[np.ndarray, np.ndarray]:
    frac = np.sqrt(np.clip(w / scale.weight_max, 0, 1))
    base = min(0.5, 0.5 * math.sqrt(400 / max(scale.edges, 1)))
    return 0.25 + 2.0 * frac, base * (0.25 + 0.75 * frac)


def nice_number(x: float) -> float:
    if x <= 0:
        return 0.0
    mag = 10 ** math.floor(math.log10(x))
    for step in (1, 2, 5, 10):
        if step * mag >= x * 0.999:
            return step * mag
    return 10 * mag


def size_steps(vmax: float) -> list[float]:
    top = nice_number(vmax) if nice_number(vmax) <= vmax else nice_number(vmax / 2)
    top = max(top, 1.0)
    steps = sorted({1.0, nice_number(top / 4), top})
    return [s for s in steps if s <= vmax or s == 1.0]


def untick(ax: Any) -> None:
    """No ticks on the axes of an Axes drawn without them (``set_axis_off``): matplotlib
    still makes and measures them to place the title (a third of the time of saving a
    map). The same figure: the ticks come back when the axes are drawn after all
    (``set_axis_on``) or their formatter shows an offset or a multiplier, which can move
    a title placed at the left."""
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(_unseen_ticks()(axis.get_major_locator()))


@cache
def _unseen_ticks() -> type:
    from matplotlib.ticker import Locator

    class UnseenTicks(Locator):
        """The ticks of ``inner``, none while its axes are off and show no offset."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def __call__(self) -> Any:
            locs = self.inner()
            axis: Any = self.axis
            if getattr(axis, "axes", None) is None or axis.axes.axison:
                return locs
            formatter = axis.get_major_formatter()
            formatter.set_locs(locs)
            return locs if formatter.get_offset() else []

        def tick_values(self, vmin: float, vmax: float) -> Any:
            return self.inner.tick_values(vmin, vmax)

        def view_limits(self, vmin: float, vmax: float) -> Any:
            return self.inner.view_limits(vmin, vmax)

        def nonsingular(self, v0: float, v1: float) -> Any:
            return self.inner.nonsingular(v0, v1)

    return UnseenTicks


def draw_map(ax: Any, m: MapData, colors: Mapping[str, str] | None, scale: Scale, *,
          size_by: str | None, legend: bool, title: Any, **kwargs: Any) -> tuple[list, list]:
    from matplotlib.collections import LineCollection

    n = len(m.nodes)
    if len(m.ew):
        order = np.argsort(m.ew, kind="stable")
        segs = np.stack([m.xy[m.eu[order]], m.xy[m.ev[order]]], axis=1)
        lw, alpha = edge_style(m.ew[order], scale)
        rgba = np.zeros((len(order), 4))
        rgba[:, :3] = EDGE_RGB
        rgba[:, 3] = alpha
        lines = LineCollection(cast(Any, segs), linewidths=lw, colors=rgba, zorder=1,
                               gid="peernet-edges", capstyle="round")
        if len(order) > RASTER_TIES:
            lines.set_rasterized(True)
        ax.add_collection(lines)
    sizes = marker_sizes(m.size_value, n, scale)
    if m.category is not None and colors is not None:
        cats = map_categories(m.category, colors)
        face = np.array([colors.get(c, UNKNOWN_COLOR) for c in cats], dtype=object)
    else:
        cats = None
        face = np.full(n, SINGLE_COLOR, dtype=object)
    edge = np.where(face == UNKNOWN_COLOR, "#555555", "#FFFFFF")
    order = np.argsort(sizes, kind="stable")
    opts = {"linewidths": 0.5, "zorder": 3}
    if n > RASTER_NODES:
        opts["rasterized"] = True
    opts.update(kwargs)
    ax.scatter(m.xy[order, 0], m.xy[order, 1], s=sizes[order], c=list(face[order]),
               edgecolors=list(edge[order]), gid="peernet-nodes", **opts)
    key_handles = size_handles(scale, size_by) if m.size_value is not None else []
    from matplotlib.lines import Line2D

    for name, mask in m.highlights.items():
        style = HIGHLIGHT_STYLE.get(name, {"marker": "D", "linewidth": 1.2,
                                           "linestyle": "solid", "scale": 2.4,
                                           "edgecolor": "#000000", "label": name})
        label = (i18n._(style["label"]) if name in HIGHLIGHT_STYLE else style["label"]).format(
            share=percent(BROKER_SHARE), most=BROKER_MAX)
        if mask.sum() > HIGHLIGHT_MAX:
            # thousands of rings (the newcomers of a 100,000-member network) blacken the
            # map: say how many there are instead of outlining them
            key_handles.append(Line2D(
                [], [], marker=style["marker"], linestyle="none", markersize=9,
                markerfacecolor="none", markeredgecolor="#BBBBBB",
                markeredgewidth=style["linewidth"],
                label=i18n._("{label}: over {n}, not outlined").format(
                    label=label, n=count(HIGHLIGHT_MAX))))
        elif mask.any():
            # outlines shrink on crowded maps (above RASTER_NODES members), where hundreds
            # of full-size rings would hide the network
            crowded = n > RASTER_NODES
            ax.scatter(m.xy[mask, 0], m.xy[mask, 1],
                       s=sizes[mask] * style["scale"] + (6 if crowded else 20),
                       marker=style["marker"], facecolors="none",
                       edgecolors=style["edgecolor"],
                       linewidths=style["linewidth"] * (0.5 if crowded else 1),
                       linestyles=[style["linestyle"]], zorder=4,
                       gid=f"peernet-highlight-{name}")
            key_handles.append(_outline_key(style, label))
    if len(m.ew):
        key_handles += weight_handles(scale)
    color_handles = []
    if cats is not None:
        present = set(cats)
        color_handles = [Line2D([], [], marker="o", linestyle="none", markersize=8,
                                markerfacecolor=c,
                                markeredgecolor="#555555" if c == UNKNOWN_COLOR else "#FFFFFF",
                                label=category_label(k, colors or {}))
                         for k, c in (colors or {}).items() if k in present]
    ax.set_aspect("equal")
    ax.set_axis_off()
    untick(ax)
    if n:
        lo, hi = m.xy.min(axis=0), m.xy.max(axis=0)
        pad = 0.06 * max(float((hi - lo).max()), 1e-9) + 0.02
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    if title is not False:
        ax.set_title(m.title if title is None else title, loc="left")
    if m.labels:
        idx = sorted(m.labels)
        place_labels(ax, m.xy[idx], [m.labels[i] for i in idx], sizes[idx], fontsize=7,
                      nodes=m.xy, node_sizes=sizes)
    if legend:
        add_legends(ax, color_handles, key_handles, legend_title=m.legend_title)
    return color_handles, key_handles


def place_labels(ax: Any, xy: np.ndarray, texts: list[str], sizes: np.ndarray, *,
                  fontsize: float, wrap: int | None = None,
                  nodes: np.ndarray | None = None,
                  node_sizes: np.ndarray | None = None) -> None:
    """Print labels above their nodes, pushed apart until no two overlap and off the node
    markers (vectorised relaxation in display space), with a thin leader line when moved.

    ``nodes`` / ``node_sizes`` are every marker drawn (positions, areas in points²): they
    are obstacles a label is pushed off, unless there are too many to check cheaply."""
    import matplotlib.patheffects as pe

    if not len(texts):
        return
    if wrap:
        texts = [textwrap.fill(t, wrap) for t in texts]
    ax.apply_aspect()
    to_px = ax.transData
    anchor = to_px.transform(xy)
    scale = ax.figure.dpi / 72
    lines = np.array([t.count("\n") + 1 for t in texts], dtype=float)
    chars = np.array([max(len(x) for x in t.split("\n")) for t in texts], dtype=float)
    half_w = 0.32 * fontsize * chars * scale + 2
    half_h = 0.62 * fontsize * lines * scale + 1
    lift = (0.5 * np.sqrt(sizes) + 2) * scale
    p = anchor + np.column_stack([np.zeros(len(texts)), lift + half_h])
    k = len(texts)
    obstacles = None
    if nodes is not None and node_sizes is not None and k * len(nodes) <= 2_000_000:
        obstacles = to_px.transform(nodes)
        radius = 0.5 * np.sqrt(node_sizes) * scale + 1
    order = np.arange(k)
    steps = 300 if k <= 200 else 40
    for step in range(2 * steps):
        # first half: labels apart and off the markers; second half: labels apart only,
        # so that no two labels are left overlapping
        use_obstacles = obstacles is not None and step < steps
        dx = p[:, None, 0] - p[None, :, 0]
        dy = p[:, None, 1] - p[None, :, 1]
        ox = half_w[:, None] + half_w[None, :] - np.abs(dx)
        oy = half_h[:, None] + half_h[None, :] - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        moved = bool(hit.any())
        along_y = oy <= ox
        sy = np.where(dy == 0, np.sign(order[:, None] - order[None, :]), np.sign(dy))
        sx = np.where(dx == 0, 1.0, np.sign(dx))
        p[:, 1] += 0.5 * np.where(hit & along_y, sy * oy, 0).sum(axis=1)
        p[:, 0] += 0.5 * np.where(hit & ~along_y, sx * ox, 0).sum(axis=1)
        if use_obstacles and obstacles is not None:
            dx = p[:, None, 0] - obstacles[None, :, 0]
            dy = p[:, None, 1] - obstacles[None, :, 1]
            ox = half_w[:, None] + radius[None, :] - np.abs(dx)
            oy = half_h[:, None] + radius[None, :] - np.abs(dy)
            hit = (ox > 0) & (oy > 0)
            if hit.any():
                moved = True
                along_y = oy <= ox
                # push the label off the marker, preferring up, by the overlap (at most
                # the largest overlap per step, so crowded labels do not fly off)
                push_y = np.where(hit & along_y, np.where(dy >= 0, 1.0, -1.0) * oy, 0)
                push_x = np.where(hit & ~along_y, np.where(dx >= 0, 1.0, -1.0) * ox, 0)
                p[:, 1] += push_y[np.arange(k), np.abs(push_y).argmax(axis=1)]
                p[:, 0] += push_x[np.arange(k), np.abs(push_x).argmax(axis=1)]
        if not moved:
            break
    inv = to_px.inverted()
    # A label moved away from its node gets a thin leader line from the edge of the label's
    # box to the node (stopping 2 points short of it). All leaders are one LineCollection:
    # matplotlib's annotate() arrows clip a Bezier path against each text box at every
    # draw, 2.8 s for 250 labels saved as PNG and SVG.
    far = np.hypot(*(p - anchor).T) > lift + half_h + 4 * scale
    if far.any():
        d = anchor[far] - p[far]
        length = np.hypot(d[:, 0], d[:, 1])
        with np.errstate(divide="ignore"):
            leave = np.minimum(half_w[far] / np.abs(d[:, 0]), half_h[far] / np.abs(d[:, 1]))
        start = p[far] + d * np.clip(leave, 0, 1)[:, None]
        end = anchor[far] - d * (np.minimum(2 * scale, length) / length)[:, None]
        segs = np.stack([inv.transform(start), inv.transform(end)], axis=1)
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection(cast(Any, segs), colors="#444444", linewidths=0.5,
                                         zorder=5, gid="peernet-leaders"), autolim=False)
    where = inv.transform(p)
    stroke = [pe.withStroke(linewidth=2.2, foreground="white")]
    for i, text in enumerate(texts):
        ax.text(where[i, 0], where[i, 1], text, ha="center", va="center", fontsize=fontsize,
                zorder=5, gid="peernet-label", linespacing=0.95, path_effects=stroke)


def general(value: float) -> str:
    """``f"{value:g}"`` in the report's language (``2.5`` / ``2,5``)."""
    text = f"{value:g}"
    return text if i18n.current_language() == "en" else text.replace(".",
                                                                     i18n.decimal_symbol())


def count(value: int) -> str:
    """An integer with thousands separators in the report's language (``1,000`` /
    ``1.000``)."""
    return decimal(value, 0)


def category_label(key: str, colors: Mapping[str, str]) -> str:
    grouped = getattr(colors, "grouped", 0)
    if key == "other" and grouped:
        return i18n._("other ({n} more)").format(n=grouped)
    return str(i18n.translate_name(str(key).replace("_", " ")))


def size_handles(scale: Scale, size_by: str | None) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for v in size_steps(scale.value_max):
        s = scale.size_max / 10 + (scale.size_max - scale.size_max / 10) * min(
            v / scale.value_max, 1)
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=math.sqrt(s),
                              markerfacecolor="#BBBBBB", markeredgecolor="#777777",
                              label=i18n.ngettext("{n} tie", "{n} ties", 1 if v == 1 else 2
                                                  ).format(n=general(v))
                              if size_by == "degree"
                              else i18n._("strength {n}").format(n=general(v))))
    return handles


def weight_handles(scale: Scale) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for v in sorted({1.0, nice_number(scale.weight_max)} if scale.weight_max > 1 else {1.0}):
        lw, alpha = edge_style(np.array([min(v, scale.weight_max)]), scale)
        handles.append(Line2D([], [], color=(*EDGE_RGB, max(float(alpha[0]), 0.5)),
                              linewidth=float(lw[0]),
                              label=i18n._("tie weight {n}").format(n=general(v))))
    return handles


def add_legends(ax: Any, color_handles: list, key_handles: list, *, legend_title: str,
             ncol: int = 4) -> None:
    first = None
    if color_handles:
        first = ax.legend(handles=color_handles, title=legend_title, loc="upper left",
                          bbox_to_anchor=(1.0, 1.0), fontsize=8, title_fontsize=8,
                          frameon=False, borderaxespad=0.3)
        first.set_gid("peernet-colors")
    if key_handles:
        if first is not None:
            ax.add_artist(first)
            first.set_clip_on(False)  # add_artist clips to the axes: the legend sits outside
        key = ax.legend(handles=key_handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                        ncol=min(ncol, len(key_handles)), fontsize=8, frameon=False,
                        handletextpad=0.8, columnspacing=2.0, borderaxespad=0.2,
                        labelspacing=1.0)
        key.set_gid("peernet-key")


def _outline_key(style: Mapping[str, Any], label: str) -> Any:
    """A key entry drawn as the map draws the outline: a dashed ring is dashed in the key
    too (a Line2D marker cannot dash its edge, so the ring is drawn as a path of dashes)."""
    from matplotlib.lines import Line2D
    from matplotlib.path import Path

    marker: Any = style["marker"]
    if style["linestyle"] != "solid" and marker == "o":
        verts, codes = [], []
        for k in range(12):  # 12 dashes, each 60% of its arc
            a = np.linspace(2 * np.pi * k / 12, 2 * np.pi * (k + 0.6) / 12, 5)
            verts += list(zip(np.cos(a), np.sin(a), strict=True))
            codes += [Path.MOVETO] + [Path.LINETO] * 4
        marker = Path(verts, codes)
    return Line2D([], [], marker=marker, linestyle="none", markersize=9,
                  markerfacecolor="none", markeredgecolor=style["edgecolor"],
                  markeredgewidth=style["linewidth"], label=label)


def colors_for(universe: list, color_by: Any, palette: Mapping[str, str] | None,
                max_categories: int) -> dict[str, str] | None:
    if color_by is None:
        return None
    return category_colors(universe, max_categories=max_categories, palette=palette)


def color_title(color_by: Any) -> str:
    if isinstance(color_by, str):
        return str(i18n.translate_name(TITLES.get(color_by,
                                                  color_by.replace("_", " ").capitalize())))
    return ""
