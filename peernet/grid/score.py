"""Community Change Grid scoring.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['score']


def score(net, *, rubric=None):
    raise NotImplementedError('score' + ' is not written yet')
