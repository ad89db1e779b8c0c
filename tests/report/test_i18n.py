"""Translation machinery: catalogs complete, plural forms, Spanish number and date formats."""

import datetime as dt
import importlib.util
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from peernet.report import i18n
from peernet.report.i18n import (
    _,
    format_date,
    format_number,
    format_percent,
    ngettext,
    use_language,
)

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def catalog():
    with i18n.catalog_path("es").open("rb") as fh:
        return read_po(fh, locale="es")


def _fields(text):
    return sorted({f for _t, f, _s, _c in string.Formatter().parse(text) if f is not None})


def test_every_marked_text_has_a_spanish_translation(catalog):
    """Fails on any text marked in the code or templates that the catalog lacks."""
    extracted = _script().extract()
    ids = {m.id for m in extracted if m.id}
    assert len(ids) > 15
    have = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in ids - have)
    assert not missing, f"untranslated (run scripts/update_translations.py): {missing}"


def test_translations_keep_their_placeholders(catalog):
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            assert _fields(s) == _fields(ids[0]), (m.id, s)


def test_spanish_numbers_dates_and_plurals():
    with use_language("es"):
        assert format_number(1234.5, 1) == "1.234,5"
        assert format_number(1234567) == "1.234.567"
        assert format_percent(0.256) == "26\xa0%"  # CLDR: a no-break space before %
        assert format_date(dt.date(2026, 12, 4)) == "4 de diciembre de 2026"
        assert _("Organization") == "Organización"
        assert ngettext("{k} match", "{k} matches", 1) == "{k} coincidencia"
        assert ngettext("{k} match", "{k} matches", 3) == "{k} coincidencias"
    assert format_number(1234.5, 1) == "1,234.5"
    assert format_date(dt.date(2026, 12, 4)) == "December 4, 2026"
    assert _("Organization") == "Organization"
    assert ngettext("{k} match", "{k} matches", 0) == "{k} matches"


def test_unknown_language():
    with pytest.raises(ValueError, match=r"lang must be one of \['en', 'es'\]; got 'fr'"):
        with use_language("fr"):
            pass


def test_missing_texts_are_recorded():
    with use_language("es"):
        assert _("a text nobody translated") == "a text nobody translated"
    assert "a text nobody translated" in i18n.missing_messages("es")
    i18n.translator("es").missing.discard("a text nobody translated")


def test_language_is_per_context():
    with use_language("es"):
        assert i18n.current_language() == "es"
        with use_language("en"):
            assert _("Region") == "Region"
        assert _("Region") == "Región"
    assert i18n.current_language() == "en"
    assert re.fullmatch(r"\w+", _("Region"))


def test_catalog_has_no_untranslated_or_fuzzy_message(catalog):
    """The whole catalog, plural forms included: what ``update_translations.py --check``
    enforces, as a test (an empty translation or a fuzzy one shows English in a report)."""
    bad = [m.id for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert bad == []
    assert _script().main(["--check"]) == 0


def test_texts_of_the_network_layer_are_the_catalogs():
    """peernet.network cannot import the report: its data-quality texts are listed in
    report/words.py, and must stay the same texts, byte for byte."""
    from peernet.report.words import QUALITY

    source = (ROOT / "peernet" / "network.py").read_text(encoding="utf-8")
    flat = re.sub(r'"\s*\n\s*"', "", source)   # implicit concatenation of string literals
    assert [q for q in QUALITY if q not in flat] == []


def test_stored_texts_are_translated_with_their_numbers():
    """An indicator's note, stored in English when scored, shown in Spanish."""
    with use_language("es"):
        assert i18n.translate("82.1 of 114 members active in an average month") == \
            "82,1 de 114 miembros activos en un mes promedio"
        assert i18n.translate("1,206 new cross-organization ties") == \
            "1.206 vínculos nuevos entre organizaciones"
        assert i18n.translate("first member joined 2019-03-01") == \
            "el primer miembro se unió el 1 de marzo de 2019"
        # a name from the data is kept; a short pattern does not split it
        assert i18n.translate("Outcome: median days referral to service") == \
            "Resultado: median days referral to service"
        assert i18n.translate("Coast", record=False) == "Coast"
    assert i18n.translate("12 of 12 months with a meeting") == "12 of 12 months with a meeting"


def test_both_languages_render_every_text(tiny_net, tmp_path):
    """A one-period (baseline) report in English and in Spanish: every text the Spanish one
    asks for is translated, and no English word is left on its pages."""
    import sys

    import peernet as pn

    sys.path.insert(0, str(Path(__file__).parent))
    from test_report_es import english_left

    ev = pn.evaluate(tiny_net, periods=["2025"], bootstrap=0)
    before = set(i18n.missing_messages("es"))
    en = pn.report(ev, tmp_path / "en", formats=("png",), min_group_size=1)
    es = pn.report(ev, tmp_path / "es", formats=("png",), min_group_size=1, lang="es")
    assert set(i18n.missing_messages("es")) - before == set()
    m = tiny_net.members
    data = {str(v) for c in ("org", "sector", "region", "name") for v in m[c]} | {
        "tiny", "peernet", "Backer", "Kern", "Gephi", "Cytoscape", "yEd", "Jaccard", "Gini",
        "SVG", "CSV"} | {str(v) for v in tiny_net.quality.counts["source"]}
    for page in ("index.html", "appendix.html"):
        assert english_left((es / page).read_text(encoding="utf-8"), data) == [], page
        assert '<html lang="en">' in (en / page).read_text(encoding="utf-8")


def test_templates_are_compiled_once_a_language():
    """render's environment is one a process and language: Jinja folds a filter of a
    constant into the compiled template, in the language it was compiled in."""
    from peernet.report import render as r
    from peernet.report.narrative import csv_label

    with use_language("en"):
        en = csv_label("survey_by_org.csv")
    with use_language("es"):
        es = csv_label("survey_by_org.csv")
    assert en != es
    source = '{{ "survey_by_org.csv"|csv_label }}'
    for lang, want in (("en", en), ("es", es), ("en", en)):
        with use_language(lang):
            assert r._environment(lang).from_string(source).render() == want
    assert r._environment("es") is r._environment("es") is not r._environment("en")
