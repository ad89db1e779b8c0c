"""Levels of responsibility (director / manager / staff / resident or family member).

The mapping from titles, roles and sectors to levels is a TOML file shipped with peernet
(``peernet/match/levels.toml``); a coordinator edits a copy and passes its path. Every
member's level comes with the evidence it was inferred from, so the inference can be checked.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .profiles import attr

__all__ = ["LevelMap", "load_level_map", "infer_levels", "LEVEL_COLUMNS"]

LEVEL_COLUMNS = ["member_id", "level", "rank", "source"]
_FIELDS = ("title", "role", "sector")


@dataclass(frozen=True)
class LevelMap:
    """Ordered levels (top first), the default level, and rules ``(level, field, pattern)``."""

    order: tuple[str, ...]
    default: str
    rules: tuple[tuple[str, str, str], ...]
    source: str = "levels.toml (default)"

    def rank(self, level: str) -> int:
        """Position of ``level`` in ``order`` (0 = top)."""
        return self.order.index(level)


def _parse(raw: Mapping[str, Any], source: str) -> LevelMap:
    def bad(msg: str) -> DataError:
        return DataError(f"{source}: {msg}. See the shipped peernet/match/levels.toml for the "
                         "format.")

    order = raw.get("order")
    if not isinstance(order, list) or not order or not all(isinstance(x, str) for x in order):
        raise bad("'order' must be a list of level names, top first")
    default = raw.get("default", order[-1])
    if default not in order:
        raise bad(f"'default' must be one of {order}; got {default!r}")
    rules: list[tuple[str, str, str]] = []
    for i, rule in enumerate(raw.get("rule", []), 1):
        level = rule.get("level") if isinstance(rule, Mapping) else None
        if not isinstance(level, str) or level not in order:
            raise bad(f"rule {i}: 'level' must be one of {order}; got {level!r}")
        unknown = sorted(set(rule) - {"level", *_FIELDS})
        if unknown:
            raise bad(f"rule {i}: unknown key(s) {unknown}; keys are level, title, role, "
                      "sector")
        for field in _FIELDS:
            patterns = rule.get(field, [])
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise bad(f"rule {i}: {field!r} must be a list of strings")
            rules.extend((level, field, p.strip().lower()) for p in patterns if p.strip())
    return LevelMap(tuple(order), default, tuple(rules), source)


def load_level_map(path: str | Path | Mapping[str, Any] | LevelMap | None = None) -> LevelMap:
    """The level mapping: the shipped ``levels.toml`` (None), a TOML file, or a parsed dict.

    Examples
    --------
    >>> from peernet.match import load_level_map
    >>> load_level_map().order
    ('director', 'manager', 'staff', 'resident_or_family')
    """
    if isinstance(path, LevelMap):
        return path
    if path is None:
        text = resources.files("peernet.match").joinpath("levels.toml").read_text("utf-8")
        return _parse(tomllib.loads(text), "levels.toml (default)")
    if isinstance(path, Mapping):
        return _parse(path, "level_map")
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"level_map: file not found: {p}")
    try:
        raw = tomllib.loads(p.read_text("utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise DataError(f"{p.name}: cannot be read as TOML ({err})") from err
    return _parse(raw, p.name)


def infer_levels(members: pd.DataFrame, level_map: LevelMap) -> pd.DataFrame:
    """One row a member: ``member_id, level, rank`` (0 = top) and the ``source`` it came from.

    A ``level`` column in the roster wins where filled (it must name a level of the map);
    else the first field among title, role and sector in which a rule's pattern appears as
    whole words (rules read top to bottom); else the map's default.
    """
    n = len(members)
    level = np.full(n, None, dtype=object)
    source = np.full(n, "", dtype=object)
    given = attr(members, "level").to_numpy(dtype=object)
    if "level" in members.columns:
        norm = pd.Series(given, dtype="object").str.lower().to_numpy(dtype=object)
        bad = pd.notna(norm) & ~pd.Series(norm).isin(level_map.order).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(f"members, row {i + 1}, column 'level': {given[i]!r} is not a "
                            f"level of {level_map.source}; levels are {list(level_map.order)}")
        has = pd.notna(norm)
        level[has] = norm[has]
        source[has] = "level column"
    for field in _FIELDS:
        values = attr(members, field)
        low = values.str.lower()
        for lvl, f, pattern in level_map.rules:
            if f != field:
                continue
            todo = pd.isna(level) & low.notna().to_numpy()
            if not todo.any():
                break
            regex = r"(?<![a-z0-9])" + re.escape(pattern).replace(r"\ ", r"\s+") + r"(?![a-z0-9])"
            hit = todo & low.str.contains(regex, regex=True).fillna(False).to_numpy(bool)
            level[hit] = lvl
            source[hit] = (f"{field} '" + values[hit].astype("str") + f"' ~ '{pattern}'").to_numpy()
    rest = pd.isna(level)
    level[rest] = level_map.default
    source[rest] = "default (no title, role or sector rule matched)"
    ranks = {lv: i for i, lv in enumerate(level_map.order)}
    return pd.DataFrame({
        "member_id": members["member_id"].astype("str").to_numpy(),
        "level": pd.Series(level, dtype="str"),
        "rank": np.array([ranks[x] for x in level], dtype="int64"),
        "source": pd.Series(source, dtype="str"),
    })[LEVEL_COLUMNS]
