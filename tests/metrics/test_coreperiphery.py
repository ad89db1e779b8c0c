"""core_periphery: the Borgatti-Everett discrete fit against brute force over all splits."""

import itertools

import networkx as nx
import numpy as np
import pytest

import peernet as pn
from peernet.metrics.coreperiphery import CORE_PERIPHERY_COLUMNS


def _brute_force(G):
    """Best split of all 2^n, fitted the slow and obvious way: the ideal matrix written out
    (core-core 1, periphery-periphery 0, core-periphery pairs left out) and np.corrcoef."""
    nodes = list(G)
    A = nx.to_numpy_array(G, nodelist=nodes)
    n = len(nodes)
    iu = np.triu_indices(n, k=1)
    fits = {}
    for bits in itertools.product([0, 1], repeat=n):
        c = np.array(bits)
        keep = (c[iu[0]] == c[iu[1]])
        ideal = (c[iu[0]] * c[iu[1]])[keep]
        obs = A[iu][keep]
        if ideal.std() == 0 or obs.std() == 0:
            continue
        fits[frozenset(nodes[i] for i in range(n) if c[i])] = np.corrcoef(ideal, obs)[0, 1]
    best = max(fits.values())
    return best, [c for c, r in fits.items() if r > best - 1e-9]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_equals_brute_force_on_small_random_graphs(seed):
    G = nx.gnp_random_graph(10, 0.35, seed=seed)
    # give it a core: the first four nodes fully tied
    G.add_edges_from(itertools.combinations(range(4), 2))
    best, optimal = _brute_force(G)
    cp = pn.metrics.core_periphery(G)
    assert cp.attrs["correlation"] == pytest.approx(best)
    core = frozenset(cp.loc[cp["core"], "member_id"])
    assert core in optimal and len(core) == max(len(c) for c in optimal)


def test_ideal_core_periphery_by_hand():
    # core 0-3 complete, each of 4, 5, 6 tied to one core member, no periphery ties
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (0, 4), (1, 5), (2, 6)])
    cp = pn.metrics.core_periphery(G)
    assert list(cp.columns) == list(CORE_PERIPHERY_COLUMNS)
    assert cp["core"].tolist() == [True] * 4 + [False] * 3
    assert cp["position"].tolist() == ["core"] * 4 + ["periphery"] * 3
    assert cp["core_ties"].tolist() == [3, 3, 3, 3, 1, 1, 1]
    assert cp.attrs["correlation"] == pytest.approx(1.0) and cp.attrs["core_size"] == 4


def test_no_ties_no_fit():
    G = nx.empty_graph(4)
    cp = pn.metrics.core_periphery(G)
    assert (cp["position"] == "isolate").all() and np.isnan(cp.attrs["correlation"])


def test_riverbend_core_is_a_minority_of_direct_ties(riverbend):
    y = riverbend.period("2025")
    cp = pn.metrics.core_periphery(y)
    G = pn.person_graph(y, coattendance=None)
    assert cp["member_id"].tolist() == sorted(G.nodes)
    assert cp["degree"].tolist() == [G.degree(n) for n in cp["member_id"]]
    # a real core: denser inside than the network, smaller than the k-core cut's 79 %
    core = cp.loc[cp["core"], "member_id"].tolist()
    assert 0.1 < len(core) / len(cp) < 0.5
    assert nx.density(G.subgraph(core)) > 2 * nx.density(G)
    assert cp.attrs["correlation"] > 0.2
    # the local search never ends below the best degree-threshold split (UCINET's search)
    from peernet.metrics.coreperiphery import _fit
    deg = np.array([G.degree(n) for n in G])
    A = nx.to_numpy_array(G, weight=None)
    best = -np.inf
    for t in np.unique(deg):
        c = deg >= t
        k = c.sum()
        s1 = A[np.ix_(c, c)].sum() / 2
        s0 = A[np.ix_(~c, ~c)].sum() / 2
        best = np.nanmax([best, float(_fit(len(deg), k, s1, s0))])
    assert cp.attrs["correlation"] >= best - 1e-12


def test_bad_input():
    with pytest.raises(TypeError, match="must be a PeerNetwork or a networkx graph; got int"):
        pn.metrics.core_periphery(3)


def test_a_slice_is_fitted_once(riverbend, monkeypatch):
    """The Grid's core-periphery indicator and member_metrics' position read one fit of a
    slice (kept on it, issue 23: seconds at 100,000 members); each caller gets a copy."""
    from peernet.metrics import coreperiphery

    s = riverbend.replace(name=riverbend.name).period("2025")   # nothing kept yet
    fits = []
    real = coreperiphery._discrete
    monkeypatch.setattr(coreperiphery, "_discrete", lambda a, *k: fits.append(1) or real(a, *k))
    first = pn.metrics.core_periphery(s)
    first.loc[0, "position"] = "changed"
    first.attrs["core_size"] = -1
    again = pn.metrics.core_periphery(s)
    assert len(fits) == 1 and again.loc[0, "position"] != "changed"
    assert again.attrs["core_size"] == int(again["core"].sum()) > 0
    mm = pn.member_metrics(s)
    assert len(fits) == 1
    pos = mm.set_index("member_id")["position"].astype(str)
    core = again.set_index("member_id")["core"]
    assert (pos[core[core].index] == "core").all()
