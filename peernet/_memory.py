"""Freed memory handed back to the system between the stages of a long run.

pyarrow's memory pool (mimalloc or jemalloc) and glibc's ``malloc`` keep pages freed by
one stage for reuse, and a stage of another kind (pandas after Arrow, the report after
the metrics) rarely reuses them: after ``pn.load`` of 100,000 members / 12.5M rows about
a gigabyte of resident memory held nothing. :func:`release` gives those pages back; it
changes no value, costs milliseconds, and is called after ``pn.load``, between the steps of
``pn.evaluate`` and before each step of the command line's report.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

__all__ = ["collecting_new", "release", "trim"]

F = TypeVar("F", bound=Callable[..., Any])

#: Below this resident size :func:`release` does nothing: a small network's process has
#: little to hand back, and the full garbage collection costs 50-70 ms a call (riverbend's
#: ``peernet evaluate`` calls it about 20 times).
MIN_RESIDENT = 512 * 2**20


def _resident() -> int | None:
    """Resident memory of this process in bytes (Linux's /proc), None where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
        return lib if lib is not None and hasattr(lib, "malloc_trim") else None
    except OSError:
        return None


def release() -> None:
    """Hand memory freed by Arrow tables and by Python and numpy objects back to the system:
    unreachable objects are collected, Arrow's pool releases its unused pages and glibc
    trims its heaps (``malloc_trim``; a no-op where the C library is not glibc). Nothing
    below :data:`MIN_RESIDENT` resident."""
    if _small():
        return
    import pyarrow as pa

    gc.collect()   # tables and frames in reference cycles are freed here, not at exit
    pa.default_memory_pool().release_unused()
    _malloc_trim()


def trim() -> None:
    """Hand back what glibc's heaps hold free (``malloc_trim``), without a garbage
    collection or Arrow's pool: milliseconds, so a long step can call it between its parts
    (the Grid between its indicators: at 100,000 members each leaves tens to hundreds of
    megabytes of freed arrays in the heap, under the 32 MB that glibc maps apart).
    Nothing below :data:`MIN_RESIDENT` resident, nor where the C library is not glibc."""
    if not _small():
        _malloc_trim()


def _small() -> bool:
    """This process is resident under :data:`MIN_RESIDENT` (little to hand back)."""
    resident = _resident()
    return resident is not None and resident < MIN_RESIDENT


def _malloc_trim() -> None:
    """glibc's ``malloc_trim(0)``; nothing where the C library is not glibc."""
    lib = _libc()
    if lib is not None:
        lib.malloc_trim(0)


def collecting_new(fn: F) -> F:
    """``fn`` with the objects made before it left out of garbage collections while it runs
    (``gc.freeze()``, then ``gc.unfreeze()``): its :func:`release` calls collect the
    garbage of its own steps without walking the whole heap (a loaded 10k network's
    evaluation: 0.12-0.14 s a full collection) and forked children do not write into the
    pages of objects they share. Nothing is lost: an object made before and garbage
    meanwhile is collected after (refcounted objects at once, as always). When objects are
    frozen already (the caller's, or an outer call's) it runs as it is."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if gc.get_freeze_count():
            return fn(*args, **kwargs)
        gc.freeze()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.unfreeze()
    return wrapper  # type: ignore[return-value]
