"""`import peernet` stays light and headless: no pyplot, no igraph, no numba until they are
used."""

import os
import subprocess
import sys


def test_import_peernet_does_not_import_pyplot_igraph_or_numba():
    code = ("import sys, peernet; "
            "print('matplotlib.pyplot' in sys.modules, 'igraph' in sys.modules, "
            "'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_a_whole_evaluation_and_report_do_not_import_scipy_stats(tmp_path):
    """scipy.stats costs 0.6 CPU s to import (issue 23: a small network's run): the
    evaluation, its intervals and the report use scipy.special's functions instead."""
    code = ("import sys, warnings; warnings.simplefilter('ignore'); import peernet as pn; "
            "ev = pn.evaluate(pn.load_sample('riverbend'), periods=['2024', '2025'], "
            "bootstrap=4, grid_bootstrap=2); "
            f"pn.report(ev, {str(tmp_path / 'r')!r}); "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.stdout.split()[-1] == "False"
