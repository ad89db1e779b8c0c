"""Shared fixtures: tiny_net (checkable on paper), the samples, Agg, a figure closer."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import peernet as pn  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def make_tiny_net() -> pn.PeerNetwork:
    """5 members in 2 orgs, 3 events in 2025, a few messages: small enough to check by hand.

    members: ana, ben (org A, health), cai, dee (org B, education), eve (org B, education,
    joined 2025-06-01, a newcomer). Events e1 (2025-01-15: ana, ben, cai), e2 (2025-04-15:
    ana, cai, dee), e3 (2025-07-15: ana, dee, eve). Messages: ana->cai, cai->ana (reply),
    ben->ana, dee->eve (help).
    """
    members = pd.DataFrame({
        "member_id": ["ana", "ben", "cai", "dee", "eve"],
        "name": ["Ana Ruiz", "Ben Roy", "Cai Lin", "Dee Park", "Eve Stone"],
        "email": ["ana@a.org", "ben@a.org", "cai@b.org", "dee@b.org", "eve@b.org"],
        "org": ["A", "A", "B", "B", "B"],
        "sector": ["health", "health", "education", "education", "education"],
        "region": ["North", "North", "South", "South", "North"],
        "language": ["en", "en", "es", "en", "es"],
        "role": ["coordinator", "member", "member", "member", "member"],
        "joined": ["2024-01-01", "2024-01-01", "2024-03-01", "2024-05-01", "2025-06-01"],
    })
    events = pd.DataFrame({
        "event_id": ["e1", "e2", "e3"],
        "start": ["2025-01-15 10:00", "2025-04-15 10:00", "2025-07-15 10:00"],
        "end": ["2025-01-15 11:00", "2025-04-15 11:00", "2025-07-15 11:00"],
        "kind": ["meeting"] * 3,
    })
    attend = [("e1", "2025-01-15 10:00", m) for m in ("ana", "ben", "cai")] + \
             [("e2", "2025-04-15 10:00", m) for m in ("ana", "cai", "dee")] + \
             [("e3", "2025-07-15 10:00", m) for m in ("ana", "dee", "eve")]
    rows = [{"timestamp": t, "source": m, "kind": "attend", "event_id": e} for e, t, m in attend]
    rows += [
        {"timestamp": "2025-02-01 09:00", "source": "ana", "kind": "message", "target": "cai"},
        {"timestamp": "2025-02-01 12:00", "source": "cai", "kind": "reply", "target": "ana"},
        {"timestamp": "2025-03-01 09:00", "source": "ben", "kind": "message", "target": "ana"},
        {"timestamp": "2025-08-01 09:00", "source": "dee", "kind": "help", "target": "eve"},
    ]
    return pn.PeerNetwork.from_tables(members=members, events=events,
                                      interactions=pd.DataFrame(rows), tz="UTC", name="tiny")


@pytest.fixture
def tiny_net() -> pn.PeerNetwork:
    return make_tiny_net()


@pytest.fixture(scope="session")
def bench():
    """benchmarks/run.py as a module: its seeded synthetic networks and folders."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("peernet_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def bench10k(bench, tmp_path_factory):
    """The benchmark's 10,000 members / 1M interactions folder (issue 23), its interactions a
    hive-partitioned Parquet dataset (``interactions/year=Y/part-K.parquet``, three parts a
    year), and what the in-memory path gives for it: ``(folder, evaluation)``, the evaluation
    of 2024 and 2025 without intervals kept as its frames only (a namespace: ``periods``,
    the tables, ``scores[period].indicators`` and ``.layers``), not the network. Made once
    for the tests that check the out-of-core and many-network paths against it."""
    from types import SimpleNamespace

    folder = tmp_path_factory.mktemp("bench10k") / "bench10k"
    tables = bench.synthetic(10_000, 1_000_000)
    inter = tables.pop("interactions")
    bench.write_folder(tables, folder)
    for year, rows in inter.groupby(inter["timestamp"].dt.year, sort=True):
        d = folder / "interactions" / f"year={year}"
        d.mkdir(parents=True)
        for k in range(3):
            rows.iloc[k::3].to_parquet(d / f"part-{k}.parquet", index=False)
    del tables, inter
    ev = pn.evaluate(pn.load(folder), periods=["2024", "2025"], bootstrap=0)
    tables = ("layers", "network", "members", "annual", "mixing", "participation", "groups",
              "followup")
    kept = SimpleNamespace(periods=ev.periods, **{t: getattr(ev, t) for t in tables},
                           scores={p: SimpleNamespace(indicators=s.indicators,
                                                      layers=s.layers)
                                   for p, s in ev.scores.items()})
    return folder, kept


@pytest.fixture(scope="session")
def riverbend() -> pn.PeerNetwork:
    return pn.load_sample("riverbend")


@pytest.fixture(scope="session")
def davis() -> pn.PeerNetwork:
    return pn.load_sample("davis")
