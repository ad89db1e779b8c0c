"""Render the figures shown in docs/figures.md from the riverbend sample (and Davis).

Usage (from the repository root)::

    .venv/bin/python scripts/make_figures.py [--out docs/figures] [--bootstrap 200]

Writes PNG (200 dpi) and SVG for every figure with ``pn.plot.save``; only the PNGs are
committed (docs/figures/*.png). Seeds are fixed, so the figures are the same every run.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import peernet as pn  # noqa: E402


def _synthetic_network(n: int):
    """A seeded stand-in for a large statewide network: 8 organizations of unequal size,
    ties mostly inside organizations, tie weights geometric, 30 members without ties."""
    import networkx as nx
    import numpy as np

    rng = np.random.default_rng(1)
    shares = np.array([0.2, 0.17, 0.15, 0.15, 0.12, 0.1, 0.06, 0.05])
    sizes = [int(s) for s in np.round(shares * (n - 30))]
    G = nx.random_partition_graph(sizes, 0.012, 0.0006, seed=1)
    G = nx.relabel_nodes(G, {i: f"m{i:05d}" for i in G})
    for _, data in G.nodes(data=True):
        data["org"] = f"organization {data.pop('block') + 1}"
    for _, _, data in G.edges(data=True):
        data["weight"] = float(rng.geometric(0.4))
    G.add_nodes_from((f"x{i:03d}", {"org": "organization 1"}) for i in range(30))
    G.graph.pop("partition", None)
    return G


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/figures", help="output folder")
    parser.add_argument("--bootstrap", type=int, default=200,
                        help="bootstrap resamples of the evaluation (trend intervals)")
    parser.add_argument("--svg", action="store_true", help="also write SVG files")
    args = parser.parse_args(argv)
    out = Path(args.out)
    formats = ("png", "svg") if args.svg else ("png",)
    warnings.simplefilter("ignore", pn.DataQualityWarning)

    net = pn.load_sample("riverbend")
    davis = pn.load_sample("davis")
    y25 = net.period("2025")
    started = time.perf_counter()

    def done(name: str, fig) -> None:
        paths = pn.plot.save(fig, out / name, formats=formats)
        plt.close(fig)
        print(f"{time.perf_counter() - started:6.1f}s  {', '.join(str(p) for p in paths)}")

    with pn.plot.style():
        L = pn.plot.layout(net, seed=0)

        fig, ax = plt.subplots(figsize=(7.5, 6.5))
        pn.plot.network_map(y25, color_by="sector", layout=L, labels="top", ax=ax)
        done("network_map_2025", fig)

        fig, ax = plt.subplots(figsize=(7.5, 6.5))
        pn.plot.network_map(y25, color_by="org", layout=L, highlight=("brokers",), ax=ax)
        done("network_map_2025_org", fig)

        fig = pn.plot.map_years(net, ["2023", "2024", "2025"], color_by="region", layout=L)
        done("map_years_region", fig)

        fig, ax = plt.subplots(figsize=(10, 8.5))
        pn.plot.org_map(y25, ax=ax)
        done("org_map_2025", fig)

        fig, ax = plt.subplots(figsize=(6, 5))
        pn.plot.network_map(davis, color_by="community", labels="all", ax=ax)
        done("network_map_davis", fig)

        fig, ax = plt.subplots(figsize=(8, 7))
        big = _synthetic_network(2000)
        pn.plot.network_map(big, layout=pn.plot.layout(big), ax=ax,
                            title="Synthetic network: 2,000 members in 8 organizations")
        done("network_map_2000", fig)

        ev = pn.evaluate(net, periods=["2023", "2024", "2025"], bootstrap=args.bootstrap)

        fig, ax = plt.subplots(figsize=(9, 6))
        pn.plot.grid(ev, ax=ax)
        done("grid_2025", fig)

        fig, ax = plt.subplots(figsize=(9, 6))
        pn.plot.grid(pn.score(davis), ax=ax)
        done("grid_davis", fig)

        fig, ax = plt.subplots(figsize=(9, 4.2))
        pn.plot.participation(ev.participation, ax=ax)
        done("participation", fig)

        fig, ax = plt.subplots(figsize=(8, 4.2))
        pn.plot.trend(ev, ax=ax)
        done("trend", fig)

        done("roles_org", pn.plot.roles(ev, by="org"))
        done("roles_sector", pn.plot.roles(ev, by="sector"))
        done("evaluation_figure", pn.plot.evaluation_figure(ev))
    return 0


if __name__ == "__main__":
    sys.exit(main())
