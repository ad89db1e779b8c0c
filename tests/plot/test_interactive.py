"""pn.plot.interactive_map: the data it draws, and the page in headless Chromium offline."""

import re
from urllib.parse import quote

import numpy as np
import pytest

import peernet as pn
from peernet.plot.interactive import CSP
from tests.browser import open_page


@pytest.fixture(scope="module")
def y25(riverbend):
    return riverbend.period("2025")


@pytest.fixture(scope="module")
def imap(y25):
    return pn.plot.interactive_map(y25, color_by="region")


def test_data_is_what_the_static_map_draws(y25, imap):
    import matplotlib.pyplot as plt

    d = imap.data
    (p,) = d["periods"]
    assert p["label"] == "2025" and len(p["nodes"]) == 112 and len(d["nodes"]) == 112
    G = pn.person_graph(y25)
    assert len(p["ties"]) == G.number_of_edges() == 2269
    # degrees in the data are the person graph's
    key = pn.io.export_graph.pseudonyms(y25, list(G.nodes))
    by_id = {n["id"]: i for i, n in enumerate(d["nodes"])}
    degree = {i: deg for i, _r, deg, _w in p["nodes"]}
    for m in ("m001", "m002", "m050"):
        assert degree[by_id[key[m]]] == G.degree(m)
    # the same positions as network_map with the same layout: compare after scaling
    L = pn.plot.layout(y25)
    fig, ax = plt.subplots()
    pn.plot.network_map(y25, color_by="region", layout=L, ax=ax)
    nodes = next(c for c in ax.collections if c.get_gid() == "peernet-nodes")
    static = {tuple(np.round(xy, 6)) for xy in nodes.get_offsets()}
    drawn = {(round(n["x"] / 160, 6), round(-n["y"] / 160, 6)) for n in d["nodes"]}
    assert len(static) == 112
    assert max(min(abs(a - x) + abs(b - y) for x, y in static) for a, b in drawn) < 1e-3
    # colours: the static map's facecolours, region by region
    faces = {tuple(np.round(c[:3], 3)) for c in nodes.get_facecolors()}
    from matplotlib.colors import to_rgb

    assert {tuple(np.round(to_rgb(n["color"]), 3)) for n in d["nodes"]} == faces
    # brokers: top 10% of 112 -> 12, as on the static map
    assert len(p["marks"]["brokers"]) == 12
    plt.close(fig)


def test_pseudonyms_by_default_names_when_asked(y25, imap, riverbend):
    page = imap.to_html()
    names = riverbend.members["name"].dropna().astype(str)
    assert not any(n in page for n in names if len(n) > 5)
    assert not re.search(r'"id":"m\d{3}"', page)
    named = pn.plot.interactive_map(y25, names=True)
    labels = {n["id"] for n in named.data["nodes"]}
    assert set(names) & labels


def test_page_is_self_contained(imap):
    page = imap.to_html()
    assert f'content="{CSP}"' in page
    assert not re.search(r'\s(src|href)\s*=\s*["\'](?!#)', page)
    assert "sourceMappingURL" not in page
    assert "</script" not in page.split('class="pn-data">', 1)[1].split("</script>", 1)[0]


def test_repr_html_is_an_iframe(imap):
    html = imap._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "sandbox=\"allow-scripts\"" in html


def test_errors(y25):
    with pytest.raises(TypeError, match="must be a PeerNetwork; got Graph"):
        pn.plot.interactive_map(pn.person_graph(y25))
    with pytest.raises(ValueError, match="periods must be a non-empty list"):
        pn.plot.interactive_map(y25, periods="2025")
    with pytest.raises(ValueError, match=r"lang must be one of \['en', 'es'\]"):
        pn.plot.interactive_map(y25, lang="de")


# ------------------------------------------------------------------ in a real browser
@pytest.mark.slow
def test_offline_in_headless_chromium(tmp_path, riverbend, y25):
    m = pn.plot.interactive_map(riverbend, periods=["2024", "2025"], color_by="sector")
    path = m.save(tmp_path / "map.html")
    page = open_page(path)
    assert page.attr("data-ready") == "1"
    assert page.attr("data-errors") is None and page.console_errors == []
    assert page.requests == []
    assert page.attr("data-period") == "2025"
    assert page.attr("data-nodes-shown") == "112"
    assert page.attr("data-ties-shown") == "2269"
    # filtering by region changes what is drawn: the 2025 members of that region, and the
    # ties among them
    G = pn.person_graph(y25)
    roster = riverbend.members.set_index("member_id")["region"]
    region = "Coast"
    inside = [n for n in G if roster.get(n) == region]
    page = open_page(path, f"region={region}")
    assert page.attr("data-nodes-shown") == str(len(inside)) != "112"
    assert page.attr("data-ties-shown") == str(G.subgraph(inside).number_of_edges())
    assert page.requests == [] and page.console_errors == []
    # another period: 2024 with the same positions
    page = open_page(path, "period=2024")
    assert page.attr("data-period") == "2024"
    assert page.attr("data-nodes-shown") == str(pn.person_graph(
        riverbend.period("2024")).number_of_nodes())
    # search by organization: its 2025 members are selected
    orgs = riverbend.members.set_index("member_id")["org"]
    org = orgs["m001"]
    page = open_page(path, "search=" + quote(org.lower()))
    assert page.attr("data-matches") == str(sum(orgs.get(n) == org for n in G))


@pytest.mark.slow
def test_screenshot_shows_the_map(tmp_path, imap):
    path = imap.save(tmp_path / "map.html")
    png = tmp_path / "map.png"
    open_page(path, screenshot=png)
    from matplotlib.image import imread

    img = imread(png)[150:760, 20:1080, :3]
    # coloured pixels (not white, not grey) cover part of the canvas: nodes were drawn
    rgb = img.reshape(-1, 3)
    coloured = (rgb.max(axis=1) - rgb.min(axis=1)) > 0.25
    assert 0.005 < coloured.mean() < 0.5
