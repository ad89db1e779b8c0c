"""Compiled kernels of a tie table's graph (private). The weighted symmetric CSR: the graph
arrays' ``w`` (:func:`peernet.metrics._sparse.arrays_from_net`) filled in one pass, where
scipy's sum of the upper triangle and its transpose held the transpose, an int64-indexed sum
and its int32 copy at once (about 30 bytes a tie above the 24 of the result: 0.3 GB at 10
million ties). The same matrix to the last bit: each entry is a tie's weight, placed where
the sum put it (a row's entries toward lower nodes in increasing column, then those toward
higher nodes), the same int32 index arrays below 2**31 entries.

A kernel of :mod:`peernet.metrics._kernels`'s kind (compiled on its first compiled call with
that module's, :data:`_kernels.SPACES`, cached on disk; run as Python below
:data:`peernet.metrics._kernels.PYTHON_WORK` steps).
"""

from __future__ import annotations

import numpy as np

from ._kernels import SPACES, njit


@njit(cache=True, nogil=True)
def weighted_csr(u, v, w, n, indptr, indices, data):  # pragma: no cover - compiled
    """Fill ``indptr`` (n + 1), ``indices`` and ``data`` (2 m each) with the symmetric CSR
    of the ties ``u[i] < v[i]`` sorted by ``(u, v)`` and their weights ``w``, without a
    sort: a row's entries toward lower nodes come from ties in increasing ``u``, then those
    toward higher nodes in increasing ``v``, each run filled in tie order."""
    m = len(u)
    low = np.zeros(n, np.int64)             # ties whose higher end is the node
    at_high = np.zeros(n, np.int64)
    for i in range(m):
        low[v[i]] += 1
        at_high[u[i]] += 1
    start = 0
    indptr[0] = 0
    for a in range(n):
        deg = low[a] + at_high[a]
        low[a] = start                      # now where the node's lower entries start
        at_high[a] = start + (deg - at_high[a])
        start += deg
        indptr[a + 1] = start
    for i in range(m):
        a, b = u[i], v[i]
        e = at_high[a]
        indices[e], data[e] = b, w[i]
        at_high[a] = e + 1
        e = low[b]
        indices[e], data[e] = a, w[i]
        low[b] = e + 1


SPACES.append(globals())
