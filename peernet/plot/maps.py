"""Network maps: people, organizations, and the same people year after year.

Every map is one ``scatter`` for the nodes and one ``LineCollection`` for the ties (plus at
most three outline-only scatters for the highlighted members), so a map of 10,000 members
draws in seconds. Positions come from :func:`peernet.plot.layout` (``layouts.py``), computed
once over the periods drawn so that the same person sits in the same place in every year's
map.

Dense graphs: peernet does not bundle edges (bundling invents paths that are not ties).
Instead every tie is drawn, the weakest first, with a line width and an opacity that grow
with the square root of its weight, and the overall opacity falls with the number of ties
(``0.5 * sqrt(400 / ties)``, at most 0.5), so strong ties and groups stay visible at
2,000 members while single weak ties fade into a light haze.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..network import PeerNetwork
from .layouts import (
    _as_graph,
    _edge_arrays,
    _org_layout,
    _periods_layout,
    _strongest_ties,
    _tie_arrays,
    layout,
)
from .style import OKABE_ITO, UNKNOWN_COLOR, category_colors, map_categories, safe_label

__all__ = ["network_map", "layout", "map_years", "org_map", "HIGHLIGHTS", "BROKER_SHARE",
           "BROKER_MAX", "HIGHLIGHT_MAX", "MAX_TIES", "ORG_LABELS"]

#: Roster attributes maps are usually coloured by (any node attribute works).
COLOR_BY = ("org", "sector", "region", "language", "role", "community")
SIZE_BY = ("degree", "strength")
#: Highlights :func:`network_map` knows by name.
HIGHLIGHTS = ("brokers", "isolates", "newcomers")
#: Brokers are the members with the most Gould-Fernandez brokerage across organizations:
#: this share of the members drawn (at least one), among those with any brokerage.
BROKER_SHARE = 0.10
#: ... and at most this many, so that a 10,000-member map marks 50 brokers, not 1,000.
BROKER_MAX = 50
#: Outline style of each highlight: an outline-only marker drawn around the node.
HIGHLIGHT_STYLE: dict[str, dict[str, Any]] = {
    "brokers": {"marker": "o", "linewidth": 2.0, "linestyle": "solid", "scale": 1.7,
                "edgecolor": "#000000",
                "label": "broker (top {share:.0%} brokerage, at most {most})"},
    "newcomers": {"marker": "o", "linewidth": 1.1, "linestyle": (0, (2.5, 1.5)),
                  "scale": 3.2, "edgecolor": "#000000", "label": "newcomer (joined in period)"},
    "isolates": {"marker": "s", "linewidth": 1.1, "linestyle": "solid", "scale": 2.6,
                 "edgecolor": "#000000", "label": "isolate (no ties)"},
}
_TITLES = {"org": "Organization", "sector": "Sector", "region": "Region",
           "language": "Language", "role": "Role", "community": "Community"}
_SINGLE_COLOR = OKABE_ITO[4]
_EDGE_RGB = (0.22, 0.22, 0.22)
#: Above this many ties the tie LineCollection is rasterized (an image inside the SVG/PDF at
#: the figure's dpi): 394,000 vector lines made a 10,000-member map's SVG take 50 s and
#: tens of MB. Maps of fewer ties (every sample) stay pure vector.
RASTER_TIES = 20_000
#: Above this many members the node scatter is rasterized likewise.
RASTER_NODES = 2_000
#: A map draws at most this many ties: the strongest ones (ties by weight, then by member
#: ids) plus every member's strongest tie, so nobody who has a tie looks isolated. The
#: title then says "M ties (strongest K drawn)". Sizes, degrees and the legend still count
#: every tie. At 10,000 members / 394,000 ties this makes the map's lines 16x fewer.
MAX_TIES = 20_000
#: A highlight that would outline more members than this is not drawn; the key
#: says so instead ("newcomer (joined in period): over 1,000, not outlined").
HIGHLIGHT_MAX = 1_000
#: An organization map names at most this many organizations by default (the largest).
ORG_LABELS = 40


# ------------------------------------------------------------------------- map data
@dataclass
class _Map:
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


def _check_color_by(color_by: Any) -> None:
    if color_by is None or isinstance(color_by, (Mapping, pd.Series, str)):
        return
    raise TypeError(f"color_by must be None, an attribute name such as {list(COLOR_BY)}, or a "
                    f"mapping member -> category; got {type(color_by).__name__}")


def _node_attr(G: nx.Graph, nodes: Sequence, attr: str) -> np.ndarray:
    data = G.nodes
    return np.array([data[n].get(attr) for n in nodes], dtype=object)


def _communities(G: nx.Graph, seed: int) -> dict[Any, str]:
    if G.number_of_edges() == 0:
        return {}
    comms = nx.community.louvain_communities(G, weight="weight", seed=seed)
    comms = sorted((sorted(c, key=str) for c in comms if len(c) > 1),
                   key=lambda c: (-len(c), str(c[0])))
    return {n: f"community {i + 1}" for i, c in enumerate(comms) for n in c}


def _color_values(src: Any, G: nx.Graph | None, nodes: Sequence, color_by: Any,
                  seed: int) -> tuple[np.ndarray | None, list]:
    """The category of each node and the values that fix the colour mapping."""
    if color_by is None:
        return None, []
    if isinstance(color_by, (Mapping, pd.Series)):
        mapping = dict(color_by.items())
        return np.array([mapping.get(n) for n in nodes], dtype=object), list(mapping.values())
    if color_by == "community":
        if G is None:
            G = _as_graph(src, "community colours")
        if any("community" in d for _, d in G.nodes(data=True)):
            values = _node_attr(G, nodes, "community")
        else:
            comm = _communities(G, seed)
            values = np.array([comm.get(n) for n in nodes], dtype=object)
        return values, list(values)
    if isinstance(src, PeerNetwork):
        roster = src.root.members
        if color_by not in roster.columns:
            raise ValueError(f"color_by={color_by!r} is not a roster column; options are "
                             f"{[c for c in COLOR_BY if c in roster.columns or c == 'community']}"
                             f" or a mapping member -> category")
        lookup = dict(zip(roster["member_id"].astype(str), roster[color_by].astype(object),
                          strict=True))
        values = np.array([lookup.get(str(n)) for n in nodes], dtype=object)
        universe = roster[color_by].astype(object).tolist()
        return _na_to_none(values), universe
    found = {k for _, d in G.nodes(data=True) for k in d}
    if color_by not in found:
        raise ValueError(f"color_by={color_by!r}: no node has that attribute; attributes on "
                         f"the nodes are {sorted(found)}")
    values = _na_to_none(_node_attr(G, nodes, color_by))
    return values, list(values)


def _na_to_none(values: np.ndarray) -> np.ndarray:
    mask = pd.isna(pd.Series(values, dtype=object)).to_numpy()
    out = values.copy()
    out[mask] = None
    return out


def _brokers(metrics: pd.DataFrame, nodes: Sequence) -> set:
    cols = [c for c in metrics.columns if c.startswith("brokerage_")]
    if not cols and "betweenness" not in metrics.columns:
        raise ValueError("highlight 'brokers' needs brokerage_* or betweenness columns in "
                         "metrics (from pn.member_metrics)")
    m = metrics[metrics["member_id"].astype(str).isin({str(n) for n in nodes})]
    total = m[cols].sum(axis=1) if cols else m["betweenness"]
    frame = pd.DataFrame({"member_id": m["member_id"].astype(str).to_numpy(),
                          "total": total.to_numpy(dtype=float)})
    frame = frame[frame["total"] > 0].sort_values(["total", "member_id"],
                                                  ascending=[False, True])
    k = min(max(1, math.ceil(BROKER_SHARE * len(m))), BROKER_MAX) if len(frame) else 0
    return set(frame["member_id"].head(k))


def _member_of(ids: np.ndarray, members: list) -> np.ndarray:
    """``np.isin`` for string ids through a hash table (numpy sorts object arrays: 75 ms
    against 3 ms for 10,000 ids)."""
    return pd.Index(ids, dtype=object).isin(members)


def _highlights(src: Any, G: nx.Graph | None, nodes: list, degree: np.ndarray, highlight: Any,
                metrics: pd.DataFrame | None) -> dict[str, np.ndarray]:
    if highlight is None:
        return {}
    if isinstance(highlight, str):
        highlight = (highlight,)
    ids = np.array([str(n) for n in nodes], dtype=object)
    out: dict[str, np.ndarray] = {}
    if isinstance(highlight, Mapping):
        for name, members in highlight.items():
            out[str(name)] = _member_of(ids, [str(x) for x in members])
        return out
    unknown = [h for h in highlight if h not in HIGHLIGHTS]
    if unknown:
        raise ValueError(f"highlight must be a subset of {list(HIGHLIGHTS)} or a mapping "
                         f"name -> members; got {unknown}")
    if isinstance(src, PeerNetwork) and src.window is None:
        # "joined in the period" needs a period: a whole network has no newcomers to show
        highlight = [h for h in highlight if h != "newcomers"]
    need_metrics = any(h in ("brokers", "newcomers") for h in highlight)
    if need_metrics and metrics is None and isinstance(src, PeerNetwork):
        from ..metrics import member_metrics

        metrics = member_metrics(src)
    for h in highlight:
        if h == "isolates":
            out[h] = degree == 0
        elif h == "brokers":
            if metrics is not None:
                out[h] = _member_of(ids, list(_brokers(metrics, nodes)))
            elif G is not None and any("broker" in d for _, d in G.nodes(data=True)):
                out[h] = np.array([bool(G.nodes[n].get("broker")) for n in nodes])
        elif h == "newcomers":
            if metrics is not None and "newcomer" in metrics.columns:
                new = metrics.loc[metrics["newcomer"].astype("boolean").fillna(False)
                                  .to_numpy(dtype=bool), "member_id"].astype(str)
                out[h] = _member_of(ids, new.to_list())
            elif G is not None and any("newcomer" in d for _, d in G.nodes(data=True)):
                out[h] = np.array([bool(G.nodes[n].get("newcomer")) for n in nodes])
    return out


def _labels(src: Any, G: nx.Graph | None, nodes: list, labels: Any, rank: np.ndarray,
            top: int = 10) -> dict[int, str]:
    if labels is None or labels is False:
        return {}
    if isinstance(labels, str):
        if labels == "all":
            chosen = list(range(len(nodes)))
        elif labels == "top":
            order = np.lexsort((np.array([str(n) for n in nodes]), -rank))
            chosen = [int(i) for i in order[:top] if rank[i] > 0]
        else:
            raise ValueError(f"labels must be None, 'top', 'all' or a list of members; got "
                             f"{labels!r}")
    else:
        wanted = {str(x) for x in labels}
        chosen = [i for i, n in enumerate(nodes) if str(n) in wanted]
    names: dict[str, Any] = {}
    if isinstance(src, PeerNetwork) and "name" in src.members.columns:
        names = dict(zip(src.members["member_id"].astype(str), src.members["name"],
                         strict=True))
    graph_name = (lambda n: None) if G is None else (lambda n: G.nodes[n].get("name"))
    return {i: safe_label(names.get(str(nodes[i]), graph_name(nodes[i])), nodes[i])
            for i in chosen}


def _prepare(src: Any, *, color_by: Any, size_by: str | None, highlight: Any, labels: Any,
             layout_: Mapping | None, seed: int, metrics: pd.DataFrame | None,
             what: str) -> tuple[_Map, list]:
    _check_color_by(color_by)
    if size_by not in (None, *SIZE_BY):
        raise ValueError(f"size_by must be one of {list(SIZE_BY)} or None; got {size_by!r}")
    gnodes, eu, ev, ew, gattrs = _tie_arrays(src, what)
    # a PeerNetwork is drawn from its ties; its networkx graph is only built when a
    # networkx-only step needs it (Louvain communities of the period)
    G = None if isinstance(src, PeerNetwork) else _as_graph(src, what)
    nodes = gnodes.tolist()
    pos = layout(src if G is None else G, seed=seed) if layout_ is None else layout_
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise ValueError(f"layout has no position for {len(missing)} node(s), e.g. "
                         f"{missing[:3]}; compute it on the whole network with "
                         f"pn.plot.layout(net) (or pass previous= to extend an old layout)")
    xy = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2)
    degree = (np.bincount(eu, minlength=len(nodes))      # a self-loop counts twice, as in
              + np.bincount(ev, minlength=len(nodes))).astype(float)  # networkx; drawn: no
    if len(ew):
        loop = eu == ev
        eu, ev, ew = eu[~loop], ev[~loop], ew[~loop]
    strength = (np.bincount(eu, weights=ew, minlength=len(nodes))
                + np.bincount(ev, weights=ew, minlength=len(nodes))) if len(nodes) else degree
    size_value = {"degree": degree, "strength": strength, None: None}[size_by]
    n_ties = len(ew)
    if n_ties > MAX_TIES:
        keep = _strongest_ties(eu, ev, ew, MAX_TIES)
        eu, ev, ew = eu[keep], ev[keep], ew[keep]
    category, universe = _color_values(src, G, nodes, color_by, seed)
    marks = _highlights(src, G, nodes, degree, highlight, metrics)
    text = _labels(src, G, nodes, labels, degree if size_value is None else size_value)
    name = gattrs.get("name") or getattr(src, "name", "")
    period = gattrs.get("period", getattr(src, "label", ""))
    head = " ".join(str(x) for x in (name, "" if period in ("all", None) else period) if x)
    title = (f"{head}: " if head else "") + (f"{len(nodes):,} members, {n_ties:,} ties")
    if len(ew) < n_ties:
        title += f"\n(strongest {len(ew):,} drawn)"
    return _Map(np.array(nodes, dtype=object), xy, category, size_value, eu, ev, ew, marks,
                text, title), universe


# ------------------------------------------------------------------------- drawing
@dataclass
class _Scale:
    size_max: float
    value_max: float
    weight_max: float
    edges: int


def _scale_for(maps: Sequence[_Map]) -> _Scale:
    n = max((len(m.nodes) for m in maps), default=1)
    size_max = float(np.clip(2600 / math.sqrt(max(n, 1)), 30, 320))
    vmax = max((float(m.size_value.max()) for m in maps
                if m.size_value is not None and len(m.size_value)), default=1.0)
    wmax = max((float(m.ew.max()) for m in maps if len(m.ew)), default=1.0)
    edges = max((len(m.ew) for m in maps), default=0)
    return _Scale(size_max, max(vmax, 1e-9), max(wmax, 1e-9), edges)


def _sizes(values: np.ndarray | None, n: int, scale: _Scale) -> np.ndarray:
    smin = scale.size_max / 10
    if values is None:
        return np.full(n, scale.size_max / 3)
    return smin + (scale.size_max - smin) * np.clip(values / scale.value_max, 0, 1)


def _edge_style(w: np.ndarray, scale: _Scale) -> tuple[np.ndarray, np.ndarray]:
    frac = np.sqrt(np.clip(w / scale.weight_max, 0, 1))
    base = min(0.5, 0.5 * math.sqrt(400 / max(scale.edges, 1)))
    return 0.25 + 2.0 * frac, base * (0.25 + 0.75 * frac)


def _nice(x: float) -> float:
    if x <= 0:
        return 0.0
    mag = 10 ** math.floor(math.log10(x))
    for step in (1, 2, 5, 10):
        if step * mag >= x * 0.999:
            return step * mag
    return 10 * mag


def _size_steps(vmax: float) -> list[float]:
    top = _nice(vmax) if _nice(vmax) <= vmax else _nice(vmax / 2)
    top = max(top, 1.0)
    steps = sorted({1.0, _nice(top / 4), top})
    return [s for s in steps if s <= vmax or s == 1.0]


def _draw(ax: Any, m: _Map, colors: Mapping[str, str] | None, scale: _Scale, *,
          size_by: str | None, legend: bool, title: Any, **kwargs: Any) -> tuple[list, list]:
    from matplotlib.collections import LineCollection

    n = len(m.nodes)
    if len(m.ew):
        order = np.argsort(m.ew, kind="stable")
        segs = np.stack([m.xy[m.eu[order]], m.xy[m.ev[order]]], axis=1)
        lw, alpha = _edge_style(m.ew[order], scale)
        rgba = np.zeros((len(order), 4))
        rgba[:, :3] = _EDGE_RGB
        rgba[:, 3] = alpha
        lines = LineCollection(segs, linewidths=lw, colors=rgba, zorder=1,
                               gid="peernet-edges", capstyle="round")
        if len(order) > RASTER_TIES:
            lines.set_rasterized(True)
        ax.add_collection(lines)
    sizes = _sizes(m.size_value, n, scale)
    if m.category is not None and colors is not None:
        cats = map_categories(m.category, colors)
        face = np.array([colors.get(c, UNKNOWN_COLOR) for c in cats], dtype=object)
    else:
        cats = None
        face = np.full(n, _SINGLE_COLOR, dtype=object)
    edge = np.where(face == UNKNOWN_COLOR, "#555555", "#FFFFFF")
    order = np.argsort(sizes, kind="stable")
    opts = {"linewidths": 0.5, "zorder": 3}
    if n > RASTER_NODES:
        opts["rasterized"] = True
    opts.update(kwargs)
    ax.scatter(m.xy[order, 0], m.xy[order, 1], s=sizes[order], c=list(face[order]),
               edgecolors=list(edge[order]), gid="peernet-nodes", **opts)
    key_handles = _size_handles(scale, size_by) if m.size_value is not None else []
    from matplotlib.lines import Line2D

    for name, mask in m.highlights.items():
        style = HIGHLIGHT_STYLE.get(name, {"marker": "D", "linewidth": 1.2,
                                           "linestyle": "solid", "scale": 2.4,
                                           "edgecolor": "#000000", "label": name})
        label = style["label"].format(share=BROKER_SHARE, most=BROKER_MAX)
        if mask.sum() > HIGHLIGHT_MAX:
            # thousands of rings (the newcomers of a 100,000-member network) blacken the
            # map: say how many there are instead of outlining them
            key_handles.append(Line2D(
                [], [], marker=style["marker"], linestyle="none", markersize=9,
                markerfacecolor="none", markeredgecolor="#BBBBBB",
                markeredgewidth=style["linewidth"],
                label=f"{label}: over {HIGHLIGHT_MAX:,}, not outlined"))
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
            key_handles.append(Line2D(
                [], [], marker=style["marker"], linestyle="none", markersize=9,
                markerfacecolor="none", markeredgecolor=style["edgecolor"],
                markeredgewidth=style["linewidth"], label=label))
    if len(m.ew):
        key_handles += _weight_handles(scale)
    color_handles = []
    if cats is not None:
        present = set(cats)
        color_handles = [Line2D([], [], marker="o", linestyle="none", markersize=8,
                                markerfacecolor=c,
                                markeredgecolor="#555555" if c == UNKNOWN_COLOR else "#FFFFFF",
                                label=_category_label(k, colors))
                         for k, c in colors.items() if k in present]
    ax.set_aspect("equal")
    ax.set_axis_off()
    if n:
        lo, hi = m.xy.min(axis=0), m.xy.max(axis=0)
        pad = 0.06 * max(float((hi - lo).max()), 1e-9) + 0.02
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    if title is not False:
        ax.set_title(m.title if title is None else title, loc="left")
    if m.labels:
        idx = sorted(m.labels)
        _place_labels(ax, m.xy[idx], [m.labels[i] for i in idx], sizes[idx], fontsize=7,
                      nodes=m.xy, node_sizes=sizes)
    if legend:
        _legends(ax, color_handles, key_handles, legend_title=_legend_title(m))
    return color_handles, key_handles


def _place_labels(ax: Any, xy: np.ndarray, texts: list[str], sizes: np.ndarray, *,
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
        if use_obstacles:
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

        ax.add_collection(LineCollection(segs, colors="#444444", linewidths=0.5, zorder=5,
                                         gid="peernet-leaders"), autolim=False)
    where = inv.transform(p)
    stroke = [pe.withStroke(linewidth=2.2, foreground="white")]
    for i, text in enumerate(texts):
        ax.text(where[i, 0], where[i, 1], text, ha="center", va="center", fontsize=fontsize,
                zorder=5, gid="peernet-label", linespacing=0.95, path_effects=stroke)


def _category_label(key: str, colors: Mapping[str, str]) -> str:
    grouped = getattr(colors, "grouped", 0)
    if key == "other" and grouped:
        return f"other ({grouped} more)"
    return str(key).replace("_", " ")


def _legend_title(m: _Map) -> str:
    return getattr(m, "_color_title", "")


def _size_handles(scale: _Scale, size_by: str | None) -> list:
    from matplotlib.lines import Line2D

    handles = []
    word = "ties" if size_by == "degree" else "strength"
    for v in _size_steps(scale.value_max):
        s = scale.size_max / 10 + (scale.size_max - scale.size_max / 10) * min(
            v / scale.value_max, 1)
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=math.sqrt(s),
                              markerfacecolor="#BBBBBB", markeredgecolor="#777777",
                              label=f"{v:g} {word if v != 1 else 'tie'}" if size_by == "degree"
                              else f"{word} {v:g}"))
    return handles


def _weight_handles(scale: _Scale) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for v in sorted({1.0, _nice(scale.weight_max)} if scale.weight_max > 1 else {1.0}):
        lw, alpha = _edge_style(np.array([min(v, scale.weight_max)]), scale)
        handles.append(Line2D([], [], color=(*_EDGE_RGB, max(float(alpha[0]), 0.5)),
                              linewidth=float(lw[0]), label=f"tie weight {v:g}"))
    return handles


def _legends(ax: Any, color_handles: list, key_handles: list, *, legend_title: str,
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


def _colors_for(universe: list, color_by: Any, palette: Mapping[str, str] | None,
                max_categories: int) -> dict[str, str] | None:
    if color_by is None:
        return None
    return category_colors(universe, max_categories=max_categories, palette=palette)


# ------------------------------------------------------------------------- public maps
def network_map(net_or_G: PeerNetwork | nx.Graph, *, color_by: Any = "org",
                size_by: str | None = "degree",
                highlight: Iterable[str] | Mapping[str, Iterable] | None = HIGHLIGHTS,
                labels: str | Iterable | None = None, layout: Mapping | None = None,
                seed: int = 0, metrics: pd.DataFrame | None = None,
                palette: Mapping[str, str] | None = None, max_categories: int = 10,
                legend: bool = True, title: str | None | bool = None, ax: Any = None,
                **kwargs: Any) -> Any:
    """Map of the people in a network (or one period of it) and their ties.

    One marker per member in the period (everyone :func:`peernet.person_graph` returns:
    the members active in the window and everyone they are tied to), isolates included; one
    line per tie, wider and darker the stronger it is.

    Parameters
    ----------
    net_or_G : PeerNetwork or networkx.Graph
        A network or a period of it (``net.period("2025")``), or a person graph.
    color_by : {"org", "sector", "region", "language", "role", "community"}, mapping or None
        Node colour. Categories get colours from a mapping sorted by name, built from the
        *whole* roster (``net.root``) so an organization keeps its colour in every period;
        above ``max_categories`` the largest keep a colour and the rest are "other"; a
        missing value is "unknown" (white). ``"community"`` uses Louvain communities
        (``seed``) of the graph drawn. A mapping ``member -> category`` colours by anything.
    size_by : {"degree", "strength"} or None, default "degree"
        Marker area grows linearly with the member's degree (people tied to) or strength
        (sum of tie weights).
    highlight : iterable of {"brokers", "isolates", "newcomers"}, mapping, or None
        Members drawn with an extra outline, named in the key: brokers (thick black
        circle: the top 10% of members, at most 50, by Gould-Fernandez brokerage across
        organizations, from :func:`peernet.member_metrics`), newcomers (dashed outer
        circle: joined in the period; none for a whole, unsliced network), isolates
        (square: no tie in the period). A mapping ``name -> members`` highlights any set.
        Above 2,000 members the outlines are drawn smaller and thinner; a highlight of more
        than 1,000 members is not outlined (the key says so). From a bare graph,
        brokers and newcomers need ``metrics=`` or ``broker`` / ``newcomer`` node
        attributes, and are skipped otherwise.
    labels : None, "top", "all" or list of members
        Names printed beside nodes: none (default), the 10 largest by ``size_by``, every
        member, or the members listed. The roster ``name`` is used, else the id; an email
        address is never printed.
    layout : mapping, optional
        Positions from :func:`layout`; pass the same one to every period's map.
    seed : int, default 0
        Seed of the layout (when ``layout`` is None) and of the communities.
    metrics : DataFrame, optional
        :func:`peernet.member_metrics` of the same period, to avoid computing it again.
    palette : mapping, optional
        Fixed colours for some categories.
    max_categories : int, default 10
        Most colour legend entries before grouping into "other".
    legend : bool, default True
        Colour legend right of the map; key (sizes, highlights, tie weights) below it.
    title : str, None or False
        Default: the network, period, members and ties.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the node ``scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        Nodes are the collection with gid ``"peernet-nodes"`` (one point per member), ties
        ``"peernet-edges"``, highlights ``"peernet-highlight-<name>"``; legends have gids
        ``"peernet-colors"`` and ``"peernet-key"``.

    Notes
    -----
    Marker area = ``s_max / 10 + 0.9 * s_max * value / value_max`` (``s_max`` falls with
    the number of members); tie width = ``0.25 + 2 * sqrt(w / w_max)`` points and opacity
    = ``base * (0.25 + 0.75 * sqrt(w / w_max))`` with ``base = min(0.5, 0.5 *
    sqrt(400 / ties))``. See ``docs/figures.md`` for how to read a map.

    References
    ----------
    Okabe, M. and Ito, K. (2008). Color Universal Design: how to make figures and
    presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
    Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach
    to brokerage in transaction networks. Sociological Methodology 19, 89-126.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> net = pn.load_sample("davis")
    >>> ax = pn.plot.network_map(net, color_by=None, labels="top", ax=ax)
    >>> nodes = next(c for c in ax.collections if c.get_gid() == "peernet-nodes")
    >>> len(nodes.get_offsets())
    18
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    m, universe = _prepare(net_or_G, color_by=color_by, size_by=size_by, highlight=highlight,
                           labels=labels, layout_=layout, seed=seed, metrics=metrics,
                           what="network_map")
    colors = _colors_for(universe, color_by, palette, max_categories)
    m._color_title = _color_title(color_by)  # type: ignore[attr-defined]
    if ax is None:
        ax = plt.gca()
    _draw(ax, m, colors, _scale_for([m]), size_by=size_by, legend=legend, title=title,
          **kwargs)
    return ax


def _color_title(color_by: Any) -> str:
    if isinstance(color_by, str):
        return _TITLES.get(color_by, color_by.replace("_", " ").capitalize())
    return ""


def map_years(net: PeerNetwork, periods: Sequence[str | PeerNetwork], *, color_by: Any = "org",
              size_by: str | None = "degree",
              highlight: Iterable[str] | Mapping[str, Iterable] | None = HIGHLIGHTS,
              labels: str | Iterable | None = None, layout: Mapping | None = None,
              seed: int = 0, palette: Mapping[str, str] | None = None,
              max_categories: int = 10, panel_size: float = 4.6,
              metrics: Mapping[str, pd.DataFrame] | None = None) -> Any:
    """Maps of several periods side by side, one layout, one shared legend.

    Every period is drawn with the same positions (one layout of the periods drawn),
    the same colours (categories of the whole roster; with ``color_by="community"`` the
    communities of the whole network's graph), the same size and tie-weight scales and the
    same axis limits, so what changes between panels is the network, not the drawing.

    Parameters
    ----------
    net : PeerNetwork
        The whole network (period labels are cut from it with ``net.period``).
    periods : list of str or PeerNetwork
        Period labels, oldest first (``["2023", "2025"]``), or slices of ``net`` (an
        evaluation's ``ev.slices``: drawn with their own windows, fiscal years included).
    color_by, size_by, highlight, labels, seed, palette, max_categories
        As in :func:`network_map`.
    layout : mapping, optional
        Default: one layout of the periods drawn, their ties summed (the same as
        ``pn.plot.layout(net.between(start of the first, end of the last), seed=seed)``
        for the members drawn), so members only active in other years take no room.
    panel_size : float, default 4.6
        Width and height of one panel in inches.
    metrics : mapping, optional
        ``{period: pn.member_metrics(net.period(period))}`` already computed (the report
        passes the evaluation's), so the highlights do not compute them again (about 2 s a
        period at 10,000 members). Default: computed when a highlight needs them.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per period; the colour legend (gid ``"peernet-colors"``) right of the
        panels and the key (``"peernet-key"``) below them.

    Examples
    --------
    >>> fig = pn.plot.map_years(pn.load_sample("riverbend"), ["2023", "2025"],
    ...                         color_by="sector")
    >>> [ax.get_title(loc="left")[:15] for ax in fig.axes]
    ['2023: 109 membe', '2025: 112 membe']
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    import matplotlib.pyplot as plt

    if not isinstance(net, PeerNetwork):
        raise TypeError(f"map_years: net must be a PeerNetwork; got {type(net).__name__}")
    if isinstance(periods, str) or not len(periods):
        raise ValueError(f"periods must be a non-empty list of period labels such as "
                         f"['2024', '2025']; got {periods!r}")
    root = net.root
    # slices are drawn as they are (their own windows); labels are cut in net's calendar
    slices = [p if isinstance(p, PeerNetwork) else net.period(p) for p in periods]
    L = layout if layout is not None else _periods_layout(slices, seed)
    colour_arg = color_by
    if color_by == "community":
        colour_arg = _communities(_as_graph(root, "map_years"), seed)
    maps, universe = [], []
    for given, s in zip(periods, slices, strict=True):
        p = given if isinstance(given, str) else s.label
        m, uni = _prepare(s, color_by=colour_arg, size_by=size_by,
                          highlight=highlight, labels=labels, layout_=L, seed=seed,
                          metrics=None if metrics is None else metrics.get(p),
                          what="map_years")
        m.title = f"{p}: " + m.title.split(": ", 1)[-1]
        maps.append(m)
        universe = uni
    colors = _colors_for(universe, color_by, palette, max_categories)
    scale = _scale_for(maps)
    allxy = np.concatenate([m.xy for m in maps]).reshape(-1, 2)  # drawn in some panel
    lo, hi = (allxy.min(axis=0), allxy.max(axis=0)) if len(allxy) else (np.zeros(2),
                                                                          np.ones(2))
    pad = 0.05 * float((hi - lo).max()) + 0.02
    span = hi - lo + 2 * pad
    aspect = float(np.clip(span[1] / max(span[0], 1e-9), 0.6, 1.5))
    fig, axes = plt.subplots(1, len(periods), figsize=(panel_size * len(periods) + 1.8,
                                                       panel_size * aspect + 1.1),
                             layout="constrained", squeeze=False)
    colour_handles: dict[str, Any] = {}
    key_handles: dict[str, Any] = {}
    for ax, m in zip(axes[0], maps, strict=True):
        ch, kh = _draw(ax, m, colors, scale, size_by=size_by, legend=False, title=None)
        colour_handles.update({h.get_label(): h for h in ch})
        key_handles.update({h.get_label(): h for h in kh})
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    if colour_handles and colors is not None:
        labels_ = [_category_label(k, colors) for k in colors]
        ordered = [colour_handles[k] for k in labels_ if k in colour_handles]
        leg = fig.legend(handles=ordered, title=_color_title(color_by),
                         loc="outside right upper", frameon=False)
        leg.set_gid("peernet-colors")
    if key_handles:
        handles = list(key_handles.values())
        leg = fig.legend(handles=handles, loc="outside lower center", frameon=False,
                         ncol=min(len(handles), 4 if len(periods) < 3 else 6))
        leg.set_gid("peernet-key")
    return fig


def org_map(net_or_G: PeerNetwork | nx.Graph, *, color_by: str | None = "sector",
            labels: bool | int = True, layout: Mapping | None = None, seed: int = 0,
            min_weight: float | None = None, palette: Mapping[str, str] | None = None,
            legend: bool = True, title: str | None | bool = None, ax: Any = None,
            **kwargs: Any) -> Any:
    """Map of the organizations: node area by active members, tie width by tie strength.

    Parameters
    ----------
    net_or_G : PeerNetwork or networkx.Graph
        A network or period (drawn from :func:`peernet.org_graph`), or an organization
        graph with node attributes ``members`` and ``sector`` and edge ``weight``.
    color_by : str or None, default "sector"
        Node attribute for the colour; with a PeerNetwork colours come from the whole
        roster's categories, as in :func:`network_map`, so sectors match the person maps.
    labels : bool or int, default True
        Print organization names (wrapped at 18 characters): True prints every name up to
        :data:`ORG_LABELS` organizations and the names of the ``ORG_LABELS`` largest (by
        active members) above that, as the title says; an int ``k`` prints the ``k``
        largest; False none. (250 names relaxed into one map overlap the title, the
        legend and each other.)
    layout : mapping, optional
        ``org -> (x, y)``; default a seeded spring layout of the organization graph,
        refined by Kamada-Kawai up to 120 organizations.
    min_weight : float, optional
        Draw only ties at least this strong (the rest are counted in the title).
    palette, legend, title, ax
        As in :func:`network_map`.
    **kwargs
        Passed to the node ``scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        One node per organization (gid ``"peernet-nodes"``), ties ``"peernet-edges"``,
        legends ``"peernet-colors"`` and ``"peernet-key"`` (org sizes and tie strengths).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = pn.plot.org_map(pn.load_sample("riverbend").period("2025"), ax=ax)
    >>> len(next(c for c in ax.collections if c.get_gid() == "peernet-nodes").get_offsets())
    25
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if isinstance(net_or_G, PeerNetwork):
        # the organization ties as arrays, as org_graph aggregates them, without building
        # the networkx graph (988,000 ties at 100,000 members)
        from ..graphs import _org_ties

        o = _org_ties(net_or_G)
        nodes = o.orgs.tolist()
        eu, ev, ew = o.a, o.b, o.weight.astype(float)
        members = o.members.astype(float)
        node_attr = {"sector": o.sector, "members": o.members}
        gname, gperiod = getattr(net_or_G, "name", "network"), net_or_G.label
    elif isinstance(net_or_G, nx.Graph):
        G = net_or_G
        names, eu, ev, ew = _edge_arrays(G)
        nodes = names.tolist()
        members = np.array([float(G.nodes[n].get("members", 1) or 0) for n in nodes])
        node_attr = {color_by: _node_attr(G, nodes, color_by)} if color_by else {}
        gname, gperiod = G.graph.get("name", ""), G.graph.get("period", "")
    else:
        raise TypeError(f"org_map: net_or_G must be a PeerNetwork or a networkx graph; got "
                        f"{type(net_or_G).__name__}")
    if layout is None:
        pos = _org_layout(nodes, eu, ev, ew, seed)
    else:
        pos = layout
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise ValueError(f"layout has no position for {len(missing)} organization(s), e.g. "
                         f"{missing[:3]}")
    hidden = 0
    if min_weight is not None:
        strong = ew >= min_weight
        hidden = int((~strong).sum())
        eu, ev, ew = eu[strong], ev[strong], ew[strong]
    n_ties = len(ew)
    if n_ties > MAX_TIES:
        keep = _strongest_ties(eu, ev, ew, MAX_TIES)
        eu, ev, ew = eu[keep], ev[keep], ew[keep]
    xy = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2)
    m = _Map(np.array(nodes, dtype=object), xy, None, members, eu, ev, ew)
    colors = None
    if color_by is not None:
        found = node_attr.get(color_by)
        values = _na_to_none(np.array([None] * len(nodes), dtype=object) if found is None
                             else np.asarray(found, dtype=object))
        universe = list(values)
        if isinstance(net_or_G, PeerNetwork) and color_by in net_or_G.root.members.columns:
            universe = net_or_G.root.members[color_by].astype(object).tolist()
        m.category = values
        colors = category_colors(universe, palette=palette)
    if ax is None:
        ax = plt.gca()
    scale = _Scale(size_max=float(np.clip(3500 / math.sqrt(max(len(nodes), 1)), 120, 1000)),
                   value_max=max(float(members.max()) if len(members) else 1.0, 1.0),
                   weight_max=max(float(m.ew.max()) if len(m.ew) else 1.0, 1e-9),
                   edges=min(len(m.ew), 400))
    if isinstance(labels, bool) or labels is None:
        k = (len(nodes) if len(nodes) <= ORG_LABELS else ORG_LABELS) if labels else 0
    elif isinstance(labels, (int, np.integer)) and labels >= 0:
        k = min(int(labels), len(nodes))
    else:
        raise ValueError(f"labels must be True, False or a number of organizations; got "
                         f"{labels!r}")
    named = np.lexsort((np.array([str(n) for n in nodes], dtype=object), -members))[:k]
    name, period = gname, gperiod
    notes = ([f"ties under {min_weight:g} hidden: {hidden:,}"] if hidden else []) \
        + ([f"strongest {len(ew):,} drawn"] if len(ew) < n_ties else []) \
        + ([f"largest {k} named"] if 0 < k < len(nodes) else [])
    auto = (f"{name} {period if period != 'all' else ''}".strip() + ": organizations, "
            f"{len(nodes):,} orgs, {n_ties:,} ties"
            + (f"\n({'; '.join(notes)})" if notes else ""))
    color_handles, _ = _draw(ax, m, colors, scale, size_by="members", legend=False,
                             title=auto if title is None else title, **kwargs)
    if not nodes:
        ax.text(0.5, 0.5, "no organizations: the roster has no 'org' for the members "
                "active here", ha="center", va="center", transform=ax.transAxes,
                fontsize=8, color="#555555", gid="peernet-empty")
    if k:
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.06 * (hi - lo))
        sizes = _sizes(members, len(nodes), scale)
        named = np.sort(named)
        _place_labels(ax, xy[named], [str(nodes[i]) for i in named], sizes[named],
                      fontsize=6.5, wrap=18, nodes=xy, node_sizes=sizes)
    if legend:
        key = []
        for v in _size_steps(scale.value_max):
            s = scale.size_max / 10 + 0.9 * scale.size_max * min(v / scale.value_max, 1)
            key.append(Line2D([], [], marker="o", linestyle="none", markersize=math.sqrt(s),
                              markerfacecolor="#BBBBBB", markeredgecolor="#777777",
                              label=f"{v:g} active member{'s' if v != 1 else ''}"))
        if len(m.ew):
            for v in sorted({_nice(scale.weight_max / 10), _nice(scale.weight_max)}):
                lw, alpha = _edge_style(np.array([min(v, scale.weight_max)]), scale)
                key.append(Line2D([], [], color=(*_EDGE_RGB, max(float(alpha[0]), 0.5)),
                                  linewidth=float(lw[0]), label=f"{v:g} interactions + "
                                  "shared events"))
        _legends(ax, color_handles, key, legend_title=_color_title(color_by), ncol=2)
    return ax
