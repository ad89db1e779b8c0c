"""Rubric: threshold mapping, direction, loading, overrides and RubricError messages."""

import math
from pathlib import Path

import pytest

import peernet as pn
from peernet.grid import load_rubric, map_score
from peernet.grid.rubric import LAYERS, parse_rubric

DEFAULT = Path(pn.grid.__file__).parent / "rubric.toml"


# ------------------------------------------------------------------------ mapping
@pytest.mark.parametrize(("value", "expected"), [
    (0.1, 0.0), (0.2, 40.0), (0.3, 70.0), (0.4, 100.0),      # at the anchors
    (0.15, 20.0), (0.25, 55.0), (0.35, 85.0),                  # halfway between them
    (0.0, 0.0), (-5.0, 0.0), (0.9, 100.0), (float("inf"), 100.0),  # flat outside
])
def test_map_score_higher_is_better(value, expected):
    assert map_score(value, [0.1, 0.2, 0.3, 0.4]) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "expected"), [
    (90, 0.0), (45, 40.0), (21, 70.0), (7, 100.0), (33, 55.0), (14, 85.0), (200, 0.0),
    (0, 100.0),
])
def test_map_score_lower_is_better(value, expected):
    assert map_score(value, [90, 45, 21, 7]) == pytest.approx(expected)


def test_map_score_custom_anchor_scores_and_nan():
    assert map_score(5, [0, 10], [0, 100]) == 50.0
    assert map_score(5, [0, 5, 10], [0, 80, 100]) == 80.0
    assert math.isnan(map_score(float("nan"), [0, 1, 2, 3]))


def test_band_edges():
    bands = {"developing": 40, "strong": 70}
    assert [pn.grid.band_of(s, bands) for s in (0, 39.99, 40, 69.99, 70, 100)] == [
        "emerging", "emerging", "developing", "developing", "strong", "strong"]
    assert pn.grid.band_of(float("nan"), bands) == "no data"


# ------------------------------------------------------------------------ default
def test_default_rubric_covers_every_element():
    r = load_rubric()
    assert r.version == "2026.2" and r.min_coverage == 0.5
    assert r.bands == {"developing": 40.0, "strong": 70.0}
    elements = {s.element for s in r.indicators}
    assert elements == {e for els in LAYERS.values() for e in els}
    for s in r.indicators:
        assert s.rationale and s.unit
        # full marks at the last anchor, except presence proxies and self-ratings, which
        # top out at 85: they show that something is in place, not that it is excellent
        capped = s.function in ("months_with_meeting", "months_with_data", "connectedness",
                                "coordinator_activity", "data_kept", "checklist_rating")
        top = 85.0 if capped else 100.0
        assert s.score(s.thresholds[0]) == 0.0 and s.score(s.thresholds[-1]) == top
    median = r.get("problem_solving", "median_days_to_solve")
    assert median.direction == "lower" and median.score(45) == 40.0
    assert r.get("challenges", "ch9").params == {"item": "ch9"}


def test_default_rubric_file_is_what_load_rubric_reads():
    assert load_rubric(DEFAULT).indicators == load_rubric().indicators


# ------------------------------------------------------------------------ custom
def test_custom_rubric_file_changes_the_scores(tmp_path, hand_net):
    text = DEFAULT.read_text(encoding="utf-8")
    text = text.replace('version = "2026.2"', 'version = "my-1"')
    # reciprocity 4/7 scored 0 at 0.5 and 100 at 1.0 -> 100 (4/7 - 1/2) / (1/2); weight 3
    old = ('function = "reciprocity"\nunit = "share"\ndirection = "higher"\n'
           'thresholds = [0.1, 0.3, 0.5, 0.75]\nweight = 1.0')
    assert old in text
    text = text.replace(old, 'function = "reciprocity"\nunit = "share"\ndirection = '
                        '"higher"\nthresholds = [0.5, 1.0]\nscores = [0, 100]\nweight = 3.0')
    path = tmp_path / "my_rubric.toml"
    path.write_text(text, encoding="utf-8")
    y = hand_net.period("2025")
    g = pn.score(y, rubric=str(path))
    assert g.rubric_version == "my-1"
    ind = g.indicators.set_index("indicator")
    assert ind.at["reciprocity", "score"] == pytest.approx(100 * (4 / 7 - 0.5) / 0.5)
    assert ind.at["reciprocity", "thresholds"] == (0.5, 1.0)
    trust = ind[ind["element"] == "trust"]
    expected = (trust["score"] * trust["weight"]).sum() / trust["weight"].sum()
    assert trust["weight"].tolist() == [1.0, 3.0, 1.0, 1.0]
    assert g.element("trust")["score"] == pytest.approx(expected)


def test_override_in_python(hand_net):
    y = hand_net.period("2025")
    base = pn.score(y)
    r = load_rubric().override("trust", "reciprocity", weight=0.0)
    g = pn.score(y, rubric=r)
    t = g.indicators[g.indicators["element"] == "trust"]
    others = t[t["indicator"] != "reciprocity"]
    assert g.element("trust")["score"] == pytest.approx(others["score"].mean())
    assert g.element("trust")["score"] != pytest.approx(base.element("trust")["score"])
    # a dict of overrides does the same
    g2 = pn.score(y, rubric={"indicators": {"trust": {"reciprocity": {"weight": 0}}}})
    assert g2.element("trust")["score"] == pytest.approx(g.element("trust")["score"])
    # the default is untouched
    assert load_rubric().get("trust", "reciprocity").weight == 1.0


def test_override_can_add_an_indicator():
    r = load_rubric().merge({"indicators": {"trust": {"cross": {
        "function": "cross_org_ties", "unit": "share", "direction": "higher",
        "thresholds": [0, 1], "scores": [0, 100], "weight": 1, "rationale": "test"}}}})
    assert [s.name for s in r.for_element("trust")][-1] == "cross"


# ------------------------------------------------------------------------ errors
def _write(tmp_path, text: str) -> Path:
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = '''
version = "t1"
[indicators.trust.recip]
function = "reciprocity"
unit = "share"
direction = "higher"
thresholds = [0.1, 0.2, 0.3, 0.4]
weight = 1.0
rationale = "test"
'''


@pytest.mark.parametrize(("old", "new", "message"), [
    ('direction = "higher"', 'direction = "up"',
     r"bad\.toml, entry 'indicators\.trust\.recip', key 'direction': must be 'higher' or "
     r"'lower'; got 'up'"),
    ("thresholds = [0.1, 0.2, 0.3, 0.4]", "thresholds = [0.1, 0.3, 0.2, 0.4]",
     r"entry 'indicators\.trust\.recip', key 'thresholds': must increase strictly"),
    ('direction = "higher"', 'direction = "lower"',
     r"key 'thresholds': must decrease strictly when direction is 'lower'"),
    ("thresholds = [0.1, 0.2, 0.3, 0.4]", "thresholds = [0.1, 0.4]",
     r"key 'scores': needed when thresholds do not have 4 points"),
    ("thresholds = [0.1, 0.2, 0.3, 0.4]", 'thresholds = [0.1, "x", 0.3, 0.4]',
     r"key 'thresholds': must be a list of at least 2 numbers"),
    ('function = "reciprocity"', 'function = "reciprocty"',
     r"key 'function': not an indicator function; functions are \[.*'reciprocity'"),
    ("weight = 1.0", "weight = -1", r"key 'weight': must be a number >= 0; got -1"),
    ("weight = 1.0", "wieght = 1.0", r"entry 'indicators\.trust\.recip', key 'wieght': "
     r"unknown key"),
    ('rationale = "test"', "", r"key 'rationale': required key is missing"),
    ("[indicators.trust.recip]", "[indicators.trusst.recip]",
     r"bad\.toml, entry 'indicators\.trusst': unknown element; elements are \['trust'"),
    ('version = "t1"', "", r"key 'version': the rubric needs a version string"),
    ("weight = 1.0", 'weight = 1.0\nparams = { item = "x" }',
     r"key 'params': reciprocity does not take 'item'"),
    ("weight = 1.0", "weight = 1.0\nscores = [0, 50, 40, 100]",
     r"key 'scores': must rise from 0 towards 100"),
    ('version = "t1"', 'version = "t1"\nmin_coverage = 2',
     r"key 'min_coverage': must be a number from 0 to 1; got 2"),
    ('version = "t1"', 'version = "t1"\n[bands]\ndeveloping = 80\nstrong = 70',
     r"entry 'bands', key 'strong': must be above developing"),
])
def test_rubric_errors_name_file_entry_and_key(tmp_path, old, new, message):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(pn.RubricError, match=message):
        load_rubric(path)


def test_good_rubric_parses(tmp_path):
    r = load_rubric(_write(tmp_path, GOOD))
    assert [(s.element, s.name) for s in r.indicators] == [("trust", "recip")]


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(pn.RubricError, match=r"bad\.toml: not valid TOML: .*line 2"):
        load_rubric(_write(tmp_path, 'version = "x"\nthis is not toml\n'))
    with pytest.raises(pn.RubricError, match="rubric file not found"):
        load_rubric(tmp_path / "nope.toml")
    with pytest.raises(TypeError, match="rubric must be a path"):
        load_rubric(42)


def test_override_errors_name_the_entry():
    with pytest.raises(pn.RubricError, match=r"entry 'indicators\.trust\.reciprocity', "
                       r"key 'direction'"):
        load_rubric().override("trust", "reciprocity", direction="sideways")


def test_rubric_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_rubric({"version": 1})
