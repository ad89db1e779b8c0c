"""Whole-network structure metrics: density, centralization, cohesion, groups, mixing.

Every metric is computed on the person graph of the slice (``pn.person_graph(net)`` with its
defaults unless ``graph=`` is given) as sparse-matrix arithmetic; see ``docs/metrics.md``
for formulas, references, how to read each number and its edge cases.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from .._cache import cached
from ..network import PeerNetwork, guest_ids
from ..schema import MUTUAL_KINDS
from ..ties import directed_pairs, in_sorted, with_columns
from . import _sparse as K

__all__ = ["network_metrics", "communities", "ei_index", "reciprocity", "reciprocity_reason",
           "NETWORK_METRICS"]

#: Kinds whose rows say who acted towards whom (``peernet.schema.MUTUAL_KINDS`` False):
#: the only ones reciprocity reads.
DIRECTED_KINDS = tuple(k for k, mutual in MUTUAL_KINDS.items() if not mutual)
_MUTUAL = tuple(k for k, mutual in MUTUAL_KINDS.items() if mutual)

#: The entries of :func:`network_metrics`, in order.
NETWORK_METRICS = (
    "members", "active_members", "edges", "density", "degree_centralization", "components",
    "largest_component_share", "avg_clustering", "transitivity", "avg_path_length",
    "efficiency", "communities", "modularity", "reciprocity", "ei_index_org",
    "ei_index_sector", "ei_index_region", "assortativity_org",
)


def network_metrics(net: PeerNetwork, *, graph: nx.Graph | None = None,
                    only: list[str] | None = None) -> pd.Series:
    """Structure of the person graph of one slice, as one Series.

    Parameters
    ----------
    net : PeerNetwork
        A slice (``net.period("2025")``) or a whole network.
    graph : networkx.Graph, optional
        A person graph to use instead of ``pn.person_graph(net)`` (e.g. one built with
        ``max_event_size=None`` or ``kinds=["help"]``).
    only : list of str, optional
        Compute only these entries (the others are NaN); used by the bootstrap.

    Returns
    -------
    pandas.Series
        Named after the slice's label, with these entries (n = nodes of the graph: the
        members active in the slice plus anyone a tie touches; m = ties):

        - ``members``: roster members during the window (``net.members_current()``),
          guests left out: the ``roster_members`` of :func:`peernet.participation`.
        - ``active_members``: members who acted in the window (``net.members_active()``).
        - ``edges``: m, undirected ties.
        - ``density``: 2m / (n (n - 1)); NaN for n < 2.
        - ``degree_centralization``: Freeman, sum(d_max - d_i) / ((n - 1)(n - 2)); NaN n < 3.
        - ``components``: connected components, isolates included; 0 for an empty slice.
        - ``largest_component_share``: nodes in the largest component / n.
        - ``avg_clustering``: mean local clustering (0 for degree < 2, as networkx).
        - ``transitivity``: 3 x triangles / connected triples (0 when there are no triples).
        - ``avg_path_length``: mean shortest path (hops) inside the largest component.
        - ``efficiency``: mean of 1/d(i, j) over all ordered pairs (0 for unreachable).
        - ``communities``: communities (seed 0, tie weights) with 2+ members: Louvain up
          to 2,000 nodes, networkit's PLM with refinement above (:func:`communities`).
        - ``modularity``: weighted modularity of that partition; NaN without ties.
        - ``reciprocity``: share of directed ties (direct interactions of a directed kind:
          message, reply, help, ...; no co-attendance, no contact) whose reverse tie also
          exists; NaN when none, the reason in ``result.attrs["reasons"]["reciprocity"]``
          (:func:`reciprocity_reason`: "not applicable" on contact data).
        - ``ei_index_org``, ``ei_index_sector``, ``ei_index_region``: Krackhardt-Stern
          (E - I) / (E + I) over ties between members whose attribute is known; NaN when the
          roster lacks the attribute.
        - ``assortativity_org``: Newman's attribute assortativity by org; NaN without org
          or with a single org.

        ``result.attrs`` holds ``nodes`` and ``path_sources`` (0 = exact; otherwise the
        number of sampled BFS sources used for paths and efficiency above
        ``EXACT_MAX_NODES`` = 2000 nodes).

    References
    ----------
    Freeman, L. C. (1979). Centrality in social networks. Social Networks 1, 215-239.
    Latora, V. and Marchiori, M. (2001). Efficient behavior of small-world networks. PRL 87.
    Blondel, V. et al. (2008). Fast unfolding of communities in large networks. J. Stat. Mech.
    Krackhardt, D. and Stern, R. N. (1988). Social Psychology Quarterly 51(2), 123-140.
    Newman, M. E. J. (2003). Mixing patterns in networks. Physical Review E 67, 026126.

    Examples
    --------
    >>> s = pn.network_metrics(pn.load_sample("davis"))
    >>> s[["members", "edges", "density", "components"]].round(3).tolist()
    [18.0, 139.0, 0.908, 1.0]
    >>> bool(np.isnan(s["ei_index_org"]))      # Davis has no organizations
    True
    """
    want = set(NETWORK_METRICS if only is None else only)
    bad = want - set(NETWORK_METRICS)
    if bad:
        raise ValueError(f"only must list entries of {list(NETWORK_METRICS)}; got {sorted(bad)}")
    ga = K.get_arrays(net, graph)
    recip = float("nan")
    if "reciprocity" in want:
        recip = reciprocity(graph if graph is not None and graph.is_directed() else net)
    # guests are in the log, never members (as in participation's roster_members)
    roster = net.members_current().difference(list(guest_ids(net.members)))
    out, paths = _structure(ga, want=want, members=len(roster),
                            active=len(net.members_active()), recip=recip)
    reasons = {}
    if "reciprocity" in want and np.isnan(recip):
        reasons["reciprocity"] = (reciprocity_reason(net) if graph is None
                                  or not graph.is_directed() else "no directed ties")
    if only is not None:
        out = {k: (v if k in want else float("nan")) for k, v in out.items()}
    s = pd.Series(out, name=getattr(net, "label", "all"), dtype="float64")
    s.attrs = {"nodes": ga.n, "path_sources": paths["path_sources"], "reasons": reasons}
    return s


def communities(net_or_graph: PeerNetwork | nx.Graph, *, seed: int = K.SEED) -> pd.Series:
    """The community of each member: the partition that :func:`network_metrics` counts
    (``communities``) and scores (``modularity``), and that the maps colour. Louvain
    (networkx, seed 0) up to 2,000 nodes; above, networkit's PLM with refinement (one
    thread, seed 0; Staudt & Meyerhenke 2016), the modularity of igraph's Leiden to 3e-5 in
    half its memory and a third of its time, each community split into its connected parts
    (docs/metrics.md, "Communities").

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.Graph
        A slice or network (its default person graph) or a graph (``network_metrics``'s
        ``graph=``).
    seed : int, default 0
        The seed of Louvain or PLM (the metrics use 0).

    Returns
    -------
    pandas.Series
        Indexed by node (member id), named ``community``: 1 for the largest community, 2
        for the next (ties broken by the first member id), ...; <NA> for members in a
        community of their own. On the weighted graph: networkx's Louvain up to
        ``EXACT_MAX_NODES`` = 2000 nodes, networkit's PLM above it.

    Examples
    --------
    >>> y = pn.load_sample("riverbend").period("2025")
    >>> c = pn.metrics.communities(y)
    >>> int(c.max()) == int(pn.network_metrics(y)["communities"])
    True
    """
    if isinstance(net_or_graph, nx.Graph):
        ga = K.arrays_from_graph(net_or_graph)
    elif isinstance(net_or_graph, PeerNetwork):
        ga = K.arrays_from_net(net_or_graph)
    else:
        raise TypeError(f"communities: net_or_graph must be a PeerNetwork or a networkx graph; "
                        f"got {type(net_or_graph).__name__}")
    labels = K.partition(ga, seed=seed) if ga.m else np.arange(ga.n)
    size = np.bincount(labels, minlength=ga.n)[labels] if ga.n else np.zeros(0, np.int64)
    values = pd.array(np.where(size >= 2, labels + 1, 0), dtype="Int64")
    values[size < 2] = pd.NA
    return pd.Series(values, index=pd.Index(ga.nodes, dtype=object, name="member_id"),
                     name="community")


def _structure(ga: K.GraphArrays, *, want: set[str], members: int, active: int,
               recip: float) -> tuple[dict[str, float], dict]:
    """The entries of :func:`network_metrics` from graph arrays (shared with the bootstrap)."""
    n, m = ga.n, ga.m
    out: dict[str, float] = dict.fromkeys(NETWORK_METRICS, float("nan"))
    out["members"] = float(members)
    out["active_members"] = float(active)
    out["edges"] = float(m)
    out["reciprocity"] = recip
    deg = ga.degree()
    if n >= 2:
        out["density"] = 2 * m / (n * (n - 1))
    if n >= 3:
        out["degree_centralization"] = float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))
    ncomp, labels = K.components(ga)
    out["components"] = float(ncomp)
    out["communities"] = 0.0
    if n:
        out["largest_component_share"] = float(np.bincount(labels).max() / n)
        if want & {"avg_clustering", "transitivity"}:
            tri = K.triangles(ga)
            out["avg_clustering"] = float(K.clustering(ga).mean())
            triples = float((deg * (deg - 1) / 2).sum())
            out["transitivity"] = float(tri.sum() / triples) if triples else 0.0
    if m and want & {"communities", "modularity"}:   # before the paths: the igraph graph
        comm = K.partition(ga)                        # goes before their distances come
        out["communities"] = float((np.bincount(comm) >= 2).sum())
        out["modularity"] = K.modularity(ga, comm)
    paths = {"path_sources": 0}
    if want & {"avg_path_length", "efficiency"}:
        paths = K.path_stats(ga)
        out["avg_path_length"] = paths["avg_path_length"]
        out["efficiency"] = paths["efficiency"]
    for attr in ("org", "sector", "region"):
        if want & {f"ei_index_{attr}"}:
            out[f"ei_index_{attr}"] = K.ei_index_arrays(ga, attr)
    if "assortativity_org" in want:
        out["assortativity_org"] = K.assortativity_arrays(ga, "org")
    return out, paths


def ei_index(G: nx.Graph, *, attr: str = "org") -> float:
    """Krackhardt's E-I index: ties across groups (E) against ties within them (I).

    Parameters
    ----------
    G : networkx.Graph
        Person or organization graph, e.g. from :func:`peernet.person_graph`.
    attr : str, default "org"
        Node attribute that defines the groups.

    Returns
    -------
    float
        (E - I) / (E + I), in [-1, 1], counted over ties whose two ends both have ``attr``
        (ties to a node without it are left out); NaN when no tie qualifies.

    Notes
    -----
    -1: every tie stays inside its group; +1: every tie crosses groups. A peer network that
    is meant to connect organizations should move towards 0 or above over the years.
    Unweighted: each tie counts once whatever its weight.

    References
    ----------
    Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational crises.
    Social Psychology Quarterly 51(2), 123-140.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("a", "d")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y", "d": "Y"}, "org")
    >>> pn.metrics.ei_index(G, attr="org")
    0.5
    """
    if not isinstance(G, nx.Graph):
        raise TypeError(f"ei_index: G must be a networkx graph; got {type(G).__name__}")
    ga = K.arrays_from_graph(G)
    if attr not in ga.attrs.columns:
        values = pd.Series({n: G.nodes[n].get(attr) for n in G}, dtype=object)
        ga.attrs = ga.attrs.assign(**{attr: values.reindex(ga.attrs.index).to_numpy()})
    return K.ei_index_arrays(ga, attr)


def reciprocity(net_or_graph: PeerNetwork | nx.Graph) -> float:
    """Share of directed ties whose reverse tie also exists.

    Parameters
    ----------
    net_or_graph : PeerNetwork or networkx.DiGraph
        A slice (its direct interactions - message, reply, help, ... with a ``target`` -
        make the directed ties; co-attendance is not directional and is left out) or a
        directed graph.

    Returns
    -------
    float
        reciprocated ties / directed ties (``nx.overall_reciprocity``); NaN when there are
        no directed ties: attendance-only data such as Davis, or contact data (a contact
        is mutual and says nothing about who reached back); :func:`reciprocity_reason`
        says which. Rows of mutual kinds (``peernet.schema.MUTUAL_KINDS``: contact) are
        left out, so a log of contacts and messages is judged on its messages.

    Notes
    -----
    0.6 means that for 6 in 10 of the ``a -> b`` ties, ``b`` also reached back to ``a`` in
    the same period: help and messages flow both ways, a basis of trust (Backer & Kern's
    Bedrock). Low values point to a broadcast pattern (a few senders, many receivers).

    References
    ----------
    Wasserman, S. and Faust, K. (1994). Social Network Analysis, ch. 13.

    Examples
    --------
    >>> round(pn.metrics.reciprocity(pn.load_sample("riverbend").period("2025")), 3)
    0.599
    """
    if isinstance(net_or_graph, nx.Graph):
        if not net_or_graph.is_directed():
            raise ValueError("reciprocity: give a PeerNetwork or a networkx.DiGraph; "
                             "an undirected graph has no direction")
        G = net_or_graph
        edges = [(u, v) for u, v in G.edges() if u != v]
        if not edges:
            return float("nan")
        es = set(edges)
        return sum((v, u) in es for u, v in edges) / len(edges)
    return cached(net_or_graph, ("reciprocity",), lambda: _reciprocity(net_or_graph))


def _reciprocity(net: PeerNetwork) -> float:
    """:func:`reciprocity` of a slice (kept on it: the Grid and the network metrics read it):
    the reversed keys sorted, then found among the keys by a binary search of sorted
    queries (3x a search of them in the keys' order at 2 million ties)."""
    keys, n = _directed_keys(net)
    if len(keys) == 0:
        return float("nan")
    rev = np.sort(keys % n * n + keys // n)
    return float(in_sorted(rev, keys).sum() / len(keys))


def _directed_keys(net: PeerNetwork) -> tuple[np.ndarray, int]:
    """The directed ties of a slice from rows of directed kinds only, as sorted pair keys
    ``u * n + v`` and ``n``: the pairs of its directed rows (no tie table; without a
    mutual row they are the default directed ties, ``person_ties(net, directed=True,
    coattendance=None)``'s)."""
    return directed_pairs(net, DIRECTED_KINDS)


def reciprocity_reason(net: PeerNetwork) -> str | None:
    """Why :func:`reciprocity` of a slice is NaN, or None when it has a value.

    "not applicable" when the slice's ties are all of mutual kinds (contacts, static
    undirected edge lists): a contact is both people taking part, so whether one reached
    back to the other cannot be read from it (never a 0); "no directed interactions" when
    the slice has no tie at all (attendance only, or nothing).

    Examples
    --------
    >>> pn.metrics.reciprocity_reason(pn.load_sample("riverbend").period("2025")) is None
    True
    """
    if len(_directed_keys(net)[0]):
        return None
    inter = with_columns(net.interactions)
    contacts = (inter["kind"].isin(_MUTUAL).to_numpy() & inter["target"].notna().to_numpy()
                & (inter["source"] != inter["target"]).to_numpy())
    if contacts.any():
        return ("not applicable: the ties are contacts (mutual: both people took part), "
                "which say nothing about who reached back; reciprocity needs directed "
                "interactions (messages, replies, help, ...)")
    return "no directed interactions (messages, replies, help, ...) in the period"
