"""``peernet evaluate-many FOLDER... --year 2025 --out DIR``: the portfolio from the shell.

It only parses arguments and calls :func:`peernet.evaluate_many` and
:func:`peernet.report_portfolio`. Exit status: 0 when every network was evaluated, 1 when
some could not be (the report is written without them; one line each on stderr), 2 on a
bad argument or output folder, or when no network could be evaluated (one line).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "cmd_evaluate_many"]


def add_parser(sub: argparse._SubParsersAction, *, compare_year: Callable[..., Any]
               ) -> None:
    """Add the command to the ``peernet`` parser; ``compare_year`` reads ``--compare`` as
    ``peernet evaluate`` does (``peernet.cli._compare_year``, passed in: no import back)."""
    p = sub.add_parser("evaluate-many", help="evaluate several networks in parallel and "
                       "write one report comparing them")
    p.add_argument("paths", nargs="+", metavar="FOLDER", help="peernet folders, one per "
                   "network (named after the folder)")
    p.add_argument("--year", required=True, type=int, help="the year to evaluate, e.g. 2025")
    p.add_argument("--compare", default=None, help="year to compare with (default: the "
                   "year before); 'none' evaluates the year alone (baselines)")
    p.add_argument("--out", default="portfolio", help="output folder (default: portfolio/)")
    p.add_argument("--names", action="store_true", help="do not pseudonymise (default: no "
                   "member is named)")
    p.add_argument("--bootstrap", type=int, default=200, help="resamples for the intervals "
                   "(default 200; 0 skips them)")
    p.add_argument("--grid-bootstrap", type=int, default=None, help="resamples for the Grid "
                   "intervals (default: 50, at most --bootstrap)")
    p.add_argument("--workers", type=int, default=None, help="local processes (default: one "
                   "a network, at most the number of CPUs)")
    p.set_defaults(func=cmd_evaluate_many, compare_year=compare_year)


def cmd_evaluate_many(args: argparse.Namespace) -> int:
    import peernet as pn

    from .report.publish import check_target

    t0 = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - t0:5.1f}s] {message}", file=sys.stderr, flush=True)

    compare = args.compare_year(args.compare, args.year)
    periods = [str(args.year)] if compare is None else [str(compare), str(args.year)]
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be 1 or more; got {args.workers}")
    networks: dict[str, str] = {}
    for path in args.paths:
        name = Path(path).resolve().name or str(path)
        base, i = name, 2
        while name in networks:  # two folders of the same name: north, north-2
            name, i = f"{base}-{i}", i + 1
        networks[name] = path
    check_target(args.out)  # writable, not a folder peernet did not write: before any work
    pf = pn.evaluate_many(networks, periods=periods, max_workers=args.workers,
                          bootstrap=args.bootstrap, grid_bootstrap=args.grid_bootstrap,
                          progress=progress)
    for name, why in pf.errors.items():
        print(f"peernet: {name}: not evaluated: {why}", file=sys.stderr)
    if not pf.evaluations:
        raise ValueError(f"no network could be evaluated ({len(pf.errors)} failed); "
                         f"nothing was written to {args.out}")
    out = pn.report_portfolio(pf, args.out, pseudonymize=not args.names, progress=progress)
    progress("done")
    print(f"Portfolio report of {len(pf.evaluations)} network(s) written to "
          f"{Path(out) / 'index.html'}")
    return 1 if pf.errors else 0
