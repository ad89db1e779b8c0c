"""Network maps: artists, not pixels (markers, colours, legends, highlights, layouts)."""


import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.legend import Legend

import peernet as pn
from peernet.plot.drawing import HIGHLIGHT_STYLE
from peernet.plot.style import OKABE_ITO, OTHER_COLOR


# ----------------------------------------------------------------------- helpers
def collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    return found[0] if found else None


def legend(container, gid):
    legends = [a for a in container.get_children() if isinstance(a, Legend)]
    legends += list(getattr(container, "legends", []))
    found = [lg for lg in legends if lg.get_gid() == gid]
    return found[0] if found else None


def legend_labels(container, gid):
    return [t.get_text() for t in legend(container, gid).get_texts()]


def index_of(offsets, xy):
    hits = np.flatnonzero(np.all(np.isclose(offsets, xy), axis=1))
    assert len(hits) == 1
    return int(hits[0])


def graph_with_isolates():
    """a-b-c path in org X, d in org Y tied to c, e and f isolates (org Y, no org)."""
    G = nx.Graph()
    G.add_nodes_from([("a", {"org": "X"}), ("b", {"org": "X"}), ("c", {"org": "X"}),
                      ("d", {"org": "Y"}), ("e", {"org": "Y"}), ("f", {})])
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("b", "c", weight=4.0)
    G.add_edge("c", "d", weight=9.0)
    return G


@pytest.fixture(scope="module")
def river_layout(riverbend):
    return pn.plot.layout(riverbend)


# ----------------------------------------------------------------------- tiny_net
def test_one_marker_per_member_and_org_colours_from_sorted_names(tiny_net):
    L = pn.plot.layout(tiny_net)
    fig, ax = plt.subplots()
    out = pn.plot.network_map(tiny_net, layout=L, ax=ax)
    assert out is ax
    nodes = collection(ax, "peernet-nodes")
    offsets = nodes.get_offsets()
    assert len(offsets) == 5
    faces = nodes.get_facecolors()
    # org A sorts first -> Okabe-Ito orange; org B -> sky blue
    assert to_hex(faces[index_of(offsets, L["ana"])]) == OKABE_ITO[0].lower()
    assert to_hex(faces[index_of(offsets, L["eve"])]) == OKABE_ITO[1].lower()
    assert legend_labels(ax, "peernet-colors") == ["A", "B"]
    assert legend(ax, "peernet-colors").get_title().get_text() == "Organization"


def test_sizes_grow_with_degree(tiny_net):
    L = pn.plot.layout(tiny_net)
    fig, ax = plt.subplots()
    pn.plot.network_map(tiny_net, layout=L, ax=ax, highlight=None)
    G = pn.person_graph(tiny_net)
    nodes = collection(ax, "peernet-nodes")
    sizes = {n: nodes.get_sizes()[index_of(nodes.get_offsets(), L[n])] for n in G}
    by_degree = sorted(G, key=lambda n: (G.degree(n), n))
    assert [sizes[n] for n in by_degree] == sorted(sizes[n] for n in by_degree)
    assert sizes["ana"] == max(sizes.values())  # ana has the most ties (4)


def test_newcomer_highlight_is_a_dashed_outer_ring(tiny_net):
    y25 = tiny_net.period("2025")
    L = pn.plot.layout(tiny_net)
    fig, ax = plt.subplots()
    pn.plot.network_map(y25, layout=L, ax=ax)
    ring = collection(ax, "peernet-highlight-newcomers")
    assert ring is not None
    # eve joined 2025-06-01: the only newcomer of 2025
    assert np.allclose(ring.get_offsets(), [L["eve"]])
    assert len(ring.get_facecolors()) == 0 or ring.get_facecolors()[0][3] == 0
    offset, dashes = ring.get_linestyles()[0]
    assert dashes is not None  # dashed, not solid
    key = legend_labels(ax, "peernet-key")
    assert HIGHLIGHT_STYLE["newcomers"]["label"] in key
    # a whole (unsliced) network has no period to be new in: no newcomer rings
    fig, ax = plt.subplots()
    pn.plot.network_map(tiny_net, layout=L, ax=ax)
    assert collection(ax, "peernet-highlight-newcomers") is None


def test_labels_print_names_and_never_emails(tiny_net):
    fig, ax = plt.subplots()
    pn.plot.network_map(tiny_net, labels="all", ax=ax)
    texts = sorted(t.get_text() for t in ax.texts if t.get_gid() == "peernet-label")
    assert texts == ["Ana Ruiz", "Ben Roy", "Cai Lin", "Dee Park", "Eve Stone"]
    G = nx.relabel_nodes(pn.person_graph(tiny_net), {"ana": "ana@a.org"})
    fig, ax = plt.subplots()
    pn.plot.network_map(G, labels="all", ax=ax, highlight=None)
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "peernet-label"]
    assert "ana" in texts and not any("@" in t for t in texts)


def test_no_labels_by_default_and_top_labels_the_largest(tiny_net):
    fig, ax = plt.subplots()
    pn.plot.network_map(tiny_net, ax=ax)
    assert [t for t in ax.texts if t.get_gid() == "peernet-label"] == []
    G = graph_with_isolates()
    fig, ax = plt.subplots()
    pn.plot.network_map(G, labels="top", ax=ax)
    # "top" = the 10 largest by size with any ties: all 4 tied nodes, not the isolates
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "peernet-label") == \
        ["a", "b", "c", "d"]


# ----------------------------------------------------------------------- graphs
def test_isolates_are_drawn_and_outlined_with_squares():
    G = graph_with_isolates()
    L = pn.plot.layout(G)
    fig, ax = plt.subplots()
    pn.plot.network_map(G, layout=L, ax=ax)
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 6
    ring = collection(ax, "peernet-highlight-isolates")
    got = {tuple(np.round(xy, 9)) for xy in ring.get_offsets()}
    assert got == {tuple(np.round(L[n], 9)) for n in ("e", "f")}
    # a square outline, distinct from the circle outlines of brokers and newcomers
    square = ring.get_paths()[0].vertices
    assert len(square) == 5 or np.allclose(np.abs(square[:4]), 0.5)
    assert legend_labels(ax, "peernet-colors") == ["X", "Y", "unknown"]
    # isolates sit on a ring outside the tied members
    r_tied = max(np.hypot(*L[n]) for n in "abcd")
    assert np.hypot(*L["e"]) > r_tied and np.hypot(*L["f"]) > r_tied


def test_ties_are_one_line_collection_wider_and_darker_with_weight():
    G = graph_with_isolates()
    fig, ax = plt.subplots()
    pn.plot.network_map(G, ax=ax, highlight=None)
    lines = collection(ax, "peernet-edges")
    assert len(lines.get_segments()) == 3
    widths = lines.get_linewidths()
    alphas = lines.get_colors()[:, 3]
    # drawn weakest first: weights 1, 4, 9
    assert list(widths) == sorted(widths) and widths[0] < widths[-1]
    assert list(alphas) == sorted(alphas) and alphas[0] < alphas[-1]


def test_brokers_are_the_top_decile_of_brokerage_with_a_thick_ring():
    G = graph_with_isolates()
    metrics = pd.DataFrame({"member_id": list("abcdef"),
                            "brokerage_liaison": [0.0, 3.0, 5.0, 1.0, 0.0, 0.0],
                            "brokerage_gatekeeper": [0.0, 0.0, 2.0, 0.0, 0.0, 0.0],
                            "newcomer": [False, False, False, True, False, False]})
    L = pn.plot.layout(G)
    fig, ax = plt.subplots()
    pn.plot.network_map(G, layout=L, metrics=metrics, ax=ax)
    ring = collection(ax, "peernet-highlight-brokers")
    # 10% of 6 members -> ceil = 1 broker: c (5 + 2 = 7)
    assert np.allclose(ring.get_offsets(), [L["c"]])
    assert ring.get_linewidths()[0] == HIGHLIGHT_STYLE["brokers"]["linewidth"]
    assert ring.get_linestyles()[0][1] is None  # solid
    assert np.allclose(collection(ax, "peernet-highlight-newcomers").get_offsets(), [L["d"]])


def test_highlight_any_set_by_mapping_and_bad_highlight():
    G = graph_with_isolates()
    L = pn.plot.layout(G)
    fig, ax = plt.subplots()
    pn.plot.network_map(G, layout=L, highlight={"coordinators": ["a", "d"]}, ax=ax)
    got = collection(ax, "peernet-highlight-coordinators").get_offsets()
    assert np.allclose(sorted(map(tuple, got)), sorted([tuple(L["a"]), tuple(L["d"])]))
    with pytest.raises(ValueError, match=r"highlight must be a subset of \['brokers', "
                                         r"'isolates', 'newcomers'\].*\['stars'\]"):
        pn.plot.network_map(G, highlight=["stars"])


def test_errors_name_argument_value_and_options(davis):
    with pytest.raises(ValueError, match=r"color_by='org' is not a roster column"):
        pn.plot.network_map(davis, color_by="org")
    with pytest.raises(ValueError, match=r"size_by must be one of \['degree', 'strength'\] "
                                         r"or None; got 'age'"):
        pn.plot.network_map(davis, size_by="age")
    with pytest.raises(ValueError, match=r"labels must be None, 'top', 'all'.*got 'some'"):
        pn.plot.network_map(davis, labels="some", color_by=None)
    with pytest.raises(ValueError, match=r"layout has no position for 16 node\(s\)"):
        pn.plot.network_map(davis, color_by=None, layout={"w01": (0, 0), "w02": (1, 1)})
    with pytest.raises(TypeError, match="must be a PeerNetwork or a networkx graph; got list"):
        pn.plot.network_map([1, 2])
    with pytest.raises(ValueError, match="method must be one of"):
        pn.plot.layout(davis, method="circle")


# ----------------------------------------------------------------------- samples
def test_davis_map_has_one_marker_per_woman(davis):
    fig, ax = plt.subplots()
    pn.plot.network_map(davis, color_by=None, highlight=("isolates",), ax=ax)
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 18
    # 14 events, every woman co-attended with someone: no isolates, no isolate ring
    assert collection(ax, "peernet-highlight-isolates") is None
    assert len(collection(ax, "peernet-edges").get_segments()) == 139
    assert legend(ax, "peernet-colors") is None


def test_same_member_same_place_in_two_periods(riverbend, river_layout):
    a, b = riverbend.period("2023"), riverbend.period("2025")
    fig, (ax1, ax2) = plt.subplots(1, 2)
    pn.plot.network_map(a, layout=river_layout, ax=ax1, highlight=None)
    pn.plot.network_map(b, layout=river_layout, ax=ax2, highlight=None)
    off1 = collection(ax1, "peernet-nodes").get_offsets()
    off2 = collection(ax2, "peernet-nodes").get_offsets()
    ga, gb = pn.person_graph(a), pn.person_graph(b)
    assert len(off1) == ga.number_of_nodes() == len(a.members_active()) == 109
    assert len(off2) == gb.number_of_nodes() == 112
    both = sorted(set(ga) & set(gb))
    assert len(both) > 50
    for m in both:
        i, j = index_of(off1, river_layout[m]), index_of(off2, river_layout[m])
        assert np.array_equal(off1[i], off2[j])
        assert np.array_equal(ax1.collections[1].get_facecolors()[i],
                              ax2.collections[1].get_facecolors()[j])


def test_region_legend_lists_the_regions_drawn(riverbend, river_layout):
    y25 = riverbend.period("2025")
    fig, ax = plt.subplots()
    pn.plot.network_map(y25, color_by="region", layout=river_layout, ax=ax)
    G = pn.person_graph(y25)
    regions = sorted({d.get("region") for _, d in G.nodes(data=True)} - {None})
    assert legend_labels(ax, "peernet-colors") == regions
    # an org map coloured by org groups the smaller orgs into "other" (25 orgs > 10)
    fig, ax = plt.subplots()
    pn.plot.network_map(y25, layout=river_layout, ax=ax, highlight=None)
    labels = legend_labels(ax, "peernet-colors")
    n_orgs = riverbend.members["org"].nunique()
    assert len(labels) == 10 and labels[-1] == f"other ({n_orgs - 9} more)"
    other = legend(ax, "peernet-colors").legend_handles[-1]
    assert to_rgba(other.get_markerfacecolor()) == to_rgba(OTHER_COLOR)


def test_riverbend_brokers_are_a_tenth_of_the_members(riverbend, river_layout):
    y25 = riverbend.period("2025")
    mm = pn.member_metrics(y25)
    fig, ax = plt.subplots()
    pn.plot.network_map(y25, layout=river_layout, metrics=mm, ax=ax)
    n = len(collection(ax, "peernet-nodes").get_offsets())
    brokers = collection(ax, "peernet-highlight-brokers").get_offsets()
    assert len(brokers) == int(np.ceil(0.1 * n)) == 12
    total = mm.filter(like="brokerage_").sum(axis=1)
    top = mm.loc[total.sort_values(ascending=False).index[0], "member_id"]
    assert any(np.allclose(xy, river_layout[top]) for xy in brokers)
    newcomers = collection(ax, "peernet-highlight-newcomers").get_offsets()
    assert len(newcomers) == int(mm["newcomer"].sum())


def test_map_years_shares_layout_scales_and_one_legend(riverbend, river_layout):
    fig = pn.plot.map_years(riverbend, ["2023", "2025"], color_by="region",
                            layout=river_layout)
    assert len(fig.axes) == 2
    assert [ax.get_legend() for ax in fig.axes] == [None, None]
    assert len(fig.legends) == 2
    assert legend_labels(fig, "peernet-colors")[:4] == ["Capital", "Coast", "Mountain",
                                                       "North Valley"]
    a, b = fig.axes
    assert a.get_xlim() == b.get_xlim() and a.get_ylim() == b.get_ylim()
    na = collection(a, "peernet-nodes")
    nb = collection(b, "peernet-nodes")
    assert len(na.get_offsets()) == 109 and len(nb.get_offsets()) == 112
    # one size scale: the largest marker of both panels is the same size cap
    assert max(na.get_sizes().max(), nb.get_sizes().max()) == pytest.approx(
        np.clip(2600 / np.sqrt(112), 30, 320))
    assert a.get_title(loc="left").startswith("2023: 109 members")


def test_map_years_bad_periods(riverbend):
    with pytest.raises(ValueError, match="periods must be a non-empty list"):
        pn.plot.map_years(riverbend, "2025")


def test_layout_previous_keeps_old_positions(tiny_net):
    G = pn.person_graph(tiny_net)
    old = {"ana": np.array([0.3, -0.2]), "ben": np.array([-0.5, 0.5])}
    L = pn.plot.layout(G, previous=old)
    assert np.array_equal(L["ana"], old["ana"]) and np.array_equal(L["ben"], old["ben"])
    assert set(L) == set(G)
    assert np.allclose(pn.plot.layout(G, seed=3)["cai"], pn.plot.layout(G, seed=3)["cai"])


def test_layout_of_a_network_covers_the_whole_roster(riverbend, river_layout):
    assert set(river_layout) == set(riverbend.members["member_id"])


def test_org_map_nodes_ties_and_strength_legend(riverbend):
    y25 = riverbend.period("2025")
    orgs = pn.org_graph(y25)
    fig, ax = plt.subplots()
    pn.plot.org_map(y25, ax=ax, min_group_size=None)   # every organization (opt-out)
    assert len(collection(ax, "peernet-nodes").get_offsets()) == orgs.number_of_nodes() == 25
    lines = collection(ax, "peernet-edges")
    assert len(lines.get_segments()) == orgs.number_of_edges()
    assert list(lines.get_linewidths()) == sorted(lines.get_linewidths())
    key = legend_labels(ax, "peernet-key")
    assert any("interactions + shared events" in k for k in key)
    sectors = sorted({s.replace("_", " ") for _, s in orgs.nodes(data="sector") if s})
    assert legend_labels(ax, "peernet-colors") == sectors
    assert len([t for t in ax.texts if t.get_gid() == "peernet-label"]) == 25
    fig, ax = plt.subplots()
    pn.plot.org_map(orgs, ax=ax, min_weight=50, min_group_size=None)
    strong = sum(w >= 50 for _, _, w in orgs.edges(data="weight"))
    assert len(collection(ax, "peernet-edges").get_segments()) == strong


# ----------------------------------------------------------------------- scale
@pytest.mark.slow
def test_ten_thousand_members_draw_as_one_scatter_and_one_line_collection():
    rng = np.random.default_rng(0)
    n, m = 10_000, 40_000
    G = nx.Graph()
    G.add_nodes_from((f"m{i:05d}", {"org": f"org{i % 40:02d}"}) for i in range(n))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    G.add_weighted_edges_from((f"m{a:05d}", f"m{b:05d}", 1.0 + (a % 7))
                              for a, b in zip(u, v, strict=True) if a != b)
    pos = {node: xy for node, xy in zip(G, rng.uniform(-1, 1, (n, 2)), strict=True)}
    fig, ax = plt.subplots(figsize=(8, 8))
    pn.plot.network_map(G, layout=pos, ax=ax, labels="top")
    fig.canvas.draw()
    drawn = [c.get_gid() for c in ax.collections if c.get_gid() != "peernet-leaders"]
    assert drawn == ["peernet-edges", "peernet-nodes", "peernet-highlight-isolates"] or \
        drawn == ["peernet-edges", "peernet-nodes"]
    assert len(collection(ax, "peernet-nodes").get_offsets()) == n
    assert len(ax.texts) == 10


@pytest.mark.slow
def test_igraph_layout_of_ten_thousand_members_takes_seconds():
    pytest.importorskip("igraph")
    G = nx.barabasi_albert_graph(10_000, 2, seed=1)
    L = pn.plot.layout(G)
    assert len(L) == 10_000
    assert np.allclose(pn.plot.layout(G)[5], L[5])  # seeded: the same map twice


def test_a_far_away_pair_does_not_shrink_the_main_component():
    G = nx.barabasi_albert_graph(120, 2, seed=2)
    G.add_edge("x", "y")
    L = pn.plot.layout(G, method="spring")
    main = np.array([np.hypot(*L[n]) for n in range(120)])
    assert max(np.hypot(*L[n]) for n in G) == pytest.approx(1.0)
    # the main component fills the disc; the pair sits at most 12% beyond its edge
    assert main.max() >= 1 / 1.12 - 1e-9
    assert np.median(main) > 0.3
    assert np.hypot(*L["x"]) <= 1.0 + 1e-9


def overlapping_pairs(fig, texts):
    from matplotlib.text import Text

    fig.canvas.draw()  # annotations place their text at draw time
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in texts]  # the text, not its leader
    pairs = list(zip(texts, boxes, strict=True))
    return [(a.get_text(), b.get_text()) for i, (a, ba) in enumerate(pairs)
            for b, bb in pairs[i + 1:] if ba.overlaps(bb)]


def test_labels_do_not_overlap_each_other(riverbend, river_layout):
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    pn.plot.network_map(riverbend.period("2025"), layout=river_layout, labels="top", ax=ax,
                        highlight=None)
    labels = [t for t in ax.texts if t.get_gid() == "peernet-label"]
    assert len(labels) == 10
    assert overlapping_pairs(fig, labels) == []
    fig, ax = plt.subplots(figsize=(10, 8.5))
    pn.plot.org_map(riverbend.period("2025"), ax=ax)
    labels = [t for t in ax.texts if t.get_gid() == "peernet-label"]
    assert overlapping_pairs(fig, labels) == []


def test_leader_lines_run_from_a_moved_label_to_its_node(riverbend, river_layout):
    fig, ax = plt.subplots(figsize=(6, 5))  # 112 labels in a small map: many are moved
    pn.plot.network_map(riverbend.period("2025"), layout=river_layout, labels="all", ax=ax,
                        highlight=None)
    fig.canvas.draw()
    to_px = ax.transData.transform
    nodes = to_px(collection(ax, "peernet-nodes").get_offsets())
    labels = [t for t in ax.texts if t.get_gid() == "peernet-label"]
    centres = to_px(np.array([t.get_position() for t in labels]))
    segs = collection(ax, "peernet-leaders").get_segments()
    assert 0 < len(segs) <= len(labels)
    pt = fig.dpi / 72
    for start, end in segs:
        start, end = to_px(start), to_px(end)
        # ends 2 points short of a node, starts on the edge of a label's box
        gap = np.hypot(*(nodes - end).T)
        assert gap.min() == pytest.approx(2 * pt, abs=0.01)
        assert np.hypot(*(centres - start).T).min() > 1
    plt.close(fig)


def test_davis_map_years_and_empty_org_map(davis):
    fig = pn.plot.map_years(davis, ["1936"], color_by=None)
    (ax,) = fig.axes
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 18
    assert ax.get_title(loc="left") == "1936: 18 members, 139 ties"
    assert legend(fig, "peernet-colors") is None  # no colour, no colour legend
    fig, ax = plt.subplots()
    pn.plot.org_map(davis, ax=ax)  # Davis has no organizations: an empty map that says so
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 0
    assert [t.get_gid() for t in ax.texts] == ["peernet-empty"]


def test_igraph_layout_keeps_previous_positions():
    pytest.importorskip("igraph")
    G = nx.barabasi_albert_graph(800, 2, seed=1)
    old = pn.plot.layout(G.subgraph(range(500)).copy(), method="igraph")
    L = pn.plot.layout(G, previous=old, method="igraph")
    assert max(np.abs(L[n] - old[n]).max() for n in old) < 1e-12
    new = np.array([L[n] for n in range(500, 800)])
    assert np.isfinite(new).all() and np.abs(new).max() < 2  # placed around the old ones


def test_an_empty_period_draws_an_empty_map(riverbend, river_layout):
    empty = riverbend.period("2030")  # after the sample's last year
    fig, ax = plt.subplots()
    pn.plot.network_map(empty, layout=river_layout, ax=ax)
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 0
    assert ax.get_title(loc="left") == "riverbend 2030: 0 members, 0 ties"
    fig = pn.plot.map_years(riverbend, ["2025", "2030"], layout=river_layout)
    assert [len(collection(a, "peernet-nodes").get_offsets()) for a in fig.axes] == [112, 0]


def test_large_maps_rasterize_ties_and_nodes_samples_stay_vector(davis, monkeypatch):
    import io

    import peernet.plot.drawing as drawing

    ax = pn.plot.network_map(davis, color_by=None, highlight=None)
    assert not collection(ax, "peernet-edges").get_rasterized()
    assert not collection(ax, "peernet-nodes").get_rasterized()
    svg = io.StringIO()
    ax.figure.savefig(svg, format="svg")
    assert "<image" not in svg.getvalue()  # 139 ties, 18 members: every line a vector
    plt.close(ax.figure)
    monkeypatch.setattr(drawing, "RASTER_TIES", 138)
    monkeypatch.setattr(drawing, "RASTER_NODES", 17)
    ax = pn.plot.network_map(davis, color_by=None, highlight=None)
    assert collection(ax, "peernet-edges").get_rasterized()
    assert collection(ax, "peernet-nodes").get_rasterized()
    svg = io.StringIO()
    ax.figure.savefig(svg, format="svg")
    assert svg.getvalue().count("<image") == 1  # ties and nodes in one embedded image
    assert len(collection(ax, "peernet-edges").get_segments()) == 139


def test_maps_above_max_ties_draw_the_strongest_plus_each_members_strongest(davis, monkeypatch):
    import peernet.plot.maps as maps

    ax = pn.plot.network_map(davis, color_by=None, highlight=None)
    assert "(strongest" not in ax.get_title(loc="left")
    plt.close(ax.figure)
    monkeypatch.setattr(maps, "MAX_TIES", 10)
    ax = pn.plot.network_map(davis, color_by=None, highlight=None)
    drawn = len(collection(ax, "peernet-edges").get_segments())
    assert 10 <= drawn < 139
    assert ax.get_title(loc="left").endswith(f"18 members, 139 ties\n(strongest {drawn} drawn)")
    eu = np.array([0, 0, 1, 2, 3])
    ev = np.array([1, 2, 2, 3, 4])
    ew = np.array([5.0, 1.0, 4.0, 2.0, 1.0])
    keep = maps._strongest_ties(eu, ev, ew, 2)
    # the two strongest (0-1: 5, 1-2: 4) plus node 3's strongest (2-3: 2) and node 4's (3-4)
    assert keep.tolist() == [True, False, True, True, True]


def test_a_crowded_org_map_names_only_the_largest_organizations():
    G = nx.Graph(name="big", period="2025")
    G.add_nodes_from((f"org{i:02d}", {"members": i + 1, "sector": "health"})
                     for i in range(60))
    G.add_weighted_edges_from((f"org{i:02d}", f"org{(i + 1) % 60:02d}", 1.0)
                              for i in range(60))
    fig, ax = plt.subplots()
    pn.plot.org_map(G, ax=ax, min_group_size=None)
    named = sorted(t.get_text() for t in ax.texts if t.get_gid() == "peernet-label")
    assert named == [f"org{i:02d}" for i in range(20, 60)]  # the 40 with most members
    assert ax.get_title(loc="left").endswith("60 orgs, 60 ties\n(largest 40 named)")
    fig, ax = plt.subplots()
    pn.plot.org_map(G, ax=ax, labels=3, min_group_size=None)
    assert sorted(t.get_text() for t in ax.texts) == ["org57", "org58", "org59"]
    with pytest.raises(ValueError, match="labels must be True, False or a number"):
        pn.plot.org_map(G, labels="all")
    plt.close("all")


def test_org_map_above_max_ties_draws_the_strongest(riverbend, monkeypatch):
    import peernet.plot.maps as maps

    orgs = pn.org_graph(riverbend.period("2025"))
    monkeypatch.setattr(maps, "MAX_TIES", 30)
    fig, ax = plt.subplots()
    pn.plot.org_map(orgs, ax=ax, min_group_size=None)
    drawn = len(collection(ax, "peernet-edges").get_segments())
    assert 30 <= drawn < orgs.number_of_edges() == 240
    # the 30 strongest ties are among those drawn (width 0.25 + 2 sqrt(w / w_max))
    w = np.sort([w for _, _, w in orgs.edges(data="weight")])[::-1]
    shown = np.sort(collection(ax, "peernet-edges").get_linewidths())[::-1]
    np.testing.assert_allclose(shown[:30], 0.25 + 2 * np.sqrt(w[:30] / w[0]))
    assert ax.get_title(loc="left").endswith(f"25 orgs, 240 ties\n(strongest {drawn} drawn)")
    plt.close(fig)


def test_map_years_lays_out_the_periods_drawn_together(riverbend):
    from peernet.plot import layouts

    L = layouts.periods_layout([riverbend.period("2024"), riverbend.period("2025")], 0)
    span = riverbend.between("2024-01-01", "2026-01-01")
    whole = pn.plot.layout(span)
    G = pn.person_graph(span)
    tied = [n for n in G if G.degree(n) > 0]
    assert len(tied) == 133 and set(L) == set(G)      # only members drawn get a place
    assert max(np.abs(L[n] - whole[n]).max() for n in tied) == 0.0
    fig = pn.plot.map_years(riverbend, ["2024", "2025"], color_by=None)
    for ax, p in zip(fig.axes, ["2024", "2025"], strict=True):
        drawn = collection(ax, "peernet-nodes").get_offsets()
        placed = {tuple(np.round(L[n], 12)) for n in pn.person_graph(riverbend.period(p))}
        assert {tuple(np.round(xy, 12)) for xy in drawn} == placed
    plt.close(fig)


def test_a_layout_above_layout_max_ties_uses_the_strongest(monkeypatch):
    from peernet.plot import layouts

    G = nx.barabasi_albert_graph(300, 4, seed=3)
    for i, (u, v) in enumerate(G.edges):
        G[u][v]["weight"] = 1.0 + i % 5
    seen = {}
    spring = layouts._spring_layout

    def spy(H, prev, seed):
        seen["ties"] = sorted((min(u, v), max(u, v), d) for u, v, d in H.edges(data="lw"))
        return spring(H, prev, seed)

    monkeypatch.setattr(layouts, "_spring_layout", spy)
    monkeypatch.setattr(layouts, "LAYOUT_MAX_TIES", 400)
    L = pn.plot.layout(G, method="spring")
    assert len(L) == 300 and G.number_of_edges() == 1184
    w = {(min(u, v), max(u, v)): d for u, v, d in G.edges(data="weight")}
    kept = [w[(u, v)] for u, v, _ in seen["ties"]]
    # the 400 strongest (weight 5 and the lowest-numbered of weight 4) plus each member's
    # strongest tie
    assert 400 <= len(kept) < 1184
    assert sum(x == 5.0 for x in kept) == sum(x == 5.0 for x in w.values()) == 236
    assert all(any(w[(min(n, m), max(n, m))] == max(G[n][x]["weight"] for x in G[n])
                   for m in G[n] if (min(n, m), max(n, m), ) in {t[:2] for t in seen["ties"]})
               for n in G)


def test_a_highlight_of_too_many_members_is_not_outlined(riverbend, river_layout, monkeypatch):
    import peernet.plot.drawing as drawing

    y = riverbend.period("2025")
    many = {"everyone": list(pn.person_graph(y))}
    fig, ax = plt.subplots()
    pn.plot.network_map(y, layout=river_layout, highlight=many, color_by=None, ax=ax)
    assert len(collection(ax, "peernet-highlight-everyone").get_offsets()) == 112
    monkeypatch.setattr(drawing, "HIGHLIGHT_MAX", 50)
    fig, ax = plt.subplots()
    pn.plot.network_map(y, layout=river_layout, highlight=many, color_by=None, ax=ax)
    assert collection(ax, "peernet-highlight-everyone") is None
    key = [t.get_text() for t in legend(ax, "peernet-key").get_texts()]
    assert "everyone: over 50, not outlined" in key
    plt.close("all")


def test_map_communities_are_the_communities_metric(riverbend, monkeypatch):
    from peernet.plot import maps

    y = riverbend.period("2025")
    metric = pn.metrics.communities(y).dropna()
    assert maps._communities(y, 0) == {n: f"community {int(k)}" for n, k in metric.items()}
    # above 2,000 nodes the metric runs igraph: the map follows it, whatever the algorithm
    calls = []
    real = pn.metrics.communities
    monkeypatch.setattr(maps, "communities", lambda src, seed: calls.append(seed) or real(
        src, seed=seed))
    fig = pn.plot.map_years(riverbend, ["2024", "2025"], color_by="community", seed=3)
    assert calls == [3]
    plt.close(fig)


def test_map_years_draws_direct_or_coattendance_ties(riverbend, river_layout):
    """Issue 19: the 2025 map of direct ties draws hundreds of ties, not the 2,269 that
    co-attendance brings; co-attendance is a map of its own."""
    from peernet.plot.layouts import tie_kinds

    y25 = riverbend.period("2025")
    direct = pn.person_graph(y25, kinds=tie_kinds("direct"))
    together = pn.person_graph(y25, kinds=["attend"])
    assert direct.number_of_edges() == 562 and pn.person_graph(y25).number_of_edges() == 2269
    fig = pn.plot.map_years(riverbend, ["2024", "2025"], ties="direct", layout=river_layout)
    b = fig.axes[1]
    assert len(collection(b, "peernet-edges").get_segments()) == 562
    assert len(collection(b, "peernet-nodes").get_offsets()) == 112
    assert b.get_title(loc="left") == "2025: 112 members, 562 direct ties"
    fig = pn.plot.map_years(riverbend, ["2025"], ties="coattendance", layout=river_layout)
    ax = fig.axes[0]
    assert len(collection(ax, "peernet-edges").get_segments()) == together.number_of_edges()
    assert ax.get_title(loc="left").endswith("co-attendance ties")
    with pytest.raises(ValueError, match="ties must be one of"):
        pn.plot.map_years(riverbend, ["2025"], ties="some")
    with pytest.raises(ValueError, match="needs a PeerNetwork"):
        pn.plot.network_map(direct, ties="direct")


def test_org_map_labels_do_not_overlap(riverbend):
    """Issue 19: the organization map's labels overlapped once the legends were added (the
    axes shrank after the labels were placed)."""
    ax = pn.plot.org_map(riverbend.period("2025"), min_group_size=None)  # 25 names
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "peernet-label"]
    assert len(boxes) >= 20
    assert [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])] == []


def test_newcomer_key_is_dashed_like_the_ring(riverbend, river_layout):
    """Issue 19: the key showed a solid ring for newcomers, the map a dashed one."""
    fig = pn.plot.map_years(riverbend, ["2025"], layout=river_layout)
    key = next(leg for leg in fig.legends if leg.get_gid() == "peernet-key")
    handle = next(h for h, t in zip(key.legend_handles, key.get_texts(), strict=True)
                  if t.get_text().startswith("newcomer"))
    path = handle.get_marker()
    from matplotlib.path import Path

    assert isinstance(path, Path)
    assert list(path.codes).count(Path.MOVETO) == 12  # twelve dashes
    ring = collection(fig.axes[0], "peernet-highlight-newcomers")
    assert ring.get_linestyle()[0][1] is not None  # the map's ring is dashed too


def _kk_energy(G, pos):
    """Kamada-Kawai's energy at the layout's best scale (the energy depends on the scale)."""
    from scipy.optimize import minimize_scalar

    d = dict(nx.shortest_path_length(G))
    nodes = list(G)
    pairs = [(u, v, d[u][v]) for i, u in enumerate(nodes) for v in nodes[i + 1:] if v in d[u]]
    a = np.array([pos[u] for u, _, _ in pairs])
    b = np.array([pos[v] for _, v, _ in pairs])
    hops = np.array([h for _, _, h in pairs], float)
    sep = np.hypot(*(a - b).T)
    return minimize_scalar(lambda s: float(((s * sep / hops - 1) ** 2).sum()),
                           bounds=(1e-3, 1e3), method="bounded").fun


@pytest.mark.parametrize("name", ["karate", "les_miserables", "random_150"])
def test_kamada_kawai_reaches_networkx_energy(name):
    """Stress majorization reaches Kamada-Kawai's energy as networkx's L-BFGS-B does (within
    2%) from the same spring layout, on a connected graph."""
    from peernet.plot.layouts import kamada_kawai

    G = {"karate": nx.karate_club_graph(), "les_miserables": nx.les_miserables_graph(),
         "random_150": nx.gnp_random_graph(150, 0.05, seed=1)}[name]
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    start = nx.spring_layout(G, seed=0)
    ours = kamada_kawai(G, start)
    theirs = nx.kamada_kawai_layout(G, pos=start, weight=None)
    assert set(ours) == set(G)
    assert _kk_energy(G, ours) <= 1.02 * _kk_energy(G, theirs)
    assert max(np.abs(p).max() for p in ours.values()) == pytest.approx(1.0)  # rescaled
    again = kamada_kawai(G, start)
    assert all(np.array_equal(ours[v], again[v]) for v in G)


def test_kamada_kawai_keeps_components_apart():
    """Two components and a pair: every member placed, no two at the same point."""
    from peernet.plot.layouts import kamada_kawai

    G = nx.disjoint_union_all([nx.cycle_graph(6), nx.path_graph(4), nx.complete_graph(2)])
    pos = kamada_kawai(G, nx.spring_layout(G, seed=0))
    xy = np.array([pos[v] for v in G])
    assert np.isfinite(xy).all() and len(np.unique(xy.round(6), axis=0)) == len(G)


def test_org_map_groups_small_organizations_by_default(riverbend, tmp_path):
    """Issue 19, privacy: drawn directly, the organization map follows the report's one
    small-group policy: organizations of fewer than 5 members on the roster are one node,
    "other small organizations", and are not named, in the figure or its SVG."""
    y25 = riverbend.period("2025")
    m = riverbend.members.drop_duplicates("member_id")
    start, end = pd.Timestamp("2025-01-01", tz=y25.tz), pd.Timestamp("2026-01-01", tz=y25.tz)
    roster = m[(m["joined"].isna() | (m["joined"] < end)) & (m["left"].isna()
                                                              | (m["left"] >= start))]
    counts = roster["org"].value_counts()
    small = set(counts[counts < 5].index)
    assert len(small) == 12 and len(counts) == 25
    fig, ax = plt.subplots(figsize=(8, 6))
    pn.plot.org_map(y25, ax=ax)
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 25 - 12 + 1
    named = {t.get_text().replace("\n", " ") for t in ax.texts
             if t.get_gid() == "peernet-label"}
    assert "other small organizations" in named
    # a mix of sectors: drawn as unknown (white), not in the colour of one sector
    nodes = collection(ax, "peernet-nodes")
    where = [t.get_text().replace("\n", " ") for t in ax.texts
             if t.get_gid() == "peernet-label"].index("other small organizations")
    assert to_hex(nodes.get_facecolors()[where]) == "#ffffff"
    pn.plot.save(fig, tmp_path / "orgs", formats=["svg"])
    svg = (tmp_path / "orgs.svg").read_text(encoding="utf-8")
    for org in small:
        assert org not in svg and org not in named, org
    # a graph is grouped by its nodes' members (active members), the same way
    G = pn.org_graph(y25)
    fig, ax = plt.subplots()
    pn.plot.org_map(G, ax=ax)
    few = {n for n, k in G.nodes(data="members") if k < 5}
    assert len(collection(ax, "peernet-nodes").get_offsets()) == 25 - len(few) + 1
    with pytest.raises(ValueError, match="min_group_size must be a number of members"):
        pn.plot.org_map(y25, min_group_size=-1)


@pytest.mark.parametrize("shift", [0.0, 5e5])
def test_untick_draws_the_same_map(tmp_path, shift):
    """A map's axes are off: drawing.untick spares their ticks, pixel for pixel the same
    figure, also where the y axis would show an offset (which moves a title at the left)
    and when the axes are turned on again."""
    from matplotlib.ticker import AutoLocator

    G = nx.karate_club_graph()
    pos = {n: np.array([x, y + shift]) for n, (x, y) in nx.circular_layout(G).items()}
    pngs = {}
    for untick in (False, True):
        for on in (False, True):
            fig, ax = plt.subplots()
            pn.plot.network_map(G, layout=pos, ax=ax, color_by="club",
                                title="A title long enough " * 3)
            if not untick:   # as before: matplotlib's own locators
                ax.xaxis.set_major_locator(AutoLocator())
                ax.yaxis.set_major_locator(AutoLocator())
            else:
                assert type(ax.yaxis.get_major_locator()).__name__ == "UnseenTicks"
            if on:
                ax.set_axis_on()
            path = tmp_path / f"{untick}-{on}.png"
            fig.savefig(path, dpi=60, bbox_inches="tight")
            pngs[untick, on] = path.read_bytes()
            plt.close(fig)
    assert pngs[True, False] == pngs[False, False]
    assert pngs[True, True] == pngs[False, True]
    assert pngs[True, True] != pngs[True, False]   # the ticks are back
    if not shift:
        fig, ax = plt.subplots()
        pn.plot.network_map(G, layout=pos, ax=ax, color_by="club")
        fig.canvas.draw()
        assert len(ax.yaxis.get_majorticklocs()) == 0   # none made
        plt.close(fig)
