"""Co-attendance pairs in blocks of events and attendance as codes give the tie tables of
the group-by of every pair at once (issue 23: memory of the tie tables at 100,000 members)."""

import numpy as np
import pandas as pd
import pytest

import peernet as pn
import peernet.coattendance as C
import peernet.ties as T


def _by_hand(m_idx, e_codes, ev_time, n):
    """Every pair of attendees of each event listed at once and grouped by pandas."""
    att = pd.DataFrame({"m": m_idx, "e": e_codes}).drop_duplicates()
    pairs = att.merge(att, on="e")
    pairs = pairs[pairs["m_x"] < pairs["m_y"]]
    pairs = pairs.assign(key=pairs["m_x"] * n + pairs["m_y"], t=ev_time[pairs["e"]])
    g = pairs.groupby("key")["t"].agg(["size", "min", "max"]).sort_index()
    return g.index.to_numpy(), g["size"].to_numpy(), g["min"].to_numpy(), g["max"].to_numpy()


@pytest.mark.parametrize("block", [1, 3, 50, C.PAIR_BLOCK])
def test_coattendance_pairs_in_blocks_equal_every_pair_at_once(monkeypatch, block):
    rng = np.random.default_rng(7)
    n, events = 40, 25
    att = np.unique(rng.integers(0, events, 300) * n + rng.integers(0, n, 300))
    e_codes, m_idx = att // n, att % n
    ev_time = rng.integers(0, 10, events).astype(np.int64) * 1_000
    monkeypatch.setattr(C, "PAIR_BLOCK", block)
    got = C.coattendance_pairs(m_idx, e_codes, ev_time, n)
    for g, w in zip(got, _by_hand(m_idx, e_codes, ev_time, n), strict=True):
        np.testing.assert_array_equal(g, w)
    assert T.coattendance_pairs is C.coattendance_pairs


def test_attendance_codes_are_the_attendance_rows(riverbend):
    for year in ("2024", "2025"):
        s = riverbend.period(year)
        nodes = T._direct_rows(s, tuple(k for k in T.INTERACTION_KINDS if k != "attend"))[
            "nodes"]
        frame = T.attendance(s)
        got = T._attendance_codes(s, nodes)
        assert got is not None
        m_idx, e, n_events, when = got
        want_e, names = pd.factorize(frame["event_id"])
        np.testing.assert_array_equal(m_idx, pd.Index(nodes).get_indexer(frame["source"]))
        np.testing.assert_array_equal(e, want_e)
        assert n_events == len(names)
        np.testing.assert_array_equal(when, T.ns(frame["timestamp"]))


def test_attendance_codes_with_missing_ids_times_and_starts():
    """A missing source is no attendance; a missing time is skipped by the minimum; an
    event's start replaces its rows' times, or not when the event has none."""
    ts = pd.to_datetime(["2025-01-02", "2025-01-01", None, "2025-01-05", "2025-01-03",
                         "2025-01-04"], utc=True)
    inter = pd.DataFrame({
        "timestamp": ts, "source": pd.array(["b", "b", "a", None, "a", "c"], dtype="str"),
        "kind": "attend", "event_id": pd.array(["e2", "e2", "e1", "e1", "e1", "e3"],
                                               dtype="str")})
    events = pd.DataFrame({"event_id": pd.array(["e1", "e2"], dtype="str"),
                           "start": pd.to_datetime(["2024-12-31", None], utc=True)})

    Net = type("Net", (), {"interactions": inter, "events": events})
    nodes = np.array(["a", "b", "c"], dtype=object)
    m_idx, e, n_events, when = T._attendance_codes(Net, nodes)
    np.testing.assert_array_equal(m_idx, [0, 1, 2])          # (e1, a), (e2, b), (e3, c)
    np.testing.assert_array_equal(e, [0, 1, 2])
    assert n_events == 3
    np.testing.assert_array_equal(when, T.ns(pd.Series(pd.to_datetime(
        ["2024-12-31", "2025-01-01", "2025-01-04"], utc=True))))
    assert T._attendance_codes(Net, nodes[:2]) is None        # c is not among the nodes


def test_person_ties_from_attendance_rows_equal_the_codes(monkeypatch):
    """With an attendee outside the rows' nodes (a guest), the tie table is made from
    attendance()'s rows: forced here, the same tables as from the codes."""
    for name in ("davis", "riverbend"):
        net = pn.load_sample(name)
        s = net.period("2025") if name == "riverbend" else net
        kw = [{}, {"coattendance": "newman"}, {"directed": True, "min_shared": 2}]
        want = [T.person_ties(s, **k) for k in kw]
        with monkeypatch.context() as m:
            m.setattr(T, "_attendance_codes", lambda net, nodes: None)
            fresh = pn.load_sample(name)
            s = fresh.period("2025") if name == "riverbend" else fresh
            got = [T.person_ties(s, **k) for k in kw]
        for a, b in zip(got, want, strict=True):
            assert a.info == b.info and a.info["coattendance_pairs"] > 0
            for col in ("nodes", "u", "v", "count", "weight", "first", "last", "kinds"):
                np.testing.assert_array_equal(getattr(a, col), getattr(b, col))
