"""A folder of mixed exports, each file's format sniffed.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_events']


def read_events(path, *, tz, identities=None, errors='report'):
    raise NotImplementedError('read_events' + ' is not written yet')
