"""pn.read_meet on the Google Meet attendance report of shared/formats.md (c)."""

from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "meet"
REPORT = FIX / "2024-03-05 09:58 Housing call - Attendance Report.csv"


def test_date_from_the_file_name_and_mixed_durations():
    net = pn.read_meet(REPORT, tz="Europe/Paris")
    ev = net.events.iloc[0]
    assert ev["title"] == "Housing call"
    assert ev["start"] == pd.Timestamp("2024-03-05 08:58", tz="UTC")  # 9:58 AM Paris
    att = net.interactions.set_index("source")
    # "1 hr 5 min", "58 min", "30 sec"
    assert att["duration_min"].to_dict() == {"ada-obi": 65.0, "ben-roy": 58.0, "cy": 0.5}
    assert att.loc["ben-roy", "timestamp"] == pd.Timestamp("2024-03-05 09:02", tz="UTC")
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (3, 3, 0)
    assert net.members.set_index("member_id").loc["cy", "email"] != "x"


def test_date_argument_and_missing_date(tmp_path):
    p = tmp_path / "attendance.csv"
    p.write_bytes(REPORT.read_bytes())
    with pytest.raises(pn.DataError, match=r"attendance\.csv: .*pass date="):
        pn.read_meet(p, tz="UTC")
    net = pn.read_meet(p, tz="UTC", date="2024-06-01")
    assert net.interactions["timestamp"].min() == pd.Timestamp("2024-06-01 09:58", tz="UTC")
