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


def _year_outside(text: str) -> bool:
    """What the loader's exact reading of a text date's year says (peernet.io.tables)."""
    t = pd.Series([text], dtype="object")
    year = pd.to_numeric(t.str.extract(r"^\s*(\d{4})-\d{1,2}-\d{1,2}")[0].fillna(
        t.str.extract(r"\b\d{1,2}[/.-]\d{1,2}[/.-](\d{4})\b")[0]), errors="coerce")
    return bool(((year < 1678) | (year > 2261)).any())


@pytest.mark.parametrize("text, outside", [
    ("1500-06-01", True), ("03/05/1500 09:58", True), ("9999-12-31 23:59", True),
    ("1/2/2999 9:00", True), ("1677-12-31", True), ("2262-01-01", True),
    ("1678-01-01", False), ("2261-12-31", False), ("2025-03-05 10:00", False),
    ("05/03/2025", False), ("\u0661\u0665\u0660\u0660-06-01", False),  # not a number
])
def test_the_year_pre_check_by_hand(text, outside):
    from peernet.io.tables import _may_hold_a_year_out_of_range

    assert _year_outside(text) is outside
    assert _may_hold_a_year_out_of_range(pd.Series([text], dtype="object")) or not outside
    if text.isascii() and not outside:
        assert not _may_hold_a_year_out_of_range(pd.Series([text], dtype="object"))


_YEARISH = st.text(alphabet=list("0123456789/-. :T\u0663\u00a0x"), max_size=24)


@settings(max_examples=300, deadline=None)
@given(st.lists(_YEARISH, min_size=1, max_size=4))
def test_the_year_pre_check_never_misses_a_year_out_of_range(values):
    """The one-pass Arrow pre-check is a superset of the exact reading: when it finds
    nothing, no value's year is outside pandas' range."""
    from peernet.io.tables import _may_hold_a_year_out_of_range

    if not _may_hold_a_year_out_of_range(pd.Series(values, dtype="object")):
        assert not any(_year_outside(v) for v in values), values
