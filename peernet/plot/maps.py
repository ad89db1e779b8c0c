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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..metrics.members import BROKER_MAX, BROKER_SHARE, member_metrics, top_brokers
from ..metrics.structure import communities
from ..network import PeerNetwork
from ..privacy import MIN_GROUP_SIZE
from ..report import i18n
from ..ties import org_ties
from .drawing import (
    EDGE_RGB,
    HIGHLIGHT_MAX,
    MapData,
    Scale,
    add_legends,
    category_label,
    color_title,
    colors_for,
    count,
    draw_map,
    edge_style,
    general,
    marker_sizes,
    nice_number,
    place_labels,
    scale_for,
    size_steps,
)
from .layouts import (
    _as_graph,
    _edge_arrays,
    _org_layout,
    _strongest_ties,
    _tie_arrays,
    layout,
    periods_layout,
)
from .style import category_colors, safe_label

__all__ = ["network_map", "layout", "map_years", "org_map", "HIGHLIGHTS", "BROKER_SHARE",
           "BROKER_MAX", "HIGHLIGHT_MAX", "MAX_TIES", "ORG_LABELS"]

#: Roster attributes maps are usually coloured by (any node attribute works).
COLOR_BY = ("org", "sector", "region", "language", "role", "community")
SIZE_BY = ("degree", "strength")
#: Highlights :func:`network_map` knows by name.
HIGHLIGHTS = ("brokers", "isolates", "newcomers")
#: A map draws at most this many ties: the strongest ones (ties by weight, then by member
#: ids) plus every member's strongest tie, so nobody who has a tie looks isolated. The
#: title then says "M ties (strongest K drawn)". Sizes, degrees and the legend still count
#: every tie. At 10,000 members / 394,000 ties this makes the map's lines 16x fewer.
MAX_TIES = 20_000
#: An organization map names at most this many organizations by default (the largest).
ORG_LABELS = 40


# ------------------------------------------------------------------------- map data
def _check_color_by(color_by: Any) -> None:
    if color_by is None or isinstance(color_by, (Mapping, pd.Series, str)):
        return
    raise TypeError(f"color_by must be None, an attribute name such as {list(COLOR_BY)}, or a "
                    f"mapping member -> category; got {type(color_by).__name__}")


def _node_attr(G: nx.Graph, nodes: Sequence, attr: str) -> np.ndarray:
    data = G.nodes
    return np.array([data[n].get(attr) for n in nodes], dtype=object)


def _communities(src: PeerNetwork | nx.Graph, seed: int) -> dict[Any, str]:
    """"community k" of each member in a community of 2+: the ``communities`` metric's."""
    comm = communities(src, seed=seed).dropna()
    return {n: f"community {int(k)}" for n, k in comm.items()}


def _color_values(src: Any, G: nx.Graph | None, nodes: Sequence, color_by: Any,
                  seed: int) -> tuple[np.ndarray | None, list]:
    """The category of each node and the values that fix the colour mapping."""
    if color_by is None:
        return None, []
    if isinstance(color_by, (Mapping, pd.Series)):
        mapping = dict(color_by.items())
        return np.array([mapping.get(n) for n in nodes], dtype=object), list(mapping.values())
    if color_by == "community":
        if G is not None and any("community" in d for _, d in G.nodes(data=True)):
            values = _node_attr(G, nodes, "community")
        else:
            comm = _communities(src if G is None else G, seed)
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
    assert G is not None   # only a PeerNetwork comes without a graph
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
        metrics = member_metrics(src)
    for h in highlight:
        if h == "isolates":
            out[h] = degree == 0
        elif h == "brokers":
            if metrics is not None:
                out[h] = _member_of(ids, top_brokers(metrics, nodes))
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
             what: str, ties: str = "all") -> tuple[MapData, list]:
    _check_color_by(color_by)
    if size_by not in (None, *SIZE_BY):
        raise ValueError(f"size_by must be one of {list(SIZE_BY)} or None; got {size_by!r}")
    gnodes, eu, ev, ew, gattrs = _tie_arrays(src, what, ties)
    # a PeerNetwork is drawn from its ties (no networkx graph is built); a graph as given
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
    noun = {"all": i18n._("ties"), "direct": i18n._("direct ties"),
            "coattendance": i18n._("co-attendance ties")}[ties]
    title = (f"{head}: " if head else "") + i18n._("{members} members, {ties} {noun}").format(
        members=count(len(nodes)), ties=count(n_ties), noun=noun)
    if len(ew) < n_ties:
        title += "\n" + i18n._("(strongest {n} drawn)").format(n=count(len(ew)))
    return MapData(np.array(nodes, dtype=object), xy, category, size_value, eu, ev, ew, marks,
                text, title), universe


# ------------------------------------------------------------------------- public maps
def network_map(net_or_G: PeerNetwork | nx.Graph, *, color_by: Any = "org",
                size_by: str | None = "degree",
                highlight: Iterable[str] | Mapping[str, Iterable] | None = HIGHLIGHTS,
                labels: str | Iterable | None = None, layout: Mapping | None = None,
                seed: int = 0, metrics: pd.DataFrame | None = None,
                palette: Mapping[str, str] | None = None, max_categories: int = 10,
                legend: bool = True, title: str | None | bool = None, ties: str = "all",
                ax: Any = None, **kwargs: Any) -> Any:
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
    ties : {"all", "direct", "coattendance"}, default "all"
        The lines drawn from a PeerNetwork: every tie, the direct ones (one member acted
        towards another: messages, calls, contacts, help, ...), or co-attendance alone
        (sat in the same meeting). Members are the same in every case. A graph is drawn
        as given (``"all"`` only).
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
                           what="network_map", ties=ties)
    colors = colors_for(universe, color_by, palette, max_categories)
    m.legend_title = color_title(color_by)
    if ax is None:
        ax = plt.gca()
    draw_map(ax, m, colors, scale_for([m]), size_by=size_by, legend=legend, title=title,
          **kwargs)
    return ax


def map_years(net: PeerNetwork, periods: Sequence[str | PeerNetwork], *, color_by: Any = "org",
              size_by: str | None = "degree",
              highlight: Iterable[str] | Mapping[str, Iterable] | None = HIGHLIGHTS,
              labels: str | Iterable | None = None, layout: Mapping | None = None,
              seed: int = 0, palette: Mapping[str, str] | None = None,
              max_categories: int = 10, panel_size: float = 4.6,
              metrics: Mapping[str, pd.DataFrame] | None = None, ties: str = "all") -> Any:
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
    ties : {"all", "direct", "coattendance"}, default "all"
        The ties drawn, as in :func:`network_map` (the layout is the same whichever).

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
    L = layout if layout is not None else periods_layout(slices, seed)
    colour_arg = color_by
    if color_by == "community":
        colour_arg = _communities(root, seed)
    maps, universe = [], []
    for given, s in zip(periods, slices, strict=True):
        p = given if isinstance(given, str) else s.label
        m, uni = _prepare(s, color_by=colour_arg, size_by=size_by,
                          highlight=highlight, labels=labels, layout_=L, seed=seed,
                          metrics=None if metrics is None else metrics.get(p),
                          what="map_years", ties=ties)
        m.title = f"{p}: " + m.title.split(": ", 1)[-1]
        maps.append(m)
        universe = uni
    colors = colors_for(universe, color_by, palette, max_categories)
    scale = scale_for(maps)
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
        ch, kh = draw_map(ax, m, colors, scale, size_by=size_by, legend=False, title=None)
        colour_handles.update({h.get_label(): h for h in ch})
        key_handles.update({h.get_label(): h for h in kh})
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    if colour_handles and colors is not None:
        labels_ = [category_label(k, colors) for k in colors]
        ordered = [colour_handles[k] for k in labels_ if k in colour_handles]
        leg = fig.legend(handles=ordered, title=color_title(color_by),
                         loc="outside right upper", frameon=False)
        leg.set_gid("peernet-colors")
    if key_handles:
        handles = list(key_handles.values())
        leg = fig.legend(handles=handles, loc="outside lower center", frameon=False,
                         ncol=min(len(handles), 4 if len(periods) < 3 else 6))
        leg.set_gid("peernet-key")
    return fig


def _small_orgs_together(G: nx.Graph, min_group_size: int) -> nx.Graph:
    """An organization graph with the nodes of fewer than ``min_group_size`` ``members`` as
    one node, "other small organizations" (members, tie weights and counts summed)."""
    from ..report.protect import OTHER

    small = {n for n, d in G.nodes(data=True) if float(d.get("members", 0) or 0)
             < min_group_size}
    if not small:
        return G
    other = OTHER["org"]
    H = nx.Graph(**G.graph)
    for n, d in G.nodes(data=True):
        if n not in small:
            H.add_node(n, **d)
    H.add_node(other, members=sum(int(G.nodes[n].get("members", 0) or 0) for n in small))
    for u, v, d in G.edges(data=True):
        a, b = (other if u in small else u), (other if v in small else v)
        if a == b:
            continue
        e = H.get_edge_data(a, b)
        if e is None:
            H.add_edge(a, b, **{k: d[k] for k in ("weight", "count", "ties") if k in d})
        else:
            for k in ("weight", "count", "ties"):
                if k in d:
                    e[k] = e.get(k, 0) + d[k]
    return H


def org_map(net_or_G: PeerNetwork | nx.Graph, *, color_by: str | None = "sector",
            labels: bool | int = True, layout: Mapping | None = None, seed: int = 0,
            min_weight: float | None = None, palette: Mapping[str, str] | None = None,
            legend: bool = True, title: str | None | bool = None, ax: Any = None,
            min_group_size: int | None = MIN_GROUP_SIZE, **kwargs: Any) -> Any:
    """Map of the organizations: node area by active members, tie width by tie strength.

    Organizations of fewer than ``min_group_size`` members are drawn as one, "other small
    organizations", and never named (the report's small-group rule, docs/privacy.md).

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
    min_group_size : int or None, default :data:`peernet.privacy.MIN_GROUP_SIZE` (5)
        Organizations of fewer members are drawn together as one node, "other small
        organizations" (:func:`peernet.report.protect.small_groups_together`): members on the
        roster during the period for a PeerNetwork, the ``members`` node attribute for a
        graph. The default follows :func:`peernet.report`'s ``min_group_size``; ``None``
        (or 0) draws and names every organization, like the report's ``pseudonymize=False``:
        for people entitled to see small groups only.
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
    >>> nodes = next(c for c in ax.collections if c.get_gid() == "peernet-nodes")
    >>> len(nodes.get_offsets())   # 13 organizations of 5 members or more, and the others
    14
    >>> ax.clear()
    >>> ax = pn.plot.org_map(pn.load_sample("riverbend").period("2025"), ax=ax,
    ...                      min_group_size=None)   # every organization, named
    >>> len(next(c for c in ax.collections if c.get_gid() == "peernet-nodes").get_offsets())
    25
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if min_group_size is not None and (isinstance(min_group_size, bool) or not isinstance(
            min_group_size, (int, np.integer)) or min_group_size < 0):
        raise ValueError(f"min_group_size must be a number of members >= 0 or None; got "
                         f"{min_group_size!r}")
    if isinstance(net_or_G, PeerNetwork):
        from ..report.protect import small_groups_together

        if min_group_size:   # the one small-group policy: small organizations as one
            net_or_G = small_groups_together(net_or_G, [net_or_G], int(min_group_size))
        # the organization ties as arrays, as org_graph aggregates them, without building
        # the networkx graph (988,000 ties at 100,000 members)
        o = org_ties(net_or_G)
        nodes = o.orgs.tolist()
        eu, ev, ew = o.a, o.b, o.weight.astype(float)
        members = o.members.astype(float)
        node_attr = {"sector": o.sector, "members": o.members}
        gname, gperiod = getattr(net_or_G, "name", "network"), net_or_G.label
    elif isinstance(net_or_G, nx.Graph):
        G = _small_orgs_together(net_or_G, min_group_size) if min_group_size else net_or_G
        names, eu, ev, ew = _edge_arrays(G)
        nodes = names.tolist()
        members = np.array([float(G.nodes[n].get("members", 1) or 0) for n in nodes])
        node_attr = {color_by: _node_attr(G, nodes, color_by)} if color_by else {}
        gname, gperiod = G.graph.get("name", ""), G.graph.get("period", "")
    else:
        raise TypeError(f"org_map: net_or_G must be a PeerNetwork or a networkx graph; got "
                        f"{type(net_or_G).__name__}")
    pos: Mapping[Any, Any]
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
    m = MapData(np.array(nodes, dtype=object), xy, None, members, eu, ev, ew)
    colors = None
    if color_by is not None:
        found = node_attr.get(color_by)
        values = _na_to_none(np.array([None] * len(nodes), dtype=object) if found is None
                             else np.asarray(found, dtype=object))
        from ..report.protect import OTHER

        if OTHER["org"] in nodes and color_by != "org":  # a mix of groups: not one colour
            values[nodes.index(OTHER["org"])] = None
        universe = list(values)
        if isinstance(net_or_G, PeerNetwork) and color_by in net_or_G.root.members.columns:
            universe = net_or_G.root.members[color_by].astype(object).tolist()
        m.category = values
        colors = category_colors(universe, palette=palette)
    if ax is None:
        ax = plt.gca()
    scale = Scale(size_max=float(np.clip(3500 / math.sqrt(max(len(nodes), 1)), 120, 1000)),
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
    notes = ([i18n._("ties under {weight} hidden: {n}").format(
                 weight=general(min_weight or 0), n=count(hidden))] if hidden else []) \
        + ([i18n._("strongest {n} drawn").format(n=count(len(ew)))] if len(ew) < n_ties
           else []) \
        + ([i18n._("largest {k} named").format(k=k)] if 0 < k < len(nodes) else [])
    auto = (i18n._("{head}: organizations, {orgs} orgs, {ties} ties").format(
                head=f"{name} {period if period != 'all' else ''}".strip(),
                orgs=count(len(nodes)), ties=count(n_ties))
            + (f"\n({'; '.join(notes)})" if notes else ""))
    color_handles, _ = draw_map(ax, m, colors, scale, size_by="members", legend=False,
                             title=auto if title is None else title, **kwargs)
    if not nodes:
        ax.text(0.5, 0.5, i18n._("no organizations: the roster has no 'org' for the members "
                                 "active here"), ha="center", va="center", transform=ax.transAxes,
                fontsize=8, color="#555555", gid="peernet-empty")
    if legend:
        key = []
        for v in size_steps(scale.value_max):
            s = scale.size_max / 10 + 0.9 * scale.size_max * min(v / scale.value_max, 1)
            key.append(Line2D([], [], marker="o", linestyle="none", markersize=math.sqrt(s),
                              markerfacecolor="#BBBBBB", markeredgecolor="#777777",
                              label=i18n.ngettext("{n} active member", "{n} active members",
                                                  1 if v == 1 else 2).format(n=general(v))))
        if len(m.ew):
            for v in sorted({nice_number(scale.weight_max / 10), nice_number(scale.weight_max)}):
                lw, alpha = edge_style(np.array([min(v, scale.weight_max)]), scale)
                key.append(Line2D([], [], color=(*EDGE_RGB, max(float(alpha[0]), 0.5)),
                                  linewidth=float(lw[0]),
                                  label=i18n._("{n} interactions + shared events").format(
                                      n=general(v))))
        add_legends(ax, color_handles, key, legend_title=color_title(color_by), ncol=2)
    if k:
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.06 * (hi - lo))
        sizes = marker_sizes(members, len(nodes), scale)
        named = np.sort(named)
        # labels are placed in display space: lay the figure out first (legends, a
        # constrained layout), or the axes shrink afterwards and the labels overlap;
        # without a layout engine or a locator only the axes' aspect moves them, which
        # place_labels applies (a draw fewer: the report's organization map)
        if ax.get_figure(root=True).get_layout_engine() is not None \
                or ax.get_axes_locator() is not None:
            ax.figure.draw_without_rendering()
        place_labels(ax, xy[named], [str(i18n.translate_name(str(nodes[i]))) for i in named],
                     sizes[named], fontsize=6.5, wrap=18, nodes=xy, node_sizes=sizes)
    return ax
