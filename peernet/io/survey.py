"""Member surveys: Qualtrics, Google Forms and long tables.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['read_survey']


def read_survey(path, *, roster=None, wave=None, items=None, scale=(1, 4), format='wide'):
    raise NotImplementedError('read_survey' + ' is not written yet')
