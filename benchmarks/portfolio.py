"""Time ``pn.evaluate_many`` on copies of the riverbend sample: how the portfolio scales.

    .venv/bin/python benchmarks/portfolio.py --copies 4 --workers 2 --bootstrap 0
    .venv/bin/python benchmarks/portfolio.py --copies 4 --workers 2 --dask

Each copy is the sample's folder under another name, loaded and evaluated in a worker
(``periods=["2024", "2025"]``). Prints one line: copies, workers, executor, wall seconds,
CPU seconds of this process and of its finished children. Compare ``--workers 1`` and
``--workers 2`` as whole processes (``/usr/bin/time -v``, or A/B pairs run in turn).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import peernet as pn

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "riverbend"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bootstrap", type=int, default=0)
    ap.add_argument("--dask", action="store_true", help="a dask LocalCluster of --workers "
                    "processes instead of local processes")
    args = ap.parse_args()
    networks = {f"riverbend-{i + 1}": SAMPLE for i in range(args.copies)}
    t0 = time.perf_counter()
    if args.dask:
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            pf = pn.evaluate_many(networks, periods=["2024", "2025"], executor=client,
                                  bootstrap=args.bootstrap)
    else:
        pf = pn.evaluate_many(networks, periods=["2024", "2025"], max_workers=args.workers,
                              bootstrap=args.bootstrap)
    wall = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    assert not pf.errors, pf.errors
    print(f"copies={args.copies} workers={args.workers} executor={pf.meta['executor']} "
          f"wall={wall:.1f}s cpu={cpu:.1f}s load={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
