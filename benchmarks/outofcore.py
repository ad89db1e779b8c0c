"""The out-of-core path: a synthetic folder larger than memory, evaluated under a memory cap.

    .venv/bin/python benchmarks/outofcore.py --members 300000 --interactions 30000000 \\
        --cap-gb 4 --data /tmp/peernet-ooc-300k

writes (once; ``--data`` is reused when it exists) a canonical folder whose interactions are a
hive-partitioned Parquet dataset (``interactions/year=2024/part-0003.parquet``), generated in
chunks by ``benchmarks/run.py``'s generator (``_year``) so that the generator itself never
holds more than one chunk, then runs in a child process under the cap.

**The cap counts the process tree** (``--cap-mode tree``, the default): ``pn.evaluate``
forks children (``peernet._parallel``: a period's metrics beside the next period's Grid,
participation, the bootstrap), and a container's memory limit counts them all. Where the
cgroup v1 memory controller is writable (``/sys/fs/cgroup/memory``), the child runs in a new
memory group whose ``memory.limit_in_bytes`` is the cap: the kernel itself enforces it, as a
container's limit (the group's page cache counts there too, but is reclaimed before an OOM
kill; an OOM kill of any process of the tree fails the run, even when peernet recomputed a
killed child's work in the parent). Elsewhere the tree is watched from here: the
proportional set size of every process of the tree (``Pss`` of ``/proc/PID/smaps_rollup``,
so the pages a fork shares count once) summed every 20 ms, the
tree killed when it exceeds the cap. Either way the figure reported for the tree
(``tree_peak_mb``, run-wide and per step, with the most processes it had, ``tree_procs``, and
the peak of its anonymous memory alone, ``tree_anon_peak_mb``, with a group) is
its resident memory with shared pages counted once, sampled every 5 ms (``total_rss +
total_mapped_file`` of the group's ``memory.stat``: anonymous and mapped file pages; the
PSS sum without a group). The group is removed after the run. Older modes:
``--cap-mode rss`` kills the run when the main process's resident memory exceeds the cap
(sampled every 5 ms; it does not see forked children), ``--cap-mode as`` runs it under
``prlimit --as`` (address space, which allocators reserve beyond what they use).

The main process's own peak per step (``peak_rss_mb``) is its ``VmHWM``, reset at each step
(``/proc/self/clear_refs``): no sampler thread runs in the capped process, since
``peernet._parallel`` does not fork from a process that runs other threads and the run
would not fork as a user's does.

load      ``pn.load(folder, engine="duckdb", columns={"message_id": None})``
evaluate  ``pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)``

``--interactions`` follows run.py's convention: that many rows in 2025 and a quarter as many
in 2024. The result (wall and CPU seconds, the main process's and the tree's peak per stage
and per evaluation step, the cap and its mode, the load average before and after, or the
stage that failed and why) is printed and written as JSON to
``benchmarks/results/outofcore-<members>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402  (benchmarks/run.py: the generator and the RSS sampler)

#: The allocator settings of the capped run (``docs/performance.md``, "Larger than
#: memory"): fewer glibc arenas and Arrow on the system allocator (less address space
#: reserved beyond use, what a ``prlimit --as`` cap counts), and a fixed mmap threshold, so
#: that glibc hands large freed arrays back at once instead of raising its threshold and
#: keeping them in the heap: 10% less peak at 30k / 3.7M (2.26 against 2.50 GB).
MALLOC = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system",
          "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


def generate(members: int, interactions: int, folder: Path, *, seed: int = 0,
             chunk: int = 2_000_000) -> dict[str, int]:
    """Write run.py's synthetic network with ``interactions`` rows in 2025 (and a quarter in
    2024) to ``folder``, the interactions in chunks of at most ``chunk`` rows, one Parquet
    part a chunk. Each chunk is one call of run.py's ``_year`` (its own meetings and
    threads; their ids carry the chunk number). Returns the rows per table."""
    small = bench.synthetic(members, 1000, seed)          # members, problems, surveys
    rng = np.random.default_rng(seed + 1)
    m = members
    mem = small["members"]
    ids = mem["member_id"].to_numpy(dtype=object)
    n_org = max(5, m // 40)
    org_of = mem["org"].str[4:].astype(int).to_numpy()
    region_of = pd.Categorical(mem["region"], categories=bench.REGIONS).codes.astype(np.int64)
    weight = np.random.default_rng(seed).lognormal(0, 1.2, m)
    del n_org
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {"interactions": 0}
    events = []
    for year, volume in ((bench.YEAR - 1, interactions // 4), (bench.YEAR, interactions)):
        part_dir = folder / "interactions" / f"year={year}"
        part_dir.mkdir(parents=True, exist_ok=True)
        left, k = int(volume), 0
        while left > 0:
            n = min(chunk, left)
            inter, ev = bench._year(rng, year, n, ids, weight, org_of, region_of)
            for df, col, tag in ((inter, "event_id", "e"), (ev, "event_id", "e"),
                                 (inter, "thread_id", "t"), (inter, "message_id", "t")):
                s = df[col]
                df[col] = s.where(s.isna(), s.astype("str").str.replace(
                    f"{tag}{year}-", f"{tag}{year}c{k}-", regex=False))
            inter.to_parquet(part_dir / f"part-{k:04d}.parquet", index=False)
            events.append(ev)
            sizes["interactions"] += len(inter)
            left -= n
            k += 1
            del inter
    tables = {**small, "events": pd.concat(events, ignore_index=True)}
    tables.pop("interactions")
    bench.write_folder(tables, folder)
    sizes.update({k: len(v) for k, v in tables.items()})
    (folder / "sizes.json").write_text(json.dumps(sizes))
    return sizes


def _status() -> dict[str, int]:
    """This process's peak virtual size and peak RSS (MB) from /proc (the RSS since the
    last :func:`_reset_peak`)."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmPeak", "VmHWM")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024
    return out


def _child(folder: str, memory_limit: str, temp: str, stages: str = "load,evaluate") -> None:
    """Runs in the capped child: load and evaluate, one JSON line per stage on stdout."""
    import warnings

    warnings.simplefilter("ignore")
    import peernet as pn

    def stage(name, fn):
        _reset_peak()
        before, _PEAK_BEFORE[0] = _PEAK_BEFORE[0], 0   # this stage's peak over its steps
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            out, error = fn(), None
        except BaseException as err:  # noqa: BLE001 - MemoryError included: reported
            import traceback

            where = traceback.extract_tb(err.__traceback__)[-4:]
            out, error = None, (f"{type(err).__name__}: {err}"[:300] + " at " + "; ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in where))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = max(_PEAK_BEFORE[0], _peak())
        _PEAK_BEFORE[0] = max(before, peak)
        print(json.dumps({"stage": name, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                          "peak_rss_mb": round(peak / 2**20), "error": error}), flush=True)
        return out

    net = stage("load", lambda: pn.load(folder, engine="duckdb", memory_limit=memory_limit,
                                        temp_directory=temp, columns={"message_id": None}))
    if net is not None:
        print(json.dumps({"stage": "table", "rows": len(net.interactions),
                          "mb": round(net.interactions.memory_usage(deep=True).sum() / 2**20),
                          "rss_mb": round(bench.Peak.rss() / 2**20)}), flush=True)
    def evaluate():
        with Steps() as steps:   # its last step's line before the stage's
            return pn.evaluate(net, periods=[str(bench.YEAR - 1), str(bench.YEAR)],
                               bootstrap=0, progress=steps.step)

    if net is not None and "evaluate" in stages.split(","):
        stage("evaluate", evaluate)
    peak = max(_PEAK_BEFORE[0], _peak()) / 2**20
    print(json.dumps({"stage": "process", "peak_rss_mb": round(peak), **_status()}), flush=True)


def _peak() -> int:
    """This process's peak resident memory (bytes) since :func:`_reset_peak` (``VmHWM``)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) * 1024
    return 0


#: This process's peak resident memory before the last :func:`_reset_peak` (bytes).
_PEAK_BEFORE = [0]


def _reset_peak() -> None:
    """Reset this process's ``VmHWM`` to its resident memory now (Linux 4.0+); the peak
    so far is kept in :data:`_PEAK_BEFORE`."""
    _PEAK_BEFORE[0] = max(_PEAK_BEFORE[0], _peak())
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Steps:
    """The evaluation's steps (its ``progress`` messages) with the main process's peak and
    resident memory at each step's end and its wall seconds, one JSON line a step (the
    parent adds the tree's peak): where the memory goes. The last step still open when
    the run is killed is the one that went over. No thread: the peak is ``VmHWM``."""

    def __init__(self) -> None:
        self.name = "start"
        self.t0 = time.perf_counter()

    def __enter__(self) -> Steps:
        _reset_peak()
        return self

    def __exit__(self, *exc: object) -> bool:
        self.step("end")
        return False

    def step(self, message: str) -> None:
        now = time.perf_counter()
        rss = bench.Peak.rss()
        print(json.dumps({"step": self.name[:60], "seconds": round(now - self.t0, 1),
                          "peak_rss_mb": round(max(_peak(), rss) / 2**20),
                          "rss_mb": round(rss / 2**20), "next": message[:60]}), flush=True)
        _reset_peak()
        self.name, self.t0 = message, now


#: The cgroup v1 memory controller (``--cap-mode tree``: a group a run, when writable).
CGROUP = Path("/sys/fs/cgroup/memory")


class Tree:
    """The capped child's process tree: its memory group (``group``, cgroup v1; None where
    it cannot be made) or the PIDs under it, its anonymous memory now (:meth:`memory`) and
    a sampler thread of its peak, overall and since the last :meth:`mark`."""

    def __init__(self, cap: int, enforce: bool) -> None:
        self.cap, self.group, self.pid = cap, None, 0
        self.peak = self.since = self.now = self.procs = self.stage = self.stage_procs = 0
        self.anon = self.anon_since = self.anon_stage = 0   # anonymous only (total_rss)
        self.killed = False
        if not enforce:
            return
        group = CGROUP / f"peernet-outofcore-{os.getpid()}"
        try:
            group.mkdir()
            if cap:
                (group / "memory.limit_in_bytes").write_text(str(cap))
            self.group = group
        except OSError:
            try:
                group.rmdir()
            except OSError:
                pass

    def enter(self) -> None:
        """In the forked child, before exec: join the group."""
        if self.group is not None:
            (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def _stat(self) -> dict[str, int]:
        assert self.group is not None
        with open(self.group / "memory.stat") as f:
            return {k: int(v) for k, v in (line.split() for line in f)}

    def pids(self) -> list[int]:
        """The tree's processes: the group's, or the child and its descendants."""
        if self.group is not None:
            try:
                return [int(x) for x in (self.group / "cgroup.procs").read_text().split()]
            except OSError:
                return []
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo += [int(x) for x in f.read().split()]
            except OSError:
                pass
        return out

    def memory(self) -> int:
        """The tree's resident memory (bytes), shared pages once: the group's anonymous and
        mapped file pages (``total_rss + total_mapped_file``), else the sum of ``Pss``
        over its processes."""
        if self.group is not None:
            st = self._stat()
            self.anon = st.get("total_rss", 0)
            return self.anon + st.get("total_mapped_file", 0)
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def mark(self, stage: bool = False) -> tuple[int, int, int]:
        """The tree's peak since the last mark (bytes; with ``stage``, since the last
        stage's mark), the most processes it had meanwhile and the peak of its anonymous
        memory (the group's ``total_rss``: what the kernel cannot page out to a file;
        0 without a group); starts the next interval."""
        peak, procs, anon = max(self.since, self.now), self.procs, self.anon_since
        self.stage, self.stage_procs = max(self.stage, peak), max(self.stage_procs, procs)
        self.anon_stage = max(self.anon_stage, anon)
        if stage:
            peak, procs, anon = self.stage, self.stage_procs, self.anon_stage
            self.stage = self.stage_procs = self.anon_stage = 0
        self.since, self.procs, self.anon_since = self.now, 0, self.anon
        return peak, procs, anon

    def watch(self, proc: subprocess.Popen) -> None:
        """Sample the tree while ``proc`` runs (a daemon thread); without a group, kill the
        tree when it exceeds the cap."""
        import threading

        self.pid = proc.pid
        every = 0.005 if self.group is not None else 0.02

        def run() -> None:
            while proc.poll() is None:
                try:
                    now, procs = self.memory(), len(self.pids())
                except OSError:
                    return
                self.now, self.peak, self.since = now, max(self.peak, now), max(self.since, now)
                self.anon_since = max(self.anon_since, self.anon)
                self.procs = max(self.procs, procs)
                if self.group is None and self.cap and now > self.cap:
                    self.killed = True
                    for pid in self.pids():
                        try:
                            os.kill(pid, 9)
                        except OSError:
                            pass
                    return
                time.sleep(every)
        threading.Thread(target=run, daemon=True).start()

    def close(self) -> dict:
        """What the kernel counted (the group's peak with its page cache, its OOM kills),
        then the group removed (its remaining processes, ours, killed first)."""
        out: dict = {"tree": "cgroup v1" if self.group is not None else "pss",
                     "tree_peak_mb": round(self.peak / 2**20),
                     # the step still open at the end (the one that went over, when killed)
                     "open_step_tree_peak_mb": round(max(self.since, self.now) / 2**20),
                     "open_step_anon_peak_mb": round(self.anon_since / 2**20)}
        if self.group is None:
            return out
        out["cgroup_max_usage_mb"] = round(int(
            (self.group / "memory.max_usage_in_bytes").read_text()) / 2**20)
        oom = dict(line.split() for line in
                   (self.group / "memory.oom_control").read_text().splitlines())
        out["oom_kills"] = int(oom.get("oom_kill", 0))
        self.killed = self.killed or out["oom_kills"] > 0
        for pid in self.pids():
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        for _ in range(100):
            try:
                self.group.rmdir()
                break
            except OSError:
                time.sleep(0.05)
        return out


def _run_capped(cmd: list[str], env: dict, cap: int, mode: str
                ) -> tuple[int, list[dict], str, bool, dict]:
    """Run ``cmd`` under the cap: mode "tree" (the process tree: a cgroup v1 memory group
    limited to ``cap``, else the PSS sum watched, see the module's notes), "as" (``prlimit
    --as=cap``) or "rss" (killed as soon as the main process's resident memory, sampled
    every 5 ms, exceeds ``cap``). The tree's memory is sampled in every mode and each JSON
    line of the child gets the tree's peak since the line before (``tree_peak_mb``).
    Returns the return code, the JSON lines, stderr, whether the cap killed the run and
    what the tree's sampler and the kernel counted."""
    import threading

    if mode == "as" and cap:
        cmd = ["prlimit", f"--as={cap}", "--"] + cmd
    tree = Tree(cap, enforce=mode == "tree")
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, preexec_fn=tree.enter)
        tree.watch(proc)
        killed = False
        if mode == "rss" and cap:
            def watch():
                nonlocal killed
                page = os.sysconf("SC_PAGE_SIZE")
                while proc.poll() is None:
                    try:
                        with open(f"/proc/{proc.pid}/statm") as f:
                            rss = int(f.read().split()[1]) * page
                    except OSError:
                        return
                    if rss > cap:
                        killed = True
                        proc.kill()
                        return
                    time.sleep(0.005)
            threading.Thread(target=watch, daemon=True).start()
        err: list[str] = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
        reader.start()
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                row = json.loads(line)
                peak, procs, anon = tree.mark(stage="stage" in row)
                row["tree_peak_mb"], row["tree_procs"] = round(peak / 2**20), procs
                row["tree_anon_peak_mb"] = round(anon / 2**20)
                lines.append(row)
                print(json.dumps(row), flush=True)
        code = proc.wait()
        reader.join()
    finally:
        counted = tree.close()
    return code, lines, "".join(err), killed or tree.killed, counted


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=300_000)
    p.add_argument("--interactions", type=int, default=30_000_000)
    p.add_argument("--data", default=None, help="folder of the generated data (reused)")
    p.add_argument("--cap-gb", type=float, default=4.0, help="memory cap of the run (0: none)")
    p.add_argument("--cap-mode", choices=("tree", "rss", "as"), default="tree",
                   help="tree: the process tree's memory (a cgroup v1 memory group, else "
                   "the PSS sum watched); rss: the main process's resident memory; "
                   "as: prlimit --as (address space, which allocators reserve beyond use)")
    p.add_argument("--stages", default="load,evaluate")
    p.add_argument("--memory-limit", default="1GB", help="DuckDB's memory_limit")
    p.add_argument("--chunk", type=int, default=2_000_000)
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        _child(*a.child)
        return {}
    folder = Path(a.data or f"/tmp/peernet-ooc-{a.members}-{a.interactions}")
    t0 = time.perf_counter()
    if not (folder / "sizes.json").exists():
        generate(a.members, a.interactions, folder, chunk=a.chunk)
    gen = time.perf_counter() - t0
    sizes = json.loads((folder / "sizes.json").read_text())
    load_before = os.getloadavg()
    cap = int(a.cap_gb * 2**30)
    cmd = [sys.executable, __file__, "--child", str(folder), a.memory_limit,
           str(folder.parent / (folder.name + "-spill")), a.stages]
    env = {**os.environ, **MALLOC}
    code, lines, stderr, killed, counted = _run_capped(cmd, env, cap, a.cap_mode)
    rows = [r for r in lines if "stage" in r]
    steps = [r for r in lines if "step" in r]
    result = {"members": a.members, "interactions": a.interactions, "sizes": sizes,
              "cap_gb": a.cap_gb, "cap_mode": a.cap_mode, "killed_at_cap": killed, **counted,
              "duckdb_memory_limit": a.memory_limit, "stages": a.stages,
              "generate_seconds": round(gen, 1), "returncode": code,
              "stderr_tail": stderr[-500:] if code else "",
              "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "rows": rows,
              "steps": steps, "malloc": MALLOC}
    print(json.dumps(result, indent=1))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"outofcore-{a.members}.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
