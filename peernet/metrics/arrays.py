"""Array kernels that other layers read (the Grid's indicators): the public face of the
private sparse module, so nothing outside :mod:`peernet.metrics` imports an underscore name.
Internal: not re-exported as ``pn.metrics.*``."""

from typing import Any

import numpy as np

from .._cache import memo
from ..ties import person_ties
from ._sparse import ARRAYS, IGRAPH_WORK, _ig
from ._sparse import arrays_from_net as arrays_from_net
from ._sparse import components as components
from ._sparse import gini as gini
from ._sparse import release_arrays as release_arrays

__all__: list[str] = []


def largest_component(net: Any) -> tuple[int, int]:
    """Nodes in the largest component of the default person graph of ``net`` and nodes in
    the graph: from its graph arrays when they are kept, else from its tie table (ties of
    weight 0 are none, as in the arrays) by union-find, without building the arrays (the
    Grid scores a period before its metrics need them: at 100,000 members 226 MB less held
    through the Grid's other indicators)."""
    kept = memo(net)
    if kept is not None and ARRAYS in kept:
        ga = kept[ARRAYS]
        if ga.n == 0:
            return 0, 0
        _, labels = components(ga)
        return int(np.bincount(labels).max()), int(ga.n)
    from ._kernels import largest_component as largest
    from ._kernels import run

    t = person_ties(net)
    if t.n == 0:
        return 0, 0
    u, v = t.u, t.v
    tie = t.weight != 0
    if not tie.all():
        u, v = u[tie], v[tie]
    return int(run(largest, (t.n, u, v), work=len(u))), int(t.n)


def import_igraph_for(net: Any) -> bool:
    """Import python-igraph in this process when the metrics of ``net``'s default person
    graph will use it (up to :data:`~peernet.metrics._sparse.IGRAPH_WORK` entries: its
    triangles and k-cores), so that children forked after share the import instead of
    each importing it (0.5-1 CPU s a child at 10,000 members). Reads the graph arrays kept
    on ``net``, else its tie table (kept by the Grid's score; the metrics need it anyway);
    True when igraph is imported."""
    kept = memo(net) or {}
    entries = kept[ARRAYS].w.nnz if ARRAYS in kept else 2 * person_ties(net).m
    return 0 < entries <= IGRAPH_WORK and _ig() is not None
