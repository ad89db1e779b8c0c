"""The shape of the code, read with ``ast`` (so it stays true as the code changes).

- (a) The import graph of peernet's modules has no cycle. Every import counts, those inside
  functions included: ``from X import Y`` is an edge to module ``X.Y`` when that is a module,
  else to ``X``; ``import X.Y`` an edge to ``X.Y``; and an edge to a module inside another
  package is also an edge to that package's ``__init__`` (Python runs it first).
- (b) No module imports an underscore name from a module outside its own package: a private
  function or constant (``from ..graphs import _ties``) only within the package of the
  module that defines it; an underscore module (``metrics/_sparse.py``, ``peernet/_cache.py``)
  only from inside the package that holds it (``peernet/_cache.py`` is peernet-wide).
  Dunder names (``__all__``, ``__version__``) are not private; a package's ``__init__``
  aliasing its own submodules (``from . import folder as _folder``) imports no private
  name.
- (c) No module in peernet/ is over 700 lines.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "peernet"
MAX_LINES = 700


@dataclass(frozen=True)
class Module:
    name: str          # peernet.io.zoom
    path: Path
    package: str       # peernet.io (a package's __init__ is its own package)


def _modules() -> dict[str, Module]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            package = ".".join(parts)
        else:
            package = ".".join(parts[:-1])
        name = ".".join(parts)
        out[name] = Module(name, path, package)
    return out


MODULES = _modules()


@dataclass(frozen=True)
class Import:
    importer: str
    module: str        # the module imported from (absolute)
    name: str | None   # the name taken from it (None for ``import X``)
    line: int
    in_function: bool = False

    @property
    def target(self) -> str:
        """The module this import makes the importer depend on."""
        if self.name is not None and f"{self.module}.{self.name}" in MODULES:
            return f"{self.module}.{self.name}"
        return self.module


def _imports(mod: Module, source: str | None = None) -> list[Import]:
    if source is None:
        source = mod.path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(mod.path))
    inner = {id(n) for f in ast.walk(tree)
             if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f)}
    out = []
    for node in ast.walk(tree):
        local = id(node) in inner
        if isinstance(node, ast.Import):
            out += [Import(mod.name, a.name, None, node.lineno, local) for a in node.names
                    if a.name.split(".")[0] == "peernet"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "peernet":
                continue
            out += [Import(mod.name, module, a.name, node.lineno, local) for a in node.names]
    return out


IMPORTS = [i for m in MODULES.values() for i in _imports(m)]


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _package_of(module: str) -> str:
    m = MODULES.get(module)
    return m.package if m is not None else module.rsplit(".", 1)[0]


def _inside(importer: Module, package: str) -> bool:
    return importer.package == package or importer.package.startswith(package + ".")


def _loaded(i: Import) -> list[str]:
    """The modules an import runs: its target, and the ``__init__`` of each package on the
    way that the importer is not inside of (``peernet`` itself holds every module)."""
    if i.target not in MODULES:
        return []
    parts = i.target.split(".")
    packages = [".".join(parts[:k]) for k in range(2, len(parts))]
    importer = MODULES[i.importer]
    return [p for p in packages if p in MODULES and not _inside(importer, p)] + [i.target]


def import_cycles() -> list[list[str]]:
    """One cycle of each knot of modules importing each other (shortest first)."""
    G = nx.DiGraph()
    G.add_nodes_from(MODULES)
    for i in IMPORTS:
        for target in _loaded(i):
            if target != i.importer:
                G.add_edge(i.importer, target)
    cycles = []
    for knot in nx.strongly_connected_components(G):
        if len(knot) > 1:
            sub = G.subgraph(knot)
            cycles.append([u for u, _ in nx.find_cycle(sub, source=min(knot))])
    return sorted(cycles, key=lambda c: (len(c), c))


def private_imports(imports: list[Import] | None = None) -> list[str]:
    """Imports of an underscore name from outside its package (rule (b) above)."""
    bad = []
    for i in IMPORTS if imports is None else imports:
        importer = MODULES[i.importer]
        path = i.module.split(".") + ([i.name] if i.name is not None else [])
        for k in range(1, len(path)):
            part, holder = path[k], ".".join(path[:k])
            if not _private(part):
                continue
            if f"{holder}.{part}" in MODULES and holder in MODULES and \
                    MODULES[holder].path.name == "__init__.py":
                ok = _inside(importer, holder)             # an underscore module
            else:
                ok = importer.package == _package_of(holder)  # a private name
            if not ok:
                rel = importer.path.relative_to(ROOT.parent)
                bad.append(f"{rel}:{i.line} imports {'.'.join(path[:k + 1])}")
                break
    return sorted(set(bad))


def long_modules() -> list[str]:
    out = []
    for m in MODULES.values():
        n = len(m.path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            out.append(f"{m.path.relative_to(ROOT.parent)}: {n} lines")
    return sorted(out)


# ------------------------------------------------------------------ the checker itself
def test_the_checker_sees_function_level_and_relative_imports():
    source = """
import os
import peernet.metrics.survey
from . import identity, _text
from .identity import Identities as I, _items
from ..network import PeerNetwork

def f():
    from ..graphs import person_graph
    from .. import __version__
"""
    zoom = MODULES["peernet.io.zoom"]
    got = {(i.module, i.name, i.in_function, i.target) for i in _imports(zoom, source)}
    assert got == {
        ("peernet.metrics.survey", None, False, "peernet.metrics.survey"),
        ("peernet.io", "identity", False, "peernet.io.identity"),
        ("peernet.io", "_text", False, "peernet.io._text"),
        ("peernet.io.identity", "Identities", False, "peernet.io.identity"),
        ("peernet.io.identity", "_items", False, "peernet.io.identity"),
        ("peernet.network", "PeerNetwork", False, "peernet.network"),
        ("peernet.graphs", "person_graph", True, "peernet.graphs"),
        ("peernet", "__version__", True, "peernet"),
    }
    # relative imports in a package's __init__ start from the package itself
    io = MODULES["peernet.io"]
    (one,) = _imports(io, "from .combine import combine")
    assert one.target == "peernet.io.combine"
    # and the real code is read: network.py imports the middle layer at module level
    network = [i for i in IMPORTS if i.importer == "peernet.network"]
    assert {"peernet._cache", "peernet.periods", "peernet.schema"} <= {i.target
                                                                        for i in network}


def test_importing_a_module_of_another_package_runs_its_init():
    outside = Import("peernet.graphs", "peernet.metrics.survey", "survey_graph", 1)
    assert _loaded(outside) == ["peernet.metrics", "peernet.metrics.survey"]
    inside = Import("peernet.metrics.members", "peernet.metrics._sparse", "partition", 1)
    assert _loaded(inside) == ["peernet.metrics._sparse"]


def test_the_rules_tell_allowed_from_forbidden():
    def check(importer: str, module: str, name: str) -> bool:
        return not private_imports([Import(importer, module, name, 1)])

    assert check("peernet.metrics.members", "peernet.metrics", "_sparse")    # own package
    assert check("peernet.metrics._sparse", "peernet._cache", "cached")      # peernet-wide
    assert check("peernet.io.zoom", "peernet.io.identity", "_slug")         # same package
    assert check("peernet.io", "peernet.io", "folder")
    assert check("peernet", "peernet.evaluation", "__all__")
    assert not check("peernet.evaluation", "peernet.metrics", "_sparse")
    assert not check("peernet.plot.layouts", "peernet.graphs", "_ties")
    assert not check("peernet.cli", "peernet.io._guard", "guard")
    assert not check("peernet.report.html", "peernet.evaluation", "_fmt")


# ------------------------------------------------------------------ the rules


def test_the_import_graph_has_no_cycle():
    cycles = import_cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c + [c[0]])
                                                      for c in cycles)


def test_no_private_name_is_imported_from_outside_its_package():
    bad = private_imports()
    assert not bad, f"{len(bad)} private import(s):\n" + "\n".join(bad)


def test_no_module_is_over_700_lines():
    long = long_modules()
    assert not long, "modules over 700 lines:\n" + "\n".join(long)


def test_the_middle_layer_imports_nothing_above_it():
    """network.py, periods.py and _cache.py sit below graphs, io and everything else."""
    low = {"peernet.network", "peernet.periods", "peernet._cache", "peernet.errors",
           "peernet.quality"}
    allowed = low | {"peernet.schema"}
    bad = sorted(f"{i.importer} imports {i.target}" for i in IMPORTS
                 if i.importer in low and i.target not in allowed)
    assert not bad, "\n".join(bad)
