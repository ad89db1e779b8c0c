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
