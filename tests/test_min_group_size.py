"""One suppression policy, one number: every public ``min_group_size`` default in peernet
is :data:`peernet.privacy.MIN_GROUP_SIZE` (docs/privacy.md, "Small-group suppression")."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import peernet
from peernet.privacy import MIN_GROUP_SIZE


def _defaults() -> dict[str, object]:
    found: dict[str, object] = {}
    for info in pkgutil.walk_packages(peernet.__path__, "peernet."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not inspect.isfunction(obj) or obj.__module__ != module.__name__:
                continue
            param = inspect.signature(obj).parameters.get("min_group_size")
            if param is not None and param.default is not inspect.Parameter.empty:
                found[f"{module.__name__}.{name}"] = param.default
    return found


def test_every_min_group_size_default_is_the_policy_constant():
    defaults = _defaults()
    # the report, its pages and the organization map all take the parameter
    for where in ("peernet.report.html.report", "peernet.privacy.suppress_small",
                  "peernet.plot.maps.org_map", "peernet.report.findings.findings"):
        assert where in defaults
    assert MIN_GROUP_SIZE == 5
    assert {k: v for k, v in defaults.items() if v != MIN_GROUP_SIZE} == {}
