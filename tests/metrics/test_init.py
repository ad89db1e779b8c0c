"""``pn.metrics`` imports its names statically; the list must match the submodules'."""

import ast
import importlib
from pathlib import Path

import peernet as pn

METRICS = Path(pn.__file__).parent / "metrics"


def test_metrics_namespace_is_every_submodule_all_and_nothing_else():
    public = sorted(p.stem for p in METRICS.glob("*.py") if not p.stem.startswith("_"))
    expected = []
    for name in public:
        expected += importlib.import_module(f"peernet.metrics.{name}").__all__
    assert sorted(pn.metrics.__all__) == sorted(expected)
    assert len(set(pn.metrics.__all__)) == len(pn.metrics.__all__)
    for name in expected:
        assert getattr(pn.metrics, name) is not None


def test_metrics_init_has_no_dynamic_imports():
    tree = ast.parse((METRICS / "__init__.py").read_text())
    assert not any(isinstance(node, ast.Import) for node in ast.walk(tree))  # no importlib
    assert not any(isinstance(node, ast.Name) and node.id == "globals" for node in ast.walk(tree))
