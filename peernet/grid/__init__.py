"""Community Change Grid scoring (Backer & Kern 2010): rubric, indicators, layer scores."""

from .score import *  # noqa: F403
from .score import __all__ as _score_all

__all__ = list(_score_all)
