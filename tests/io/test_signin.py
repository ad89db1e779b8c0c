"""pn.read_signin on the workbook of shared/formats.md (g); tests/fixtures/signin/signin.xlsx
is written by make_signin.py there (two sheets, merged titles)."""

from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "signin" / "signin.xlsx"
ORGS = {"ORG B": "Org B", "Org B gGmbH": "Org B"}


@pytest.fixture(scope="module")
def net():
    return pn.read_signin(FIX, tz="Europe/Paris", orgs=ORGS)


def test_every_sheet_and_day_column_is_an_event(net):
    ev = net.events.set_index("event_id")
    assert list(ev.index) == ["signin-signin-spring-convening-20240305",
                              "signin-signin-spring-convening-20240306",
                              "signin-signin-2024-04-09-20240409"]
    # Day 2 = the 'Date:' cell + 1 day, local midnight in Paris
    assert ev["start"].iloc[1] == pd.Timestamp("2024-03-05 23:00", tz="UTC")
    assert ev["title"].iloc[0] == "Peer Network – Spring Convening – Sign-in – Day 1"
    assert (ev["channel"] == "in_person").all()


def test_presence_marks(net):
    att = net.interactions.groupby("event_id")["source"].apply(sorted).to_dict()
    assert att == {
        "signin-signin-spring-convening-20240305": ["ada-obi", "ben-roy"],  # Dan: 'late'
        "signin-signin-spring-convening-20240306": ["ada-obi", "cy-dee", "dan-eze"],
        "signin-signin-2024-04-09-20240409": ["ada-obi", "cy-dee"],  # signed
    }
    unknown = net.quality.repaired
    assert unknown[["row", "column", "value"]].values.tolist() == [[8, "Day 1", "late"]]


def test_counts_per_sheet(net):
    c = net.quality.counts.set_index("source")
    assert c.loc["signin.xlsx, sheet 'Spring Convening'", "rows_read"] == 4  # empty rows skipped
    assert c.loc["signin.xlsx, sheet '2024-04-09'"].tolist() == [4, 3, 0, 1]  # totals row
    assert net.quality.dropped["row"].tolist() == [7]


def test_last_first_names_and_orgs(net):
    m = net.members.set_index("member_id")
    # "Obi, Ada" on sheet 2 is Ada Obi of sheet 1; "  Cy Dee " and "Dee, Cy" are one person
    assert sorted(m.index) == ["ada-obi", "ben-roy", "cy-dee", "dan-eze"]
    assert m.loc["ben-roy", "org"] == "Org B"  # "ORG B" through the alias table
    assert m.loc["ben-roy", "email"] == "ben@orgb.net"  # lower-cased


def test_extra_present_marks():
    net = pn.read_signin(FIX, tz="UTC", present={"late"})
    day1 = net.interactions[net.interactions["event_id"].str.endswith("20240305")]
    assert sorted(day1["source"]) == ["ada-obi", "ben-roy", "dan-eze"]


def test_xls_needs_converting(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(pn.DataError, match=r"old\.xls: old Excel \.xls.*save it as \.xlsx"):
        pn.read_signin(p, tz="UTC")


def test_sheet_without_a_date(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Meeting"
    wb.active.append(["Name", "Signature"])
    wb.active.append(["Ada Obi", "AO"])
    p = tmp_path / "nodate.xlsx"
    wb.save(p)
    with pytest.raises(pn.DataError, match=r"nodate\.xlsx, sheet 'Meeting', row 1, column "
                                           r"'Signature': the sheet has no date"):
        pn.read_signin(p, tz="UTC")
    net = pn.read_signin(p, tz="UTC", date="2024-05-01")
    assert net.interactions["timestamp"].tolist() == [pd.Timestamp("2024-05-01", tz="UTC")]
