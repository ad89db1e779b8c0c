"""The ``peernet`` command. It only parses arguments and calls the public API.

    peernet validate PATH
    peernet evaluate PATH --year 2025 [--compare 2024] [--fiscal-start 7] [--rubric FILE]
                          [--out DIR] [--names]
    peernet match PATH [--k 3] [--capacity 2] [--out matches.csv]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from .errors import DataQualityWarning, PeernetError

__all__ = ["main"]


def _load(path: str, tz: str | None = None):
    from .io.tables import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load(path, tz=tz)


def cmd_validate(args: argparse.Namespace) -> int:
    net = _load(args.path, args.tz)
    print(f"{net.name}: time zone {net.tz}")
    sizes = net.sizes()
    width = max(len(t) for t in sizes["table"])
    for row in sizes.itertuples(index=False):
        shown = f"{row.rows:>8}" if row.provided else "       -"
        print(f"  {row.table:<{width}} {shown}")
    span = net.span()
    if span is not None:
        lo, hi = (t.tz_convert(net.tz).date() for t in span)
        print(f"  interactions from {lo} to {hi}")
    print()
    print(net.quality.summary())
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import peernet as pn

    net = _load(args.path, args.tz)
    year = args.year
    if args.fiscal_start and args.fiscal_start != 1:
        current = f"FY{year}"
        previous = f"FY{args.compare}" if args.compare else f"FY{int(year) - 1}"
    else:
        current = str(year)
        previous = str(args.compare) if args.compare else str(int(year) - 1)
    ev = pn.evaluate(net, periods=[previous, current], rubric=args.rubric)
    out = pn.report(ev, args.out, pseudonymize=not args.names)
    print(f"Report written to {Path(out) / 'index.html'}")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    import peernet as pn

    net = _load(args.path, args.tz)
    matches = pn.match(net, k=args.k, capacity=args.capacity)
    if args.out:
        matches.to_csv(args.out, index=False)
        print(f"{len(matches)} suggested matches written to {args.out}")
    else:
        print(matches.to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peernet", description="Evaluate peer networks.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="load a folder and print its data-quality summary")
    p.add_argument("path")
    p.add_argument("--tz", default=None, help="time zone of naive timestamps")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("evaluate", help="the annual evaluation report")
    p.add_argument("path")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--compare", type=int, default=None, help="year to compare with "
                   "(default: the year before)")
    p.add_argument("--fiscal-start", type=int, default=None, help="first month of the fiscal "
                   "year (e.g. 7); years are then fiscal years")
    p.add_argument("--rubric", default=None, help="your own rubric.toml")
    p.add_argument("--out", default="report", help="output folder (default: report/)")
    p.add_argument("--names", action="store_true", help="show member names (default: "
                   "pseudonyms)")
    p.add_argument("--tz", default=None)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("match", help="suggest peer matches")
    p.add_argument("path")
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--capacity", type=int, default=2)
    p.add_argument("--out", default=None)
    p.add_argument("--tz", default=None)
    p.set_defaults(func=cmd_match)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PeernetError as err:
        print(f"peernet: error: {err}", file=sys.stderr)
        return 2
    except (FileNotFoundError, NotImplementedError, ValueError) as err:
        print(f"peernet: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
