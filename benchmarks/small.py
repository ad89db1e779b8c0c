"""A small network end to end: ``peernet evaluate`` against a direct pandas + networkx script.

    .venv/bin/python benchmarks/small.py [--runs 5]

The direct script (``--direct``, below) is what an analyst would write by hand for the
shipped riverbend sample (150 members): read the CSVs with pandas, build each year's person
graph (direct ties and co-attendance), compute the network metrics (density, reciprocity,
clustering, components, Louvain modularity) and the member metrics (degree, strength,
betweenness, eigenvector, constraint, core number) for 2024 and 2025, and draw the two
maps with one spring layout (PNG). peernet does that and much more (validation, the Grid,
intervals, findings, the report with its tables, figures, network files and interactive
map), so the ratio says what the whole evaluation costs over the bare numbers and maps.
``--same-job`` does exactly the direct script's job through peernet's API (``pn.load``,
``pn.network_metrics`` and ``pn.member_metrics`` of both years, ``pn.plot.map_years``):
what peernet costs over hand-written code for the same numbers and maps. ``--evaluation``
is ``peernet evaluate``'s evaluation without its report (``pn.load`` and ``pn.evaluate`` of
both years, default intervals): what the Grid, the intervals, mixing and participation cost
before a figure or a page is made.

Commands run in turn (A B A B ...), each as a fresh process; the ratio is taken pair by
pair and its median printed with the machine's load average before and after. Results go
to ``benchmarks/results/small.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "riverbend"


def direct(folder: Path, out: Path) -> None:
    """The hand-written analysis (see the module docstring)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    import pandas as pd

    members = pd.read_csv(folder / "members.csv")
    inter = pd.read_csv(folder / "interactions.csv")
    inter["timestamp"] = pd.to_datetime(inter["timestamp"], format="mixed",
                                        errors="coerce")  # the sample has bad dates
    org = dict(zip(members["member_id"], members["org"], strict=True))
    graphs = {}
    for year in (2024, 2025):
        y = inter[inter["timestamp"].dt.year == year]
        d = y[y["target"].notna() & (y["source"] != y["target"])]
        D = nx.DiGraph()
        for (s, t), w in d.groupby(["source", "target"]).size().items():
            D.add_edge(s, t, weight=w)
        G = nx.Graph()
        G.add_nodes_from(y["source"].dropna().unique())
        for (s, t), w in d.groupby(["source", "target"]).size().items():
            old = G.get_edge_data(s, t, {"weight": 0})["weight"]
            G.add_edge(s, t, weight=old + w)
        att = y[(y["kind"] == "attend") & y["event_id"].notna()]
        for _, people in att.groupby("event_id")["source"]:
            p = sorted(set(people))
            for i, a in enumerate(p):
                for b in p[i + 1:]:
                    old = G.get_edge_data(a, b, {"weight": 0})["weight"]
                    G.add_edge(a, b, weight=old + 1)
        comms = nx.community.louvain_communities(G, seed=0)
        network = {"density": nx.density(G), "reciprocity": nx.reciprocity(D),
                   "clustering": nx.transitivity(G),
                   "components": nx.number_connected_components(G),
                   "modularity": nx.community.modularity(G, comms)}
        member = pd.DataFrame({
            "degree": dict(G.degree()), "strength": dict(G.degree(weight="weight")),
            "betweenness": nx.betweenness_centrality(G),
            "eigenvector": nx.eigenvector_centrality_numpy(G),
            "constraint": nx.constraint(G, weight="weight"),
            "core": nx.core_number(G)})
        member.to_csv(out / f"members_{year}.csv")
        pd.Series(network).to_csv(out / f"network_{year}.csv")
        graphs[year] = G
    union = nx.compose(graphs[2024], graphs[2025])
    pos = nx.spring_layout(union, seed=0)
    fig, axes = plt.subplots(1, 2, figsize=(12, 6))
    orgs = sorted({str(o) for o in org.values()} | {"None"})
    colour = {o: plt.cm.tab20(i % 20) for i, o in enumerate(orgs)}
    for ax, (year, G) in zip(axes, graphs.items(), strict=True):
        nx.draw_networkx(G, pos, ax=ax, with_labels=False, node_size=30, width=0.3,
                         node_color=[colour[str(org.get(n))] for n in G])
        ax.set_title(str(year))
        ax.set_axis_off()
    fig.savefig(out / "maps.png", dpi=150)
    plt.close(fig)


def same_job(folder: Path, out: Path) -> None:
    """What the direct script does, through peernet's API: the loader's validation, the
    network and member metrics of 2024 and 2025 as CSV, the two maps (one layout) as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import peernet as pn

    net = pn.load(folder)
    years = {year: net.period(year) for year in ("2024", "2025")}
    members = {year: pn.member_metrics(y) for year, y in years.items()}
    for year, y in years.items():
        members[year].to_csv(out / f"members_{year}.csv")
        pn.network_metrics(y).to_csv(out / f"network_{year}.csv")
    fig = pn.plot.map_years(net, list(years.values()), color_by="org", metrics=members)
    pn.plot.save(fig, out / "maps", formats=("png",), dpi=150)
    plt.close(fig)


def evaluation(folder: Path, out: Path) -> None:
    """``peernet evaluate --year 2025``'s evaluation, without its report: ``pn.load`` and
    ``pn.evaluate`` of 2024 and 2025 with the default intervals."""
    import peernet as pn

    pn.evaluate(pn.load(folder), periods=["2024", "2025"])


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process (children's rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-500:]}")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--direct", default=None, help=argparse.SUPPRESS)  # run the script
    p.add_argument("--same-job", default=None, help=argparse.SUPPRESS)  # peernet's API
    p.add_argument("--evaluation", default=None, help=argparse.SUPPRESS)  # no report
    a = p.parse_args(argv)
    job = {"direct": direct, "same_job": same_job, "evaluation": evaluation}
    asked = [name for name in job if getattr(a, name)]
    if asked:
        import warnings

        warnings.simplefilter("ignore")  # the sample's planted data problems are noted
        job[asked[0]](SAMPLE, Path(getattr(a, asked[0])))
        return {}
    tmp = Path(tempfile.mkdtemp(prefix="peernet-small-"))
    # peernet's bytecode, as a pip install writes it: with PYTHONDONTWRITEBYTECODE set (some
    # CI images and containers) an editable checkout is compiled again at every start
    # (100 modules, 0.4 s), which the direct script, importing installed packages, never pays
    import compileall

    import peernet

    compileall.compile_dir(str(Path(peernet.__file__).parent), quiet=1)
    exe = [sys.executable, "-m", "peernet.cli", "evaluate", str(SAMPLE), "--year", "2025"]
    commands = {
        "direct script": [sys.executable, __file__, "--direct", str(tmp)],
        "the same job through peernet's API": [sys.executable, __file__, "--same-job",
                                                str(tmp)],
        "pn.load + pn.evaluate (no report)": [sys.executable, __file__, "--evaluation",
                                              str(tmp)],
        "peernet evaluate (default: intervals)": [*exe, "--out", str(tmp / "r1")],
        "peernet evaluate --bootstrap 0": [*exe, "--bootstrap", "0", "--out", str(tmp / "r2")],
    }
    load = [os.getloadavg()[0]]
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for cmd in commands.values():   # warm-up (disk cache, compiled kernels)
        _run(cmd)
    for _ in range(a.runs):
        for name, cmd in commands.items():
            times[name].append(_run(cmd))
    load.append(os.getloadavg()[0])
    base = times["direct script"]
    rows = []
    for name, runs in times.items():
        rows.append({
            "command": name,
            "wall_median": statistics.median(w for w, _ in runs),
            "cpu_median": statistics.median(c for _, c in runs),
            "wall_ratio": statistics.median(w / b[0] for (w, _), b in zip(runs, base,
                                                                             strict=True)),
            "cpu_ratio": statistics.median(c / b[1] for (_, c), b in zip(runs, base,
                                                                            strict=True))})
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_average": load, "runs": a.runs, "cpus": os.cpu_count(),
              "python": platform.python_version(), "rows": rows}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "small.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    md = (f"Riverbend (150 members) end to end, {a.runs} runs each, A B C A B C; "
          f"{result['date']}, load average {load[0]:.1f} -> {load[1]:.1f}, "
          f"{result['cpus']} cores\n\n| command | wall s | CPU s | x direct (wall) | "
          f"x direct (CPU) |\n|---|---:|---:|---:|---:|\n")
    md += "\n".join(f"| {r['command']} | {r['wall_median']:.2f} | {r['cpu_median']:.2f} | "
                    f"{r['wall_ratio']:.2f} | {r['cpu_ratio']:.2f} |" for r in rows) + "\n"
    (out / "small.md").write_text(md, encoding="utf-8")
    print(md)
    return result


if __name__ == "__main__":
    main()
