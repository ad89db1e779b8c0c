"""read_survey: Qualtrics (three header rows), Google Forms grids, long tables, the riverbend
exports, and every response or rating left out with its reason.

Fixtures (tests/fixtures/survey/):
- partner_5orgs_qualtrics.csv: Qualtrics CSV, three header rows, ``Question - Partner`` columns
  naming organizations (PARTNER's org-to-org roster question), a ``Survey Preview`` row, one
  respondent identified by email only (upper-cased), self-ratings, one blank item.
- qualtrics_messy.csv: Qualtrics CSV rating members: preview, empty response, a repeated
  response, self-rating, unknown label, off-scale number, unknown partner, partner name with a
  pronoun suffix, a question not mapped, an unfinished response, a person not on the roster.
- google_forms_grid.csv: Google Forms ``Question [Partner]`` grid, ``Email Address`` column,
  month-first timestamps, numeric and text answers, ``Last, First`` and accented partner names.
- long_ratings.csv: one rating a row; respondents by id or email, partners by id or name.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "survey"
LEARN = "I learned something I use in my work"


@pytest.fixture
def roster(tiny_net):
    return tiny_net.members


def read(path, **kw):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        return pn.read_survey(path, **kw)


def ratings(net):
    s = net.surveys
    return {(r, "" if pd.isna(a) else a, i): v for r, a, i, v in
            zip(s["respondent"], s["about"], s["item"], s["value"], strict=True)}


def issues(net, source):
    q = net.quality.issues
    return q[q["source"] == source].reset_index(drop=True)


# ------------------------------------------------------------------ Qualtrics, org level
def test_partner_qualtrics_org_level_reads_every_rating_except_self_and_preview():
    roster = pd.read_csv(FIX / "partner_roster.csv", dtype=str)
    net = read(FIX / "partner_5orgs_qualtrics.csv", roster=roster, about_level="org")
    s = net.surveys
    # 4 respondents x 4 other organizations x 6 items, minus one blank answer
    assert len(s) == 4 * 4 * 6 - 1
    assert sorted(s["respondent"].unique()) == ["m1", "m2", "m3", "m4"]  # m3 by email only
    assert set(s["about_level"]) == {"org"}
    org = roster.set_index("member_id")["org"]
    assert not (s["respondent"].map(org) == s["about"]).any()  # self-ratings left out
    got = ratings(net)
    assert got[("m1", "Hope Schools", "reliability")] == 3.0
    assert got[("m3", "Parks Department", "openness")] == 1.0
    assert got[("m4", "Valley Clinic", "resources")] == 3.0
    assert ("m4", "Hope Schools", "openness") not in got  # left blank
    assert s["wave"].unique().tolist() == ["2024"]  # from the first answer's year
    # times are read in the zone named in the third header row (America/Chicago, UTC-6)
    first = s.loc[s["respondent"] == "m1", "date"].iloc[0]
    assert first == pd.Timestamp("2024-03-04 16:07:31", tz="UTC")
    assert net.tz == "America/Chicago"
    q = issues(net, "partner_5orgs_qualtrics.csv")
    preview = q[q["problem"].str.contains("preview")]
    assert preview[["row", "column", "value", "action"]].values.tolist() == [
        [4, "Status", "Survey Preview", "dropped"]]
    selfr = q[q["problem"].str.startswith("self-rating")]
    assert len(selfr) == 4 * 6 and set(selfr["row"]) == {5, 6, 7, 8}
    assert (q["value"] == "Your organization").any()  # a question not read is listed
    counts = net.quality.counts.set_index("source").loc["partner_5orgs_qualtrics.csv"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (5, 4, 1)


# ------------------------------------------------------------------ Qualtrics, messy
def test_qualtrics_messy_every_problem_is_a_quality_row(roster):
    net = read(FIX / "qualtrics_messy.csv", roster=roster, items={LEARN: "learning"})
    got = ratings(net)
    assert got == {
        ("ana", "ben", "reliability"): 3.0, ("ana", "dee", "reliability"): 2.0,
        ("ana", "ben", "mission"): 4.0, ("ana", "", "learning"): 4.0,
        # ben's second response replaces the first; "a fair  amount" matches the label
        ("ben", "ana", "reliability"): 4.0, ("ben", "ana", "mission"): 3.0,
        ("ben", "", "learning"): 2.0,
        ("zoe", "ben", "reliability"): 3.0,  # not on the roster: kept as an unmatched member
        ("eve", "ana", "reliability"): 2.0,  # unfinished response kept by default
    }
    s = net.surveys
    assert s.loc[s["item"] == "learning", "about_level"].astype(str).unique().tolist() == [
        "network"]
    q = issues(net, "qualtrics_messy.csv")
    by = {p: g for p, g in q.groupby("problem")}

    def one(prefix):
        hits = [g for p, g in by.items() if p.startswith(prefix)]
        assert len(hits) == 1, prefix
        return hits[0]

    assert one("survey preview")["row"].tolist() == [4]
    assert one("no answers")["row"].tolist() == [7]
    assert one("second response")[["row", "value"]].values.tolist() == [[6, "ben"]]
    assert one("self-rating")[["row", "value"]].values.tolist() == [
        [5, "Q3_1 (Reliability - Ana Ruiz)"]]
    unknown = one("unknown answer label 'Sometimes'")
    assert unknown[["row", "action"]].values.tolist() == [[5, "repaired"]]
    assert "labels={'Sometimes': <number>}" in unknown["problem"].iloc[0]
    assert one("rating outside the scale")[["row", "value"]].values.tolist() == [
        [8, "Q3_3 (Reliability - Cai Lin): 5"]]
    partner = one("partner 'Zed Quinn'")
    assert partner[["row", "column", "value", "action"]].astype(object).where(
        partner[["row", "column", "value", "action"]].notna(), None).values.tolist() == [
        [None, "Q3_5", "Zed Quinn", "dropped"]]
    assert "How often do you work with... - Ana Ruiz" in one("question not read")[
        "value"].tolist()
    assert one("1 unfinished")["column"].tolist() == ["Finished"]
    added = q[q["action"] == "added"]
    assert added[["row", "value"]].values.tolist() == [[9, "zoe@new.org"]]
    zoe = net.members.set_index("member_id").loc["zoe"]
    assert bool(zoe["unmatched"]) and zoe["email"] == "zoe@new.org"


def test_finished_only_drops_unfinished(roster):
    net = read(FIX / "qualtrics_messy.csv", roster=roster, finished_only=True)
    assert "eve" not in set(net.surveys["respondent"])
    q = issues(net, "qualtrics_messy.csv")
    assert q.loc[q["problem"].str.startswith("unfinished"), "row"].tolist() == [10]


def test_pronoun_suffix_partner_matches_through_identities(roster):
    net = read(FIX / "qualtrics_messy.csv", roster=roster)
    assert ratings(net)[("ana", "dee", "reliability")] == 2.0  # "Dee Park (she/her)"


# ------------------------------------------------------------------ Google Forms
def test_google_forms_grid(roster):
    net = read(FIX / "google_forms_grid.csv", roster=roster, wave="2025")
    assert ratings(net) == {
        ("ben", "ana", "reliability"): 4.0, ("ben", "cai", "reliability"): 2.0,
        ("ben", "ana", "openness"): 3.0, ("ben", "cai", "openness"): 1.0,
        ("cai", "ana", "reliability"): 3.0, ("cai", "ben", "reliability"): 2.0,
        ("cai", "ana", "openness"): 4.0, ("cai", "ben", "openness"): 2.0,
    }
    s = net.surveys
    # month-first, no offset: read in tz (UTC by default)
    assert s.loc[s["respondent"] == "cai", "date"].iloc[0] == pd.Timestamp(
        "2025-03-02 14:28:27", tz="UTC")
    q = issues(net, "google_forms_grid.csv")
    na = q[q["problem"].str.startswith("unknown answer label 'N/A'")]
    assert na[["row", "value"]].values.tolist() == [[4, "Reliability [Lin, Cai]: N/A"]]


def test_google_forms_from_xlsx(roster, tmp_path):
    df = pd.read_csv(FIX / "google_forms_grid.csv", dtype=str)
    path = tmp_path / "grid.xlsx"
    df.to_excel(path, index=False)
    a = read(FIX / "google_forms_grid.csv", roster=roster, wave="2025")
    b = read(path, roster=roster, wave="2025")
    assert ratings(a) == ratings(b)


def test_custom_labels_and_items(roster):
    net = read(FIX / "google_forms_grid.csv", roster=roster, wave="2025",
               labels={"A great deal": 5, "A fair amount": 4, "A small amount": 2,
                       "Not at all": 1, "N/A": 3}, scale=(1, 5),
               items={"Open to discussion": "candour"})
    got = ratings(net)
    assert got[("ben", "ana", "reliability")] == 5.0
    assert got[("ben", "ana", "candour")] == 4.0
    assert got[("dee", "cai", "reliability")] == 3.0
    assert set(net.surveys["scale_max"]) == {5.0}


# ------------------------------------------------------------------ long tables
def test_long_table(roster):
    net = read(FIX / "long_ratings.csv", roster=roster, format="long")
    assert ratings(net) == {
        ("ana", "ben", "reliability"): 4.0, ("ana", "ben", "openness"): 3.0,
        ("ana", "cai", "reliability"): 2.0,  # respondent given by email
        ("ben", "", "learning"): 3.0,
        ("cai", "ana", "Shares data"): 4.0,  # an unknown item keeps its name
    }
    q = issues(net, "long_ratings.csv")
    got = {(r, p.split(":")[0][:24], a) for r, p, a in zip(q["row"], q["problem"], q["action"],
                                                          strict=True)}
    assert got == {(5, "unknown answer label 'Of", "dropped"),
                   (6, "self-rating left out (re", "dropped"),
                   (7, "partner not on the roste", "dropped")}
    counts = net.quality.counts.set_index("source").loc["long_ratings.csv"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (8, 5, 3)


def test_long_table_missing_column_names_file_and_hint(tmp_path, roster):
    p = tmp_path / "r.csv"
    p.write_text("rater,about,item,value\nana,ben,reliability,3\n")
    with pytest.raises(pn.DataError, match=r"r\.csv, column 'respondent': required column "
                                           r"'respondent' not found"):
        pn.read_survey(p, roster=roster, format="long")
    net = read(p, roster=roster, format="long", columns={"rater": "respondent"}, wave="2025")
    assert ratings(net) == {("ana", "ben", "reliability"): 3.0}


# ------------------------------------------------------------------ errors
def test_no_questions_recognised_names_file(tmp_path, roster):
    p = tmp_path / "x.csv"
    p.write_text("Timestamp,Email Address,How often [Ana Ruiz]\n3/1/2025 10:00,ben@a.org,Weekly\n")
    with pytest.raises(pn.DataError, match=r"x\.csv: no survey questions recognised; .*"
                                           r"items=\{'<question>': '<item>'\}"):
        pn.read_survey(p, roster=roster)


def test_long_file_read_as_wide_says_so(roster):
    with pytest.raises(pn.DataError, match="pass format='long'"):
        pn.read_survey(FIX / "long_ratings.csv", roster=roster)


def test_errors_raise_lists_every_problem(roster):
    with pytest.raises(pn.DataError, match=r"qualtrics_messy\.csv: \d+ problem\(s\) found") \
            as err:
        pn.read_survey(FIX / "qualtrics_messy.csv", roster=roster, errors="raise")
    problems = {p["problem"].split(" ")[0] for p in err.value.problems}
    assert {"survey", "unknown", "self-rating", "rating", "partner"} <= problems


@pytest.mark.parametrize("kw, msg", [
    (dict(format="csv"), r"format must be 'wide' or 'long'; got 'csv'"),
    (dict(scale=(4, 1)), r"scale must be a pair \(min, max\) with min < max; got \(4, 1\)"),
    (dict(about_level="team"), r"about_level must be 'member', 'org' or None \(decided from "
                               r"the partners\); got 'team'"),
    (dict(errors="ignore"), r"errors must be 'report' or 'raise'; got 'ignore'"),
])
def test_bad_arguments(kw, msg, roster):
    with pytest.raises(ValueError, match=msg):
        pn.read_survey(FIX / "qualtrics_messy.csv", roster=roster, **kw)


def test_missing_file():
    with pytest.raises(pn.DataError, match="file not found"):
        pn.read_survey(FIX / "nope.csv")


def test_without_roster_everyone_is_unmatched():
    net = read(FIX / "google_forms_grid.csv", wave="2025")
    m = net.members.set_index("member_id")
    assert m["unmatched"].astype(bool).all()
    # respondents matched by email, partners by name: ben is one person in both roles
    assert len(net.surveys) == 8


# ------------------------------------------------------------------ riverbend
@pytest.mark.parametrize("wave", ["2023", "2024", "2025"])
def test_riverbend_exports_give_exactly_the_long_table(wave, riverbend):
    folder = pn.datasets.sample_path("riverbend")
    roster = pd.read_csv(folder / "members.csv", dtype=str)
    net = read(folder / "exports" / f"survey_{wave}_qualtrics.csv", roster=roster, wave=wave,
               items={"I learned something I use in my work from this network": "learning"})
    s = net.surveys
    got = pd.DataFrame({
        "respondent": s["respondent"], "about": s["about"].fillna(""), "item": s["item"],
        "value": s["value"].astype(int).astype(str), "wave": s["wave"],
        "date": s["date"].dt.tz_convert(net.tz).dt.strftime("%Y-%m-%d")})
    ref = pd.read_csv(folder / "surveys.csv", dtype=str, keep_default_na=False)
    ref = ref.loc[ref["wave"] == wave, list(got.columns)]
    key = ["respondent", "about", "item"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  ref.sort_values(key).reset_index(drop=True))
    assert net.tz == "America/Los_Angeles"  # from the export's ImportId row
    assert net.quality.dropped.empty
    # the same scores as the canonical folder, non-response included
    full = riverbend.period(wave)
    a = pn.survey_scores(net, level="network", warn=False)
    b = pn.survey_scores(full, level="network", warn=False)
    pd.testing.assert_series_equal(a, b)
    assert 0.6 < a["response_rate"] < 0.8


def test_dataframe_input(roster):
    df = pd.read_csv(FIX / "long_ratings.csv", dtype=str)
    net = read(df, roster=roster, format="long")
    assert len(net.surveys) == 5
    assert np.isfinite(net.surveys["value"]).all()


def test_roster_as_network_or_path(tiny_net, tmp_path):
    path = tmp_path / "members.csv"
    tiny_net.members.drop(columns=["joined"]).to_csv(path, index=False)
    a = read(FIX / "google_forms_grid.csv", roster=tiny_net, wave="2025")
    b = read(FIX / "google_forms_grid.csv", roster=path, wave="2025")
    assert ratings(a) == ratings(b) and len(ratings(a)) == 8


def test_day_first_times_only_with_dayfirst(roster, tmp_path):
    p = tmp_path / "gb.csv"
    p.write_text("Timestamp,Email Address,Reliability [Ben Roy]\n"
                 "13/02/2025 10:00:00,ana@a.org,A great deal\n")
    net = read(p, roster=roster, wave="2025")
    assert net.surveys["date"].isna().all()  # never guessed; reported
    q = issues(net, "gb.csv")
    assert q.loc[q["problem"].str.startswith("cannot read as a date"), "row"].tolist() == [2]
    net = read(p, roster=roster, wave="2025", dayfirst=True)
    assert net.surveys["date"].iloc[0] == pd.Timestamp("2025-02-13 10:00", tz="UTC")
