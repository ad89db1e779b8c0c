"""The arrays of a slice that its bootstrap replicates read through their draw counts
(:mod:`peernet.grid.replicates`): computed once for the slice, from the member codes of its
context (:class:`~peernet.grid.context.Context`) rather than the id texts where the codes
say the same (ids on the roster: different codes, different ids)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..metrics.coreperiphery import symmetric_csr
from ..metrics.uncertainty import (
    StructureReplicates,
    drawn_words,
    events_once,
    unit_codes,
)
from ..positions import index_positions, key_positions
from ..schema import INTERACTION_KINDS, MUTUAL_KINDS, split_list
from ..ties import pair_keys, undirected_pairs, with_columns
from .context import Context
from .rows import between

__all__ = ["Fixed", "row_arrays", "row_matrix"]

_MUTUAL = tuple(k for k, m in MUTUAL_KINDS.items() if m)
#: The kinds of the direct ties of :func:`peernet.metrics.core_periphery`.
_DIRECT = tuple(k for k in INTERACTION_KINDS if k != "attend")


def row_matrix(target: np.ndarray, unit: np.ndarray, size: int, k: int) -> sp.csr_array:
    """Rows (their ``target`` in ``0..size-1`` and resampling ``unit`` in ``0..k-1``) as a
    ``size`` x ``k`` sparse matrix of int64 counts: entry (t, u) the number of rows of
    target t in unit u. A replicate's row counts are then its product with the draws of
    the units (the same integers as the rows' bincount, exactly: integer sums; one
    compiled pass over the distinct pairs)."""
    m = sp.csr_array((np.ones(len(target), np.int64),
                      (np.asarray(target, np.int64), np.asarray(unit, np.int64))),
                     shape=(size, k))
    m.sum_duplicates()
    return m


def row_arrays(m: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays of :func:`row_matrix`'s ``m`` that its compiled product with a replicate's
    draws reads (:func:`peernet.metrics.uncertainty.unit_products`): the row pointers
    (int64), the units and the counts (uint32; int64 past 2**32 - 1): unsigned, so that
    no index is checked for a sign, and half the bytes of int64."""
    small = max(m.shape[1], int(m.data.max(initial=0))) <= np.iinfo(np.uint32).max
    kind = np.uint32 if small else np.int64
    return m.indptr.astype(np.int64), m.indices.astype(kind), m.data.astype(kind)


class Fixed:
    """What does not change between the replicates of one slice, computed once."""

    def __init__(self, ctx: Context):
        net = ctx.net
        self.ctx = ctx
        self.codes = unit_codes(net)
        self.k = int(self.codes.max()) + 1 if len(self.codes) else 0
        inter = with_columns(net.interactions)
        active = ctx.active
        at = pd.Index(active)
        self.active_code = ctx.codes(pd.Series(np.asarray(active, dtype=object), dtype="str"))
        #: every active person on the roster, once: a row's actor is its member code's
        self.coded = bool(at.is_unique and (self.active_code >= 0).all())
        people = []
        if len(net.problems):
            people.append(net.problems["raised_by"].dropna())
            if "helpers" in net.problems.columns:
                people.append(split_list(net.problems["helpers"]))
        fixed = at.get_indexer(pd.concat(people, ignore_index=True).astype("str")) \
            if people else np.zeros(0, np.int64)
        self.act_fixed = fixed[fixed >= 0]
        # tie pairs of direct acts between roster members (those of ctx.direct_mask)
        self.pk = ctx.pair_keys
        # attendance rows (Context.attend: each pair's first row) and the unit of each
        self.att_unit = self.codes[ctx.attend_rows]
        self.att_m = ctx.attend["m"].to_numpy(np.int64)
        self.ids = ctx.id_index              # member codes of a replicate's ids
        threads = np.zeros(self.k, bool)     # the units with a thread row (sorted)
        if "thread_id" in inter.columns:
            threads[self.codes[inter["thread_id"].notna().to_numpy()]] = True
        self.thread_units = np.flatnonzero(threads)
        # acts of help (followup.help_given): the problem log's, then help interactions
        from ..metrics.followup import help_given

        fixed_help = help_given(net.replace(interactions=net.interactions.iloc[:0]))
        self.help_fixed = (ctx.codes(fixed_help["giver"].astype("str")),
                           ctx.codes(fixed_help["receiver"].astype("str")))
        self.help_rows = np.flatnonzero(between(ctx, inter, ctx.kind_in(("help",)),
                                                 source=True))
        self.help_unit = self.codes[self.help_rows]
        self.help_codes = (ctx.src[self.help_rows].astype(np.int64),
                           ctx.tgt[self.help_rows].astype(np.int64))

    def actors(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each act's actor (the row's source) and each contact's other person (its target),
        as positions among the slice's active people (their number: none), with the row's
        unit: a replicate's actors are those with one drawn (read once a batch: not kept)."""
        ctx = self.ctx
        inter = with_columns(ctx.net.interactions)
        size = len(self.active_code)
        mut_rows = np.flatnonzero(between(ctx, inter, ctx.kind_in(_MUTUAL)))
        if self.coded:
            pos = np.full(ctx.n + 1, size, np.int64)   # code -1 (off the roster): none
            pos[self.active_code] = np.arange(size)
            act, mut = pos[ctx.src], pos[ctx.tgt[mut_rows]]
        else:
            at = pd.Index(ctx.active)
            act = index_positions(inter["source"], at)
            mut = index_positions(inter["target"].iloc[mut_rows], at)
            act[act < 0] = mut[mut < 0] = size
        return [(act, self.codes), (mut, self.codes[mut_rows])]

    @cached_property
    def acts(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`actors`, kept (for replicates outside a batch)."""
        return self.actors()

    def pair_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The pair (position in :attr:`pk`) and unit of every direct act between roster
        members (the rows of ``ctx.direct_mask``)."""
        ctx = self.ctx
        d = np.flatnonzero(ctx.direct_mask)
        pk, inv = key_positions(pair_keys(ctx.src[d], ctx.tgt[d], ctx.n))
        if not np.array_equal(pk, self.pk):   # the same pairs as Context.pair_keys
            raise RuntimeError("the direct acts' pairs are not the slice's pair keys")
        return inv, self.codes[d]

    def tied_words(self, mult: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """Both ends (member codes) of every pair of :attr:`pk`, each with the words of its
        pair's batch (:meth:`pair_rows`' in the batch of ``mult``): a replicate's tied
        members are the ends of its drawn pairs."""
        got = self.batch_words("pairs", lambda: [self.pair_rows()], len(self.pk), mult)
        if got is None:
            return []
        at, n = np.arange(len(self.pk)), self.ctx.n
        return [(self.pk // n, at, got[0]), (self.pk % n, at, got[0])]

    @cached_property
    def pk_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`pair_rows`, kept (for replicates outside a batch)."""
        return self.pair_rows()

    def batch_rows(self, key: Any, build: Any, size: int, mult: np.ndarray,
                   hold: tuple = ()) -> np.ndarray | None:
        """:meth:`ReplicateContext._any` of the replicate ``mult`` over the rows ``build()``
        gives, read from one pass for every replicate of the headline batch it belongs to
        (:meth:`batch_words`); None when ``mult`` is not in a remembered batch."""
        got = self.batch_words(key, build, size, mult, hold)
        return None if got is None else (got[0] & (np.uint64(1) << np.uint64(got[1]))) != 0

    def batch_words(self, key: Any, build: Any, size: int, mult: np.ndarray,
                    hold: tuple = ()) -> tuple[np.ndarray, int] | None:
        """The words over ``size`` targets of the batch ``mult`` belongs to, and its bit
        (:meth:`StructureReplicates.bit_of`: bit ``r`` of a word says "drawn in replicate
        ``r``"): the OR of the words of the units of the rows ``build()`` gives (a list of
        ``target``, ``unit`` arrays, or ``target``, ``source``, ``bits``: other words),
        built when the batch is first read and not kept (the words are, under ``key``;
        ``hold``: arrays the words are of, kept with them); None when ``mult`` is not in a
        remembered batch."""
        structure = self.__dict__.get("structure")
        hit = structure.bit_of(mult) if structure is not None else None
        if hit is None:
            return None
        ub, r = hit
        memo = self.__dict__.setdefault("_batch_words", {})
        got = memo.get((key, size))
        if got is None or got[0] is not ub or any(
                a is not b for a, b in zip(got[1], hold, strict=True)):
            words = np.zeros(size, np.uint64)
            for target, unit, *bits in build():
                words |= drawn_words(target, unit, bits[0] if bits else ub, size)
            got = memo[key, size] = (ub, hold, words)
        return got[2], r

    @cached_property
    def shell(self) -> Any:
        """The network a replicate's context is of: the slice without its interactions (a
        replicate reads them through its draw counts) and with its events once each
        (:attr:`events`), the same for every replicate (made once: 1 ms a replicate)."""
        net = self.ctx.net
        return net.replace(interactions=net.interactions.iloc[:0],
                           events=self.events["table"])

    @cached_property
    def events(self) -> dict[str, Any]:
        """The slice's events once each, as :func:`resampled_events` builds a replicate's
        (``table``: the events with interactions, then the others), and the unit of each
        row (``unit``; -1: an event without interactions, in every replicate once): a
        replicate's events are the rows of ``table``, row ``i`` ``mult[unit[i]]`` times
        (in that order), tested equal."""
        table, unit = events_once(self.ctx.net)
        return {"table": table, "unit": unit}

    def batch_any(self, target: np.ndarray, unit: np.ndarray, size: int, mult: np.ndarray
                  ) -> np.ndarray | None:
        """:meth:`batch_rows` of the rows ``target``, ``unit`` (the words kept for the
        batch's other replicates)."""
        return self.batch_rows((id(target), id(unit)), lambda: [(target, unit)], size, mult,
                               (target, unit))

    @cached_property
    def structure(self) -> StructureReplicates:
        """Reciprocity and the default person graph of a replicate (as the bootstrap of
        the network metrics computes them)."""
        return StructureReplicates(self.ctx.net, ["reciprocity", "largest_component_share"])

    @cached_property
    def attend_events(self) -> tuple[np.ndarray, np.ndarray]:
        """The attendees of each event of the slice's attendance (``ctx.attend_codes``) and
        its unit (every row of an event is in the event's unit: it outranks a thread)."""
        _, ev, ids = self.ctx.attend_codes
        unit = np.zeros(len(ids), np.int64)
        unit[ev] = self.att_unit
        if len(ev) != len(self.att_unit) or not np.array_equal(unit[ev], self.att_unit):
            raise RuntimeError("an event's attendance rows are in several resampling units")
        return np.bincount(ev, minlength=len(ids)), unit

    @cached_property
    def direct(self) -> dict[str, Any]:
        """The direct-tie graph of :func:`peernet.metrics.core_periphery`: its nodes and
        ties, and the symmetric CSR of the ties as its entries (``e_row``, ``e_col``,
        ``e_tie``). When the direct acts are those of :attr:`pk` (every one between roster
        members: a replicate's drawn ties are then its drawn pairs) ``e_pair``, the
        position in :attr:`pk` of each entry's pair; else None, and the tie and unit of
        every direct act (``inv``, ``unit``)."""
        ctx = self.ctx
        net = ctx.net
        # the nodes of person_ties(net, coattendance=None), without its tie table (0.03 s
        # at 10k 2025, kept on the slice in the replicates' process)
        t_nodes = undirected_pairs(net)[0]
        nodes = pd.Index(t_nodes)
        nn = max(len(nodes), 1)
        code = ctx.codes(pd.Series(np.asarray(t_nodes, dtype=object), dtype="str"))
        inter = with_columns(net.interactions)
        rows = between(ctx, inter, ctx.kind_in(_DIRECT))
        order = active = None
        if np.count_nonzero(rows) == np.count_nonzero(ctx.direct_mask):   # the same rows
            # the slice's pairs in node positions: each node's member code is its id's
            node_of = np.full(ctx.n, -1, np.int64)
            node_of[code[code >= 0]] = np.flatnonzero(code >= 0)
            a, b = node_of[self.pk // ctx.n], node_of[self.pk % ctx.n]
            key = pair_keys(a, b, nn)
            order = np.argsort(key)                           # distinct keys
            ties = key[order]                                 # tie t: pair order[t]
            inv = unit = None       # a replicate's drawn ties are its drawn pairs
            if self.coded:
                active = node_of[self.active_code]
        else:
            rows = np.flatnonzero(rows)
            s = index_positions(inter["source"].iloc[rows], nodes)
            tt = index_positions(inter["target"].iloc[rows], nodes)
            ties, inv = key_positions(pair_keys(s, tt, len(nodes)))
            unit = self.codes[rows]
        # the symmetric CSR of every tie (each row's columns sorted): a replicate's is its
        # entries of the ties it drew, renumbered (still sorted)
        e_row, e_col, e_tie = symmetric_csr(ties // nn, ties % nn, nn)
        return {"n": len(nodes), "ties": ties, "inv": inv, "unit": unit,
                "e_row": e_row, "e_col": e_col, "e_tie": e_tie,
                "e_pair": None if order is None else order[e_tie],
                "active": nodes.get_indexer(pd.Index(ctx.active)) if active is None else active,
                "code": code}
