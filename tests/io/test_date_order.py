"""The date order of a file (peernet.io._export.date_order) and its vectorised pre-check."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peernet.io._export import _maybe_numeric_dates, date_order


def _order(values):
    return date_order(pd.Series(values, dtype="object"), dayfirst=False, file="f.csv",
                      column="date", log=None, rows=None)


@pytest.mark.parametrize("values, expected", [
    (["2024-03-05 10:00", "2024-12-31"], None),            # ISO: no order to decide
    (["Mar 5, 2024 10:00 AM"], None),
    (["23/03/2024 10:00", "03/05/2024"], "day-first"),
    (["03/23/2024", "03/05/2024"], "month-first"),
    (["  5-3-24, 10:00 a.m."], "month-first"),             # ambiguous: dayfirst=False
    (["\u0662\u0663/\u0660\u0663/\u0662\u0660\u0662\u0664"], "month-first"),  # Arabic digits
])
def test_date_order_reads_the_file(values, expected):
    assert _order(values) == expected


#: text made of the characters dates are written with, and some others
_DATEISH = st.text(alphabet=list("0123456789/-., :aApPmM\u0663\u00a0x"), max_size=24)


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATEISH, min_size=1, max_size=4))
def test_the_pre_check_never_misses_a_numeric_date(values):
    """The vectorised pre-check is a superset: when it finds nothing, the full reading
    finds no numeric date either (it would return None)."""
    if not _maybe_numeric_dates(pd.Series(values, dtype="object")):
        try:
            assert _order(values) is None
        except Exception as e:  # a file whose dates fit neither order is not "none"
            raise AssertionError(f"pre-check missed {values!r}: {e}") from e
