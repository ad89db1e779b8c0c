"""The `peernet evaluate` command."""

from __future__ import annotations

import subprocess
import sys

import pytest

import peernet as pn
from peernet.cli import main

SAMPLE = str(pn.datasets.sample_path("riverbend"))


@pytest.mark.slow
def test_evaluate_writes_report_and_prints_three_findings(tmp_path, capsys):
    out = tmp_path / "report"
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(out), "--bootstrap", "0"])
    assert rc == 0
    stdout, stderr = capsys.readouterr()
    lines = stdout.splitlines()
    assert lines[0] == f"Report written to {out / 'index.html'}"
    assert lines[1] == "Headline findings, 2025 against 2024:"
    assert [line[:5] for line in lines[2:]] == ["  1. ", "  2. ", "  3. "]
    assert (out / "index.html").is_file() and (out / "figures" / "maps.png").is_file()
    # progress on stderr, timed
    assert "loading" in stderr and "scoring 2025 on the Community Change Grid" in stderr
    assert "writing index.html" in stderr and stderr.splitlines()[-1].endswith("done")


def test_fiscal_years_and_compare(monkeypatch, tmp_path, capsys):
    seen = {}

    class _Ev:
        def highlights(self, n):
            return ["a.", "b.", "c."][:n]

    def fake_evaluate(net, **kwargs):
        seen.update(kwargs)
        return _Ev()

    monkeypatch.setattr(pn, "evaluate", fake_evaluate)
    monkeypatch.setattr(pn, "report", lambda ev, out, **kw: out)
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--compare", "2023", "--fiscal-start",
               "7", "--out", str(tmp_path / "r"), "--bootstrap", "5"])
    assert rc == 0
    assert seen["periods"] == ["FY2023", "FY2025"] and seen["start_month"] == 7
    assert seen["bootstrap"] == 5 and str(seen["inputs"]) == SAMPLE
    assert "Headline findings, FY2025 against FY2023:" in capsys.readouterr().out
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--fiscal-start", "1",
               "--out", str(tmp_path / "r")])
    assert rc == 0 and seen["periods"] == ["2024", "2025"]


@pytest.mark.parametrize("args, message", [
    (["evaluate", "no/such/folder", "--year", "2025"], "peernet: error: no/such/folder: "
                                                       "folder not found"),
    (["evaluate", SAMPLE, "--year", "2031"], "peernet: error: no interactions in period(s) "
                                             "['2030', '2031']; the data run from 2023-01-01 to "
                                             "2025-12-31"),
    (["evaluate", SAMPLE, "--year", "2024", "--compare", "2025"],
     "peernet: error: periods must be in time order, oldest first; got ['2025', '2024']"),
    (["evaluate", SAMPLE, "--year", "2025", "--rubric", "missing.toml"],
     "peernet: error: --rubric: file not found: missing.toml"),
    (["evaluate", SAMPLE, "--year", "2025", "--fiscal-start", "13"],
     "peernet: error: --fiscal-start must be a month 1..12; got 13"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys, tmp_path):
    rc = main([*args, "--out", str(tmp_path / "r")])
    stdout, stderr = capsys.readouterr()
    assert rc == 2
    assert stderr.splitlines()[-1].startswith(message)
    assert "Traceback" not in stderr
    assert not (tmp_path / "r").exists()


def test_refuses_to_overwrite_a_foreign_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(tmp_path), "--bootstrap", "0"])
    assert rc == 2
    assert "is not a peernet report" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_no_traceback_in_a_real_process(tmp_path):
    run = subprocess.run([sys.executable, "-m", "peernet.cli", "evaluate",
                          str(tmp_path / "missing"), "--year", "2025"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("peernet: error: ") and last.endswith("missing: folder not found")
    assert "Traceback" not in run.stderr


def test_ctrl_c_is_one_line_and_leaves_no_report(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pn.plot, "map_years", interrupted)
    out = tmp_path / "r"
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--bootstrap", "0", "--out", str(out)])
    assert rc == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"peernet: interrupted; no report was written to {out}")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- issue 21: the CLI
def _never(*args, **kwargs):
    raise AssertionError("the data must not be loaded")


@pytest.mark.parametrize("setup, message", [
    ("below_file", r"peernet: error: --out '.*file\.txt/report' is below '.*file\.txt', which "
                   r"is a file; give a folder path$"),
    ("foreign", r"peernet: error: --out '.*mine' is not empty and is not a peernet report"),
    ("is_file", r"peernet: error: --out '.*file\.txt' is a file; give a folder"),
])
def test_out_is_checked_before_loading(setup, message, tmp_path, capsys, monkeypatch):
    import re

    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "report.json").write_text("{}")  # another tool's report.json
    out = {"below_file": tmp_path / "file.txt" / "report", "foreign": tmp_path / "mine",
           "is_file": tmp_path / "file.txt"}[setup]
    monkeypatch.setattr(pn, "load", _never)
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.splitlines()) == 1, err  # not even "loading ..."
    assert re.match(message, err.strip()), err
    assert (tmp_path / "mine" / "report.json").read_text() == "{}"


@pytest.mark.parametrize("error, message", [
    (OSError(28, "No space left on device", "/r/x.png"),
     "peernet: error: /r/x.png: No space left on device"),
    (OSError(30, "Read-only file system"), "peernet: error: Read-only file system"),
    (PermissionError(13, "Permission denied", "interactions.csv"),
     "peernet: error: interactions.csv: Permission denied"),
    (FileExistsError(17, "File exists", "r"), "peernet: error: r: File exists"),
    (IndexError("list index out of range"),
     "peernet: internal error: IndexError: list index out of range (a peernet bug: please "
     "report it; PEERNET_TRACEBACK=1 shows the traceback)"),
])
def test_every_error_is_one_line_and_exit_2(error, message, tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(pn, "evaluate", fail)
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err.splitlines()
    assert rc == 2 and err[-1] == message and "Traceback" not in "\n".join(err)
    assert not (tmp_path / "r").exists()


def test_ctrl_c_while_loading_is_one_line_and_130(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pn, "load", interrupted)
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(tmp_path / "r")])
    assert rc == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"peernet: interrupted; no report was written to {tmp_path / 'r'}")
    monkeypatch.setattr(pn, "read_events", interrupted)
    rc = main(["validate", str(tmp_path)])
    assert rc == 130 and capsys.readouterr().err == "peernet: interrupted\n"


def test_the_cli_loads_through_the_guarded_api(tmp_path, capsys, monkeypatch):
    """A damaged table is a one-line DataError naming the file (the guard), exit 2."""
    import shutil

    folder = tmp_path / "net"
    shutil.copytree(SAMPLE, folder)
    (folder / "events.csv").write_bytes(b"\xff\xfe" + "event_id,start\n".encode("utf-16-le")
                                        + b"\x00\xd8")  # a lone surrogate: not UTF-16
    rc = main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.splitlines()) == 1
    assert err.startswith("peernet: error: events.csv")


# ------------------------------------------------------------------ baselines (issue 16)
TRIAL = str(pn.datasets.sample_path("riverbend").parents[2] / "tests" / "fixtures" / "trial")


def _davis_folder(tmp_path):
    folder = tmp_path / "davis"
    pn.save(pn.load_sample("davis"), folder)
    return str(folder)


@pytest.mark.slow
@pytest.mark.parametrize("which, year, extra, reason", [
    ("davis", "1936", [], "no earlier period to compare with: no interactions in 1935 "
                          "(the data start on 1936-02-23)"),
    ("riverbend", "2023", [], "no earlier period to compare with: no interactions in 2022 "
                              "(the data start on 2023-01-01)"),
    ("trial", "2024", ["--tz", "America/New_York"], "no earlier period to compare with: no "
                                                    "interactions in 2023 (the data start on "
                                                    "2024-11-19)"),
    ("riverbend", "2025", ["--compare", "none"], "no comparison asked for (one period; CLI "
                                                 "--compare none)"),
])
def test_first_year_gives_a_baseline_report(which, year, extra, reason, tmp_path, capsys):
    path = {"davis": _davis_folder, "riverbend": lambda _: SAMPLE,
            "trial": lambda _: TRIAL}[which](tmp_path)
    out = tmp_path / "report"
    rc = main(["evaluate", path, "--year", year, "--out", str(out), "--bootstrap", "0",
               *extra])
    stdout, _ = capsys.readouterr()
    assert rc == 0
    assert stdout.splitlines()[1] == f"Baseline report of {year}: {reason}."
    assert "Headline findings" not in stdout
    page = (out / "index.html").read_text()
    assert "It is the network&#39;s baseline" in page or "It is the network's baseline" in page
    assert "since " + str(int(year) - 1) not in page   # no comparison with the year before


def test_compare_takes_a_year_or_none(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_evaluate(net, **kwargs):
        seen.update(kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(pn, "evaluate", fake_evaluate)
    main(["evaluate", SAMPLE, "--year", "2025", "--compare", "none", "--out",
          str(tmp_path / "r")])
    assert seen["periods"] == ["2025"]
    main(["evaluate", SAMPLE, "--year", "2025", "--compare", "None", "--fiscal-start", "7",
          "--out", str(tmp_path / "r")])
    assert seen["periods"] == ["FY2025"]
    capsys.readouterr()
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--compare", "last", "--out",
               str(tmp_path / "r")])
    assert rc == 2
    assert capsys.readouterr().err.strip() == (
        "peernet: error: --compare must be a year such as 2024 or 'none' (a baseline report, "
        "no comparison); got 'last'")
