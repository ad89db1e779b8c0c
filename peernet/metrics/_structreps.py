"""Headline network metrics of event-resampled replicates without rebuilding networks
(private; :mod:`peernet.metrics.uncertainty` re-exports :class:`StructureReplicates`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._cache import memo
from ..positions import index_positions, key_positions
from ..schema import MUTUAL_KINDS
from ..ties import (
    MAX_EVENT_SIZE,
    event_pairs,
    pair_keys,
    person_ties,
    roster_attributes,
    with_columns,
)
from . import _sparse as K
from ._resample import draw_units, unit_codes

#: Triangles of a slice's person graph listed once for the bootstrap (24 bytes each) up to
#: this many; above it each replicate lists its own.
MAX_LISTED_TRIANGLES = 10_000_000
#: Entries the Grid's replicates read of a batch (:meth:`StructureReplicates.remember_bits`).
_GRID_READS = frozenset({"reciprocity", "largest_component_share"})


class StructureReplicates:
    """network_metrics entries of event-resampled replicates without rebuilding networks.

    Every tie-making row (a direct interaction, or a pair of attendees of an event of at most
    ``max_event_size`` people) is listed once with its resampling unit; a replicate only
    reweights these rows by how often each unit was drawn. The replicates are the ones
    :func:`resample_events` builds from the same random draws (tested equal), for the
    default person graph.
    """

    def __init__(self, net: Any, names: list[str] | None):
        from ..network import guest_ids
        from ..schema import split_list

        self.want = set(names or ())
        # the roster as network_metrics counts it: guests are in the log, never members
        self.members = len(net.members_current().difference(list(guest_ids(net.members))))
        inter = with_columns(net.interactions)
        self.codes = unit_codes(net)
        self.k = int(self.codes.max()) + 1
        nodes = person_ties(net).nodes
        self.nodes = nodes
        n = self.n = len(nodes)
        index = pd.Index(nodes)
        self.src = index_positions(inter["source"], index)
        direct = (inter["target"].notna() & (inter["kind"] != "attend")
                  & (inter["source"] != inter["target"])).to_numpy()
        s, t = self.src[direct], index_positions(inter.loc[direct, "target"], index)
        d_unit = self.codes[direct]
        # a contact (a mutual kind) is an act of both people and no directed tie
        # (PeerNetwork.acts, metrics.reciprocity)
        mutual = inter.loc[direct, "kind"].isin(
            [k for k, m in MUTUAL_KINDS.items() if m]).to_numpy()
        self.m_tgt, self.m_unit = t[mutual], d_unit[mutual]
        d_dir = (s * n + t)[~mutual]
        self.dir_unit = d_unit[~mutual]
        ev, mem, unit = _attendances(inter, self.src, self.codes, n)
        left, right = event_pairs(ev)
        people = []
        if len(net.problems):
            people.append(net.problems["raised_by"].dropna())
            if "helpers" in net.problems.columns:
                people.append(split_list(net.problems["helpers"]))
        fixed = index.get_indexer(pd.concat(people)) if people else np.zeros(0, np.int64)
        self.fixed = np.unique(fixed[fixed >= 0]).astype(np.int64)
        self.attrs = roster_attributes(net, nodes)
        # every distinct tie once; each row points at its tie (no sort per replicate): the
        # direct rows' then the co-attendance pairs' keys and units, written in place
        nd = len(s)
        keys = np.empty(nd + len(left), np.int64)
        pair_keys(s, t, n, out=keys[:nd])
        pair_keys(mem[left], mem[right], n, out=keys[nd:])
        self.row_unit = np.empty(len(keys), np.int64)
        self.row_unit[:nd] = d_unit
        self.row_unit[nd:] = unit[left]
        del d_unit, left, right, mem, unit
        self.ties, self.row_tie = key_positions(keys)
        del keys
        self.dir_ties, self.row_dir = key_positions(d_dir)
        # the symmetric CSR of every tie, built once: a replicate's matrices are its
        # entries of present ties (already in order: no sort a replicate)
        from ._kernels import reverse_pairs, run
        from .coreperiphery import symmetric_csr

        fu, fv = self.ties // max(n, 1), self.ties % max(n, 1)
        self.e_row, self.e_col, self.e_tie = symmetric_csr(fu, fv, n)
        self.tie_u, self.tie_v = fu, fv
        # the triangles of every tie, listed once when first read (:attr:`triangles`) if
        # they fit in memory: a replicate's triangles are those whose three ties it drew
        # (else listed anew a replicate); counted here, while the slice's count is at hand
        self.triangle_count: int | None = None
        if self.want & {"avg_clustering", "transitivity"} and len(self.ties):
            from ._kernels import count_triangles_csr

            known = _triangles_known(net, self.ties, n)
            self.triangle_count = known if known is not None else \
                int(count_triangles_csr(self.csr_order[0], self.e_col, n))
        self.groups = {}
        for attr in ("org", "sector", "region"):
            if attr in self.attrs.columns and self.attrs[attr].notna().any():
                self.groups[attr] = K.factor_codes(self.attrs[attr])
        # each directed tie's reverse (-1: none)
        self.reverse = run(reverse_pairs, (self.dir_ties, n), 4 * len(self.dir_ties))

    def replicate(self, rng: np.random.Generator) -> pd.Series:
        return self.values(draw_units(self.k, rng))

    @property
    def batchable(self) -> bool:
        """Whether :meth:`batch` computes every wanted entry (no graph needed)."""
        from ._batch import BATCHED

        return self.want <= BATCHED and (
            not self.want & {"avg_clustering", "transitivity"} or not len(self.ties)
            or self._listable)

    @property
    def _listable(self) -> bool:
        return self.triangle_count is not None and self.triangle_count <= MAX_LISTED_TRIANGLES

    @cached_property
    def triangles(self) -> tuple[np.ndarray, ...] | None:
        """Every triangle of the slice's person graph once, in runs along the oriented ties
        (:func:`peernet.metrics._kernels.list_triangle_runs`): its third node and two
        ties (n x 3), the runs' starts, then the oriented lists (``optr, onb, otie``),
        listed on first read (a batch that wants clustering; not the Grid's reciprocity and
        largest component, :meth:`remember_bits`); None when not wanted or above
        :data:`MAX_LISTED_TRIANGLES`. :meth:`triangle_nodes` gives their nodes and ties."""
        if not self._listable:
            return None
        from ._kernels import count_triangles_csr, list_triangle_runs, oriented_lists

        total, indptr = int(self.triangle_count or 0), self.csr_order[0]
        lists = oriented_lists(indptr, self.e_col, self.e_tie, self.n)
        start, rows, found = list_triangle_runs(*lists, self.n, total)
        if found != total:  # pragma: no cover - a count that was not this graph's
            total = int(count_triangles_csr(indptr, self.e_col, self.n))
            self.triangle_count = total
            if total > MAX_LISTED_TRIANGLES:
                return None
            start, rows, found = list_triangle_runs(*lists, self.n, total)
        return (rows, start, *lists)

    def triangle_nodes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """:attr:`triangles` as their three nodes and three ties (n x 3 each), in the order
        of :func:`peernet.metrics._kernels.list_triangles_csr`; None when not listed."""
        if self.triangles is None:
            return None
        from ._kernels import triangle_rows

        rows, start, optr, onb, otie = self.triangles
        return triangle_rows(optr, onb, otie, start, rows, self.n)

    @cached_property
    def csr_order(self) -> tuple[np.ndarray, np.ndarray]:
        """The CSR row pointers of every tie (:attr:`e_col`, :attr:`e_tie` its entries)
        and the nodes by decreasing degree (equal degrees: by index)."""
        deg = np.bincount(self.e_row, minlength=self.n)
        indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(deg, out=indptr[1:])
        return indptr, np.argsort(-deg, kind="stable").astype(np.int64)

    @cached_property
    def ei_classes(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        from ._batch import ei_classes

        return ei_classes(self)

    def batch(self, mults: list[np.ndarray], *, remember: bool = True) -> list[pd.Series]:
        """:meth:`values` of several replicates at once (equal to the last digit; at most
        64, see :mod:`peernet.metrics._batch`). With ``remember``, their reciprocity and
        largest component are kept for :meth:`reciprocity` and :meth:`largest_component`
        of the same draw counts (the Grid's replicates read them), until the next batch
        that remembers."""
        from ._batch import unit_bits

        return self.batch_bits(unit_bits(mults), len(mults), list(mults) if remember else None)

    def batch_bits(self, ub: np.ndarray, b: int, kept: list[np.ndarray] | None = None
                   ) -> list[pd.Series]:
        """:meth:`batch` of ``b`` replicates given by their unit bits ``ub``
        (:func:`peernet.metrics._batch.draw_bits`). With ``kept``, the draw counts of the
        first ``len(kept)`` of them, those are remembered as :meth:`batch` remembers;
        without, the last batch remembered stays."""
        return [pd.Series([v[k] for k in self._names], index=self._index, dtype="float64")
                for v in self._batch_rows(ub, b, kept)]

    def batch_matrix(self, ub: np.ndarray, b: int, labels: pd.Index,
                     kept: Sequence[np.ndarray | None] | None = None) -> np.ndarray:
        """:meth:`batch_bits` as a ``b x len(labels)`` matrix, row ``i`` replicate ``i``'s
        entries ``labels`` (NaN for one not wanted): ``batch_bits(...)[i].reindex(labels)``
        without a Series a replicate (0.1 ms each)."""
        names = [k if k in self.want else None for k in labels]
        nan = float("nan")
        return np.array([[v[k] if k is not None else nan for k in names]
                         for v in self._batch_rows(ub, b, kept)],
                        dtype=float).reshape(b, len(names))

    def _batch_rows(self, ub: np.ndarray, b: int, kept: Sequence[np.ndarray | None] | None
                    ) -> list[dict]:
        from ._batch import batch

        rows = batch(self, ub, b)
        if kept is not None:
            self._remember(ub, kept, rows)
        return rows

    @cached_property
    def _names(self) -> list[str]:
        return list(self.want)

    @cached_property
    def _index(self) -> pd.Index:
        """The index of a replicate's entries (:attr:`want`'s order), made once: a Series
        from a dict a replicate cost 0.7 ms, from values and this index 0.04 ms."""
        return pd.Series(dict.fromkeys(self._names, 0.0), dtype="float64").index

    def remember_bits(self, ub: np.ndarray, b: int, kept: list[np.ndarray] | int) -> None:
        """Remember what the Grid's replicates read (:meth:`reciprocity`,
        :meth:`largest_component`, :meth:`bit_of`) of the first ``len(kept)`` of ``b``
        replicates, as :meth:`batch_bits` with ``kept`` does, without computing their other
        entries (no triangles listed, no degrees): the same numbers, for a caller that
        wants those entries later (``batch_bits(ub, b)``) or elsewhere. ``kept`` may be a
        count: the first ``kept`` replicates, whose draw counts are made later and named
        by :meth:`recall` (then none is held meanwhile: 4.7 MB a replicate at 10k)."""
        from ._batch import batch

        count = kept if isinstance(kept, int) else len(kept)
        # the words, components and reciprocated ties kept for the whole batch later
        rows = batch(self, ub, b, self.want & _GRID_READS, keep_parts=True)[:count]
        self._remember(ub, [None] * count if isinstance(kept, int) else kept, rows)

    def recall(self, mult: np.ndarray, r: int) -> None:
        """Name ``mult`` as the draw counts of replicate ``r`` of the last batch remembered
        (made again from the same random stream, :func:`peernet.metrics._batch.draw_bits`
        with ``redraw``): :meth:`reciprocity`, :meth:`largest_component` and
        :meth:`bit_of` of ``mult`` then read that batch."""
        self._bits[0][r] = mult

    def forget(self, mult: np.ndarray, r: int) -> None:
        """Undo :meth:`recall` of ``mult`` (replicate ``r``) once its reads are done: its
        draw counts (4.7 MB at 600,000 units) are not held to the end, and the next
        replicate's take their freed pages instead of fresh ones."""
        kept, _ = self._bits
        if kept[r] is mult:
            kept[r] = None

    def _remember(self, ub: np.ndarray, kept: Sequence[Any], rows: list[dict]) -> None:
        self._rows = rows[:len(kept)]
        self._bits = (list(kept), ub)

    def bit_of(self, mult: np.ndarray) -> tuple[np.ndarray, int] | None:
        """``(words, r)`` when ``mult`` is replicate ``r`` of the last batch that
        remembered: ``words`` has a uint64 a unit, bit ``r`` set when that replicate draws
        the unit (:func:`peernet.metrics._batch.unit_bits`); else None."""
        known = getattr(self, "_bits", None)
        if known is None:
            return None
        for r, m in enumerate(known[0]):
            if m is mult:
                return known[1], r
        return None

    def _known_of(self, mult: np.ndarray, key: str) -> Any:
        """``key`` of the remembered batch's row of ``mult`` (:meth:`bit_of`), else None."""
        hit = self.bit_of(mult)
        return self._rows[hit[1]].get(key) if hit is not None else None

    def values(self, mult: np.ndarray) -> pd.Series:
        """The entries of the replicate whose unit ``u`` is drawn ``mult[u]`` times."""
        from .structure import _structure

        ga, active = self.graph(mult)
        out, _ = _structure(ga, want=self.want, members=self.members, active=active,
                            recip=self.reciprocity(mult) if "reciprocity" in self.want
                            else float("nan"))
        return pd.Series({k: out[k] for k in self.want}, dtype="float64")

    def reciprocity(self, mult: np.ndarray) -> float:
        """:func:`peernet.metrics.reciprocity` of the replicate."""
        known = self._known_of(mult, "reciprocity")
        if known is not None:
            return float(known)
        if not len(self.dir_ties):
            return float("nan")
        dw = np.bincount(self.row_dir, weights=mult[self.dir_unit],
                         minlength=len(self.dir_ties)) > 0
        if not dw.any():
            return float("nan")
        r = self.reverse[dw]
        return float(((r >= 0) & dw[np.maximum(r, 0)]).mean())

    def ties_of(self, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                   np.ndarray]:
        """The replicate's ties (present, a mask over every tie, and their weights), the
        people who acted, and the graph's nodes (a mask: who acted or has a tie)."""
        n = self.n
        acted = np.bincount(self.src, weights=mult[self.codes], minlength=n) > 0
        if len(self.m_tgt):
            acted |= np.bincount(self.m_tgt, weights=mult[self.m_unit], minlength=n) > 0
        acted[self.fixed] = True
        w = np.bincount(self.row_tie, weights=mult[self.row_unit], minlength=len(self.ties))
        present = w > 0
        keep_mask = acted.copy()
        keep_mask[self.tie_u[present]] = True
        keep_mask[self.tie_v[present]] = True
        return present, w, acted, keep_mask

    def largest_component(self, mult: np.ndarray) -> tuple[int, int]:
        """Nodes in the largest component of the replicate's person graph, and its nodes."""
        from ._kernels import largest_component

        known = self._known_of(mult, "_largest")
        if known is not None:
            return known
        present, _, _, keep_mask = self.ties_of(mult)
        pos = np.cumsum(keep_mask) - 1
        n = int(keep_mask.sum())
        return int(largest_component(n, pos[self.tie_u[present]],
                                     pos[self.tie_v[present]])), n

    def graph(self, mult: np.ndarray) -> tuple[K.GraphArrays, int]:
        """The replicate's default person graph as arrays, and its active people."""
        n = self.n
        present, w, acted, keep_mask = self.ties_of(mult)
        u, v, w = self.tie_u[present], self.tie_v[present], w[present]
        keep = np.flatnonzero(keep_mask)
        pos = np.cumsum(keep_mask) - 1
        # the replicate's CSR: the full CSR's entries of present ties, renumbered
        e = np.flatnonzero(present[self.e_tie])
        indptr = np.zeros(len(keep) + 1, np.int64)
        np.cumsum(np.bincount(pos[self.e_row[e]], minlength=len(keep)), out=indptr[1:])
        indices = pos[self.e_col[e]].astype(np.int32)
        wfull = np.zeros(len(self.ties))
        wfull[present] = w
        shape = (len(keep), len(keep))
        wm = sp.csr_array((wfull[self.e_tie[e]], indices, indptr), shape=shape)
        am = sp.csr_array((np.ones(len(e)), indices, indptr), shape=shape)
        for mat in (wm, am):
            mat.has_sorted_indices = True
            mat.has_canonical_format = True
        ga = K.GraphArrays(self.nodes[keep], am, wm, self.attrs.iloc[keep])
        ga.cache["edges"] = (pos[u], pos[v], w)
        for attr, codes in self.groups.items():
            ga.cache[("groups", attr)] = _first_seen(codes[keep])
        if self.want & {"avg_clustering", "transitivity"} and len(e):
            from ._kernels import present_triangles, triangles_csr

            listed = self.triangle_nodes()
            if listed is not None:
                tri = present_triangles(*listed, present, n)[keep]
            else:
                tri = triangles_csr(indptr, indices.astype(np.int64), len(keep))
            ga.cache["triangles"] = tri.astype(float)
        return ga, int(acted.sum())


def _triangles_known(net: Any, ties: np.ndarray, n: int) -> int | None:
    """The triangles of the slice's person graph as its network metrics counted them (per
    node, on the graph arrays kept on the slice) when that graph has exactly the pair keys
    ``ties`` over the same ``n`` nodes; else None (then they are counted anew)."""
    ga = (memo(net) or {}).get(K.ARRAYS)
    if ga is None or ga.n != n or "triangles" not in ga.cache or "edges" not in ga.cache:
        return None
    u, v = ga.cache["edges"][:2]
    if len(u) != len(ties) or not np.array_equal(pair_keys(u, v, n), ties):
        return None
    return int(round(float(np.sum(ga.cache["triangles"])))) // 3


def _attendances(inter: pd.DataFrame, src: np.ndarray, codes: np.ndarray, n: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct (event, attendee) of the attendance rows, ordered by the event's id
    then the attendee, in events of at most ``MAX_EVENT_SIZE`` attendees: the event's
    code (equal codes, one event), the attendee (``src``) and the unit (``codes``) of its
    first row. Integer keys instead of a drop of duplicates, a group-by and a sort of the
    event id strings (the same arrays in the same order)."""
    att = np.flatnonzero(((inter["kind"] == "attend") & inter["event_id"].notna()).to_numpy())
    e = np.asarray(pd.factorize(inter["event_id"].take(att), sort=True)[0], np.int64)
    key = e * (n + 1) + (src[att] + 1)          # an attendee outside the nodes is -1
    key, _, first = key_positions(key, first=True)    # the first row of each, in key order
    ev = key // (n + 1)
    keep = np.bincount(ev)[ev] <= MAX_EVENT_SIZE
    return ev[keep], key[keep] % (n + 1) - 1, codes[att[first[keep]]]


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """Group codes renumbered in order of first appearance, -1 kept (what
    :func:`pandas.factorize` gives the groups of these nodes alone)."""
    out = np.full(len(codes), -1, np.int64)
    known = codes >= 0
    out[known] = pd.factorize(codes[known])[0]
    return out
