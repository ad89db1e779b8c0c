"""Per-member metrics: centrality, position, brokerage roles, tenure, newcomer integration."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..network import PeerNetwork
from ..schema import isin
from ..ties import ns, person_ties
from . import _sparse as K

__all__ = ["member_metrics", "brokerage", "top_brokers", "BROKERAGE_ROLES", "BROKER_SHARE",
           "BROKER_MAX"]

#: Gould & Fernandez (1989) roles, in the order of the ``brokerage_*`` columns.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
#: Brokers are the members with the most Gould-Fernandez brokerage across organizations:
#: this share of the members (at least one), among those with any brokerage ...
BROKER_SHARE = 0.10
#: ... and at most this many, so that a 10,000-member map marks 50 brokers, not 1,000.
BROKER_MAX = 50
_DAY_NS = 86_400 * 10**9


def _brokerage_counts(a: sp.csr_array, g: np.ndarray) -> np.ndarray:
    """Open two-paths a -> b -> c (a != c, no a -> c) through each b, by role (n x 5).

    Nodes with group -1 (unknown) take part in no triple. All two-paths through b by role
    come from b's in- and out-ties counted by group, minus the a == c pairs (reciprocal
    ties), minus the closed ones (a -> c too), which a compiled pass lists from each a over
    its out-ties (:func:`peernet.metrics._kernels.closed_brokerage_csr`): memory linear in
    the ties, time the number of two-paths.
    """
    n = a.shape[0]
    if n == 0:
        return np.zeros((0, 5))
    known = g >= 0
    coo = sp.coo_array(a, dtype=float)
    coo.sum_duplicates()
    ok = known[coo.row] & known[coo.col] & (coo.row != coo.col) & (coo.data != 0)
    row, col = coo.row[ok], coo.col[ok]
    del coo, ok
    a = sp.csr_array((np.ones(len(row)), (row, col)), shape=(n, n))
    del row, col
    at = a.T.tocsr()
    gi = np.where(known, g, 0)
    k = int(gi.max()) + 1 if n else 1
    from ._kernels import blocks, closed_brokerage_csr, open_brokerage_csr, run

    # whole counts (as the sparse products' sums of ones gave them): the same floats
    in_tot, in_same, out_tot, out_same, diag_sum, same2, other2 = run(
        open_brokerage_csr, (a.indptr, a.indices, at.indptr, at.indices, gi, k, n),
        work=a.nnz).T
    del at
    coord = in_same * out_same
    gate = (in_tot - in_same) * out_same
    rep = in_same * (out_tot - out_same)
    cons = diag_sum - coord
    liaison = (in_tot - in_same) * (out_tot - out_same) - cons
    coord -= same2
    cons -= other2
    closed = blocks(closed_brokerage_csr, (a.indptr, a.indices, gi, n),
                    work=float(in_tot @ out_tot))
    return np.column_stack([coord, gate, rep, cons, liaison]) - closed


def brokerage(G: nx.DiGraph, *, attr: str = "org") -> pd.DataFrame:
    """Gould & Fernandez brokerage role counts of every node of a directed graph.

    For every open two-path ``a -> b -> c`` (``a != c`` and no tie ``a -> c``), ``b`` is a
    broker; its role depends on the groups (``attr``) of the three:

    ===============  ======================================================
    coordinator      a, b, c in one group
    gatekeeper       b and c in one group, a outside (b lets a in)
    representative   a and b in one group, c outside (b speaks for its group)
    consultant       a and c in one group, b outside (b serves that group)
    liaison          all three in different groups
    ===============  ======================================================

    Parameters
    ----------
    G : networkx.DiGraph or Graph
        An undirected graph counts each tie in both directions.
    attr : str, default "org"
        Group attribute; nodes without it take part in no triple.

    Returns
    -------
    DataFrame
        ``member_id`` then ``brokerage_<role>`` counts (float; NaN for every node when no
        node has ``attr``).

    References
    ----------
    Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. Sociological Methodology 19, 89-126.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "Y", "c": "Y"}, "org")
    >>> pn.metrics.brokerage(G)[["member_id", "brokerage_gatekeeper"]]
      member_id  brokerage_gatekeeper
    0         a                   0.0
    1         b                   1.0
    2         c                   0.0
    """
    nodes = list(G)
    idx = {n: i for i, n in enumerate(nodes)}
    pairs = [(idx[u], idx[v]) for u, v in G.edges() if u != v]
    if not G.is_directed():
        pairs += [(v, u) for u, v in pairs]
    r = np.array([p[0] for p in pairs], np.int64)
    c = np.array([p[1] for p in pairs], np.int64)
    a = sp.csr_array((np.ones(len(r)), (r, c)), shape=(len(nodes), len(nodes)))
    a.sum_duplicates()
    if a.nnz:
        a.data[:] = 1.0
    values = pd.Series({n: G.nodes[n].get(attr) for n in nodes}, dtype=object)
    return _brokerage_frame(np.array(nodes, dtype=object), a, values)


def _brokerage_frame(nodes: np.ndarray, a: sp.csr_array, groups: pd.Series) -> pd.DataFrame:
    cols = [f"brokerage_{r}" for r in BROKERAGE_ROLES]
    if groups.notna().sum() == 0:
        counts = np.full((len(nodes), 5), np.nan)
    else:
        codes, _ = pd.factorize(groups.where(groups.notna(), None))
        counts = _brokerage_counts(a, np.asarray(codes, np.int64))
    df = pd.DataFrame(counts, columns=cols)
    df.insert(0, "member_id", pd.array(nodes.tolist(), dtype="str"))
    return df


def _position(net: Any, graph: nx.Graph | None, nodes: np.ndarray,
              deg: np.ndarray) -> np.ndarray:
    """core / periphery / isolate of each node (see member_metrics)."""
    from .coreperiphery import core_periphery

    cp = core_periphery(graph if graph is not None else net)
    if graph is None and not (cp["degree"] > 0).any():    # attendance only: the person graph
        cp = core_periphery(_person_graph(net))
    core = pd.Series(cp["core"].to_numpy(), index=cp["member_id"].astype(str))
    is_core = core.reindex(pd.Index(nodes.astype(str))).fillna(False).to_numpy(bool)
    return np.where(deg == 0, "isolate", np.where(is_core, "core", "periphery"))


def _person_graph(net: Any) -> nx.Graph:
    from ..graphs import person_graph

    return person_graph(net)


def member_metrics(net: PeerNetwork, *, graph: nx.Graph | None = None) -> pd.DataFrame:
    """One row a member: centrality, position, brokerage, tenure and integration.

    Rows are the nodes of the person graph (members active in the slice plus anyone a tie
    touches), sorted by ``member_id``.

    Parameters
    ----------
    net : PeerNetwork
        A slice (``net.period("2025")``) or a whole network.
    graph : networkx.Graph, optional
        A person graph to use instead of ``pn.person_graph(net)``. Brokerage uses it too
        when it is directed; with an undirected ``graph`` brokerage stays on the slice's
        direct interactions.

    Returns
    -------
    DataFrame
        - ``member_id``, ``org``, ``sector``, ``region`` (from the roster; NaN when absent)
        - ``degree``: number of people tied to the member; ``strength``: sum of tie weights.
        - ``betweenness``: normalised, unweighted (hops); exact up to 2,000 nodes, above it
          estimated from 256 BFS sources drawn with seed 0 (``result.attrs``).
        - ``eigenvector``: unweighted, unit length (networkx's numpy variant); NaN without
          ties. In a disconnected graph only the leading component gets non-zero values.
        - ``core_number``: largest k such that the member is in the k-core.
        - ``position``: ``core`` or ``periphery`` of Borgatti & Everett's core-periphery
          model on the direct ties (:func:`peernet.metrics.core_periphery`; on ``graph``
          when one is given, on the person graph when the data hold no direct tie, as
          attendance-only data); ``isolate`` for members without ties in the person graph.
        - ``constraint``: Burt's constraint on weighted ties; NaN for isolates. Low values
          mean non-redundant contacts (structural holes).
        - ``brokerage_coordinator`` ... ``brokerage_liaison``: Gould & Fernandez counts
          across organizations on the directed graph of direct interactions (message,
          reply, help, ... ``source -> target``; co-attendance has no direction and is left
          out, as for reciprocity); NaN when the roster has no ``org``.
        - ``first_seen``, ``last_seen``: first and last act of the member in the window.
        - ``tenure_days``: days from joining (roster ``joined``, else the first act in the
          whole network) to the end of the window (for a whole network, its last act).
        - ``newcomer``: joined (or, without ``joined``, first acted) inside the window.
        - ``days_to_first_tie``: newcomers only, days from joining to their first tie in the
          window (0 when the first tie predates the roster date); NaN otherwise.

    References
    ----------
    Freeman (1977) betweenness; Bonacich (1987) eigenvector; Seidman (1983) k-cores;
    Borgatti & Everett (1999) core/periphery; Burt (1992) Structural Holes;
    Gould & Fernandez (1989) brokerage.

    Examples
    --------
    >>> mm = pn.member_metrics(pn.load_sample("davis"))
    >>> mm.loc[mm["member_id"] == "w01", ["degree", "position"]].values.tolist()
    [[17, 'core']]
    """
    ga = K.get_arrays(net, graph)
    n = ga.n
    nodes = ga.nodes
    deg = ga.degree().astype(np.int64)
    core = K.core_number(ga)
    position = _position(net, graph, nodes, deg)
    df = pd.DataFrame({"member_id": pd.array(nodes.tolist(), dtype="str")})
    for col in ("org", "sector", "region"):
        values = (ga.attrs[col].to_numpy(dtype=object) if col in ga.attrs.columns
                  else np.full(n, np.nan, dtype=object))
        df[col] = pd.Series(values, dtype=object).astype("str")
    df["degree"] = deg
    df["strength"] = ga.strength()
    df["betweenness"] = K.betweenness(ga)
    df["eigenvector"] = K.eigenvector(ga)
    df["core_number"] = core
    df["position"] = pd.Categorical(position, categories=["core", "periphery", "isolate"])
    df["constraint"] = K.constraint(ga)
    if graph is not None and graph.is_directed():
        da = K.arrays_from_graph(graph).directed_a
    else:
        da = K.directed_from_net(net, nodes)
    groups = (ga.attrs["org"] if "org" in ga.attrs.columns
              else pd.Series(np.nan, index=range(n), dtype=object))
    broker = _brokerage_frame(nodes, da, groups.reset_index(drop=True).astype(object))
    for col in broker.columns[1:]:
        df[col] = broker[col].to_numpy()
    _add_time_columns(df, net, ga, graph)
    df.attrs = {"betweenness_sources": 0 if n <= K.EXACT_MAX_NODES else K.SAMPLE_SOURCES,
                "position_model": "borgatti-everett-discrete"}
    return df


def _add_time_columns(df: pd.DataFrame, net: Any, ga: K.GraphArrays,
                      graph: nx.Graph | None) -> None:
    ids = pd.Index(ga.nodes, dtype="str")
    first, last = (t.reindex(ids) for t in act_times(net))
    df["first_seen"] = _column_values(first)
    df["last_seen"] = _column_values(last)
    root = net.root
    root_first = act_times(root)[0]
    joined = (net.members.drop_duplicates("member_id").set_index("member_id")["joined"]
              .reindex(ids) if "joined" in net.members.columns
              else pd.Series(pd.NaT, index=ids, dtype="datetime64[ns, UTC]"))
    start = joined.where(joined.notna(), root_first.reindex(ids))
    if net.window is not None:
        w0, w1 = net.window.start_utc, net.window.end_utc
    else:
        span = root.span()
        w0, w1 = (span if span is not None else (pd.NaT, pd.NaT))
    tenure = (w1 - start) / pd.Timedelta(days=1)
    df["tenure_days"] = tenure.clip(lower=0).to_numpy(dtype=float, na_value=np.nan)
    newcomer = ((start >= w0) & (start < w1)) if w0 is not pd.NaT else start.notna() & False
    if net.window is None and w0 is not pd.NaT:
        newcomer = (start >= w0) & (start <= w1)
    df["newcomer"] = newcomer.fillna(False).to_numpy(dtype=bool)
    tie_first = _first_tie(net, ga, graph)
    days = (tie_first - _ns_of(start)) / _DAY_NS
    days = np.where(np.isnan(days), np.nan, np.maximum(days, 0))
    df["days_to_first_tie"] = np.where(df["newcomer"].to_numpy(), days, np.nan)


def act_times(net: Any) -> tuple[pd.Series, pd.Series]:
    """Each person's first and last act in ``net`` (by ``source`` of its acts: either
    person of a contact acted; :meth:`~peernet.PeerNetwork.act_summary`, kept on ``net``,
    which does not copy the acts)."""
    summary = net.act_summary()
    return summary["first"], summary["last"]


def _column_values(values: pd.Series) -> Any:
    """What ``df[col] = values.to_numpy()`` stores, without boxing every timestamp.

    A datetime Series with at least one value: its array (pandas infers the same dtype,
    unit and zone back from the boxed Timestamps); otherwise the boxed values themselves
    (an empty or all-NaT column keeps the dtype that inference gives it).
    """
    if values.dtype.kind == "M" and values.notna().any():
        return values.array
    return values.to_numpy()


def _ns_of(values: pd.Series) -> np.ndarray:
    out = ns(values).astype(float)
    out[values.isna().to_numpy()] = np.nan
    return out


def _first_tie(net: Any, ga: K.GraphArrays, graph: nx.Graph | None) -> np.ndarray:
    """Earliest tie time (ns, float; NaN if none) of each node."""
    out = np.full(ga.n, np.inf)
    if graph is None:
        t = person_ties(net)
        first = t.first.astype(float)
        np.minimum.at(out, t.u, first)
        np.minimum.at(out, t.v, first)
    else:
        pos = {n: i for i, n in enumerate(ga.nodes.tolist())}
        for u, v, f in graph.edges(data="first"):
            if f is not None and not pd.isna(f):
                ns = float(pd.Timestamp(f).value)
                out[pos[u]] = min(out[pos[u]], ns)
                out[pos[v]] = min(out[pos[v]], ns)
    out[~np.isfinite(out)] = np.nan
    return out


def top_brokers(metrics: pd.DataFrame, members: Iterable[str] | None = None, *,
                share: float = BROKER_SHARE, most: int = BROKER_MAX) -> list[str]:
    """The brokers of a period: the members with the most brokerage across organizations.

    Parameters
    ----------
    metrics : DataFrame
        :func:`member_metrics` of the period (its ``brokerage_*`` columns, summed; or
        ``betweenness`` when it has none).
    members : iterable of str, optional
        The members to choose among (e.g. the ones a map draws); default all rows.
    share, most : default 0.10 and 50
        The top ``share`` of those members (at least one), at most ``most``, among those with
        any brokerage; ties in the total are broken by member id.

    Returns
    -------
    list of str
        Member ids, the most brokerage first.

    Examples
    --------
    >>> mm = pn.member_metrics(pn.load_sample("riverbend").period("2025"))
    >>> b = pn.metrics.top_brokers(mm)
    >>> len(b) == min(math.ceil(0.10 * len(mm)), 50)
    True
    """
    cols = [c for c in metrics.columns if c.startswith("brokerage_")]
    if not cols and "betweenness" not in metrics.columns:
        raise ValueError("top_brokers needs brokerage_* or betweenness columns in metrics "
                         "(from pn.member_metrics)")
    ids = metrics["member_id"].astype(str)
    m = metrics if members is None else metrics[isin(ids, {str(n) for n in members})]
    total = m[cols].sum(axis=1) if cols else m["betweenness"]
    frame = pd.DataFrame({"member_id": m["member_id"].astype(str).to_numpy(),
                          "total": total.to_numpy(dtype=float)})
    frame = frame[frame["total"] > 0].sort_values(["total", "member_id"],
                                                  ascending=[False, True])
    k = min(max(1, math.ceil(share * len(m))), most) if len(frame) else 0
    return frame["member_id"].head(k).tolist()
