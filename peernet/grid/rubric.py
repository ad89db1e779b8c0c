"""The Grid rubric: which indicators score each element, and how raw values become 0-100.

A rubric is a TOML file (the default ships as ``peernet/grid/rubric.toml``)::

    version = "2026.2"
    min_coverage = 0.5                 # an element needs this weight share with data

    [bands]                            # lower score bound of each band
    developing = 40
    strong = 70

    [indicators.trust.reciprocity]     # indicators.<element>.<indicator name>
    function = "reciprocity"           # a key of peernet.grid.INDICATORS
    unit = "share"
    direction = "higher"               # or "lower": smaller values are better
    thresholds = [0.05, 0.2, 0.35, 0.55]   # raw values at the anchor scores
    scores = [0, 40, 70, 100]          # optional; default [0, 40, 70, 100] for 4 anchors
    weight = 1.0
    rationale = "Mutual ties are the observable side of trust (Backer & Kern 2010)."

Between anchors the score is linear; below the first anchor it is the first score, above
the last the last score. With ``direction = "lower"`` the thresholds decrease (the value
that earns 0 is the largest). :func:`load_rubric` checks every entry and raises
:class:`~peernet.errors.RubricError` naming the file, the entry and the key.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from ..errors import RubricError

__all__ = ["Rubric", "IndicatorSpec", "load_rubric", "default_rubric", "LAYERS", "ELEMENTS",
           "ELEMENT_LAYER", "BANDS", "map_score", "band_of"]

#: The Grid's five layers, bottom up, with their elements (Backer & Kern 2010).
LAYERS: dict[str, tuple[str, ...]] = {
    "bedrock": ("trust", "time", "truth"),
    "foundation": ("communication", "space", "resources", "problem_solving"),
    "strategies": ("good_practices", "challenges"),
    "immediate_outcomes": ("learning", "capacity_building", "infrastructure"),
    "ultimate_outcome": ("community_change",),
}
ELEMENTS: tuple[str, ...] = tuple(e for els in LAYERS.values() for e in els)
ELEMENT_LAYER: dict[str, str] = {e: layer for layer, els in LAYERS.items() for e in els}
#: Band names, lowest first; a score's band is the last whose lower bound it reaches.
BANDS = ("emerging", "developing", "strong")
DEFAULT_SCORES = (0.0, 40.0, 70.0, 100.0)
_INDICATOR_KEYS = {"function", "unit", "direction", "thresholds", "scores", "weight",
                   "rationale", "params", "label"}
_TOP_KEYS = {"version", "min_coverage", "bands", "indicators", "elements", "title",
             "description"}


@dataclass(frozen=True)
class IndicatorSpec:
    """One rubric entry: how one indicator is computed and scored."""

    element: str
    name: str
    function: str
    unit: str
    direction: str
    thresholds: tuple[float, ...]
    scores: tuple[float, ...]
    weight: float
    rationale: str
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def layer(self) -> str:
        return ELEMENT_LAYER[self.element]

    def score(self, value: float) -> float:
        """The 0-100 score of a raw value (NaN stays NaN)."""
        return map_score(value, self.thresholds, self.scores)


@dataclass(frozen=True)
class Rubric:
    """A parsed, checked rubric. Build with :func:`load_rubric`.

    Attributes
    ----------
    version : str
        The rubric's version (reported with every score).
    min_coverage : float
        Weight share of an element's indicators that must have data for it to be scored.
    bands : dict
        Lower score bound of ``developing`` and ``strong`` (``emerging`` starts at 0).
    indicators : tuple of IndicatorSpec
        Every entry, in the Grid's element order.
    element_min_coverage : dict
        Per-element overrides of ``min_coverage`` (``[elements.<name>] min_coverage``).
    source : str
        The file the rubric came from (``"default"`` for the shipped one).
    """

    version: str
    min_coverage: float
    bands: Mapping[str, float]
    indicators: tuple[IndicatorSpec, ...]
    element_min_coverage: Mapping[str, float] = field(default_factory=dict)
    source: str = "default"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def for_element(self, element: str) -> list[IndicatorSpec]:
        """The entries that score ``element``."""
        return [s for s in self.indicators if s.element == element]

    def coverage_needed(self, element: str) -> float:
        return float(self.element_min_coverage.get(element, self.min_coverage))

    def get(self, element: str, name: str) -> IndicatorSpec:
        for s in self.indicators:
            if s.element == element and s.name == name:
                return s
        names = [f"{s.element}.{s.name}" for s in self.indicators]
        raise KeyError(f"no rubric entry {element}.{name}; entries are {names}")

    def override(self, element: str, name: str, **changes: Any) -> Rubric:
        """A new rubric with some keys of one entry changed (checked like a file).

        Examples
        --------
        >>> r = pn.grid.load_rubric().override("trust", "reciprocity", weight=2.0)
        >>> r.get("trust", "reciprocity").weight
        2.0
        """
        return self.merge({"indicators": {element: {name: changes}}})

    def merge(self, overrides: Mapping[str, Any], *, source: str = "<override>") -> Rubric:
        """A new rubric: ``overrides`` (same shape as the TOML) merged into this one.

        An entry set to an empty table ``{}`` is kept unchanged; to drop an indicator set its
        ``weight`` to 0.
        """
        raw = _deep_merge(copy.deepcopy(dict(self.raw)), overrides)
        return parse_rubric(raw, source=f"{self.source} + {source}")

    def band(self, score: float) -> str:
        return band_of(score, self.bands)


def map_score(value: float, thresholds, scores=DEFAULT_SCORES) -> float:
    """Map a raw value to 0-100, linear between anchors, flat outside them.

    Examples
    --------
    >>> map_score(0.2, [0.1, 0.2, 0.3, 0.4])
    40.0
    >>> map_score(0.25, [0.1, 0.2, 0.3, 0.4])
    55.0
    >>> map_score(5, [30, 20, 10, 0])   # lower is better
    85.0
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    t = np.asarray(thresholds, dtype=float)
    s = np.asarray(scores, dtype=float)
    if t[0] > t[-1]:
        t, s = t[::-1], s[::-1]
    return float(np.interp(float(value), t, s))


def band_of(score: float, bands: Mapping[str, float]) -> str:
    """``emerging``, ``developing`` or ``strong`` for a 0-100 score (NaN: ``no data``)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "no data"
    if score >= bands["strong"]:
        return "strong"
    if score >= bands["developing"]:
        return "developing"
    return "emerging"


# ----------------------------------------------------------------------- loading
_DEFAULT: Rubric | None = None


def default_rubric() -> Rubric:
    """The rubric shipped with peernet (``peernet/grid/rubric.toml``), parsed once."""
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("peernet.grid").joinpath("rubric.toml").read_text("utf-8")
        _DEFAULT = _parse_text(text, source="rubric.toml (default)")
    return _DEFAULT


def load_rubric(path: str | Path | Mapping[str, Any] | Rubric | None = None) -> Rubric:
    """Read and check a rubric.

    Parameters
    ----------
    path : str, Path, dict, Rubric or None
        A TOML file; ``None`` for the default rubric; a dict of overrides merged into the
        default (same shape as the file, e.g. ``{"indicators": {"trust": {"reciprocity":
        {"weight": 2}}}}``); a Rubric is returned as is.

    Raises
    ------
    RubricError
        The file cannot be read or parsed, or an entry is malformed; the message names the
        file, the entry (``indicators.trust.reciprocity``) and the key.

    Examples
    --------
    >>> r = pn.grid.load_rubric()
    >>> r.version, r.min_coverage
    ('2026.2', 0.5)
    >>> r.get("problem_solving", "median_days_to_solve").direction
    'lower'
    """
    if path is None:
        return default_rubric()
    if isinstance(path, Rubric):
        return path
    if isinstance(path, Mapping):
        return default_rubric().merge(path)
    if not isinstance(path, (str, Path)):
        raise TypeError(f"rubric must be a path to a TOML file, a dict of overrides, a Rubric "
                        f"or None; got {type(path).__name__}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise RubricError(f"{p}: rubric file not found") from err
    except (OSError, UnicodeDecodeError) as err:
        raise RubricError(f"{p}: cannot read the rubric file ({err})") from err
    return _parse_text(text, source=p.name)


def _parse_text(text: str, *, source: str) -> Rubric:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RubricError(f"{source}: not valid TOML: {err}") from err
    return parse_rubric(raw, source=source)


def _deep_merge(base: dict, over: Mapping[str, Any]) -> dict:
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = _deep_merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _err(source: str, entry: str | None, key: str | None, problem: str, value: Any = None,
         *, show_value: bool = True) -> RubricError:
    where = [source]
    if entry:
        where.append(f"entry {entry!r}")
    if key:
        where.append(f"key {key!r}")
    got = f"; got {value!r}" if show_value else ""
    return RubricError(f"{', '.join(where)}: {problem}{got}")


def _number(x: Any) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def parse_rubric(raw: Mapping[str, Any], *, source: str = "<dict>") -> Rubric:
    """Check a rubric given as a dict (the parsed TOML) and build a :class:`Rubric`."""
    from .indicators import INDICATORS

    if not isinstance(raw, Mapping):
        raise _err(source, None, None, "a rubric must be a table", raw)
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise _err(source, None, unknown[0], f"unknown top-level key; keys are "
                   f"{sorted(_TOP_KEYS)}", show_value=False)
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise _err(source, None, "version", "the rubric needs a version string like "
                   "'2026.2'", version)
    min_cov = raw.get("min_coverage", 0.5)
    if not _number(min_cov) or not 0 <= min_cov <= 1:
        raise _err(source, None, "min_coverage", "must be a number from 0 to 1", min_cov)
    bands_raw = raw.get("bands", {"developing": 40, "strong": 70})
    if not isinstance(bands_raw, Mapping):
        raise _err(source, "bands", None, "must be a table with 'developing' and 'strong'",
                   bands_raw)
    bands = {}
    for key in ("developing", "strong"):
        v = bands_raw.get(key)
        if not _number(v) or not 0 < v <= 100:
            raise _err(source, "bands", key, "must be a number in (0, 100]", v)
        bands[key] = float(v)
    extra = sorted(set(bands_raw) - {"developing", "strong", "emerging"})
    if extra:
        raise _err(source, "bands", extra[0], "unknown band; bands are 'developing' and "
                   "'strong' (emerging starts at 0)", show_value=False)
    if bands["developing"] >= bands["strong"]:
        raise _err(source, "bands", "strong", f"must be above developing "
                   f"({bands['developing']:g})", bands["strong"])
    elements_raw = raw.get("elements", {})
    if not isinstance(elements_raw, Mapping):
        raise _err(source, "elements", None, "must be a table of elements", elements_raw)
    element_cov = {}
    for el, conf in elements_raw.items():
        entry = f"elements.{el}"
        if el not in ELEMENTS:
            raise _err(source, entry, None, f"unknown element; elements are {list(ELEMENTS)}",
                       show_value=False)
        if not isinstance(conf, Mapping):
            raise _err(source, entry, None, "must be a table", conf)
        for key, v in conf.items():
            if key == "min_coverage":
                if not _number(v) or not 0 <= v <= 1:
                    raise _err(source, entry, key, "must be a number from 0 to 1", v)
                element_cov[el] = float(v)
            elif key not in ("label", "description"):
                raise _err(source, entry, key, "unknown key; keys are 'min_coverage', "
                           "'label', 'description'", show_value=False)
    ind_raw = raw.get("indicators", {})
    if not isinstance(ind_raw, Mapping):
        raise _err(source, "indicators", None, "must be a table of elements", ind_raw)
    specs: list[IndicatorSpec] = []
    for el in ind_raw:
        if el not in ELEMENTS:
            raise _err(source, f"indicators.{el}", None, f"unknown element; elements are "
                       f"{list(ELEMENTS)}", show_value=False)
    for el in ELEMENTS:
        entries = ind_raw.get(el, {})
        if not isinstance(entries, Mapping):
            raise _err(source, f"indicators.{el}", None, "must be a table of indicators",
                       entries)
        for name, conf in entries.items():
            specs.append(_parse_indicator(el, name, conf, source, INDICATORS))
    return Rubric(version=version.strip(), min_coverage=float(min_cov), bands=bands,
                  indicators=tuple(specs), element_min_coverage=element_cov, source=source,
                  raw=copy.deepcopy(dict(raw)))


def _parse_indicator(element: str, name: str, conf: Any, source: str,
                     registry: Mapping[str, Any]) -> IndicatorSpec:
    entry = f"indicators.{element}.{name}"
    if not isinstance(conf, Mapping):
        raise _err(source, entry, None, "must be a table with function, unit, direction, "
                   "thresholds, weight, rationale", conf)
    unknown = sorted(set(conf) - _INDICATOR_KEYS)
    if unknown:
        raise _err(source, entry, unknown[0], f"unknown key; keys are "
                   f"{sorted(_INDICATOR_KEYS)}", show_value=False)
    for key in ("function", "unit", "direction", "thresholds", "weight", "rationale"):
        if key not in conf:
            raise _err(source, entry, key, "required key is missing", show_value=False)
    function = conf["function"]
    if not isinstance(function, str) or function not in registry:
        raise _err(source, entry, "function", f"not an indicator function; functions are "
                   f"{sorted(registry)}", function)
    unit = conf["unit"]
    if not isinstance(unit, str):
        raise _err(source, entry, "unit", "must be a string", unit)
    direction = conf["direction"]
    if direction not in ("higher", "lower"):
        raise _err(source, entry, "direction", "must be 'higher' or 'lower'", direction)
    thresholds = conf["thresholds"]
    if (not isinstance(thresholds, list) or len(thresholds) < 2
            or not all(_number(t) for t in thresholds)):
        raise _err(source, entry, "thresholds", "must be a list of at least 2 numbers",
                   thresholds)
    diffs = np.diff(np.asarray(thresholds, dtype=float))
    if direction == "higher" and not (diffs > 0).all():
        raise _err(source, entry, "thresholds", "must increase strictly when direction is "
                   "'higher'", thresholds)
    if direction == "lower" and not (diffs < 0).all():
        raise _err(source, entry, "thresholds", "must decrease strictly when direction is "
                   "'lower'", thresholds)
    if "scores" in conf:
        scores = conf["scores"]
        if (not isinstance(scores, list) or not all(_number(s) for s in scores)
                or len(scores) != len(thresholds)):
            raise _err(source, entry, "scores", f"must be a list of {len(thresholds)} numbers "
                       f"(one per threshold)", scores)
        if not all(0 <= s <= 100 for s in scores) or (np.diff(scores) < 0).any():
            raise _err(source, entry, "scores", "must rise from 0 towards 100 (each 0-100, "
                       "never decreasing)", scores)
    elif len(thresholds) == len(DEFAULT_SCORES):
        scores = list(DEFAULT_SCORES)
    else:
        raise _err(source, entry, "scores", f"needed when thresholds do not have "
                   f"{len(DEFAULT_SCORES)} points (the default scores are "
                   f"{list(DEFAULT_SCORES)})", show_value=False)
    weight = conf["weight"]
    if not _number(weight) or weight < 0:
        raise _err(source, entry, "weight", "must be a number >= 0", weight)
    rationale = conf["rationale"]
    if not isinstance(rationale, str) or not rationale.strip():
        raise _err(source, entry, "rationale", "must be a non-empty string citing the "
                   "indicator's source", rationale)
    params = conf.get("params", {})
    if not isinstance(params, Mapping):
        raise _err(source, entry, "params", "must be a table of keyword arguments", params)
    accepted = getattr(registry[function], "params", ())
    bad = sorted(set(params) - set(accepted))
    if bad:
        raise _err(source, entry, "params", f"{function} does not take {bad[0]!r}; it takes "
                   f"{sorted(accepted) or 'no parameters'}", dict(params))
    label = conf.get("label", "")
    if not isinstance(label, str):
        raise _err(source, entry, "label", "must be a string", label)
    return IndicatorSpec(element=element, name=str(name), function=function, unit=unit,
                         direction=direction, thresholds=tuple(float(t) for t in thresholds),
                         scores=tuple(float(s) for s in scores), weight=float(weight),
                         rationale=rationale.strip(), params=dict(params), label=label)
