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
    kind = type(value)
    if kind is str or kind is int:   # the most common, as they are (as the checks below)
        return value
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
    """Write a graph of :func:`network_graph` as ``format`` (a key of ``FORMATS``).

    GEXF and GraphML are networkx's files, byte for byte (its pretty-printed ElementTree
    writers, version 1.2draft GEXF): a graph whose attribute values are Python text, numbers
    and booleans (every graph of :func:`network_graph`) is written directly, five to ten
    times faster than building the element tree; any other graph (or a compressed file
    name) by networkx itself."""
    if format in ("gexf", "graphml"):
        data = _xml(G, path, format)
        if data is not None:
            Path(path).write_bytes(data)
        elif format == "gexf":
            nx.write_gexf(G, path)
        else:
            nx.write_graphml(G, path)
    else:
        path.write_text(json.dumps(_kumu(G), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    return path


# ---------------------------------------------------------------------- GEXF and GraphML
#: The value types written directly, with their GraphML / GEXF type names (networkx's:
#: the last of its entries for each Python type).
_XML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
#: Graph keys networkx's writers treat specially (then networkx writes the file).
_SPECIAL_GRAPH = frozenset(("node_default", "edge_default", "id", "mode"))
#: Node and tie keys GEXF writes as XML attributes or elements, not as attribute values
#: (``label`` and a tie's ``weight`` are written here; the others go to networkx).
_SPECIAL_NODE = frozenset(("id", "pid", "start", "end", "parents", "spells", "slices", "viz",
                           "key"))
_SPECIAL_EDGE = frozenset(("id", "label", "type", "start", "end", "spells", "slices", "viz",
                           "key"))
_GRAPHML_NS = ('xmlns="http://graphml.graphdrawing.org/xmlns" '
               'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
               'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"')
_GEXF_NS = ('xmlns="http://www.gexf.net/1.2draft" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.gexf.net/1.2draft '
            'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2"')


def _esc_text(s: str) -> str:
    """ElementTree's escaping of element text."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def _esc_attr(s: str) -> str:
    """ElementTree's escaping of an attribute value."""
    s = _esc_text(s)
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "\r" in s:
        s = s.replace("\r", "&#13;")
    if "\n" in s:
        s = s.replace("\n", "&#10;")
    if "\t" in s:
        s = s.replace("\t", "&#09;")
    return s


def _direct(G: nx.Graph, path: Any, format: str) -> bool:
    """Whether :func:`_xml` writes ``G`` (else networkx does): a simple graph to a plain
    file whose attribute keys are text and values Python text, numbers or booleans, with
    none of the keys networkx's writers treat specially."""
    if G.is_multigraph() or not isinstance(path, (str, Path)) \
            or Path(path).suffix.lower() in (".gz", ".gzip", ".bz2") \
            or any(k in _SPECIAL_GRAPH for k in G.graph):
        return False
    gexf = format == "gexf"
    if gexf:
        if not isinstance(G.graph.get("name", ""), str):
            return False
    elif any(type(k) is not str or type(v) not in _XML_TYPES for k, v in G.graph.items()):
        return False
    for special, free, items in ((_SPECIAL_NODE, "label", G.nodes(data=True)),
                                 (_SPECIAL_EDGE, "weight", G.edges(data=True))):
        for *_ends, d in items:
            for k, v in d.items():
                if type(k) is not str or (gexf and k in special):
                    return False
                if type(v) not in _XML_TYPES and not (gexf and k == free):
                    return False
    return True


def _xml(G: nx.Graph, path: Any, format: str) -> bytes | None:
    """The bytes networkx's ``write_gexf`` / ``write_graphml`` write for ``G``, or None when
    :func:`_direct` leaves the graph to networkx."""
    if not _direct(G, path, format):
        return None
    text = _gexf(G) if format == "gexf" else _graphml(G)
    return text.encode("utf-8", "xmlcharrefreplace")


def _element(head: str, inner: list[str], close: str) -> list[str]:
    """An element's lines as ElementTree pretty-prints them: ``head>``, its children and
    ``close``; ``head />`` when it has none."""
    return [head + ">\n", *inner, close] if inner else [head + " />\n"]


def _graphml(G: nx.Graph) -> str:
    """networkx's GraphML (``write_graphml_xml``, pretty-printed) of a :func:`_direct`
    graph: a key per (name, type, scope) numbered in the order first met (graph, nodes,
    ties), listed last first; the graph's data after its nodes and ties."""
    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []

    def data(d: dict, scope: str, pad: str) -> list[str]:
        out = []
        for k, v in d.items():
            t = _XML_TYPES[type(v)]
            kid = keys.get((k, t, scope))
            if kid is None:
                kid = keys[(k, t, scope)] = f"d{len(keys)}"
                key_lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_esc_attr(k)}" '
                                 f'attr.type="{t}" />\n')
            s = str(v)
            out.append(f'{pad}<data key="{kid}">{_esc_text(s)}</data>\n' if s
                       else f'{pad}<data key="{kid}" />\n')
        return out

    graph_data = data(G.graph, "graph", "    ")
    body: list[str] = []
    for n, d in G.nodes(data=True):
        body += _element(f'    <node id="{_esc_attr(str(n))}"', data(d, "node", "      "),
                         "    </node>\n")
    for u, v, d in G.edges(data=True):
        body += _element(f'    <edge source="{_esc_attr(str(u))}" target="{_esc_attr(str(v))}"',
                         data(d, "edge", "      "), "    </edge>\n")
    body += graph_data
    edgedefault = "directed" if G.is_directed() else "undirected"
    graph = _element(f'  <graph edgedefault="{edgedefault}"', body, "  </graph>\n")
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            f"<graphml {_GRAPHML_NS}>\n" + "".join(reversed(key_lines)) + "".join(graph)
            + "</graphml>\n")


def _gexf_value(v: Any) -> str:
    """An attribute value as networkx's GEXF writer spells it."""
    if type(v) is bool:
        return "true" if v else "false"
    s = str(v)
    if type(v) is float:
        s = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(s, s)
    return s


def _gexf(G: nx.Graph) -> str:
    """networkx's GEXF 1.2draft (``write_gexf``, pretty-printed) of a :func:`_direct` graph:
    attribute ids numbered in the order first met (nodes, then ties), a title keeping the
    type it was first met with; tie ids 0, 1, ...; the ties' attribute list before the
    nodes'."""
    import time

    ids: dict[tuple[str, str], str] = {}
    declared: dict[str, list[str]] = {"node": [], "edge": []}

    def attvalues(d: dict, scope: str, pad: str) -> list[str]:
        out = [f"{pad}<attvalues>\n"]
        for k, v in d.items():
            aid = ids.get((scope, k))
            if aid is None:
                aid = ids[(scope, k)] = str(len(ids))
                declared[scope].append(f'      <attribute id="{aid}" title="{_esc_attr(k)}" '
                                       f'type="{_XML_TYPES[type(v)]}" />\n')
            out.append(f'{pad}  <attvalue for="{aid}" value="{_esc_attr(_gexf_value(v))}" />\n')
        out.append(f"{pad}</attvalues>\n")
        return out

    nodes: list[str] = []
    for n, d in G.nodes(data=True):
        rest = dict(d)
        label = str(rest.pop("label", n))
        nodes += _element(f'      <node id="{_esc_attr(str(n))}" label="{_esc_attr(label)}"',
                          attvalues(rest, "node", "        ") if rest else [],
                          "      </node>\n")
    edges: list[str] = []
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        rest = dict(d)
        head = (f'      <edge source="{_esc_attr(str(u))}" target="{_esc_attr(str(v))}" '
                f'id="{i}"')
        if "weight" in rest:
            head += f' weight="{_esc_attr(str(rest.pop("weight")))}"'
        edges += _element(head, attvalues(rest, "edge", "        ") if rest else [],
                          "      </edge>\n")
    out = ["<?xml version='1.0' encoding='utf-8'?>\n", f"<gexf {_GEXF_NS}>\n",
           f'  <meta lastmodifieddate="{time.strftime("%Y-%m-%d")}">\n',
           f"    <creator>{_esc_text(f'NetworkX {nx.__version__}')}</creator>\n",
           "  </meta>\n"]
    out.append(f'  <graph defaultedgetype="{"directed" if G.is_directed() else "undirected"}"'
               f' mode="static" name="{_esc_attr(G.graph.get("name", ""))}">\n')
    for scope in ("edge", "node"):
        if declared[scope]:
            out.append(f'    <attributes mode="static" class="{scope}">\n')
            out += declared[scope]
            out.append("    </attributes>\n")
    for tag, part in (("nodes", nodes), ("edges", edges)):
        out += _element(f"    <{tag}", part, f"    </{tag}>\n")
    out += ["  </graph>\n", "</gexf>\n"]
    return "".join(out)
