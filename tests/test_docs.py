"""docs/data-model.md is generated from peernet.schema and must be current."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_data_model_page_is_current():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_docs.py"), "--check"])
    assert proc.returncode == 0, "run: python scripts/make_docs.py"


def test_data_model_page_lists_every_table_and_required_column():
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    from peernet.schema import TABLES

    for name, spec in TABLES.items():
        assert f"## `{name}`" in text
        for col in spec.required:
            assert f"| `{col}` |" in text


def test_metrics_section_0_names_what_every_metric_assumes():
    """Issue 17: docs/metrics.md section 0 says, for each public metric, what data it
    assumes and what peernet does when the data do not fit; grid.md names each Grid
    indicator's data."""
    import peernet as pn

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "metrics.md").read_text(encoding="utf-8")
    section = text.split("## 0. What each metric assumes")[1].split("\n## 1.")[0]
    named = {n for n in pn.metrics.__all__ if callable(getattr(pn.metrics, n))}
    named |= {"participation", "member_metrics", "network_metrics", "person_graph"}
    missing = sorted(n for n in named if f"`{n}`" not in section)
    assert not missing, f"docs/metrics.md section 0 does not say what these assume: {missing}"
    assert "Grid indicators" in section and "never scored as 0" in section
    grid = (root / "docs" / "grid.md").read_text(encoding="utf-8")
    import tomllib

    with open(root / "peernet" / "grid" / "rubric.toml", "rb") as fh:
        indicators = {name for element in tomllib.load(fh)["indicators"].values()
                      for name in element}
    shown = {"outcome_progress": "`outcome:*`"}   # one row for every outcome measure
    absent = sorted(n for n in indicators if shown.get(n, f"`{n}`") not in grid
                    and f"| {n} |" not in grid)
    assert not absent, f"docs/grid.md has no row (formula, data) for: {absent}"
