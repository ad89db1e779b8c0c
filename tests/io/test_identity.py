"""Identities: one person, many names; pn.combine(roster=, identities=)."""

from pathlib import Path

import pandas as pd
import pytest

import peernet as pn
from peernet.io.identity import (
    Identities,
    display_names,
    is_unidentifiable,
    normalize_emails,
    normalize_names,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures"
ROSTER = pd.DataFrame({
    "member_id": ["m1", "m2", "m3", "m4"],
    "name": ["Ada Obi", "Benoît Roy", "Cy Dee", "Cy Dee"],
    "email": ["ada@orga.org", "ben@orgb.net", "cy@orgc.org", "cy.dee@other.org"],
    "org": ["Org A", "Org B", "Org C", "Org D"],
})


def test_normalize_names():
    got = normalize_names(["Obi, Ada", "  ADA   OBI (External)", "Ada Obi (she/her)",
                           "Benoît Roy", "benoit-roy", "Dr. Cy Dee", "O'Brien, Seán", None])
    assert got.tolist()[:7] == ["ada obi", "ada obi", "ada obi", "benoit roy", "benoit roy",
                                "cy dee", "sean obrien"]
    assert pd.isna(got.iloc[7])
    assert display_names(["Roy, Ben (Guest)"]).tolist() == ["Ben Roy"]
    assert normalize_emails(["mailto:Ada@OrgA.org", "ada at orga.org"]).tolist()[0] == \
        "ada@orga.org"
    assert is_unidentifiable(["iPhone", "Galaxy S21", "Call-in User_1", "+1 (555) 010-2030",
                              "Ada Obi", "Pixel Smith"]).tolist() == [True, True, True, True,
                                                                      False, True]


def test_resolve_match_order_and_ambiguity():
    ids = Identities.from_roster(ROSTER)
    got, quality = ids.resolve(pd.Series(["Obi, Ada", "BEN@orgb.net", "Cy Dee", "Eve Stone"],
                                         index=[10, 11, 12, 13]), rows=[2, 3, 4, 5])
    assert got.index.tolist() == [10, 11, 12, 13]
    assert got[[10, 11]].tolist() == ["m1", "m2"]
    # two roster members are called Cy Dee: reported with the candidates, never merged
    assert got[12] not in ("m3", "m4")
    assert got[13] == "eve-stone"
    problems = quality.issues[["row", "problem"]].values.tolist()
    assert [4, "name matches several members (m3, m4); not merged"] in problems
    assert [5, "not on the roster: add them or give an alias (kept as a guest, never counted "
            "as a member)"] in problems


def test_platform_id_and_alias_table_round_trip(tmp_path):
    roster = ROSTER.assign(aliases=["slack:U01ADA", None, None, None])
    ids = Identities.from_roster(roster)
    got, _q = ids.resolve(["U01ADA"], platform="slack")
    assert got.tolist() == ["m1"]
    path = ids.save(tmp_path / "aliases.csv")
    table = pd.read_csv(path)
    assert list(table.columns) == ["member_id", "kind", "alias", "name", "unmatched", "origin"]
    assert len(table) == 9  # 4 emails, 4 names, 1 slack id
    again = Identities.read(path)
    assert again.resolve(["U01ADA"], platform="slack")[0].tolist() == ["m1"]


def test_same_name_different_email_stays_apart():
    people = pd.DataFrame({"email": ["ben@orgb.net", "ben.roy@elsewhere.org", None],
                           "name": ["Ben Roy", "Ben Roy", "Ben Roy"]})
    res = Identities().assign(people, source="zoom.csv", rows=[2, 3, 4])
    assert res.member_id.tolist()[:2] == ["ben-roy", "ben-roy-2"]
    assert res.member_id.iloc[2] not in ("ben-roy", "ben-roy-2")
    assert res.matched_by.tolist() == ["new", "new", "ambiguous"]


def test_one_person_across_zoom_slack_and_signin():
    """Ada is an email in Zoom, U01ADA in Slack and 'Obi, Ada' on a sign-in sheet."""
    zoom = pn.read_zoom(FIX / "zoom" / "meeting_details.csv", tz="Europe/Paris")
    slack = pn.read_slack(FIX / "slack" / "export", tz="Europe/Paris")
    signin = pn.read_signin(FIX / "signin" / "signin.xlsx", tz="Europe/Paris")
    net = pn.combine([zoom, slack, signin])
    ada = net.interactions[net.interactions["source"] == "ada-obi"]
    assert set(ada["origin_file"]) == {"meeting_details.csv", "export", "signin.xlsx"}
    assert sorted(ada["kind"].astype("str").unique()) == ["attend", "message", "reaction",
                                                          "reply"]
    m = net.members.set_index("member_id")
    assert (m["name"] == "Ada Obi").sum() == 1
    assert "slack:U01ADA" in m.loc["ada-obi", "aliases"]
    # with a roster, the same three records land on the roster id
    with_roster = pn.combine([zoom, slack, signin], roster=ROSTER)
    srcs = with_roster.interactions.groupby("source")["origin_file"].agg(set)
    assert srcs["m1"] == {"meeting_details.csv", "export", "signin.xlsx"}
    assert not bool(with_roster.members.set_index("member_id").loc["m1", "unmatched"])
    # Cy Dee is two roster members: Slack's Cy Dee has no email, so stays apart
    assert "m3" not in srcs.index and "m4" not in srcs.index


def test_two_people_with_one_display_name_are_not_merged(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
                 "Ben Roy,ben@orgb.net,03/05/2024 10:00 AM,03/05/2024 11:00 AM,60\n"
                 "Ben Roy,broy@cityhall.gov,03/05/2024 10:00 AM,03/05/2024 10:30 AM,30\n")
    net = pn.read_zoom(a, tz="UTC")
    assert sorted(net.interactions["source"]) == ["ben-roy", "ben-roy-2"]
    both = pn.combine([net, pn.read_mbox(FIX / "mbox" / "housing-peers.mbox")])
    # Benoît Roy of the list has ben@orgb.net: he is ben-roy, not the city-hall Ben Roy
    mail = both.interactions[both.interactions["origin_file"] == "housing-peers.mbox"]
    assert "ben-roy" in set(mail["source"])
    assert "ben-roy-2" not in set(mail["source"])


def test_combine_writes_the_alias_table_and_honours_fixes(tmp_path):
    zoom = pn.read_zoom(FIX / "zoom" / "meeting_plain.csv", tz="UTC")
    path = tmp_path / "aliases.csv"
    net = pn.combine([zoom], roster=ROSTER, identities=path)
    table = pd.read_csv(path)
    assert set(table.loc[table["alias"] == "priya@orgd.org", "member_id"]) == {"priya"}
    assert "priya" in set(net.interactions["source"])
    # the evaluator says priya@orgd.org is Ada's second address and reruns
    table.loc[table["alias"] == "priya@orgd.org", "member_id"] = "m1"
    table.to_csv(path, index=False)
    net = pn.combine([zoom], roster=ROSTER, identities=path)
    assert "priya" not in set(net.interactions["source"])
    # Ada and "priya" were in the same meeting: one presence, with both sessions
    ada = net.interactions[net.interactions["source"] == "m1"]
    assert ada["sessions"].tolist() == [2] and ada["duration_min"].tolist() == [105.0]


def test_plain_combine_keeps_roster_ids(tiny_net):
    both = pn.combine([tiny_net, tiny_net.period("2025")])
    assert sorted(both.members["member_id"]) == ["ana", "ben", "cai", "dee", "eve"]
    assert len(both.interactions) == 2 * len(tiny_net.interactions)


def test_combine_zones(tiny_net):
    other = tiny_net.replace(tz="Europe/Paris")
    with pytest.raises(ValueError, match="different time zones"):
        pn.combine([tiny_net, other])
    assert pn.combine([tiny_net, other], tz="Europe/Paris").tz == "Europe/Paris"


def test_an_alias_table_fix_wins_over_the_roster(tmp_path):
    ids = Identities.from_roster(ROSTER)
    assert ids.resolve(["Cy Dee"])[0].iloc[0] not in ("m3", "m4")  # ambiguous
    table = ids.to_frame()
    table = table[~((table["alias"] == "cy dee") & (table["member_id"] == "m4"))]
    table.to_csv(tmp_path / "aliases.csv", index=False)
    fixed = Identities.from_roster(ROSTER, aliases=tmp_path / "aliases.csv")
    assert fixed.resolve(["Cy Dee"])[0].tolist() == ["m3"]


def test_identities_is_exported_from_io():
    assert pn.io.Identities is Identities


def test_exports_join_a_canonical_network(tmp_path, riverbend):
    p = tmp_path / "zoom.csv"
    p.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
                 "Grace M.,Grace.Miller@sofs.state.gov,03/05/2025 10:00 AM,"
                 "03/05/2025 11:00 AM,60\n"
                 "\"Miller, Grace\",,03/05/2025 11:30 AM,03/05/2025 11:40 AM,10\n")
    zoom = pn.read_zoom(p, tz="America/Los_Angeles")
    both = pn.combine([riverbend, zoom])
    assert len(both.members) == len(riverbend.members)
    added = both.interactions[both.interactions["origin_file"] == "zoom.csv"]
    # by email, then "Miller, Grace" by name: one person, two sessions
    assert added["source"].tolist() == ["m001"]
    assert added["sessions"].tolist() == [2] and added["duration_min"].tolist() == [70.0]
    assert len(both.surveys) == len(riverbend.surveys)


def test_remap_rewrites_every_member_reference():
    from peernet.io.combine import _remap

    changed = pd.Series({"x1": "m1", "x2": "m2"})
    surveys = pd.DataFrame({"respondent": ["x1", "m3"], "about": ["x2", "x2"],
                            "about_level": ["member", "org"]})
    out = _remap(surveys, "surveys", changed)
    assert out[["respondent", "about"]].values.tolist() == [["m1", "m2"], ["m3", "x2"]]
    problems = pd.DataFrame({"raised_by": ["x1"], "helpers": ["x2; m3"]})
    out = _remap(problems, "problems", changed)
    assert out.iloc[0].tolist() == ["m1", "m2; m3"]


def test_match_order_is_reported():
    ids = Identities.from_roster(ROSTER.assign(aliases=["slack:U01ADA", None, None, None]))
    people = pd.DataFrame({"email": ["ADA@orga.org", None, None, None, "zed@x.org"],
                           "platform_id": [None, "U01ADA", None, None, None],
                           "name": ["Ada", None, "Roy, Benoit", "Cy Dee", "Zed"]})
    res = ids.assign(people, platform="slack", source="s", rows=[2, 3, 4, 5, 6])
    assert res.matched_by.tolist() == ["email", "platform", "name", "ambiguous", "new"]
    assert res.member_id.tolist()[:3] == ["m1", "m1", "m2"]
    added = res.quality.issues[res.quality.issues["action"] == "added"]
    assert added["row"].tolist() == [5, 6]
