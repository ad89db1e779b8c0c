"""Tables written for people to open in a spreadsheet: no cell can run as a formula.

Re-exported by :mod:`peernet.privacy` (``pn.privacy.neutralize_formulas``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["neutralize_formulas", "neutralize_text"]

_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_LINE_FORMULA = re.compile("(?m)^(?=[ \t]*[=+\\-@\uff1d\uff0b\uff0d\uff20])")


def neutralize_text(value: str) -> str:
    """``value`` made safe for a spreadsheet cell (see :func:`neutralize_formulas`).

    >>> neutralize_text("Acme\\r=cmd|' /C calc'!A0")
    "Acme\\n'=cmd|' /C calc'!A0"
    >>> neutralize_text("plain\\x00 text")
    'plain text'
    """
    text = _CONTROLS.sub("", _BREAKS.sub("\n", value)).replace("\t", " ")
    return _LINE_FORMULA.sub("'", text)


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas.

    A text starting with ``=``, ``+``, ``-``, ``@`` (or their full-width forms) is read as a
    formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK("http://evil", "click")``)
    and so is every line of a cell that spreadsheet splits into rows. In every text cell
    and column name: line breaks of any kind (``\\r``, ``\\r\\n``, vertical tab, form
    feed, U+2028 ...) become ``\\n`` (which a CSV writer quotes), other control characters
    are removed, tabs become spaces, and every line that could start a formula gets a
    leading apostrophe, which makes it plain text (OWASP, "CSV Injection"). Numbers, dates
    and missing values are unchanged, so a negative number stays a number. Use it on
    tables written for people to open in a spreadsheet, not on :func:`peernet.save`
    folders, which must round-trip exactly.

    Parameters
    ----------
    df : DataFrame

    Returns
    -------
    DataFrame
        Same shape and index; text columns become object columns where a cell changed.

    Examples
    --------
    >>> df = pd.DataFrame({"org": ["=HYPERLINK(\\"http://x\\")", "Valley", "-2+3",
    ...                            "Acme\\r=1+1"], "n": [-1, 2, 3, 4]})
    >>> pn.privacy.neutralize_formulas(df)["org"].tolist()
    ['\\'=HYPERLINK("http://x")', 'Valley', "'-2+3", "Acme\\n'=1+1"]
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("object")
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        fixed = s[is_text].map(neutralize_text)
        changed = (fixed != s[is_text]).to_numpy(dtype=bool)
        if changed.any():
            s = s.astype("object")
            s.iloc[np.flatnonzero(is_text)[changed]] = fixed[changed].to_numpy()
        out[col] = s
    out.columns = [neutralize_text(c) if isinstance(c, str) else c for c in out.columns]
    return out
