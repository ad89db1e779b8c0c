"""pn.read_edges and pn.from_networkx: contact logs, edge lists, static graphs (issue 17)."""

import networkx as nx
import pandas as pd
import pytest

import peernet as pn

# a SocioPatterns-style slice (office, "t i j", spaces, no header, 20-second windows)
OFFICE = "20 1 2\n40 1 2\n60 1 2\n120 1 2\n40 3 2\n60 2 3\n60 2 3\n80 4 4\n"


def test_contact_log_windows_merged_into_contacts_by_hand(tmp_path):
    p = tmp_path / "tij_office.dat"
    p.write_text(OFFICE)
    net = pn.read_edges(p, time=0, source=1, target=2, unit="s",
                        origin="2013-06-24 08:00", tz="Europe/Paris", resolution=20)
    got = net.interactions[["timestamp", "source", "target", "duration_min", "windows"]]
    # by hand: pair 1-2 windows 20, 40, 60 -> one contact 08:00:20 for 60 s; window 120 is
    # 60 s after the last -> a second contact of 20 s; pair 2-3 windows 40 and 60 (written
    # in both orders: a contact is mutual) -> one of 40 s; 60 2 3 twice -> one dropped;
    # 80 4 4 -> a self-loop, dropped
    start = pd.Timestamp("2013-06-24 08:00", tz="Europe/Paris")
    assert got.values.tolist() == [
        [start + pd.Timedelta(seconds=20), "1", "2", 1.0, 3],
        [start + pd.Timedelta(seconds=40), "3", "2", 40 / 60, 2],
        [start + pd.Timedelta(seconds=120), "1", "2", 20 / 60, 1],
    ]
    assert set(net.interactions["kind"].astype("str")) == {"contact"}
    counts = net.quality.counts.set_index("source").loc["tij_office.dat"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (8, 6, 2)
    problems = net.quality.issues.set_index("row")["problem"]
    assert problems[7] == ("duplicate row (same pair and time, either order): dropped, the "
                           "first copy is kept")
    assert problems[8] == "self-loop (source is target): dropped, a person is not tied to " \
        "themselves"
    assert ("8 sampling windows of 20 s merged into 3 contacts" not in net.quality.summary())
    assert "6 sampling windows of 20 s merged into 3 contacts" in net.quality.summary()


def test_merging_matches_an_independent_computation():
    # 200 random windows of 5 people; contacts counted by a plain loop over sorted windows
    import numpy as np

    rng = np.random.default_rng(7)
    t = rng.integers(0, 60, 200) * 20
    i, j = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    log = pd.DataFrame({"t": t, "i": i.astype(str), "j": j.astype(str)})
    net = pn.read_edges(log, source="i", target="j", time="t", unit="s",
                        origin="2020-01-01", resolution=20)
    windows = sorted({(min(a, b), max(a, b), int(s)) for a, b, s in zip(i, j, t, strict=True)
                      if a != b})
    contacts, last = 0, {}
    for a, b, s in windows:
        if last.get((a, b)) is None or s - last[(a, b)] > 20:
            contacts += 1
        last[(a, b)] = s
    assert len(net.interactions) == contacts
    assert int(net.interactions["windows"].sum()) == len(windows)


def test_csv_with_header_and_epoch_milliseconds(tmp_path):
    p = tmp_path / "edges.csv"
    p.write_text("when;from;to;w\n1700000000000;a;b;2\n1700000060000;b;a;1.5\n")
    net = pn.read_edges(p, source="from", target="to", time="when", unit="ms", kind="message",
                        weight="w")
    assert net.interactions["timestamp"].tolist() == [
        pd.Timestamp("2023-11-14 22:13:20", tz="UTC"), pd.Timestamp("2023-11-14 22:14:20",
                                                                    tz="UTC")]
    assert net.interactions["weight"].tolist() == [2.0, 1.5]
    assert net.interactions["source"].tolist() == ["a", "b"]     # directed: both kept


def test_numbers_without_a_unit_and_dates_out_of_range_say_what_to_do(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("t,i,j\n1700000000,a,b\n1700000020,a,c\n")
    with pytest.raises(pn.DataError, match=r"e\.csv, row 2, column 't': times are numbers "
                       r"\(e\.g\. '1700000000'\): pass unit='s' or 'ms'"):
        pn.read_edges(p, source="i", target="j", time="t")
    p.write_text("t,i,j\n1700000000000000,a,b\n")
    with pytest.raises(pn.DataError, match=r"outside the dates pandas can hold "
                       r"\(1677-09-22 to 2262-04-11\); check unit="):
        pn.read_edges(p, source="i", target="j", time="t", unit="ms")
    with pytest.raises(pn.DataError, match=r"source='from' is not a column; columns are "
                       r"\['t', 'i', 'j'\]"):
        pn.read_edges(p, source="from", target="j", time="t", unit="ms")


def test_direction_must_fit_the_kind():
    log = pd.DataFrame({"t": ["2024-01-01"], "i": ["a"], "j": ["b"]})
    with pytest.raises(ValueError, match=r"kind='contact' is mutual \(both people took part\); "
                       r"directed=True contradicts it"):
        pn.read_edges(log, source="i", target="j", time="t", directed=True)


def test_members_table_gives_attributes_and_text_times():
    log = pd.DataFrame({"t": ["2024-03-05 10:00", "2024-03-05 11:00"], "i": ["a", "b"],
                        "j": ["b", "c"]})
    nodes = pd.DataFrame({"id": ["a", "b", "c"], "class": ["2BIO1", "2BIO1", "MP"]})
    net = pn.read_edges(log, source="i", target="j", time="t", members=nodes, tz="UTC")
    assert net.members.set_index("member_id")["class"].to_dict() == {
        "a": "2BIO1", "b": "2BIO1", "c": "MP"}
    assert not net.members.get("guest", pd.Series(False)).any()


def test_from_networkx_karate_club_agrees_with_networkx():
    G = nx.karate_club_graph()
    net = pn.from_networkx(G, date="2024-01-01")
    assert len(net.members) == 34 and len(net.interactions) == G.number_of_edges() == 78
    edges = {frozenset((r.source, r.target)) for r in net.interactions.itertuples()}
    assert edges == {frozenset((str(u), str(v))) for u, v in G.edges()}
    assert net.interactions["weight"].tolist() == [float(d["weight"]) for _u, _v, d
                                                    in G.edges(data=True)]
    assert net.members.set_index("member_id")["club"].value_counts().to_dict() == {
        "Mr. Hi": 17, "Officer": 17}


def test_from_networkx_drops_self_loops_with_a_record():
    G = nx.Graph([(1, 2), (2, 2)])
    net = pn.from_networkx(G, date="2024-01-01", name="tiny")
    assert net.interactions[["source", "target"]].values.tolist() == [["1", "2"]]
    assert "self-loop (source is target)" in net.quality.summary()
    with pytest.raises(ValueError, match="kind='message' is directed but the graph's edges "
                       "have no direction"):
        pn.from_networkx(G, date="2024-01-01", kind="message")


def test_high_school_slice_with_a_headerless_metadata_file(tmp_path):
    # SocioPatterns high school: "t i j Ci Cj" tab-separated, epoch seconds; metadata
    # "id class gender" without a header
    contacts = tmp_path / "High-School_data_2013.csv"
    contacts.write_text("1385982020\t454\t640\t2BIO1\t2BIO1\n"
                        "1385982040\t454\t640\t2BIO1\t2BIO1\n"
                        "1385982020\t1\t55\tMP\tMP\n")
    meta = tmp_path / "metadata_2013.txt"
    meta.write_text("454\t2BIO1\tF\n640\t2BIO1\tM\n1\tMP\tM\n55\tMP\tF\n9\tMP\tF\n")
    net = pn.read_edges(contacts, time=0, source=1, target=2, unit="s", tz="Europe/Paris",
                        resolution=20, members=meta)
    assert net.interactions[["source", "target", "windows"]].values.tolist() == [
        ["454", "640", 2], ["1", "55", 1]]
    m = net.members.set_index("member_id")
    assert m.loc["454", "attr_1"] == "2BIO1" and m.loc["55", "attr_2"] == "F"
    assert len(m) == 5                     # member 9 had no contact, still on the roster
    assert str(net.interactions["timestamp"].iloc[0]) == "2013-12-02 11:00:20+00:00"  # epoch


def test_duration_is_the_tie_weight_when_asked():
    """weight='duration': each merged contact weighs its minutes; the graph sums them."""
    log = pd.DataFrame({"t": [0, 20, 40, 100, 300, 320], "i": ["1", "1", "2", "2", "3", "1"],
                        "j": ["2", "2", "1", "3", "2", "2"]})
    net = pn.read_edges(log, source="i", target="j", time="t", unit="s",
                        origin="2013-06-24 08:00", resolution=20, weight="duration")
    # 1-2: windows 0, 20, 40 (one contact of 60 s) and 320 (20 s); 2-3: 100 and 300 (20 s each)
    assert net.interactions["weight"].tolist() == pytest.approx(
        net.interactions["duration_min"].tolist())
    G = pn.person_graph(net, weight="weight")
    assert G["1"]["2"]["weight"] == pytest.approx((60 + 20) / 60)
    assert G["2"]["3"]["weight"] == pytest.approx((20 + 20) / 60)
    assert pn.person_graph(net)["1"]["2"]["weight"] == 2          # count: two contacts
    assert "tie weight = duration in minutes" in net.quality.summary()
    # without resolution= or duration=, 'duration' is a column like any other
    plain = pd.DataFrame({"time": ["2024-01-01"], "source": ["a"], "target": ["b"],
                          "duration": ["7"]})
    assert pn.read_edges(plain, weight="duration").interactions["weight"].tolist() == [7.0]
