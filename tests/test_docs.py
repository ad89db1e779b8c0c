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
