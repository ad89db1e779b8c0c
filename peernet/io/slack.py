"""Slack workspace exports (folder or zip).

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_slack']


def read_slack(path, *, identities=None, errors='report'):
    raise NotImplementedError('read_slack' + ' is not written yet')
