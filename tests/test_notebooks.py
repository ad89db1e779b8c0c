"""Every notebook runs top to bottom, in under 60 s, on the project's own Python.

The kernel is pinned to the interpreter running the tests (the .venv's python under
``make test``) through a private kernelspec, so a ``python3`` kernel registered elsewhere on
the machine cannot be picked up by mistake; the first executed cell checks it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "peernet-test-python"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernelspec for this interpreter, found first through JUPYTER_PATH."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "peernet tests", "language": "python",
        "env": {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(base))
        yield KERNEL


def test_the_six_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_getting_started", "02_network_maps", "03_participation", "04_grid_scoring",
        "05_annual_evaluation", "06_your_own_data"]


def test_notebooks_are_stored_without_outputs_and_match_the_script():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 4, path.name
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"),
                          "--check"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel):
    nb = nbformat.read(path, as_version=4)
    check = nbformat.v4.new_code_cell(
        "import sys\n"
        f"assert sys.executable == {sys.executable!r}, sys.executable\n"
        f"assert sys.prefix == {sys.prefix!r}, sys.prefix")
    nb.cells.insert(0, check)
    client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=120,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # no wall-clock limit here: speed is measured by benchmarks/
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
