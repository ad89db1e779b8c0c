"""Evaluation charts.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['participation', 'grid', 'trend', 'roles', 'save']


def participation(df, **kwargs):
    raise NotImplementedError('participation' + ' is not written yet')


def grid(score, **kwargs):
    raise NotImplementedError('grid' + ' is not written yet')


def trend(evaluation, **kwargs):
    raise NotImplementedError('trend' + ' is not written yet')


def roles(member_metrics, **kwargs):
    raise NotImplementedError('roles' + ' is not written yet')


def save(fig, path, **kwargs):
    raise NotImplementedError('save' + ' is not written yet')
