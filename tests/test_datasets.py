"""The shipped samples: Davis values, riverbend loads, and both load from a built wheel."""

import subprocess
import sys
import zipfile

import networkx as nx
import pytest

import peernet as pn
from peernet.datasets import DAVIS_EVENT_DATES


def test_list_samples():
    assert pn.list_samples()["name"].tolist() == ["davis", "riverbend"]


def test_davis_matches_the_published_matrix(davis):
    G = nx.davis_southern_women_graph()
    assert len(davis.members) == 18 and len(davis.events) == 14
    assert len(davis.interactions) == 89 == G.number_of_edges()
    names = dict(zip(davis.members["member_id"], davis.members["name"], strict=True))
    pairs = {(names[s], e) for s, e in zip(davis.interactions["source"],
                                           davis.interactions["event_id"], strict=True)}
    assert pairs == {(u, v) if G.nodes[u]["bipartite"] == 0 else (v, u) for u, v in G.edges}
    e5 = davis.events.set_index("event_id").loc["E5", "start"].tz_convert("America/Chicago")
    assert (e5.year, e5.month, e5.day) == (1936, 2, 25)
    assert set(DAVIS_EVENT_DATES) == {f"E{i}" for i in range(1, 15)}
    # Evelyn Jefferson attended 8 events
    assert (davis.interactions["source"] == "w01").sum() == 8


def test_davis_whole_year_slice(davis):
    assert len(davis.period("1936").interactions) == 89
    assert len(davis.period("1936Q1").events) == 4  # E2, E5, E7, E11


def test_load_sample_rejects_bad_names():
    with pytest.raises(ValueError, match="sample must be one of"):
        pn.load_sample("nowhere")
    with pytest.raises(TypeError, match="Your own data needs no loading step"):
        pn.load_sample(object())


def test_riverbend_loads_with_every_table(riverbend):
    assert riverbend.tz == "America/Los_Angeles"
    for table in ("members", "events", "interactions", "problems", "actions", "surveys",
                  "checklist", "outcomes"):
        assert riverbend.has(table) and len(getattr(riverbend, table)) > 0, table
    assert 120 <= len(riverbend.members) <= 200


def test_samples_load_from_a_built_wheel(tmp_path):
    """Build the wheel, unpack it, and load every sample by name outside the checkout."""
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(root)], check=True)
    wheel = next((tmp_path / "dist").glob("peernet-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "site")
    assert "peernet/_samples/riverbend/members.csv" in names
    assert "peernet/grid/rubric.toml" in names or not (root / "peernet/grid/rubric.toml").exists()
    code = ("import peernet as pn, warnings; warnings.simplefilter('ignore');"
            "assert '/site/' in pn.__file__, pn.__file__;"
            "print(len(pn.load_sample('riverbend').members), len(pn.load_sample('davis').members))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(tmp_path / "site"),
                                          "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1] == "18"
