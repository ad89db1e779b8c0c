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
