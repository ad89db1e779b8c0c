"""The one number formatter of the report: numbers, shares, changes and names as text.

Two styles share the rules: ``table`` (the report's tables and cards: up to three
significant decimals, missing as "–") and ``prose`` (sentences: rounder numbers, missing as
"n/a"). Both follow the report's language (``1,234.5`` / ``1.234,5``, ``71%`` /
``71 %``: :mod:`peernet.report.i18n`). Both write a share (a unit starting with
``share``) as a whole percentage and an integer-valued number with thousands separators.

>>> number(0.7142, "share"), number(12.5), number(12.5, style="prose"), number(0.05)
('71%', '12.5', '12', '0.050')
>>> change(-0.08, "share", -0.11), change(5, "points", 0.2), card_change(3.0, "members")
('-8 percentage points', '+5 points', '+3')
>>> pretty("problem_solving")
'Problem solving'
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import numpy as np
import pandas as pd

from .i18n import _, current_language, format_number, format_percent

__all__ = ["number", "cell", "change", "card_change", "is_share", "pretty", "words",
           "decimal", "percent"]

Style = Literal["table", "prose"]


def is_share(unit: Any) -> bool:
    """True for a unit that is a share of 0-1 (``share``, ``share of members``, ...)."""
    return isinstance(unit, str) and unit.startswith("share")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _fixed(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals and thousands separators in the current language
    (``1,234.5`` in English, ``1.234,5`` in Spanish)."""
    if current_language() == "en":
        return f"{value:,.{digits}f}"
    return format_number(value, digits)


def _percent(value: float, digits: int = 0) -> str:
    """A share as a percentage in the current language (``71%``, ``71 %``)."""
    if current_language() == "en":
        return f"{value:.{digits}%}"
    return format_percent(value, digits)


def decimal(value: Any, digits: int = 2, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals in the report's language (``0.81`` / ``0,81``,
    ``1,000`` / ``1.000``); ``sign=True`` writes ``+`` before a positive number.

    >>> decimal(1234.567, 1), decimal(0.5, 2, sign=True), decimal(-3, 0, sign=True)
    ('1,234.6', '+0.50', '-3')
    """
    if _missing(value):
        return "–"
    v = float(value)
    text = _fixed(abs(v), digits) if sign else _fixed(v, digits)
    if sign:
        return ("-" if v < 0 and round(abs(v), digits) > 0 else "+") + text
    return text


def percent(value: Any, digits: int = 0) -> str:
    """A share (0-1) as a percentage in the report's language (``71%`` / ``71 %``)."""
    if _missing(value):
        return "–"
    return _percent(float(value), digits)


def _na(style: str) -> str:
    return _("n/a") if style == "prose" else "–"


def number(value: Any, unit: str = "", *, style: Style = "table") -> str:
    """A number as text: a share as a percentage, a count with thousands separators.

    ``table``: integers ``1,234``; ``|x| >= 100`` no decimals; ``0 < |x| < 0.1`` three
    decimals; ``|x| < 10`` two; else one. ``prose``: ``points`` and ``|x| >= 10`` no
    decimals, nor integers, else two. Missing values are "–" in tables and "n/a" in prose.
    """
    if _missing(value):
        return _na(style)
    value = float(value)
    if is_share(unit):
        return _percent(value)
    if style == "prose":
        if unit == "points" or abs(value) >= 10 or value.is_integer():
            return _fixed(value, 0)
        return _fixed(value, 2)
    if value.is_integer() and abs(value) < 1e15:
        return _fixed(value, 0)
    if abs(value) >= 100:
        return _fixed(value, 0)
    if 0 < abs(value) < 0.1:
        return _fixed(value, 3)
    return _fixed(value, 2) if abs(value) < 10 else _fixed(value, 1)


def cell(value: Any, unit: str = "") -> str:
    """Any table value as text: numbers with :func:`number`, booleans as yes / no, dates
    as ``YYYY-MM-DD``, missing values as "–"."""
    if _missing(value):
        return "–"
    if isinstance(value, float | np.floating):
        return number(value, unit)
    if isinstance(value, bool | np.bool_):
        return _("yes") if value else _("no")
    if isinstance(value, int | np.integer):
        return _fixed(float(value), 0) if abs(int(value)) < 10**15 else f"{value:,}"
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)


def change(delta: float, unit: str, rel: float) -> str:
    """A change in a sentence: percentage points for a share, points for a score, else the
    relative change (or the absolute one when there is no relative change)."""
    sign = "+" if delta > 0 else "-"
    if is_share(unit):
        word = _("percentage points")
        return f"{sign}{_fixed(abs(delta) * 100, 0)} {word}"
    if unit == "points":
        word = _("points")
        return f"{sign}{_fixed(abs(delta), 0)} {word}"
    if np.isfinite(rel):
        return f"{sign}{_percent(abs(rel))}"
    return f"{sign}{number(abs(delta), unit, style='prose')}"


def card_change(delta: float, unit: str) -> str:
    """A change on a headline card: ``+3 pts`` for a share, ``+12`` or ``+0.05``."""
    sign = "+" if delta >= 0 else "-"
    if is_share(unit):
        word = _("pts")
        return f"{sign}{_fixed(abs(delta) * 100, 0)} {word}"
    if float(delta).is_integer():
        return f"{sign}{_fixed(abs(delta), 0)}"
    return f"{sign}{_fixed(abs(delta), 2)}"


def pretty(name: Any, *, capital: bool = True) -> str:
    """A snake_case or kebab-case name in words, capitalised (``problem_solving`` ->
    ``Problem solving``; ``capital=False``: ``problem solving``)."""
    text = str(name).replace("_", " ").replace("-", " ").strip()
    return text.capitalize() if capital else text


_KEY = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def words(text: Any) -> str:
    """``text`` with every snake_case key in it written in words, through :func:`pretty`:
    a value or a note shown on a page (``social_services``, ``families_referred: 318``).

    >>> words("families_referred_across_agencies: 318, target 300")
    'families referred across agencies: 318, target 300'
    """
    return _KEY.sub(lambda m: pretty(m.group(0), capital=False), str(text))
