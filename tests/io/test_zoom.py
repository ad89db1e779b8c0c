"""pn.read_zoom on the variants of shared/formats.md (a); fixtures in tests/fixtures/zoom."""

from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "zoom"


def test_meeting_with_details_block():
    # variant: participants report exported "with meeting data" (UTF-8 BOM, block first)
    net = pn.read_zoom(FIX / "meeting_details.csv", tz="Europe/Berlin")
    ev = net.events.iloc[0]
    assert ev["event_id"] == "zoom-81234567890-20240305T0958"
    assert ev["title"] == "Peer exchange: housing"
    assert ev["start"] == pd.Timestamp("2024-03-05 08:58:12", tz="UTC")  # 09:58:12 Berlin
    assert ev["end"] == pd.Timestamp("2024-03-05 10:03:40", tz="UTC")
    att = net.interactions.set_index("source")
    assert len(att) == 3  # Ada, Ben (two sessions merged), the iPhone guest
    assert (att["kind"] == "attend").all()
    # Ben renamed himself: "Ben (Benjamin Roy)" -> the account name is used
    assert att.loc["benjamin-roy", "sessions"] == 2
    # union of 10:02:01-10:20:44 and 10:21:30-11:03:40 = 18m43s + 42m10s
    assert att.loc["benjamin-roy", "duration_min"] == pytest.approx(18 + 43 / 60 + 42 + 10 / 60,
                                                                    abs=1e-3)
    assert att.loc["ada-obi", "duration_min"] == pytest.approx(65 + 28 / 60, abs=1e-3)
    guest = [m for m in att.index if m.startswith("guest-")]
    assert len(guest) == 1 and att.loc[guest[0], "duration_min"] == 35
    counts = net.quality.counts.iloc[0]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (4, 4, 0)
    members = net.members.set_index("member_id")
    assert members.loc["benjamin-roy", "email"] == "ben@orgb.net"
    assert bool(members.loc[guest[0], "anonymous"])


def test_meeting_without_block_2024_spelling():
    # variant: no details block, sentence-case 2024+ headers with "In waiting room"
    net = pn.read_zoom(FIX / "meeting_plain.csv", tz="Europe/Berlin")
    assert net.events["event_id"].tolist() == ["zoom-meeting-plain-20240402T1400"]
    att = net.interactions.set_index("source")
    assert sorted(att.index) == ["ada-obi", "cy-dee",
                                 "guest-zoom-meeting-plain-20240402t1400-1", "priya"]
    # Cy: waiting-room session dropped; 14:00-14:30 and 14:20-14:45 overlap -> 45 min, not 55
    assert att.loc["cy-dee", "duration_min"] == 45
    assert att.loc["cy-dee", "sessions"] == 2
    # "priya (she/her)" is not a rename
    assert net.members.set_index("member_id").loc["priya", "name"] == "priya"
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (7, 5, 2)
    dropped = net.quality.dropped.set_index("row")
    assert dropped.loc[5, "problem"].startswith("session spent in the waiting room")
    assert dropped.loc[8, "value"] == "yesterday"


def test_webinar_sections_noshow_and_registration_columns():
    net = pn.read_zoom(FIX / "webinar.csv", tz="Europe/Berlin")
    ev = net.events.iloc[0]
    assert ev["kind"] == "webinar" and ev["title"] == "Annual member forum"
    assert ev["start"] == pd.Timestamp("2024-03-05 13:00", tz="UTC")
    assert ev["end"] == pd.Timestamp("2024-03-05 14:32", tz="UTC")  # 92 minutes
    att = net.interactions.set_index("source")
    assert att["role"].to_dict() == {"network-office": "host", "ada-obi": "panelist",
                                     "ben-roy": "attendee"}
    assert ev["host"] == "network-office"
    # Cy registered but did not attend
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (4, 3, 1)
    assert net.quality.dropped["row"].tolist() == [14]
    # the custom registration question "Organization" gives the org
    assert net.members.set_index("member_id").loc["ben-roy", "org"] == "Org B gGmbH"


def test_tab_delimited_cp1252(tmp_path):
    text = (FIX / "meeting_plain.csv").read_text(encoding="utf-8").replace(",", "\t")
    text = text.replace("priya (she/her)", "Zoë Müller")
    p = tmp_path / "tabbed.csv"
    p.write_bytes(text.encode("cp1252"))
    net = pn.read_zoom(p, tz="UTC")
    assert "Zoë Müller" in set(net.members["name"])
    assert "Windows-1252" in " ".join(net.quality.issues["problem"])


def test_a_file_that_can_only_be_day_first_is_read_day_first_and_says_so(tmp_path):
    p = tmp_path / "gb.csv"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
                 "Ada Obi,ada@orga.org,05/03/2024 09:58,05/03/2024 11:03,66\n"
                 "Ben Roy,ben@orgb.net,21/03/2024 10:02,21/03/2024 10:20,19\n")
    net = pn.read_zoom(p, tz="UTC")           # dayfirst=False settles ambiguous files only
    assert net.interactions["timestamp"].min() == pd.Timestamp("2024-03-05 09:58", tz="UTC")
    notes = net.quality.issues
    assert "dates read day-first (day/month): '21/03/2024 10:02' has a day above 12" in \
        set(notes["problem"])


def test_an_ambiguous_file_follows_dayfirst_and_the_summary_says_so(tmp_path):
    p = tmp_path / "amb.csv"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time\n"
                 "Ada Obi,ada@orga.org,05/03/2024 09:58,05/03/2024 11:03\n")
    month = pn.read_zoom(p, tz="UTC")
    day = pn.read_zoom(p, tz="UTC", dayfirst=True)
    assert month.interactions["timestamp"].iloc[0] == pd.Timestamp("2024-05-03 09:58", tz="UTC")
    assert day.interactions["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 09:58", tz="UTC")
    assert "dates are ambiguous" in month.quality.summary()
    assert "read month-first as dayfirst=False says" in month.quality.summary()


def test_a_file_that_fits_neither_order_is_refused_with_an_example(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time\n"
                 "Ada Obi,ada@orga.org,21/03/2024 09:58,21/03/2024 11:03\n"
                 "Ben Roy,ben@orgb.net,03/22/2024 10:02,03/22/2024 10:20\n")
    with pytest.raises(pn.DataError, match=r"mixed\.csv, row 2, column 'Join Time': dates fit "
                       r"neither order: '21/03/2024 09:58' can only be day/month and "
                       r"'03/22/2024 10:02' only month/day"):
        pn.read_zoom(p, tz="UTC")


def test_a_file_with_many_unreadable_dates_is_refused_whole(tmp_path):
    p = tmp_path / "odd.csv"
    rows = "".join(f"P{i},p{i}@x.org,2024-03-{i + 1:02d} 09:00,2024-03-{i + 1:02d} 10:00\n"
                   for i in range(8))
    rows += "Q1,q1@x.org,March the 5th,later\nQ2,q2@x.org,soon,later\n"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time\n" + rows)
    with pytest.raises(pn.DataError, match=r"odd\.csv, row 10, column 'Join Time': 2 of 10 "
                       r"dates cannot be read \(e\.g\. 'March the 5th'\); a file with more "
                       r"than 5% unreadable dates is refused as a whole"):
        pn.read_zoom(p, tz="UTC")


def test_a_date_outside_pandas_range_says_so(tmp_path):
    p = tmp_path / "old.csv"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time\n"
                 "Ada Obi,ada@orga.org,03/05/1500 09:58,03/05/1500 11:03\n")
    with pytest.raises(pn.DataError, match=r"old\.csv, row 2, column 'Join Time': date "
                       r"'03/05/1500 09:58' is outside the dates pandas can hold "
                       r"\(1677-09-22 to 2262-04-11\)"):
        pn.read_zoom(p, tz="UTC")


def test_not_a_zoom_report(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(pn.DataError, match=r"x\.csv: not a Zoom participants report"):
        pn.read_zoom(p, tz="UTC")


def test_tz_is_checked():
    with pytest.raises(ValueError, match="tz must be an IANA time zone"):
        pn.read_zoom(FIX / "meeting_details.csv", tz="Mars/Olympus")


def test_errors_raise_lists_the_bad_row():
    with pytest.raises(pn.DataError, match=r"meeting_plain\.csv, row 8, column 'join'"):
        pn.read_zoom(FIX / "meeting_plain.csv", tz="UTC", errors="raise")


def test_flattened_admin_export(tmp_path):
    # variant: meeting fields repeated on every row, duplicate 'User Email' column names
    p = tmp_path / "flat.csv"
    p.write_text(
        "Topic,Meeting ID,User Name,User Email,Start Time,End Time,Duration (Minutes),"
        "Participants,Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
        "Guest\n"
        "Call A,111 222 333,Host,host@n.org,03/05/2024 09:00 AM,03/05/2024 10:00 AM,60,2,"
        "Ada Obi,ada@orga.org,03/05/2024 09:00 AM,03/05/2024 10:00 AM,60,No\n"
        "Call A,111 222 333,Host,host@n.org,03/05/2024 09:00 AM,03/05/2024 10:00 AM,60,2,"
        "Ben Roy,ben@orgb.net,03/05/2024 09:10 AM,03/05/2024 09:40 AM,30,Yes\n"
        "Call B,444 555 666,Host,host@n.org,03/12/2024 09:00 AM,03/12/2024 10:00 AM,60,1,"
        "Ada Obi,ada@orga.org,03/12/2024 09:00 AM,03/12/2024 09:30 AM,30,No\n")
    net = pn.read_zoom(p, tz="UTC")
    assert sorted(net.events["event_id"]) == ["zoom-111222333-20240305T0900",
                                              "zoom-444555666-20240312T0900"]
    assert sorted(net.interactions["source"]) == ["ada-obi", "ada-obi", "ben-roy"]
    assert net.events.set_index("event_id")["title"].to_dict() == {
        "zoom-111222333-20240305T0900": "Call A", "zoom-444555666-20240312T0900": "Call B"}
