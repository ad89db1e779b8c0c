"""Smoke test of benchmarks/run.py at 1,000 members / 100,000 interactions (no timing asserts)."""

import importlib.util
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


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


def test_igraph_floor_measures_the_same_graph_as_peernet(bench, tmp_path):
    """The floor's direct pandas + igraph pipeline builds peernet's person graph (same ties,
    nodes and numbers), so the ratio of ``make bench`` compares the same work."""
    import numpy as np

    import peernet as pn

    folder = tmp_path / "data"
    bench.write_folder(bench.synthetic(600, 30_000, seed=2), folder)
    floor = bench.igraph_floor(folder)
    net = pn.load(folder)
    for year in ("2024", "2025"):
        s = pn.network_metrics(net.period(year))
        f = floor[year]["network"]
        assert f["nodes"] == s.attrs["nodes"] == floor[year]["member_rows"]
        for key in ("edges", "density", "degree_centralization", "components",
                    "transitivity", "avg_clustering", "efficiency", "avg_path_length",
                    "reciprocity", "ei_index_org", "ei_index_sector", "ei_index_region",
                    "assortativity_org"):
            assert np.isclose(f[key], s[key], rtol=1e-12, atol=0), (year, key)
        # the floor's Leiden (igraph) against networkx's Louvain below 2,000 nodes
        assert abs(f["modularity"] - s["modularity"]) < 0.03


def test_summary_measures_a_child_and_writes_the_verdicts(tmp_path):
    """``make bench``'s runner: one child process timed from outside (its own rusage), its
    JSON line read back; the Markdown table says met / not met with the load average."""
    import sys

    spec = importlib.util.spec_from_file_location("peernet_bench_summary",
                                                  ROOT / "benchmarks" / "summary.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    row = mod.measure([sys.executable, "-c",
                       "import json; x = bytearray(50 * 2**20); "
                       "print(json.dumps({'work_seconds': 0.25, 'extra': {'n': 3}}))"])
    assert row["ok"] and row["work_seconds"] == 0.25 and row["extra"] == {"n": 3}
    assert row["peak_mb"] > 50 and row["wall"] > 0 and row["cpu"] >= 0
    result = {"quick": True, "runs": 1, "date": "2026-12-06 10:00 UTC",
              "finished": "2026-12-06 10:05 UTC", "load_before": ["1.00", "2.00", "3.00"],
              "load_after": ["4.00", "5.00", "6.00"], "cpus": 2, "python": "3.11",
              "rows": [{"row": "a", "measured": "1 s", "ratio": "1.20x", "target": "<= 1.3x",
                        "met": True, "note": ""},
                       {"row": "b", "measured": "not built", "ratio": None, "target": "4 GB",
                        "met": None, "note": "later"}]}
    md = mod.markdown(result)
    assert "| a | 1 s | 1.20x | <= 1.3x | **met**  |" in md
    assert "| b | not built |  | 4 GB |  later |" in md
    assert "load average 1.00 2.00 3.00 before, 4.00 5.00 6.00 after" in md
