"""Freed memory handed back to the system between the stages of a long run.

pyarrow's memory pool (mimalloc or jemalloc) and glibc's ``malloc`` keep pages freed by
one stage for reuse, and a stage of another kind (pandas after Arrow, the report after
the metrics) rarely reuses them: after ``pn.load`` of 100,000 members / 12.5M rows about
a gigabyte of resident memory held nothing. :func:`release` gives those pages back; it
changes no value, costs milliseconds, and is called after ``pn.load``, between the steps of
``pn.evaluate`` and before each step of the command line's report.

:func:`spare` is the memory this process's tree may still take before a limit: its memory
group's (a container's: cgroup v2 ``memory.max``, v1 ``hierarchical_memory_limit``) less
what the group uses, the file pages the kernel reclaims first (``inactive_file``) counted
as free, or the machine's ``MemAvailable`` when that is less. :func:`room_to_fork` applies
the rule of :mod:`peernet._parallel`: a child is forked only when the spare memory is at
least twice this process's resident memory (a forked child may come to hold as much as
its parent, whose next step meanwhile grows as much again); otherwise the work runs here,
one step after the other, with the same numbers. Under a 4 GB container limit, 300,000
members' evaluation (3 GB resident) forks nothing; on a machine of 23 GB, 100,000 members'
(2.5 GB) forks as before.

:func:`file_array` makes an array whose memory is a file's pages (a shared mapping of a
file unlinked at once): under a memory limit the kernel writes such pages to disk and reads
them back when they are used again, where it can only kill a process for its anonymous
memory. ``pn.load(..., engine="duckdb")`` holds the interactions' integer columns there;
:func:`paged_like` puts what is computed from them (a period's tie table) beside them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import mmap
import os
import tempfile
import weakref
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

import numpy as np

__all__ = ["collecting_new", "file_array", "file_folder", "paged_like", "release",
           "room_to_fork", "spare", "trim"]

F = TypeVar("F", bound=Callable[..., Any])

#: Below this resident size :func:`release` does nothing: a small network's process has
#: little to hand back, and the full garbage collection costs 50-70 ms a call (riverbend's
#: ``peernet evaluate`` calls it about 20 times).
MIN_RESIDENT = 512 * 2**20


def _resident() -> int | None:
    """Resident memory of this process in bytes (Linux's /proc), None where unknown."""
    fields = (_read("/proc/self/statm") or "").split()
    if len(fields) < 2 or not fields[1].isdigit():
        return None
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _stat(text: str | None) -> dict[str, int]:
    """``name value`` lines (``memory.stat``, ``/proc/meminfo`` without units) as a dict."""
    out = {}
    for line in (text or "").splitlines():
        parts = line.replace(":", " ").split()
        if len(parts) >= 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


#: Where cgroup v1's memory controller and the v2 hierarchy are mounted on Linux.
CGROUP_V1, CGROUP_V2 = "/sys/fs/cgroup/memory", "/sys/fs/cgroup"


def _group_spare() -> int | None:
    """What this process's memory group's limit leaves (bytes), None without a limit."""
    groups = dict(line.split(":", 2)[1:] for line in (_read("/proc/self/cgroup") or "")
                  .splitlines() if line.count(":") >= 2)
    path = groups.get("memory")
    if path is not None:                                   # cgroup v1
        base = os.path.join(CGROUP_V1, path.lstrip("/"))
        stat = _stat(_read(os.path.join(base, "memory.stat")))
        used = _read(os.path.join(base, "memory.usage_in_bytes"))
        limit = stat.get("hierarchical_memory_limit", 0)
        if not used or not limit or limit >= 2**62:
            return None
        return limit - int(used) + stat.get("total_inactive_file", 0)
    path = groups.get("")
    if path is None:
        return None
    best: int | None = None                                # cgroup v2: the tightest level
    base = os.path.join(CGROUP_V2, path.lstrip("/"))
    while base.startswith(CGROUP_V2):
        cap, used = _read(os.path.join(base, "memory.max")), \
            _read(os.path.join(base, "memory.current"))
        if cap and used and cap.strip().isdigit():
            left = int(cap) - int(used) + _stat(
                _read(os.path.join(base, "memory.stat"))).get("inactive_file", 0)
            best = left if best is None else min(best, left)
        if base == CGROUP_V2:
            break
        base = os.path.dirname(base)
    return best


def spare() -> int | None:
    """Memory (bytes) this process's tree may still take: what its memory group's limit
    leaves (see the module's notes) or the machine's available memory, the smaller; None
    where neither is known (not Linux)."""
    available = _stat(_read("/proc/meminfo")).get("MemAvailable")
    known = [v for v in (_group_spare(), None if available is None else available * 1024)
             if v is not None]
    return min(known) if known else None


def room_to_fork(grow: int = 0) -> bool:
    """Whether a forked child fits: :func:`spare` is at least twice this process's resident
    memory (True where either is unknown), this process grown first by ``grow`` bytes (what
    it would make before the fork: taken from the spare memory, added to the resident)."""
    left, resident = spare(), _resident()
    return left is None or resident is None or left - grow >= 2 * (resident + grow)


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


def file_array(n: int, dtype: Any, folder: str | os.PathLike[str]) -> np.ndarray:
    """A writable array of ``n`` zeros of ``dtype`` whose memory is a file's pages.

    The file is made in ``folder``, its disk space reserved (``posix_fallocate``: a full
    disk is an error here, not a crash when a page is written later), mapped shared and
    unlinked before this returns, so nothing is left on disk when the array goes or the
    process ends, however it ends. Under a memory limit (a container's) the kernel writes
    the array's pages to that file and drops them, where it could only kill the process
    for the same data in anonymous memory; without pressure they stay in memory and cost
    what an ordinary array costs. Forked children share the pages: write into the array
    only before a fork (make it read-only after, ``a.flags.writeable = False``). Where the
    folder's file system refuses (no space, no ``fallocate``), an ordinary array.
    """
    dtype = np.dtype(dtype)
    size = n * dtype.itemsize
    if size == 0:
        return np.zeros(n, dtype)
    try:
        fd, name = tempfile.mkstemp(prefix="peernet-column-", dir=folder)
    except OSError:
        return np.zeros(n, dtype)
    try:
        os.unlink(name)
        os.posix_fallocate(fd, 0, size)
        buf = mmap.mmap(fd, size)          # MAP_SHARED, read and write
    except OSError:
        return np.zeros(n, dtype)
    finally:
        os.close(fd)
    _FOLDERS[buf] = os.fspath(folder)
    return np.frombuffer(buf, dtype=dtype, count=n)


#: The folder of each :func:`file_array`'s file (by its mapping, while it lives).
_FOLDERS: weakref.WeakKeyDictionary[mmap.mmap, str] = weakref.WeakKeyDictionary()

#: Arrays below this size stay ordinary arrays in :func:`paged_like` (a file each is not
#: worth it: a small network's tie tables).
PAGED_BYTES = 2**20


def _mapping(a: np.ndarray) -> mmap.mmap | None:
    """The mapping whose memory ``a`` is (a :func:`file_array` or a view of one), else None."""
    base: Any = a
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def file_folder(a: np.ndarray) -> str | None:
    """The folder in which the file whose pages hold ``a`` (a :func:`file_array` or a view
    of one) was made; None when ``a``'s memory is not such a file's."""
    mapping = _mapping(a)
    return None if mapping is None else _FOLDERS.get(mapping)


def paged_like(a: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``a`` copied into a read-only :func:`file_array` when ``like``'s memory is one (in its
    folder, or that folder's parent once it is removed: ``pn.load``'s work folder), so that
    what is computed from a table in files' pages is held the same way, written to the file
    at once (a dirty page waits for its writeback before a memory group can reclaim it);
    else (below :data:`PAGED_BYTES`, or when ``a`` is in one already) ``a`` itself. The
    same values and dtype."""
    folder = file_folder(like) if a.nbytes >= PAGED_BYTES and file_folder(a) is None else None
    where = next((f for f in (folder, os.path.dirname(folder or "")) if f and
                  os.path.isdir(f)), None) if folder else None
    if where is None:
        return a
    out = file_array(len(a), a.dtype, where)
    out[:] = a
    out.flags.writeable = False
    mapping = _mapping(out)
    if mapping is not None:   # written to the file now (msync): clean pages, which a
        mapping.flush()       # memory limit reclaims without waiting
    return out
