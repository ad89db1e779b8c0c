"""The ``peernet`` command. It only parses arguments and calls the public API.

    peernet validate PATH [--edges ...]
    peernet evaluate PATH --year 2025 [--compare 2024|none] [--fiscal-start 7] [--rubric FILE]
                          [--out DIR] [--names]
    peernet evaluate PATH --periods 2013-06-24..2013-06-29,2013-07-01..2013-07-06
    peernet evaluate contacts.dat --edges --unit s --origin 2013-06-24 --resolution 20 ...
    peernet match PATH [--k 3] [--capacity 2] [--out matches.xlsx] [--names]
    peernet evaluate-many FOLDER... --year 2025 [--out DIR] [--workers N]   (cli_many.py)
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .errors import DataQualityWarning, PeernetError

__all__ = ["main"]

def _load(path: str, tz: str | None = None):
    """Load through the guarded public API (``pn.load``): bad files raise DataError."""
    import peernet as pn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return pn.load(path, tz=tz)


def _load_any(args: argparse.Namespace):
    """A canonical folder with pn.load; a folder of raw exports (and its roster) with
    pn.read_events; a timestamped edge list (``--edges``) with pn.read_edges."""
    path = Path(args.path)
    if getattr(args, "edges", False):
        return _load_edges(args)
    if path.exists() and not _is_canonical(path):
        import peernet as pn  # the guarded loader: bad files raise DataError

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            return pn.read_events(path, tz=args.tz or "UTC", roster=args.roster,
                               identities=args.aliases, dayfirst=args.dayfirst)
    return _load(args.path, args.tz)


def _column(value: str | None) -> str | int | None:
    """A column given on the command line: a number is a position (from 0), else a name."""
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value


def _edge_options_given(args: argparse.Namespace) -> list[str]:
    return [f"--{k.replace('_', '-')}" for k in _EDGE_OPTIONS
            if getattr(args, k, None) not in (None, False)]


def _load_edges(args: argparse.Namespace):
    """``PATH`` as a timestamped edge list (``pn.read_edges``), the ``--edges`` options
    passed as they are."""
    import peernet as pn

    path = Path(args.path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "file not found"
        raise ValueError(f"{args.path}: {what}; --edges reads one edge list file (a contact "
                         f"log such as 't i j' lines, or a CSV with a header)")
    columns = {k: _column(getattr(args, k)) for k in ("source", "target", "time")}
    given: dict[str, Any] = {k: v for k, v in columns.items() if v is not None}
    if given and len(given) < 3:
        missing = ", ".join(f"--{k}" for k in columns if k not in given)
        raise ValueError(f"--edges: give all of --source, --target and --time, or none (the "
                         f"defaults: columns named source, target, time; or 't i j' in a file "
                         f"without a header); missing {missing}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return pn.read_edges(path, **given, unit=args.unit, origin=args.origin,
                             tz=args.tz or "UTC", kind=args.kind or "contact",
                             resolution=args.resolution, members=args.members,
                             duration=_column(args.duration), dayfirst=args.dayfirst)


def _periods(args: argparse.Namespace) -> list[str]:
    """``--periods A..B,C..D`` (or any period labels), oldest first as given."""
    parts = [p.strip() for p in str(args.periods).split(",")]
    if not parts or any(not p for p in parts):
        raise ValueError(f"--periods: a comma-separated list of periods such as "
                         f"2013-06-24..2013-06-29,2013-07-01..2013-07-06 (end excluded) or "
                         f"2024,2025; got {args.periods!r}")
    from .periods import parse_period

    for p in parts:
        try:
            parse_period(p)
        except ValueError as err:
            raise ValueError(f"--periods: {err}") from None
    return parts


def _is_canonical(path: Path) -> bool:
    """A canonical peernet folder: it holds a members table (else: a folder of exports)."""
    return path.is_dir() and any((path / f"members{ext}").exists()
                                 for ext in (".csv", ".parquet", ".xlsx"))


def cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not args.edges and _edge_options_given(args):
        raise ValueError(f"{', '.join(_edge_options_given(args))}: options of an edge list; "
                         f"add --edges to read {args.path} as one")
    if args.edges:
        net = _load_edges(args)
        print(f"{path.name}: edge list read in time zone {net.tz}")
    elif path.exists() and not _is_canonical(path):
        # a folder (or file) of raw exports: Zoom, Teams, Meet, Slack, mbox, sign-in sheets
        net = _load_any(args)
        print(f"{path.name}: exports read in time zone {net.tz}")
    else:
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
    import time

    import peernet as pn

    t0 = time.perf_counter()

    from ._memory import release
    from .privacy import MIN_GROUP_SIZE
    from .report.i18n import N_, translate, use_language

    lang = getattr(args, "lang", "en")

    def progress(message: str) -> None:
        release()   # the memory the step before freed (the report's steps included)
        with use_language(lang):   # the steps say what they do in English: shown in lang
            message = translate(message)
        print(f"[{time.perf_counter() - t0:5.1f}s] {message}", file=sys.stderr, flush=True)

    # every argument and the output folder are checked before any work
    if (args.year is None) == (args.periods is None):
        raise ValueError("give --year YEAR (a year against the year before) or --periods "
                         "A..B,C..D (any windows, e.g. 2013-06-24..2013-06-29,2013-07-01.."
                         "2013-07-06), not both" if args.year is not None else
                         "give --year YEAR (e.g. --year 2025) or --periods A..B,C..D "
                         "(e.g. 2013-06-24..2013-06-29,2013-07-01..2013-07-06, end excluded)")
    if not args.edges and _edge_options_given(args):
        raise ValueError(f"{', '.join(_edge_options_given(args))}: options of an edge list; "
                         f"add --edges to read {args.path} as one")
    fiscal = args.fiscal_start is not None and args.fiscal_start != 1
    if args.fiscal_start is not None and not 1 <= args.fiscal_start <= 12:
        raise ValueError(f"--fiscal-start must be a month 1..12; got {args.fiscal_start}")
    if args.periods is not None:
        if args.compare is not None:
            raise ValueError("--compare goes with --year; with --periods list every period "
                             "to compare, oldest first (one period: a baseline report)")
        periods = _periods(args)
    else:
        year = args.year
        compare = _compare_year(args.compare, year)
        years = [year] if compare is None else [compare, year]
        periods = [f"FY{y}" if fiscal else str(y) for y in years]
    if args.rubric is not None and not Path(args.rubric).is_file():
        raise ValueError(f"--rubric: file not found: {args.rubric}")
    from .report.publish import check_target

    check_target(args.out)  # writable, not below a file, not a folder peernet did not write
    from ._parallel import when_idle

    # what the report imports (pyplot 0.25-0.3 CPU s; the findings' scipy.special, Jinja and
    # Pillow's formats 0.07 more in each process that draws or writes), done while the
    # evaluation waits for its intervals' child, if it does: the report's children have it
    for module in ("matplotlib.pyplot", "scipy.special", "jinja2", "PIL.Image"):
        when_idle(partial(importlib.import_module, module))
    when_idle(lambda: importlib.import_module("PIL.Image").init())
    try:
        progress(N_("loading {path}").format(path=args.path))
        net = _load_any(args)
        prepared = None
        from ._parallel import later

        if not args.names:   # what the report reads from the network alone: on the other
            # core while this one evaluates (the report would compute it first, on one)
            from .report.protect import prepare

            release()   # first: the child's resident memory starts at this process's
            prepared = later(lambda: prepare(net, MIN_GROUP_SIZE))
        ev = pn.evaluate(net, periods=periods, rubric=args.rubric, bootstrap=args.bootstrap,
                         grid_bootstrap=args.grid_bootstrap,
                         start_month=args.fiscal_start if fiscal else 7, inputs=args.path,
                         progress=progress)
        if prepared is not None:
            from .report.protect import keep_prepared

            keep_prepared(net, prepared.result())
        # what the command prints at the end, found on the other core while the report
        # is written (the findings again: 0.7 s at 100,000 members)
        summary = later(lambda: _summary_lines(ev, periods, lang))
        out = pn.report(ev, args.out, pseudonymize=not args.names, progress=progress,
                        lang=args.lang, formats=("png", "svg") if args.svg else ("png",),
                        min_group_size=MIN_GROUP_SIZE)
    except KeyboardInterrupt:
        print(f"peernet: interrupted; no report was written to {args.out}", file=sys.stderr)
        return 130
    progress(N_("done"))
    with use_language(lang):   # the summary in the report's language (errors stay English)
        return _summary(ev, out, periods, summary.result())


def _summary(ev: Any, out: Path, periods: list, lines: list[str] | None = None) -> int:
    """What ``peernet evaluate`` prints when the report is written: where, the verdict and
    the headline findings (``lines``, else :func:`_summary_lines`), in the current
    language."""
    from .report import i18n

    print(i18n._("Report written to {path}").format(path=Path(out) / "index.html"))
    for line in lines if lines is not None else _summary_lines(ev, periods):
        print(line)
    return 0


def _summary_lines(ev: Any, periods: list, lang: str | None = None) -> list[str]:
    """The verdict and the headline findings (or the baseline's reason) as
    :func:`_summary` prints them, in ``lang`` (default: the current language)."""
    from .report import i18n
    from .report.i18n import translate, use_language

    if lang is not None:
        with use_language(lang):
            return _summary_lines(ev, periods)
    _ = i18n._
    if getattr(ev, "baseline", False):
        return [_("Baseline report of {period}: {reason}.").format(
            period=ev.current, reason=translate(ev.meta.get("baseline")))]
    lines = []
    findings = ev.highlights(3)
    from .evaluation import Evaluation

    if isinstance(ev, Evaluation):  # the report's first page: its verdict and findings
        from .report.findings import findings as found_in
        from .report.findings import verdict

        found = found_in(ev)
        lines.append(_("Verdict: {headline}").format(headline=verdict(ev, found).headline))
        findings = [f.sentence for f in found[:3]] or findings
    if findings:
        shown = list(getattr(ev, "periods", periods))
        lines.append(_("Headline findings, {current} against {previous}:").format(
            current=shown[-1], previous=shown[-2]))
        lines.extend(f"  {i}. {text}" for i, text in enumerate(findings, 1))
    return lines


def _compare_year(value: str | None, year: int) -> int | None:
    """The year of ``--compare`` (default: the year before; ``none``: a baseline)."""
    if value is None:
        return year - 1
    if value.strip().lower() == "none":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"--compare must be a year such as {year - 1} or 'none' (a baseline "
                         f"report, no comparison); got {value!r}") from None


def cmd_match(args: argparse.Namespace) -> int:
    import peernet as pn

    net = _load_any(args)
    if args.period:
        net = net.period(args.period)
    prefer = None if args.prefer == "none" else args.prefer
    result = pn.match(net, purpose=args.purpose, k=args.k, capacity=args.capacity,
                      same_org=args.same_org, prefer=prefer, region=args.region,
                      language=args.language, levels=args.levels, level_map=args.level_map,
                      seed=args.seed, roles=args.roles)
    matches, seekers, unserved = result.pairs, result.seekers, result.unserved
    served = len(seekers) - len(unserved)
    if args.out and str(args.out).lower().endswith(".xlsx"):
        result.to_excel(args.out, names=args.names)
        print(f"{len(matches)} introductions written to {args.out}"
              + ("" if args.names else " (member ids only; --names adds names and emails)"))
    elif args.out:
        matches.to_csv(args.out, index=False)
        print(f"{len(matches)} suggested matches written to {args.out}")
    else:
        for row in matches.itertuples(index=False):
            print(f"{row.seeker} <- {row.peer} (score {row.score:.2f}, {row.format}): "
                  f"{row.reasons}")
    print(f"{len(seekers)} seekers, {served} served, {len(unserved)} unserved; "
          f"cross-region share {result.summary()['cross_region_share']}")
    for row in unserved.itertuples(index=False):
        print(f"  unserved {row.seeker} (needs {row.needs}): {row.reason}")
    if args.unserved:
        unserved.to_csv(args.unserved, index=False)
        print(f"unserved seekers written to {args.unserved}")
    return 0


def _export_options(p: argparse.ArgumentParser) -> None:
    """Options for a folder of raw exports (Zoom, Teams, Slack, surveys...)."""
    p.add_argument("--roster", default=None, help="the roster (CSV/XLSX) for a folder of "
                   "raw exports (default: a roster file found in the folder)")
    p.add_argument("--aliases", default=None, help="alias table (member_id, kind, alias) "
                   "for a folder of raw exports")
    p.add_argument("--dayfirst", action="store_true", help="read dates that fit both "
                   "orders (04/03/2025) as day/month; each file's order is otherwise "
                   "decided on its own")


#: The options of ``--edges`` (argparse names), passed to ``pn.read_edges``.
_EDGE_OPTIONS = ("source", "target", "time", "unit", "origin", "resolution", "kind", "members",
                 "duration")


def _edge_list_options(p: argparse.ArgumentParser) -> None:
    """Options for a timestamped edge list (``pn.read_edges``)."""
    g = p.add_argument_group("a timestamped edge list (--edges)")
    g.add_argument("--edges", action="store_true", help="read PATH as a timestamped edge "
                   "list: a contact log ('t i j' lines as SocioPatterns writes them) or a "
                   "delimited file with a header (pn.read_edges)")
    g.add_argument("--source", default=None, help="column of the first person: a name, or "
                   "a position from 0 (default: 'source', or 1 in a file without a header)")
    g.add_argument("--target", default=None, help="column of the other person (default: "
                   "'target', or 2)")
    g.add_argument("--time", default=None, help="column of the time (default: 'time', or 0)")
    g.add_argument("--unit", choices=["s", "ms", "us", "ns"], default=None, help="times are "
                   "numbers in this unit: epoch times, or with --origin offsets from it")
    g.add_argument("--origin", default=None, help="times count from this moment, e.g. "
                   "2013-06-24 or '2013-06-24 08:00' (in --tz)")
    g.add_argument("--resolution", type=float, default=None, help="seconds of one sampling "
                   "window (SocioPatterns: 20): consecutive windows of a pair are merged into "
                   "one contact with its duration")
    g.add_argument("--kind", default=None, help="interaction kind of every row "
                   "(default: contact, mutual; a directed kind such as message or help reads "
                   "source -> target)")
    g.add_argument("--members", default=None, help="a node table (CSV or 'id attribute' "
                   "lines, e.g. a SocioPatterns metadata file): its columns become member "
                   "attributes")
    g.add_argument("--duration", default=None, help="column of each row's duration in seconds")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peernet", description="Evaluate peer networks.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="load a folder and print its data-quality summary")
    p.add_argument("path")
    p.add_argument("--tz", default=None, help="time zone of naive timestamps")
    _export_options(p)
    _edge_list_options(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("evaluate", help="the evaluation report: a year against the year "
                       "before, or any periods")
    p.add_argument("path", help="a peernet folder (members.csv, interactions.csv, ...), a "
                   "folder of raw exports with a roster, or with --edges an edge list file")
    p.add_argument("--year", default=None, type=int, help="the year to evaluate, e.g. 2025")
    p.add_argument("--periods", default=None, help="instead of --year: the periods to "
                   "evaluate, oldest first, comma-separated; each a window START..END (END "
                   "excluded: 2013-06-24..2013-06-29 is Monday to Friday) or a label (2025, "
                   "2025Q3, 2025-03, FY2025); the last is evaluated against the ones before")
    p.add_argument("--compare", default=None, help="year to compare with (default: the "
                   "year before, if it has data); 'none' writes a baseline report with no "
                   "comparison")
    p.add_argument("--fiscal-start", type=int, default=None, help="first month of the fiscal "
                   "year (e.g. 7); years are then fiscal years named after the year they end in")
    p.add_argument("--rubric", default=None, help="your own rubric.toml")
    p.add_argument("--out", default="report", help="output folder (default: report/)")
    p.add_argument("--names", action="store_true", help="show member names (default: "
                   "no member is named)")
    p.add_argument("--lang", choices=["en", "es"], default="en", help="language of the "
                   "report: en (default) or es (Spanish)")
    p.add_argument("--svg", action="store_true", help="also write every figure as SVG "
                   "(vector: for print or editing)")
    p.add_argument("--bootstrap", type=int, default=200, help="resamples of each year's "
                   "events for the intervals of network metrics and of their change "
                   "(default 200; 0 skips them, and no change is then called real)")
    p.add_argument("--grid-bootstrap", type=int, default=None, help="resamples for the "
                   "intervals of the Grid's element scores (default: 50, at most "
                   "--bootstrap)")
    p.add_argument("--tz", default=None, help="time zone of naive timestamps")
    _export_options(p)
    _edge_list_options(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("match", help="suggest peer matches")
    p.add_argument("path")
    p.add_argument("--k", type=int, default=3, help="suggestions per seeker (default 3)")
    p.add_argument("--capacity", type=int, default=2, help="times a peer may be suggested "
                   "(default 2)")
    p.add_argument("--out", default=None, help="write the introductions workbook (.xlsx) "
                   "or the matches as CSV")
    p.add_argument("--names", action="store_true", help="add names and emails to the "
                   "workbook (default: member ids only)")
    p.add_argument("--purpose", choices=["help", "integrate"], default="help",
                   help="match needs with expertise (default) or newcomers with bridges")
    p.add_argument("--unserved", default=None, help="write unserved seekers to this CSV file")
    p.add_argument("--period", default=None, help="match on one period, e.g. 2025 (its "
                   "problem log and members)")
    p.add_argument("--same-org", action="store_true", help="allow peers from the seeker's "
                   "own organization")
    p.add_argument("--prefer", choices=["new_ties", "known", "none"], default="new_ties",
                   help="favour new ties (default) or people who already know each other")
    p.add_argument("--region", choices=["prefer_same", "same", "prefer_different", "ignore"],
                   default="prefer_same", help="favour peers of the same region (default), "
                   "require it, favour other regions, or ignore regions")
    p.add_argument("--language", choices=["require", "bonus", "ignore"], default="require",
                   help="a shared language is required (default), a bonus, or ignored")
    p.add_argument("--levels", choices=["same", "adjacent", "ignore"], default="same",
                   help="peers at the same level (default), one level apart, or any level")
    p.add_argument("--level-map", default=None, help="your own levels.toml (titles and "
                   "roles to levels)")
    p.add_argument("--roles", nargs="+", default=None, metavar="ROLE",
                   help="only members with these roles take part (e.g. member coordinator)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tz", default=None)
    _export_options(p)
    p.set_defaults(func=cmd_match)

    from .cli_many import add_parser as _add_evaluate_many

    _add_evaluate_many(sub, compare_year=_compare_year)  # peernet evaluate-many FOLDER...
    return parser


def _one_line(err: BaseException) -> str:
    """The first line of an error's message, with how many more lines it had."""
    lines = str(err).strip().splitlines() or [type(err).__name__]
    more = len(lines) - 1
    return lines[0] + (f" (and {more} more line(s); run `peernet validate` for all)"
                       if more else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; every error is one line on stderr and exit status 2 (Ctrl-C: 130).

    A bad input, argument or output folder (:class:`~peernet.errors.PeernetError`,
    ``ValueError``, ``OSError`` such as a permission error or a full disk) prints
    ``peernet: error: ...``. Anything else is a peernet bug: ``peernet: internal error:
    ...``, one line too; set ``PEERNET_TRACEBACK=1`` to see the traceback and report it.
    """
    import os

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("peernet: interrupted", file=sys.stderr)
        return 130
    except (PeernetError, ValueError, OSError, NotImplementedError, MemoryError) as err:
        if os.environ.get("PEERNET_TRACEBACK") == "1":
            raise
        text = _one_line(err)
        if isinstance(err, OSError) and not isinstance(err, PeernetError):
            where = f"{err.filename}: " if err.filename else ""
            text = f"{where}{err.strerror or text}"
        print(f"peernet: error: {text}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - one line for the user, traceback on request
        if os.environ.get("PEERNET_TRACEBACK") == "1":
            raise
        print(f"peernet: internal error: {type(err).__name__}: {_one_line(err)} (a peernet "
              f"bug: please report it; PEERNET_TRACEBACK=1 shows the traceback)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
