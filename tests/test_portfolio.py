"""pn.evaluate_many, the Portfolio, its report and `peernet evaluate-many` (issue 23)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.cli import main
from tests.test_privacy import find_leaks

RIVERBEND = Path(__file__).resolve().parents[1] / "data" / "samples" / "riverbend"
PERIODS = ["2024", "2025"]
# small bootstrap: the intervals are there to compare, the run stays cheap
SETTINGS = {"bootstrap": 4, "grid_bootstrap": 2, "seed": 3}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    (folder / "members.csv").write_text("name,org\nAna,A\n")
    (folder / "interactions.csv").write_text("timestamp,source,kind\n2025-01-03,ana,message\n")
    return folder


@pytest.fixture(scope="module")
def portfolio(broken: Path) -> pn.Portfolio:
    """riverbend (a path, loaded in the worker), davis (a network), a folder that fails;
    local processes (the default executor)."""
    return pn.evaluate_many({"riverbend": RIVERBEND, "davis": pn.load_sample("davis"),
                             "broken": broken}, periods=None, max_workers=2, **SETTINGS)


@pytest.fixture(scope="module")
def reference() -> pn.Evaluation:
    return pn.evaluate(pn.load(RIVERBEND), **SETTINGS)


def _same_as_evaluation(t: pd.DataFrame, ev: Any) -> None:
    """Portfolio rows ``t`` (indexed by period) hold ``ev``'s numbers to the last digit (an
    Evaluation, or its frames: ``bench10k``)."""
    assert list(t.index) == list(ev.periods)
    assert (t["status"] == "ok").all() and (t["error"] == "").all()
    for row in ev.layers.itertuples(index=False):
        for col, want in ((f"score_{row.element}", row.score),
                          (f"score_{row.element}_low", row.low),
                          (f"score_{row.element}_high", row.high)):
            got = t.at[row.period, col]
            assert (math.isnan(got) and math.isnan(want)) or got == want, (col, row.period)
    for row in ev.network.itertuples(index=False):
        if row.metric in pn.portfolio.NETWORK:
            got = t.at[row.period, row.metric]
            assert (math.isnan(got) and math.isnan(row.value)) or got == row.value, row.metric
    ann = ev.annual.set_index("period")
    for col in ("roster_members", "members_active", "interactions", "events"):
        assert t[col].tolist() == ann[col].astype("float64").tolist()
    mix = ev.mixing.set_index(["period", "by", "measure"])
    for p in ev.periods:
        if (p, "org", "ei_index") in mix.index:
            r = mix.loc[(p, "org", "ei_index")]
            assert t.at[p, "mixing_org_observed"] == r["observed"]
            assert t.at[p, "mixing_org_expected"] == r["expected"]


def test_rows_of_riverbend_are_its_evaluation_to_the_last_digit(portfolio, reference):
    ev = reference
    t = portfolio.table[portfolio.table["network"] == "riverbend"].set_index("period")
    assert list(t.index) == list(ev.periods) == PERIODS
    assert t["current"].tolist() == [False, True]
    _same_as_evaluation(t, ev)
    layers = ev.layers
    assert len(layers) == 26
    assert t["score_trust_low"].notna().all()  # the intervals came through
    for row in ev.network.itertuples(index=False):
        if row.metric in pn.portfolio.INTERVAL_METRICS:
            assert t.at[row.period, f"{row.metric}_low"] == row.low
            assert t.at[row.period, f"{row.metric}_high"] == row.high
    assert t.at["2025", "members_active"] == 112 and t.at["2025", "roster_members"] == 113
    assert t.at["2025", "share_active"] == 112 / 113
    mix = ev.mixing.set_index(["period", "by", "measure"])
    for p in PERIODS:
        r = mix.loc[(p, "org", "ei_index")]
        assert t.at[p, "mixing_org_p_value"] == r["p_value"]
        assert t.at[p, "mixing_org_reading"] == "less than chance"
    assert round(t.at["2025", "mixing_org_observed"], 2) == 0.81
    assert t.at["2025", "mixing_org_observed"] == t.at["2025", "ei_index_org"]
    ch = ev.changes()
    real = ch[(ch["section"] == "grid") & ch["real"]]
    assert t.at["2025", "elements_better"] == (real["assessment"] == "better").sum()
    assert t.at["2025", "elements_worse"] == (real["assessment"] == "worse").sum()
    assert (t.at["2025", "elements_better"], t.at["2025", "elements_worse"]) == (6, 1)
    assert math.isnan(t.at["2024", "elements_better"])
    # the evaluation itself travels back whole
    pd.testing.assert_frame_equal(portfolio.evaluations["riverbend"].layers, layers)


def test_the_10k_folder_in_a_portfolio_gives_its_evaluation_to_the_last_digit(bench10k):
    """Issue 23: the many-network path gives the single-network numbers on the benchmark's
    10,000 members / 1M interactions folder (loaded and evaluated in a worker process;
    the single-network evaluation made once, ``bench10k`` in tests/conftest.py)."""
    folder, ev = bench10k
    pf = pn.evaluate_many({"10k": folder}, periods=PERIODS, max_workers=1, bootstrap=0)
    t = pf.table.set_index("period")
    assert t.at["2025", "members_active"] > 5_000   # the large network, not a sample
    _same_as_evaluation(t, ev)


def test_davis_side_by_side_against_networkx(portfolio):
    t = portfolio.table
    d = t[t["network"] == "davis"]
    assert d["period"].tolist() == ["1936"]  # its own default periods: a baseline
    assert d["baseline"].tolist() == [True] and d["current"].tolist() == [True]
    G = nx.davis_southern_women_graph()
    women = nx.bipartite.weighted_projected_graph(G, [n for n, b in G.nodes(data="bipartite")
                                                      if b == 0])
    assert d["members_active"].iloc[0] == 18
    assert d["density"].iloc[0] == pytest.approx(nx.density(women))  # 139 / 153
    assert d["mixing_org_reading"].iloc[0] == "n/a"  # no organizations on the roster
    assert math.isnan(d["elements_better"].iloc[0])  # a baseline: nothing to compare
    grid = portfolio.grid()
    assert list(grid.index) == ["riverbend", "davis"]
    assert grid.shape == (2, 13)
    assert np.isnan(grid.at["davis", "trust"])
    cur = portfolio.evaluations["riverbend"].layers
    cur = cur[cur["period"] == "2025"].set_index("element")["score"]
    assert grid.loc["riverbend"].tolist() == cur.tolist()


def test_a_failing_network_keeps_the_others(portfolio, broken):
    assert list(portfolio.evaluations) == ["riverbend", "davis"]
    assert list(portfolio.errors) == ["broken"]
    assert "members.csv" in portfolio.errors["broken"]
    assert "member_id" in portfolio.errors["broken"]
    row = portfolio.table[portfolio.table["network"] == "broken"]
    assert len(row) == 1
    assert row["status"].iloc[0] == "error" and row["period"].iloc[0] is None
    assert row["error"].iloc[0] == portfolio.errors["broken"]
    assert row[["members_active", "density", "score_trust"]].isna().all(axis=None)
    assert portfolio.names == ["riverbend", "davis", "broken"]
    assert portfolio.meta["executor"] == "processes" and portfolio.meta["workers"] == 2


#: The Dask run, in a process of its own: an in-process LocalCluster leaves threads alive
#: after it closes, and peernet never forks from a threaded process, so every later test of
#: this process that checks forking (tests/test_parallel.py) would run one core.
DASK_RUN = """
import json, sys
import distributed
import peernet as pn
from tests.test_portfolio import RIVERBEND, SETTINGS
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                              dashboard_address=None) as cluster, \\
        distributed.Client(cluster) as client:
    pf = pn.evaluate_many({"riverbend": RIVERBEND, "davis": pn.load_sample("davis")},
                          periods=None, executor=client, **SETTINGS)
pf.table.to_pickle(sys.argv[1])
print(json.dumps(pf.meta["executor"]))
"""


def test_dask_local_cluster_gives_the_same_numbers(portfolio, tmp_path):
    import json
    import subprocess
    import sys

    pytest.importorskip("distributed")
    out = tmp_path / "dask.pkl"
    run = subprocess.run([sys.executable, "-c", DASK_RUN, str(out)], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == "dask"
    ok = portfolio.table[portfolio.table["status"] == "ok"].reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.read_pickle(out), ok)


def test_any_executor_and_argument_errors():
    net = pn.load_sample("davis")
    with ThreadPoolExecutor(1) as pool:
        pf = pn.evaluate_many({"d": net}, executor=pool, bootstrap=0)
    assert pf.meta["executor"] == "ThreadPoolExecutor"
    assert pf.table["members_active"].tolist() == [18.0]
    with pytest.raises(TypeError, match="executor must be None"):
        pn.evaluate_many({"d": net}, executor="dask")
    with pytest.raises(TypeError, match="mapping of names"):
        pn.evaluate_many([net])
    with pytest.raises(ValueError, match="at least one network"):
        pn.evaluate_many({})
    with pytest.raises(TypeError, match="network 'd': give a folder path or a PeerNetwork"):
        pn.evaluate_many({"d": 3})
    with pytest.raises(ValueError, match="max_workers must be"):
        pn.evaluate_many({"d": net}, max_workers=0)


def test_portfolio_report(portfolio, tmp_path):
    out = pn.report_portfolio(portfolio, tmp_path / "pf")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".peernet-report", "figures/heatmap.png", "figures/maps.png", "index.html",
        "tables/grid_scores.csv", "tables/portfolio.csv"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "riverbend" in page and "davis" in page and "Networks not evaluated" in page
    csv = pd.read_csv(out / "tables" / "portfolio.csv")
    assert csv["network"].tolist() == ["riverbend", "riverbend", "davis", "broken"]
    assert csv.loc[1, "members_active"] == 112
    # pseudonyms by default: no roster name, email or member id in any file (the leak
    # finder of the annual report's privacy tests)
    for net in (pn.load(RIVERBEND), pn.load_sample("davis")):
        m = net.members
        long = {str(v) for c in ("name", "email") if c in m.columns for v in m[c].dropna()}
        ids = {str(v) for v in m["member_id"].dropna()}
        assert len(long) >= 18
        assert find_leaks(out, long, ids) == []
    # the folder rules of pn.report: rerun replaces its own report, a foreign folder is kept
    assert pn.report_portfolio(portfolio, out) == out
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("x")
    with pytest.raises(ValueError, match="not a peernet report"):
        pn.report_portfolio(portfolio, tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "x"


def test_heatmap_draws_on_the_given_axes(portfolio):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert pn.plot.portfolio_heatmap(portfolio, ax=ax) is ax
    image = next(a for a in ax.get_images() if a.get_gid() == "peernet-portfolio-heatmap")
    assert image.get_array().shape == (2, 13)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["riverbend", "davis"]
    texts = [t.get_text() for t in ax.texts]
    assert "n/a" in texts and str(round(portfolio.grid().at["riverbend", "trust"])) in texts


def test_cli_evaluate_many(tmp_path, broken, capsys):
    out = tmp_path / "pf"
    code = main(["evaluate-many", str(RIVERBEND), str(broken), "--year", "2025",
                 "--bootstrap", "0", "--workers", "1", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1  # one network could not be evaluated: report written without it
    assert (out / "index.html").is_file()
    assert f"peernet: {broken.name}: not evaluated:" in captured.err
    assert "Portfolio report of 1 network(s)" in captured.out
    csv = pd.read_csv(out / "tables" / "portfolio.csv")
    assert csv["elements_better"].isna().all()  # --bootstrap 0: no change was tested
    # nothing could be evaluated: one line, exit 2, nothing written
    code = main(["evaluate-many", str(broken), "--year", "2025", "--out",
                 str(tmp_path / "none")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("peernet: error: no network could be evaluated")
    assert not (tmp_path / "none").exists()
    # a foreign output folder is refused before any work
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    code = main(["evaluate-many", str(RIVERBEND), "--year", "2025", "--out",
                 str(tmp_path / "mine")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "not a peernet report" in err[0]
    code = main(["evaluate-many", str(RIVERBEND), "--year", "2025", "--workers", "0"])
    assert code == 2 and "--workers must be 1 or more" in capsys.readouterr().err
