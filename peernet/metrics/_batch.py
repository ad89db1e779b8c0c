"""Headline network metrics of up to 64 bootstrap replicates in one pass (private).

:class:`peernet.metrics.uncertainty.StructureReplicates` reweights a slice's tie-making rows
by how often each resampling unit is drawn. The entries the evaluation asks intervals of
(:data:`BATCHED`) need only which ties, people and triangles a replicate holds, never a
matrix: here bit ``b`` of a uint64 word a tie (a person, a triangle) says "present in
replicate ``b``", one compiled pass over the rows, the ties and the listed triangles serves
64 replicates (:mod:`peernet.metrics._kernels`, ``or_scatter`` .. ``bit_reciprocated``),
and each replicate's numbers are then computed from integer counts with the same
floating-point operations, on arrays in the same order, as
:func:`peernet.metrics.structure._structure` on the replicate's graph: equal to the last
digit (tested against :meth:`StructureReplicates.values`).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

#: network_metrics entries computed by :func:`batch` (the rest go through the graph).
BATCHED = frozenset({"members", "active_members", "edges", "density", "degree_centralization",
                     "largest_component_share", "avg_clustering", "transitivity",
                     "reciprocity", "ei_index_org", "ei_index_sector", "ei_index_region"})
#: Replicates a pass (bits of a word).
WIDTH = 64
#: Units from which :func:`unit_bits` runs compiled (one pass a replicate).
COMPILED_UNITS = 100_000


def unit_bits(mults: list[np.ndarray]) -> np.ndarray:
    """One word a unit: bit ``b`` set when replicate ``b`` draws it."""
    out = np.zeros(len(mults[0]), np.uint64)
    for b, mult in enumerate(mults):
        _fold(out, mult, b)
    return out


def draw_bits(k: int, rng: np.random.Generator, count: int, keep: int = 0, *,
              redraw: bool = False) -> tuple[np.ndarray, list[Any]]:
    """:func:`unit_bits` of ``count`` replicates drawn from ``rng`` (each
    :func:`peernet.metrics._resample.draw_units` in turn), and the draw counts of the first
    ``keep`` of them (the Grid's replicates read theirs): the replicates past the first
    ``keep`` folded in as their units are drawn (:func:`peernet.metrics._resample.draw_bit`,
    or compiled :func:`peernet.metrics._pcg.mark_draws` into a bitmap a replicate, folded
    by :func:`peernet.metrics._bitkernels.or_rows`: no counts made; 64 draws of the
    600,000 units of a 10k network's year held 300 MB). With ``redraw`` no counts are made
    at all: the list holds a copy of ``rng`` before each of the first ``keep``, from which
    ``draw_units(k, copy)`` makes that replicate's counts when they are needed (none held
    meanwhile; 235 MB of fresh pages for 50 replicates of a 10k network's year)."""
    from . import _pcg
    from ._bitkernels import or_rows
    from ._resample import COMPILED_DRAWS, draw_bit, draw_units

    out = np.zeros(k, np.uint64)
    kept: list[Any] = []
    # compiled: each replicate's bits in a bitmap of its own (k / 8 bytes, in cache), the
    # bitmaps folded into the words at the end (the same words)
    rows = np.zeros((count, (k + 63) // 64), np.uint64) \
        if count and k >= COMPILED_DRAWS and _pcg.usable(rng, k) else None
    for b in range(count):
        if b < keep and not redraw:
            kept.append(draw_units(k, rng))
            _fold(out, kept[-1], b)
            continue
        if b < keep:
            kept.append(copy.deepcopy(rng))
        if rows is not None:
            _pcg.mark_draws(rng, k, k, rows[b])
        else:
            draw_bit(k, rng, out, b)
    if rows is not None:
        or_rows(rows, out)
    return (out if count else np.zeros(0, np.uint64)), kept


def _fold(out: np.ndarray, mult: np.ndarray, b: int) -> None:
    """``out |= (mult > 0) << b``: bit ``b`` of each unit drawn by ``mult``."""
    if len(out) >= COMPILED_UNITS:
        from ._bitkernels import or_drawn

        or_drawn(out, mult, b)
    else:
        out |= (mult > 0).astype(np.uint64) << np.uint64(b)


def ei_classes(s: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each attribute with groups: the ties whose two ends both have it, and those of
    them across groups (as :func:`peernet.metrics._sparse.ei_index_arrays` counts them)."""
    out = {}
    for attr, g in s.groups.items():
        gu, gv = g[s.tie_u], g[s.tie_v]
        known = (gu >= 0) & (gv >= 0)
        out[attr] = (np.flatnonzero(known), np.flatnonzero(known & (gu != gv)))
    return out


def batch(s: Any, ub: np.ndarray, b: int, want: set[str] | frozenset[str] | None = None,
          *, keep_parts: bool = False) -> list[dict[str, Any]]:
    """The :data:`BATCHED` entries of ``want`` (default ``s.want``) of each of ``b``
    replicates (at most :data:`WIDTH`; ``ub`` their :func:`unit_bits`), plus
    ``"_largest"`` (nodes of the largest component, nodes of the graph) when
    ``largest_component_share`` is wanted. Fewer entries skip the work of the others (the
    triangles, the degrees), not their numbers: each is computed the same way. With
    ``keep_parts``, the words of the ties and nodes, the largest components and the
    reciprocated ties are kept on ``s`` (``s._parts``, replacing any kept before) for a
    later batch of the same ``ub`` and ``b`` (the whole batch after
    :meth:`StructureReplicates.remember_bits`, maybe in a forked process), which reads
    them instead of computing them again."""
    from ._bitkernels import (
        bit_counts,
        bit_counts_at,
        bit_degrees,
        bit_reciprocated,
        bit_triangle_runs,
        or_scatter,
    )

    n, want = s.n, s.want if want is None else want
    every = np.uint64((1 << b) - 1) if b < WIDTH else np.uint64(np.iinfo(np.uint64).max)
    n_ties = len(s.ties)
    parts = getattr(s, "_parts", None)
    if parts is not None and parts[0] is ub and parts[1] == b:
        tie_bits, acted, keep, known = parts[2:]
    else:
        tie_bits = or_scatter(s.row_tie, s.row_unit, ub, n_ties)
        acted = or_scatter(s.src, s.codes, ub, n)
        if len(s.m_tgt):
            acted |= or_scatter(s.m_tgt, s.m_unit, ub, n)
        acted[s.fixed] = every
        ids = np.arange(n_ties)
        keep = acted | or_scatter(s.tie_u, ids, tie_bits, n) \
            | or_scatter(s.tie_v, ids, tie_bits, n)
        known = {}
    shape = want & {"degree_centralization", "avg_clustering", "transitivity"}
    deg = bit_degrees(s.tie_u, s.tie_v, tie_bits, n, b) if shape else None
    edges = bit_counts(tie_bits, b)
    nodes = bit_counts(keep, b)
    active = bit_counts(acted, b)
    tri = None
    if want & {"avg_clustering", "transitivity"}:
        tri = bit_triangle_runs(s.triangles, tie_bits, n, b) if n_ties \
            else np.zeros((n, b), np.int64)
    largest = known.get("largest")
    if largest is None and "largest_component_share" in want:
        largest = largest_components(s, tie_bits, keep, nodes, b)
    recip = known.get("recip")
    if recip is None and "reciprocity" in want and len(s.dir_ties):
        recip = bit_reciprocated(or_scatter(s.row_dir, s.dir_unit, ub, len(s.dir_ties)),
                                 s.reverse, b)
    if keep_parts:
        s._parts = (ub, b, tie_bits, acted, keep, {"largest": largest, "recip": recip})
    ei = {}
    for attr in ("org", "sector", "region"):
        if f"ei_index_{attr}" in want and attr in s.groups:
            known, ext = s.ei_classes[attr]
            ei[attr] = (bit_counts_at(tie_bits, known, b), bit_counts_at(tie_bits, ext, b))
    if deg is not None:
        # a node outside a replicate has no tie (degree 0, no triangle): the sums and the
        # largest degree of its nodes are those of every node (integers, exact)
        dmax, dsum = deg.max(axis=0) if n else np.zeros(b, np.int64), deg.sum(axis=0)
        triples = (deg * (deg - 1) // 2).sum(axis=0)
    if tri is not None:
        from ._bitkernels import clustering_of

        tsum = tri.sum(axis=0, dtype=np.int64)
        local = np.empty(n)
    out = []
    for r in range(b):
        nr, m = int(nodes[r]), int(edges[r])
        v: dict[str, Any] = dict.fromkeys(want, float("nan"))
        v.update(members=float(s.members), active_members=float(active[r]), edges=float(m))
        if nr >= 2:
            v["density"] = 2 * m / (nr * (nr - 1))
        if nr >= 3 and "degree_centralization" in want:
            # (d.max() - d).sum() of its nodes' degrees d, an integer
            v["degree_centralization"] = float(nr * int(dmax[r]) - int(dsum[r])) \
                / ((nr - 1) * (nr - 2))
        if nr and largest is not None:
            v["largest_component_share"] = float(largest[r] / nr)
        if nr and tri is not None:
            # the mean of its nodes' clustering in node order (numpy's pairwise sum of the
            # same array), and the sums of integers of transitivity
            v["avg_clustering"] = float(local[:clustering_of(keep, deg, tri, r, local)].mean())
            v["transitivity"] = float(int(tsum[r]) / int(triples[r])) if triples[r] else 0.0
        if recip is not None and recip[0, r]:
            v["reciprocity"] = float(recip[1, r] / recip[0, r])
        for attr, (k_known, k_ext) in ei.items():
            if k_known[r]:
                e, i = int(k_ext[r]), int(k_known[r] - k_ext[r])
                v[f"ei_index_{attr}"] = (e - i) / (e + i)
        if largest is not None:
            v["_largest"] = (int(largest[r]), nr)
        out.append(v)
    return out


def largest_components(s: Any, tie_bits: np.ndarray, keep: np.ndarray, nodes: np.ndarray,
                       b: int) -> np.ndarray:
    """Nodes in the largest component of each of ``b`` replicates (ties ``tie_bits``, nodes
    ``keep``, ``nodes`` of them): the component of each replicate's best-connected node
    (:func:`peernet.metrics._bitkernels.bit_reach`, 64 searches at once), which is
    the largest when it holds more than half the replicate's nodes; the other replicates
    by union-find (:func:`peernet.metrics._kernels.bit_largest_components`). The same
    counts as union-find for every replicate."""
    from ._bitkernels import bit_counts, bit_largest_components, bit_reach, bit_seeds

    every = np.uint64((1 << b) - 1) if b < WIDTH else np.uint64(np.iinfo(np.uint64).max)
    indptr, order = s.csr_order
    reach = bit_reach(indptr, s.e_col, s.e_tie, tie_bits,
                      bit_seeds(order, keep, every))
    size = bit_counts(reach, b)
    big = 2 * size > nodes
    if big.all():
        return size
    todo = np.uint64(sum(1 << r for r in np.flatnonzero(~big).tolist()))
    rest = bit_largest_components(s.n, s.tie_u, s.tie_v, tie_bits, keep, b, todo)
    return np.where(big, size, rest)
