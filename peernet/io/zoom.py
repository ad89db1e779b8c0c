"""Zoom meeting participants and webinar attendee reports.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_zoom']


def read_zoom(path, *, tz, identities=None, errors='report'):
    raise NotImplementedError('read_zoom' + ' is not written yet')
