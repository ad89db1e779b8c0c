"""Freed memory handed back between stages (peernet._memory.release): called after pn.load,
before each of pn.evaluate's and the command line's steps; it changes no value."""

import pytest

import peernet as pn
import peernet._memory as M
import peernet.cli as cli
import peernet.evaluation_steps as steps
import peernet.io.tables as tables


def test_release_runs_and_keeps_arrow_and_pandas_data(riverbend, monkeypatch):
    before = riverbend.interactions.copy()
    M.release()
    monkeypatch.setattr(M, "MIN_RESIDENT", 0)   # this test process is small: release anyway
    M.release()
    assert riverbend.interactions.equals(before)


def test_a_small_process_is_not_collected(monkeypatch):
    """Below MIN_RESIDENT release does nothing (a full collection costs 50-70 ms and a
    small network's run would pay it about 20 times)."""
    import gc

    resident = M._resident()
    assert resident is not None and resident > 10 * 2**20
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    monkeypatch.setattr(M, "MIN_RESIDENT", resident * 4)
    M.release()
    assert calls == []
    monkeypatch.setattr(M, "MIN_RESIDENT", 0)
    M.release()
    assert calls == [1]


def test_load_releases_before_counting_repeats_and_once_it_is_done(monkeypatch):
    calls = []
    monkeypatch.setattr(tables, "release", lambda: calls.append("release"))
    real = tables._note_repeats
    monkeypatch.setattr(tables, "_note_repeats",
                        lambda *a, **k: calls.append("repeats") or real(*a, **k))
    net = pn.load_sample("riverbend")
    assert calls[-3:] == ["release", "repeats", "release"] and len(net.interactions)


def test_evaluate_releases_before_each_step_and_says_the_same(riverbend, monkeypatch):
    calls, said = [], []
    monkeypatch.setattr(steps, "release", lambda: calls.append(len(said)))
    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0, progress=said.append)
    assert said[0] == "scoring 2024 on the Community Change Grid"
    assert calls == list(range(len(said)))       # one release before each message
    say = steps.step_messages(None)              # no progress: released, nothing said
    say("quiet")
    assert calls[-1] == len(said) and ev.periods == ("2024", "2025")


def test_cli_progress_releases(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(M, "release", lambda: calls.append(1))
    folder = pn.datasets.sample_path("riverbend")
    assert cli.main(["evaluate", str(folder), "--year", "2025", "--bootstrap", "0",
                     "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert calls and len(calls) >= err.count("\n[") and "done" in err


def test_evaluate_leaves_the_heap_before_it_out_of_its_collections(riverbend):
    """pn.evaluate freezes the objects made before it (gc.freeze) while it runs, so its
    collections walk only its own; they are unfrozen after, also after an error, and a
    freeze made by the caller is left as it was."""
    import gc

    import pytest

    counts = []
    M.collecting_new(lambda: counts.append(gc.get_freeze_count()))()
    assert counts[0] > 1000 and gc.get_freeze_count() == 0

    def cycle_then_fail():
        a: list = []
        a.append(a)          # garbage in a cycle, made inside: collected inside
        del a
        assert gc.collect() >= 1
        raise ValueError("bad period")

    with pytest.raises(ValueError, match="bad period"):
        M.collecting_new(cycle_then_fail)()
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        M.collecting_new(lambda: counts.append(gc.get_freeze_count()))()
        assert counts[-1] == frozen and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    ev = pn.evaluate(riverbend, periods=["2025"], bootstrap=0)
    assert gc.get_freeze_count() == 0 and ev.periods == ("2025",)
    assert pn.evaluate.__wrapped__.__name__ == "evaluate"


def test_participation_here_lets_the_periods_go_first_only_without_intervals(riverbend):
    """Participation computed in this process (not forked) with ``bootstrap`` 0: the periods'
    graph arrays, tie tables other than the default and acts go before it (it reads the
    whole network's acts only); the same tables. With intervals nothing is let go."""
    from peernet._cache import memo
    from peernet._parallel import later
    from peernet.metrics.arrays import arrays_from_net

    root = pn.load_sample("riverbend")
    slices = {p: root.period(p) for p in ("2024", "2025")}
    expected = steps.participation_tables(root, slices)

    def held(s):
        keys = [k for k in memo(s) or {} if isinstance(k, tuple)]
        return ({"acts", "arrays"} & {k[0] for k in keys},
                sum(1 for k in keys if k[:1] == ("ties",)))

    for bootstrap, kept in ((200, True), (0, False)):
        for s in slices.values():
            s.acts(steps.ACT_COLUMNS)
            arrays_from_net(s)
            pn.person_graph(s, directed=True)
        assert all(held(s) == ({"acts", "arrays"}, 2) for s in slices.values())
        turnout = later(lambda: steps.participation_tables(root, slices), fork=False)
        got = steps.participation_here(root, slices, turnout, bootstrap)
        for a, b in zip(got, expected, strict=True):
            assert a == b if isinstance(a, str | list) else a.equals(b)
        assert all(held(s) == (({"acts", "arrays"}, 2) if kept else (set(), 1))
                   for s in slices.values())


def test_no_fork_when_the_memory_left_is_under_twice_the_process(monkeypatch):
    """peernet._parallel forks only when the memory left under the process's limit (its
    memory group's, or the machine's available memory) is at least twice its resident
    memory (``room_to_fork``); otherwise the work runs here, with the same result."""
    import os

    from peernet import _parallel

    monkeypatch.setenv(_parallel.WORKERS_ENV, "2")
    resident = M._resident()
    if resident is None or not _parallel.can_fork():
        pytest.skip("no fork here")
    monkeypatch.setattr(M, "spare", lambda: 2 * resident - 2**20)
    assert not M.room_to_fork() and not _parallel.can_fork()
    pending = _parallel.later(os.getpid)
    assert pending.pid is None and pending.result() == os.getpid()
    monkeypatch.setattr(M, "spare", lambda: 3 * resident)
    assert M.room_to_fork() and _parallel.can_fork()
    monkeypatch.setattr(M, "spare", lambda: None)   # unknown: as before
    assert M.room_to_fork()


def test_spare_reads_a_memory_group_limit(monkeypatch, tmp_path):
    """A cgroup v1 group's limit less its use (inactive file pages counted as free), and
    the machine's available memory when that is less; None without either."""
    group = tmp_path / "memory" / "box"
    group.mkdir(parents=True)
    (group / "memory.stat").write_text(
        f"cache 0\nhierarchical_memory_limit {4 * 2**30}\ntotal_inactive_file {2**28}\n")
    (group / "memory.usage_in_bytes").write_text(str(3 * 2**30))
    files = {"/proc/self/cgroup": "4:memory:/box\n3:cpuset:/\n0::/\n",
             "/proc/meminfo": "MemTotal: 1 kB\nMemAvailable: 20000000 kB\n"}
    real = M._read
    monkeypatch.setattr(M, "_read", lambda path: files.get(path, None) if path in files
                        else real(path))
    monkeypatch.setattr(M, "CGROUP_V1", str(tmp_path / "memory"))
    assert M.spare() == 2**30 + 2**28
    files["/proc/meminfo"] = "MemAvailable: 1024 kB\n"
    assert M.spare() == 2**20
    (group / "memory.stat").write_text(f"hierarchical_memory_limit {2**63 - 4096}\n")
    assert M.spare() == 2**20          # no limit: the machine's
    files["/proc/meminfo"] = ""
    assert M.spare() is None


def _mapped(a) -> bool:
    """Whether ``a``'s memory is a ``mmap`` (its chain of bases ends in one)."""
    import mmap

    while a is not None and not isinstance(a, mmap.mmap):
        a = a.obj if isinstance(a, memoryview) else getattr(a, "base", None)
    return a is not None


def test_file_array_is_a_file_left_nowhere(tmp_path):
    import numpy as np

    a = M.file_array(1000, np.int32, tmp_path)
    assert a.dtype == np.int32 and a.shape == (1000,) and a.flags.writeable
    assert _mapped(a) and not a.any()
    a[:] = np.arange(1000)
    assert int(a.sum()) == 499_500                 # what was written is read back
    assert list(tmp_path.iterdir()) == []          # unlinked at once
    assert not _mapped(M.file_array(0, np.int64, tmp_path))
    # a folder that cannot take the file: an ordinary array of zeros
    b = M.file_array(5, np.float64, tmp_path / "missing")
    assert not _mapped(b) and b.tolist() == [0.0] * 5


def test_file_array_falls_back_when_the_disk_refuses(tmp_path, monkeypatch):
    import errno

    import numpy as np

    def full(fd, offset, size):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(M.os, "posix_fallocate", full)
    a = M.file_array(10, np.int64, tmp_path)
    assert not _mapped(a) and a.tolist() == [0] * 10
    assert list(tmp_path.iterdir()) == []


def test_paged_like_copies_beside_a_file_array(tmp_path, monkeypatch):
    import numpy as np

    work = tmp_path / "work"
    work.mkdir()
    like = M.file_array(10, np.int32, work)[2:]           # a view of one: found too
    assert M.file_folder(like) == str(work) and M.file_folder(np.zeros(3)) is None
    a = np.arange(300_000, dtype=np.int64)                 # 2.4 MB: above PAGED_BYTES
    b = M.paged_like(a, like)
    assert _mapped(b) and not b.flags.writeable and b.dtype == a.dtype
    np.testing.assert_array_equal(b, a)
    work.rmdir()                                           # its folder gone: the parent's
    c = M.paged_like(a[::-1].copy(), like)
    assert _mapped(c) and int(c[0]) == 299_999 and list(tmp_path.iterdir()) == []
    small = np.arange(10)                                  # below PAGED_BYTES, or not paged
    assert M.paged_like(small, like) is small and M.paged_like(a, np.zeros(3)) is a
