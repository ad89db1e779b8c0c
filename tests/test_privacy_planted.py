"""Nothing personal leaves in a default report, whatever loader read the data (issue 21).

Into the input of every public loader we plant what must never reach a report made without
names: a name not on any roster, an email address, a free-text remark and an export file
name that names people. Each planted input is loaded, evaluated and reported with the
defaults (``pn.report(ev, out)``), and every text file of the report (HTML, CSV, SVG, JSON)
is searched for the planted strings. The values are planted into cells the loaders keep
(names, emails), cells they drop or repair (dates, labels: their error texts name the
value) and file names.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.errors import DataError

from .test_fuzz_loaders import LOADERS

NAME = "Zed Quinnell"
EMAIL = "hilda.hidden@private.example"
REMARK = "Quinnell is a bully, ask HR"
FILE_STEM = "Zed Hidden 1-1 - Attendance report"
PLANTED = [NAME, f"{NAME} <{EMAIL}>", EMAIL, REMARK, f"'{REMARK}' said Hilda"]
#: searched for, ignoring case, in every output file
SEARCH = re.compile(r"quinnell|hilda|private\.example|bully|zed hidden", re.IGNORECASE)


def plant_text(text: str, rng: random.Random, share: float) -> str:
    """Replace a share of the cells of a delimited text (not the header) with planted text."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    delim = max(",;\t", key=lines[0].count)
    for i in range(1, len(lines)):
        end = lines[i][len(lines[i].rstrip("\r\n")):]
        cells = lines[i].rstrip("\r\n").split(delim)
        if len(cells) < 2 or '"' in lines[i]:
            continue
        for k in range(len(cells)):
            if rng.random() < share:
                cells[k] = rng.choice(PLANTED).replace(delim, " ")
        lines[i] = delim.join(cells) + end
    return "".join(lines)


def plant_json(text: str, rng: random.Random, share: float) -> str:
    data = json.loads(text)

    def walk(node):
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else []
        for k, v in list(items):
            if isinstance(v, str) and k not in ("ts", "type", "id", "user", "subtype") \
                    and rng.random() < share:
                node[k] = rng.choice(PLANTED)
            else:
                walk(v)

    walk(data)
    return json.dumps(data)


def plant_file(path: Path, rng: random.Random, share: float) -> None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str) and rng.random() < share:
                        cell.value = rng.choice(PLANTED)
        wb.save(path)
        return
    raw = path.read_bytes()
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = raw.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    if suffix == ".json":
        text = plant_json(text, rng, share)
    elif suffix in (".mbox", ".txt"):
        text = re.sub(r"(?m)^(From|Subject): .*$",
                      lambda m: f"{m.group(1)}: {rng.choice(PLANTED)}"
                      if rng.random() < share else m.group(0), text)
    else:
        text = plant_text(text, rng, share)
    path.write_bytes(text.encode("utf-16" if utf16 else "utf-8"))


def stage_planted(loader, source: Path, workdir: Path, seed: int, share: float) -> Path:
    rng = random.Random(seed)
    dest = workdir / source.name
    if source.is_dir():
        shutil.copytree(source, dest)
        files = sorted(p for p in dest.rglob("*") if p.is_file())
        for f in files:
            plant_file(f, rng, share)
        if loader.name in ("load", "read_events"):  # an export named after people
            (dest / f"{FILE_STEM}.csv").write_text("Name,Email\nZed Quinnell,"
                                                   f"{EMAIL}\n", encoding="utf-8")
        return dest
    date = "2024-03-05 09:58 " if loader.name == "read_meet" else ""  # Meet: date in name
    dest = workdir / f"{date}{FILE_STEM}{source.suffix}"
    shutil.copy(source, dest)
    plant_file(dest, rng, share)
    return dest


def with_interactions(net: pn.PeerNetwork) -> pn.PeerNetwork:
    """A survey-only network gets a few messages among its members, so it can be evaluated."""
    if len(net.interactions):
        return net
    ids = net.members["member_id"].astype("str").tolist()[:6]
    start = pd.Timestamp("2025-03-01", tz="UTC")
    rows = pd.DataFrame({"timestamp": [start + pd.Timedelta(days=i) for i in range(len(ids))],
                         "source": ids, "kind": "message",
                         "target": ids[1:] + ids[:1]})
    tables = {t: df for t, df in net.tables().items() if t != "interactions"}
    return pn.PeerNetwork.from_tables(**tables, interactions=rows, tz=net.tz,
                                      quality=net.quality)


def report_of(net: pn.PeerNetwork, out: Path) -> Path:
    net = with_interactions(net)
    year = str(net.interactions["timestamp"].max().tz_convert(net.tz).year)
    ev = pn.evaluate(net, periods=[year], bootstrap=0)
    return pn.report(ev, out, formats=("png", "svg"))


def leaks(out: Path) -> list[str]:
    found = []
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        text = data.decode("utf-8", errors="replace") if p.suffix != ".png" else \
            data.decode("latin-1")
        for m in SEARCH.finditer(text):
            found.append(f"{p.relative_to(out)}: ...{text[max(0, m.start() - 60):m.end() + 40]!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("loader", LOADERS, ids=[x.name for x in LOADERS])
def test_planted_personal_strings_never_reach_a_default_report(loader, tmp_path):
    sources = loader.sources()
    if not sources:
        pytest.skip(f"no fixtures for {loader.name}")
    source = sources[0]
    net = None
    for seed, share in [(1, 0.3), (2, 0.15), (3, 0.05), (4, 0.0)]:
        work = tmp_path / f"in{seed}"
        work.mkdir()
        path = stage_planted(loader, source, work, seed, share)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                net = loader.func(path, **loader.kwargs_for(source))
            break
        except DataError:
            continue
    assert net is not None
    seen = net.quality.issues.to_string() + net.members.to_string() + \
        net.quality.counts.to_string()
    assert SEARCH.search(seen), "nothing was planted where the loader looks"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = report_of(net, tmp_path / "report")
    assert leaks(out) == []


def test_a_failing_export_does_not_put_its_error_text_in_the_report(tmp_path):
    """The finding: read_events copied an export's error text into the report."""
    folder = tmp_path / "exports"
    folder.mkdir()
    fixture = next((Path(__file__).parent / "fixtures" / "teams").glob("attendanceList.csv"))
    shutil.copy(fixture, folder / "call.csv")
    bad = fixture.read_bytes().decode("utf-16")
    bad = bad.replace("Joined", f"Hidden Hilda <{EMAIL}> said hi", 1)
    (folder / f"{FILE_STEM}.csv").write_bytes(bad.encode("utf-16"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.read_events(folder, tz="UTC", errors="report")
        assert SEARCH.search(net.quality.issues.to_string())
        out = report_of(net, tmp_path / "report")
    assert leaks(out) == []
    problems = pd.read_csv(out / "tables" / "data_quality_problems.csv")
    assert not problems["source"].astype("str").str.contains("Zed").any()


def test_scrub_text_removes_by_pattern():
    from peernet.privacy import scrub_text

    text = (f"{FILE_STEM}.csv: unknown User Action 'Hidden Hilda <{EMAIL}> said hi'; "
            f"partner \"{NAME}\" not on the roster; column 'source' twice; "
            f"expected ISO 8601 like '2025-02-13 10:00'")
    assert scrub_text(text, None, {f"{FILE_STEM}.csv": "export 1.csv"}) == (
        "export 1.csv: unknown User Action '[removed]'; partner \"[removed]\" not on the "
        "roster; column 'source' twice; expected ISO 8601 like '2025-02-13 10:00'")
    assert scrub_text(f"write to {EMAIL} or see notes_zed.xlsx", None) == \
        "write to [removed] or see [file]"
    assert scrub_text(np.nan) is np.nan  # not text: unchanged
