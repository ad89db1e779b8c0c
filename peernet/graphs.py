"""Graphs from a PeerNetwork: person, organization and person x event.

Placeholder: being written (see the open issue)."""

from __future__ import annotations

__all__ = ['person_graph', 'org_graph', 'event_graph']


def person_graph(net, *, kinds=None, directed=False, weight='count'):
    raise NotImplementedError('person_graph' + ' is not written yet')


def org_graph(net):
    raise NotImplementedError('org_graph' + ' is not written yet')


def event_graph(net):
    raise NotImplementedError('event_graph' + ' is not written yet')
