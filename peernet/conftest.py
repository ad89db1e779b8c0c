"""Doctest namespace: ``pn``, ``pd``, ``nx`` and ``np`` are always available."""

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    import peernet as pn

    doctest_namespace.update({"pn": pn, "pd": pd, "nx": nx, "np": np})
