"""Publishing a report never deletes what peernet did not write, even if killed.

The invariant (``peernet.report.publish``): at every instant ``out`` holds a complete report
(old or new), or ``out`` is missing and the old report is complete in ``.<name>.old-<id>``,
from where the next run restores it before anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from peernet.report import publish as pub

STEPS_EXCHANGE = ["ready", "swapped", "done"]
STEPS_RENAME = ["ready", "moved_old", "placed_new", "done"]


def fake_report(folder: Path, text: str) -> Path:
    """A complete report folder as peernet writes it (marker included)."""
    (folder / "tables").mkdir(parents=True)
    (folder / "index.html").write_text(text)
    (folder / "tables" / "t.csv").write_text(text)
    pub.write_marker(folder)
    return folder


def content(folder: Path) -> str | None:
    """'old' or 'new' when ``folder`` holds that complete report, else None."""
    try:
        a = (folder / "index.html").read_text()
        b = (folder / "tables" / "t.csv").read_text()
    except OSError:
        return None
    return a if a == b and pub.is_peernet_report(folder) else None


# ---------------------------------------------------------------------- foreign folders
@pytest.mark.parametrize("setup", ["thesis", "other_report_json", "added_file", "symlink"])
def test_a_folder_peernet_did_not_write_is_refused_before_any_work(tmp_path, setup):
    out = tmp_path / "out"
    if setup == "thesis":  # the finding: report.json of another tool, a thesis, photos/
        out.mkdir()
        (out / "report.json").write_text('{"tool": "other"}')
        (out / "thesis.docx").write_text("years of work")
        (out / "photos").mkdir()
        (out / "photos" / "a.jpg").write_text("jpg")
        match = r"is not empty and is not a peernet report \(no \.peernet-report marker\)"
    elif setup == "other_report_json":  # a 0.1 report.json without its file list
        out.mkdir()
        (out / "report.json").write_text('{"peernet_version": "0.1.0"}')
        match = "is not a peernet report"
    elif setup == "added_file":  # a peernet report to which a person added a file
        fake_report(out, "old")
        (out / "tables" / "my notes.docx").write_text("mine")
        match = r"holds 1 file\(s\) peernet did not write \(e\.g\. 'tables/my notes\.docx'\)"
    else:
        target = fake_report(tmp_path / "elsewhere", "old")
        out.symlink_to(target)
        match = "is a symbolic link"
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(ValueError, match=match) as info:
        pub.check_target(out)
    assert "\n" not in str(info.value)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_out_below_a_file_or_unwritable_is_refused(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ValueError, match=r"is below '.*file\.txt', which is a file"):
        pub.check_target(tmp_path / "file.txt" / "report")
    with pytest.raises(ValueError, match=r"file\.txt' is a file; give a folder"):
        pub.check_target(tmp_path / "file.txt")
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(ValueError, match="permission denied"):
            pub.check_target(ro / "report")


def test_earlier_reports_are_replaced_and_reports_are_not_private(tmp_path):
    out = tmp_path / "out"
    for text in ("old", "new"):
        pub.check_target(out)
        tmp = pub.new_partial(out)
        fake_report(tmp, text)
        pub.publish(tmp, out)
    assert content(out) == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == 0o777 & ~umask  # not mkdtemp's 0o700
    assert ((out / "index.html").stat().st_mode & 0o777) == 0o666 & ~umask
    # a 0.1 report (report.json listing its files) is still recognised and replaced
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "index.html").write_text("x")
    (legacy / "report.json").write_text(json.dumps({"peernet_version": "0.1.0",
                                                    "files": ["index.html", "report.json"]}))
    assert pub.check_target(legacy) == legacy


# ---------------------------------------------------------------------- killed at each step
KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from peernet.report import publish as pub
    out, step, exchange = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    def kill(name):
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)
    pub._step = kill
    pub.check_target(out)
    tmp = pub.new_partial(out)
    (tmp / "tables").mkdir()
    (tmp / "index.html").write_text("new")
    (tmp / "tables" / "t.csv").write_text("new")
    if step == "building":
        os.kill(os.getpid(), signal.SIGKILL)
    pub.publish(tmp, out, exchange=exchange)
""")


@pytest.mark.parametrize(("exchange", "step"),
                         [(True, s) for s in ["building", *STEPS_EXCHANGE]]
                         + [(False, s) for s in ["building", *STEPS_RENAME]])
def test_killed_at_each_step_the_old_report_survives(tmp_path, exchange, step):
    if exchange and pub._exchange() is None:
        pytest.skip("no renameat2 on this system")
    out = tmp_path / "report"
    fake_report(out, "old")
    (tmp_path / "thesis.docx").write_text("not peernet's")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-c", KILLER, str(out), step,
                          "1" if exchange else "0"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == -9, run.stderr  # killed where we asked
    # the invariant, right after the kill
    olds = list(tmp_path.glob(".report.old-*"))
    if out.exists():
        assert content(out) in ("old", "new")
    else:
        assert [content(p) for p in olds] == ["old"]
    # the next run recovers first: the old or the new report at out, nothing else left
    pub.check_target(out)
    expected = "new" if step in ("swapped", "placed_new", "done") else "old"
    assert content(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "thesis.docx"]


def test_partial_folders_of_dead_runs_go_at_once_others_stay(tmp_path):
    out = tmp_path / "report"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / ".report.partial-dead"
    stale.mkdir()
    (stale / pub.PARTIAL).write_text(json.dumps({"pid": int(dead)}))
    running = tmp_path / ".report.partial-running"
    running.mkdir()
    (running / pub.PARTIAL).write_text(json.dumps({"pid": os.getpid()}))
    unmarked = tmp_path / ".report.partial-unknown"  # not provably ours: kept
    unmarked.mkdir()
    (unmarked / "x").write_text("x")
    done = pub.recover(out)
    assert done == ["removed .report.partial-dead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.partial-running",
                                                          ".report.partial-unknown"]


def test_scrubbing_in_steps_gives_the_files_of_one_scrub(tmp_path):
    """OutputScrub: files scrubbed as soon as written (by either core), the rest at the end:
    the same files as scrub_outputs after everything was written, each scrubbed once."""
    texts = {"networks/2025.graphml": '<data key="d2">Ana Lopez &amp; Bo</data>\n' * 3,
             "networks/2025.gexf": '<attvalue value="ana lopez" /> ana@example.org\n',
             "interactive_map.html": "<p>Es Ana Lopez</p> es",
             "tables/t.csv": "name\nAna Lopez\nBo\n",
             "index.html": "<p>es Ana</p>", "report.json": '"Ana Lopez"'}
    replacements = {"Ana Lopez": "[member]", "es": "[small group]", "2025": "not a name"}
    one, steps = tmp_path / "one", tmp_path / "steps"
    for folder in (one, steps):
        for name, text in texts.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    expected = pub.scrub_outputs(one, replacements, words={"es"})
    scrub = pub.OutputScrub(replacements, words={"es"})
    early = scrub.files(steps, ["networks/2025.graphml", "networks/2025.gexf"])
    later = pub.OutputScrub(replacements, words={"es"})   # as in a forked child
    mapped = later.files(steps, ["interactive_map.html"])
    scrub.mark(later.done)
    rest = scrub.rest(steps)
    assert {**early, **rest} != {} and set(rest).isdisjoint(early)
    for name in texts:
        assert (steps / name).read_bytes() == (one / name).read_bytes(), name
    assert sum(expected.values()) == sum({**early, **mapped, **rest}.values())
    assert "Ana" not in (steps / "tables/t.csv").read_text()


@pytest.mark.parametrize("case", ["clean", "names", "newline", "sigma", "few lines"])
def test_files_read_by_distinct_lines_are_scrubbed_as_whole(tmp_path, case):
    """OutputScrub reads a long file of repeated lines by its distinct lines first: the
    same file as scrubbing the whole text (Scrubber.subn, then redact_emails)."""
    from peernet.privacy import redact_emails

    rows = ['    <data key="d3">government</data>', '    <data key="d4">Capital</data>',
            "    </node>"] * 40
    replacements = {"Ana Lopez": "[member]", "Bo": "[member]", "οδος σ": "[x]"}
    if case == "sigma":   # a final sigma lowers by its neighbours, within its line
        rows[7] = "ΟΔΟΣ Σ"
    elif case == "names":
        rows[57] = "Ana Lopez wrote to bo@example.org"
        rows[90] = "    <data>ana lopez</data>"
    elif case == "newline":
        replacements["Capital</data>\n    </node>"] = "[spans lines]"
    elif case == "few lines":
        rows = rows[:10] + ["Ana Lopez"]
    text = "\n".join(rows + [f"unique {i}" for i in range(20)]) + "\n"
    path = tmp_path / "networks" / "x.graphml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    scrub = pub.OutputScrub(replacements)
    found = scrub.files(tmp_path, ["networks/x.graphml"])
    whole, n = scrub.scrub.subn(text)
    whole, k = redact_emails(whole)
    assert path.read_text(encoding="utf-8") == whole
    assert found == ({"networks/x.graphml": n + k} if n + k else {})
    assert (n + k > 0) == (case != "clean")
