"""The report's network files and its interactive map.

A report folder carries the networks of the periods it compares, for Gephi, Cytoscape or
yEd (``networks/<period>.gexf`` and ``.graphml``, written by :func:`peernet.export`), and an
interactive map (``interactive_map.html``, :func:`peernet.plot.interactive_map`) with the
same positions, colours and sizes as the static maps, which stay for print. Both are
pseudonymised unless the report is made with names, with the same pseudonyms.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .i18n import N_

__all__ = ["write_networks", "write_interactive_map", "too_large", "NETWORKS", "INTERACTIVE",
           "MAX_FILE_TIES", "MAX_MAP_MEMBERS", "MAX_MAP_TIES", "MAX_STATIC_MAP_MEMBERS"]

#: Subfolder of the network files and file name of the interactive map.
NETWORKS = "networks"
INTERACTIVE = "interactive_map.html"
#: Largest person graph (ties of one period) the report writes as GEXF/GraphML files: at
#: 200,000 ties the two files of a period are about 45 MB and take a minute to write and
#: scrub; larger networks are exported on purpose with :func:`peernet.export`.
MAX_FILE_TIES = 100_000
#: Largest period the interactive map draws: a browser lays out and hovers a few thousand
#: circles; 10,000 members and 400,000 lines are a page nobody can read (and 2 MB of data
#: already at 2,000 members).
MAX_MAP_MEMBERS = 2_000
MAX_MAP_TIES = 50_000
#: Largest period the report's static person maps draw (the direct and co-attendance maps
#: and the small multiples): at 100,000 people a map is a grey disc whose layout alone took
#: a minute of the report; the organization map (drawn at any size) shows who works with
#: whom, and :func:`peernet.plot.network_map` draws a part on purpose.
MAX_STATIC_MAP_MEMBERS = 20_000


def _size(ev: Any, period: str) -> tuple[int, int]:
    """People and ties of the period's person graph, from its tie table (the graph's nodes
    and edges; building the networkx graph to count them took minutes and gigabytes at
    100,000 members)."""
    from ..ties import person_ties

    ties = person_ties(ev.slices[period])
    return ties.n, ties.m


def too_large(ev: Any, what: str) -> str | None:
    """Why the report leaves out its network files (``what="files"``), its interactive
    map (``"map"``) or its static person maps (``"maps"``) for this evaluation, or None
    when they are written."""
    for p in _periods(ev):
        n, m = _size(ev, p)
        if what == "maps" and n > MAX_STATIC_MAP_MEMBERS:
            return N_("{period} has {people} people (the maps draw up to {max_people}): the "
                      "organization map shows who works with whom; draw one organization or "
                      "region with peernet.plot.network_map").format(
                period=p, people=f"{n:,}", max_people=f"{MAX_STATIC_MAP_MEMBERS:,}")
        if what == "files" and m > MAX_FILE_TIES:
            return N_("{period} has {ties} ties (more than {limit}): write the network files "
                      "with peernet.export(net.period('{period}'), 'network.graphml')").format(
                period=p, ties=f"{m:,}", limit=f"{MAX_FILE_TIES:,}")
        if what == "map" and (n > MAX_MAP_MEMBERS or m > MAX_MAP_TIES):
            return N_("{period} has {people} people and {ties} ties (the interactive map draws "
                      "up to {max_people} and {max_ties}): draw one organization or region "
                      "with peernet.plot.interactive_map").format(
                period=p, people=f"{n:,}", ties=f"{m:,}", max_people=f"{MAX_MAP_MEMBERS:,}",
                max_ties=f"{MAX_MAP_TIES:,}")
    return None


def _periods(ev: Any) -> list[str]:
    return [str(p) for p in ev.periods[-2:]]


def _metrics(ev: Any, period: str):
    m = ev.members
    return m[m["period"] == period].drop(columns="period")


def write_networks(ev: Any, folder: Path, *, names: bool,
                   formats: tuple[str, ...] = ("gexf", "graphml")) -> list[str]:
    """Write each compared period's person graph as GEXF and GraphML into
    ``folder/networks/``; returns the files written (relative to ``folder``)."""
    from ..io.export_graph import FORMATS, network_graph, write_graph

    out = Path(folder) / NETWORKS
    out.mkdir(exist_ok=True)
    written = []
    for p in _periods(ev):
        G = network_graph(ev.slices[p], names=names, metrics=_metrics(ev, p))  # once
        for fmt in formats:
            path = write_graph(G, out / f"{p}{FORMATS[fmt]}", fmt)
            written.append(str(path.relative_to(folder)))
    return written


def write_interactive_map(ev: Any, folder: Path, *, names: bool, color_by: Any = "org",
                          lang: str = "en", title: str | None = None,
                          layout: Mapping | None = None) -> str:
    """Write the interactive map of the compared periods (the last shown first) as a
    self-contained page ``folder/interactive_map.html``; returns its name. ``layout``: the
    static maps' positions (default: the same layout, computed again)."""
    from ..plot.interactive import interactive_map

    periods = _periods(ev)
    m = interactive_map(ev.net, periods=[ev.slices[p] for p in periods], color_by=color_by,
                        names=names, lang=lang, metrics={p: _metrics(ev, p) for p in periods},
                        title=title, layout=layout)
    m.save(Path(folder) / INTERACTIVE)
    return INTERACTIVE
