"""pn.read_roster: rosters as evaluators keep them (title rows, synonyms, lists, NA)."""

import datetime as dt

import pandas as pd
import pytest

import peernet as pn

ROSTER = ("Riverside Peer Network - Staff list 2025,,,,,,,,\n"
          ",,,,,,,,\n"
          "First Name,Last Name,Agency,Email Address,Preferred Language(s),Date Joined,"
          "Reports to,Emial,Phone\n"
          "Ada,Obi,Org A,ada@orga.org,Spanish; English,3/15/2021,,x,555\n"
          "Ben,Roy,Org B,ben@orgb.net,English,4/2/2022,Ada Obi,null,\n"
          "Cy,Dee,NA,cy@orgc.org,-,,ben@orgb.net,,\n")


@pytest.fixture
def roster_csv(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(ROSTER)
    return p


def test_title_rows_synonyms_names_lists_and_missing_values(roster_csv):
    net = pn.read_roster(roster_csv)
    m = net.members
    assert m["member_id"].tolist() == ["ada-obi", "ben-roy", "cy-dee"]
    assert m["name"].tolist() == ["Ada Obi", "Ben Roy", "Cy Dee"]
    assert m["org"].tolist()[:2] == ["Org A", "Org B"] and pd.isna(m["org"].iloc[2])  # NA
    assert m["language"].tolist()[:2] == ["es; en", "en"] and pd.isna(m["language"].iloc[2])
    assert str(m["joined"].dtype) == "datetime64[ns, UTC]"
    assert m["joined"].iloc[0] == pd.Timestamp("2021-03-15", tz="UTC")
    # supervisors given by name and by email become ids
    assert m["supervisor_id"].tolist()[1:] == ["ada-obi", "ben-roy"]
    assert list(m.columns[-2:]) == ["Emial", "Phone"]            # unknown columns kept
    problems = set(net.quality.issues["problem"])
    assert "column 'Agency' read as 'org'" in problems
    assert "column 'Preferred Language(s)' read as 'language'" in problems
    assert "column 'Reports to' read as 'supervisor_id'" in problems
    assert ("column 'Emial' not recognised; kept as it is. Did you mean 'email'? Rename the "
            "column or pass columns={'Emial': 'email'}") in problems
    assert "header found on row 3; the 2 row(s) above it (title, blank) were skipped" in problems
    assert "dates read month-first (month/day): '3/15/2021' has a day above 12" in problems


def test_na_values_can_be_changed(roster_csv):
    net = pn.read_roster(roster_csv, na_values=[""])
    assert net.members["org"].iloc[2] == "NA"


def test_columns_override_the_synonyms(roster_csv):
    net = pn.read_roster(roster_csv, columns={"Emial": "email2", "Phone": None})
    assert "email2" in net.members.columns and "Phone" not in net.members.columns


def test_an_xlsx_roster_with_a_title_and_real_dates(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Network roster (confidential)"])
    ws.append([])
    ws.append(["Member ID", "Full Name", "Organisation", "Date Joined", "Can help with",
               "Wants help with", "Job Title"])
    ws.append([1, "Ada Obi", "Org A", dt.datetime(2023, 1, 5), "housing, data", None,
               "Director"])
    ws.append([2, "Ben Roy", "Org B", dt.datetime(2024, 11, 30), None, "funding", "N/A"])
    p = tmp_path / "roster.xlsx"
    wb.save(p)
    m = pn.read_roster(p).members
    assert m["member_id"].tolist() == ["1", "2"]
    assert m["joined"].tolist() == [pd.Timestamp("2023-01-05", tz="UTC"),
                                    pd.Timestamp("2024-11-30", tz="UTC")]
    assert m["expertise"].iloc[0] == "housing; data" and m["needs"].iloc[1] == "funding"
    assert m["title"].iloc[0] == "Director" and pd.isna(m["title"].iloc[1])


def test_a_roster_without_a_header_row_says_what_it_needs(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(pn.DataError, match=r"r\.csv: no header row found in the first 30 rows"):
        pn.read_roster(p)


@pytest.mark.parametrize("dtype", ["str", object])
def test_na_tokens_read_by_arrow_as_python_reads_them(dtype):
    """missing_values' cells: printable-ASCII text read by Arrow (trimmed of spaces,
    lowercased as ASCII), anything else by Python's own strip().lower(): the same cells as
    Python's on every cell, whitespace Python trims and Arrow does not included."""
    import random

    from peernet.io.roster import NA_VALUES, _token_hits

    tokens = {str(v).strip().lower() for v in NA_VALUES}
    rng = random.Random(0)
    alphabet = ["N", "a", "A", "/", "#", "n", "u", "l", "L", "o", "e", "E", "-", "\u2014",
                " ", "\t", "\n", "\x1c", "\x7f", "\u00a0", "\u2003", "\u0130", "x", "\u00e9"]
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
              for _ in range(20_000)]
    values += [*NA_VALUES, " NA ", "n/A\t", "\u00a0NULL", "NONE\x1c", None, "Org A"]
    s = pd.Series(values, dtype=dtype)
    text = s.astype("object").where(s.notna(), None)
    expect = text.map(lambda v: v.strip().lower() if isinstance(v, str) else None
                      ).isin(tokens) & text.notna()
    got = _token_hits(s, tokens)
    assert got.index.equals(s.index) and got.tolist() == expect.tolist()
    assert 1000 < int(got.sum()) < len(s)
