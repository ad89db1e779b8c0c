"""write_graph's direct GEXF and GraphML writers: networkx's bytes, faster.

The reference is networkx's own writers (``write_gexf``; ``write_graphml_xml``, the
ElementTree writer ``write_graphml`` uses without lxml)."""

import random
import string

import networkx as nx
import pytest

from peernet.io import export_graph as E

WEIRD = ["a&b", "x<y>z", 'q"uote', "it's", "tab\there", "new\nline", "cr\rret", "ñandú",
         "日本語", "emoji 🎉", "", " ", "  lead", "Zoë & Ünal <ok>", "\x01ctl", "\ud800lone"]


def _networkx(G, tmp_path, fmt):
    path = tmp_path / f"ref.{fmt}"
    (nx.write_gexf if fmt == "gexf" else nx.write_graphml_xml)(G, path)
    return path.read_bytes()


def _direct(G, tmp_path, fmt):
    path = tmp_path / f"direct.{fmt}"
    assert E._xml(G, path, fmt) is not None  # written directly, not by networkx
    E.write_graph(G, path, fmt)
    return path.read_bytes()


def _text(r):
    if r.random() < 0.4:
        return r.choice(WEIRD)
    return "".join(r.choice(string.ascii_letters + " &<>\"'éß") for _ in range(r.randint(0, 8)))


def _value(r):
    t = r.random()
    if t < 0.25:
        return _text(r)
    if t < 0.45:
        return r.randint(-10**12, 10**12)
    if t < 0.7:
        return r.choice([r.random() * 10 ** r.randint(-8, 8), float("nan"), float("inf"),
                         -float("inf"), 0.0, -0.0, 1e-300])
    return r.random() < 0.5


def _random_graph(seed):
    """Text, integer, float and boolean values (a key's type varying between nodes too),
    names needing escaping, non-ASCII, empty strings, nodes and ties without attributes."""
    r = random.Random(seed)
    G = nx.DiGraph() if r.random() < 0.3 else nx.Graph()
    for k in ("name", "period"):
        if r.random() < 0.8:
            G.graph[k] = _text(r)
    ids = list(dict.fromkeys(_text(r) + str(i) for i in range(r.randint(0, 30))))
    keys = ["org", "sector", "a&b", "ñame", "weight", "label", "x y", 'k"q', "count"]
    for u in ids:
        G.add_node(u, **{k: _value(r) for k in r.sample(keys, r.randint(0, len(keys)))})
    for _ in range(r.randint(0, 80) if ids else 0):
        G.add_edge(r.choice(ids), r.choice(ids),
                   **{k: _value(r) for k in r.sample(["weight", "count", "kinds", "first", "é&"],
                                                     r.randint(0, 5))})
    return G


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
@pytest.mark.parametrize("names", [False, True])
def test_riverbend_files_are_networkx_bytes(tmp_path, riverbend, fmt, names):
    for p in ("2024", "2025"):
        G = E.network_graph(riverbend.period(p), names=names)
        assert _direct(G, tmp_path, fmt) == _networkx(G, tmp_path, fmt)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_random_graphs_are_networkx_bytes(tmp_path, fmt):
    for seed in range(60):
        G = _random_graph(seed)
        assert _direct(G, tmp_path, fmt) == _networkx(G, tmp_path, fmt), seed


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_small_cases_are_networkx_bytes(tmp_path, fmt):
    empty = nx.Graph()
    one = nx.Graph(name="x & y")
    one.add_node("a")
    ints = nx.karate_club_graph()
    clash = nx.Graph()
    clash.add_nodes_from([1, "1"])
    for G in (empty, one, ints, clash):
        assert _direct(G, tmp_path, fmt) == _networkx(G, tmp_path, fmt)


def test_networkx_reads_the_values_back(tmp_path, riverbend):
    G = E.network_graph(riverbend.period("2025"))
    path = E.write_graph(G, tmp_path / "r.graphml", "graphml")
    H = nx.read_graphml(path)
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))


@pytest.mark.parametrize("build,name", [
    (lambda: nx.MultiGraph([(1, 2)]), "r.gexf"),
    (lambda: nx.Graph([(1, 2, {"x": {"a": 1}})]), "r.gexf"),
    (lambda: nx.Graph([(1, 2, {"id": "e"})]), "r.gexf"),
    (lambda: nx.Graph([(1, 2)], node_default={}), "r.graphml"),
    (lambda: nx.Graph([(1, 2, {"x": 1.5})]), "r.graphml.gz"),
])
def test_other_graphs_are_left_to_networkx(tmp_path, build, name):
    G = build()
    fmt = "gexf" if ".gexf" in name else "graphml"
    assert E._xml(G, tmp_path / name, fmt) is None
    E.write_graph(G, tmp_path / name, fmt)  # networkx writes it
    assert (tmp_path / name).stat().st_size > 0
