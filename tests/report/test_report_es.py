"""The report in Spanish: every text asked for is translated, numbers and dates formatted
for Spanish, and (a reviewer's reading, simulated) no English sentence left."""

import html as H
import re

import pytest

from peernet.report import i18n

pytestmark = pytest.mark.slow

#: Words that only English has (not Spanish words too): a Spanish page holding them has an
#: English sentence left.
ENGLISH = {"the", "and", "of", "with", "from", "is", "are", "was", "were", "this", "that",
           "which", "for", "by", "has", "have", "members", "member", "network", "ties",
           "share", "than", "into", "more", "less", "each", "every", "their", "there",
           "what", "who", "when", "where", "rose", "fell", "mostly", "through", "improvement",
           "decline", "needs", "points", "percentage", "strong", "developing", "emerging",
           "insufficient", "per", "quarter", "year", "days", "within", "beyond", "could",
           "noise", "unlikely", "score", "since", "active", "events", "problems"}


# ``es_report`` (riverbend in Spanish) is in conftest.py (test_cards.py reads it too)


def _texts(page: str) -> list[str]:
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", page)
    page = re.sub(r"(?s)<code>.*?</code>", "", page)
    return [H.unescape(t).strip() for t in re.sub(r"<[^>]+>", "\n", page).split("\n")
            if t.strip()]


#: A file the page links to or names (``tables/roles_by_org.csv``): a name, not a sentence.
PATH = re.compile(r"[\w./-]+\.(?:csv|html|gexf|graphml|json|png|svg)\b")


def english_left(page: str, data_values) -> list[str]:
    out = []
    for t in _texts(page):
        u = PATH.sub(" ", t)
        for v in sorted(data_values, key=len, reverse=True):
            u = u.replace(v, " ")
        if any(w.lower() in ENGLISH for w in re.findall(r"[A-Za-z]+", u)):
            out.append(t)
    return out


def test_every_text_asked_for_is_translated(es_report):
    out, missing = es_report
    assert missing == set(), sorted(missing)[:20]


def test_spanish_page_language_and_map(es_report):
    out, _missing = es_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Veredicto" in page
    # the interactive map is in the appendix (issue 19: the first page is the summary)
    page = (out / "appendix.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Mapa interactivo" in page
    imap = (out / "interactive_map.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in imap and "Buscar" in imap
    meta = (out / "report.json").read_text(encoding="utf-8")
    assert '"lang": "es"' in meta


def test_spanish_page_numbers_and_dates(es_report):
    out, _missing = es_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Veredicto" in page and "Mapas de la red" in page
    assert "1 de enero de 2025" in page and "31 de diciembre de 2025" in page
    # a thousands separator and a decimal comma, the Spanish way; no English decimal point
    # in the text (the page's CSS and version numbers aside)
    assert re.search(r"\b\d{1,3}\.\d{3}\b", page) and re.search(r"\b\d+,\d\d?\b", page)
    texts = " ".join(_texts(page))
    english = r"(?<![\d.])0\.\d+(?![\d.])"          # 0.81 (not a version such as 0.1.0)
    assert not re.search(english, texts), re.findall(r".{40}" + english + r".{20}", texts)


def test_english_report_is_unchanged_by_the_machinery(riverbend, tmp_path):
    """Texts marked for translation render as before in English."""
    assert i18n.current_language() == "en"
    assert i18n.format_number(1234.5, 1) == "1,234.5"


def _data_words(riverbend):
    """Names the data give (organizations, outcome measures, event formats, files read):
    written as the network wrote them, in any language."""
    m = riverbend.members
    measures = {str(v) for v in riverbend.outcomes["measure"].dropna()}
    return ({str(v) for c in ("org", "sector", "region", "name") if c in m.columns
             for v in m[c].dropna()}
            | measures | {v.replace("_", " ") for v in measures}
            | {str(v) for v in riverbend.events["format"].dropna()}
            | {str(v).replace("_", " ") for v in riverbend.events["format"].dropna()}
            | {str(v) for v in riverbend.quality.counts["source"]}
            | {"riverbend", "peernet", "Backer", "Kern", "Gephi", "Cytoscape", "yEd",
               "Jaccard", "Gini", "SVG", "CSV"})


def test_no_english_sentence_left(es_report, riverbend):
    """The first page (index.html): verdict, findings, actions, key numbers, glossary."""
    out, _missing = es_report
    left = english_left((out / "index.html").read_text(encoding="utf-8"),
                        _data_words(riverbend))
    assert left == [], left[:20]


def test_no_english_sentence_left_in_the_appendix(es_report, riverbend):
    """The appendix: tables (headers, labels, units, bands), captions, the Grid's indicator
    notes and summary, the highlights, data quality and methodology."""
    out, _missing = es_report
    left = english_left((out / "appendix.html").read_text(encoding="utf-8"),
                        _data_words(riverbend))
    assert left == [], left[:20]


def _svg_texts(svg: str) -> list[str]:
    """The texts of a matplotlib SVG (drawn as paths, each text named in a comment)."""
    return [H.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg)]


def test_no_english_word_left_in_the_figures(es_report, riverbend):
    """Titles, keys, axis labels, Grid element names, period labels and roles of every
    figure of the Spanish report; numbers on the axes with a decimal comma."""
    out, _missing = es_report
    svgs = sorted((out / "figures").glob("*.svg"))
    assert len(svgs) >= 8
    data = _data_words(riverbend)
    left = {}
    for svg in svgs:
        texts = _svg_texts(svg.read_text(encoding="utf-8"))
        page = "".join(f"<p>{H.escape(t)}</p>" for t in texts)
        if (bad := english_left(page, data)):
            left[svg.name] = bad
        # a number on an axis is written the Spanish way (0,5 not 0.5)
        assert not [t for t in texts if re.fullmatch(r"-?\d+\.\d+", t)], svg.name
    assert left == {}, left
    texts = _svg_texts((out / "figures" / "participation.svg").read_text(encoding="utf-8"))
    assert "2025 T4" in texts and "nuevos" in texts
    texts = _svg_texts((out / "figures" / "grid.svg").read_text(encoding="utf-8"))
    assert {"confianza", "Base", "sólido"} <= set(texts)


@pytest.fixture(scope="module")
def trial_es(tmp_path_factory):
    """The issue-16 trial (Zoom, Teams, Slack and survey exports, a roster workbook) as a
    Spanish report: its data-quality notes come from the export readers."""
    import warnings
    from pathlib import Path

    import peernet as pn

    trial = Path(__file__).resolve().parents[1] / "fixtures" / "trial"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.read_events(trial, tz="America/New_York")
        out = pn.report(pn.evaluate(net, bootstrap=0), tmp_path_factory.mktemp("trial") / "r",
                        lang="es")
    return net, out


def test_the_trial_in_spanish_has_no_english_sentence(trial_es):
    """The export readers' notes and the baseline's reason are shown in Spanish too (the
    words the roster's own column names give, "needs", "member id", are identifiers)."""
    net, out = trial_es
    data = {str(v) for col in ("org", "sector", "region", "name", "member_id")
            if col in net.members.columns for v in net.members[col].dropna()}
    data |= {"member id", "needs"}
    for page in ("index.html", "appendix.html", "organizations.html"):
        if (out / page).exists():
            left = english_left((out / page).read_text(encoding="utf-8"), data)
            assert left == [], (page, left[:5])


def test_a_small_group_named_like_a_spanish_word_leaves_the_prose_alone(trial_es):
    """The trial's roster has two Spanish speakers: "es" is a small language group, and
    the last scrub replaced every word "es" of the Spanish pages ("Este other small
    languages el año de referencia"). The group is still never named in a file (its CSV
    row is relabelled), but the pages' Spanish reads as Spanish."""
    import pandas as pd

    from peernet.report.protect import OTHER

    net, out = trial_es
    assert (net.members["language"] == "es").sum() == 2
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Este es el año de referencia de la red (2025)" in page
    assert OTHER["language"] not in page
    groups = pd.read_csv(out / "tables" / "groups.csv", keep_default_na=False)
    assert "es" not in set(groups.loc[groups["by"] == "language", "group"])
