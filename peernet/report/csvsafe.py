"""CSV tables a spreadsheet opens safely (the report's ``tables/*.csv``).

Every text cell goes through :func:`peernet.privacy.neutralize_formulas`: line breaks of any
kind become ``\\n`` (quoted by the writer), other control characters are removed, and every
line of a cell that could start a formula gets a leading apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["safe_csv"]


def safe_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV (UTF-8, ``\\n`` line ends) with every text cell neutralised."""
    from ..privacy import neutralize_formulas

    path = Path(path)
    neutralize_formulas(df).to_csv(path, index=False, lineterminator="\n")
    return path
