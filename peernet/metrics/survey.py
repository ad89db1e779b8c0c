"""Survey scores (PARTNER-style trust and value).

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['survey_scores']


def survey_scores(net, *, wave=None, level='member'):
    raise NotImplementedError('survey_scores' + ' is not written yet')
