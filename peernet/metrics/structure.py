"""Whole-network structure metrics.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['network_metrics']


def network_metrics(net, *, graph=None):
    raise NotImplementedError('network_metrics' + ' is not written yet')
