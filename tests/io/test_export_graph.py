"""pn.export: GEXF, GraphML and Kumu files that networkx (and Kumu) read back."""

import json

import networkx as nx
import pytest

import peernet as pn
from peernet.io.export_graph import network_graph


@pytest.fixture(scope="module")
def y25(riverbend):
    return riverbend.period("2025")


@pytest.fixture(scope="module")
def exported(y25):
    return network_graph(y25)


def _without_reader_keys(d):
    return {k: v for k, v in d.items() if k != "id"}  # GEXF readers add the edge id


@pytest.mark.parametrize("fmt,reader", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_riverbend_2025_round_trips_through_networkx(tmp_path, y25, exported, fmt, reader):
    path = pn.export(y25, tmp_path / f"r.{fmt}")
    H = reader(path)
    assert H.number_of_nodes() == 112 and H.number_of_edges() == 2269
    assert set(H.nodes) == set(exported.nodes)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in exported.edges}
    for n in exported:
        assert H.nodes[n] == exported.nodes[n]
    for u, v, d in exported.edges(data=True):
        assert _without_reader_keys(H.edges[u, v]) == d


def test_values_match_the_person_graph_and_metrics(y25, exported, riverbend):
    G = pn.person_graph(y25)
    key = pn.privacy.pseudonym_key(riverbend, salt="s3cret-salt")
    salted = network_graph(y25, salt="s3cret-salt")
    ps = dict(zip(key["member_id"], key["pseudonym"], strict=True))
    assert set(salted.nodes) == {ps[n] for n in G.nodes}  # the pseudonymize() pseudonyms
    roster = riverbend.members.set_index("member_id")
    for m in ("m001", "m002", "m050"):
        d = salted.nodes[ps[m]]
        assert d["label"] == ps[m]
        assert d["org"] == roster.loc[m, "org"] and d["region"] == roster.loc[m, "region"]
        assert d["degree"] == G.degree(m)
        assert d["strength"] == pytest.approx(G.degree(m, weight="weight"))
    u, v = next(iter(G.edges))
    assert salted.edges[ps[u], ps[v]]["weight"] == G.edges[u, v]["weight"]
    assert salted.edges[ps[u], ps[v]]["kinds"] == G.edges[u, v]["kinds"]
    # brokers as on the maps: top 10% of 112 members -> 12
    assert sum(bool(d.get("broker")) for _, d in exported.nodes(data=True)) == 12
    # without a salt: the same data gives the same pseudonyms, another salt others
    assert set(network_graph(y25).nodes) == set(exported.nodes)
    assert set(exported.nodes).isdisjoint(salted.nodes)


def test_pseudonymised_files_name_nobody(tmp_path, y25, riverbend):
    text = pn.export(y25, tmp_path / "r.graphml").read_text(encoding="utf-8")
    members = riverbend.members
    for col in ("member_id", "name", "email"):
        for value in members[col].dropna().astype(str).head(40):
            assert f">{value}<" not in text and f'"{value}"' not in text
    assert "joined" not in text


def test_names_true_keeps_ids_and_names(tmp_path, y25, riverbend):
    H = nx.read_gexf(pn.export(y25, tmp_path / "r.gexf", names=True))
    name = riverbend.members.set_index("member_id").loc["m001", "name"]
    assert "m001" in H and H.nodes["m001"]["label"] == name
    assert H.nodes["m001"]["joined"].startswith("2019-03-01")


def test_kumu_blueprint(tmp_path, y25, exported):
    doc = json.loads(pn.export(y25, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(doc) == {"elements", "connections"}
    ids = {e["id"] for e in doc["elements"]}
    assert ids == set(exported.nodes) and len(doc["elements"]) == 112
    assert all(e["type"] == "Person" and e["label"] for e in doc["elements"])
    assert len(doc["connections"]) == 2269
    assert all(c["from"] in ids and c["to"] in ids and c["direction"] == "undirected"
               for c in doc["connections"])
    e = next(e for e in doc["elements"] if e["id"] == next(iter(exported.nodes)))
    assert e["Organization"] == exported.nodes[e["id"]]["org"]
    c = doc["connections"][0]
    assert c["Weight"] == exported.edges[c["from"], c["to"]]["weight"]
    kinds = exported.edges[c["from"], c["to"]]["kinds"].split("; ")
    assert c["tags"] == kinds


def test_a_networkx_graph_keeps_its_attributes(tmp_path, tiny_net):
    G = pn.org_graph(tiny_net)
    H = nx.read_graphml(pn.export(G, tmp_path / "o.graphml", names=True))
    assert set(H.nodes) == set(G.nodes)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in G.edges}
    for u, v, w in G.edges(data="weight"):
        assert H.edges[u, v]["weight"] == w


def test_bad_format_and_suffix(tmp_path, tiny_net):
    with pytest.raises(ValueError, match=r"format must be one of \['gexf', 'graphml', 'kumu'\]; "
                                         r"got 'dot'"):
        pn.export(tiny_net, tmp_path / "a.gexf", format="dot")
    with pytest.raises(ValueError, match=r"cannot tell the format from the suffix '\.txt'"):
        pn.export(tiny_net, tmp_path / "a.txt")
    with pytest.raises(TypeError, match="must be a PeerNetwork or a networkx graph; got dict"):
        pn.export({}, tmp_path / "a.gexf")
