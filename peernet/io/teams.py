"""Microsoft Teams attendance reports (UTF-16, old and new layouts).

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_teams']


def read_teams(path, *, tz, identities=None, errors='report'):
    raise NotImplementedError('read_teams' + ' is not written yet')
