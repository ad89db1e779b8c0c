"""pn.read_events: a folder of mixed exports in one call, formats sniffed from content."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

import peernet as pn
from peernet.io.folder import sniff_format

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def exports(tmp_path):
    """What an evaluator receives: names that do not say what the files are."""
    return _exports(tmp_path)


@pytest.fixture(scope="module")
def folder_net(tmp_path_factory):
    return pn.read_events(_exports(tmp_path_factory.mktemp("ev")), tz="Europe/Berlin")


def _exports(tmp_path):
    d = tmp_path / "exports" / "2024"
    d.mkdir(parents=True)
    shutil.copy(FIX / "zoom" / "meeting_details.csv", d / "participants_81234567890.csv")
    shutil.copy(FIX / "teams" / "Q3 network call - Attendance report 9-12-24.csv",
                d / "attendance.csv")
    shutil.make_archive(str(d / "Peer Network Slack export Mar 1 2024 - Mar 31 2024"), "zip",
                        FIX / "slack" / "export")
    (d / "lists").mkdir()
    shutil.copy(FIX / "mbox" / "housing-peers.mbox", d / "lists" / "2024-March.txt")
    (d / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (d / "README.txt").write_text("exports for the 2024 evaluation\n")
    return d


def test_sniff_format_by_content(exports):
    got = {p.relative_to(exports).as_posix(): sniff_format(p)
           for p in sorted(exports.rglob("*")) if p.is_file()}
    assert got == {"Peer Network Slack export Mar 1 2024 - Mar 31 2024.zip": "slack",
                   "README.txt": None, "attendance.csv": "teams",
                   "lists/2024-March.txt": "mbox", "notes.docx": None,
                   "participants_81234567890.csv": "zoom"}
    assert sniff_format(FIX / "slack" / "export") == "slack"
    assert sniff_format(FIX / "signin" / "signin.xlsx") == "signin"
    assert sniff_format(FIX / "meet" / "2024-03-05 09:58 Housing call - Attendance Report.csv") \
        == "meet"


def test_a_folder_becomes_one_network(folder_net):
    net = folder_net
    counts = net.quality.counts.set_index("source")[["rows_read", "rows_kept", "rows_dropped"]]
    assert counts.to_dict("index") == {
        "participants_81234567890.csv": {"rows_read": 4, "rows_kept": 4, "rows_dropped": 0},
        "attendance.csv": {"rows_read": 3, "rows_kept": 3, "rows_dropped": 0},
        "Peer Network Slack export Mar 1 2024 - Mar 31 2024.zip":
            {"rows_read": 9, "rows_kept": 5, "rows_dropped": 4},
        "2024-March.txt": {"rows_read": 6, "rows_kept": 4, "rows_dropped": 2},
    }
    notes = net.quality.issues[net.quality.issues["source"] == "2024"]
    listed = dict(zip(notes["value"], notes["problem"], strict=True))
    assert listed["README.txt"] == "not identified as a supported export; not read"
    assert listed["notes.docx"] == "not identified as a supported export; not read"
    assert listed["lists/2024-March.txt"] == "read as mailing-list archive, mbox (pn.read_mbox)"
    # Ada: Zoom email, Teams UPN, Slack id, list sender -> one member
    ada = net.interactions[net.interactions["source"] == "ada-obi"]
    assert set(ada["origin_file"]) == {"participants_81234567890.csv", "attendance.csv",
                                       "Peer Network Slack export Mar 1 2024 - Mar 31 2024.zip",
                                       "2024-March.txt"}
    assert sorted(net.members["member_id"]) == [
        "ada-obi", "benoit-roy", "cy-dee", "guest-zoom-81234567890-20240305t0958-1",
        "priya-nair"]
    assert len(net.events) == 5  # a Zoom meeting, a Teams meeting, 2 channels, 1 list


def test_read_events_then_combine_with_a_roster(folder_net):
    roster = pd.DataFrame({"member_id": ["m1", "m2"], "name": ["Ada Obi", "Ben Roy"],
                           "email": ["ada@orga.org", "ben@orgb.net"], "org": ["A", "B"]})
    net = pn.combine([folder_net], roster=roster)
    sources = net.interactions.groupby("source").size()
    # Ada: Zoom + Teams attendance, 3 Slack rows (message, reaction, reply), 2 list messages
    assert sources["m1"] == 7
    # Ben: Zoom + Teams, Slack reply, message, 2 mentions, reaction, 1 list reply
    assert sources["m2"] == 8
    assert net.members.set_index("member_id").loc["m2", "org"] == "B"


def test_roster_file_in_the_folder_is_used(exports):
    pd.DataFrame({"member_id": ["m1"], "name": ["Ada Obi"], "email": ["ada@orga.org"]}) \
        .to_csv(exports / "people.csv", index=False)
    net = pn.read_events(exports, tz="Europe/Berlin")
    assert "m1" in set(net.interactions["source"])


def test_unreadable_file_is_listed_or_raised(exports):
    bad = exports / "zoom_broken.csv"
    bad.write_text("Name (Original Name),User Email,Join Time\n"
                   "Ada,ada@orga.org,21/03/2024 10:00\nBen,ben@orgb.net,03/22/2024 10:00\n")
    net = pn.read_events(exports, tz="UTC")   # fits neither date order
    notes = net.quality.issues.set_index("value")
    assert notes.loc["zoom_broken.csv", "problem"].startswith("could not be read as Zoom")
    with pytest.raises(pn.DataError, match=r"zoom_broken\.csv, row 2"):
        pn.read_events(exports, tz="UTC", errors="raise")


def test_nothing_to_read(tmp_path):
    (tmp_path / "a.txt").write_text("hello")
    with pytest.raises(pn.DataError, match="no supported export found"):
        pn.read_events(tmp_path, tz="UTC")
