"""Network maps.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['network_map', 'layout', 'map_years', 'org_map']


def network_map(net, **kwargs):
    raise NotImplementedError('network_map' + ' is not written yet')


def layout(net_or_graph, **kwargs):
    raise NotImplementedError('layout' + ' is not written yet')


def map_years(net, periods, **kwargs):
    raise NotImplementedError('map_years' + ' is not written yet')


def org_map(net, **kwargs):
    raise NotImplementedError('org_map' + ' is not written yet')
