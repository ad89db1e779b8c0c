"""Annual evaluation: periods side by side.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['evaluate']


def evaluate(net, *, periods, rubric=None, bootstrap=200):
    raise NotImplementedError('evaluate' + ' is not written yet')
