"""Peer matching and small-group formation.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['match', 'groups']


def match(net, **kwargs):
    raise NotImplementedError('match' + ' is not written yet')


def groups(net, **kwargs):
    raise NotImplementedError('groups' + ' is not written yet')
