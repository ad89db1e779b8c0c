"""Every export reader either reads a damaged file or raises DataError (never another type).

Deterministic damage of each fixture: truncations, NULs, random bytes, another encoding.
"""

import random
import shutil
from pathlib import Path

import pytest

import peernet as pn
from peernet.io import mbox, meet, signin, slack, teams, zoom

# the modules' own functions, not the guarded public ones: the readers themselves must only
# ever raise DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures"
CASES = [
    (zoom.read_zoom, FIX / "zoom" / "meeting_details.csv", {"tz": "UTC"}),
    (zoom.read_zoom, FIX / "zoom" / "webinar.csv", {"tz": "UTC"}),
    (teams.read_teams, FIX / "teams" / "attendanceList.csv", {"tz": "UTC"}),
    (teams.read_teams, FIX / "teams" / "Q3 network call - Attendance report 9-12-24.csv",
     {"tz": "UTC"}),
    (meet.read_meet, FIX / "meet" / "2024-03-05 09:58 Housing call - Attendance Report.csv",
     {"tz": "UTC", "date": "2024-03-05"}),
    (mbox.read_mbox, FIX / "mbox" / "housing-peers.mbox", {}),
    (signin.read_signin, FIX / "signin" / "signin.xlsx", {"tz": "UTC"}),
]


def _damaged(raw: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [b"", raw[: len(raw) // 3], raw[:-7], raw.replace(b"\n", b"\x00\n", 3),
           bytes(rng.randrange(256) for _ in range(300))]
    flipped = bytearray(raw)
    for _ in range(20):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    out.append(bytes(flipped))
    try:
        out.append(raw.decode("utf-8").encode("utf-16"))
    except UnicodeDecodeError:
        pass
    return out


@pytest.mark.parametrize("reader,path,kwargs", CASES, ids=[c[1].name for c in CASES])
def test_damaged_files_read_or_raise_data_error(tmp_path, reader, path, kwargs):
    for k, data in enumerate(_damaged(path.read_bytes(), seed=len(path.name))):
        p = tmp_path / f"{k}{path.suffix}"
        p.write_bytes(data)
        try:
            net = reader(p, **kwargs)
        except pn.DataError:
            continue
        c = net.quality.counts
        assert (c["rows_read"] == c["rows_kept"] + c["rows_dropped"]).all()


def test_damaged_slack_export(tmp_path):
    rng = random.Random(3)
    for k, victim in enumerate(["users.json", "channels.json",
                                "housing-working-group/2024-03-05.json"]):
        d = tmp_path / f"e{k}"
        shutil.copytree(FIX / "slack" / "export", d)
        raw = (d / victim).read_bytes()
        for j, data in enumerate([raw[: len(raw) // 2], b"{}", b"[1, null, \"x\"]",
                                  b'[{"ts": 5, "user": [1], "text": null, "reactions": 7}]',
                                  bytes(rng.randrange(256) for _ in range(50))]):
            (d / victim).write_bytes(data)
            try:
                slack.read_slack(d)
            except pn.DataError:
                pass
            del j
