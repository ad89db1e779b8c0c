"""The `peernet evaluate` command."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
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
    # the first page's verdict and findings (issue 19)
    assert lines[1].startswith("Verdict: Compared with 2024, this report cannot say whether "
                               "the network is healthier")  # --bootstrap 0: nothing tested
    assert lines[2] == "Headline findings, 2025 against 2024:"
    assert [line[:5] for line in lines[3:]] == ["  1. ", "  2. ", "  3. "]
    assert "Mountain region is drifting away" in lines[3]
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


def test_svg_is_written_when_asked(monkeypatch, tmp_path):
    """Figures are PNG by default; --svg adds their vector twins (issue 23)."""
    asked = []

    class _Ev:
        def highlights(self, n):
            return ["a."][:n]

    monkeypatch.setattr(pn, "evaluate", lambda net, **kw: _Ev())
    monkeypatch.setattr(pn, "report", lambda ev, out, **kw: asked.append(kw["formats"]) or out)
    for extra in ([], ["--svg"]):
        assert main(["evaluate", SAMPLE, "--year", "2025", "--out", str(tmp_path / "r"),
                     *extra]) == 0
    assert asked == [("png",), ("png", "svg")]


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


# ------------------------------------------------- issue 17: any periods, an edge list
def _office_log(tmp_path):
    """Two working weeks of a generated SocioPatterns office log ('t i j', 20 s windows)."""
    from tests.io.test_records_study import office_log

    path = tmp_path / "tij_office.dat"
    return path, office_log(path)


EDGES = ["--edges", "--unit", "s", "--origin", "2013-06-24 08:00", "--tz", "Europe/Paris",
         "--resolution", "20"]
WEEKS = "2013-06-24..2013-06-29,2013-07-01..2013-07-06"


@pytest.mark.slow
def test_evaluate_an_edge_list_week_against_week(tmp_path, capsys):
    path, raw = _office_log(tmp_path)
    out = tmp_path / "report"
    rc = main(["evaluate", str(path), *EDGES, "--periods", WEEKS, "--out", str(out),
               "--bootstrap", "0"])
    stdout, _ = capsys.readouterr()
    assert rc == 0, stdout
    assert stdout.splitlines()[1].startswith("Verdict: ")  # the first page's (issue 19)
    assert stdout.splitlines()[2] == ("Headline findings, 2013-07-01..2013-07-06 against "
                                      "2013-06-24..2013-06-29:")
    table = pd.read_csv(out / "tables" / "participation_by_period.csv")
    assert list(table.columns[-2:]) == WEEKS.split(",")
    # contacts of each week, merged at 20 s by hand from the raw log: the interactions row
    merged = raw.assign(a=raw[["i", "j"]].min(axis=1), b=raw[["i", "j"]].max(axis=1))
    merged = merged.drop_duplicates(["a", "b", "t"]).sort_values(["a", "b", "t"])
    new = (merged["a"].ne(merged["a"].shift()) | merged["b"].ne(merged["b"].shift())
           | (merged["t"] - merged["t"].shift() > 20))
    week = (merged["t"] >= 7 * 86400).map({False: 0, True: 1})
    want = new.groupby(week).sum().tolist()
    assert table.set_index("metric").loc["interactions"].iloc[-2:].tolist() == want
    index = "".join((out / p).read_text(encoding="utf-8")   # the first page and appendix
                    for p in ("index.html", "appendix.html"))
    assert "2013Q" not in index and "Participation by period" in index


def test_evaluate_passes_periods_and_edge_options_to_the_api(monkeypatch, tmp_path, capsys):
    path, _raw = _office_log(tmp_path)
    seen = {}

    def fake_read_edges(p, **kwargs):
        seen["read_edges"] = (str(p), kwargs)
        return "net"

    def fake_evaluate(net, **kwargs):
        seen["evaluate"] = (net, kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(pn, "read_edges", fake_read_edges)
    monkeypatch.setattr(pn, "evaluate", fake_evaluate)
    members = tmp_path / "metadata.dat"
    members.write_text("1 DISQ\n2 SRH\n")
    rc = main(["evaluate", str(path), *EDGES, "--members", str(members), "--periods",
               "2013-06-24..2013-06-29, 2013-07-01..2013-07-06", "--out", str(tmp_path / "r")])
    assert rc == 130
    file, kwargs = seen["read_edges"]
    assert file == str(path)
    assert kwargs == {"unit": "s", "origin": "2013-06-24 08:00", "tz": "Europe/Paris",
                      "kind": "contact", "resolution": 20.0, "members": str(members),
                      "duration": None, "dayfirst": False}
    assert seen["evaluate"][0] == "net"
    assert seen["evaluate"][1]["periods"] == WEEKS.split(",")
    # columns by position or name, all three together
    main(["evaluate", str(path), "--edges", "--time", "0", "--source", "who", "--target", "2",
          "--periods", "2013", "--out", str(tmp_path / "r")])
    assert {k: seen["read_edges"][1][k] for k in ("time", "source", "target")} == {
        "time": 0, "source": "who", "target": 2}


@pytest.mark.parametrize("args, message", [
    (["--periods", WEEKS, "--year", "2013"], "give --year YEAR (a year against the year "
                                             "before) or --periods A..B,C..D"),
    ([], "give --year YEAR (e.g. --year 2025) or --periods A..B,C..D"),
    (["--periods", "2013-06-24..2013-06-29,,2013-07-01..2013-07-06"],
     "--periods: a comma-separated list of periods"),
    (["--periods", "2013-06-24..2013-06-20"], "--periods: a window's end must be after start"),
    (["--periods", "last week"], "--periods: period must look like '2025'"),
    (["--periods", "2013-07-01..2013-07-06,2013-06-24..2013-06-29", *EDGES],
     "periods must be in time order, oldest first"),
    (["--periods", WEEKS, "--compare", "2012"], "--compare goes with --year"),
    (["--periods", WEEKS, "--unit", "s"], "--unit: options of an edge list; add --edges"),
    (["--periods", WEEKS, "--edges", "--unit", "s", "--origin", "2013-06-24", "--time", "0"],
     "--edges: give all of --source, --target and --time, or none"),
    (["--periods", WEEKS, "--edges", "--unit", "s", "--origin", "2013-06-24", "--kind",
      "vote"], "kind must be one of"),
    (["--periods", WEEKS, "--edges", "--unit", "s", "--origin", "2013-06-24", "--resolution",
      "-5"], "resolution must be a positive number of seconds"),
    (["--periods", "2014-01-01..2014-01-08", "--edges", "--unit", "s", "--origin",
      "2013-06-24"], "no interactions in period(s)"),
])
def test_bad_periods_or_edge_options_are_one_line_and_exit_2(args, message, tmp_path,
                                                             capsys):
    path, _raw = _office_log(tmp_path)
    rc = main(["evaluate", str(path), *args, "--out", str(tmp_path / "r"), "--bootstrap",
               "0"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err[-1].startswith(f"peernet: error: {message}"), err
    assert "Traceback" not in "\n".join(err)
    assert not (tmp_path / "r").exists()


def test_an_edge_list_that_is_not_a_file_or_has_no_named_columns(tmp_path, capsys):
    rc = main(["validate", str(tmp_path), "--edges"])
    assert rc == 2 and capsys.readouterr().err.strip() == (
        f"peernet: error: {tmp_path}: is a folder; --edges reads one edge list file (a "
        f"contact log such as 't i j' lines, or a CSV with a header)")
    p = tmp_path / "ij.txt"
    p.write_text("5 3 2013-06-24\n1 2 2013-06-25\n")   # 'i j date': no header, not 't i j'
    rc = main(["validate", str(p), "--edges"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("peernet: error: ij.txt: the file has no header row, "
                                      "so its columns have no names"), err
    rc = main(["validate", str(p), "--edges", "--source", "0", "--target", "1", "--time", "2"])
    out = capsys.readouterr().out
    assert rc == 0 and "ij.txt: edge list read in time zone UTC" in out
    assert "interactions from 2013-06-24 to 2013-06-25" in out


def test_validate_an_office_log_with_the_default_t_i_j_order(tmp_path, capsys):
    path, raw = _office_log(tmp_path)
    rc = main(["validate", str(path), *EDGES])
    out = capsys.readouterr().out
    assert rc == 0
    people = set(raw["i"]) | set(raw["j"])
    assert f"  members      {len(people):>8}" in out
    assert "no header: columns 0, 1, 2 read as time, source, target" in out
    assert "interactions from 2013-06-24 to 2013-07-05" in out


@pytest.mark.slow
def test_evaluate_in_spanish_prints_in_spanish(tmp_path, capsys):
    """--lang es: the report, and what the command prints (where it wrote it, the verdict,
    the headline findings, the progress lines), in Spanish."""
    import re

    out = tmp_path / "informe"
    rc = main(["evaluate", SAMPLE, "--year", "2025", "--out", str(out), "--bootstrap", "0",
               "--lang", "es"])
    assert rc == 0
    stdout, stderr = capsys.readouterr()
    lines = stdout.splitlines()
    assert lines[0] == f"Informe escrito en {out / 'index.html'}"
    assert lines[1].startswith("Veredicto: Frente a 2024,") or lines[1].startswith("Veredicto:")
    assert lines[2] == "Hallazgos principales, 2025 frente a 2024:"
    assert [line[:5] for line in lines[3:]] == ["  1. ", "  2. ", "  3. "]
    assert "Mountain" in lines[3] and "se está alejando" in lines[3]
    assert "cargando" in stderr and "puntuando 2025 en la Matriz de Cambio Comunitario" in stderr
    assert "escribiendo index.html" in stderr and stderr.splitlines()[-1].endswith("terminado")
    english = {"the", "and", "of", "is", "with", "from", "written", "findings", "verdict",
               "against", "loading", "scoring", "drawing", "writing", "done"}
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", (stdout + stderr).replace(
        str(tmp_path), " ").replace(SAMPLE, " "))}
    assert words & english == set(), words & english
    assert '<html lang="es">' in (out / "index.html").read_text(encoding="utf-8")
