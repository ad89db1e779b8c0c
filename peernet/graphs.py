"""Graphs from a PeerNetwork: person, organization, person x event and survey graphs.

All builders take a network already sliced with ``net.period(...)`` (or a whole network) and
never slice by themselves. The ties come from :mod:`peernet.ties` (the one aggregator of the
event log, memoised on the slice) and the survey's reported ties from
:mod:`peernet.surveys`; networkx only receives the finished node and edge lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from .surveys import pick_waves, reported_pairs, reported_vs_observed, reports, wave_data
from .ties import (
    MAX_EVENT_SIZE,
    NODE_ATTRIBUTES,
    NS_NAT,
    Ties,
    attendance,
    kind_names,
    org_ties,
    person_ties,
    roster_attributes,
)

if TYPE_CHECKING:
    from .network import PeerNetwork

__all__ = ["person_graph", "org_graph", "event_graph", "survey_graph", "NODE_ATTRIBUTES"]


def _node_dicts(attrs: pd.DataFrame) -> list[dict]:
    """One attribute dict per row; missing values are left out (networkx-friendly)."""
    out: list[dict] = [{} for _ in range(len(attrs))]
    for col in attrs.columns:
        values = attrs[col]
        present = values.notna().to_numpy()
        vals = values.astype(object).to_numpy()
        for i in np.flatnonzero(present):
            out[i][col] = vals[i]
    return out


def _datetimes(ns: np.ndarray) -> np.ndarray:
    """int64 ns -> timezone-aware (UTC) ``datetime`` objects (NaT -> None); 5x faster than
    boxing pandas Timestamps, and equal to them in comparisons."""
    out = pd.to_datetime(np.asarray(ns, np.int64), utc=True).to_pydatetime()
    out = np.asarray(out, dtype=object)
    out[np.asarray(ns) == NS_NAT] = None
    return out


def _to_graph(ties: Ties, attrs: pd.DataFrame, graph_attrs: dict) -> nx.Graph:
    G = nx.DiGraph() if ties.directed else nx.Graph()
    G.graph.update(graph_attrs)
    G.add_nodes_from(zip(ties.nodes.tolist(), _node_dicts(attrs), strict=True))
    if ties.m:
        first, last = _datetimes(ties.first), _datetimes(ties.last)
        names = {int(k): kind_names(int(k)) for k in np.unique(ties.kinds)}
        kinds = [names[k] for k in ties.kinds.tolist()]
        nodes = ties.nodes
        G.add_edges_from(
            (a, b, {"weight": w, "count": c, "first": f, "last": la, "kinds": k})
            for a, b, w, c, f, la, k in zip(nodes[ties.u].tolist(), nodes[ties.v].tolist(),
                                            ties.weight.tolist(), ties.count.tolist(), first,
                                            last, kinds, strict=True))
    return G


def person_graph(net: PeerNetwork, *, kinds: Iterable[str] | str | None = None,
                 directed: bool = False,
                 weight: str | Mapping[str, float] = "count",
                 coattendance: str | None = "count",
                 max_event_size: int | None = MAX_EVENT_SIZE,
                 min_shared: int = 1, sources: Iterable[str] = ("logs",)) -> nx.Graph:
    """Person-to-person ties from direct interactions and co-attendance.

    Nodes are the members active in the slice (``net.members_active()``) plus everyone touched
    by a tie, with their roster attributes ``org``, ``sector``, ``region``, ``language``,
    ``role``, ``joined`` (an attribute missing on the roster is left off the node).

    A *direct* tie is an interaction with a ``target`` (message, reply, mention, reaction,
    call, contact, help, resource, referral). A *co-attendance* tie joins two people who
    attended the same event: the projection ``B Bᵀ`` of the person x event incidence matrix
    ``B`` (scipy.sparse), so the count of a pair is the number of events both attended.

    Parameters
    ----------
    net : PeerNetwork
        A network or a slice (``net.period("2025")``); the graph covers exactly its window.
    kinds : str or list of str, optional
        Interaction kinds that make ties (default all; ``"attend"`` stands for co-attendance).
    directed : bool, default False
        A DiGraph with one edge per ``source -> target``; co-attendance ties go both ways.
    weight : {"count", "weight"} or mapping, default "count"
        What the ``weight`` edge attribute sums: one per interaction / shared event
        (``"count"``), the interactions' ``weight`` column with
        :data:`peernet.schema.DEFAULT_WEIGHTS` by kind where empty (``"weight"``), or a
        mapping ``kind -> weight``.
    coattendance : {"count", "newman", None}, default "count"
        Weight of a co-attendance tie: shared events (``"count"``), Newman's (2001)
        collaboration weight ``sum over shared events of 1/(n_event - 1)`` (``"newman"``), or
        no co-attendance ties (None).
    max_event_size : int or None, default 30
        Events with more attendees than this make no ties: a plenary of 200 would otherwise
        add 19,900 ties that swamp every structure metric. None keeps every event.
    min_shared : int, default 1
        Drop co-attendance pairs that shared fewer events than this.
    sources : {("logs",), ("survey",), ("logs", "survey")}, default ("logs",)
        Where ties come from. With ``"survey"`` the ties members reported in the survey wave
        of the slice are joined (:func:`peernet.metrics.reported_vs_observed`): every edge
        carries ``provenance`` (``"logs"``, ``"survey"`` or ``"both"``) and, where reported,
        ``trust`` and ``value``; a tie only reported gets ``weight`` 1 and ``count`` 0.
        Undirected graphs only.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Edge attributes ``weight`` (float), ``count`` (interactions + shared events),
        ``first`` and ``last`` (timezone-aware UTC ``datetime``; compare equal to pandas
        Timestamps), ``kinds`` (``"; "``-joined kinds).
        ``G.graph`` records the settings and what the projection left out:
        ``events_over_max_size``, ``attendances_in_large_events``, ``pairs_below_min_shared``,
        plus ``period`` and ``name``.

    Notes
    -----
    The graph is built from edge lists aggregated with numpy; the aggregation is cached on
    the slice, so repeated calls (and the metrics) do not redo it.

    References
    ----------
    Newman, M. E. J. (2001). Scientific collaboration networks. II. Physical Review E 64,
    016132. Breiger, R. L. (1974). The duality of persons and groups. Social Forces 53(2).

    Examples
    --------
    >>> G = pn.person_graph(pn.load_sample("davis"))
    >>> G.number_of_nodes(), G.number_of_edges()
    (18, 139)
    >>> G["w01"]["w02"]["weight"]
    6.0
    """
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    unknown = set(sources) - {"logs", "survey"}
    if not sources or unknown:
        raise ValueError(f"sources must be a non-empty selection of 'logs' and 'survey'; "
                         f"got {sources!r}")
    if "survey" in sources and directed:
        raise ValueError("sources with 'survey' needs directed=False (survey ties are "
                         "joined as undirected pairs)")
    ties = person_ties(net, kinds=kinds, directed=directed, weight=weight,
                       coattendance=coattendance, max_event_size=max_event_size,
                       min_shared=min_shared)
    attrs = roster_attributes(net, ties.nodes)
    G = _to_graph(ties, attrs, {"name": getattr(net, "name", "network"),
                                "period": getattr(net, "label", "all"), **ties.info})
    if "survey" not in sources:
        return G
    return _with_survey_ties(G, net, kinds, logs="logs" in sources)


def _with_survey_ties(G: nx.Graph, net: PeerNetwork, kinds: Any, *, logs: bool) -> nx.Graph:
    """Join the survey's reported ties to a log graph, with provenance on every edge."""
    if isinstance(kinds, str):
        kinds = [kinds]
    direct = None if kinds is None else [k for k in kinds if k != "attend"]
    rv = reported_vs_observed(net, kinds=direct, warn=False)
    if not logs:
        G.remove_edges_from(list(G.edges))
    nx.set_edge_attributes(G, "logs", "provenance")
    reported = rv[rv["reported"].to_numpy(dtype=bool)]
    new_nodes = set(reported["member_a"]) | set(reported["member_b"])
    if new_nodes - set(G):
        extra = roster_attributes(net, sorted(new_nodes - set(G)))
        for node, row in extra.iterrows():
            G.add_node(node, **{k: v for k, v in row.items() if pd.notna(v)})
    for a, b, trust, value in zip(reported["member_a"], reported["member_b"],
                                  reported["trust"], reported["value"], strict=True):
        if G.has_edge(a, b):
            G[a][b]["provenance"] = "both"
        else:
            G.add_edge(a, b, weight=1.0, count=0, kinds="survey", provenance="survey")
        G[a][b]["trust"] = float(trust)
        G[a][b]["value"] = float(value)
    G.graph["sources"] = "logs; survey" if logs else "survey"
    G.graph["survey_wave"] = str(rv["wave"].iloc[0]) if len(rv) else None
    return G


def org_graph(net: PeerNetwork, *, kinds: Iterable[str] | str | None = None,
              weight: str | Mapping[str, float] = "count",
              coattendance: str | None = "count",
              max_event_size: int | None = MAX_EVENT_SIZE, min_shared: int = 1) -> nx.Graph:
    """Organizations as nodes, ties summed over their members.

    The person graph (same arguments) is collapsed by the members' ``org``: the weight and
    count of an organization tie are the sums over all person ties between the two
    organizations; ties inside one organization are kept as the node attributes
    ``internal_weight`` and ``internal_count`` (not as self-loops). Members without an org
    are left out (``G.graph["members_without_org"]`` counts them).

    Returns
    -------
    networkx.Graph
        Node attributes ``members`` (active members of the org in the slice),
        ``internal_weight``, ``internal_count`` and ``sector`` (its members' most common);
        edge attributes ``weight``, ``count``, ``ties`` (person ties summed), ``first``,
        ``last``.

    Examples
    --------
    >>> G = pn.org_graph(pn.load_sample("riverbend").period("2025"))
    >>> G.number_of_nodes() > 10
    True
    """
    o = org_ties(net, kinds=kinds, weight=weight, coattendance=coattendance,
                  max_event_size=max_event_size, min_shared=min_shared)
    G = nx.Graph(name=getattr(net, "name", "network"), period=getattr(net, "label", "all"))
    G.graph["members_without_org"] = o.members_without_org
    orgs = o.orgs.tolist()
    for i, org in enumerate(orgs):
        G.add_node(org, members=int(o.members[i]), internal_weight=float(o.internal_weight[i]),
                   internal_count=int(o.internal_count[i]))
        if o.sector is not None and o.sector[i] is not None:
            G.nodes[org]["sector"] = o.sector[i]
    if len(o.a):
        first, last = _datetimes(o.first), _datetimes(o.last)
        names = np.asarray(orgs, dtype=object)
        G.add_edges_from(
            (a, b, {"weight": w, "count": c, "ties": t, "first": f, "last": la})
            for a, b, w, c, t, f, la in zip(names[o.a].tolist(), names[o.b].tolist(),
                                            o.weight.tolist(), o.count.tolist(),
                                            o.ties.tolist(), first, last, strict=True))
    return G


def event_graph(net: PeerNetwork) -> nx.Graph:
    """The bipartite person x event graph of attendance.

    People have ``bipartite=0`` (and their roster attributes), events ``bipartite=1`` (and
    ``start``, ``kind``, ``format`` where known), as :mod:`networkx.algorithms.bipartite`
    expects. An edge means the person attended the event; its ``weight`` is 1. Event ids
    that equal a member id are kept apart by networkx only if they differ, so peernet
    event ids should not reuse member ids.

    Examples
    --------
    >>> B = pn.event_graph(pn.load_sample("davis"))
    >>> B.number_of_edges()
    89
    >>> from networkx.algorithms import bipartite
    >>> G = bipartite.weighted_projected_graph(
    ...     B, [n for n, d in B.nodes(data="bipartite") if d == 0])
    >>> G.number_of_edges()
    139
    """
    att = attendance(net)
    people = np.array(sorted(set(att["source"])), dtype=object)
    attrs = roster_attributes(net, people)
    G = nx.Graph(name=getattr(net, "name", "network"), period=getattr(net, "label", "all"))
    G.add_nodes_from((p, {**d, "bipartite": 0})
                     for p, d in zip(people.tolist(), _node_dicts(attrs), strict=True))
    ev = net.events.drop_duplicates("event_id").set_index("event_id")
    ev_ids = sorted(set(att["event_id"]))
    cols = [c for c in ("start", "kind", "format") if c in ev.columns]
    ev_attrs = ev.reindex(pd.Index(ev_ids, dtype="str"))[cols]
    G.add_nodes_from((e, {**d, "bipartite": 1})
                     for e, d in zip(ev_ids, _node_dicts(ev_attrs), strict=True))
    G.add_edges_from(zip(att["source"].tolist(), att["event_id"].tolist(), strict=True),
                     weight=1)
    return G


def survey_graph(net: PeerNetwork, *, wave: str | None = None, directed: bool = False,
                 warn: bool = True) -> nx.Graph:
    """The reported ties of one survey wave as a graph of the members who could respond.

    Parameters
    ----------
    directed : bool, default False
        A DiGraph with an edge i -> j when i rated j (attributes ``trust``, ``value``,
        ``n_items``), or a Graph with an edge when either rated the other (attributes
        ``trust``, ``value`` averaged over the reports, ``n_reports``, ``reported_by``).

    Returns
    -------
    networkx.Graph or DiGraph
        Nodes: the wave's population (roster at the survey plus respondents) with the roster's
        ``org``, ``sector``, ``region``, ``role`` and ``responded`` (bool). Graph attributes
        ``wave`` and ``response_rate``.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> G = pn.metrics.survey_graph(net, wave="2025", warn=False)
    >>> G.graph["wave"], G.number_of_nodes() > 50
    ('2025', True)
    """
    found = pick_waves(net, wave, latest=True)
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    if not found:
        return G
    w = wave_data(net, found[0], level="member", warn=warn)
    m = net.root.members.set_index("member_id")
    attrs = [c for c in ("org", "sector", "region", "role") if c in m.columns]
    info = m.reindex(w.population)[attrs]
    for node, row in zip(w.population, info.to_dict("records"), strict=True):
        G.add_node(node, **{k: v for k, v in row.items() if pd.notna(v)},
                   responded=node in w.respondents)
    G.graph.update(wave=w.wave, response_rate=len(w.population.intersection(w.respondents))
                   / max(len(w.population), 1))
    if directed:
        ties = reports(w.ratings)
        G.add_edges_from((a, b, {k: v for k, v in d.items() if pd.notna(v)}) for a, b, d in zip(
            ties["rater"], ties["target"],
            ties[["n_items", "trust", "value"]].to_dict("records"), strict=True))
        return G
    pairs = reported_pairs(w)
    by = np.where(pairs["reported_by_a"] & pairs["reported_by_b"], "both",
                  np.where(pairs["reported_by_a"], "a", "b"))
    for a, b, t, v, n, who in zip(pairs["member_a"], pairs["member_b"], pairs["trust"],
                                  pairs["value"], pairs["n_reports"], by, strict=True):
        data = {"n_reports": int(n), "reported_by": a if who == "a" else b if who == "b"
                else "both"}
        if pd.notna(t):
            data["trust"] = float(t)
        if pd.notna(v):
            data["value"] = float(v)
        G.add_edge(a, b, **data)
    return G
