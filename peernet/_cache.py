"""The one memo of peernet: results kept on the object they were computed from.

peernet's objects are immutable once built (a :class:`~peernet.network.PeerNetwork` and its
slices, an Evaluation, a graph's arrays), so anything computed from one of them can be kept
with it and handed out again: the ties of a slice, its graphs' arrays, the Grid's inputs,
the slices of a network. :func:`cached` is the only place that does so::

    ties = cached(net, ("ties", kinds), lambda: build_ties(net, kinds))

The store is a plain dict kept in the owner's own ``__dict__`` (frozen dataclasses
included). It lives and dies with its owner: nothing global holds the owner, so a network
that is no longer used is freed with everything kept on it, even when a kept value refers
back to its owner (a slice refers to the network it was cut from; a global
``WeakKeyDictionary`` would keep such an owner alive forever through its value).

Pickles and copies leave the store behind (a copy of a network gets slices of its own):
classes whose instances hold a memo inherit :class:`Memoized`, or call :func:`without_memo`
from their own ``__getstate__``. An owner without a ``__dict__`` (a slotted object) is not
memoised: ``build()`` runs every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["cached", "memo", "forget", "without_memo", "Memoized"]

T = TypeVar("T")

#: The key of the store in an owner's ``__dict__``.
_ATTR = "_peernet_memo"


def memo(owner: object) -> dict[Hashable, Any] | None:
    """The memo of ``owner`` (created on first use), or None when it cannot hold one."""
    attrs = getattr(owner, "__dict__", None)
    if not isinstance(attrs, dict):
        return None
    store = attrs.get(_ATTR)
    if store is None:
        store = attrs.setdefault(_ATTR, {})
    return store


def cached(owner: object, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, computed once per ``owner`` and ``key`` and kept with ``owner``.

    ``owner`` must not change after it was built (its results would go stale); ``key``
    names the result and every argument it depends on, e.g. ``("ties", kinds, weights)``.
    Use the tuple's first item for the module or concept, so keys of different modules
    cannot collide.

    Examples
    --------
    >>> class Box:
    ...     pass
    >>> box, calls = Box(), []
    >>> cached(box, ("answer",), lambda: calls.append(1) or 42)
    42
    >>> cached(box, ("answer",), lambda: calls.append(1) or 42), len(calls)
    (42, 1)
    """
    store = memo(owner)
    if store is None:
        return build()
    try:
        return store[key]
    except KeyError:
        return store.setdefault(key, build())


def forget(owner: object, key: Hashable | None = None, *, kind: str | None = None) -> None:
    """Drop kept results of ``owner``: the one under ``key``, those whose key is a tuple
    starting with ``kind`` (``forget(net, kind="slice")``: its memoised slices), or all of
    them when neither is given."""
    store = memo(owner)
    if store is None:
        return
    if key is not None:
        store.pop(key, None)
    if kind is not None:
        for k in [k for k in store if isinstance(k, tuple) and k[:1] == (kind,)]:
            del store[k]
    if key is None and kind is None:
        store.clear()


def without_memo(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` (an instance's ``__dict__``) without the memo, for ``__getstate__``."""
    return {k: v for k, v in state.items() if k != _ATTR}


class Memoized:
    """Mixin: pickles and copies of an instance leave its memo behind."""

    def __getstate__(self) -> dict[str, Any]:
        return without_memo(self.__dict__)
