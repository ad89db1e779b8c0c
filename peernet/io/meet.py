"""Google Meet attendance CSVs.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_meet']


def read_meet(path, *, date=None, tz, identities=None, errors='report'):
    raise NotImplementedError('read_meet' + ' is not written yet')
