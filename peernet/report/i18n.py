"""Translations of the report (gettext catalogs) and locale formatting (Babel).

English is the source language; Spanish lives in ``locale/es/LC_MESSAGES/peernet.po``.
Code marks text with ``_()`` (and ``ngettext`` for plurals); texts defined at import time
(tables of labels) are marked with ``N_()`` and translated with ``_()`` where they are
shown. The language is chosen per call, for the current context only::

    with use_language("es"):
        _("Participation")          # -> "Participación"
        format_number(1234.5, 1)    # -> "1.234,5"
        format_date(date(2026, 12, 4))  # -> "4 de diciembre de 2026"

The catalog is compiled from the ``.po`` file in memory the first time a language is used
(Babel's ``read_po`` / ``write_mo``), so there is no binary ``.mo`` to keep in step with it.
``scripts/update_translations.py`` extracts every marked text (Python and the Jinja
templates) into ``locale/peernet.pot`` and merges it into the ``.po`` files; the tests fail
on any text without a translation.

Why Babel: gettext (the standard library) translates, but only Babel knows CLDR's plural
rules, number formats (``1,234.5`` / ``1.234,5``) and month names in every language, and it
extracts messages from Python and Jinja templates alike.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gettext
import io
import math
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "translator", "use_language", "current_language", "_", "N_",
           "ngettext", "format_number", "format_percent", "format_date", "missing_messages",
           "extract_toml", "TOML_KEYS", "translate", "translate_name", "decimal_symbol"]

#: Languages of the report: English (the source) and Spanish.
LANGUAGES = ("en", "es")
#: Babel locale of each language (``es``: Spain's conventions, ``1.234,5``).
LOCALES = {"en": "en_US", "es": "es"}
DOMAIN = "peernet"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("peernet_language",
                                                                default="en")


def check_language(lang: Any) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {list(LANGUAGES)}; got {lang!r}")
    return str(lang)


class _Recording(gettext.GNUTranslations):
    """A catalog that remembers the texts asked for and not found (for the tests)."""

    missing: set[str]

    def gettext(self, message: str) -> str:
        out = super().gettext(message)
        if out is message and message:
            self.missing.add(message)
        return out

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        try:
            return self._catalog[(msgid1, self.plural(n))]  # type: ignore[attr-defined]
        except KeyError:
            self.missing.add(msgid1)
            return msgid1 if n == 1 else msgid2


def catalog_path(lang: str):
    return resources.files("peernet.report") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(lang: str = "en") -> gettext.NullTranslations:
    """The translations of ``lang``: English returns the texts as they are."""
    check_language(lang)
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    t = _Recording(buf)
    t.missing = set()
    return t


@cache
def language_words(lang: str) -> frozenset[str]:
    """The words (lower case) of the report's own texts in ``lang``: the catalog's
    translations, or for English the texts it translates. A group named like one of them
    ("es", the Spanish word for "is") cannot be scrubbed from the prose of that language."""
    cat = getattr(translator("es" if lang == "en" else lang), "_catalog", {})
    texts = ([k[0] if isinstance(k, tuple) else k for k in cat] if lang == "en"
             else list(cat.values()))
    return frozenset(w for text in texts if isinstance(text, str)
                     for w in re.findall(r"\w+", text.lower()))


def missing_messages(lang: str) -> set[str]:
    """Texts asked for in ``lang`` since the catalog was loaded that it does not translate."""
    t = translator(lang)
    return set(getattr(t, "missing", set()))


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Translate and format in ``lang`` inside the ``with`` block (this thread/task only)."""
    token = _language.set(check_language(lang))
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    return _language.get()


def _(message: str) -> str:
    """The translation of ``message`` in the current language."""
    lang = _language.get()
    return message if lang == "en" else translator(lang).gettext(message)


def translate(text: Any, *, record: bool = True) -> Any:
    """A stored English text in the current language: a table's label, an indicator's note,
    a data-quality problem, written in English when the data were read and shown later.

    The text is looked up whole; with ``record`` (a text known to be one of peernet's own
    messages) it is also matched against the catalog's texts with named placeholders
    (``"{n} of {m} members active in an average month"``, most specific first), its
    placeholders' values translated the same way (numbers re-written in the language's
    format) and put into the translation; a text nothing matches is then remembered as
    missing, for the tests. Without ``record`` (any cell of a table, which may be a name
    from the data) only whole texts are translated. English, and anything that is not a
    string, is returned as it is.

    >>> with use_language("es"):
    ...     translate("12 of 12 months with a meeting")
    '12 de 12 meses con una reunión'
    """
    lang = _language.get()
    if lang == "en" or not isinstance(text, str) or not text.strip():
        return text
    if not record:
        out = getattr(translator(lang), "_catalog", {}).get(text)
        return text if out is None else str(out)
    out = _translate_stored(lang, text)
    if out is None:
        missing = getattr(translator(lang), "missing", None)
        if missing is not None:
            missing.add(text)
        return text
    return out


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
def translate_name(text: Any) -> Any:
    """A name from a table (a Grid element, a band, a position, a group label) in the
    current language when the catalog has it, in its case: ``capacity building`` ->
    ``fortalecimiento de capacidades``, ``Bedrock`` -> ``Base``; anything else as it is.

    >>> with use_language("es"):
    ...     translate_name("capacity building"), translate_name("Coast")
    ('fortalecimiento de capacidades', 'Coast')
    """
    if _language.get() == "en" or not isinstance(text, str) or not text:
        return text
    out = translate(text, record=False)
    if out == text and text[:1].islower():
        cap = text[:1].upper() + text[1:]
        out = translate(cap, record=False)
        return text if out == cap else out[:1].lower() + out[1:]
    return out


#: A pattern with fewer letters than this outside its placeholders is weak (:func:`_patterns`).
WEAK_LETTERS = 6
#: An English number as the data's notes write it: ``1,234``, ``0.75``, ``-3``, ``15%``.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)")


@cache
def _patterns(lang: str) -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """The catalog's texts with named placeholders as patterns, most specific first; a
    pattern of few words (``"{num} of {den} {what}"``, ``"{text}, {note}"``) is *weak*: it
    is used only when every placeholder's value is itself a number or translated (else
    ``"median days referral to service"`` would match ``"{low} to {high}"``)."""
    t = translator(lang)
    out = []
    for msgid in getattr(t, "_catalog", {}):
        if not isinstance(msgid, str) or "{" not in msgid:
            continue
        parts = re.split(r"(\{\w+\})", msgid)
        literal = "".join(p for i, p in enumerate(parts) if i % 2 == 0)
        if "{" in literal or "}" in literal or not literal.strip():
            continue  # a positional or formatted field, or nothing but placeholders
        seen: set[str] = set()
        rx = []
        for i, p in enumerate(parts):
            if i % 2 == 0:
                rx.append(re.escape(p))
                continue
            name = p[1:-1]
            rx.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        weak = sum(c.isalpha() for c in literal) < WEAK_LETTERS
        out.append((len(literal), re.compile("".join(rx), re.S), msgid, weak))
    out.sort(key=lambda x: -x[0])
    return tuple((rx, msgid, weak) for _n, rx, msgid, weak in out)


def _translate_stored(lang: str, text: str) -> str | None:
    t = translator(lang)
    cat = getattr(t, "_catalog", {})
    if text in cat:
        return str(cat[text])
    for rx, msgid, weak in _patterns(lang):
        m = rx.fullmatch(text)
        if not m:
            continue
        fields = {k: _field(lang, v) for k, v in m.groupdict().items()}
        if weak and any(f is None for f in fields.values()):
            continue
        try:
            return str(cat[msgid]).format(**{k: m.group(k) if f is None else f
                                             for k, f in fields.items()})
        except (KeyError, IndexError, ValueError):
            continue
    return None


def _field(lang: str, value: str) -> str | None:
    """A placeholder's value in ``lang``: a number re-formatted, a known text (or a
    comma-separated list of them) translated; None for anything else (a name from the
    data, kept as it is)."""
    m = _NUMBER.fullmatch(value)
    if m:
        number = float(value.rstrip("%").replace(",", ""))
        digits = len(m.group(1) or "")
        if m.group(2):
            return format_percent(number / 100, digits)
        if "," in value:   # grouped as written: 1,234 -> 1.234
            return format_number(number, digits)
        # ungrouped as written (a year, a count): 2025 stays 2025, 0.75 -> 0,75
        return value.replace(".", decimal_symbol())
    if _ISO_DATE.fullmatch(value):
        return format_date(dt.date.fromisoformat(value))
    out = _translate_stored(lang, value)
    if out is None and ", " in value:
        items = [_translate_stored(lang, v) for v in value.split(", ")]
        if all(i is not None for i in items):
            return ", ".join(str(i) for i in items)
    return out


def N_(message: str) -> str:
    """Mark a text for translation without translating it (translate where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, by the current language's plural rule."""
    lang = _language.get()
    if lang == "en":
        return singular if n == 1 else plural
    return translator(lang).ngettext(singular, plural, n)


def _locale() -> str:
    return LOCALES[_language.get()]


def format_number(value: Any, digits: int = 0) -> str:
    """A number with the current language's separators: ``1,234.5`` / ``1.234,5``."""
    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def decimal_symbol() -> str:
    """The current language's decimal mark: ``.`` / ``,``."""
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(_locale()))


def format_percent(value: Any, digits: int = 0) -> str:
    """A share (0-1) as a percentage: ``25%`` / ``25 %``."""
    from babel.numbers import format_percent as fp

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    from babel import Locale

    pattern = Locale.parse(_locale()).percent_formats[None].pattern  # "#,##0%" / "#,##0 %"
    if digits > 0:
        pattern = re.sub(r"0(?=[^0#]*%)", "0." + "0" * digits, pattern, count=1)
    return fp(value, format=pattern, locale=_locale())


def format_date(value: Any, form: str = "long") -> str:
    """A date: ``December 4, 2026`` / ``4 de diciembre de 2026``."""
    from babel.dates import format_date as fd

    if isinstance(value, dt.datetime):
        value = value.date()
    elif hasattr(value, "date") and callable(value.date):
        value = value.date()
    return fd(value, format=form, locale=_locale())


#: Keys of the report's TOML tables (glossary.toml, actions.toml) whose values are shown to
#: readers, and so translated.
TOML_KEYS = ("label", "means", "title", "text")


def extract_toml(fileobj: Any, keywords: Any, comment_tags: Any,
                 options: dict) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor for the report's TOML tables: every string under a key of
    :data:`TOML_KEYS` (or ``options["keys"]``, comma-separated) is a message; the line is
    where its text starts."""
    import tomllib

    raw = fileobj.read().decode("utf-8")
    keys = set(str(options.get("keys") or ",".join(TOML_KEYS)).split(","))
    lines = raw.splitlines()

    def line_of(text: str) -> int:
        head = text[:30]
        for i, line in enumerate(lines, start=1):
            if head and head in line:
                return i
        return 1

    def walk(obj: Any) -> Iterator[tuple[int, None, str, list[str]]]:
        if isinstance(obj, dict):
            for k, v in obj.items():
                if isinstance(v, str) and k in keys and v.strip():
                    yield line_of(v), None, v, []
                else:
                    yield from walk(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from walk(v)

    yield from walk(tomllib.loads(raw))
