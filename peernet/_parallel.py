"""Two independent computations on two cores: one in a forked child, one here.

:func:`later` starts a computation in a forked child and gives its result when asked
(``pn.evaluate`` computes the bootstrap intervals so while it computes the rest);
:func:`both` is ``later`` of the first while this process does the second.

The bootstrap's replicates of two periods are independent (each period has its own random
stream, :func:`peernet.metrics.bootstrap_change`), so they can run at the same time with
results identical to running them one after the other. :func:`both` forks one child for
the first computation while this process does the second, and reads the child's result
back through a pipe (pickled).

It runs them one after the other instead (the same results, one core) when:

- the platform has no ``fork`` (Windows) or forking is not safe there (macOS: system
  libraries may abort in the child);
- the process runs other Python threads (a Jupyter kernel, a web server, a thread pool):
  a child forked from a threaded process can deadlock on a lock another thread held;
- one core is available, or ``PEERNET_WORKERS=1`` is set (a portfolio's worker processes
  set it: they are already one a core);
- the memory does not allow a second process (:func:`peernet._memory.room_to_fork`: the
  memory left under the process's limit, a container's or the machine's, is less than
  twice what the process holds): under a memory limit the steps run one after the other
  instead of doubling the peak;
- anything goes wrong in the child (its result is then computed here: a fork failure never
  changes a number, it costs time).

:func:`one_thread` keeps dense linear algebra of small matrices (an eigenvector of 150
members, a layout's stress majorization) on one BLAS thread: OpenBLAS's threads wait for
work by spinning, and on a machine whose cores are busy a 150 x 150 ``eigh`` took 0.4 s on
two threads against 2 ms on one (threadpoolctl; the numbers do not change).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Generic, TypeVar

from . import _memory

__all__ = ["Later", "Tasks", "both", "later", "one_thread", "when_idle", "workers"]

T = TypeVar("T")
U = TypeVar("U")

#: Environment variable: the number of processes peernet may use (1 turns forking off).
WORKERS_ENV = "PEERNET_WORKERS"


@cache
def _blas_controller() -> Any:
    """threadpoolctl's controller of the loaded BLAS libraries (finding them costs ~2 ms:
    once), or None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a dependency; without it, as before
        return None
    return ThreadpoolController()


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block's BLAS and LAPACK calls on one thread (for small matrices, where
    threads cost more than they share)."""
    controller = _blas_controller()
    if controller is None:  # pragma: no cover
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


def workers() -> int:
    """Processes peernet may use: ``PEERNET_WORKERS`` if set, else the cores this process
    may run on."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork(grow: int = 0) -> bool:
    """Whether :func:`both` forks here (see the module's notes), this process grown first
    by ``grow`` bytes (:func:`peernet._memory.room_to_fork`)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1 and workers() > 1
            and _memory.room_to_fork(grow))


def both(first: Callable[[], T], second: Callable[[], U]) -> tuple[T, U]:
    """``(first(), second())``, the first computed in a forked child when
    :func:`can_fork`, else here after the second."""
    pending = later(first)
    try:
        b = second()
    except BaseException:
        pending.cancel()
        raise
    return pending.result(), b


class Later(Generic[T]):
    """A computation started in a forked child (:func:`later`); :meth:`result` waits for it.

    Without a child (:func:`can_fork` is False, or the fork failed) the computation runs
    here when :meth:`result` is first asked for; when the child fails, it runs here again
    (its error is then raised here). Dropping the object unasked kills the child."""

    def __init__(self, fn: Callable[[], T], fork: bool = True):
        self.fn = fn
        self.pid: int | None = None
        self.read_fd: int | None = None
        self.done = False
        self.value: Any = None
        if not fork or not can_fork():
            return
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
            os.close(read_fd)
            code = 0
            try:
                try:
                    payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # noqa: BLE001 - the parent recomputes it
                    payload = pickle.dumps((False, None))
                    code = 1
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid, self.read_fd = pid, read_fd

    def result(self) -> T:
        if not self.done:
            ok, value = False, None
            if self.pid is not None and self.read_fd is not None:
                if _IDLE and not _ready(self.read_fd):
                    _idle()   # this process would wait: first what it has to do anyway
                ok, value = _reap(self.pid, self.read_fd)
                self.pid = self.read_fd = None
            self.value = value if ok else self.fn()
            self.done = True
        return self.value

    def cancel(self) -> None:
        """Stop the child (if any) without its result."""
        if self.pid is not None and self.read_fd is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:  # pragma: no cover - already gone
                pass
            os.close(self.read_fd)
            os.waitpid(self.pid, 0)
            self.pid = self.read_fd = None

    def __del__(self) -> None:
        self.cancel()


def later(first: Callable[[], T], *, fork: bool = True) -> Later[T]:
    """Start ``first()`` in a forked child when ``fork`` and :func:`can_fork` (else it runs
    here when its result is asked for): ``later(f).result() == f()``, computed meanwhile on
    another core."""
    return Later(first, fork)


class Tasks:
    """Task numbers ``0 .. n-1`` shared by a process and the children it forks after
    making them: :meth:`take` gives each number once, to whichever process asks first, in
    increasing order (a pipe written before the fork, read four bytes at a time: a pipe's
    reads are atomic). None when every number is taken. Two processes draining it finish
    together whatever else each had to do first."""

    #: Numbers a pipe holds without a reader (64 KiB of four-byte numbers).
    MAX = 16_384

    def __init__(self, n: int):
        self.read_fd: int | None = None
        if not 0 <= n <= self.MAX:
            raise ValueError(f"Tasks holds 0 to {self.MAX} numbers; got {n}")
        self.read_fd, write_fd = os.pipe()
        data = b"".join(i.to_bytes(4, "little") for i in range(n))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view):]
        finally:
            os.close(write_fd)

    def take(self) -> int | None:
        if self.read_fd is None:
            return None
        got = os.read(self.read_fd, 4)
        return int.from_bytes(got, "little") if len(got) == 4 else None

    def close(self) -> None:
        if self.read_fd is not None:
            os.close(self.read_fd)
            self.read_fd = None

    def __del__(self) -> None:
        self.close()


#: What this process does the first time it would wait for a child (:func:`when_idle`):
#: (the process that asked, the work).
_IDLE: list[tuple[int, Callable[[], Any]]] = []


def when_idle(work: Callable[[], Any]) -> None:
    """Do ``work()`` (once; its result dropped, its errors ignored) the first time this
    process would wait for a forked child's result that is not ready yet, instead of
    sitting idle: work a later step needs anyway and no number depends on, such as an
    import (``peernet evaluate`` imports pyplot while the intervals' child finishes). A
    process forked afterwards does not do it; neither does this one if it never waits."""
    _IDLE.append((os.getpid(), work))


def _idle() -> None:
    pid = os.getpid()
    while _IDLE:
        owner, work = _IDLE.pop(0)
        if owner != pid:
            continue
        try:
            work()
        except Exception:  # noqa: BLE001, S110 - the step that needs it does it again
            pass


def _ready(read_fd: int) -> bool:
    """Whether the child has written to (or closed) its pipe."""
    import select

    return bool(select.select([read_fd], [], [], 0)[0])


def _reap(pid: int, read_fd: int) -> tuple[bool, Any]:
    """Read the child's result and wait for it; ``(False, None)`` when it has none."""
    with os.fdopen(read_fd, "rb") as src:
        data = src.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data) if data else (False, None)
    except Exception:  # noqa: BLE001 - a truncated result: recompute
        return False, None
