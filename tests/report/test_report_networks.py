"""The report's network files and interactive map: offline in headless Chromium."""

import re
from pathlib import Path

import networkx as nx
import pytest

import peernet as pn
from tests.browser import open_page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rb_report(riverbend, tmp_path_factory):
    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    return pn.report(ev, tmp_path_factory.mktemp("rep") / "report")


def test_report_writes_the_networks_pseudonymised(rb_report, riverbend):
    files = sorted(p.name for p in (rb_report / "networks").iterdir())
    assert files == ["2024.gexf", "2024.graphml", "2025.gexf", "2025.graphml"]
    G = pn.person_graph(riverbend.period("2025"))
    for reader, name in ((nx.read_gexf, "2025.gexf"), (nx.read_graphml, "2025.graphml")):
        H = reader(rb_report / "networks" / name)
        assert H.number_of_nodes() == G.number_of_nodes() == 112
        assert H.number_of_edges() == G.number_of_edges()
        assert not set(H.nodes) & set(G.nodes)  # pseudonyms, not member ids
    text = (rb_report / "networks" / "2025.graphml").read_text(encoding="utf-8")
    assert not any(n in text for n in riverbend.members["name"].dropna() if len(n) > 5)


def _relative_links(html: str) -> list[str]:
    return [u for u in re.findall(r'\s(?:src|href)="([^"#]+)', html)]


def test_report_opens_offline_with_the_interactive_map(rb_report, riverbend):
    # the interactive map is shown in the appendix (issue 19: the first page is the summary)
    appendix = (rb_report / "appendix.html").read_text(encoding="utf-8")
    assert 'src="interactive_map.html"' in appendix
    for name in ("index.html", "appendix.html"):
        html = (rb_report / name).read_text(encoding="utf-8")
        links = _relative_links(html)
        assert links and not [u for u in links if re.match(r"^[a-z]+:", u)]  # nothing remote
        assert all((rb_report / u).exists() for u in links), [u for u in links
                                                              if not (rb_report / u).exists()]
        page = open_page(rb_report / name)
        assert page.requests == [] and page.console_errors == []
    # the map: 112 people in 2025, a region filter draws fewer, nothing requested
    imap = rb_report / "interactive_map.html"
    page = open_page(imap)
    assert page.attr("data-ready") == "1" and page.attr("data-errors") is None
    assert page.requests == [] and page.console_errors == []
    assert page.attr("data-period") == "2025" and page.attr("data-nodes-shown") == "112"
    roster = riverbend.members.set_index("member_id")["region"]
    G = pn.person_graph(riverbend.period("2025"))
    mountain = sum(roster.get(n) == "Mountain" for n in G)
    page = open_page(imap, "region=Mountain")
    assert page.attr("data-nodes-shown") == str(mountain)
    assert 0 < mountain < 112
    assert page.requests == [] and page.console_errors == []


def test_screenshot_of_the_report_map(rb_report, tmp_path):
    png = tmp_path / "map.png"
    open_page(Path(rb_report / "interactive_map.html"), screenshot=png)
    from matplotlib.image import imread

    rgb = imread(png)[150:760, 20:1080, :3].reshape(-1, 3)
    coloured = (rgb.max(axis=1) - rgb.min(axis=1)) > 0.25
    assert 0.02 < coloured.mean() < 0.6


def test_a_network_too_large_for_a_browser_is_left_out_and_said(riverbend, tmp_path,
                                                               monkeypatch):
    from peernet.report import networks

    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    n25 = pn.person_graph(riverbend.period("2025")).number_of_edges()
    assert networks.too_large(ev, "map") is None and networks.too_large(ev, "files") is None
    monkeypatch.setattr(networks, "MAX_MAP_MEMBERS", 100)        # 2025 has 112 people
    monkeypatch.setattr(networks, "MAX_FILE_TIES", n25 - 1)
    out = pn.report(ev, tmp_path / "report")
    assert not (out / "interactive_map.html").exists() and not (out / "networks").exists()
    page = (out / "index.html").read_text(encoding="utf-8")
    n24 = pn.person_graph(riverbend.period("2024")).number_of_nodes()
    assert n24 == 115 and "Interactive map not drawn: 2024 has 115 people" in page
    assert f"Network files not written: 2025 has {n25:,} ties" in page
    assert 'src="interactive_map.html"' not in page


def test_the_interactive_map_names_each_member_once(riverbend, monkeypatch):
    # the pseudonyms of a map's members are computed once (it was once per member: a
    # report of 10,000 members spent 10 minutes in it)
    from peernet.io import export_graph

    calls = []
    real = export_graph.pseudonyms

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(export_graph, "pseudonyms", counting)
    m = pn.plot.interactive_map(riverbend.period("2025"))
    assert len(calls) == 1 and m is not None


def test_the_protected_slices_take_over_the_tie_tables_not_the_group_names(evaluation):
    # issue 23: the relabelled network of a default report keeps the evaluated slices' tie
    # tables (interactions and ids only) instead of aggregating them again; what depends on
    # the roster's group names (the graph arrays carry the roster's attributes) is not kept
    from peernet._cache import memo
    from peernet.metrics.arrays import arrays_from_net
    from peernet.report.protect import protected
    from peernet.ties import person_ties

    for s in evaluation.slices.values():   # pn.evaluate lets its graph arrays go at its end
        arrays_from_net(s)
    shown = protected(evaluation, 5)
    for period, s in evaluation.slices.items():
        p = shown.slices[period]
        assert p is not s and person_ties(p) is person_ties(s)
        assert p.members_active() is s.members_active()
        assert ("arrays",) in memo(s) and ("arrays",) not in memo(p)
    assert len(person_ties(shown.slices["2025"]).u) == pn.person_graph(
        evaluation.slices["2025"]).number_of_edges()
    # the organization map's and cards' slice with small organizations as one: the same
    from peernet.report.protect import small_groups_together
    from peernet.ties import org_ties

    s = evaluation.slices["2025"]
    together = small_groups_together(s, evaluation.slices.values(), 5)
    assert together is not s and person_ties(together) is person_ties(s)
    assert "other small organizations" in set(together.members["org"].dropna())
    a, b = org_ties(together), org_ties(s)
    assert len(a.orgs) < len(b.orgs)
    assert a.ties.sum() + a.internal_ties.sum() == b.ties.sum() + b.internal_ties.sum()
