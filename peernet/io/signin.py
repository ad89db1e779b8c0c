"""Sign-in sheets in Excel workbooks.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_signin']


def read_signin(path, *, tz, identities=None, errors='report'):
    raise NotImplementedError('read_signin' + ' is not written yet')
