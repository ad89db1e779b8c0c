"""Per-member metrics and roles.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['member_metrics']


def member_metrics(net, *, graph=None):
    raise NotImplementedError('member_metrics' + ' is not written yet')
