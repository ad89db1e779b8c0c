"""The report's Jinja2 environment: templates in ``peernet/report/templates/``, autoescape on,
undefined names an error, the gettext ``_`` and the report's filters."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .i18n import _, current_language
from .narrative import csv_label

__all__ = ["load_templates", "render", "text_node", "write_page"]


def render(ctx: Mapping[str, Any], template: str = "index.html") -> str:
    """``template`` (a file of ``peernet/report/templates/``) rendered with ``ctx``."""
    return _environment(current_language()).get_template(template).render(**ctx)


def write_page(ctx: Mapping[str, Any], path: Path, scrub: Any = None) -> list[str]:
    """Write ``path`` (its name: the template) rendered with ``ctx``, and scrub it when
    ``scrub`` (a :class:`~peernet.report.publish.OutputScrub`) is given; the files
    ``scrub`` has done (a forked child writing a page tells its parent so)."""
    path.write_text(render(ctx, path.name), encoding="utf-8")
    if scrub is None:
        return []
    scrub.files(path.parent, [path.name])
    return sorted(scrub.done)


def load_templates(*templates: str) -> None:
    """Compile ``templates`` now (the report does it on one core while the other draws:
    they are compiled once a process, and :func:`render` finds them ready)."""
    env = _environment(current_language())
    for template in templates:
        env.get_template(template)


@cache
def _environment(lang: str) -> Any:
    """The templates' environment of a language, one a process (Jinja caches the compiled
    templates in it and checks their files' times when they are used again). One a
    language: compiling folds a filter of a constant (``"survey_by_org.csv"|csv_label``)
    into the template, in the language it was compiled in."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("peernet.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(_=_)
    env.filters["csv_label"] = csv_label
    env.filters["text"] = text_node
    return env


def text_node(value: Any) -> Any:
    """Escape ``value`` for an element's text, where quotes need no escaping (a translated
    sentence quoting a word renders as the English page always did: ``"insufficient
    data"``, not ``&#34;insufficient data&#34;``)."""
    from markupsafe import Markup, escape

    return Markup(str(escape(value)).replace("&#34;", '"'))
