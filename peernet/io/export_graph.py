"""Network files for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph), Kumu JSON.

:func:`export` writes the person graph of a network (or a period of it) with what an
evaluator colours, filters and sizes by in those tools: node attributes ``org``, ``sector``,
``region``, ``language``, ``role`` and the member metrics of the period (degree, strength,
betweenness, eigenvector, core number, constraint, brokerage, core/periphery position,
broker and newcomer flags), and tie attributes ``weight``, ``count``, ``kinds``, ``first``
and ``last``.

Files are made to be shared, so people are pseudonymised unless ``names=True``: node ids and
labels are keyed pseudonyms (``p`` + 12 hex digits, :mod:`peernet.privacy`'s scheme), names,
emails and join dates are left out. With ``salt=`` the pseudonyms are those of
:func:`peernet.pseudonymize` under that salt (stable across years); without it the key is
derived from the network's own data (member ids and every interaction time), so the same data
gives the same pseudonyms (reproducible reports) and someone holding only the roster cannot
recompute them.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..network import PeerNetwork

__all__ = ["export", "FORMATS", "NODE_METRICS", "network_graph", "write_graph"]

#: File formats :func:`export` writes, with their file suffix.
FORMATS = {"gexf": ".gexf", "graphml": ".graphml", "kumu": ".json"}

#: Member metrics put on the nodes (from :func:`peernet.member_metrics` of the period).
NODE_METRICS = ("degree", "strength", "betweenness", "eigenvector", "core_number",
                "constraint", "brokerage", "position", "broker", "newcomer")

#: Roster attributes put on the nodes (``joined`` only with names: a join date can single
#: a person out).
_ROSTER = ("org", "sector", "region", "language", "role")

#: Kumu field names of the node and tie attributes.
_KUMU_FIELDS = {"org": "Organization", "sector": "Sector", "region": "Region",
                "language": "Language", "role": "Role", "degree": "Degree",
                "strength": "Strength", "betweenness": "Betweenness",
                "eigenvector": "Eigenvector", "core_number": "Core number",
                "constraint": "Constraint", "brokerage": "Brokerage", "position": "Position",
                "broker": "Broker", "newcomer": "Newcomer", "joined": "Joined",
                "weight": "Weight", "count": "Count", "kinds": "Kinds", "first": "First",
                "last": "Last"}


def _data_key(src: PeerNetwork | nx.Graph) -> bytes:
    """The pseudonym key of a network without a salt: a hash of its member ids and every
    interaction time (of the whole network, so every period gets the same pseudonyms)."""
    h = hashlib.sha256(b"peernet-export:")
    if isinstance(src, PeerNetwork):
        root = src.root
        ids = np.sort(root.members["member_id"].astype("str").to_numpy())
        h.update("\x1f".join(ids.tolist()).encode("utf-8", "surrogatepass"))
        ts = root.interactions["timestamp"]
        h.update(np.ascontiguousarray(ts.to_numpy(dtype="datetime64[ns]")
                                      .view(np.int64)).tobytes())
    else:
        h.update("\x1f".join(sorted(map(str, src.nodes))).encode("utf-8", "surrogatepass"))
        for u, v, w in sorted((str(a), str(b), float(c)) for a, b, c in
                              src.edges(data="weight", default=1.0)):
            h.update(f"{u}\x1f{v}\x1f{w!r}\x1e".encode("utf-8", "surrogatepass"))
    return h.digest()


def pseudonyms(src: PeerNetwork | nx.Graph, ids: Any, *,
               salt: str | bytes | None = None) -> dict[str, str]:
    """Pseudonym of each member id in ``ids``: :func:`peernet.pseudonymize`'s under ``salt``,
    else keyed by the network's own data (see the module notes)."""
    from ..privacy import pseudonym_mapping, salt_key

    key = salt_key(salt) if salt is not None else _data_key(src)
    return pseudonym_mapping(pd.Series([str(i) for i in ids], dtype="object"), key, "member")


def _plain(value: Any) -> Any:
    """A value GEXF, GraphML and JSON can hold: Python bool/int/float/str; None if missing."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _metric_columns(metrics: pd.DataFrame, nodes: list) -> pd.DataFrame:
    """The node metrics of :data:`NODE_METRICS` (index = member id)."""
    from ..metrics.members import top_brokers

    m = metrics.drop_duplicates("member_id").set_index(
        metrics.drop_duplicates("member_id")["member_id"].astype("str"))
    out = pd.DataFrame(index=pd.Index([str(n) for n in nodes], dtype="object"))
    for col in ("degree", "strength", "betweenness", "eigenvector", "core_number",
                "constraint", "position", "newcomer"):
        if col in m.columns:
            out[col] = m[col].reindex(out.index)
    brokerage = [c for c in m.columns if c.startswith("brokerage_")]
    if brokerage:
        out["brokerage"] = m[brokerage].sum(axis=1).reindex(out.index)
    if brokerage or "betweenness" in m.columns:
        out["broker"] = out.index.isin(top_brokers(metrics, nodes))
    return out


def network_graph(src: PeerNetwork | nx.Graph, *, names: bool = False,
                  salt: str | bytes | None = None,
                  metrics: pd.DataFrame | None = None) -> nx.Graph:
    """The graph :func:`export` writes: file-ready attributes, pseudonymised unless ``names``.

    Node ids are member ids (``names=True``) or pseudonyms; every node has a ``label`` (the
    roster name, else the id, with names; else the pseudonym). A PeerNetwork gives its
    person graph (:func:`peernet.person_graph`) with the roster attributes and the member
    metrics of the slice (``metrics=`` to pass them when already computed); a networkx graph
    keeps its own attributes (values turned into text, numbers or booleans).
    """
    if isinstance(src, PeerNetwork):
        from ..graphs import person_graph

        G0 = person_graph(src)
        nodes = list(G0.nodes)
        if metrics is None:
            from ..metrics.members import member_metrics

            metrics = member_metrics(src)
        node_attrs = pd.DataFrame(index=pd.Index([str(n) for n in nodes], dtype="object"))
        roster = src.root.members.drop_duplicates("member_id").set_index("member_id")
        for col in _ROSTER + (("joined", "name") if names else ()):
            if col in roster.columns:
                node_attrs[col] = roster[col].reindex(node_attrs.index)
        node_attrs = node_attrs.join(_metric_columns(metrics, nodes))
        attrs = {n: {k: v for k, v in ((k, _plain(v)) for k, v in row.items())
                     if v is not None}
                 for n, row in zip(nodes, node_attrs.to_dict("records"), strict=True)}
        graph_attrs = {"name": str(getattr(src, "name", "network")),
                       "period": str(getattr(src, "label", "all"))}
    elif isinstance(src, nx.Graph):
        G0 = src
        nodes = list(G0.nodes)
        attrs = {n: {k: v for k, v in ((k, _plain(v)) for k, v in d.items())
                     if v is not None and (names or k not in ("name", "email", "joined"))}
                 for n, d in G0.nodes(data=True)}
        graph_attrs = {k: v for k, v in ((k, _plain(v)) for k, v in G0.graph.items()
                                         if k in ("name", "period")) if v is not None}
    else:
        raise TypeError(f"export: net_or_graph must be a PeerNetwork or a networkx graph; got "
                        f"{type(src).__name__}")
    if names:
        ids = {n: str(n) for n in nodes}
        for n in nodes:
            name = attrs[n].pop("name", None)
            attrs[n]["label"] = str(name) if name else str(n)
    else:
        ps = pseudonyms(src, nodes, salt=salt)
        ids = {n: ps[str(n)] for n in nodes}
        for n in nodes:
            attrs[n]["label"] = ids[n]
    G = nx.DiGraph() if G0.is_directed() else nx.Graph()
    G.graph.update(graph_attrs)
    G.add_nodes_from((ids[n], attrs[n]) for n in nodes)
    G.add_edges_from((ids[u], ids[v], {k: x for k, x in ((k, _plain(x)) for k, x in d.items())
                                       if x is not None})
                     for u, v, d in G0.edges(data=True))
    return G


def _kumu(G: nx.Graph) -> dict:
    """Kumu's blueprint (https://docs.kumu.io/guides/import/blueprints): ``elements`` with
    ``id``, ``label``, ``type`` and custom fields; ``connections`` with ``from``, ``to`` (the
    element ids), ``type``, ``direction`` and custom fields; ``tags`` lists."""
    elements = []
    for n, d in G.nodes(data=True):
        e: dict[str, Any] = {"id": str(n), "label": d.get("label", str(n)), "type": "Person"}
        for k, v in d.items():
            if k != "label":
                e[_KUMU_FIELDS.get(k, k)] = v
        tags = [str(d[k]) for k in ("position",) if k in d]
        tags += [t for t, k in (("broker", "broker"), ("newcomer", "newcomer")) if d.get(k)]
        if tags:
            e["tags"] = tags
        elements.append(e)
    direction = "directed" if G.is_directed() else "undirected"
    connections = []
    for u, v, d in G.edges(data=True):
        kinds = [k.strip() for k in str(d.get("kinds", "")).split(";") if k.strip()]
        c: dict[str, Any] = {"from": str(u), "to": str(v),
                             "type": " & ".join("co-attendance" if k == "attend" else k
                                                for k in kinds) or "tie",
                             "direction": direction}
        for k, x in d.items():
            c[_KUMU_FIELDS.get(k, k)] = x
        if kinds:
            c["tags"] = kinds
        connections.append(c)
    return {"elements": elements, "connections": connections}


def export(net_or_graph: PeerNetwork | nx.Graph, path: str | Path, *,
           format: str | None = None, names: bool = False, salt: str | bytes | None = None,
           metrics: pd.DataFrame | None = None) -> Path:
    """Write a network (or one period of it) for Gephi, Cytoscape, yEd or Kumu.

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        A network or a period (``net.period("2025")``): its person graph is written with the
        roster attributes and member metrics of the period. A networkx graph (an org graph,
        a survey graph) is written with its own attributes.
    path : str or Path
        The file to write; its folder must exist.
    format : {"gexf", "graphml", "kumu"}, optional
        Default: from the suffix of ``path`` (``.gexf``, ``.graphml``, ``.json`` for Kumu).
    names : bool, default False
        Node ids are member ids and labels the roster names (for internal use only). By
        default people are pseudonymised: ids and labels are keyed pseudonyms, and names,
        emails and join dates are left out.
    salt : str or bytes, optional
        The secret of :func:`peernet.pseudonymize`: the same pseudonyms as a network
        pseudonymised with it (and next year's files). Default: a key derived from the
        network's own data (the same data gives the same pseudonyms).
    metrics : DataFrame, optional
        :func:`peernet.member_metrics` of the same period, when already computed.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Node attributes: ``label``, ``org``, ``sector``, ``region``, ``language``, ``role``,
    ``degree``, ``strength``, ``betweenness``, ``eigenvector``, ``core_number``,
    ``constraint``, ``brokerage`` (the sum of the five Gould-Fernandez roles),
    ``position`` (core / periphery), ``broker`` (the maps' brokers: top 10%, at most 50),
    ``newcomer``; ``joined`` with names. A missing value is left off the node. Tie
    attributes: ``weight``, ``count``, ``kinds`` (``"; "``-joined, ``attend`` =
    co-attendance), ``first`` and ``last`` (ISO 8601, UTC). GEXF and GraphML are written by
    networkx and read back by :func:`networkx.read_gexf` / :func:`networkx.read_graphml`
    with the same nodes, ties and attributes. The Kumu file is a blueprint (JSON
    ``elements`` and ``connections``; drag it onto a Kumu map); attributes become Kumu fields
    ("Organization", "Sector", ...), position, broker and newcomer become tags.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> p = pn.export(pn.load_sample("davis"), d / "davis.graphml")
    >>> G = nx.read_graphml(p)
    >>> G.number_of_nodes(), G.number_of_edges()
    (18, 139)
    """
    path = Path(path)
    if format is None:
        by_suffix = {v: k for k, v in FORMATS.items()}
        format = by_suffix.get(path.suffix.lower())
        if format is None:
            raise ValueError(f"export: cannot tell the format from the suffix "
                             f"{path.suffix!r} of {path.name!r}; pass format= one of "
                             f"{list(FORMATS)} (or use .gexf, .graphml, .json)")
    if format not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}; got {format!r}")
    if not path.parent.is_dir():
        raise ValueError(f"export: the folder {str(path.parent)!r} does not exist")
    return write_graph(network_graph(net_or_graph, names=names, salt=salt, metrics=metrics),
                       path, format)


def write_graph(G: nx.Graph, path: Path, format: str) -> Path:
    """Write a graph of :func:`network_graph` as ``format`` (a key of ``FORMATS``)."""
    if format == "gexf":
        nx.write_gexf(G, path)
    elif format == "graphml":
        nx.write_graphml(G, path)
    else:
        path.write_text(json.dumps(_kumu(G), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    return path

