"""Participation over time.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['participation']


def participation(net, *, freq='QS'):
    raise NotImplementedError('participation' + ' is not written yet')
