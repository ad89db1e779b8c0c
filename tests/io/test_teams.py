"""pn.read_teams on the variants of shared/formats.md (b); fixtures in tests/fixtures/teams."""

from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "teams"
NEW = FIX / "Q3 network call - Attendance report 9-12-24.csv"


def test_fixtures_are_utf16_with_bom():
    for p in FIX.glob("*.csv"):
        assert p.read_bytes()[:2] == b"\xff\xfe"


def test_old_attendance_list_closes_open_intervals_at_the_end():
    # variant: attendanceList.csv (2020-2021), UTF-16 LE + BOM, TAB, Joined/Left log
    net = pn.read_teams(FIX / "attendanceList.csv", tz="America/New_York")
    ev = net.events.iloc[0]
    assert ev["start"] == pd.Timestamp("2021-03-14 13:58:02", tz="UTC")  # 9:58:02 EDT
    assert ev["end"] == pd.Timestamp("2021-03-14 15:00:00", tz="UTC")  # last time in the log
    att = net.interactions.set_index("source")
    assert sorted(att.index) == ["ada-obi", "ben-roy", "cy-dee"]  # "(Guest)" removed
    # Ada: 9:58:02-10:30:11 and 10:31:05-11:00:00 (no Left: closed at the last time)
    assert att.loc["ada-obi", "sessions"] == 2
    assert att.loc["ada-obi", "duration_min"] == pytest.approx(32 + 9 / 60 + 28 + 55 / 60,
                                                               abs=1e-3)
    assert att.loc["cy-dee", "duration_min"] == 40
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (7, 7, 0)
    assert net.quality.issues["problem"].str.contains("had no 'Left' row").sum() == 1


def test_current_attendance_report_sections():
    # variant: current three-section report, UTF-16 LE + BOM, TAB
    net = pn.read_teams(NEW, tz="America/New_York")
    ev = net.events.iloc[0]
    assert ev["title"] == "Q3 network call"
    assert ev["event_id"] == "teams-q3-network-call-20240912T1458"
    assert ev["host"] == "ada-obi"  # the Organizer
    att = net.interactions.set_index("source")
    # durations from section 2: 1h 4m 45s, 51m 21s, 30m 30s
    assert att["duration_min"].to_dict() == {"ada-obi": 64.75, "ben-roy": 51.35,
                                             "priya-nair": 30.5}
    # section 3 gives Ben's two sessions
    assert att.loc["ben-roy", "sessions"] == 2
    assert att.loc["ben-roy", "intervals"] == ("2024-09-12T19:05:00Z/2024-09-12T19:30:00Z; "
                                               "2024-09-12T19:30:40Z/2024-09-12T19:56:21Z")
    members = net.members.set_index("member_id")
    assert members.loc["ben-roy", "name"] == "Ben Roy"  # "(External)" removed
    assert members.loc["ada-obi", "aliases"] == "teams:ada@orga.org"  # the UPN
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (3, 3, 0)


def test_interim_meeting_summary(tmp_path):
    # variant: 2021 "Meeting Summary" (key/value block, then one row per session)
    text = ("Meeting Summary\nTotal Number of Participants\t2\nMeeting Title\tPeer call\n"
            "Meeting Start Time\t12/10/2021, 7:30:00 PM\nMeeting End Time\t12/10/2021, 8:10:00 PM\n"
            "Meeting Id\t19:meeting_abc\n\n"
            "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)\n"
            "Neeti Sharma\t12/10/2021, 7:37:51 PM\t12/10/2021, 8:07:14 PM\t29m 22s\tn@x.org\t"
            "Organiser\tn@x.org\n"
            "Ada Obi\t12/10/2021, 7:40:00 PM\t12/10/2021, 7:50:00 PM\t10m\tada@orga.org\t"
            "Attendee\t\n"
            "Ada Obi\t12/10/2021, 7:55:00 PM\t12/10/2021, 8:00:00 PM\t5m\tada@orga.org\t"
            "Attendee\t\n")
    p = tmp_path / "summary.csv"
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    net = pn.read_teams(p, tz="UTC")
    att = net.interactions.set_index("source")
    assert att.loc["ada-obi", "duration_min"] == 15 and att.loc["ada-obi", "sessions"] == 2
    assert net.events.iloc[0]["title"] == "Peer call"
    assert net.events.iloc[0]["host"] == "neeti-sharma"


def test_unknown_user_action_is_rejected_loudly(tmp_path):
    text = "Full Name\tUser Action\tTimestamp\nAda Obi\tJoined\t3/14/2021, 9:58:02 AM\n" \
           "Ada Obi\tMuted\t3/14/2021, 10:00:00 AM\n"
    p = tmp_path / "attendanceList.csv"
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    with pytest.raises(pn.DataError, match=r"row 3, column 'User Action': unknown User "
                                           r"Action 'Muted'"):
        pn.read_teams(p, tz="UTC")


def test_day_first_locale(tmp_path):
    text = "Full Name\tUser Action\tTimestamp\nAda Obi\tJoined\t21/10/22 12:00:00\n" \
           "Ada Obi\tLeft\t21/10/22 12:30:00\n"
    p = tmp_path / "gb.csv"
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    net = pn.read_teams(p, tz="Europe/London")     # a day above 12: day-first, recorded
    assert net.interactions["duration_min"].tolist() == [30.0]
    assert net.interactions["timestamp"].iloc[0] == pd.Timestamp("2022-10-21 11:00", tz="UTC")
    assert "dates read day-first" in net.quality.summary()


def test_not_a_teams_file(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a\tb\n1\t2\n")
    with pytest.raises(pn.DataError, match=r"x\.csv: not a Teams attendance report"):
        pn.read_teams(p, tz="UTC")


def test_duration_spellings():
    from peernet.io._export import parse_minutes

    values = pd.Series(["1h 4m 45s", "59m 35s", "1 hr 2 min", "45 min", "30 sec", "62", "--",
                        "1 godz. 4 min 5 sek.", "soon", None], dtype="str")
    minutes, bad = parse_minutes(values)
    assert minutes.round(4).tolist()[:6] == [64.75, 59.5833, 62.0, 45.0, 0.5, 62.0]
    assert pd.isna(minutes.iloc[6]) and minutes.round(4).iloc[7] == 64.0833
    assert bad.tolist() == [False] * 8 + [True, False]
