"""PARTNER's relational items and answer labels, and how a survey's questions and answers
are matched to them (used by :func:`peernet.read_survey` and :func:`peernet.survey_template`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["ITEM_QUESTIONS", "ANSWER_LABELS", "DEFAULT_ITEMS", "DEFAULT_LABELS", "item_key",
           "item_map", "label_map", "label_values"]

#: The question text of PARTNER's six relational items, by language (what
#: :func:`peernet.survey_template` writes; :data:`DEFAULT_ITEMS` reads every language).
ITEM_QUESTIONS = {
    "en": {"reliability": "Reliability", "mission": "Support of mission",
           "openness": "Open to discussion", "power": "Power/influence",
           "involvement": "Level of involvement", "resources": "Resource contribution"},
    "es": {"reliability": "Confiabilidad", "mission": "Apoyo a la misión",
           "openness": "Apertura al diálogo", "power": "Poder/influencia",
           "involvement": "Nivel de participación", "resources": "Aporte de recursos"},
}
#: PARTNER's 4-point answer labels, by language.
ANSWER_LABELS = {
    "en": {"Not at all": 1, "A small amount": 2, "A fair amount": 3, "A great deal": 4},
    "es": {"Nada": 1, "Un poco": 2, "Bastante": 3, "Mucho": 4},
}
#: PARTNER's six relational items: question label -> peernet item name.
DEFAULT_ITEMS = {
    **{q: item for lang in ITEM_QUESTIONS.values() for item, q in lang.items()},
    "Reliability": "reliability", "Support of mission": "mission",
    "In support of mission": "mission", "Open to discussion": "openness",
    "Openness to discussion": "openness", "Power/influence": "power",
    "Power / influence": "power", "Level of involvement": "involvement",
    "Resource contribution": "resources",
    # peernet's own names (long tables)
    "reliability": "reliability", "mission": "mission", "openness": "openness",
    "power": "power", "involvement": "involvement", "resources": "resources",
}
#: The usual 4-point labels of PARTNER's trust and value questions.
DEFAULT_LABELS = {label: v for lang in ANSWER_LABELS.values() for label, v in lang.items()}


def item_key(values: pd.Series | Sequence[str]) -> pd.Series:
    """Matching key of question texts and answer labels: case-folded, spaces collapsed."""
    s = pd.Series(values, dtype="object").astype("str")
    return s.str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


def item_map(items: Mapping[str, str] | Sequence[str] | None) -> dict[str, str]:
    """Question-label key -> item name: PARTNER's defaults, then ``items=`` (which wins)."""
    out = dict(zip(item_key(list(DEFAULT_ITEMS)), DEFAULT_ITEMS.values(), strict=True))
    if items is None:
        return out
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, (list, tuple)):
        pairs = [(i, i) for i in items]
    else:
        raise TypeError(f"items must be a mapping of question text to item name (e.g. "
                        f"{{'Reliability': 'reliability'}}); got {type(items).__name__}")
    for text, name in pairs:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"items: the item name for question {text!r} must be a "
                             f"non-empty string; got {name!r}")
        out[item_key([str(text)])[0]] = name.strip()
    return out


def label_map(labels: Mapping[str, float] | None) -> dict[str, float]:
    given = DEFAULT_LABELS if labels is None else labels
    if not isinstance(given, Mapping):
        raise TypeError(f"labels must be a mapping of answer text to number (e.g. "
                        f"{DEFAULT_LABELS}); got {type(given).__name__}")
    return dict(zip(item_key(list(given)), (float(v) for v in given.values()), strict=True))


def label_values(cells: pd.Series, labels: dict[str, float]) -> tuple[pd.Series, np.ndarray]:
    """Numbers from answer cells: a mapped label or a plain number; mask of unknown labels."""
    text = cells.astype("str").str.strip()
    number = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    mapped = item_key(text).map(labels).astype("float64")
    mapped.index = text.index
    value = mapped.fillna(number).astype("float64")
    unknown = (value.isna() & text.notna() & (text != "")).to_numpy().copy()
    return value, unknown


