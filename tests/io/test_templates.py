"""survey_template and signin_template: filled in, they read back through read_survey and
read_signin to exactly what was written into them."""

import numpy as np
import openpyxl
import pandas as pd
import pytest

import peernet as pn
from peernet.io.survey_items import ANSWER_LABELS, ITEM_QUESTIONS


def _fill_survey(path, lang, seed=0):
    """Fill every third rating cell with a random answer label (never one's own block);
    return the ratings written as (respondent, partner column label, item, value)."""
    rng = np.random.default_rng(seed)
    labels = list(ANSWER_LABELS[lang])
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    written = []
    for r in range(2, ws.max_row + 1):
        respondent = ws.cell(row=r, column=1).value
        ws.cell(row=r, column=4).value = "2026-03-02"
        for j in range(5, len(header) + 1):
            cell = ws.cell(row=r, column=j)
            if cell.fill.fgColor.rgb in ("00DDDDDD", "FFDDDDDD"):  # own block: greyed
                continue
            if rng.random() < 1 / 3:
                k = int(rng.integers(0, 4))
                cell.value = labels[k]
                q, partner = header[j - 1][:-1].split(" [")
                written.append((respondent, partner, q, float(k + 1)))
    wb.save(path)
    return pd.DataFrame(written, columns=["respondent", "partner", "question", "value"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_filled_survey_reads_back_to_the_same_ratings(tmp_path, tiny_net, lang):
    path = pn.survey_template(tiny_net, tmp_path / "s.xlsx", lang=lang)
    written = _fill_survey(path, lang)
    assert len(written) > 20
    net = pn.read_survey(path, roster=tiny_net.members, wave="2026")
    got = net.surveys
    # partners are named as on the roster: map the names back to ids
    by_name = dict(zip(tiny_net.members["name"], tiny_net.members["member_id"], strict=True))
    items = {q: item for item, q in ITEM_QUESTIONS[lang].items()}
    want = pd.DataFrame({"respondent": written["respondent"],
                         "about": written["partner"].map(by_name),
                         "item": written["question"].map(items),
                         "value": written["value"]})
    key = ["respondent", "about", "item"]
    a = got[key + ["value"]].astype({"value": float}).sort_values(key, ignore_index=True)
    b = want.sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))
    assert set(got["wave"]) == {"2026"}
    # nothing dropped or repaired: no self-rating, no unknown label, no unread question
    issues = net.quality.issues
    assert not issues["action"].isin(["dropped", "repaired"]).any(), issues


def test_survey_csv_about_orgs_round_trips(tmp_path, riverbend):
    path = pn.survey_template(riverbend, tmp_path / "s.csv", about="org",
                              items=["reliability", "resources"])
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    orgs = sorted(riverbend.members.loc[~riverbend.members["unmatched"].astype(bool),
                                        "org"].dropna().unique())
    assert len(t) == int((~riverbend.members["unmatched"].astype(bool)).sum())
    assert t.columns[4:].tolist() == [f"{q} [{o}]" for o in orgs
                                      for q in ("Reliability", "Resource contribution")]
    # two respondents rate two organizations each (not their own)
    roster = riverbend.members.set_index("member_id")
    rows = []
    for i, org in ((0, orgs[3]), (1, orgs[7])):
        if roster.loc[t.loc[i, "member_id"], "org"] == org:
            org = orgs[8]
        t.loc[i, f"Reliability [{org}]"] = "A great deal"
        t.loc[i, f"Resource contribution [{org}]"] = "2"
        rows += [(t.loc[i, "member_id"], org, "reliability", 4.0),
                 (t.loc[i, "member_id"], org, "resources", 2.0)]
    t["date"] = "2026-03-01"
    t.to_csv(path, index=False)
    net = pn.read_survey(path, roster=riverbend.members, about_level="org")
    got = sorted(net.surveys[["respondent", "about", "item", "value"]]
                 .itertuples(index=False, name=None))
    assert got == sorted(rows)
    assert set(net.surveys["wave"]) == {"2026"}


def test_survey_partners_named_by_id_when_names_repeat(tmp_path, tiny_net):
    members = tiny_net.members.copy()
    members.loc[members["member_id"] == "ben", "name"] = "Ana Ruiz"  # two Ana Ruiz
    t = pd.read_csv(pn.survey_template(members, tmp_path / "s.csv", items=["mission"]))
    assert t.columns[4:].tolist() == ["Support of mission [ana]", "Support of mission [ben]",
                                      "Support of mission [Cai Lin]",
                                      "Support of mission [Dee Park]",
                                      "Support of mission [Eve Stone]"]


def test_survey_template_arguments(tmp_path, tiny_net):
    with pytest.raises(ValueError, match=r"lang must be one of \['en', 'es'\]; got 'fr'"):
        pn.survey_template(tiny_net, tmp_path / "s.csv", lang="fr")
    with pytest.raises(ValueError, match=r"unknown PARTNER item\(s\) \['trust'\]"):
        pn.survey_template(tiny_net, tmp_path / "s.csv", items=["trust"])
    with pytest.raises(ValueError, match="format must be 'xlsx' or 'csv'"):
        pn.survey_template(tiny_net, tmp_path / "s.pdf")
    with pytest.raises(ValueError, match="about must be 'member' or 'org'; got 'team'"):
        pn.survey_template(tiny_net, tmp_path / "s.csv", about="team")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_signin_template_reads_back(tmp_path, tiny_net, lang):
    path = pn.signin_template(tiny_net, tmp_path / "signin.xlsx",
                              dates=["2026-02-05", "2026-03-05"], lang=lang)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["2026-02-05", "2026-03-05"]
    signed = {"2026-02-05": {"Ana Ruiz", "Cai Lin"}, "2026-03-05": {"Ben Roy", "Dee Park",
                                                                    "Eve Stone"}}
    for ws in wb.worksheets:
        for r in range(5, ws.max_row + 1):
            if ws.cell(row=r, column=1).value in signed[ws.title]:
                ws.cell(row=r, column=4).value = "AR" if lang == "en" else "firma"
    wb.save(path)
    ids = dict(zip(tiny_net.members["name"], tiny_net.members["member_id"], strict=True))
    net = pn.read_signin(path, tz="UTC", identities=pn.Identities.from_roster(tiny_net.members))
    att = net.interactions.merge(net.events[["event_id", "start"]], on="event_id")
    got = {(str(s.date()), m) for s, m in zip(att["start"], att["source"], strict=True)}
    want = {(d, ids[n]) for d, names in signed.items() for n in names}
    assert got == want
    members = net.members.set_index("member_id")
    assert members.loc["cai", "org"] == "B"


def test_signin_template_without_dates_needs_the_date(tmp_path, tiny_net):
    path = pn.signin_template(tiny_net, tmp_path / "signin.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws["A2"].value == "Date:" and ws["B2"].value is None
    ws["D5"] = "x"
    wb.save(path)
    net = pn.read_signin(path, tz="UTC", date="2026-04-01",
                         identities=pn.Identities.from_roster(tiny_net.members))
    assert net.interactions["source"].tolist() == ["ana"]
    with pytest.raises(ValueError, match="use a path ending in .xlsx"):
        pn.signin_template(tiny_net, tmp_path / "signin.csv")
