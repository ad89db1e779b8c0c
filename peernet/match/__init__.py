"""Peer matching and peer learning groups: who should meet whom, how, and when.

:func:`match` suggests one-to-one peer matches (needs with expertise, or newcomers with
bridging members) on an equal footing; :func:`groups` forms small peer learning groups with
a convener, a first date and a format. Both return a :class:`MatchResult`, whose
``to_excel`` writes the introductions workbook a coordinator sends.

Modules: ``profiles`` (needs and expertise), ``levels`` (+ ``levels.toml``), ``constraints``
(supervision chains, known ties, languages), ``rules`` (hard rules and bonuses), ``assign``
(the min-cost flow), ``pairs`` (:func:`match`), ``groups`` (:func:`groups`), ``formats`` and
``plans`` (format, problem to bring, convener, first date, draft texts), ``result``.
The method and how each rule follows the seed documents: ``docs/matching.md``.

References
----------
National Center on Deaf-Blindness (2017). *Tips for organizing peer matches*, after the
Center for the Study of Social Policy, *Help on the way*.
"""

from .formats import FORMATS
from .groups import groups
from .levels import LevelMap, infer_levels, load_level_map
from .pairs import match
from .result import MatchResult
from .rules import SCORE_WEIGHTS

__all__ = ["match", "groups", "MatchResult", "SCORE_WEIGHTS", "FORMATS", "LevelMap",
           "load_level_map", "infer_levels"]
