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

__all__ = ["write_networks", "write_interactive_map", "NETWORKS", "INTERACTIVE"]

#: Subfolder of the network files and file name of the interactive map.
NETWORKS = "networks"
INTERACTIVE = "interactive_map.html"


def _periods(ev: Any) -> list[str]:
    return [str(p) for p in ev.periods[-2:]]


def _metrics(ev: Any, period: str):
    m = ev.members
    return m[m["period"] == period].drop(columns="period")


def write_networks(ev: Any, folder: Path, *, names: bool,
                   formats: tuple[str, ...] = ("gexf", "graphml")) -> list[str]:
    """Write each compared period's person graph as GEXF and GraphML into
    ``folder/networks/``; returns the files written (relative to ``folder``)."""
    from ..io.export_graph import FORMATS, export

    out = Path(folder) / NETWORKS
    out.mkdir(exist_ok=True)
    written = []
    for p in _periods(ev):
        for fmt in formats:
            path = out / f"{p}{FORMATS[fmt]}"
            export(ev.slices[p], path, format=fmt, names=names, metrics=_metrics(ev, p))
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
