"""How an evaluation was made: the inputs' hashes and the :class:`~peernet.evaluation
.Evaluation`'s ``meta`` (the version, the periods' dates, the rubric, the resamples and
seeds), which a report prints so that a number can be traced to its files and settings."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ._version import __version__
from .metrics.annual import window_of
from .network import PeerNetwork

__all__ = ["evaluation_meta", "input_hashes"]


def evaluation_meta(root: PeerNetwork, slices: Mapping[str, PeerNetwork], last: Any,
                    rubric: Any, *, baseline: Any, not_applicable: Any, bootstrap: int,
                    grid_bootstrap: int, seed: int, start_month: int, inputs: Any,
                    participation_by: str) -> dict[str, Any]:
    """The :class:`~peernet.evaluation.Evaluation`'s ``meta``: how it was made (the version,
    the periods' dates, the rubric of ``last``, the last period's Grid score, the
    resamples and seeds, the inputs' hashes)."""
    return {
        "peernet_version": __version__,
        "baseline": baseline,
        "not_applicable": not_applicable,
        "rubric": str(last.rubric_source or ("default" if rubric is None else rubric)),
        "rubric_version": last.rubric_version,
        "periods": {p: {"start": str(window_of(s).start.date()),
                        "end": str((window_of(s).end - pd.Timedelta(days=1)).date())}
                    for p, s in slices.items()},
        "tz": root.tz,
        "bootstrap": int(bootstrap),
        "grid_bootstrap": grid_bootstrap,
        "seed": int(seed),
        "layout_seed": 0,
        "start_month": int(start_month),
        "inputs": input_hashes(inputs),
        "name": root.name,
        "participation_by": participation_by,
    }


def input_hashes(inputs: str | Path | Sequence[str | Path] | None) -> list[dict[str, str]]:
    if inputs is None:
        return []
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file()
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            files.append(p)
    out = []
    for f in files:
        digest = hashlib.sha256()
        with open(f, "rb") as fh:
            for chunk in iter(partial(fh.read, 1 << 20), b""):
                digest.update(chunk)
        base = Path(paths[0]) if len(paths) == 1 and Path(paths[0]).is_dir() else f.parent
        out.append({"file": str(f.relative_to(base)) if f.is_relative_to(base) else f.name,
                    "sha256": digest.hexdigest(), "bytes": str(f.stat().st_size)})
    return out
