"""The issue-16 trial: an evaluator's real year, from raw exports and a roster workbook.

The files are made by ``scripts/make_trial.py`` (its docstring lists who attended what) and
kept in ``tests/fixtures/trial``. Every number below is counted by hand from that list:
40 people in 10 agencies; 6 Zoom calls (the April one written day-first, 23/04/2025), 2
Teams reports, a Slack channel, 2 Google Forms partner surveys about agencies; a phone
dial-in, "Emily's iPad" and a new hire not yet on the roster (Nadia Park).
"""

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import peernet as pn
from peernet.cli import main

TRIAL = Path(__file__).resolve().parents[1] / "fixtures" / "trial"
TZ = "America/New_York"


@pytest.fixture(scope="module")
def trial():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        return pn.read_events(TRIAL, tz=TZ)


def test_the_generator_writes_these_files(tmp_path):
    from importlib import util

    spec = util.spec_from_file_location("make_trial", TRIAL.parents[2] / "scripts" /
                                        "make_trial.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main([str(tmp_path)])
    for p in TRIAL.rglob("*"):
        if p.is_file() and p.suffix != ".xlsx":
            assert (tmp_path / p.relative_to(TRIAL)).read_bytes() == p.read_bytes(), p.name


def test_members_and_guests_counted_apart(trial):
    m = trial.members
    assert len(m) == 43 and int(m["guest"].sum()) == 3
    guests = m[m["guest"]]
    assert sorted(guests["name"]) == ["+1 555 010 2030", "Emily's iPad", "Nadia Park"]
    assert not m.loc[~m["guest"], "unmatched"].fillna(False).any()   # 40 on the roster
    p = pn.participation(trial.period("2025"), freq="YS").iloc[0]
    # 0-38 took part (39 of 40; member 39 did nothing): hand count from make_trial.py
    assert (p["roster_members"], p["members_active"], p["members_new"]) == (40, 39, 29)
    # the 10 members of the 2024 call (0-9) all came back: retention 100%, not 82%
    assert (p["members_returning"], p["retention_rate"]) == (10, 1.0)
    assert p["share_attended"] == 39 / 40            # never above 1: guests are apart
    # attendances of members: 20 + 20 + 20 + 10 + 10 + 10 (Zoom) + 6 + 3 (Teams)
    assert p["attendances"] == 99 and p["events"] == 8    # the 2024 call is not in 2025
    # guests: the phone (Z1), the iPad (Z2), Nadia (Z5 and Z6)
    assert (p["guests_active"], p["guest_attendances"]) == (3, 4)
    assert len(trial.period("2025").members_active()) == 39


def test_guests_listed_in_the_quality_summary(trial):
    summary = trial.quality.summary()
    assert ("identities: added 1 row(s) ('nadia.park@lakesideclinic.org'): not on the roster: "
            "add them or give an alias (kept as a guest, never counted as a member)") in summary
    assert "device name or phone number with no email: counted as an anonymous guest" in summary
    assert "no roster given" not in summary


def test_the_day_first_meeting_is_on_its_real_date(trial):
    ev = trial.events.set_index("event_id")
    start = ev.loc["zoom-81234567803-20250423T0958", "start"]
    assert start == pd.Timestamp("2025-04-23 09:58", tz=TZ)
    summary = trial.quality.summary()
    assert ("2025-04 network call.csv: info 1 row(s) ('23/04/2025 10:00:00'): dates read "
            "day-first (day/month): '23/04/2025 10:00:00' has a day above 12") in summary
    # the month-first files with no day above 12 say they were ambiguous
    assert "2025-02 network call.csv: info 1 row(s) ('02/11/2025 10:00:00 AM'): dates are " \
        "ambiguous" in summary


def test_roster_workbook_read_as_kept(trial):
    m = trial.members.set_index("name")
    assert m.loc["Pablo Ruiz", "language"] == "es; en"          # "Spanish; English"
    assert m.loc["Ada Obi", "language"] == "en"
    assert str(trial.members["joined"].dtype) == "datetime64[ns, UTC]"
    assert m.loc["Ben Roy", "supervisor_id"] == "ada-obi"       # "Reports to: Ada Obi"
    assert m.loc["Ben Roy", "org"] == "Harbor Health"           # "Agency"
    assert m.loc["Ada Obi", "title"] == "Director"              # "Job Title", kept


def test_teams_external_names_matched_by_name(trial):
    t = trial.interactions
    t = t[t["event_id"].astype("str").str.startswith("teams-q3-data")]
    assert sorted(t["source"]) == ["karl-meyer", "lena-holm", "milo-grant"]   # 36 external


def test_slack_bot_and_joins_not_people(trial):
    s = trial.interactions[trial.interactions["event_id"] == "slack-C0GEN"]
    assert sorted(s["kind"].astype("str")) == ["mention", "message", "message", "message",
                                              "reply"]
    assert "calendar" not in set(trial.members["member_id"])


def test_surveys_about_agencies_read_as_organizations(trial):
    s = trial.surveys
    assert set(s["about_level"].astype("str")) == {"org"}
    assert sorted(s["wave"].unique()) == ["2024", "2025"]
    # 3 items x 3 agencies rated by each respondent (their own left out): 3 and 4 respondents
    assert s.groupby("wave").size().to_dict() == {"2024": 27, "2025": 36}
    assert set(s["respondent"]) <= set(trial.members.loc[~trial.members["guest"], "member_id"])
    assert "read as ratings of organizations (about_level='org')" in trial.quality.summary()


def test_same_dtypes_from_combine_load_and_a_reader(trial, tmp_path):
    pn.save(trial, tmp_path / "saved")
    back = pn.load(tmp_path / "saved")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        zoom = pn.read_zoom(TRIAL / "zoom" / "2025-05 network call.csv", tz=TZ)
        roster = pn.read_roster(TRIAL / "roster.xlsx", tz=TZ)
    for table, others in (("members", (back, zoom, roster)), ("interactions", (back, zoom)),
                          ("events", (back, zoom))):
        mine = getattr(trial, table).dtypes.astype("str")
        for other in others:
            theirs = getattr(other, table).dtypes.astype("str")
            common = mine.index.intersection(theirs.index)
            assert mine[common].to_dict() == theirs[common].to_dict(), table
    # the import log survives save and load: a report from the folder shows what was dropped
    assert back.quality.by_problem().equals(trial.quality.by_problem())
    assert "bot or integration message: not a person" in back.quality.summary()


def test_the_documented_recipe_combine_with_a_roster_path_then_evaluate(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        nets = [pn.read_zoom(p, tz=TZ) for p in sorted((TRIAL / "zoom").glob("2025*.csv"))]
        net = pn.combine(nets, roster=TRIAL / "roster.xlsx")
        ev = pn.evaluate(net, periods=["2025Q1", "2025Q2"], bootstrap=0)
    assert str(net.members["joined"].dtype) == "datetime64[ns, UTC]"
    assert "roster.xlsx" in set(net.quality.counts["source"])
    assert list(ev.periods) == ["2025Q1", "2025Q2"]


def test_cli_validate_reads_the_folder_with_its_roster(capsys):
    assert main(["validate", str(TRIAL), "--tz", TZ]) == 0
    out = capsys.readouterr().out
    assert "roster table: used to resolve people" in out


def test_a_survey_not_understood_is_listed_with_the_reason(tmp_path):
    import shutil

    folder = tmp_path / "trial"
    shutil.copytree(TRIAL, folder)
    odd = folder / "surveys" / "Feedback (Responses).csv"
    odd.write_text('"Timestamp","Email Address","Rate the venue [Harbor Health]"\n'
                   '"3/2/2025 10:00:00","emily.stone@northsidehousing.org","5"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        net = pn.read_events(folder, tz=TZ)
    notes = net.quality.issues.set_index("value")
    assert notes.loc["surveys/Feedback (Responses).csv", "problem"].startswith(
        "not read, Feedback (Responses).csv: no survey questions recognised")
    # mapped in the folder's peernet.json, it is read
    (folder / "peernet.json").write_text(json.dumps(
        {"surveys": {"Feedback (Responses).csv": {"items": {"Rate the venue": "venue"},
                                                  "scale": [1, 5]}}}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        net = pn.read_events(folder, tz=TZ)
    venue = net.surveys[net.surveys["item"] == "venue"]
    assert venue[["respondent", "about", "value"]].values.tolist() == [
        ["emily-stone", "Harbor Health", 5.0]]


def test_cli_evaluate_from_raw_exports_to_a_report(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["evaluate", str(TRIAL), "--year", "2025", "--tz", TZ, "--bootstrap", "0",
                 "--out", str(out)])
    assert code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    for name in ("Nadia", "Emily's iPad", "555 010"):     # guests are never named
        assert name not in html
    assert "Report written to" in capsys.readouterr().out
