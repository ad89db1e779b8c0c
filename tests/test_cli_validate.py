"""`peernet validate`: table sizes and the data-quality summary; exit codes."""

import re
import subprocess
import sys

from peernet.cli import main


def test_validate_prints_sizes_and_quality(tmp_path, capsys):
    (tmp_path / "members.csv").write_text("member_id\nana\nben\n")
    (tmp_path / "interactions.csv").write_text(
        "timestamp,source,kind\n2025-01-03,ana,message\nnot a date,ben,message\n")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  members\s+2$", out, re.M)
    assert re.search(r"^  interactions\s+1$", out, re.M)
    assert re.search(r"^  problems\s+-$", out, re.M)  # not provided
    assert "interactions.csv: 2 rows read, 1 kept (0 repaired), 1 dropped" in out
    assert "interactions.csv: dropped 1 row(s) (row 3): cannot read as a date" in out


def test_validate_structural_error_is_one_line_and_non_zero(tmp_path):
    (tmp_path / "members.csv").write_text("member_id\nana\n")
    proc = subprocess.run([sys.executable, "-m", "peernet.cli", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("peernet: error: ")
    assert "required table 'interactions' not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_reads_a_folder_of_exports(tmp_path, capsys):
    """A folder of raw exports (no members table) is sniffed file by file."""
    import shutil
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    shutil.copy(fixtures / "zoom" / "meeting_details.csv", tmp_path)
    shutil.copytree(fixtures / "slack" / "export", tmp_path / "slack")
    for mbox in (fixtures / "mbox").glob("*.mbox"):
        shutil.copy(mbox, tmp_path)
    (tmp_path / "notes.txt").write_text("agenda for next time\n")
    assert main(["validate", str(tmp_path), "--tz", "America/New_York"]) == 0
    out = capsys.readouterr().out
    assert "exports read in time zone America/New_York" in out
    assert "('meeting_details.csv'): read as Zoom" in out
    assert "('slack'): read as Slack workspace export" in out
    assert "read as mailing-list archive" in out
    assert "notes.txt" in out  # not identified: listed, not skipped silently
