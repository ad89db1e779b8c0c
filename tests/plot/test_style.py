"""Palette, category colours, safe labels and the style context manager."""

import matplotlib
import pytest

import peernet as pn
from peernet.plot.style import (
    OKABE_ITO,
    OTHER_COLOR,
    TOL_MUTED,
    UNKNOWN_COLOR,
    category_colors,
    map_categories,
    safe_label,
)


def test_colours_are_given_in_name_order_whatever_the_input_order():
    a = category_colors(["zeta", "alpha", "mid", "alpha"])
    b = category_colors(["mid", "zeta", "alpha"])
    assert a == b == {"alpha": OKABE_ITO[0], "mid": OKABE_ITO[1], "zeta": OKABE_ITO[2]}


def test_same_org_same_colour_when_one_year_lacks_another_org():
    roster = ["A", "B", "C", "D"]
    # colours come from the roster, not from who happened to be active
    assert category_colors(roster)["C"] == OKABE_ITO[2]
    assert category_colors(roster, max_categories=10) == category_colors(list(reversed(roster)))


def test_eight_or_nine_categories_use_tol_muted():
    colors = category_colors([f"o{i}" for i in range(9)])
    assert list(colors.values()) == list(TOL_MUTED)


def test_more_categories_than_max_keep_the_largest_and_group_the_rest():
    values = ["big"] * 5 + ["mid"] * 3 + ["small1", "small2", "small3"]
    colors = category_colors(values, max_categories=3)
    # the 2 largest keep a colour (sorted by name), the rest is "other" in grey
    assert colors == {"big": OKABE_ITO[0], "mid": OKABE_ITO[1], "other": OTHER_COLOR}
    assert list(map_categories(["big", "small2", None], colors)) == ["big", "other", "unknown"]


def test_missing_values_are_unknown_and_white():
    colors = category_colors(["a", None, float("nan")])
    assert colors == {"a": OKABE_ITO[0], "unknown": UNKNOWN_COLOR}


def test_palette_override_and_bad_max_categories():
    assert category_colors(["a", "b"], palette={"b": "#123456"})["b"] == "#123456"
    with pytest.raises(ValueError, match="max_categories must be at least 2; got 1"):
        category_colors(["a"], max_categories=1)


@pytest.mark.parametrize(("name", "member_id", "expected"), [
    ("Ana Ruiz", "ana", "Ana Ruiz"),
    (None, "ana", "ana"),
    ("ana@x.org", "m1", "m1"),
    (float("nan"), "ana@x.org", "ana"),
    ("a@b.org", "c@d.org", "c"),
])
def test_safe_label_never_returns_an_email(name, member_id, expected):
    assert safe_label(name, member_id) == expected
    assert "@" not in safe_label(name, member_id)


def test_style_is_a_context_manager_that_restores_rc():
    before = matplotlib.rcParams["axes.spines.right"]
    with pn.plot.style(**{"font.size": 13}):
        assert matplotlib.rcParams["font.size"] == 13
        assert matplotlib.rcParams["axes.spines.right"] is False
    assert matplotlib.rcParams["axes.spines.right"] == before
