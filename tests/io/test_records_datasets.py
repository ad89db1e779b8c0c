"""Issue 17: each kind of real record loads in at most three lines of the public API.

Small slices are generated here in the published formats (the real files stay outside the
repository); the numbers are checked against a hand-written computation or networkx.
"""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn


def hand_merge(rows, step=20):
    """Contacts of (t, i, j) windows by a plain loop: same pair, next window within step."""
    last, contacts = {}, 0
    for t, i, j in sorted({(t, min(i, j), max(i, j)) for t, i, j in rows if i != j},
                          key=lambda r: (r[1], r[2], r[0])):
        if (i, j) not in last or t - last[(i, j)] > step:
            contacts += 1
        last[(i, j)] = t
    return contacts


def sample_windows(seed, people, n):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.integers(0, 600, n)) * 20
    i = rng.integers(0, people, n)
    j = (i + rng.integers(1, people, n)) % people
    a, b = np.minimum(i, j), np.maximum(i, j)          # written in id order
    return [(int(x), int(y), int(z)) for x, y, z in zip(t, a, b, strict=True)]


def test_office_all_workers_active_and_reciprocity_not_applicable(tmp_path):
    # SocioPatterns office (tij_InVS): "t i j", seconds from the start, spaces
    rows = sample_windows(1, 9, 300)
    p = tmp_path / "tij_InVS.dat"
    p.write_text("".join(f"{t} {i} {j}\n" for t, i, j in rows))
    net = pn.read_edges(p, time=0, source=1, target=2, unit="s",
                        origin="2013-06-24 08:00", tz="Europe/Paris", resolution=20)
    everyone = {str(x) for _t, i, j in rows for x in (i, j)}
    assert set(net.members_active()) == everyone and len(everyone) == 9
    assert {str(i) for _t, i, _j in rows} != everyone   # the last id is never written first
    assert len(net.interactions) == hand_merge(rows)
    assert math.isnan(pn.metrics.reciprocity(net))
    assert pn.metrics.reciprocity_reason(net).startswith("not applicable")


def test_hospital_ward_rows_merged_into_contacts(tmp_path):
    # SocioPatterns hospital: "t i j Si Sj" tab-separated, seconds from the start (140 ...)
    rows = [(t + 140, i, j) for t, i, j in sample_windows(2, 6, 400)]
    status = {0: "NUR", 1: "PAT", 2: "MED", 3: "ADM", 4: "PAT", 5: "NUR"}
    p = tmp_path / "detailed_list_of_contacts_Hospital.dat"
    p.write_text("".join(f"{t}\t{i}\t{j}\t{status[i]}\t{status[j]}\n" for t, i, j in rows))
    net = pn.read_edges(p, time=0, source=1, target=2, unit="s", origin="2010-12-06 13:00",
                        tz="Europe/Paris", resolution=20)
    assert len(net.interactions) == hand_merge(rows) < len(rows)
    assert int(net.interactions["windows"].sum()) == len({(t, i, j) for t, i, j in rows})
    assert len(net.members_active()) == 6


def test_primary_school_with_classes_and_genders(tmp_path):
    # SocioPatterns primary school: "t i j Ci Cj Gi Gj", tab-separated, seconds of the day
    rows = [(t + 31220, i, j) for t, i, j in sample_windows(3, 8, 200)]
    cls = {k: ["1A", "1B", "2A", "teachers"][k % 4] for k in range(8)}
    p = tmp_path / "primaryschool.csv"
    p.write_text("".join(f"{t}\t{i}\t{j}\t{cls[i]}\t{cls[j]}\tM\tF\n" for t, i, j in rows))
    net = pn.read_edges(p, time=0, source=1, target=2, unit="s", origin="2009-10-01",
                        tz="Europe/Paris", resolution=20)
    assert len(net.interactions) == hand_merge(rows)
    assert str(net.interactions["timestamp"].min()) == "2009-10-01 06:40:20+00:00"  # 08:40:20


def test_workplace_multiplex_static_layers_agree_with_networkx(tmp_path):
    # CS-Aarhus style: "u v layer" without a header, undirected, no time
    G = nx.gnm_random_graph(12, 30, seed=4)
    layers = ["lunch", "work", "leisure"]
    lines = [f"{u + 1} {v + 1} {layers[k % 3]}\n" for k, (u, v) in enumerate(G.edges())]
    p = tmp_path / "CS-Aarhus_multiplex.edges"
    p.write_text("".join(lines))
    net = pn.read_edges(p, source=0, target=1, time=None, origin="2012-01-01")
    H = nx.relabel_nodes(G, {n: str(n + 1) for n in G})
    H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    mm = pn.member_metrics(net).set_index("member_id")
    assert mm["degree"].to_dict() == dict(H.degree())
    assert pn.network_metrics(net)["density"] == pytest.approx(nx.density(H))
    assert math.isnan(pn.metrics.reciprocity(net))


def test_dated_games_are_contacts_between_both_players(tmp_path):
    # 685 dated chess games in the real file: "white,black,date,result"
    p = tmp_path / "games.csv"
    p.write_text("white,black,date,result\nkasparov,karpov,1985-09-03,1-0\n"
                 "karpov,kasparov,1985-09-05,1/2\nkasparov,short,1993-09-07,1-0\n")
    net = pn.read_edges(p, source="white", target="black", time="date")
    assert net.members_active().tolist() == ["karpov", "kasparov", "short"]
    assert pn.metrics.engagement_ladder(net).set_index("member_id")[
        "contributions"].to_dict() == {"karpov": 2, "kasparov": 3, "short": 1}
    ev = pn.evaluate(net, periods=["1985", "1993"], bootstrap=0)
    assert ev.periods[-1] == "1993"     # 1985 (two games) may be dropped as a thin baseline


def test_high_school_epoch_log_in_one_line_with_the_default_t_i_j_order(tmp_path):
    # SocioPatterns high school 2013 (High-School_data_2013.csv, tij_Thiers13.dat): "t i j Ci
    # Cj", spaces, epoch seconds, no header: read with the default column order
    rows = [(t + 1385982020, i, j) for t, i, j in sample_windows(5, 11, 500)]
    cls = {k: ["2BIO1", "MP", "PC", "PSIst"][k % 4] for k in range(11)}
    p = tmp_path / "High-School_data_2013.csv"
    p.write_text("".join(f"{t} {i} {j} {cls[i]} {cls[j]}\n" for t, i, j in rows))
    net = pn.read_edges(p, unit="s", tz="Europe/Paris", resolution=20)
    assert len(net.interactions) == hand_merge(rows)
    assert set(net.members_active()) == {str(x) for _t, i, j in rows for x in (i, j)}
    first = min(t for t, _i, _j in rows)
    assert net.interactions["timestamp"].min() == pd.Timestamp(first, unit="s", tz="UTC")
    assert math.isnan(pn.metrics.reciprocity(net))
    assert "no header: columns 0, 1, 2 read as time, source, target" in net.quality.summary()
    # the graph of distinct pairs agrees with networkx
    G = nx.Graph((str(i), str(j)) for _t, i, j in rows if i != j)
    assert pn.network_metrics(net)["density"] == pytest.approx(nx.density(G))
    assert pn.network_metrics(net)["avg_clustering"] == pytest.approx(
        nx.average_clustering(G))


def test_hospital_in_one_line_as_in_the_real_data_check(tmp_path):
    # docs/metrics.md "Checked on real data": the same call gave 32,424 rows -> 14,037 contacts
    rows = [(t + 140, i, j) for t, i, j in sample_windows(6, 7, 600)]
    p = tmp_path / "tij_hospital.dat"
    p.write_text("".join(f"{t}\t{i}\t{j}\n" for t, i, j in rows))
    net = pn.read_edges(p, unit="s", origin="2010-12-06 13:00", tz="Europe/Paris",
                        resolution=20)
    windows = len({(t, i, j) for t, i, j in rows})
    assert len(net.interactions) == hand_merge(rows) < windows
    assert (f"{windows} sampling windows of 20 s merged into {hand_merge(rows)} contacts"
            in net.quality.summary())
    assert len(net.members_active()) == 7


@pytest.mark.parametrize("graph", ["karate_club_graph", "florentine_families_graph",
                                   "les_miserables_graph", "davis_southern_women_graph"])
def test_networkx_classics_agree_with_networkx(graph):
    G = getattr(nx, graph)()
    net = pn.from_networkx(G, date="2024-01-01")
    assert len(net.members_active()) == G.number_of_nodes()
    nm = pn.network_metrics(net)
    assert int(nm["edges"]) == G.number_of_edges()
    assert nm["density"] == pytest.approx(nx.density(G))
    assert nm["transitivity"] == pytest.approx(nx.transitivity(G))
    degree = pn.member_metrics(net).set_index("member_id")["degree"].to_dict()
    assert degree == {str(n): d for n, d in G.degree()}
    assert math.isnan(pn.metrics.reciprocity(net))
