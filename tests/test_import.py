"""`import peernet` stays light and headless: no pyplot, no igraph, no numba until they are
used."""

import subprocess
import sys


def test_import_peernet_does_not_import_pyplot_igraph_or_numba():
    code = ("import sys, peernet; "
            "print('matplotlib.pyplot' in sys.modules, 'igraph' in sys.modules, "
            "'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False", "False"]
