"""Issue 23, Grid replicates: the core-periphery climb by groups of alike nodes
(:func:`peernet.metrics._cpkernels.climb_groups`) makes the moves of the climb node by node
(the one-branch-a-node loop of before issue 23's intervals work, as Python) to the last
digit: the same core, the same fit; by hand on small graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from peernet.metrics import _cpkernels as CK
from peernet.metrics import _kernels as KK
from peernet.metrics import coreperiphery as cp


def _old_climb(indptr, indices, data, deg, core, total, limit, tie):
    """The climb before issue 23's intervals work (one branch a node), as Python."""
    fit = KK._cp_fit.py_func if hasattr(KK._cp_fit, "py_func") else KK._cp_fit
    n = len(deg)
    to_core = np.zeros(n)
    for i in range(n):
        to_core[i] = sum(data[e] for e in range(indptr[i], indptr[i + 1])
                         if core[indices[e]])
    k = int(core.sum())
    s1 = float(sum(to_core[i] for i in range(n) if core[i])) / 2
    dc = float(sum(deg[i] for i in range(n) if core[i]))
    s0 = total - (dc - s1)
    best = fit(float(n), float(k), s1, s0)
    fits = np.empty(n)
    for _ in range(limit):
        top, first_max, any_value = -np.inf, -1, False
        for i in range(n):
            if core[i]:
                g = fit(float(n), float(k - 1), s1 - to_core[i], s0 + (deg[i] - to_core[i]))
            else:
                g = fit(float(n), float(k + 1), s1 + to_core[i], s0 - (deg[i] - to_core[i]))
            fits[i] = g
            if np.isnan(g):
                continue
            any_value = True
            if g > top:
                top, first_max = g, i
        if not any_value:
            break
        grow_i = next((i for i in range(n) if not core[i] and not np.isnan(fits[i])
                       and fits[i] >= top - tie), -1)
        i = grow_i if grow_i >= 0 else first_max
        if not (top > best + tie or (grow_i >= 0 and top >= best - tie)):
            break
        if core[i]:
            g = fit(float(n), float(k - 1), s1 - to_core[i], s0 + (deg[i] - to_core[i]))
            k, s1, s0 = k - 1, s1 - to_core[i], s0 + (deg[i] - to_core[i])
        else:
            g = fit(float(n), float(k + 1), s1 + to_core[i], s0 - (deg[i] - to_core[i]))
            k, s1, s0 = k + 1, s1 + to_core[i], s0 - (deg[i] - to_core[i])
        best = max(best, g)
        sign = -1.0 if core[i] else 1.0
        for e in range(indptr[i], indptr[i + 1]):
            to_core[indices[e]] += sign * data[e]
        core[i] = not core[i]
    return best


def _csr(G: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    a = nx.to_scipy_sparse_array(G, nodelist=sorted(G), format="csr")
    a.sort_indices()
    return a.indptr.astype(np.int64), a.indices.astype(np.int64)


def _ties_into(indptr, indices, core):
    """Each node's ties into ``core`` (int64), row by row."""
    return np.array([int(core[indices[a:b]].sum()) for a, b in zip(indptr[:-1], indptr[1:],
                                                                   strict=True)], np.int64)


def _groups(compiled):
    return CK.climb_groups if compiled else CK.climb_groups.py_func


def _run(kernel, compiled, *args):
    if not compiled:
        KK._python.on = True
    try:
        return kernel(*args)
    finally:
        KK._python.on = False


@pytest.mark.parametrize("compiled", [True, False])
def test_climb_groups_by_hand(compiled):
    # ties 0-1, 0-2, 1-2, 2-3, 3-4, 0-3 from the core {0, 1} (fit 1/3: one tie inside,
    # 2-3 and 3-4 in the periphery): moving 3 in leaves no tie in the periphery {2, 4}
    # (fit (4 * 2 - 2 * 3) / sqrt(3 * 1 * 2 * 2) = 1/sqrt(3)); moving 4 in fits -1/sqrt(3),
    # 2 in and 0 or 1 out none. From {0, 1, 3} the best move (1 out) only equals the fit
    # and is not into the core: the climb stops there
    G = nx.Graph([(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (0, 3)])
    indptr, indices = _csr(G)
    deg = np.diff(indptr).astype(float)
    core = np.array([1, 1, 0, 0, 0], bool)
    best = _run(_groups(compiled), compiled, indptr, indices, deg, core,
                _ties_into(indptr, indices, core), 6.0, 20, 1e-12)
    assert core.tolist() == [True, True, False, True, False]
    assert best == pytest.approx(1 / np.sqrt(3), abs=1e-15)


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("compiled", [True, False])
def test_climb_groups_equals_the_one_branch_a_node_loop(seed, compiled):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 80))
    if seed % 4 == 3:   # a core and a sparse rest: groups of many alike nodes
        G = nx.disjoint_union(nx.complete_graph(int(rng.integers(2, 10))),
                              nx.gnp_random_graph(n, 0.05, seed=seed))
    else:
        G = nx.gnp_random_graph(n, float(rng.uniform(0.02, 0.5)), seed=seed)
    n = G.number_of_nodes()
    indptr, indices = _csr(G)
    deg = np.diff(indptr).astype(float)
    ones = np.ones(len(indices))
    for start in (rng.random(n) < rng.uniform(0, 1), np.zeros(n, bool), np.ones(n, bool)):
        for limit in (4 * n, 2):        # a move limit stops both at the same place
            want_core, got_core = start.copy(), start.copy()
            want = _old_climb(indptr, indices, ones, deg, want_core, deg.sum() / 2, limit,
                              1e-12)
            got = _run(_groups(compiled), compiled, indptr, indices, deg, got_core,
                       _ties_into(indptr, indices, got_core),
                       deg.sum() / 2, limit, 1e-12)
            assert (np.isnan(want) and np.isnan(got)) or got == want
            assert got_core.tolist() == want_core.tolist()


@pytest.mark.parametrize("compiled", [True, False])
def test_prefix_ties_by_hand(compiled):
    # the path 0-1-2-3 with the nodes in the order 1, 3, 0, 2: the first one is node 1
    # (tied to 0 and 2); the first three are 1, 3 and 0 (node 2 has two ties to them,
    # node 3 none)
    indptr = np.array([0, 1, 3, 5, 6], np.int64)
    indices = np.array([1, 0, 2, 1, 3, 2], np.int64)
    order = np.array([1, 3, 0, 2], np.int64)
    kernel = CK.prefix_ties if compiled else CK.prefix_ties.py_func
    a, b = _run(kernel, compiled, indptr, indices, order, 1, 3)
    assert a.tolist() == [1, 0, 1, 0] and b.tolist() == [1, 1, 2, 0]
    assert a.dtype == b.dtype == np.int64


@pytest.mark.parametrize("seed", range(4))
def test_prefix_ties_count_each_nodes_ties_into_the_first(seed):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(int(rng.integers(5, 60)), 0.2, seed=seed)
    indptr, indices = _csr(G)
    n = len(indptr) - 1
    order = rng.permutation(n)
    first, second = sorted(int(x) for x in rng.integers(0, n + 1, 2))
    got = CK.prefix_ties(indptr, indices, order, first, second)
    for k, counts in zip((first, second), got, strict=True):
        assert counts.tolist() == _ties_into(indptr, indices, np.isin(np.arange(n),
                                                                      order[:k])).tolist()


def test_discrete_needs_a_binary_adjacency():
    """The climb counts ties as 1: a weighted adjacency is refused, not climbed wrongly."""
    a = nx.to_scipy_sparse_array(nx.path_graph(5), nodelist=range(5), format="csr")
    assert cp._discrete(a)[0].dtype == bool
    a.data = a.data * 2.0
    with pytest.raises(ValueError, match="binary"):
        cp._discrete(a)
