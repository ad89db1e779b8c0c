"""`import peernet` stays light and headless: no pyplot, no igraph, no numba until they are
used."""

import os
import subprocess
import sys


def _headless(code: str) -> subprocess.CompletedProcess:
    """``python -c code`` in a fresh process with matplotlib's Agg backend."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "MPLBACKEND": "Agg"})


def test_import_peernet_does_not_import_pyplot_igraph_or_numba():
    code = ("import sys, peernet; "
            "print('matplotlib.pyplot' in sys.modules, 'igraph' in sys.modules, "
            "'numba' in sys.modules, 'networkit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False", "False", "False"]


def test_a_whole_evaluation_and_report_do_not_import_scipy_stats(tmp_path):
    """scipy.stats costs 0.6 CPU s to import (issue 23: a small network's run): the
    evaluation, its intervals and the report use scipy.special's functions instead."""
    code = ("import sys, warnings; warnings.simplefilter('ignore'); import peernet as pn; "
            "ev = pn.evaluate(pn.load_sample('riverbend'), periods=['2024', '2025'], "
            "bootstrap=4, grid_bootstrap=2); "
            f"pn.report(ev, {str(tmp_path / 'r')!r}); "
            "print('scipy.stats' in sys.modules)")
    out = _headless(code)
    assert out.stdout.split()[-1] == "False"


def test_metrics_use_igraph_without_importing_pyplot():
    """Issue 23: igraph's import ran `import matplotlib.pyplot` (0.3-0.5 s) for drawing
    modules the metrics never use; pyplot now comes when igraph first draws, and then
    igraph draws with the real one."""
    code = (
        "import sys, warnings; warnings.simplefilter('ignore'); import peernet as pn; "
        "from peernet.metrics import _sparse; "
        "s = pn.load_sample('riverbend').period('2025'); "
        "m = pn.network_metrics(s); "
        "print(_sparse._ig() is not None, 'igraph' in sys.modules, "
        "'matplotlib.pyplot' in sys.modules); "
        "import igraph as ig; import matplotlib.pyplot as plt; "
        "from igraph.drawing.matplotlib import graph as drawer; "
        "fig, ax = plt.subplots(); ig.plot(ig.Graph.Ring(5), target=ax); "
        "print(type(drawer.plt.Axes) is type, drawer.plt.gca() is ax, "
        "len(ax.get_children()) > 5, sys.modules['matplotlib.pyplot'] is plt)")
    out = _headless(code)
    assert out.stdout.split() == ["True", "True", "False", "True", "True", "True", "True"]


def test_networkit_comes_without_pyplot_and_leaves_pyplot_as_it_was():
    """The partition above 2,000 nodes imports networkit without its plotting and
    profiling modules (pyplot and matplotlib's PDF backend, 0.6-0.8 s): pyplot is not
    imported by it, and a pyplot imported before is the same module after."""
    code = (
        "import sys; from peernet.metrics import _sparse; nk = _sparse._nk(); "
        "print('matplotlib.pyplot' in sys.modules, hasattr(nk, 'profiling'), "
        "nk.community.PLM is not None); "
        "import matplotlib.pyplot as plt; del sys.modules['networkit']; "
        "_sparse._nk(); print(sys.modules['matplotlib.pyplot'] is plt)")
    out = _headless(code)
    assert out.stdout.split() == ["False", "False", "True", "True"]
