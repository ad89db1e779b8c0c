"""Organization report cards (organizations.html, issue 19): values computed by hand from
riverbend's tables, the small-group rule (no card under the suppression size, grouped),
links from the report, no person named, Spanish cards without English."""

from __future__ import annotations

import html as H
import itertools
import re

import pandas as pd
import pytest

import peernet as pn
from peernet.privacy import EMAIL_PATTERN

pytestmark = pytest.mark.slow

TZ = "America/Los_Angeles"          # data/samples/riverbend/peernet.json
CCPH, SOFS = "Capital County Public Health", "State Office of Family Services"


def _visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", html)
    return re.sub(r"\s+", " ", H.unescape(re.sub(r"<[^>]+>", " ", html)))


def _card(page: str, org: str) -> str:
    anchor = 'id="org-' + re.sub(r"[^a-z0-9]+", "-", org.lower()).strip("-") + '"'
    start = page.index(anchor)
    return _visible(page[start:page.index("</section>", start)])


def _year(net: pn.PeerNetwork, year: int) -> pd.DataFrame:
    i = net.interactions
    return i[i["timestamp"].dt.tz_convert(TZ).dt.year == year]


def _on_roster(net: pn.PeerNetwork, year: int) -> pd.DataFrame:
    """Roster members during the year: joined before its end, not left before its start."""
    m = net.members.drop_duplicates("member_id")
    start = pd.Timestamp(f"{year}-01-01", tz=TZ)
    end = pd.Timestamp(f"{year + 1}-01-01", tz=TZ)
    return m[(m["joined"].isna() | (m["joined"] < end))
             & (m["left"].isna() | (m["left"] >= start))]


def _by_hand(net: pn.PeerNetwork, year: int) -> dict:
    """Active members and meetings of CCPH, its ties with SOFS (all, direct), by hand."""
    y = _year(net, year)
    org = net.members.drop_duplicates("member_id").set_index("member_id")["org"]
    roster = _on_roster(net, year)
    ccph = set(roster.loc[roster["org"] == CCPH, "member_id"])
    acted = set(y["source"]) | set(y.loc[y["kind"] == "contact", "target"].dropna())
    d = y[(y["kind"] != "attend") & y["target"].notna() & (y["source"] != y["target"])]
    direct = {frozenset(p) for p in zip(d["source"], d["target"], strict=True)}
    att = y[y["kind"] == "attend"].dropna(subset=["event_id"]).drop_duplicates(
        ["source", "event_id"])
    size = att.groupby("event_id")["source"].nunique()
    co = set()
    for _e, g in att[att["event_id"].isin(size[size <= 30].index)].groupby("event_id"):
        co |= {frozenset(p) for p in itertools.combinations(sorted(g["source"]), 2)}

    def between(pairs):
        return sum(1 for p in pairs if {org.get(x) for x in p} == {CCPH, SOFS})

    mine = att[att["source"].isin(ccph)]
    return {"roster": len(ccph), "active": len(ccph & acted),
            "meetings": mine["event_id"].nunique(), "attendances": len(mine),
            "ties": between(direct | co), "direct": between(direct)}


def test_card_values_equal_hand_counts(shared_report, riverbend):
    page = (shared_report / "organizations.html").read_text(encoding="utf-8")
    card = _card(page, CCPH)
    a, b = _by_hand(riverbend, 2024), _by_hand(riverbend, 2025)
    assert (b["roster"], b["active"], b["ties"], b["direct"]) == (9, 9, 58, 6)
    assert f"Members on the roster {a['roster']} {b['roster']} -1" in card
    assert f"Active members {a['active']} {b['active']} -1" in card
    assert (f"Meetings its members attended {a['meetings']} {b['meetings']} "
            f"+{b['meetings'] - a['meetings']}") in card
    assert f"Attendances of its members (member and meeting) {a['attendances']} " \
           f"{b['attendances']}" in card
    assert f"{SOFS} {b['ties']} {b['direct']}" in card
    # trust and value received: the survey section's pn.survey_scores(level="org")
    s = pn.survey_scores(riverbend.period("2025"), wave="2025", level="org",
                         warn=False).set_index("org").loc[CCPH]
    assert f"Trust {s['trust']:.2f} and value {s['value']:.2f}" in card
    assert f"from {int(s['n_raters'])} members of other organizations" in card
    # where it stands out, from the numbers of the cards
    pine = _card(page, "Pine Ridge Elementary District")
    assert "Lowest participation: 7.3 interactions per active member." in pine  # 44 / 6


def test_small_organizations_have_no_card_and_are_grouped(shared_report, riverbend):
    page = (shared_report / "organizations.html").read_text(encoding="utf-8")
    counts = [_on_roster(riverbend, y)["org"].value_counts() for y in (2024, 2025)]
    orgs = set(riverbend.members["org"].dropna())
    small = {o for o in orgs if min(c.get(o, 0) for c in counts) < 5}
    large = orgs - small
    assert len(small) == 15 and "Mountain Family Resource Center" in small
    for o in small:                  # not named anywhere on the page, no card
        assert o not in page, o
    cards = [H.unescape(n) for n in re.findall(r'<section class="org-card"[^>]*>\s*<h2>([^<]+)',
                                               page)]
    assert sorted(cards) == sorted(large) and len(cards) == 10
    text = _visible(page)
    assert "Other organizations (15): no card, to protect the people in them" in text
    # the ties with them are shown together, on the cards too
    assert "other organizations (15) " in _card(page, CCPH)
    # one card per printed page
    assert ".org-card { break-before: page;" in page[page.index("@media print"):]


def test_cards_are_linked_from_the_report(shared_report):
    for name in ("index.html", "appendix.html"):
        assert 'href="organizations.html"' in (shared_report / name).read_text(
            encoding="utf-8"), name
    page = (shared_report / "organizations.html").read_text(encoding="utf-8")
    for anchor in re.findall(r'<section class="org-card" id="([^"]+)"', page):
        assert f'href="#{anchor}"' in page
    assert "organizations.html" in (shared_report / "report.json").read_text(encoding="utf-8")


def test_cards_name_nobody(shared_report, riverbend):
    page = (shared_report / "organizations.html").read_text(encoding="utf-8")
    assert not EMAIL_PATTERN.search(page)
    m = riverbend.members
    for full in m["name"].dropna():
        assert full not in page, full
    for mid in m["member_id"]:
        assert not re.search(rf"\b{re.escape(mid)}\b", page), mid
    for col in ("expertise", "needs"):       # free text of the roster (lists of words)
        for v in m[col].dropna().unique():
            assert ";" not in str(v) or str(v) not in _visible(page), v
    assert not re.search(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", _visible(page))  # no keys


def test_spanish_cards_have_no_english(es_report, riverbend):
    from tests.report.test_report_es import _data_words, english_left

    out, missing = es_report
    page = (out / "organizations.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "otras organizaciones (15)" in page
    assert english_left(page, _data_words(riverbend)) == []
    assert not {m for m in missing if m in page}


def test_a_card_lists_its_strongest_partners_and_the_rest_in_one_row(evaluation, monkeypatch):
    """At 2,500 organizations every card listing every partner made a 191 MB page: a card
    lists PARTNER_ROWS partners, strongest first, and sums the others in one row."""
    from peernet.report import cards

    full = {c["name"]: c["partners"] for c in cards.org_cards(evaluation)["cards"]}
    monkeypatch.setattr(cards, "PARTNER_ROWS", 2)
    capped = {c["name"]: c["partners"] for c in cards.org_cards(evaluation)["cards"]}

    def count(text):
        return int(str(text).replace(",", ""))

    long = [name for name, rows in full.items() if len(rows) > 3]
    assert long
    for name in long:
        rows, cut = full[name], capped[name]
        assert cut[:2] == rows[:2] and len(cut) == 3
        assert cut[2]["org"] == f"{len(rows) - 2} more organizations" and cut[2]["slug"] == ""
        assert count(cut[2]["ties"]) == sum(count(r["ties"]) for r in rows[2:])
        assert count(cut[2]["direct"]) == sum(count(r["direct"]) for r in rows[2:])
    assert all(full[n] == capped[n] for n in full if len(full[n]) <= 2)


def _attendance_by_a_join(s):
    """The cards' attendance per organization as a merge and group-by of the rows as text
    (what the integer-code count replaced)."""
    inter = s.interactions
    att = inter.loc[inter["kind"] == "attend", ["source", "event_id"]]
    att = att.dropna().astype("str").drop_duplicates()
    m = s.members
    m = m.loc[m["member_id"].isin(s.members_current()) & m["org"].notna(),
              ["member_id", "org"]].astype({"member_id": "str", "org": "object"})
    both = att.merge(m.drop_duplicates(), left_on="source", right_on="member_id")
    by = both.groupby("org")
    return {o: (int(e), int(r)) for o, e, r in
            zip(by.size().index, by["event_id"].nunique(), by.size(), strict=True)}


@pytest.mark.parametrize("seed", range(6))
def test_card_attendance_counts_equal_a_join_of_the_rows(seed):
    """Meetings and attendances per organization (cards._attendance, integer codes) equal a
    join of the attendance rows with the roster: repeated attendances counted once, guests
    and members without an organization left out, a member listed under two organizations
    counted for both."""
    import numpy as np

    from peernet.report.cards import _attendance

    rng = np.random.default_rng(seed)
    ids = [f"m{i}" for i in range(30)]
    roster = pd.DataFrame({"member_id": ids + ["m0", "m1"],
                           "org": [rng.choice(["A", "B", "C", None]) for _ in ids]
                           + ["B", "A"]})
    n = 400
    who = rng.choice(ids + ["guest1", "guest2", None], n)
    net = pn.PeerNetwork(members=roster, interactions=pd.DataFrame({
        "timestamp": pd.Timestamp("2025-03-01", tz="UTC")
        + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "source": pd.array(who, dtype="str"),
        "kind": rng.choice(["attend", "attend", "message"], n),
        "target": pd.array([None] * n, dtype="str"),
        "event_id": pd.array(rng.choice([f"e{i}" for i in range(12)] + [None], n),
                             dtype="str")}))
    expected = _attendance_by_a_join(net)
    assert expected and _attendance(net) == expected
    # ids held as Python objects, not Arrow text: the same counts
    inter = net.interactions.astype({"source": object, "event_id": object})
    assert _attendance(net.replace(interactions=inter)) == expected
