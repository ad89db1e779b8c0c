"""PeerNetwork: construction, period slicing in the network's zone, previous(), members."""

import pandas as pd
import pytest

import peernet as pn
from peernet.periods import Window, parse_period, period_starts


def _net(timestamps, tz="America/Los_Angeles"):
    members = pd.DataFrame({"member_id": ["a", "b"]})
    inter = pd.DataFrame({"timestamp": timestamps, "source": "a", "kind": "message",
                          "target": "b"})
    return pn.PeerNetwork.from_tables(members=members, interactions=inter, tz=tz)


def test_meeting_on_new_years_eve_in_los_angeles_belongs_to_2025():
    # 2025-12-31 23:30 in Los Angeles is 2026-01-01 07:30 UTC
    net = _net(["2025-12-31 23:30", "2026-01-01 00:30", "2025-01-01 00:00"])
    assert str(net.interactions["timestamp"].iloc[0]) == "2026-01-01 07:30:00+00:00"
    assert len(net.period("2025").interactions) == 2
    assert len(net.period("2026").interactions) == 1
    # the first instant of the year is inside, the first instant of the next is not
    y25 = net.period("2025")
    assert y25.interactions["timestamp"].min() == pd.Timestamp("2025-01-01 08:00", tz="UTC")


def test_quarter_month_and_fiscal_year_windows():
    net = _net(["2024-06-30 23:59", "2024-07-01 00:00", "2025-06-30 12:00", "2025-07-01 00:00",
                "2025-03-31 23:59", "2025-04-01 00:00"])
    fy = net.period("FY2025")  # 2024-07-01 .. 2025-06-30, start_month=7
    assert len(fy.interactions) == 4
    assert len(net.period("FY2025", start_month=1).interactions) == 4  # calendar 2025
    assert len(net.period("2025Q1").interactions) == 1
    assert len(net.period("2025Q2").interactions) == 2
    assert len(net.period("2025-03").interactions) == 1
    assert fy.window.start == pd.Timestamp("2024-07-01", tz="America/Los_Angeles")
    assert fy.previous().label == "FY2024"
    assert fy.previous().window.end == fy.window.start


def test_arbitrary_windows_are_labelled_by_their_dates_and_read_back():
    net = _net(["2024-09-30 23:00", "2024-10-01 00:00", "2025-09-30 23:59", "2025-10-01"])
    w = Window.range("2024-10-01", "2025-10-01", tz="America/Los_Angeles")
    assert (w.label, w.kind, w.tz) == ("2024-10-01..2025-10-01", "range",
                                       "America/Los_Angeles")
    assert w.start == pd.Timestamp("2024-10-01", tz="America/Los_Angeles") and w.days == 365
    assert parse_period(w.label, tz="America/Los_Angeles") == w
    assert parse_period(("2024-10-01", "2025-10-01"), tz="America/Los_Angeles") == w
    assert parse_period(w, tz="UTC") is w                 # a window is taken as it is
    for spec in (w, w.label, ("2024-10-01", "2025-10-01")):
        assert len(net.period(spec).interactions) == 2
    # the same days as the October fiscal year, which is a different kind of window
    fy = net.period("FY2025", start_month=10)
    assert (fy.window.start, fy.window.end) == (w.start, w.end) and fy.window != w
    assert fy.window.start_month == 10 and fy.window.previous().start_month == 10
    assert parse_period("2025").start_month == 1         # calendar windows start in January
    with pytest.raises(ValueError, match="a window is a .start, end. pair"):
        parse_period(("2024-10-01",))


def test_fiscal_period_rows_follow_the_cutting_windows_calendar():
    labels = pd.Series(["FY2025", "2025", "wave 3", None])
    got = period_starts(labels, "UTC", start_month=10)
    assert got.iloc[0] == pd.Timestamp("2024-10-01", tz="UTC")
    assert got.iloc[1] == pd.Timestamp("2025-01-01", tz="UTC")
    assert got.iloc[2:].isna().all()
    assert period_starts(labels, "UTC").iloc[0] == pd.Timestamp("2024-07-01", tz="UTC")
    members = pd.DataFrame({"member_id": ["a", "b"]})
    inter = pd.DataFrame({"timestamp": ["2024-08-01", "2025-08-01"], "source": "a",
                          "kind": "message", "target": "b"})
    checklist = pd.DataFrame({"item": ["gp1"], "period": ["FY2025"], "value": [3]})
    net = pn.PeerNetwork.from_tables(members=members, interactions=inter,
                                     checklist=checklist, tz="UTC")
    # FY2025 rows start on 2024-10-01 in an October calendar: inside FY2025 (Oct), and
    # inside the calendar window 2024-07..2025-07 of the July FY2025
    assert len(net.period("FY2025", start_month=10).checklist) == 1
    assert len(net.period("FY2025").checklist) == 1
    assert len(net.period("2024Q3").checklist) == 1       # July start: 2024-07-01
    assert len(net.period("2024Q4").checklist) == 0


def test_previous_gives_the_same_length_window_before():
    net = _net(["2024-05-01", "2025-05-01"])
    y25 = net.period("2025")
    assert y25.previous().label == "2024"
    assert len(y25.previous().interactions) == 1
    assert net.period("2025Q1").previous().label == "2024Q4"
    assert net.period("2025-01").previous().label == "2024-12"
    rng = net.between("2025-03-01", "2025-05-01")
    prev = rng.previous()
    assert prev.window.end == rng.window.start
    assert prev.window.start == pd.Timestamp("2024-12-30", tz="America/Los_Angeles")
    # previous of a slice is taken from the whole network, not from the slice
    assert y25.previous().parent is net
    with pytest.raises(ValueError, match=r"previous\(\) needs a slice"):
        net.previous()


def test_bad_period_labels_name_the_options():
    with pytest.raises(ValueError, match="period must look like '2025', '2025Q3'"):
        parse_period("Q3 2025")
    with pytest.raises(ValueError, match="start_month must be 1..12"):
        parse_period("FY2025", start_month=13)
    net = _net(["2025-01-01"])
    with pytest.raises(ValueError, match="end must be after start"):
        net.between("2025-02-01", "2025-01-01")


def test_slice_keeps_full_roster_and_knows_active_members(tiny_net):
    q1 = tiny_net.period("2025Q1")
    assert len(q1.members) == 5  # the roster stays as context
    # Q1: e1 (ana, ben, cai), ana->cai message, cai->ana reply, ben->ana message
    assert list(q1.members_active()) == ["ana", "ben", "cai"]
    assert list(tiny_net.period("2025Q3").members_active()) == ["ana", "dee", "eve"]
    # eve joined 2025-06-01: not a roster member during Q1
    assert "eve" not in q1.members_current()
    assert "eve" in tiny_net.period("2025Q3").members_current()
    assert len(q1.events) == 1 and q1.events["event_id"].tolist() == ["e1"]


def test_unknown_member_is_added_as_unmatched_not_dropped():
    members = pd.DataFrame({"member_id": ["a", "b"]})
    inter = pd.DataFrame({"timestamp": ["2025-01-01", "2025-01-02"], "source": ["a", "zed"],
                          "kind": ["message", "message"], "target": ["b", "a"]})
    with pytest.warns(pn.DataQualityWarning, match="1 row"):
        net = pn.PeerNetwork.from_tables(members=members, interactions=inter)
    assert len(net.interactions) == 2
    added = net.members.set_index("member_id")["unmatched"]
    assert bool(added["zed"]) is True and bool(added["a"]) is False
    issue = net.quality.issues.iloc[0]
    assert (issue["source"], issue["row"], issue["column"], issue["value"], issue["action"]) == \
        ("interactions", 3, "source", "zed", "added")
    with pytest.raises(pn.DataError, match=r"interactions, row 3, column 'source'"):
        pn.PeerNetwork.from_tables(members=members, interactions=inter, errors="raise")


def test_unknown_ids_found_among_missing_targets_and_events_without_rows():
    """The cross-check reads the id columns as they are (missing values left out by a mask,
    not a copy) and the events' ids as their column: the same rows are added."""
    members = pd.DataFrame({"member_id": ["a", "b"]})
    inter = pd.DataFrame({"timestamp": ["2025-01-01"] * 5,
                          "source": ["a", "b", "a", "b", "a"],
                          "kind": ["attend", "message", "message", "attend", "message"],
                          "target": [None, None, "yo", None, "yo"],
                          "event_id": ["e1", None, None, "e2", None]})
    events = pd.DataFrame({"event_id": pd.Series([], dtype="str"),
                           "start": pd.Series([], dtype="str")})
    with pytest.warns(pn.DataQualityWarning, match="3 row"):
        net = pn.PeerNetwork.from_tables(members=members, interactions=inter, events=events)
    assert sorted(net.members["member_id"]) == ["a", "b", "yo"]
    assert sorted(net.events["event_id"]) == ["e1", "e2"]
    added = net.quality.issues.set_index("value")[["row", "column"]]
    assert added.loc["yo"].tolist() == [4, "target"]
    assert added.loc["e1"].tolist() == [2, "event_id"]
    assert added.loc["e2"].tolist() == [5, "event_id"]


def test_has_tells_provided_tables_apart_from_empty_slices(tiny_net):
    assert tiny_net.has("events") and not tiny_net.has("problems")
    assert tiny_net.period("2019").has("events")  # provided, although the slice is empty
    with pytest.raises(ValueError, match="table must be one of"):
        tiny_net.has("meetings")


def test_combine_merges_rosters_and_quality(tiny_net):
    other = pn.PeerNetwork.from_tables(
        members=pd.DataFrame({"member_id": ["ana", "fay"], "org": ["A", "C"]}),
        interactions=pd.DataFrame({"timestamp": ["2025-09-01"], "source": ["fay"],
                                   "kind": ["message"], "target": ["ana"]}))
    both = pn.combine([tiny_net, other])
    assert sorted(both.members["member_id"]) == ["ana", "ben", "cai", "dee", "eve", "fay"]
    assert len(both.interactions) == len(tiny_net.interactions) + 1
    assert both.members.set_index("member_id").loc["ana", "name"] == "Ana Ruiz"


def test_bad_timezone_is_an_argument_error():
    with pytest.raises(ValueError, match="tz must be an IANA time zone"):
        _net(["2025-01-01"], tz="Mars/Olympus")


def test_a_period_is_cut_once_and_its_ties_are_shared(tiny_net):
    from peernet.ties import person_ties

    y = tiny_net.period("2025")
    assert tiny_net.period("2025") is y                  # memoised on the root
    assert y.period("2025") is y and y.previous() is tiny_net.period("2024")
    assert person_ties(y) is person_ties(tiny_net.period("2025"))
    a, b = tiny_net.between("2025-01-01", "2025-07-01"), tiny_net.between("2025-01-01",
                                                                        "2025-07-01")
    assert a is not b                                    # ranges are not kept
    pd.testing.assert_frame_equal(a.interactions, b.interactions)


def test_pickles_and_copies_leave_the_memoised_slices_behind(tiny_net):
    import copy
    import pickle

    from peernet._cache import memo

    y = tiny_net.period("2025")
    assert memo(tiny_net)[("slice", y.window)] is y
    for other in (pickle.loads(pickle.dumps(tiny_net)), copy.copy(tiny_net)):
        assert ("slice", y.window) not in memo(other)
        again = other.period("2025")
        assert again is not y and again.parent is other
        pd.testing.assert_frame_equal(again.interactions, y.interactions)


def test_the_memo_dies_with_its_network_even_when_a_slice_points_back(tiny_net):
    import gc
    import weakref

    from peernet._cache import cached, forget, memo

    net = pn.PeerNetwork.from_tables(members=tiny_net.members, events=tiny_net.events,
                                     interactions=tiny_net.interactions, tz="UTC")
    y = net.period("2025")
    assert y.parent is net and memo(net)[("slice", y.window)] is y
    calls = []
    assert cached(net, ("n",), lambda: calls.append(1) or len(calls)) == 1
    assert cached(net, ("n",), lambda: calls.append(1) or len(calls)) == 1
    forget(net, ("n",))
    assert cached(net, ("n",), lambda: calls.append(1) or len(calls)) == 2
    forget(net, kind="slice")                  # the slices only
    assert ("n",) in memo(net) and ("slice", y.window) not in memo(net)
    assert net.period("2025") is not y and net.period("2025") is net.period("2025")
    ref = weakref.ref(net)
    del net, y
    gc.collect()
    assert ref() is None                      # nothing global keeps the network alive


def test_an_object_without_a_dict_is_not_memoised():
    from peernet._cache import cached

    calls = []
    for _ in range(2):
        assert cached((1, 2), ("k",), lambda: calls.append(1) or 7) == 7
    assert len(calls) == 2


def test_repr_html_shows_tables_window_and_quality(riverbend):
    """Issue 19: in Jupyter a network shows its tables, its window and the data-quality
    summary, escaped, naming nobody."""
    page = riverbend.period("2025")._repr_html_()
    assert "window 2025-01-01 to 2025-12-31, 112 members active" in page
    assert "<td>members</td><td>151</td>" in page
    assert "<summary>data quality</summary>" in page and "members.csv: 150 rows read" in page
    names = riverbend.members["name"].dropna()
    assert not [n for n in names if n in page]


def test_a_period_of_a_log_in_time_order_is_a_view_of_its_rows():
    """A window over a log sorted by time is one run of rows: the slice shares the table's
    memory (copy-on-write) and holds exactly the rows a boolean cut holds; an unsorted log
    gives the same rows, copied."""
    import numpy as np

    net = pn.load_sample("riverbend")
    inter = net.interactions
    assert inter["timestamp"].is_monotonic_increasing
    for label in ("2024", "2025"):
        s = net.period(label)
        t = inter["timestamp"]
        mask = ((t >= s.window.start_utc) & (t < s.window.end_utc)).to_numpy()
        pd.testing.assert_frame_equal(s.interactions, inter.loc[mask].reset_index(drop=True))
        assert np.shares_memory(s.interactions["timestamp"].values, t.values)
    shuffled = inter.sample(frac=1.0, random_state=0).reset_index(drop=True)
    s = net.replace(interactions=shuffled).period("2025")
    t = shuffled["timestamp"]
    mask = ((t >= s.window.start_utc) & (t < s.window.end_utc)).to_numpy()
    pd.testing.assert_frame_equal(s.interactions, shuffled.loc[mask].reset_index(drop=True))
    assert not np.shares_memory(s.interactions["timestamp"].values, t.values)


def test_ties_without_coattendance_are_kept_once_whether_or_not_attend_is_named():
    """With ``coattendance=None`` attendance makes no tie: asking with every kind (the
    default) or with the direct kinds only gives the same arrays, kept once; ``info``
    names the kinds asked for."""
    import numpy as np

    from peernet.schema import INTERACTION_KINDS
    from peernet.ties import _build_ties, person_ties

    y = pn.load_sample("riverbend").period("2025")
    direct = tuple(k for k in INTERACTION_KINDS if k != "attend")
    for directed in (False, True):
        every = person_ties(y, directed=directed, coattendance=None)
        plain = person_ties(y, kinds=direct, directed=directed, coattendance=None)
        assert every.u is plain.u and every.weight is plain.weight
        assert every.info["kinds"] == "; ".join(INTERACTION_KINDS)
        assert plain.info["kinds"] == "; ".join(direct)
        built = _build_ties(y, kinds=INTERACTION_KINDS, directed=directed, weight="count",
                            coattendance=None, max_event_size=30, min_shared=1)
        for col in ("nodes", "u", "v", "count", "weight", "first", "last", "kinds"):
            assert np.array_equal(getattr(built, col), getattr(every, col)), col
        assert built.info == every.info


@pytest.mark.parametrize("kinds", [("message", "reply", "mention", "reaction", "call", "help",
                                    "resource", "referral"), ("help",), ("reply", "message"),
                                   ("contact",)])
def test_direct_rows_of_fewer_kinds_are_cut_from_those_of_every_kind(kinds):
    """The rows of some direct kinds, cut from the kept rows of every direct kind, are the
    rows, nodes and positions built from the log for those kinds alone."""
    import numpy as np

    from peernet.ties import _build_direct_rows, _direct_rows

    y = pn.load_sample("riverbend").period("2025")
    cut, built = _direct_rows(y, kinds), _build_direct_rows(y, kinds)
    for key in ("nodes", "s", "t", "time", "kind_bits"):
        assert cut[key].dtype == built[key].dtype and np.array_equal(cut[key], built[key]), key
    pd.testing.assert_frame_equal(cut["weights"], built["weights"])
    assert len(cut["s"]) > 0 or kinds == ("contact",)


def test_acts_of_some_columns_are_those_columns_of_the_acts(riverbend):
    from peernet._cache import forget
    from peernet.network import ACT_COLUMNS

    y = riverbend.period("2025")
    forget(y)
    lean = y.acts(ACT_COLUMNS)
    forget(y)
    full = y.acts()
    assert list(lean.columns) == list(ACT_COLUMNS)
    pd.testing.assert_frame_equal(lean, full[list(ACT_COLUMNS)])
    # each contact is an act of both people: the rows once, then the contacts mirrored
    contact = (y.interactions["kind"] == "contact").to_numpy()
    assert len(lean) == len(y.interactions) + contact.sum() > len(y.interactions)
    mirrored = lean.iloc[len(y.interactions):]
    assert mirrored["source"].tolist() == y.interactions.loc[contact, "target"].tolist()
    # with the whole table's acts kept, its columns are handed out
    assert y.acts(["source", "target"]).columns.tolist() == ["source", "target"]
    assert y.acts(["source", "target"])["target"].iloc[len(y.interactions):].tolist() == \
        y.interactions.loc[contact, "source"].tolist()
    # categorical ids: the observed ids as categories, sorted (as strings would give)
    inter = riverbend.interactions
    ids = pd.CategoricalDtype(riverbend.members["member_id"].iloc[::-1])   # roster order
    cat = riverbend.replace(interactions=inter.assign(source=inter["source"].astype(ids),
                                                      target=inter["target"].astype(ids)))
    got = cat.acts(ACT_COLUMNS)["source"]
    want = riverbend.acts(ACT_COLUMNS)["source"]
    assert isinstance(got.dtype, pd.CategoricalDtype)
    assert list(got.cat.categories) == sorted(set(want.dropna()))
    assert got.astype("str").tolist() == want.tolist()


def test_coerced_table_and_its_input_do_not_change_each_other():
    """coerce_table copies a table shallowly and returns a clean one as it is (no copy of
    every row): under copy-on-write a write to either leaves the other as it was."""
    from peernet.quality import QualityLog
    from peernet.schema import coerce_table

    raw = pd.DataFrame({"timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"], utc=True),
                        "source": pd.Series(["a", "b"], dtype="str"),
                        "kind": ["message", "message"],
                        "target": pd.Series(["b", "a"], dtype="str")})
    before = raw.copy()
    out = coerce_table(raw, "interactions", tz="UTC", log=QualityLog("interactions"))
    clean = out.copy()
    out.loc[0, "source"] = "zed"
    out["timestamp"] = out["timestamp"] + pd.Timedelta(days=1)
    assert raw.equals(before)
    raw.loc[1, "target"] = "yo"
    raw.loc[1, "timestamp"] = pd.Timestamp("2030-01-01", tz="UTC")
    assert out.loc[1, "target"] == "a" and out["timestamp"].iloc[1] == clean["timestamp"].iloc[1] \
        + pd.Timedelta(days=1)
    assert isinstance(out.index, pd.RangeIndex) and list(out.columns) == list(clean.columns)


def test_text_columns_cleaned_on_threads_equal_one_at_a_time(monkeypatch):
    """coerce_table cleans a long table's text columns on two threads (schema._clean_texts):
    the same table and the same quality records (NUL characters, spaces around ids, empty
    ids) as one column at a time."""
    from peernet import schema
    from peernet.quality import QualityLog

    n = 40
    raw = pd.DataFrame({
        "timestamp": pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC"),
        "source": pd.Series([f" m{i % 7} " for i in range(n)], dtype="str"),
        "kind": ["message"] * n,
        "target": pd.Series(["", "m1\x00", None, "m2"] * (n // 4), dtype="str"),
        "thread_id": [f"t{i % 3}" if i % 5 else b"t\x00b" for i in range(n)],
        "topic": pd.Series(["a\x00b", " x "] * (n // 2), dtype="str")})

    def run(rows: int, workers: str) -> tuple[pd.DataFrame, str]:
        monkeypatch.setattr(schema, "THREADED_ROWS", rows)
        monkeypatch.setenv("PEERNET_WORKERS", workers)
        log = QualityLog("interactions.csv")
        out = schema.coerce_table(raw, "interactions", tz="UTC", log=log)
        return out, log.issues().to_csv()

    alone, alone_log = run(10**9, "1")
    threaded, threaded_log = run(0, "2")
    pd.testing.assert_frame_equal(alone, threaded, check_exact=True)
    assert alone_log == threaded_log
    assert alone["source"].tolist()[:2] == ["m0", "m1"]          # trimmed
    assert pd.isna(alone["target"].iloc[0]) and alone["target"].iloc[1] == "m1"
    assert alone["topic"].iloc[0] == "ab" and "NUL" in threaded_log


def test_members_active_are_the_sources_of_the_acts_without_making_them(riverbend):
    """Active members are the acts' sources (both people of a contact, a self-contact once)
    and the problems' people, read from the rows: the acts are not made for it."""
    from peernet._cache import forget, memo
    from peernet.network import ACT_COLUMNS, guest_ids
    from peernet.schema import split_list

    extra = pd.DataFrame({"timestamp": pd.to_datetime(["2025-03-01"] * 3, utc=True),
                          "source": ["zz1", "zz3", "zz5"], "target": ["zz2", "zz3", None],
                          "kind": ["contact", "contact", "contact"]})
    net = riverbend.replace(interactions=pd.concat([riverbend.interactions, extra],
                                                   ignore_index=True))
    for y in (net, net.period("2024"), net.period("2025"), riverbend.period("2025")):
        forget(y)
        got = y.members_active()
        assert not [k for k in memo(y) if k[0] == "acts"]
        ids = [y.acts(ACT_COLUMNS)["source"].dropna()]
        if len(y.problems):
            ids += [y.problems["raised_by"].dropna(), split_list(y.problems["helpers"])]
        expected = set(pd.concat(ids).astype("str")) - set(guest_ids(y.members))
        assert got.tolist() == sorted(expected)
    y = net.period("2025")
    assert {"zz1", "zz2", "zz3", "zz5"} <= set(y.members_active())


def test_act_summary_counts_and_times_the_acts_without_making_them(riverbend):
    """Each person's acts, first and last act: by hand on a small log (a contact is an act
    of both people, whichever id came first; a self-contact once; a row without a target
    once), and equal to grouping the acts on riverbend with added contacts, whole and
    sliced, without making the acts."""
    from peernet._cache import forget, memo
    from peernet.network import ACT_COLUMNS

    t = pd.to_datetime(["2025-03-01 10:00", "2025-03-02 10:00", "2025-03-05 10:00",
                        "2025-03-04 10:00", "2025-03-03 10:00"], utc=True)
    inter = pd.DataFrame({"timestamp": t, "source": ["a", "b", "a", "c", "d"],
                          "target": ["b", "a", "c", "c", None],
                          "kind": ["message", "contact", "contact", "contact", "contact"]})
    members = pd.DataFrame({"member_id": list("abcd")})
    small = pn.PeerNetwork.from_tables(members=members, interactions=inter)
    s = small.act_summary().sort_index()
    assert s["acts"].tolist() == [3, 1, 2, 1]   # b: its contact (a message to b is a's)
    assert s["first"].dt.day.tolist() == [1, 2, 4, 3]
    assert s["last"].dt.day.tolist() == [5, 2, 5, 3]

    extra = pd.DataFrame({"timestamp": pd.to_datetime(["2025-03-01"] * 3, utc=True),
                          "source": ["zz1", "zz3", "zz5"], "target": ["zz2", "zz3", None],
                          "kind": ["contact", "contact", "contact"]})
    net = riverbend.replace(interactions=pd.concat([riverbend.interactions, extra],
                                                   ignore_index=True))
    # the ids as categories, as an out-of-core load gives them
    ids = pd.CategoricalDtype(sorted(set(net.interactions["source"].dropna())
                                     | set(net.interactions["target"].dropna())))
    coded = net.replace(interactions=net.interactions.assign(
        source=net.interactions["source"].astype(ids),
        target=net.interactions["target"].astype(ids)))
    for y in (net, net.period("2024"), net.period("2025"), coded, coded.period("2025")):
        forget(y)
        got = y.act_summary()
        assert not [k for k in memo(y) if k[0] == "acts"]
        acts = y.acts(ACT_COLUMNS)
        by = acts.groupby(acts["source"].astype("str"))["timestamp"]
        assert sorted(got.index) == sorted(by.groups) and got.index.is_unique
        assert got["acts"].reindex(by.size().index).tolist() == by.size().tolist()
        assert got["first"].reindex(by.min().index).equals(by.min().rename("first"))
        assert got["last"].reindex(by.max().index).equals(by.max().rename("last"))


def test_dictionary_coded_ids_are_cleaned_as_text():
    """An id or text column given as Arrow dictionary codes (as pn.load reads a Parquet id
    column with few distinct values) is cleaned on its distinct values, chunk by chunk:
    the same table (``str`` columns) and the same quality records (NUL characters, spaces
    around ids, empty ids) as the same column given as text."""
    import pyarrow as pa

    from peernet.quality import QualityLog
    from peernet.schema import coerce_table

    n = 40
    text = {"source": [f" m{i % 7} " for i in range(n)],
            "target": ["", "m1\x00", None, "m2"] * (n // 4),
            "thread_id": [None] * n,
            "topic": ["a\x00b", " x "] * (n // 2)}
    base = {"timestamp": pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC"),
            "kind": ["message"] * n}

    def coded(values: list) -> pd.Series:
        half = n // 2   # two chunks, each with its own dictionary
        chunks = [pa.array(values[:half], pa.string()).dictionary_encode(),
                  pa.array(values[half:], pa.large_string()).dictionary_encode()]
        arr = pa.chunked_array([c.cast(pa.dictionary(pa.int32(), pa.large_string()))
                                for c in chunks])
        return pd.Series(pd.arrays.ArrowExtensionArray(arr))

    def run(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        log = QualityLog("interactions.parquet")
        out = coerce_table(df, "interactions", tz="UTC", log=log)
        return out, log.issues().to_csv()

    as_text, text_log = run(pd.DataFrame({**base, **{c: pd.Series(v, dtype="str")
                                                     for c, v in text.items()}}))
    as_codes, codes_log = run(pd.DataFrame({**base, **{c: coded(v) for c, v in text.items()}}))
    pd.testing.assert_frame_equal(as_text, as_codes, check_exact=True)
    assert text_log == codes_log and "NUL" in codes_log
    assert all(as_codes[c].dtype == "str" for c in text)
