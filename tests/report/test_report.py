"""pn.report: the annual report folder, its figures, escaping, privacy and atomic writing."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import peernet as pn

pytestmark = pytest.mark.slow  # each report draws six figures (maps: a few seconds)

FIGURES = ("grid", "maps", "maps_coattendance", "groups_map", "org_map", "participation",
           "trend", "roles", "survey")
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ORG = "=HYPERLINK(\"http://evil.example\",\"click\")"


# ``evaluation`` and ``shared_report`` (riverbend 2024-2025) are in conftest.py


@pytest.fixture(scope="module")
def named_report(evaluation, tmp_path_factory):
    """A report made with names, where the most central member of 2025 is called
    HOSTILE and one organization is named like a spreadsheet formula."""
    mm = evaluation.members[evaluation.members["period"] == "2025"]
    top = mm.sort_values("betweenness", ascending=False)["member_id"].iloc[0]
    org = evaluation.net.members.loc[evaluation.net.members["member_id"] == top, "org"].iloc[0]
    members = evaluation.net.members.copy()
    members.loc[members["member_id"] == top, "name"] = HOSTILE
    members["org"] = members["org"].replace({org: HOSTILE_ORG})
    # the report reads names and organizations from the roster of the evaluated network
    ev = dataclasses.replace(evaluation, net=evaluation.net.replace(members=members))
    out = pn.report(ev, tmp_path_factory.mktemp("named") / "report", pseudonymize=False,
                    formats=("png",))
    return out, top


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start:html.index("</section>", start)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _pages(folder: Path) -> str:
    """The first page and the appendix, one after the other."""
    return "".join((folder / p).read_text(encoding="utf-8")
                   for p in ("index.html", "appendix.html"))


# ---------------------------------------------------------------------- contents
def test_every_figure_present(shared_report):
    figures = shared_report / "figures"
    for name in FIGURES:
        png = figures / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert png.stat().st_size > 5_000, name
    assert not list(figures.glob("*.svg"))   # PNG only by default (issue 23)
    html = _pages(shared_report)
    assert 'figures/grid.svg' not in html
    sources = set(re.findall(r'<img src="([^"]+)"', html))
    assert sorted(sources) == sorted(f"figures/{n}.png" for n in FIGURES)
    for href in re.findall(r'href="((?:figures|tables)/[^"]+)"', html):
        assert (shared_report / href).is_file(), href


def test_figure_halves_make_the_whole(evaluation, tmp_path):
    """The report draws the figures in two halves, one on each core: together they are
    every figure, in the page's order, with the same bytes as drawn in one go."""
    from peernet.report.figures import figures_of

    whole, halves = tmp_path / "whole", tmp_path / "halves"
    whole.mkdir()
    halves.mkdir()
    everything = figures_of(evaluation, whole, ("png",), 5)
    maps = figures_of(evaluation, halves, ("png",), 5, part="maps")
    others = figures_of(evaluation, halves, ("png",), 5, part="others")
    assert list(maps) == ["grid", "maps", "maps_coattendance"]
    assert list(others) == ["org_map", "participation", "trend", "roles"]
    assert {**maps, **others} == everything
    for name in everything:
        assert (whole / f"{name}.png").read_bytes() == (halves / f"{name}.png").read_bytes()
    with pytest.raises(ValueError, match="part must be"):
        figures_of(evaluation, halves, ("png",), 5, part="map")


def test_svg_figures_when_asked(evaluation, tmp_path):
    """formats=("png", "svg"): every figure has its SVG twin, linked under it."""
    folder = pn.report(evaluation, tmp_path / "report", formats=("png", "svg"))
    html = _pages(folder)
    for name in FIGURES:
        svg = folder / "figures" / f"{name}.svg"
        assert "<svg" in svg.read_text(encoding="utf-8")[:2000], name
        assert f'href="figures/{name}.svg"' in html, name


def test_page_is_self_contained(shared_report):
    html = (shared_report / "index.html").read_text(encoding="utf-8")
    assert "<style>" in html and ".cards" in html
    assert not re.search(r'<link[^>]+stylesheet', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the web
    assert sorted(p.name for p in shared_report.iterdir()) == [
        ".peernet-report", "appendix.html", "figures", "index.html", "interactive_map.html",
        "networks", "organizations.html", "report.json", "tables"]
    appendix = (shared_report / "appendix.html").read_text(encoding="utf-8")
    assert "<style>" in appendix and 'href="index.html"' in appendix
    assert 'href="appendix.html"' in html


def test_sections_in_order(shared_report):
    html = (shared_report / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([a-z_]+)">', html)
    assert ids == ["verdict", "findings", "actions", "numbers", "glossary"]
    html = (shared_report / "appendix.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([a-z_]+)">', html)
    assert ids == ["changes", "grid", "survey", "maps", "participation", "problems", "roles",
                   "quality", "methodology"]


def test_summary_names_the_designed_changes(shared_report):
    # docs/samples.md, "What changed from 2023 to 2025": each appears in the summary
    summary = _text(_section((shared_report / "appendix.html").read_text(encoding="utf-8"),
                             "changes"))
    for phrase in ("Mountain region fell", "Survey trust", "Share solved",
                   "Median days to solve: 22 to 12", "Problems with outcome",
                   "Actions closed on time: 49% to 71%", "Next date set: 70% to 92%",
                   "Meeting gap cv", "Language access", "Resource assessments per year",
                   "Resource exchanges per member", "Newcomer orientation: 61% to 81%",
                   "Cross org mixing", "Survey learning", "Survey response rate"):
        assert phrase in summary, phrase


def test_scorecard_has_both_years(shared_report):
    sc = pd.read_csv(shared_report / "tables" / "grid_scorecard.csv")
    assert {"score_2024", "score_2025", "band_2025", "change"} <= set(sc.columns)
    assert len(sc) == 13
    assert (sc["change"] - (sc["score_2025"] - sc["score_2024"])).abs().max() < 1e-9
    html = _section((shared_report / "appendix.html").read_text(encoding="utf-8"), "grid")
    assert "score 2024" in html and "score 2025" in html


def test_methodology_records_provenance(shared_report, evaluation):
    meta = json.loads((shared_report / "report.json").read_text(encoding="utf-8"))
    assert meta["peernet_version"] == pn.__version__
    assert meta["rubric_version"] == "2026.2"
    assert meta["periods"] == {"2024": {"start": "2024-01-01", "end": "2024-12-31"},
                               "2025": {"start": "2025-01-01", "end": "2025-12-31"}}
    assert meta["bootstrap"] == 20 and meta["seed"] == 0
    hashes = {row["file"]: row["sha256"] for row in meta["inputs"]}
    import hashlib

    members = pn.datasets.sample_path("riverbend") / "members.csv"
    assert hashes["members.csv"] == hashlib.sha256(members.read_bytes()).hexdigest()
    html = _text(_section((shared_report / "appendix.html").read_text(encoding="utf-8"),
                          "methodology"))
    assert f"peernet version {pn.__version__}" in html
    assert "rubric version 2026.2" in html
    assert "period 2025 2025-01-01 to 2025-12-31" in html
    assert hashes["members.csv"] in html
    assert "docs/grid.md" in html and "docs/metrics.md" in html


def test_data_quality_section_names_the_defects(shared_report):
    problems = pd.read_csv(shared_report / "tables" / "data_quality_problems.csv")
    text = " ".join(problems["problem"].astype(str))
    assert "member id not on the roster" in text  # m173 in interactions.csv
    assert set(problems["source"]) >= {"interactions.csv", "members.csv", "events.csv"}


def test_roles_aggregated_not_named(shared_report, evaluation):
    active = evaluation.slices["2025"].members_active()
    sector = pd.read_csv(shared_report / "tables" / "roles_by_sector.csv")
    assert sector["members"].sum() == len(active) == 112
    assert (sector["core"] + sector["periphery"] + sector["isolate"]).tolist() == \
        sector["members"].tolist()
    # issue 21: organizations with fewer than 5 members are never named; they are counted
    # together as "other small organizations"; rows under 5 (and their complements) are
    # suppressed, and said to be
    org = pd.read_csv(shared_report / "tables" / "roles_by_org.csv")
    roster = evaluation.net.members["org"].value_counts()
    small = set(roster[roster < 5].index)
    assert small and not small & set(org["org"])
    assert "other small organizations" in set(org["org"])
    # issue 19: one row for them (small in either period), not one row each under one label
    assert (org["org"] == "other small organizations").sum() == 1
    assert org["suppressed"].sum() != 1  # never one alone: total - the rest would show it
    assert org.loc[org["suppressed"], "members"].isna().all()
    assert org.loc[~org["suppressed"], "members"].min() >= 5
    note = _text((shared_report / "index.html").read_text(encoding="utf-8"))
    assert "Breakdowns of fewer than 5 members are suppressed" in note
    assert not (shared_report / "tables" / "member_metrics.csv").exists()


def test_shared_report_names_nobody(shared_report, riverbend):
    roster = riverbend.members
    needles = set(roster["name"].dropna()) | set(roster["email"].dropna())
    for path in shared_report.rglob("*"):
        if path.suffix in (".html", ".csv", ".json", ".svg"):
            text = path.read_text(encoding="utf-8")
            found = [n for n in needles if n in text]
            assert not found, (path.name, found[:3])


def test_named_report_escapes_and_neutralises(named_report):
    out, top = named_report
    html = _pages(out)
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    people = _section(html, "roles")
    assert "Most connected members" in people and top in people
    roles = pd.read_csv(out / "tables" / "roles_by_org.csv")
    assert "'" + HOSTILE_ORG in roles["org"].tolist()
    assert HOSTILE_ORG not in roles["org"].tolist()
    members = pd.read_csv(out / "tables" / "member_metrics.csv")
    assert HOSTILE in members["name"].tolist()  # "<" is not a formula start


# ---------------------------------------------------------------------- in a real browser
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required under CI=true (.ci/run installs Debian's chromium)")
    pytest.skip("chromium not installed (apt-get install chromium); required under CI")


_PROBE = """<script>
window.__alerts = [];
window.alert = function (m) { window.__alerts.push(String(m)); };
window.addEventListener("load", function () {
  var broken = [];
  for (var i = 0; i < document.images.length; i++) {
    var img = document.images[i];
    if (!img.complete || img.naturalWidth === 0) broken.push(img.getAttribute("src"));
  }
  var pre = document.createElement("pre");
  pre.id = "peernet-probe";
  pre.textContent = JSON.stringify({images: document.images.length, broken: broken,
                                    alerts: window.__alerts});
  document.body.appendChild(pre);
});
</script>"""


def _render_in_browser(report: Path, tmp_path: Path, name: str = "appendix.html"
                       ) -> tuple[dict, str]:
    """Open a copy of a page of the report in headless Chromium; return the probe's result
    and DOM."""
    browser = _chromium()
    copy = tmp_path / f"copy-{name}"
    shutil.copytree(report, copy)
    page = copy / name
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--allow-file-access-from-files", "--virtual-time-budget=15000",
         f"--user-data-dir={tmp_path / ('profile-' + name)}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="peernet-probe">(.*?)</pre>', run.stdout, re.S)
    assert match, f"no probe in the DOM; chromium said: {run.stderr[-2000:]}"
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    return probe, run.stdout


def test_browser_shows_every_image(shared_report, tmp_path):
    probe, _ = _render_in_browser(shared_report, tmp_path)
    assert probe["images"] == len(FIGURES)
    assert probe["broken"] == []
    probe, _ = _render_in_browser(shared_report, tmp_path, "index.html")
    shown = re.findall(r'<img src="([^"]+)"', (shared_report / "index.html").read_text(
        encoding="utf-8"))
    assert probe["images"] == len(shown) >= 1
    assert probe["broken"] == []


def test_browser_shows_hostile_name_as_text(named_report, tmp_path):
    out, _ = named_report
    probe, dom = _render_in_browser(out, tmp_path)
    assert probe["alerts"] == []
    assert probe["broken"] == []  # an injected <img src=x> would be a broken image
    assert probe["images"] == len(FIGURES)
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    probe, dom = _render_in_browser(out, tmp_path, "index.html")
    assert probe["alerts"] == [] and probe["broken"] == []


# ---------------------------------------------------------------------- atomic writing
def test_interrupted_report_leaves_no_folder(evaluation, tmp_path, monkeypatch):
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(sorted(p.name for p in tmp_path.glob(".report.partial-*/figures/*")))
        raise KeyboardInterrupt  # as if the evaluator pressed Ctrl-C half-way

    # the Grid figure is written, then the maps are interrupted (the other half of the
    # figures is drawn on the other core meanwhile)
    monkeypatch.setattr(pn.plot, "map_years", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pn.report(evaluation, tmp_path / "report")
    assert len(calls) == 1 and "grid.png" in calls[0]
    assert not {"maps.png", "maps_coattendance.png"} & set(calls[0])
    assert list(tmp_path.iterdir()) == []  # neither the report nor its partial folder


def test_interrupted_rewrite_keeps_previous_report(shared_report, evaluation, tmp_path,
                                                   monkeypatch):
    out = tmp_path / "report"
    shutil.copytree(shared_report, out)
    before = (out / "index.html").read_bytes()
    def full(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pn.plot, "grid", full)
    with pytest.raises(RuntimeError, match="disk full"):
        pn.report(evaluation, out)
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_refuses_a_folder_that_is_not_a_report(evaluation, tmp_path):
    (tmp_path / "thesis.docx").write_text("important")
    with pytest.raises(ValueError, match=r"is not empty and is not a peernet report \(no "
                                         r"\.peernet-report marker\); peernet never replaces "
                                         r"it: choose a new or empty folder"):
        pn.report(evaluation, tmp_path)
    assert (tmp_path / "thesis.docx").read_text() == "important"


def test_report_argument_errors(evaluation, tmp_path):
    with pytest.raises(TypeError, match="report takes an Evaluation from pn.evaluate"):
        pn.report("not an evaluation", tmp_path / "r")
    with pytest.raises(ValueError, match=r"formats must be among 'png', 'svg', 'pdf'; got "
                                         r"\['gif'\]"):
        pn.report(evaluation, tmp_path / "r", formats=("gif",))


def test_single_period_report(riverbend, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    def quick(*args, **kwargs):  # the maps are tested above; keep this test fast
        return plt.figure(figsize=(2, 2))

    monkeypatch.setattr(pn.plot, "map_years", quick)
    monkeypatch.setattr(pn.plot, "org_map", quick)
    ev = pn.evaluate(riverbend, periods=["2025"], bootstrap=0)
    out = pn.report(ev, tmp_path / "one")
    html = _pages(out)
    assert "Only one period was evaluated" in html
    assert (out / "figures" / "grid.png").is_file()
    # same input, same files, byte for byte (SVG ids included)
    again = pn.report(ev, tmp_path / "two")
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (out / f).read_bytes() != (again / f).read_bytes()] == []


def test_evaluation_replace_keeps_working(evaluation):
    # the report only reads the Evaluation: a replaced roster flows into the tables
    members = evaluation.net.members.assign(org="Same Org")
    ev = dataclasses.replace(evaluation, net=evaluation.net.replace(members=members))
    assert ev.roles("org")["org"].tolist() == ["Same Org"]


def test_leftovers_of_a_killed_run_are_cleaned(evaluation, tmp_path, monkeypatch):
    # tests/report/test_publish.py kills the publish step at each instant; here: the
    # report's own run cleans up first (peernet.report.publish.recover)
    import json
    import subprocess
    import sys

    from peernet.report import publish

    old = tmp_path / ".report.old-1234abcd"  # an old report kept aside, new one in place
    stale = tmp_path / ".report.partial-stale"  # its process is gone
    fresh = tmp_path / ".report.partial-running"  # another run, right now
    other = tmp_path / ".thesis.old-keep"
    for p in (old, stale, fresh, other):
        (p / "figures").mkdir(parents=True)
    (tmp_path / "report").mkdir()
    publish.write_marker(tmp_path / "report")
    publish.write_marker(old)
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)
    (stale / publish.PARTIAL).write_text(json.dumps({"pid": dead}))
    (fresh / publish.PARTIAL).write_text(json.dumps({"pid": os.getppid()}))

    def stop(*args, **kwargs):
        raise RuntimeError("stop here")

    monkeypatch.setattr(pn.plot, "grid", stop)
    with pytest.raises(RuntimeError, match="stop here"):
        pn.report(evaluation, tmp_path / "report")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.partial-running",
                                                          ".thesis.old-keep", "report"]


def test_report_of_a_network_without_organizations(davis, tmp_path):
    # Davis: attendance only, no org or sector: no organization map or roles figure, and
    # every image the page shows exists
    ev = pn.evaluate(davis, periods=["1936"], bootstrap=0)
    out = pn.report(ev, tmp_path / "davis")
    html = _pages(out)
    shown = sorted(set(re.findall(r'<img src="([^"]+)"', html)))
    assert sorted(shown) == ["figures/grid.png", "figures/maps.png",
                             "figures/participation.png", "figures/trend.png"]
    assert all((out / s).is_file() for s in shown)
    sc = pd.read_csv(out / "tables" / "grid_scorecard.csv").set_index("element")
    # trust has no data; time neither: age and tenure from the records' start are censored
    assert np.isnan(sc.loc["trust", "score_1936"]) and np.isnan(sc.loc["time", "score_1936"])
    assert sc.loc["space", "score_1936"] > 0


# ---------------------------------------------------------------------- the first page
def _visible(html: str) -> str:
    import html as H

    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", html)
    return re.sub(r"\s+", " ", H.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_first_page_verdict_findings_and_actions(shared_report):
    page = (shared_report / "index.html").read_text(encoding="utf-8")
    verdict = _visible(_section(page, "verdict"))
    assert "Healthier than in 2024" in verdict
    found = _visible(_section(page, "findings"))
    # issue 19: the Mountain region's drift with the number behind it, first
    first = _visible(page[page.index('id="finding-1"'):page.index('id="finding-2"')])
    assert "The Mountain region is drifting away" in first
    assert "7.0% to 2.6%" in first and "12 active members in 2025 (18 in 2024)" in first
    assert "How sure:" in first and "p < 0.001" in first
    # issue 18: the network mixes less than chance would (E-I 0.81 against 0.92)
    assert "mixes across organizations less than chance would" in found
    assert "0.81" in found and "0.92" in found
    assert "Two-way contact fell from 66% to 60%" in found.replace("two-way", "Two-way")
    actions = _visible(_section(page, "actions"))
    assert "Bring the Mountain region back in." in actions
    assert "Because of finding 1 (The Mountain region is drifting away)" in actions
    assert "Mix people across organizations." in actions
    assert 'href="#finding-1"' in _section(page, "actions")


@pytest.mark.parametrize("page", ["index.html", "appendix.html", "organizations.html"])
def test_first_page_has_no_snake_case_key(shared_report, page):
    """Issue 19: labels, not keys, on every page: CSV links by what they hold, data values
    (sector ``social_services``) and notes naming a key (an outcome
    ``median_days_referral_to_service``, ``member_ids``) in words; a file name is shown
    as one (``<code>``)."""
    html = (shared_report / page).read_text(encoding="utf-8")
    text = _visible(re.sub(r"(?s)<code>.*?</code>", "", html))
    keys = re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text)
    assert keys == []
    if page == "appendix.html":
        for said in ("Table as CSV: Grid scores by element", "social services",
                     "median days referral to service: 12, target 14",
                     "shared by several member ids"):
            assert said in text, said
        assert "<code>exports/survey_2025_qualtrics.csv</code>" in html


def test_every_number_of_the_first_page_is_explained_on_it(shared_report, evaluation):
    from peernet.report.findings import findings, glossary

    page = (shared_report / "index.html").read_text(encoding="utf-8")
    import html as H

    terms = {H.unescape(t) for t in re.findall(r"<dt>([^<]+)</dt>", _section(page,
                                                                           "glossary"))}
    cards = [H.unescape(c) for c in re.findall(r'<div class="label">([^<]+)</div>',
                                               _section(page, "numbers"))]
    assert len(cards) >= 5 and set(cards) <= terms, set(cards) - terms
    g = glossary()
    for f in findings(evaluation):
        for t in f.terms:
            assert g[t]["label"] in terms, (f.key, t)
    # the Grid's scores and bands, shown in the figure, too
    assert {"Grid score", "Band"} <= terms
    # each card says what its number means, beside it
    assert page.count('<div class="means">') == len(cards)


def test_counts_agree_across_tables(shared_report):
    """One count of each thing: members on the roster and active members are the same in
    the participation table, the network table and the breakdowns (issue 19: the roster
    was 115/114 in one table and 114/113 in another; guests counted in one)."""
    part = pd.read_csv(shared_report / "tables" / "participation_by_period.csv"
                       ).set_index("metric")
    net = pd.read_csv(shared_report / "tables" / "network_metrics.csv").set_index("metric")
    groups = pd.read_csv(shared_report / "tables" / "groups.csv")
    for period in ("2024", "2025"):
        roster = part.loc["roster_members", period]
        assert net.loc["members", period] == roster
        assert part.loc["members_active", period] == net.loc["active_members", period]
        regions = groups[(groups["by"] == "region") & (groups["period"] == int(period))]
        assert regions["members_current"].sum() == roster
    assert part.loc["roster_members", "2025"] == 113
    sector = pd.read_csv(shared_report / "tables" / "roles_by_sector.csv")
    assert sector["members"].sum() == part.loc["members_active", "2025"] == 112


def test_survey_section_trust_by_org_is_survey_scores(shared_report, riverbend):
    """Issue 19: the member survey in the report; trust by organization is
    pn.survey_scores(net, level="org"), small groups kept out."""
    table = pd.read_csv(shared_report / "tables" / "survey_by_org.csv")
    expected = pn.survey_scores(riverbend.period("2025"), wave="2025", level="org",
                                warn=False).set_index("org")
    named = table[table["org"] != "other small organizations"].set_index("org")
    assert len(named) >= 8
    for org, row in named.iterrows():
        assert row["n_raters"] == expected.loc[org, "n_raters"], org
        if row["suppressed"]:
            assert np.isnan(row["trust"]) and row["n_raters"] < 5
        else:
            assert row["trust"] == pytest.approx(expected.loc[org, "trust"], abs=1e-9), org
            assert row["value"] == pytest.approx(expected.loc[org, "value"], abs=1e-9), org
            assert row["n_raters"] >= 5
    # organizations of fewer than 5 members (in 2024 or 2025) are rated together
    roster = riverbend.members
    for p in ("2024", "2025"):
        current = roster[roster["member_id"].isin(riverbend.period(p).members_current())]
        counts = current["org"].value_counts()
        assert not set(counts[counts < 5].index) & set(table["org"])
    assert "other small organizations" in set(table["org"])
    page = _visible(_section((shared_report / "appendix.html").read_text(encoding="utf-8"),
                             "survey"))
    assert "73 of 93 members answered the 2025 survey (78%): low response" in page
    assert "Pine Ridge Elementary District 3.00 2.27 5" in page.replace(" 3 2.27", " 3.00 2.27")
    # the band is the range over the treatments of the missing answers, and it says so
    band = pn.metrics.survey_sensitivity(riverbend.period("2025"), wave="2025"
                                         ).set_index("measure")
    low, high = band.loc["trust_pct", ["band_min", "band_max"]]
    assert f"Trust: {band.loc['trust_pct', 'none']:.1f}% of the scale's top" in page
    assert f"{low:.1f}% to {high:.1f}% under three ways of filling in" in page
    assert "This range is not a worst case" in page
    assert "whatever" not in page
    assert "pairs of members rated each other" in page and "seen in the records" in page
    first = _visible((shared_report / "index.html").read_text(encoding="utf-8"))
    assert "73 of 93 members answered the 2025 survey" in first


def test_a_survey_measure_nobody_answered_says_so(riverbend, tmp_path):
    """A survey without the value questions: the value line says nobody answered them
    (it showed "Value: – of the scale's top (between – and – ...)"); trust is as before."""
    from peernet.report.survey_section import survey_section

    s = riverbend.surveys
    net = riverbend.replace(surveys=s[~s["item"].isin(pn.surveys.VALUE_ITEMS)])
    ev = pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)
    (tmp_path / "tables").mkdir()
    out = survey_section(ev, tmp_path / "tables")
    assert out is not None
    bands = {b["label"]: b for b in out["bands"]}
    assert not bands["Value"]["answered"] and bands["Trust"]["answered"]
    trust = pn.metrics.survey_sensitivity(ev.slices["2025"], wave="2025").set_index("measure")
    assert bands["Trust"]["value"] == f"{trust.loc['trust_pct', 'none']:.1f}%"
    with_value = survey_section(pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0),
                                tmp_path / "tables")
    assert with_value is not None
    assert [b["answered"] for b in with_value["bands"]] == [True, True]


def test_maps_draw_direct_ties_coloured_by_the_story(shared_report):
    """Issue 19: the maps draw direct ties (562 in 2025, not the 2,269 with co-attendance),
    co-attendance has maps of its own, the colour is the region because the Mountain
    region drifts away (and the caption says so), and the regions get small multiples."""
    appendix = _visible((shared_report / "appendix.html").read_text(encoding="utf-8"))
    assert "Direct ties in 2024 and 2025" in appendix
    assert "colour = region, because the Mountain region is drifting away (finding 1)" in \
        appendix
    assert "Co-attendance in 2024 and 2025" in appendix
    assert "Each region in 2025 on its own" in appendix
    index = (shared_report / "index.html").read_text(encoding="utf-8")
    assert 'src="figures/maps.png"' in index and 'src="figures/groups_map.png"' in index


def test_without_person_maps_the_survey_comes_from_the_maps_half(evaluation, tmp_path,
                                                                  monkeypatch):
    """When the person maps are left out (a network too large for them), the survey section
    is made beside the organization map, on the other core (it was the long half's largest
    part at 100,000 members): its chart, its tables and the organizations' survey values are
    in the report as when everything is made in one process."""
    from peernet.report import networks

    monkeypatch.setattr(networks, "MAX_STATIC_MAP_MEMBERS", 10)
    forked = pn.report(evaluation, tmp_path / "forked")
    monkeypatch.setenv("PEERNET_WORKERS", "1")
    alone = pn.report(evaluation, tmp_path / "alone")
    html = _pages(forked)
    assert "figures/survey.png" in html and "figures/maps.png" not in html
    assert (forked / "tables" / "survey_by_org.csv").is_file()
    for path in sorted(p for p in alone.rglob("*") if p.is_file()):
        assert (forked / path.relative_to(alone)).read_bytes() == path.read_bytes(), path
