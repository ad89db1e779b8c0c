"""The out-of-core path: a synthetic folder larger than memory, evaluated under a memory cap.

    .venv/bin/python benchmarks/outofcore.py --members 300000 --interactions 30000000 \\
        --cap-gb 4 --data /tmp/peernet-ooc-300k

writes (once; ``--data`` is reused when it exists) a canonical folder whose interactions are a
hive-partitioned Parquet dataset (``interactions/year=2024/part-0003.parquet``), generated in
chunks by ``benchmarks/run.py``'s generator (``_year``) so that the generator itself never
holds more than one chunk, then runs in a child process under the cap: by default killed
as soon as its resident memory exceeds it (sampled every 5 ms, as run.py samples RSS), or
with ``--cap-mode as`` under ``prlimit --as`` (address space, which allocators reserve
beyond what they use):

load      ``pn.load(folder, engine="duckdb", columns={"message_id": None})``
evaluate  ``pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)``

``--interactions`` follows run.py's convention: that many rows in 2025 and a quarter as many
in 2024. The result (wall and CPU seconds, peak RSS per stage, the cap, the load average
before and after, or the stage that failed and why) is printed and written as JSON to
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
    """This process's peak virtual size and peak RSS (MB) from /proc."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmPeak", "VmHWM")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024
    return out


def _child(folder: str, memory_limit: str, temp: str, stages: str = "load,evaluate") -> None:
    """Runs in the capped child: load and evaluate, one JSON line per stage on stdout."""
    import resource
    import warnings

    warnings.simplefilter("ignore")
    import peernet as pn

    def stage(name, fn):
        with bench.Peak() as p:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                out, error = fn(), None
            except BaseException as err:  # noqa: BLE001 - MemoryError included: reported
                import traceback

                where = traceback.extract_tb(err.__traceback__)[-4:]
                out, error = None, (f"{type(err).__name__}: {err}"[:300] + " at " + "; ".join(
                    f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in where))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"stage": name, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                          "peak_rss_mb": round(p.peak / 2**20), "error": error}), flush=True)
        return out

    net = stage("load", lambda: pn.load(folder, engine="duckdb", memory_limit=memory_limit,
                                        temp_directory=temp, columns={"message_id": None}))
    if net is not None:
        print(json.dumps({"stage": "table", "rows": len(net.interactions),
                          "mb": round(net.interactions.memory_usage(deep=True).sum() / 2**20),
                          "rss_mb": round(bench.Peak.rss() / 2**20)}), flush=True)
    steps = Steps()
    if net is not None and "evaluate" in stages.split(","):
        with steps:
            stage("evaluate", lambda: pn.evaluate(net, periods=[str(bench.YEAR - 1),
                                                                str(bench.YEAR)],
                                                  bootstrap=0, progress=steps.step))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"stage": "process", "peak_rss_mb": round(peak), **_status()}), flush=True)


class Steps:
    """The evaluation's steps (its ``progress`` messages) with the peak and the resident
    memory at each step's end and its wall seconds, one JSON line a step: where the memory
    goes. The last step still open when the run is killed is the one that went over."""

    def __init__(self) -> None:
        self.peak = bench.Peak()
        self.name = "start"
        self.t0 = time.perf_counter()

    def __enter__(self) -> Steps:
        self.peak.__enter__()
        return self

    def __exit__(self, *exc: object) -> bool:
        self.step("end")
        self.peak.__exit__(*exc)
        return False

    def step(self, message: str) -> None:
        now = time.perf_counter()
        rss = bench.Peak.rss()
        print(json.dumps({"step": self.name[:60], "seconds": round(now - self.t0, 1),
                          "peak_rss_mb": round(max(self.peak.peak, rss) / 2**20),
                          "rss_mb": round(rss / 2**20), "next": message[:60]}), flush=True)
        self.peak.peak, self.name, self.t0 = rss, message, now


def _run_capped(cmd: list[str], env: dict, cap: int, mode: str) -> tuple[int, str, str, bool]:
    """Run ``cmd``; with mode "as" under ``prlimit --as=cap``, with mode "rss" killed as
    soon as its resident memory (sampled every 5 ms) exceeds ``cap``. Returns the return
    code, stdout, stderr and whether the RSS watchdog killed it."""
    if mode == "as" and cap:
        cmd = ["prlimit", f"--as={cap}", "--"] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    killed = False
    if mode == "rss" and cap:
        import threading

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
    out, err = proc.communicate()
    return proc.returncode, out, err, killed


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=300_000)
    p.add_argument("--interactions", type=int, default=30_000_000)
    p.add_argument("--data", default=None, help="folder of the generated data (reused)")
    p.add_argument("--cap-gb", type=float, default=4.0, help="memory cap of the run (0: none)")
    p.add_argument("--cap-mode", choices=("rss", "as"), default="rss",
                   help="rss: the run is killed when its resident memory exceeds the cap; "
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
    code, stdout, stderr, killed = _run_capped(cmd, env, cap, a.cap_mode)
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    rows = [r for r in lines if "stage" in r]
    steps = [r for r in lines if "step" in r]
    result = {"members": a.members, "interactions": a.interactions, "sizes": sizes,
              "cap_gb": a.cap_gb, "cap_mode": a.cap_mode, "killed_at_cap": killed,
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
