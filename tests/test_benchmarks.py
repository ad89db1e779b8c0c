"""Smoke test of benchmarks/run.py at 1,000 members / 100,000 interactions (no timing asserts)."""

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("peernet_bench", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_synthetic_network_is_canonical_and_seeded(bench):
    a = bench.synthetic(300, 20_000, seed=1)
    b = bench.synthetic(300, 20_000, seed=1)
    pd.testing.assert_frame_equal(a["interactions"], b["interactions"])
    inter = a["interactions"]
    year = inter[inter["timestamp"].dt.year == bench.YEAR]
    assert abs(len(year) - 20_000) < 0.1 * 20_000           # attendance is drawn at random
    assert set(inter["kind"]) == set(bench.KINDS)
    ids = set(a["members"]["member_id"])
    assert set(inter["source"]) <= ids and set(inter["target"].dropna()) <= ids
    assert set(inter["event_id"].dropna()) <= set(a["events"]["event_id"])
    assert (inter["source"] != inter["target"]).all()
    threads = inter["thread_id"].dropna()
    assert len(threads) and set(threads) <= set(inter["message_id"].dropna())
    att = inter[inter["kind"] == "attend"]
    assert not att.duplicated(["event_id", "source"]).any()


def test_quick_run_writes_table_and_json(bench, tmp_path, capsys):
    results = bench.main(["--members", "1000", "--interactions", "100000", "--out",
                          str(tmp_path), "--quick"])
    res = results[0]
    stages = [r["stage"] for r in res["rows"]]
    assert stages == ["floor", "load", "person_graph", "participation", "network_metrics",
                      "member_metrics", "metrics_total"]
    assert all(r["error"] is None and r["seconds"] > 0 for r in res["rows"])
    saved = json.loads((tmp_path / "bench_1000_100000.json").read_text())
    assert saved["sizes"]["members"] == 1000 and saved["rows"][0]["stage"] == "floor"
    table = (tmp_path / "bench_1000_100000.md").read_text()
    assert "| member_metrics |" in table and "peak RSS MB" in table
    assert "| metrics_total |" in capsys.readouterr().out
