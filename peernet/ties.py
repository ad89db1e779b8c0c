"""Ties: the one place where the event log is aggregated to pairs (below graphs and metrics).

Everything in peernet that needs "who is tied to whom" takes it from here: the graph builders
(:mod:`peernet.graphs`), the structure, member, temporal and uncertainty metrics, the maps,
the survey's observed pairs (:mod:`peernet.surveys`), the Grid's indicators and matching.
The names below are public inside peernet (no leading underscore) but not part of the user
API (``pn.*``); they may change between releases.

Aggregates of a slice
---------------------
``person_ties(net, *, kinds=None, directed=False, weight="count", coattendance="count",
max_event_size=MAX_EVENT_SIZE, min_shared=1) -> Ties``
    The person ties of a network or slice: direct interactions (a ``target``) plus
    co-attendance pairs (``B Bᵀ`` of the person x event incidence), summed per pair. The
    arguments are :func:`peernet.person_graph`'s. Memoised on ``net``. :class:`Ties` holds
    ``nodes`` (sorted member ids: active members plus everyone touched by a tie), ``u``,
    ``v`` (positions in ``nodes``; ``u < v`` when undirected), ``count``, ``weight``,
    ``first``/``last`` (int64 ns UTC), ``kinds`` (bitmask over
    :data:`peernet.schema.INTERACTION_KINDS`, see :data:`KIND_BIT`), ``directed``, ``info``
    (what the projection left out) and ``.adjacency()``.
``org_ties(net, **person_ties_kw) -> OrgTies``
    The undirected person ties collapsed by the members' ``org`` (integer codes).
``attendance(net) -> DataFrame``
    Distinct (``event_id``, ``source``) attendance rows with the event's start time.
``roster_attributes(net, nodes, columns=NODE_ATTRIBUTES) -> DataFrame``
    Roster columns of the given member ids (index = id; columns the roster lacks absent).

Integer codes and array kernels
-------------------------------
``positions(values, index)`` (position of each id in an index, -1 when absent),
``pair_keys(a, b, n)`` (unordered pair keys ``min * n + max``), ``unique_int(keys)``
(sorted distinct int64 keys), ``stable_order(keys)``, ``node_positions(columns)`` (sorted
distinct ids of several columns and each row's position), ``event_pairs(ev)`` (every pair of
rows of one event), ``coattendance_pairs(m_idx, e_codes, ev_time, n)`` (pairs of attendees
reduced by pair), ``ns(times)`` (UTC int64 ns, NaT as :data:`NS_NAT`), ``kind_bits(kind)``,
``kind_names(mask)``, ``with_columns(interactions)`` (the optional ``target`` and
``event_id`` columns present).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._cache import cached, forget, memo
from ._memory import paged_like
from .coattendance import attendance_codes, coattendance_pairs, event_pairs
from .grouping import NS_NAT, _group_sums, _most_common, group_rows
from .positions import (
    column_codes,
    distinct_positions,
    in_sorted,
    index_positions,
    key_positions,
    pair_keys,
    pair_positions,
    release_codes,
    stable_order,
    unique_int,
)
from .schema import DEFAULT_WEIGHTS, INTERACTION_KINDS, MUTUAL_KINDS, ns

if TYPE_CHECKING:
    from .network import PeerNetwork

__all__ = ["NODE_ATTRIBUTES", "MAX_EVENT_SIZE", "KIND_BIT", "NS_NAT", "Ties", "OrgTies",
           "person_ties", "org_ties", "attendance", "roster_attributes", "positions",
           "pair_keys", "unique_int", "in_sorted", "stable_order", "node_positions", "event_pairs",
           "directed_pairs", "undirected_pairs", "directed_ties", "release_ties", "stamp_ns",
           "coattendance_pairs", "ns", "kind_bits", "kind_mask", "kind_names", "with_columns",
           "file_paged"]

#: Roster columns copied onto person nodes (when the roster has them).
NODE_ATTRIBUTES = ("org", "sector", "region", "language", "role", "joined")
#: Default largest event whose attendees become tied to each other.
MAX_EVENT_SIZE = 30
KIND_BIT = {k: i for i, k in enumerate(INTERACTION_KINDS)}
#: Bitmask (over :data:`KIND_BIT`) of the mutual kinds (``peernet.schema.MUTUAL_KINDS``).
MUTUAL_BITS = sum(1 << KIND_BIT[k] for k, m in MUTUAL_KINDS.items() if m)
_COATTENDANCE = ("count", "newman", None)


def kind_mask(kinds: Iterable[str]) -> int:
    """The bitmask (over :data:`KIND_BIT`) of the interaction kinds ``kinds``."""
    mask = 0
    for k in kinds:
        mask |= 1 << KIND_BIT[k]
    return mask


def kind_bits(kind: pd.Series) -> np.ndarray:
    """``1 << bit`` of each row's interaction kind (through the categories, not per row)."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        cats = kind.cat.categories.astype(str)
        bits = np.array([KIND_BIT.get(c, -1) for c in cats], dtype=np.int64)
        codes = kind.cat.codes.to_numpy()
        row_bits = bits[codes] if len(bits) else np.zeros(0, np.int64)
        if not ((codes >= 0).all() and (row_bits >= 0).all()):   # as the per-row map would
            return np.left_shift(1, kind.astype("str").map(KIND_BIT).to_numpy(np.int64))
        return np.left_shift(1, row_bits)
    return np.left_shift(1, kind.astype("str").map(KIND_BIT).to_numpy(np.int64))

# ------------------------------------------------------------------------------- ties
@dataclass(frozen=True)
class Ties:
    """Aggregated ties of one slice (internal, shared by graphs and metrics).

    ``nodes`` are member ids (sorted); ``u``, ``v`` index into ``nodes`` (``u < v`` when
    undirected; int32 below 2**31 nodes: widen them before ``u * n``, which overflows
    int32); ``first``/``last`` are int64 nanoseconds since the epoch (UTC), ``kinds`` a
    bitmask over :data:`peernet.schema.INTERACTION_KINDS` (int16), ``count`` int32 (int64
    past 2**31 - 1).
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


def kind_names(mask: int) -> str:
    return "; ".join(k for k, b in KIND_BIT.items() if mask >> b & 1)


def _weights_of(inter: pd.DataFrame, weight: str | Mapping[str, float]) -> np.ndarray:
    """Per-row tie weight: 1 (``"count"``), the weight column (``"weight"``) or a mapping."""
    if isinstance(weight, Mapping):
        table = {**DEFAULT_WEIGHTS, **dict(weight)}
        return np.nan_to_num(_by_kind(inter["kind"], table), nan=1.0)
    if weight == "count":
        return np.ones(len(inter))
    if weight == "weight":
        default = _by_kind(inter["kind"], DEFAULT_WEIGHTS)
        if "weight" in inter.columns:
            given = inter["weight"].to_numpy(float, na_value=np.nan)
            return np.where(np.isnan(given), default, given)
        return default
    raise ValueError(f"weight must be 'count', 'weight' or a mapping kind -> weight; "
                     f"got {weight!r}")


def _by_kind(kind: pd.Series, table: Mapping[str, float]) -> np.ndarray:
    """``kind.astype("str").map(table)`` as floats (NaN where ``table`` has no value): each
    distinct kind looked up once (mapping the text of every row took seconds at 10M rows)."""
    codes, kinds = pd.factorize(kind)
    values = np.array([table.get(str(k), np.nan) for k in kinds] + [np.nan], dtype=float)
    return values[codes]


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



def stamp_ns(t: pd.Timestamp) -> int:
    """A tz-aware time (a window's bound) as int64 UTC ns: ``ns(pd.Series([t]))[0]``
    without the Series (a replicate's indicators read their window's bounds)."""
    if t.tzinfo is None:
        raise TypeError("stamp_ns: a tz-aware time is needed")
    return int(t.as_unit("ns").value)


def with_columns(inter: pd.DataFrame) -> pd.DataFrame:
    """The interactions with the optional ``target`` and ``event_id`` columns present."""
    missing = {c: pd.Series(np.nan, index=inter.index, dtype="str")
               for c in ("target", "event_id") if c not in inter.columns}
    return inter.assign(**missing) if missing else inter


def _attendance_codes(net: PeerNetwork, nodes: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray] | None:
    """:func:`attendance` as codes, in its order: each row's position among ``nodes``, its
    event's code (the rank of its id among the attended events, as ``pd.factorize`` of the
    rows' ``event_id`` gives), the number of events and the time (int64 ns, UTC). None
    when an attendee is not among ``nodes``. The rows are never strings: ``attendance``'s
    group-by of two id columns was +0.6 GB at 3.5 million attendances (100,000 members)."""
    inter = with_columns(net.interactions)
    rows = np.flatnonzero((inter["kind"] == "attend").to_numpy()
                          & inter["event_id"].notna().to_numpy())
    coded = attendance_codes(inter, rows, nodes, coded=(column_codes(net, "source"),
                                                        column_codes(net, "event_id")))
    if coded is None:     # not Arrow text: the rows' ids taken and factorized
        source = inter["source"].take(rows)
        at = index_positions(source, pd.Index(nodes, dtype="str"))
        ok = source.notna().to_numpy()      # a missing source is no attendance, as groupby
        if (at[ok] < 0).any():
            return None
        e_codes, e_uniq = pd.factorize(inter["event_id"].take(rows), sort=True)
        rows, m = rows[ok], at[ok]
        used, e = key_positions(np.asarray(e_codes, np.int64)[ok])
        names = pd.Series(e_uniq.take(used))
        del source, at, e_codes, ok, used
    elif coded is False:
        return None
    else:
        rows, m, e, names = coded
    del coded
    n = max(len(nodes), 1)
    key = e.ravel() * n + m
    tt = ns(inter["timestamp"].take(rows))
    tt[tt == NS_NAT] = np.iinfo(np.int64).max    # the earliest time that is not NaT
    order = np.lexsort((tt, key))
    key, tt = key[order], tt[order]
    del order, e, m
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    key, tt = key[first], tt[first]
    tt[tt == np.iinfo(np.int64).max] = NS_NAT
    ev = key // n
    if len(net.events) and len(key):      # the event's start where the events give one
        start = net.events.drop_duplicates("event_id").set_index("event_id")["start"]
        when = names.map(start)
        known = when.notna().to_numpy()
        w = np.full(len(when), NS_NAT)
        if known.any():
            w[known] = ns(when[known])
        tt = np.where(known[ev], w[ev], tt)
    return key % n, ev, len(names), tt


def attendance(net: PeerNetwork) -> pd.DataFrame:
    """Distinct (member, event) attendance rows with the event's time."""
    inter = with_columns(net.interactions)
    att = inter.loc[(inter["kind"] == "attend").to_numpy() & inter["event_id"].notna().to_numpy(),
                    ["source", "event_id", "timestamp"]]
    att = att.groupby(["event_id", "source"], sort=True, observed=True)["timestamp"].min()
    att = att.reset_index()
    if len(net.events) and len(att):
        start = net.events.drop_duplicates("event_id").set_index("event_id")["start"]
        when = att["event_id"].map(start)
        att["timestamp"] = when.where(when.notna(), att["timestamp"])
    return att


def person_ties(net: PeerNetwork, *, kinds: Iterable[str] | str | None = None,
                directed: bool = False, weight: str | Mapping[str, float] = "count",
                coattendance: str | None = "count", max_event_size: int | None = MAX_EVENT_SIZE,
                min_shared: int = 1) -> Ties:
    """Aggregate a slice's interactions into person ties (memoised on the slice).

    The arguments are :func:`peernet.person_graph`'s (which see); ``kinds`` may name
    ``"attend"`` for co-attendance. Raises ValueError on an unknown kind, coattendance,
    weight, ``max_event_size < 2`` or ``min_shared < 1``.
    """
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
    plain = tuple(k for k in kinds if k != "attend")
    if coattendance is None and plain != kinds and plain:
        # attendance makes no tie without co-attendance: the same ties as without "attend"
        # (kept once; only ``info`` names the kinds asked for)
        def same() -> Ties:
            t = person_ties(net, kinds=plain, directed=directed, weight=weight,
                            coattendance=None, max_event_size=max_event_size,
                            min_shared=min_shared)
            return replace(t, info={**t.info, "kinds": "; ".join(kinds)})
        return cached(net, key, same)
    return cached(net, key, lambda: _build_ties(
        net, kinds=kinds, directed=bool(directed), weight=weight, coattendance=coattendance,
        max_event_size=max_event_size, min_shared=int(min_shared)))


def release_ties(net: PeerNetwork) -> None:
    """Let go the tie tables kept on ``net`` other than its default person ties
    (``person_ties(net)``'s: the directed and the direct-only tables the metrics and the
    Grid built), and the ids' encodings they were built from
    (:func:`peernet.positions.column_codes`); asked for again, they are built again."""
    release_codes(net)
    store = memo(net)
    default = ("ties", _check_kinds(None), False, "count", "count", MAX_EVENT_SIZE, 1)
    for key in [k for k in store or () if isinstance(k, tuple) and k[:1] == ("ties",)
                and k != default]:
        forget(net, key)


def node_positions(columns: list) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sorted distinct ids of several id columns and each row's position among them
    (:func:`peernet.positions.distinct_positions`)."""
    return distinct_positions(columns)


def _direct_frame(net: PeerNetwork, direct_kinds: tuple[str, ...]) -> pd.DataFrame:
    """The slice's direct interactions: a target, a direct kind, not to oneself."""
    inter = with_columns(net.interactions)
    has_target = inter["target"].notna().to_numpy()
    cols = [c for c in ("timestamp", "source", "target", "kind", "weight") if c in inter.columns]
    direct = inter.loc[has_target & inter["kind"].isin(direct_kinds).to_numpy(), cols]
    return direct.loc[(direct["source"] != direct["target"]).to_numpy()]


def _direct_rows(net: PeerNetwork, direct_kinds: tuple[str, ...]) -> dict:
    """The direct interactions of a slice as arrays: node positions, times, kind bits.

    Cached on the slice: the undirected and the directed tie tables (and any other
    settings with the same kinds) filter the log, factorize the ids and convert the times
    and kinds once. Only what the ties need is kept (not the id strings), in small integer
    types (positions int32, kind bits int16: 18 bytes a row instead of 32; widened where
    used).

    Fewer kinds than every direct one (reciprocity's, without contacts) are cut from the
    rows of every direct kind, not kept apart (400 MB at 10M interactions).
    """
    every = tuple(k for k in INTERACTION_KINDS if k != "attend")
    if set(direct_kinds) < set(every):
        return _subset_rows(_direct_rows(net, every), direct_kinds)
    return cached(net, ("direct_rows", direct_kinds),
                  lambda: _build_direct_rows(net, direct_kinds))


def _build_direct_rows(net: PeerNetwork, direct_kinds: tuple[str, ...]) -> dict:
    inter = with_columns(net.interactions)
    active = net.members_active()
    keep = inter["target"].notna().to_numpy() & inter["kind"].isin(direct_kinds).to_numpy()
    coded = pair_positions(inter["source"], inter["target"], keep, active,
                           coded=(column_codes(net, "source"), column_codes(net, "target")))
    del keep
    if coded is None:
        direct = _direct_frame(net, direct_kinds)
        nodes, (_, s, t) = node_positions([active, direct["source"], direct["target"]])
    else:   # the rows' ids as codes, never their text (pair_positions)
        rows, nodes, s, t = coded
        direct = inter[[c for c in ("timestamp", "kind", "weight") if c in inter.columns]
                       ].take(rows)
        del rows, coded
    pos = np.int32 if len(nodes) < 2**31 else np.int64
    weights = direct[[c for c in ("kind", "weight") if c in direct.columns]]
    paged = file_paged(net)   # kept on the slice: in files' pages as the interactions are
    return {"weights": weights.reset_index(drop=True),   # read by position: no row labels
            "active": active, "nodes": nodes, "s": paged(s.astype(pos, copy=False)),
            "t": paged(t.astype(pos, copy=False)), "time": paged(ns(direct["timestamp"])),
            "kind_bits": paged(kind_bits(direct["kind"]).astype(np.int16))}


def _subset_rows(rows: dict, kinds: tuple[str, ...]) -> dict:
    """The direct rows of some kinds cut from ``rows`` (those of every direct kind): the
    same rows in the same order, and the same sorted nodes (the active members and the
    ends of the kept rows) and positions as :func:`_build_direct_rows` of those kinds."""
    bits = kind_mask(kinds)
    keep = (rows["kind_bits"].astype(np.int64) & bits) != 0
    s, t, nodes = rows["s"][keep], rows["t"][keep], rows["nodes"]
    used = np.zeros(len(nodes), bool)
    at = pd.Index(nodes, dtype=object).get_indexer(np.asarray(rows["active"], dtype=object))
    used[at[at >= 0]] = True
    used[s] = True
    used[t] = True
    new = (np.cumsum(used) - 1).astype(s.dtype)
    return {"weights": rows["weights"][keep].reset_index(drop=True), "active": rows["active"],
            "nodes": nodes[used], "s": new[s], "t": new[t], "time": rows["time"][keep],
            "kind_bits": rows["kind_bits"][keep]}


def directed_pairs(net: PeerNetwork, kinds: Iterable[str]) -> tuple[np.ndarray, int]:
    """The distinct directed pairs of the slice's direct rows of ``kinds``, without a tie
    table: sorted keys ``s * n + t`` and ``n`` (positions among the nodes of every direct
    kind's rows). The pairs of ``person_ties(net, kinds=kinds, directed=True,
    coattendance=None)`` without its mirrored contacts: for the kinds that are not mutual,
    its ties one for one (reciprocity's; that table, kept on the slice, was a tenth of the
    2025 evaluation's memory at 30,000 members / 3.7M rows)."""
    every = tuple(k for k in INTERACTION_KINDS if k != "attend")
    rows = _direct_rows(net, every)
    n = len(rows["nodes"])
    bits = kind_mask(k for k in _check_kinds(tuple(kinds)) if k != "attend")
    keep = (rows["kind_bits"].astype(np.int64) & bits) != 0
    keys = rows["s"][keep].astype(np.int64) * n + rows["t"][keep]
    return unique_int(keys), n


def undirected_pairs(net: PeerNetwork, kinds: Iterable[str] | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The undirected ties of the slice's direct rows of ``kinds`` (every direct kind by
    default) without a tie table: ``nodes``, ``u`` and ``v`` of ``person_ties(net,
    kinds=kinds, coattendance=None)`` (its counts, weights, times and kinds were 46 bytes
    a tie, 101 MB kept for 2025 at 100,000 members, for the Grid's tie pairs and core)."""
    rows = _direct_rows(net, tuple(k for k in _check_kinds(kinds) if k != "attend"))
    n = len(rows["nodes"])
    return (rows["nodes"], *_distinct_ends(pair_keys(rows["s"], rows["t"], n), n))


def directed_ties(net: PeerNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ties of ``person_ties(net, directed=True, coattendance=None)`` (every direct
    row, a mutual one both ways) without the table: its ``nodes``, ``u`` and ``v``
    (brokerage's directed adjacency reads only these)."""
    rows = _direct_rows(net, tuple(k for k in INTERACTION_KINDS if k != "attend"))
    n, s, t = len(rows["nodes"]), rows["s"], rows["t"]
    mu = (rows["kind_bits"] & MUTUAL_BITS) != 0
    keys = np.empty(len(s) + int(mu.sum()), np.int64)
    _mirror_keys(s, t, n, keys)
    _mirror_keys(t[mu], s[mu], n, keys[len(s):])
    return (rows["nodes"], *_distinct_ends(keys, n))


def _distinct_ends(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ends ``u``, ``v`` of the distinct pair keys ``u * n + v`` (sorted), ``keys``
    sorted in place (:func:`unique_int` would sort a copy)."""
    keys.sort()
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    return keys // max(n, 1), keys % max(n, 1)


def _build_ties(net, *, kinds, directed, weight, coattendance, max_event_size,
                min_shared) -> Ties:
    """The tie table of :func:`person_ties`: every direct row (a mutual one both ways when
    directed) and every co-attendance pair, reduced by pair (:func:`group_rows`). The
    keys are written into one buffer and the columns handed over by reference (the
    direct rows' are kept on the slice), not copied part by part."""
    direct_kinds = tuple(k for k in kinds if k != "attend")
    rows = _direct_rows(net, direct_kinds)
    nodes, s, t = rows["nodes"], rows["s"], rows["t"]     # int32 positions (widened below)
    use_att = coattendance is not None and "attend" in kinds
    att = _attendance_codes(net, nodes) if use_att else None
    if att is None and use_att:   # attendees outside the nodes: the rows of attendance(), their ids
        frame = attendance(net)
        direct = _direct_frame(net, direct_kinds)
        nodes, (_, s, t, m_idx) = node_positions(
            [rows["active"], direct["source"], direct["target"], frame["source"]])
        e, names = pd.factorize(frame["event_id"])
        att = (m_idx, np.asarray(e, np.int64), len(names), ns(frame["timestamp"]))
        del frame, direct, m_idx
    n = len(nodes)
    info: dict[str, Any] = {"kinds": "; ".join(kinds), "weight": str(weight),
                            "coattendance": str(coattendance), "max_event_size": max_event_size,
                            "min_shared": min_shared, "directed": directed}
    # direct ties: one part of rows, and their mirror for the mutual rows when directed
    w: Any = np.float64(1.0) if weight == "count" else _weights_of(rows["weights"], weight)
    tm, kb = rows["time"], rows["kind_bits"]
    parts: list[list[Any]] = [[len(s), 1, w, tm, tm, kb]]
    info["direct_interactions"] = len(s)
    mu = (kb & MUTUAL_BITS) != 0 if directed else np.zeros(0, bool)
    if mu.any():   # a mutual row (a contact) is a tie both ways, whichever id came first
        parts.append([int(mu.sum()), 1, w if np.ndim(w) == 0 else w[mu], tm[mu], tm[mu],
                      kb[mu]])
    del w, tm, kb, rows
    # co-attendance: every pair of attendees of each kept event (the pairs of B B^T)
    pair = _coattendance_part(att, n, coattendance, weight, max_event_size, min_shared,
                              directed, parts, info) if att is not None and len(att[0]) else None
    del att
    if pair is None:
        info.update(events_over_max_size=0, attendances_in_large_events=0,
                    pairs_below_min_shared=0, coattendance_pairs=0)
    keys = np.empty(sum(p[0] for p in parts), np.int64)   # every part's keys, in order
    d = len(s)
    if directed:
        np.multiply(s, n, out=keys[:d], dtype=np.int64)
        keys[:d] += t
        at = d
        if mu.any():
            at += len(_mirror_keys(t[mu], s[mu], n, keys[d:]))
    else:
        pair_keys(s, t, n, out=keys[:d])
        at = d
    del s, t, mu
    if pair is not None:
        keys[at:at + len(pair)] = pair
        if directed:
            _mirror_keys(pair % n, pair // n, n, keys[at + len(pair):])
        del pair
    held = [keys]
    del keys
    keys, count, wsum, first, last, kmask = group_rows(held, parts)
    small = not len(count) or int(count.max()) < 2**31   # counts int32, kind bits int16
    pos = np.int32 if n < 2**31 else np.int64            # ends int32: widen before u * n
    paged = file_paged(net)
    return Ties(nodes=nodes, u=paged((keys // max(n, 1)).astype(pos)),
                v=paged((keys % max(n, 1)).astype(pos)),
                count=paged(count.astype(np.int32 if small else np.int64)),
                weight=paged(wsum.astype(float)), first=paged(first), last=paged(last),
                kinds=paged(kmask.astype(np.int16)), directed=directed, info=info)


def file_paged(net: PeerNetwork) -> Callable[[np.ndarray], np.ndarray]:
    """What puts an array computed from ``net``'s interactions (a tie table's column, the
    Grid's value a row) in files' pages when the interactions are held there
    (``pn.load(engine="duckdb")``: under a memory limit the kernel pages them out instead
    of killing the process), and leaves it as it is otherwise
    (:func:`peernet._memory.paged_like`)."""
    src = net.root.interactions.get("source")
    if src is None or not isinstance(src.dtype, pd.CategoricalDtype):
        return lambda a: a
    codes = src.array.codes
    return lambda a: paged_like(a, codes)


def _mirror_keys(a: np.ndarray, b: np.ndarray, n: int, out: np.ndarray) -> np.ndarray:
    """Directed keys ``a * n + b`` (int64, whatever the positions' type) written into the
    start of ``out``; returns that part."""
    out = out[:len(a)]
    np.multiply(a, n, out=out, dtype=np.int64)
    out += b
    return out


def _coattendance_part(att: tuple, n: int, coattendance: str, weight: Any,
                       max_event_size: int | None, min_shared: int, directed: bool,
                       parts: list[list[Any]], info: dict) -> np.ndarray:
    """The co-attendance pairs of the attendance codes ``att`` (their events of at most
    ``max_event_size`` attendees, shared ``min_shared`` times or more): their columns
    appended to ``parts`` (twice when directed: the mirror's keys are the caller's), their
    counts to ``info``; returns the pairs' keys ``lo * n + hi``."""
    m_idx, e_codes, n_events, att_time = att
    size = np.bincount(e_codes, minlength=n_events)
    big = size > max_event_size if max_event_size is not None else np.zeros(len(size), bool)
    info["events_over_max_size"] = int(big.sum())
    info["attendances_in_large_events"] = int(size[big].sum())
    if big.any():
        keep_row = ~big[e_codes]
        m_idx, e_codes, att_time = m_idx[keep_row], e_codes[keep_row], att_time[keep_row]
        del keep_row
    ev_time = np.full(n_events, np.iinfo(np.int64).max)
    np.minimum.at(ev_time, e_codes, att_time)
    del att_time
    pair, shared, cfirst, clast = coattendance_pairs(m_idx, e_codes, ev_time, n)
    ok = shared >= min_shared
    info["pairs_below_min_shared"] = int((~ok).sum())
    if not ok.all():
        pair, shared, cfirst, clast = pair[ok], shared[ok], cfirst[ok], clast[ok]
    del ok
    if coattendance == "newman":
        cu, cv = pair // n, pair % n
        b = sp.csr_array((np.ones(len(m_idx)), (m_idx, e_codes)), shape=(n, n_events))
        inv = np.where(size > 1, 1.0 / np.maximum(size - 1, 1), 0.0)
        nw = sp.triu((b * inv[None, :]) @ b.T, k=1).tocsr()
        cw = np.asarray(nw[cu, cv]).ravel()
        del b, nw, cu, cv
    else:
        cw = shared.astype(float)
    del m_idx, e_codes
    if isinstance(weight, Mapping):
        cw = cw * float({**DEFAULT_WEIGHTS, **dict(weight)}.get("attend", 1.0))
    elif weight == "weight":
        cw = cw * DEFAULT_WEIGHTS["attend"]
    abit = np.int16(1 << KIND_BIT["attend"])
    for _ in range(2 if directed else 1):
        parts.append([len(pair), shared, cw, cfirst, clast, abit])
    info["coattendance_pairs"] = int(len(pair))
    return pair


# ------------------------------------------------------------------------------- roster
def roster_attributes(net: PeerNetwork, nodes: np.ndarray | Sequence[str],
                       columns: Iterable[str] = NODE_ATTRIBUTES) -> pd.DataFrame:
    """Roster attributes of ``nodes`` (index = node id); missing columns are absent."""
    members = net.members.drop_duplicates("member_id").set_index("member_id")
    cols = [c for c in columns if c in members.columns]
    return members.reindex(pd.Index(nodes, dtype="str"))[cols]


@dataclass(frozen=True)
class OrgTies:
    """Organization ties of one slice as arrays (internal; shared by org_graph and maps).

    ``orgs`` are the organization names (sorted); ``a < b`` index into them; ``first`` and
    ``last`` are int64 nanoseconds (UTC); ``sector`` is each org's most common member
    sector (None where unknown), or None when the roster has no sector; ``internal_ties``
    counts the person ties inside each org (as ``ties`` counts those between two orgs).
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
    internal_ties: np.ndarray | None = None
    counted: np.ndarray | None = None


def org_ties(net: PeerNetwork, *, kinds: Iterable[str] | str | None = None,
             weight: str | Mapping[str, float] = "count", coattendance: str | None = "count",
             max_event_size: int | None = MAX_EVENT_SIZE, min_shared: int = 1,
             having: Iterable[str] | None = None,
             counting: Iterable[str] | None = None) -> OrgTies:
    """The undirected person ties of ``net`` collapsed by organization (arguments as
    :func:`person_ties`; integer codes throughout: at 100,000 members / 4 million ties the
    string group-by and the networkx graph took 8 s).

    ``having`` (interaction kinds): only the person ties with at least one interaction of
    these kinds; their ``count`` and ``weight`` still sum every kind asked for. Its
    ``ties`` are those of ``kinds=having`` (a pair is tied by these kinds or not), read
    from the ties already kept instead of a tie table of their own. ``counting``
    (interaction kinds): also ``counted``, each pair's person ties with at least one
    interaction of these kinds (the ``ties`` of ``having=counting``, in the same pass)."""
    ties = person_ties(net, directed=False, kinds=kinds, weight=weight,
                       coattendance=coattendance, max_event_size=max_event_size,
                       min_shared=min_shared)
    attrs = roster_attributes(net, ties.nodes, ("org", "sector"))
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
        sector = _most_common(codes, attrs["sector"], has, k)
    ok = has[ties.u] & has[ties.v]
    if having is not None:   # picked with the rest: not a copy of the tie table's columns
        ok &= (ties.kinds & kind_mask(_check_kinds(having))) != 0
    ca, cb = codes[ties.u[ok]].astype(np.int64), codes[ties.v[ok]].astype(np.int64)
    w, c = ties.weight[ok], ties.count[ok].astype(np.int64)
    marked = None if counting is None else \
        (ties.kinds[ok] & kind_mask(_check_kinds(counting))) != 0
    inside = ca == cb
    groups = np.arange(k, dtype=np.int64)
    internal = {"weight": _group_sums(ca[inside], w[inside], groups, ca[inside]),
                "count": np.bincount(ca[inside], weights=c[inside], minlength=k
                                     ).astype(np.int64),
                "ties": np.bincount(ca[inside], minlength=k).astype(np.int64)}
    out = ~inside
    key = pair_keys(ca[out], cb[out], k)
    order = stable_order(key)
    sorted_keys = key[order]
    new_group = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]][:len(key)]
    start = np.flatnonzero(new_group)
    ukeys = sorted_keys[start]
    group_of = np.empty(len(key), np.int64)     # each row's group, in row order
    group_of[order] = np.cumsum(new_group) - 1
    first, last = ties.first[ok][out], ties.last[ok][out]
    agg = {"weight": _group_sums(key, w[out], ukeys, group_of),
           "count": np.bincount(group_of, weights=c[out], minlength=len(ukeys)
                                ).astype(np.int64),
           "ties": np.bincount(group_of, minlength=len(ukeys)).astype(np.int64),
           "first": np.minimum.reduceat(first[order], start) if len(key) else first,
           "last": np.maximum.reduceat(last[order], start) if len(key) else last}
    counted = None if marked is None else np.bincount(
        group_of, weights=marked[out], minlength=len(ukeys)).astype(np.int64)
    return OrgTies(orgs=orgs, members=members,
                   internal_weight=internal["weight"], internal_count=internal["count"],
                   sector=sector, a=ukeys // k if k else ukeys, b=ukeys % k if k else ukeys,
                   weight=agg["weight"], count=agg["count"], ties=agg["ties"],
                   first=agg["first"].astype(np.int64), last=agg["last"].astype(np.int64),
                   members_without_org=int((~has).sum()), internal_ties=internal["ties"],
                   counted=counted)


# ------------------------------------------------------------------------- integer codes
def positions(values: pd.Series | np.ndarray | pd.Index, index: pd.Index) -> np.ndarray:
    """Position of each id of ``values`` in ``index`` (int64; -1 when absent or missing)."""
    return index_positions(values, index)
