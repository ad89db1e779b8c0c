"""Graphs from a PeerNetwork: person, organization and person x event.

All builders take a network already sliced with ``net.period(...)`` (or a whole network) and
never slice by themselves. The event log is aggregated to ties with vectorised numpy /
pandas group-bys and a scipy.sparse product (co-attendance); networkx only receives the
finished node and edge lists. The aggregated ties of a slice are cached on the slice, so
calling the builders and the metrics several times on one slice is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._cache import cached
from .schema import DEFAULT_WEIGHTS, INTERACTION_KINDS

__all__ = ["person_graph", "org_graph", "event_graph", "NODE_ATTRIBUTES"]

#: Roster columns copied onto person nodes (when the roster has them).
NODE_ATTRIBUTES = ("org", "sector", "region", "language", "role", "joined")
#: Default largest event whose attendees become tied to each other.
MAX_EVENT_SIZE = 30
_KIND_BIT = {k: i for i, k in enumerate(INTERACTION_KINDS)}
_COATTENDANCE = ("count", "newman", None)
_NS_NAT = np.iinfo(np.int64).min


def _unique_int(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, by sorting.

    numpy 2.4's ``np.unique`` hashes integers when no inverse is asked for, which is about
    20-100x slower than a sort on hundreds of thousands of int64 keys.
    """
    keys = np.sort(np.asarray(keys).ravel())
    if len(keys) < 2:
        return keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


def _kind_bits(kind: pd.Series) -> np.ndarray:
    """``1 << bit`` of each row's interaction kind (through the categories, not per row)."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        cats = kind.cat.categories.astype(str)
        bits = np.array([_KIND_BIT.get(c, -1) for c in cats], dtype=np.int64)
        codes = kind.cat.codes.to_numpy()
        row_bits = bits[codes] if len(bits) else np.zeros(0, np.int64)
        if not ((codes >= 0).all() and (row_bits >= 0).all()):   # as the per-row map would
            return np.left_shift(1, kind.astype("str").map(_KIND_BIT).to_numpy(np.int64))
        return np.left_shift(1, row_bits)
    return np.left_shift(1, kind.astype("str").map(_KIND_BIT).to_numpy(np.int64))

# ------------------------------------------------------------------------------- ties
@dataclass(frozen=True)
class Ties:
    """Aggregated ties of one slice (internal, shared by graphs and metrics).

    ``nodes`` are member ids (sorted); ``u``, ``v`` index into ``nodes`` (``u < v`` when
    undirected); ``first``/``last`` are int64 nanoseconds since the epoch (UTC), ``kinds`` a
    bitmask over :data:`peernet.schema.INTERACTION_KINDS`.
    """

    nodes: np.ndarray
    u: np.ndarray
    v: np.ndarray
    count: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    last: np.ndarray
    kinds: np.ndarray
    directed: bool
    info: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.u)

    def adjacency(self, *, weighted: bool = False, symmetric: bool = True) -> sp.csr_array:
        """Adjacency matrix (n x n, CSR); symmetric for undirected ties."""
        data = self.weight if weighted else np.ones(self.m)
        if symmetric and not self.directed:
            rows = np.concatenate([self.u, self.v])
            cols = np.concatenate([self.v, self.u])
            data = np.concatenate([data, data])
        else:
            rows, cols = self.u, self.v
        a = sp.csr_array((data.astype(float), (rows, cols)), shape=(self.n, self.n))
        a.sum_duplicates()
        return a


def _kind_names(mask: int) -> str:
    return "; ".join(k for k, b in _KIND_BIT.items() if mask >> b & 1)


def _weights_of(inter: pd.DataFrame, weight: str | Mapping[str, float]) -> np.ndarray:
    """Per-row tie weight: 1 (``"count"``), the weight column (``"weight"``) or a mapping."""
    if isinstance(weight, Mapping):
        table = {**DEFAULT_WEIGHTS, **dict(weight)}
        return inter["kind"].astype("str").map(table).fillna(1.0).to_numpy(float)
    if weight == "count":
        return np.ones(len(inter))
    if weight == "weight":
        default = inter["kind"].astype("str").map(DEFAULT_WEIGHTS).to_numpy(float)
        if "weight" in inter.columns:
            given = inter["weight"].to_numpy(float, na_value=np.nan)
            return np.where(np.isnan(given), default, given)
        return default
    raise ValueError(f"weight must be 'count', 'weight' or a mapping kind -> weight; "
                     f"got {weight!r}")


def _check_kinds(kinds: Iterable[str] | str | None) -> tuple[str, ...]:
    if kinds is None:
        return INTERACTION_KINDS
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = tuple(dict.fromkeys(kinds))
    bad = [k for k in kinds if k not in INTERACTION_KINDS]
    if bad:
        raise ValueError(f"kinds must be interaction kinds {list(INTERACTION_KINDS)}; "
                         f"got {bad}")
    return kinds


def _ns(values: pd.Series) -> np.ndarray:
    """UTC datetimes as int64 ns (NaT -> int64 min)."""
    return values.dt.tz_convert("UTC").dt.as_unit("ns").to_numpy("datetime64[ns]").view("i8")


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative int64 keys, by one plain sort.

    ``key * len + row`` is unique, so numpy's (SIMD) sort of it gives the stable order
    about 8x faster than the stable argsort; falls back to that when the product could
    overflow int64.
    """
    r = len(keys)
    if r and keys.min() >= 0 and int(keys.max()) < (1 << 62) // max(r, 1):
        return np.sort(keys * r + np.arange(r, dtype=np.int64)) % r
    return np.argsort(keys, kind="stable")


def _group(keys: np.ndarray, count: np.ndarray, weight: np.ndarray, first: np.ndarray,
           last: np.ndarray, kinds: np.ndarray):
    """Sum/min/max/or of per-row values by integer key (vectorised)."""
    if not len(keys):
        z = np.zeros(0)
        return keys, z, z, np.zeros(0, "i8"), np.zeros(0, "i8"), np.zeros(0, "i8")
    order = _stable_order(keys)
    keys = keys[order]
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    first_v = first[order]
    first_v[first_v == _NS_NAT] = np.iinfo(np.int64).max
    f = np.minimum.reduceat(first_v, start)
    f[f == np.iinfo(np.int64).max] = _NS_NAT
    return (keys[start], np.add.reduceat(count[order], start),
            np.add.reduceat(weight[order], start), f,
            np.maximum.reduceat(last[order], start),
            np.bitwise_or.reduceat(kinds[order], start))


def _with_columns(inter: pd.DataFrame) -> pd.DataFrame:
    """The interactions with the optional ``target`` and ``event_id`` columns present."""
    missing = {c: pd.Series(np.nan, index=inter.index, dtype="str")
               for c in ("target", "event_id") if c not in inter.columns}
    return inter.assign(**missing) if missing else inter


def _attendance(net: Any) -> pd.DataFrame:
    """Distinct (member, event) attendance rows with the event's time."""
    inter = _with_columns(net.interactions)
    att = inter.loc[(inter["kind"] == "attend").to_numpy() & inter["event_id"].notna().to_numpy(),
                    ["source", "event_id", "timestamp"]]
    att = att.groupby(["event_id", "source"], sort=True, observed=True)["timestamp"].min()
    att = att.reset_index()
    if len(net.events) and len(att):
        start = net.events.drop_duplicates("event_id").set_index("event_id")["start"]
        when = att["event_id"].map(start)
        att["timestamp"] = when.where(when.notna(), att["timestamp"])
    return att


def _ties(net: Any, *, kinds=None, directed: bool = False, weight: Any = "count",
          coattendance: str | None = "count", max_event_size: int | None = MAX_EVENT_SIZE,
          min_shared: int = 1) -> Ties:
    """Aggregate a slice's interactions into ties (cached on the slice)."""
    kinds = _check_kinds(kinds)
    if coattendance not in _COATTENDANCE:
        raise ValueError(f"coattendance must be one of 'count', 'newman' or None; "
                         f"got {coattendance!r}")
    if max_event_size is not None and (not isinstance(max_event_size, (int, np.integer))
                                       or max_event_size < 2):
        raise ValueError(f"max_event_size must be an integer >= 2 or None; "
                         f"got {max_event_size!r}")
    if not isinstance(min_shared, (int, np.integer)) or min_shared < 1:
        raise ValueError(f"min_shared must be an integer >= 1; got {min_shared!r}")
    if not isinstance(weight, Mapping):
        _weights_of(net.interactions.iloc[:0], weight)  # validates the name
    wkey = tuple(sorted(weight.items())) if isinstance(weight, Mapping) else weight
    key = ("ties", kinds, bool(directed), wkey, coattendance, max_event_size, int(min_shared))
    return cached(net, key, lambda: _build_ties(
        net, kinds=kinds, directed=bool(directed), weight=weight, coattendance=coattendance,
        max_event_size=max_event_size, min_shared=int(min_shared)))


def _node_positions(columns: list) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sorted distinct ids of several id columns and each row's position among them.

    Each column is factorized on its own (arrow-backed strings hash without an object copy
    of the rows); only the few distinct ids are merged and sorted as Python strings.
    """
    factors = [pd.factorize(col) for col in columns]
    if any((np.asarray(c) < 0).any() for c, _ in factors):   # missing ids: one object pass
        ids = [np.asarray(col, dtype=object) for col in columns]
        codes, uniq = pd.factorize(np.concatenate(ids))
        cut = np.r_[0, np.cumsum([len(x) for x in ids])]
    else:
        codes_u, uniq = pd.factorize(np.concatenate(
            [np.asarray(u, dtype=object) for _, u in factors]))
        shift = np.r_[0, np.cumsum([len(u) for _, u in factors])]
        codes = np.concatenate([codes_u[shift[i] + np.asarray(c, np.int64)]
                                for i, (c, _) in enumerate(factors)])
        cut = np.r_[0, np.cumsum([len(c) for c, _ in factors])]
    uniq = np.asarray(uniq, dtype=object)
    order = np.argsort(uniq, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    pos = rank[codes] if len(codes) else np.zeros(0, np.int64)
    return uniq[order], [pos[cut[i]:cut[i + 1]] for i in range(len(columns))]


def _direct_frame(net: Any, direct_kinds: tuple[str, ...]) -> pd.DataFrame:
    """The slice's direct interactions: a target, a direct kind, not to oneself."""
    inter = _with_columns(net.interactions)
    has_target = inter["target"].notna().to_numpy()
    cols = [c for c in ("timestamp", "source", "target", "kind", "weight") if c in inter.columns]
    direct = inter.loc[has_target & inter["kind"].isin(direct_kinds).to_numpy(), cols]
    return direct.loc[(direct["source"] != direct["target"]).to_numpy()]


def _direct_rows(net: Any, direct_kinds: tuple[str, ...]) -> dict:
    """The direct interactions of a slice as arrays: node positions, times, kind bits.

    Cached on the slice: the undirected and the directed tie tables (and any other
    settings with the same kinds) filter the log, factorize the ids and convert the times
    and kinds once. Only what the ties need is kept (not the id strings).
    """
    def build():
        direct = _direct_frame(net, direct_kinds)
        active = net.members_active()
        nodes, (_, s, t) = _node_positions([active, direct["source"], direct["target"]])
        return {"weights": direct[[c for c in ("kind", "weight") if c in direct.columns]],
                "active": active, "nodes": nodes, "s": s, "t": t,
                "time": _ns(direct["timestamp"]), "kind_bits": _kind_bits(direct["kind"])}
    return cached(net, ("direct_rows", direct_kinds), build)


def _build_ties(net, *, kinds, directed, weight, coattendance, max_event_size,
                min_shared) -> Ties:
    direct_kinds = tuple(k for k in kinds if k != "attend")
    rows = _direct_rows(net, direct_kinds)
    nodes, s, t = rows["nodes"], rows["s"], rows["t"]
    use_att = coattendance is not None and "attend" in kinds
    att = _attendance(net) if use_att else None
    m_idx = None
    if att is not None:
        a_codes, a_uniq = pd.factorize(att["source"])
        at = pd.Index(nodes, dtype=object).get_indexer(np.asarray(a_uniq, dtype=object))
        if (np.asarray(a_codes) < 0).any() or (at < 0).any():   # attendees outside the nodes
            direct = _direct_frame(net, direct_kinds)
            nodes, (_, s, t, m_idx) = _node_positions(
                [rows["active"], direct["source"], direct["target"], att["source"]])
        else:
            m_idx = at[np.asarray(a_codes, np.int64)]
    n = len(nodes)
    info: dict[str, Any] = {"kinds": "; ".join(kinds), "weight": str(weight),
                            "coattendance": str(coattendance), "max_event_size": max_event_size,
                            "min_shared": min_shared, "directed": directed}

    # direct ties
    w = _weights_of(rows["weights"], weight)
    tm = rows["time"]
    kb = rows["kind_bits"]
    if directed:
        keys = s * n + t
    else:
        keys = np.minimum(s, t) * n + np.maximum(s, t)
    parts = [(keys, np.ones(len(keys)), w, tm, tm, kb)]
    info["direct_interactions"] = len(keys)

    # co-attendance: every pair of attendees of each kept event (the pairs of B B^T)
    if att is not None and len(att):
        e_codes, e_names = pd.factorize(att["event_id"])
        size = np.bincount(e_codes, minlength=len(e_names))
        big = size > max_event_size if max_event_size is not None else np.zeros(len(size), bool)
        info["events_over_max_size"] = int(big.sum())
        info["attendances_in_large_events"] = int(size[big].sum())
        keep_row = ~big[e_codes]
        m_idx, e_codes = m_idx[keep_row], e_codes[keep_row]
        ev_time = np.full(len(e_names), np.iinfo(np.int64).max)
        np.minimum.at(ev_time, e_codes, _ns(att["timestamp"])[keep_row])
        pair, shared, cfirst, clast = _coattendance_pairs(m_idx, e_codes, ev_time, n)
        ok = shared >= min_shared
        info["pairs_below_min_shared"] = int((~ok).sum())
        pair, shared, cfirst, clast = pair[ok], shared[ok], cfirst[ok], clast[ok]
        cu, cv = pair // n, pair % n
        if coattendance == "newman":
            b = sp.csr_array((np.ones(len(m_idx)), (m_idx, e_codes)), shape=(n, len(e_names)))
            inv = np.where(size > 1, 1.0 / np.maximum(size - 1, 1), 0.0)
            nw = sp.triu((b * inv[None, :]) @ b.T, k=1).tocsr()
            cw = np.asarray(nw[cu, cv]).ravel()
        else:
            cw = shared.astype(float)
        if isinstance(weight, Mapping):
            cw = cw * float({**DEFAULT_WEIGHTS, **dict(weight)}.get("attend", 1.0))
        elif weight == "weight":
            cw = cw * DEFAULT_WEIGHTS["attend"]
        abit = np.full(len(cu), 1 << _KIND_BIT["attend"], np.int64)
        parts.append((cu * n + cv, shared.astype(float), cw, cfirst, clast, abit))
        if directed:
            parts.append((cv * n + cu, shared.astype(float), cw, cfirst, clast, abit))
        info["coattendance_pairs"] = int(len(cu))
    else:
        info.update(events_over_max_size=0, attendances_in_large_events=0,
                    pairs_below_min_shared=0, coattendance_pairs=0)
    cat = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    keys, count, wsum, first, last, kmask = _group(*cat)
    return Ties(nodes=nodes, u=keys // n if n else keys, v=keys % n if n else keys,
                count=count.astype(np.int64), weight=wsum.astype(float), first=first,
                last=last, kinds=kmask.astype(np.int64), directed=directed, info=info)


def _event_pairs(ev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left, right), left < right, of every pair of rows sharing an event.

    ``ev`` must be sorted (rows of one event adjacent); vectorised with numpy repeats.
    """
    if not len(ev):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    bounds = np.flatnonzero(np.r_[True, ev[1:] != ev[:-1], True])
    sizes = np.diff(bounds)
    pos = np.arange(len(ev)) - np.repeat(bounds[:-1], sizes)
    reps = np.repeat(sizes, sizes) - pos - 1
    left = np.repeat(np.arange(len(ev)), reps)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(reps) - reps, reps)
    return left, right


def _coattendance_pairs(m_idx: np.ndarray, e_codes: np.ndarray, ev_time: np.ndarray,
                        n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of members who attended a same (kept) event, reduced by pair.

    Returns the pair keys ``lo * n + hi`` (sorted), the number of events the two shared
    (the entries of the upper triangle of ``B Bᵀ``) and the first and last shared event
    time. Every pair of attendees of each event is listed with numpy repeats and sorted
    once together with the event time's rank; events are at most ``max_event_size`` large,
    so this is O(attendances x size).
    """
    if not len(m_idx):
        z = np.zeros(0, np.int64)
        return z, z, z, z
    rows = np.sort(np.asarray(e_codes, np.int64) * n + m_idx)   # by event, then member
    mem, ev = rows % n, rows // n
    left, right = _event_pairs(ev)
    if not len(left):
        z = np.zeros(0, np.int64)
        return z, z, z, z
    keys = mem[left] * n + mem[right]          # attendees are sorted within an event: lo, hi
    times, ev_rank = np.unique(ev_time, return_inverse=True)   # events, not pairs
    t = ev_rank.astype(np.int64).ravel()[ev[left]]
    span = len(times)
    if n * n * span < (1 << 62):               # one plain sort of (pair, time rank)
        comb = np.sort(keys * span + t)
        keys, t = comb // span, comb % span
    else:
        o = np.lexsort((t, keys))
        keys, t = keys[o], t[o]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return keys[starts], ends - starts, times[t[starts]], times[t[ends - 1]]


# ------------------------------------------------------------------------------- roster
def _roster_attributes(net: Any, nodes: np.ndarray,
                       columns: Iterable[str] = NODE_ATTRIBUTES) -> pd.DataFrame:
    """Roster attributes of ``nodes`` (index = node id); missing columns are absent."""
    members = net.members.drop_duplicates("member_id").set_index("member_id")
    cols = [c for c in columns if c in members.columns]
    return members.reindex(pd.Index(nodes, dtype="str"))[cols]


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
    out[np.asarray(ns) == _NS_NAT] = None
    return out


def _to_graph(ties: Ties, attrs: pd.DataFrame, graph_attrs: dict) -> nx.Graph:
    G = nx.DiGraph() if ties.directed else nx.Graph()
    G.graph.update(graph_attrs)
    G.add_nodes_from(zip(ties.nodes.tolist(), _node_dicts(attrs), strict=True))
    if ties.m:
        first, last = _datetimes(ties.first), _datetimes(ties.last)
        names = {int(k): _kind_names(int(k)) for k in np.unique(ties.kinds)}
        kinds = [names[k] for k in ties.kinds.tolist()]
        nodes = ties.nodes
        G.add_edges_from(
            (a, b, {"weight": w, "count": c, "first": f, "last": la, "kinds": k})
            for a, b, w, c, f, la, k in zip(nodes[ties.u].tolist(), nodes[ties.v].tolist(),
                                            ties.weight.tolist(), ties.count.tolist(), first,
                                            last, kinds, strict=True))
    return G


def person_graph(net: Any, *, kinds: Iterable[str] | str | None = None, directed: bool = False,
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
    ties = _ties(net, kinds=kinds, directed=directed, weight=weight, coattendance=coattendance,
                 max_event_size=max_event_size, min_shared=min_shared)
    attrs = _roster_attributes(net, ties.nodes)
    G = _to_graph(ties, attrs, {"name": getattr(net, "name", "network"),
                                "period": getattr(net, "label", "all"), **ties.info})
    if "survey" not in sources:
        return G
    return _with_survey_ties(G, net, kinds, logs="logs" in sources)


def _with_survey_ties(G: nx.Graph, net: Any, kinds: Any, *, logs: bool) -> nx.Graph:
    """Join the survey's reported ties to a log graph, with provenance on every edge."""
    from .metrics.survey import reported_vs_observed

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
        extra = _roster_attributes(net, sorted(new_nodes - set(G)))
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


def org_graph(net: Any, *, kinds: Iterable[str] | str | None = None,
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
    o = _org_ties(net, kinds=kinds, weight=weight, coattendance=coattendance,
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


@dataclass(frozen=True)
class OrgTies:
    """Organization ties of one slice as arrays (internal; shared by org_graph and maps).

    ``orgs`` are the organization names (sorted); ``a < b`` index into them; ``first`` and
    ``last`` are int64 nanoseconds (UTC); ``sector`` is each org's most common member
    sector (None where unknown), or None when the roster has no sector.
    """

    orgs: np.ndarray
    members: np.ndarray
    internal_weight: np.ndarray
    internal_count: np.ndarray
    sector: np.ndarray | None
    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    ties: np.ndarray
    first: np.ndarray
    last: np.ndarray
    members_without_org: int


def _org_ties(net: Any, **kw: Any) -> OrgTies:
    """The person ties of ``net`` collapsed by organization (integer codes throughout: at
    100,000 members / 4 million ties the string group-by and the networkx graph took 8 s)."""
    ties = _ties(net, directed=False, **kw)
    attrs = _roster_attributes(net, ties.nodes, ("org", "sector"))
    empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, float)
    if "org" not in attrs.columns:
        return OrgTies(np.zeros(0, object), empty_i, empty_f, empty_i, None, empty_i, empty_i,
                       empty_f, empty_i, empty_i, empty_i, empty_i, ties.n)
    has = attrs["org"].notna().to_numpy()
    codes, orgs = pd.factorize(attrs["org"].astype(object), sort=True)
    orgs = np.asarray(orgs, dtype=object)
    k = len(orgs)
    members = np.bincount(codes[has], minlength=k).astype(np.int64)
    sector = None
    if "sector" in attrs.columns:
        known = attrs.loc[has].dropna(subset=["sector"])
        mode = known.groupby("org")["sector"].agg(lambda s: s.value_counts().index[0])
        sector = np.array([mode.get(o) for o in orgs.tolist()], dtype=object)
    ok = has[ties.u] & has[ties.v]
    ca, cb = codes[ties.u[ok]], codes[ties.v[ok]]
    w, c = ties.weight[ok], ties.count[ok]
    inside = ca == cb
    # sums through pandas' group-by (compensated summation, in row order), as before
    internal = pd.DataFrame({"weight": w[inside], "count": c[inside]}).groupby(
        ca[inside], sort=True).sum().reindex(np.arange(k), fill_value=0)
    out = ~inside
    lo, hi = np.minimum(ca[out], cb[out]), np.maximum(ca[out], cb[out])
    agg = pd.DataFrame({"weight": w[out], "count": c[out], "first": ties.first[ok][out],
                        "last": ties.last[ok][out]}).groupby(lo * k + hi, sort=True).agg(
        weight=("weight", "sum"), count=("count", "sum"), ties=("weight", "size"),
        first=("first", "min"), last=("last", "max"))
    ukeys = agg.index.to_numpy(np.int64)
    return OrgTies(orgs=orgs, members=members,
                   internal_weight=internal["weight"].to_numpy(float),
                   internal_count=internal["count"].to_numpy(np.int64), sector=sector,
                   a=ukeys // k if k else ukeys, b=ukeys % k if k else ukeys,
                   weight=agg["weight"].to_numpy(float), count=agg["count"].to_numpy(np.int64),
                   ties=agg["ties"].to_numpy(np.int64), first=agg["first"].to_numpy(np.int64),
                   last=agg["last"].to_numpy(np.int64), members_without_org=int((~has).sum()))


def event_graph(net: Any) -> nx.Graph:
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
    att = _attendance(net)
    people = np.array(sorted(set(att["source"])), dtype=object)
    attrs = _roster_attributes(net, people)
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
