"""Mutual records (issue 17): a contact is two people taking part, written once in any order.

Both people of a contact are active and count in participation, concentration and
engagement; reciprocity is "not applicable" on contact data (NaN with its reason, missing in
the Grid, never 0); directed measures (brokerage) read a contact as both directions; no
number depends on which id of a pair was written first.
"""

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn

ORGS = {"1": "A", "2": "A", "3": "B", "4": "B", "5": "C", "6": "C", "7": "A"}


def contact_log(seed=11, rows=120):
    """Contacts written in id order (i < j), as SocioPatterns writes them: person 7 only
    ever appears second."""
    rng = np.random.default_rng(seed)
    i = rng.integers(1, 7, rows)
    j = np.minimum(i + rng.integers(1, 4, rows), 7)
    t = np.sort(rng.integers(0, 5 * 86400 // 20, rows)) * 20
    return pd.DataFrame({"t": t, "i": i.astype(str), "j": j.astype(str)})


def load(log, **kw):
    nodes = pd.DataFrame({"member_id": list(ORGS), "org": list(ORGS.values())})
    return pn.read_edges(log, source="i", target="j", time="t", unit="s",
                         origin="2013-06-24 08:00", tz="Europe/Paris", members=nodes, **kw)


@pytest.fixture(scope="module")
def pair():
    log = contact_log()
    swapped = log.rename(columns={"i": "j", "j": "i"})[["t", "i", "j"]]
    return log, load(log), load(swapped)


def test_both_people_of_a_contact_are_active(pair):
    log, net, _ = pair
    assert set(log["i"]) == {"1", "2", "3", "4", "5", "6"}       # 7 is never written first
    assert net.members_active().tolist() == sorted(set(log["i"]) | set(log["j"]))
    assert len(net.members_active()) == 7
    p = pn.participation(net, freq="W")
    assert p["members_active"].tolist() == [7]


def test_contributions_count_both_people_by_hand(pair):
    log, net, _ = pair
    by_hand = pd.concat([log["i"], log["j"]]).value_counts()
    ladder = pn.metrics.engagement_ladder(net).set_index("member_id")["contributions"]
    assert ladder.to_dict() == by_hand.sort_index().to_dict()
    # absence factor by hand: fewest people whose contact counts reach half of all counts
    counts = np.sort(by_hand.to_numpy())[::-1]
    expect = int(np.searchsorted(np.cumsum(counts), counts.sum() / 2) + 1)
    assert pn.metrics.absence_factor(net) == expect


def test_reciprocity_is_not_applicable_on_contact_data(pair):
    _log, net, _ = pair
    assert math.isnan(pn.metrics.reciprocity(net))
    assert pn.metrics.reciprocity_reason(net) == (
        "not applicable: the ties are contacts (mutual: both people took part), which say "
        "nothing about who reached back; reciprocity needs directed interactions (messages, "
        "replies, help, ...)")
    assert math.isnan(pn.network_metrics(net)["reciprocity"])
    ind = pn.score(net).indicators.set_index("indicator").loc["reciprocity"]
    assert not ind["has_data"] and ind["note"].startswith("not applicable: the ties are "
                                                          "contacts")


def test_reciprocity_of_mixed_data_is_on_the_directed_rows_only():
    # contacts a-b, b-c (mutual) and messages a->b, b->a, c->a: 2 of 3 directed ties
    # reciprocated, whatever the contacts
    inter = pd.DataFrame({
        "timestamp": pd.to_datetime([f"2024-01-0{d}" for d in range(1, 6)], utc=True),
        "source": ["a", "b", "a", "b", "c"], "target": ["b", "c", "b", "a", "a"],
        "kind": ["contact", "contact", "message", "message", "message"]})
    net = pn.PeerNetwork.from_tables(interactions=inter)
    D = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a")])
    assert pn.metrics.reciprocity(net) == pytest.approx(nx.overall_reciprocity(D)) == 2 / 3
    assert pn.metrics.reciprocity_reason(net) is None


def brute_brokerage(edges, org):
    """Gould & Fernandez counts by brute force over every triple of a directed edge set."""
    nodes = sorted(org)
    out = {n: dict.fromkeys(("coordinator", "gatekeeper", "representative", "consultant",
                             "liaison"), 0) for n in nodes}
    for a, b, c in itertools.permutations(nodes, 3):
        if (a, b) in edges and (b, c) in edges and (a, c) not in edges:
            ga, gb, gc = org[a], org[b], org[c]
            role = ("coordinator" if ga == gb == gc else "gatekeeper" if gb == gc else
                    "representative" if ga == gb else "consultant" if ga == gc else "liaison")
            out[b][role] += 1
    return pd.DataFrame(out).T


def test_brokerage_reads_a_contact_as_both_directions(pair):
    log, net, _ = pair
    edges = {(a, b) for a, b in zip(log["i"], log["j"], strict=True) if a != b}
    edges |= {(b, a) for a, b in edges}
    expect = brute_brokerage(edges, ORGS)
    mm = pn.member_metrics(net).set_index("member_id")
    for role in expect.columns:
        assert mm[f"brokerage_{role}"].astype(int).to_dict() == expect[role].to_dict(), role
    # both directions: gatekeeper and representative counts are the same total
    assert mm["brokerage_gatekeeper"].sum() == mm["brokerage_representative"].sum()


def test_no_number_depends_on_which_id_was_written_first(pair):
    _log, net, swapped = pair
    assert net.members_active().equals(swapped.members_active())
    assert pn.metrics.absence_factor(net) == pn.metrics.absence_factor(swapped)
    pd.testing.assert_frame_equal(pn.metrics.engagement_ladder(net),
                                  pn.metrics.engagement_ladder(swapped))
    cols = [c for c in pn.member_metrics(net).columns if c.startswith("brokerage_")
            or c in ("member_id", "degree", "betweenness", "first_seen", "tenure_days")]
    pd.testing.assert_frame_equal(pn.member_metrics(net)[cols],
                                  pn.member_metrics(swapped)[cols])
    pd.testing.assert_frame_equal(pn.participation(net, freq="W"),
                                  pn.participation(swapped, freq="W"))
    a = pn.network_metrics(net)
    b = pn.network_metrics(swapped)
    pd.testing.assert_series_equal(a, b)
    sa = pn.score(net).indicators.set_index("indicator")["value"]
    sb = pn.score(swapped).indicators.set_index("indicator")["value"]
    pd.testing.assert_series_equal(sa, sb)


def test_static_undirected_edge_list_is_mutual():
    G = nx.karate_club_graph()
    net = pn.from_networkx(G, date="2024-01-01")
    assert len(net.members_active()) == 34          # every node of an edge took part
    assert math.isnan(pn.metrics.reciprocity(net))
    assert pn.metrics.reciprocity_reason(net).startswith("not applicable")
    # degree of everyone as networkx counts it
    mm = pn.member_metrics(net).set_index("member_id")["degree"]
    assert mm.to_dict() == {str(n): d for n, d in G.degree()}


def test_retention_curve_counts_everyone_it_does_not_follow():
    # roster a, b, c (c joined after the data end) and d (no join date, never acted);
    # x and y are in the log but not on the roster: guests, counted, not followed
    members = pd.DataFrame({"member_id": ["a", "b", "c", "d"],
                            "joined": pd.to_datetime(["2024-01-01", "2024-01-01",
                                                      "2025-06-01", None], utc=True)})
    inter = pd.DataFrame({
        "timestamp": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01", "2024-12-01"],
                                    utc=True),
        "source": ["a", "x", "b", "y"], "target": ["b", "a", "y", "a"],
        "kind": ["contact", "message", "contact", "contact"]})
    net = pn.PeerNetwork.from_tables(members=members, interactions=inter)
    km = pn.metrics.retention_curve(net, cohort=None)
    assert km.attrs["followed"] == 2 == km["at_risk"].iloc[0]
    assert km.attrs["left_out"] == {"guests: seen in the data, not on the roster": 2,
                                    "no join date and no act": 1,
                                    "joined at or after the end of the data": 1}
    # without a roster every person seen is a member and followed (none silently dropped)
    bare = pn.PeerNetwork.from_tables(interactions=inter)
    km = pn.metrics.retention_curve(bare, cohort=None)
    assert km.attrs == {"followed": 4, "left_out": {}}
    assert km["at_risk"].iloc[0] == 4
