"""What the default intervals cost: ``pn.evaluate`` with its bootstrap against ``bootstrap=0``.

    .venv/bin/python benchmarks/intervals.py [FOLDER] [--runs 3]
    .venv/bin/python benchmarks/intervals.py FOLDER --bootstrap 0     # one evaluation

Times ``pn.evaluate(net, periods=["2024", "2025"])`` (200 event-resampled replicates of the
headline metrics, 50 of the Grid's element scores, each period) and the same call with
``bootstrap=0``, each in a fresh process, in turn (A B A B ...); prints the CPU and wall
seconds of the call (the loading is outside), the ratio default / no intervals pair by pair
and its median, with the load average before and after. FOLDER defaults to the 10,000
members / 1M interactions synthetic network of ``benchmarks/run.py``, written to
``/tmp/bench10k`` when it is not there. Issue 23's target: at most 1.3x. The CPU ratio
counts the forked process that resamples the previous period; the wall ratio is what a user
waits on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDER = Path("/tmp/bench10k")


def one(folder: Path, bootstrap: int | None) -> dict[str, float]:
    """One evaluation in this process: CPU (this process and its forked children) and wall
    seconds of ``pn.evaluate``."""
    import peernet as pn

    net = pn.load(folder)
    kwargs = {} if bootstrap is None else {"bootstrap": bootstrap}
    t0, c0, before = time.perf_counter(), time.process_time(), os.times()
    pn.evaluate(net, periods=["2024", "2025"], **kwargs)
    after = os.times()
    children = (after.children_user + after.children_system
                - before.children_user - before.children_system)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0 + children}


def ensure_folder(folder: Path) -> None:
    if (folder / "interactions.parquet").exists():
        return
    spec = importlib.util.spec_from_file_location("peernet_bench", HERE / "run.py")
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    bench.write_folder(bench.synthetic(10_000, 1_000_000), folder)


def run(folder: Path, bootstrap: int | None) -> dict[str, float]:
    args = [sys.executable, str(Path(__file__).resolve()), str(folder)]
    args += ["--bootstrap", str(bootstrap)] if bootstrap is not None else ["--default"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--bootstrap", type=int, default=None,
                   help="time one evaluation with this many resamples and print it (JSON)")
    p.add_argument("--default", action="store_true",
                   help="time one evaluation with the default resamples (JSON)")
    a = p.parse_args(argv)
    if a.bootstrap is not None or a.default:
        print(json.dumps(one(a.folder, a.bootstrap)))
        return 0
    ensure_folder(a.folder)
    load0 = os.getloadavg()
    pairs = []
    for _ in range(a.runs):
        d, z = run(a.folder, None), run(a.folder, 0)
        pairs.append((d, z))
        print(f"default: {d['cpu']:.1f} CPU s {d['wall']:.1f} s wall   bootstrap=0: "
              f"{z['cpu']:.1f} CPU s {z['wall']:.1f} s wall   ratio CPU "
              f"{d['cpu'] / z['cpu']:.2f} wall {d['wall'] / z['wall']:.2f}", flush=True)
    load1 = os.getloadavg()
    cpu = statistics.median(d["cpu"] / z["cpu"] for d, z in pairs)
    wall = statistics.median(d["wall"] / z["wall"] for d, z in pairs)
    print(f"default / bootstrap=0 (median of {len(pairs)} pairs): CPU {cpu:.2f}x, wall "
          f"{wall:.2f}x (target 1.3x); load average {load0[0]:.1f} -> {load1[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
