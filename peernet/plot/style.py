"""The house look of peernet figures: palettes, category colours, labels, ``style()``.

Colours are colour-blind safe: Okabe & Ito (2008) for up to 7 categories, Paul Tol's
"muted" scheme (Tol 2021) for 8 or 9; more categories than that are not told apart by
colour by anyone, so the largest keep a colour and the rest are drawn as one grey "other"
group (see :func:`category_colors`). Categories are sorted by name before colours are
given out, so an organization keeps its colour in every year's map as long as the set of
categories is taken from the same (whole) network.

Nothing here changes matplotlib's global state: :func:`style` is a context manager.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

__all__ = ["style", "category_colors", "CategoryColors", "OKABE_ITO", "TOL_MUTED", "OTHER_COLOR",
           "UNKNOWN_COLOR", "BAND_COLORS", "POSITION_COLORS", "safe_label"]

#: Okabe & Ito (2008) without black: orange, sky blue, bluish green, yellow, blue,
#: vermillion, reddish purple.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Paul Tol's "muted" qualitative scheme (9 colours), colour-blind safe.
TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
             "#999933", "#AA4499")
#: Fill of the grouped "other" category and of members whose attribute is unknown.
OTHER_COLOR = "#9A9A9A"
UNKNOWN_COLOR = "#FFFFFF"
#: Grid band fills: a light-to-dark sequential ramp (ordered by lightness, so it also
#: reads in greyscale and for colour-blind readers).
BAND_COLORS = {"emerging": "#EDF8B1", "developing": "#7FCDBB", "strong": "#2C7FB8",
               "insufficient data": "#FFFFFF"}
BAND_TEXT = {"emerging": "#222222", "developing": "#222222", "strong": "#FFFFFF",
             "insufficient data": "#555555"}
#: Core / periphery / isolate fills (Okabe-Ito blue, sky blue, orange).
POSITION_COLORS = {"core": "#0072B2", "periphery": "#56B4E9", "isolate": "#E69F00"}

_RC = {
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def style(**overrides: Any) -> Iterator[None]:
    """Draw with peernet's house look inside a ``with`` block (matplotlib rc settings).

    Parameters
    ----------
    **overrides
        rc settings that replace the house ones (``{"font.size": 11}``).

    Examples
    --------
    >>> import matplotlib
    >>> with pn.plot.style():
    ...     matplotlib.rcParams["axes.spines.top"]
    False
    >>> matplotlib.rcParams["axes.spines.top"]
    True
    """
    import matplotlib as mpl

    with mpl.rc_context(cast(Any, {**_RC, **overrides})):
        yield


def _palette(n: int) -> tuple[str, ...]:
    return OKABE_ITO if n <= len(OKABE_ITO) else TOL_MUTED


class CategoryColors(dict):
    """A ``category -> colour`` dict that also knows how many categories went to "other"."""

    grouped: int = 0


def category_colors(values: Iterable[Any] | pd.Series, *, max_categories: int = 10,
                    other: str = "other", unknown: str = "unknown",
                    palette: Mapping[str, str] | None = None) -> dict[str, str]:
    """Colour of every category, from a mapping sorted by name.

    Parameters
    ----------
    values : iterable
        The attribute of every member (one entry a member; NaN / None is "unknown"). Pass
        the whole roster, not one period's members, so colours stay the same every year.
    max_categories : int, default 10
        At most this many legend entries for real categories: when there are more, the
        ``max_categories - 1`` most frequent keep a colour and the rest become ``other``.
    other, unknown : str
        Labels of the grouped and of the missing category.
    palette : mapping, optional
        Fixed colours for some categories (they win over the house palette).

    Returns
    -------
    CategoryColors (a dict)
        ``category -> colour`` for the kept categories (sorted by name), then ``other``
        and ``unknown`` when they occur; ``.grouped`` is how many categories "other"
        holds. Use :func:`map_categories` to map values.

    References
    ----------
    Okabe, M. and Ito, K. (2008). Color Universal Design. https://jfly.uni-koeln.de/color/
    Tol, P. (2021). Colour schemes. SRON technical note SRON/EPS/TN/09-002.

    Examples
    --------
    >>> category_colors(["b", "a", "b", None])
    {'a': '#E69F00', 'b': '#56B4E9', 'unknown': '#FFFFFF'}
    """
    if max_categories < 2:
        raise ValueError(f"max_categories must be at least 2; got {max_categories!r}")
    s = pd.Series(list(values) if not isinstance(values, pd.Series) else values,
                  dtype="object")
    missing = bool(s.isna().any())
    counts = s.dropna().astype(str).value_counts()
    if len(counts) > max_categories:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = sorted(k for k, _ in ranked[: max_categories - 1])
        grouped = True
    else:
        kept = sorted(counts.index)
        grouped = False
    pal = _palette(len(kept))
    out = CategoryColors({k: pal[i % len(pal)] for i, k in enumerate(kept)})
    out.grouped = len(counts) - len(kept)
    if palette:
        out.update({k: v for k, v in palette.items() if k in out})
    if grouped:
        out[other] = OTHER_COLOR
    if missing:
        out[unknown] = UNKNOWN_COLOR
    return out


def map_categories(values: Iterable[Any], colors: Mapping[str, str], *, other: str = "other",
                   unknown: str = "unknown") -> np.ndarray:
    """The category each value is drawn as (kept, ``other`` or ``unknown``)."""
    s = pd.Series(list(values), dtype="object")
    out = s.astype(str).where(s.notna(), unknown)
    out = out.where(out.isin(list(colors)) | (out == unknown), other)
    return out.to_numpy(dtype=object)


def safe_label(name: Any, member_id: Any) -> str:
    """A label to print beside a node: the name, else the id, never an email address.

    Examples
    --------
    >>> safe_label("Ana Ruiz", "ana"), safe_label(None, "ana@x.org"), safe_label("a@b.c", "m1")
    ('Ana Ruiz', 'ana', 'm1')
    """
    for value in (name, member_id):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            continue
        text = str(value).strip()
        if text and "@" not in text:
            return text
    text = str(member_id)
    return text.split("@", 1)[0] if "@" in text else text
