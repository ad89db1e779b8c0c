"""The report's Jinja2 environment: templates in ``peernet/report/templates/``, autoescape on,
undefined names an error, the gettext ``_`` and the report's filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .i18n import _
from .narrative import csv_label

__all__ = ["render", "text_node"]


def render(ctx: Mapping[str, Any], template: str = "index.html") -> str:
    """``template`` (a file of ``peernet/report/templates/``) rendered with ``ctx``."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("peernet.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(_=_)
    env.filters["csv_label"] = csv_label
    env.filters["text"] = text_node
    return env.get_template(template).render(**ctx)


def text_node(value: Any) -> Any:
    """Escape ``value`` for an element's text, where quotes need no escaping (a translated
    sentence quoting a word renders as the English page always did: ``"insufficient
    data"``, not ``&#34;insufficient data&#34;``)."""
    from markupsafe import Markup, escape

    return Markup(str(escape(value)).replace("&#34;", '"'))
