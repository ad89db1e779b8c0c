"""Compiled kernel of the core-periphery climb (private): the steepest-ascent single moves
of :func:`peernet.metrics.coreperiphery._climb` over a binary symmetric adjacency, each step
evaluating one fit per group of alike nodes rather than one per node.

A move's fit depends on its node only through the node's side (core or not), its degree and
its ties into the core: nodes alike in the three have the same fit, computed by the same
operations on the same numbers (so the same to the last digit). A 10,000-node replicate of
the 10k benchmark has about 1,500 such groups. The groups are kept up to date as nodes move
(a node's ties into the core change only when a neighbour moves), each with its nodes in a
linked list, so that the first node of the best groups (the tie-breaks) is searched among
those groups' nodes only. Tested move for move against the loop over every node.

Kernels of :mod:`peernet.metrics._kernels`'s kind (compiled on their first compiled call,
cached on disk; that module compiles this one's with its own, :data:`_kernels.SPACES`).
The list updates are written out in the loops: a call of a compiled function that takes
the arrays costs about 100 ns (counted references), more than the update.
"""

from __future__ import annotations

import numpy as np

from ._kernels import SPACES, _cp_fit, njit


@njit(cache=True, nogil=True)
def _new_slot(g, slot_of, slots, side, ties, degree, nslot, inside, t, d):  # pragma: no cover
    """Group ``g`` (no longer empty) into the next slot, with its side (``inside``), ties
    ``t`` into the core and degree ``d``; returns the number of slots."""
    slot_of[g] = nslot
    slots[nslot] = g
    side[nslot] = inside
    ties[nslot] = float(t)
    degree[nslot] = d
    return nslot + 1


@njit(cache=True, nogil=True)
def _first(g, head, nxt):  # pragma: no cover - compiled
    """The smallest node of group ``g``."""
    best = -1
    i = head[g]
    while i >= 0:
        if best < 0 or i < best:
            best = i
        i = nxt[i]
    return best


@njit(cache=True, nogil=True, error_model="numpy")
def climb_groups(indptr, indices, deg, core, to_core, total, limit, tie):  # pragma: no cover
    """Steepest-ascent single moves in or out of the core from ``core`` (changed in place)
    over a binary symmetric CSR adjacency (``deg``: each row's number of entries, as
    floats; ``to_core``: each node's ties into ``core``, int64, changed in place, as
    :func:`prefix_ties` counts them); returns the best fit. Each step makes the best move
    (equal fits within ``tie``: the first node moving into the core, so the larger core
    wins ties; else the first node of the best fit) while the fit improves (or stays
    within ``tie`` growing the core), at most ``limit`` moves.

    A step computes one fit per group of nodes with the same side, degree and ties into
    the core (group ``base[degree] + 2 * ties + side``): :func:`_cp_fit`'s operations in
    the same order, branch-free (both sides' pair counts once a step, each group's side
    picked by a select, a split without a defined fit set to NaN after the division, by
    1 there), so that the loop is vectorised (``error_model="numpy"``: no check for a
    division by zero, none can happen). Then the moved node and its neighbours change
    group."""
    n = len(deg)
    k = 0
    s1 = 0.0
    dc = 0.0
    for i in range(n):
        if core[i]:
            k += 1
            s1 += to_core[i]
            dc += deg[i]
    s1 = s1 / 2
    s0 = total - (dc - s1)
    best = _cp_fit(float(n), float(k), s1, s0)
    # groups: 2 * (d + 1) for each degree d present
    top_deg = 0
    for i in range(n):
        top_deg = max(top_deg, indptr[i + 1] - indptr[i])
    base = np.full(top_deg + 1, -1, np.int64)
    for i in range(n):
        base[indptr[i + 1] - indptr[i]] = 0
    size = 0
    for d in range(top_deg + 1):
        if base[d] == 0:
            base[d] = size
            size += 2 * (d + 1)
    head = np.full(size, -1, np.int32)       # a group's first node, nodes, slot
    count = np.zeros(size, np.int32)
    slot_of = np.full(size, -1, np.int32)
    slots = np.empty(min(size, n) + 1, np.int64)
    side = np.empty(len(slots), np.bool_)   # a slot's group's side (in the core), ties
    ties = np.empty(len(slots))              # into the core and degree
    degree = np.empty(len(slots))
    nxt = np.empty(n, np.int32)
    prv = np.full(n, -1, np.int32)
    group = np.empty(n, np.int64)
    for i in range(n - 1, -1, -1):          # each group's list in node order
        g = base[indptr[i + 1] - indptr[i]] + 2 * to_core[i] + (1 if core[i] else 0)
        group[i] = g
        nxt[i] = head[g]
        head[g] = i
        count[g] += 1
    nslot = 0
    for i in range(n):
        if nxt[i] >= 0:
            prv[nxt[i]] = i
        if head[group[i]] == i:              # a group's first node: the group's slot
            nslot = _new_slot(group[i], slot_of, slots, side, ties, degree, nslot, core[i],
                              to_core[i], deg[i])
    fits = np.empty(len(slots))
    nf = float(n)
    for _ in range(limit):
        ka, kb = float(k - 1), float(k + 1)          # a move out of, into the core
        p1a = ka * (ka - 1.0) / 2
        p0a = (nf - ka) * (nf - ka - 1.0) / 2
        ma = p1a + p0a
        p1b = kb * (kb - 1.0) / 2
        p0b = (nf - kb) * (nf - kb - 1.0) / 2
        mb = p1b + p0b
        for s in range(nslot):
            out = side[s]
            t = ties[s]
            r = degree[s] - t
            a1 = s1 - t if out else s1 + t
            a0 = s0 + r if out else s0 - r
            p1 = p1a if out else p1b
            p0 = p0a if out else p0b
            m = ma if out else mb
            tied = a1 + a0
            den = p1 * p0 * tied * (m - tied)
            ok = den > 0
            f = (m * a1 - tied * p1) / np.sqrt(den if ok else 1.0)
            fits[s] = f if ok else np.nan
        top = -np.inf
        any_value = False
        for s in range(nslot):
            f = fits[s]
            if np.isnan(f):
                continue
            any_value = True
            if f > top:
                top = f
        if not any_value:
            break
        grow_i = -1
        for s in range(nslot):
            f = fits[s]
            if not side[s] and not np.isnan(f) and f >= top - tie:
                j = _first(slots[s], head, nxt)
                if grow_i < 0 or j < grow_i:
                    grow_i = j
        i = grow_i
        if grow_i < 0:
            for s in range(nslot):
                if fits[s] == top:
                    j = _first(slots[s], head, nxt)
                    if i < 0 or j < i:
                        i = j
        if not (top > best + tie or (grow_i >= 0 and top >= best - tie)):
            break
        t = float(to_core[i])
        if core[i]:
            g = _cp_fit(nf, float(k - 1), s1 - t, s0 + (deg[i] - t))
            k, s1, s0 = k - 1, s1 - t, s0 + (deg[i] - t)
        else:
            g = _cp_fit(nf, float(k + 1), s1 + t, s0 - (deg[i] - t))
            k, s1, s0 = k + 1, s1 + t, s0 - (deg[i] - t)
        best = max(best, g)
        step = -1 if core[i] else 1
        core[i] = not core[i]
        lo = indptr[i]
        for q in range(lo - 1, indptr[i + 1]):      # i, then its neighbours
            j = i if q < lo else indices[q]
            g = group[j]
            a, b = prv[j], nxt[j]                   # j out of g's list
            if a >= 0:
                nxt[a] = b
            else:
                head[g] = b
            if b >= 0:
                prv[b] = a
            count[g] -= 1
            if count[g] == 0:                       # its slot to the last group's
                at = slot_of[g]
                nslot -= 1
                last = slots[nslot]
                slots[at] = last
                side[at] = side[nslot]
                ties[at] = ties[nslot]
                degree[at] = degree[nslot]
                slot_of[last] = at
                slot_of[g] = -1
            if q < lo:
                g += step                           # the side bit
            else:
                to_core[j] += step
                g += 2 * step
            group[j] = g
            h = head[g]                             # j into its new group
            nxt[j] = h
            prv[j] = -1
            if h >= 0:
                prv[h] = j
            head[g] = j
            count[g] += 1
            if count[g] == 1:
                nslot = _new_slot(g, slot_of, slots, side, ties, degree, nslot, core[j],
                                  to_core[j], deg[j])
    return best


@njit(cache=True, nogil=True)
def prefix_ties(indptr, indices, order, first, second):  # pragma: no cover - compiled
    """Each node's ties to the ``first`` and to the ``second`` nodes of ``order`` (two
    int64 arrays): its ties into the two starting cores of the climb (the first nodes by
    degree). The adjacency is symmetric: each starting core node's row adds one to each of
    its neighbours, so only the core's rows are read (the best-tied nodes: about half the
    entries), each entry counted for both starts without a branch."""
    n = len(indptr) - 1
    a = np.zeros(n, np.int64)
    b = np.zeros(n, np.int64)
    for p in range(max(first, second)):
        i = order[p]
        in_a = 1 if p < first else 0
        in_b = 1 if p < second else 0
        for e in range(indptr[i], indptr[i + 1]):
            a[indices[e]] += in_a
            b[indices[e]] += in_b
    return a, b


SPACES.append(globals())
