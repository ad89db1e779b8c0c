"""Mailing-list archives (mbox).

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_mbox']


def read_mbox(path, *, list_address=None, identities=None, errors='report'):
    raise NotImplementedError('read_mbox' + ' is not written yet')
