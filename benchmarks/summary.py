"""Every ratio of issue 23 side by side, in one run: the table behind ``make bench``.

    .venv/bin/python benchmarks/run.py --all            # make bench
    .venv/bin/python benchmarks/run.py --all --quick    # make bench QUICK=1: 1 run, no 100k

Each measurement is a fresh process (``python benchmarks/summary.py --task ...``), timed
from outside with the operating system's accounting of that one child (``wait4``: wall,
user + system CPU, peak resident memory), so imports and start-up count as a user pays
them. Pairs run in turn (A B A B ...) and ratios are medians of the pair ratios.

==========================  ======================================================  ======
row                         measured                                                target
==========================  ======================================================  ======
small network               ``benchmarks/small.py`` (riverbend end to end against   1.3x
                            a direct pandas + networkx script), with and without
                            intervals
intervals                   10k / 1M: load + ``pn.evaluate`` of 2024 and 2025 with  1.3x
                            the default intervals against ``bootstrap=0``
igraph floor, time          10k / 1M: load + ``pn.evaluate(bootstrap=0)`` against   1.5x
                            :func:`run.igraph_floor` (both years)
igraph floor, memory        peak memory of the same pair                            1.5x
100k / 10M end to end       ``peernet evaluate --year 2025 --bootstrap 0``          90 s,
                                                                                    3 GB
300k / 30M out of core      ``benchmarks/outofcore.py``: ``pn.load(folder,          4 GB
                            engine="duckdb")`` + evaluate (``bootstrap=0``) under
                            a resident-memory cap; "not built" without it
portfolio of 14 networks    ``pn.evaluate_many`` of 14 riverbend copies             --
                            (``bootstrap=0``) against the 14 evaluated one after
                            another in one process
==========================  ======================================================  ======

The load average (/proc/loadavg) is read before and after; the machine is shared, so the
numbers are stated with it. Results: ``benchmarks/results/summary.json`` and ``.md``.
Synthetic folders are generated once into ``--data`` (default ``/tmp/peernet-bench``)
and reused.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "riverbend"
YEARS = ["2024", "2025"]


def _bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location("peernet_bench_run", HERE / "run.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


# ------------------------------------------------------------------------------ one task
def task(name: str, folder: str, arg: int) -> None:
    """One measured unit of work, run in a child process (see :func:`measure`)."""
    t0, c0 = time.perf_counter(), time.process_time()
    if name == "floor":
        info = _bench().igraph_floor(Path(folder))
        extra = {y: {k: info[y]["network"][k] for k in ("nodes", "edges")} for y in info}
    elif name == "evaluate":
        import peernet as pn

        net = pn.load(folder)
        ev = pn.evaluate(net, periods=YEARS, bootstrap=arg)
        nw = ev.network.loc[ev.network["metric"] == "edges"]
        extra = {str(p): {"edges": int(v)} for p, v in zip(nw["period"], nw["value"],
                                                             strict=True)}
    elif name == "portfolio":
        import peernet as pn

        nets = {f"riverbend-{i + 1}": Path(folder) for i in range(arg)}
        pf = pn.evaluate_many(nets, periods=YEARS, bootstrap=0)
        if pf.errors:
            raise SystemExit(f"portfolio errors: {pf.errors}")
        extra = {"networks": arg}
    elif name == "serial":
        import peernet as pn

        for _ in range(arg):
            pn.evaluate(pn.load(folder), periods=YEARS, bootstrap=0)
        extra = {"networks": arg}
    else:
        raise SystemExit(f"unknown task {name!r}")
    print(json.dumps({"work_seconds": time.perf_counter() - t0,
                      "work_cpu": time.process_time() - c0, "extra": extra}, default=str))


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Wall, CPU (user + system) and peak RSS of one child process, from ``wait4``."""
    import tempfile

    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        err.seek(0)
        tail = err.read()[-300:]
    row = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
           "peak_mb": usage.ru_maxrss / 1024, "ok": proc.returncode == 0,
           "error": None if proc.returncode == 0 else f"exit {proc.returncode}: {tail}"}
    last = [line for line in out.splitlines() if line.startswith("{")]
    if last:
        row.update(json.loads(last[-1]))
    return row


def _task_cmd(name: str, folder: Path | str, arg: int = 0) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--task", name, str(folder),
            str(arg)]


def pairs(a: list[str], b: list[str], runs: int) -> dict:
    """A and B in turn, ``runs`` times each after nothing else (both already warm)."""
    ra, rb = [], []
    for _ in range(runs):
        ra.append(measure(a))
        rb.append(measure(b))
    out = {"a": _median(ra), "b": _median(rb)}
    ok = [(x, y) for x, y in zip(ra, rb, strict=True) if x["ok"] and y["ok"]]
    for key in ("wall", "cpu", "peak_mb"):
        out[f"{key}_ratio"] = (statistics.median(x[key] / y[key] for x, y in ok)
                               if ok else None)
    return out


def _median(runs: list[dict]) -> dict:
    good = [r for r in runs if r["ok"]] or runs
    med = {k: statistics.median(r[k] for r in good)
           for k in ("wall", "cpu", "peak_mb") if all(k in r for r in good)}
    med["ok"] = all(r["ok"] for r in runs)
    med["runs"] = len(runs)
    med["extra"] = good[-1].get("extra")
    return med


def folder_of(bench, data: Path, members: int, interactions: int) -> Path:
    """The synthetic folder of that size under ``data``, generated once (seed 0)."""
    folder = data / f"synthetic_{members}_{interactions}"
    if not (folder / "peernet.json").exists():
        bench.write_folder(bench.synthetic(members, interactions, 0), folder)
    return folder


def has_duckdb_engine() -> bool:
    import peernet as pn

    return "engine" in inspect.signature(pn.load).parameters


# ------------------------------------------------------------------------------ the run
def run_all(*, runs: int, quick: bool, data: Path, out: Path) -> dict:
    bench = _bench()
    load0 = Path("/proc/loadavg").read_text().split()[:3]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows: list[dict] = []

    def row(name, measured, ratio, target, met, note=""):
        rows.append({"row": name, "measured": measured, "ratio": ratio, "target": target,
                     "met": met, "note": note})
        print(f"  {name}: {measured} | {ratio} | {target} | {met} {note}", file=sys.stderr,
              flush=True)

    def verdict(x, limit):
        return None if x is None else bool(x <= limit)

    # small network against the direct script
    small = subprocess.run([sys.executable, str(HERE / "small.py"), "--runs", str(runs),
                            "--out", str(out)], capture_output=True, text=True)
    if small.returncode == 0:
        res = json.loads((out / "small.json").read_text())
        base = next(r for r in res["rows"] if r["command"] == "direct script")
        for r in res["rows"]:
            if r is base:
                continue
            row(f"small network (riverbend): {r['command']} vs the direct script",
                f"{r['wall_median']:.1f} s vs {base['wall_median']:.1f} s wall",
                f"{r['wall_ratio']:.2f}x wall, {r['cpu_ratio']:.2f}x CPU", "<= 1.3x",
                verdict(r["wall_ratio"], 1.3))
    else:
        row("small network (riverbend) vs direct script", "failed", None, "<= 1.3x", None,
            small.stderr[-200:])

    f10 = folder_of(bench, data, 10_000, 1_000_000)
    # warm-up: the disk cache and numba's on-disk kernels, with intervals (they compile the
    # replicates' kernels too, up to about 20 CPU s after a change to their source, and every
    # kernel of the run without)
    measure(_task_cmd("evaluate", f10, 200))
    iv = pairs(_task_cmd("evaluate", f10, 200), _task_cmd("evaluate", f10, 0), runs)
    row("10k / 1M: default intervals (200) vs none",
        f"{iv['a']['wall']:.1f} s vs {iv['b']['wall']:.1f} s wall",
        _ratio(iv), "<= 1.3x", verdict(iv["wall_ratio"], 1.3))
    # the same, as a user runs it: `peernet evaluate` with its report, the issue's
    # `--bootstrap 0` run (the row above times pn.load + pn.evaluate alone: stricter)
    def cli(extra: list[str], dest: str) -> list[str]:
        return [sys.executable, "-m", "peernet.cli", "evaluate", str(f10), "--year", "2025",
                *extra, "--out", str(data / dest)]

    ivc = pairs(cli([], "report10k"), cli(["--bootstrap", "0"], "report10k_b0"), runs)
    row("10k / 1M: `peernet evaluate` end to end (its report too), default intervals vs "
        "`--bootstrap 0`", f"{ivc['a']['wall']:.1f} s vs {ivc['b']['wall']:.1f} s wall",
        _ratio(ivc), "<= 1.3x", verdict(ivc["wall_ratio"], 1.3))
    fl = pairs(_task_cmd("evaluate", f10, 0), _task_cmd("floor", f10), runs)
    row("10k / 1M: peernet evaluate (bootstrap 0) vs igraph floor, time",
        f"{fl['a']['wall']:.1f} s vs {fl['b']['wall']:.1f} s wall, "
        f"{fl['a']['cpu']:.1f} vs {fl['b']['cpu']:.1f} CPU s",
        _ratio(fl), "<= 1.5x", verdict(fl["wall_ratio"], 1.5), _ties_note(fl))
    row("10k / 1M: peak memory vs igraph floor",
        f"{fl['a']['peak_mb']:.0f} MB vs {fl['b']['peak_mb']:.0f} MB",
        f"{fl['peak_mb_ratio']:.2f}x" if fl["peak_mb_ratio"] else None, "<= 1.5x",
        verdict(fl["peak_mb_ratio"], 1.5))

    if quick:
        row("100k / 10M end to end (bootstrap 0)", "skipped (--quick)", None,
            "<= 90 s, <= 3 GB", None)
    else:
        f100 = folder_of(bench, data, 100_000, 10_000_000)
        exe = [sys.executable, "-m", "peernet.cli", "evaluate", str(f100), "--year", "2025",
               "--bootstrap", "0", "--out", str(data / "report100k")]
        big = measure(exe)
        row("100k / 10M end to end (`peernet evaluate --bootstrap 0`)",
            f"{big['wall']:.1f} s wall, {big['cpu']:.1f} CPU s, "
            f"{big['peak_mb'] / 1024:.2f} GB" if big["ok"] else "failed", None,
            "<= 90 s, <= 3 GB",
            big["ok"] and big["wall"] <= 90 and big["peak_mb"] <= 3 * 1024,
            (big["error"] or "")[-200:])

    ooc = HERE / "outofcore.py"
    name = "300k / 30M out of core (`pn.load(engine=\"duckdb\")`, bootstrap 0)"
    if not (ooc.exists() and has_duckdb_engine()):
        row(name, "not built", None, "runs under a 4 GB cap", None,
            "pn.load has no engine= or benchmarks/outofcore.py is missing")
    elif quick:
        row(name, "skipped (--quick)", None, "runs under a 4 GB cap", None)
    else:
        done = subprocess.run([sys.executable, str(ooc), "--data",
                               str(data / "ooc_300000_30000000"), "--out", str(out)],
                              capture_output=True, text=True)
        saved = out / "outofcore-300000.json"
        res = json.loads(saved.read_text()) if saved.exists() else {"rows": []}
        stages = {r.get("stage"): r for r in res["rows"]}
        ok = done.returncode == 0 and res.get("returncode") == 0 and "evaluate" in stages
        peak = stages.get("process", {}).get("peak_rss_mb")
        secs = sum(r.get("seconds") or 0 for r in res["rows"])
        row(name, f"{secs:.0f} s load + evaluate, peak {peak / 1024:.2f} GB under a "
            f"{res.get('cap_gb')} GB cap ({res.get('cap_mode', 'as')})" if ok and peak
            else "failed",
            None, "runs under a 4 GB cap", bool(ok),
            "" if ok else (res.get("stderr_tail") or done.stderr)[-200:])

    pf = pairs(_task_cmd("portfolio", SAMPLE, 14), _task_cmd("serial", SAMPLE, 14), 1)
    many, one = pf["a"], pf["b"]
    row("portfolio of 14 networks (`pn.evaluate_many` of 14 riverbend copies, bootstrap 0) "
        "vs the 14 one after another in one process",
        f"{many['wall']:.1f} s vs {one['wall']:.1f} s wall, {many['cpu']:.1f} vs "
        f"{one['cpu']:.1f} CPU s, peak {many['peak_mb']:.0f} MB (largest process)"
        if many["ok"] and one["ok"] else "failed", _ratio(pf), "--", None,
        f"{os.cpu_count()} cores; workers: one a network up to the cores")

    load1 = Path("/proc/loadavg").read_text().split()[:3]
    result = {"date": started, "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_before": load0, "load_after": load1, "runs": runs, "quick": quick,
              "cpus": os.cpu_count(), "python": platform.python_version(), "rows": rows,
              "raw": {"intervals": iv, "intervals_cli": ivc, "floor": fl}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(result, indent=1, default=str))
    md = markdown(result)
    (out / "summary.md").write_text(md)
    print(md)
    return result


def _ties_note(pair: dict) -> str:
    """The ties each side counted a year (the floor builds peernet's graph: equal)."""
    a, b = pair["a"].get("extra") or {}, pair["b"].get("extra") or {}
    years = sorted(set(a) & set(b))
    same = all(a[y]["edges"] == b[y]["edges"] for y in years)
    counts = ", ".join(f"{y} {a[y]['edges']:,}" for y in years)
    return f"ties {counts} ({'the same in the floor' if same else 'floor: ' + str(b)})"


def _ratio(p: dict) -> str | None:
    if p["wall_ratio"] is None:
        return None
    return f"{p['wall_ratio']:.2f}x wall, {p['cpu_ratio']:.2f}x CPU"


def markdown(result: dict) -> str:
    met = {True: "**met**", False: "**not met**", None: ""}
    head = (f"Issue 23's targets, `make bench` ({'quick, ' if result['quick'] else ''}"
            f"{result['runs']} run(s) a pair, medians), {result['date']} -> "
            f"{result['finished']}, load average {' '.join(result['load_before'])} before, "
            f"{' '.join(result['load_after'])} after; {result['cpus']} cores, Python "
            f"{result['python']}\n\n| | measured | ratio | target | |\n|---|---|---|---|---|\n")
    lines = [f"| {r['row']} | {r['measured']} | {r['ratio'] or ''} | {r['target']} | "
             f"{met[r['met']]} {r['note'].replace('|', '/')} |".replace("\n", " ")
             for r in result["rows"]]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict | None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="1 run a pair; no 100k, no 300k")
    p.add_argument("--data", default="/tmp/peernet-bench", help="generated folders (kept)")
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--task", nargs=3, default=None, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.task:
        task(a.task[0], a.task[1], int(a.task[2]))
        return None
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    return run_all(runs=1 if a.quick else a.runs, quick=a.quick, data=data, out=Path(a.out))


if __name__ == "__main__":
    main()
