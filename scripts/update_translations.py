"""Extract the report's texts and merge them into the translation catalogs (Babel).

    .venv/bin/python scripts/update_translations.py          # writes peernet.pot, updates es
    .venv/bin/python scripts/update_translations.py --check  # exit 1 if a text is untranslated

Texts are marked in Python with ``_()``, ``N_()`` and ``ngettext()`` (peernet.report.i18n)
and in the Jinja templates with ``{{ _("...") }}``. New texts enter the ``.po`` files with
an empty translation; texts no longer used are dropped. Translate the empty ones, then run
the tests (``tests/report/test_i18n.py`` fails on any text without a translation).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "peernet"
LOCALE = PACKAGE / "report" / "locale"
METHODS = [("report/templates/**.html", "jinja2.ext:babel_extract"),
           ("report/*.toml", "peernet.report.i18n:extract_toml"), ("**.py", "python")]
#: ``ChecklistItem(id, kind, label, ...)``: the Grid checklist's labels (peernet.grid.checklist);
#: ``no_data(note)``, ``share(num, den, what)`` and ``Value(value, note)``: the notes of the
#: Grid's indicators (peernet.grid), shown in the report through i18n.translate.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "ChecklistItem": (3,),
            "no_data": (1,), "share": (3,), "Value": (2,)}
#: Python files whose texts are not the report's (tests of the package, vendored code).
SKIP = ("conftest.py",)


def extract():
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    cat = Catalog(project="peernet", domain="peernet", charset="utf-8")
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(PACKAGE), method_map=METHODS, keywords=KEYWORDS, strip_comment_tags=True,
            options_map={"report/templates/**.html": {"extensions": "jinja2.ext.do",
                                                       "trimmed": "true"}}):
        if Path(filename).name in SKIP or not message:
            continue
        cat.add(message, None, [(filename, lineno)], auto_comments=comments)
    return cat


def main(argv=None) -> int:
    from babel.messages.pofile import read_po, write_po

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report untranslated texts")
    args = ap.parse_args(argv)
    template = extract()
    missing = 0
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/peernet.po")):
        lang = po.parts[-3]
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang, domain="peernet")
        cat.update(template, no_fuzzy_matching=True)
        todo = [m.id for m in cat if m.id and (m.fuzzy or not all(
            m.string if isinstance(m.string, tuple) else (m.string,)))]
        missing += len(todo)
        for m in todo:
            print(f"{lang}: untranslated: {m!r}")
        if not args.check:
            with po.open("wb") as fh:
                write_po(fh, cat, width=96, omit_header=False, sort_output=False,
                         include_previous=False, ignore_obsolete=True)
    if not args.check:
        with (LOCALE / "peernet.pot").open("wb") as fh:
            write_po(fh, template, width=96)
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
