"""The report's first page (``index.html``): the verdict, the findings, what to do next.

:func:`first_page` builds what the ``index.html`` template shows from an
:class:`~peernet.Evaluation` (the protected one of a default report): the verdict
(:func:`peernet.report.findings.verdict`), the three findings that matter most with their
evidence and how sure we are, the other findings in short, the recommended actions each
citing its finding (``actions.toml``), the key numbers, and an inline glossary
(``glossary.toml``) of every number the page shows. The detailed tables are on
``appendix.html``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import evaluation as evaluation_module
from ..evaluation import Evaluation
from ..grid.checklist import CHECKLIST
from ..privacy import MIN_GROUP_SIZE
from .findings import Finding, findings, glossary, recommended, verdict
from .i18n import _

__all__ = ["first_page", "MAIN_FINDINGS"]

#: Findings shown in full on the first page (the others are listed in short).
MAIN_FINDINGS = 3


def _grid_items(ids: Sequence[str]) -> list[dict[str, str]]:
    labels = {it.id: it.label for it in CHECKLIST}
    kinds = {it.id: it.kind for it in CHECKLIST}
    out = []
    for i in ids:
        kind = _("Good practice") if kinds.get(i) == "good_practice" else _("Challenge")
        out.append({"id": i, "text": f"{kind} {i[2:]}: {_(labels.get(i, i))}"})
    return out


def _terms(keys: Sequence[str]) -> list[dict[str, str]]:
    g = glossary()
    out, seen = [], set()
    for k in keys:
        if k in seen or k not in g:
            continue
        seen.add(k)
        out.append({"key": k, "label": _(g[k]["label"]), "means": _(g[k]["means"])})
    return out


def first_page(ev: Evaluation, *, cards: Sequence[Mapping[str, Any]],
               min_group_size: int = MIN_GROUP_SIZE, survey: Mapping[str, Any] | None = None,
               found: Sequence[Finding] | None = None) -> dict[str, Any]:
    """What ``index.html`` shows; ``cards`` are the key numbers (each with ``key``, the
    glossary entry of its number)."""
    if found is None:
        found = findings(ev, min_group_size=min_group_size)
    v = verdict(ev, found)
    actions = recommended(found)
    for a in actions:
        a["grid_items"] = _grid_items(a["grid"])
    main = [f for f in found if f.key != "strength"][:MAIN_FINDINGS]
    if len(main) < MAIN_FINDINGS:  # a quiet year: the strengths fill the page
        main += [f for f in found if f.key == "strength"][:MAIN_FINDINGS - len(main)]
    rest = [f for f in found if f not in main]
    ordered = main + rest
    # actions cite findings by their number on the page
    number_of = {id(f): i for i, f in enumerate(ordered, start=1)}
    for a in actions:
        a["finding"] = number_of[id(found[a["finding"] - 1])]
    actions.sort(key=lambda a: a["finding"])
    keys: list[str] = ["grid_score", "band"]
    for f in ordered:
        keys += list(f.terms)
    keys += [str(c.get("key", "")) for c in cards]
    if survey:
        keys += ["response_rate"] + (["survey_trust", "survey_value"] if survey.get("shown")
                                     else [])
    return {"verdict": v, "findings": [_row(i, f) for i, f in enumerate(main, start=1)],
            "more_findings": [_row(i, f) for i, f in enumerate(rest, start=len(main) + 1)],
            "actions": actions, "glossary": _terms(keys)}


def _row(i: int, f: Any) -> dict[str, Any]:
    return {"n": i, "key": f.key, "title": f.title, "sentence": f.sentence,
            "evidence": f.evidence, "certainty": f.certainty, "sure": f.sure,
            "cls": "concern" if f.concern else "strength"}


def first_page_html(ev: Evaluation, *, min_group_size: int = MIN_GROUP_SIZE) -> str:
    """The first page's verdict, findings and actions as an HTML fragment (escaped), for
    Jupyter (:meth:`peernet.Evaluation._repr_html_`)."""
    from html import escape as e

    found = findings(ev, min_group_size=min_group_size)
    page = first_page(ev, cards=[], min_group_size=min_group_size, found=found)
    v = page["verdict"]
    parts = [f"<div class='peernet-evaluation'><h3>{e(str(ev.net.name))}: "
             f"{e(', '.join(ev.periods))}</h3>",
             f"<p><b>{e(_('Verdict'))}:</b> {e(v.headline)}</p>"]
    if page["findings"] or page["more_findings"]:
        parts.append(f"<p><b>{e(_('What we found'))}</b></p><ol>")
        for f in page["findings"] + page["more_findings"]:
            parts.append(f"<li><b>{e(f['title'])}.</b> {e(f['sentence'])}<br>"
                         f"<small>{e(f['evidence'])} {e(f['certainty'])}</small></li>")
        parts.append("</ol>")
    if page["actions"]:
        parts.append(f"<p><b>{e(_('What to do next'))}</b></p><ol>")
        for a in page["actions"]:
            parts.append(f"<li><b>{e(a['title'])}.</b> {e(a['text'])} <small>("
                         f"{e(_('Because of finding'))} {a['finding']})</small></li>")
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


evaluation_module.FIRST_PAGE = first_page_html  # Evaluation._repr_html_ shows the first page
