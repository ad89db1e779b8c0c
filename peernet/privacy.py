"""Pseudonymisation and small-group suppression.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['pseudonymize']


def pseudonymize(net, *, salt, keep=('org', 'sector', 'region')):
    raise NotImplementedError('pseudonymize' + ' is not written yet')
