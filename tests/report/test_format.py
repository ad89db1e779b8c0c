"""The one number formatter (peernet.report.format) and the report's imports."""

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peernet.report import format as fmt

REPORT = Path(__file__).resolve().parents[2] / "peernet" / "report"


@pytest.mark.parametrize("value, unit, table, prose", [
    (0.7142, "share", "71%", "71%"),
    (1234.0, "", "1,234", "1,234"),
    (12.5, "", "12.5", "12"),          # sentences round harder than tables
    (3.456, "", "3.46", "3.46"),
    (0.05, "", "0.050", "0.05"),
    (150.4, "", "150", "150"),
    (0.0, "", "0", "0"),               # prose wrote a zero count as "0.00" before
    (72.4, "points", "72.4", "72"),
    (float("nan"), "", "–", "n/a"),
])
def test_number_table_and_prose(value, unit, table, prose):
    assert fmt.number(value, unit) == table
    assert fmt.number(value, unit, style="prose") == prose


def test_cell_of_other_values():
    assert fmt.cell(True) == "yes" and fmt.cell(np.bool_(False)) == "no"
    assert fmt.cell(12345) == "12,345" and fmt.cell(np.int64(7)) == "7"
    assert fmt.cell(pd.Timestamp("2025-03-01 10:00", tz="UTC")) == "2025-03-01"
    assert fmt.cell(None) == fmt.cell(pd.NA) == fmt.cell(pd.NaT) == "–"
    assert fmt.cell("Riverbend") == "Riverbend"


def test_changes():
    assert fmt.change(0.22, "share", 0.45) == "+22 percentage points"
    assert fmt.change(-28.0, "points", -0.3) == "-28 points"
    assert fmt.change(5.0, "members", 0.25) == "+25%"
    assert fmt.change(5.0, "members", float("nan")) == "+5"
    assert fmt.card_change(-0.04, "share") == "-4 pts"
    assert fmt.card_change(12.0, "events") == "+12"
    assert fmt.card_change(0.013, "index") == "+0.01"


def test_pretty():
    assert fmt.pretty("problem_solving") == "Problem solving"
    assert fmt.pretty("capacity-building ") == "Capacity building"


def test_report_modules_import_no_private_name_from_outside_the_package():
    for path in REPORT.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:  # outside peernet.report
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_spanish_numbers_follow_the_locale():
    from peernet.report.format import card_change, cell, change, number
    from peernet.report.i18n import use_language

    with use_language("es"):
        assert number(1234.5) == "1.234"                     # |x| >= 100: no decimals
        assert number(12.25) == "12,2" or number(12.25) == "12,3"
        assert number(0.05) == "0,050" and number(3.5) == "3,50"
        assert number(0.7142, "share") == "71\u00a0%"          # a no-break space
        assert number(float("nan"), style="prose") == "n. d."
        assert change(-0.08, "share", -0.11) == "-8 puntos porcentuales"
        assert change(5, "points", 0.2) == "+5 puntos" and change(3, "", 0.25) == "+25\u00a0%"
        assert card_change(-0.034, "share") == "-3 pts." and card_change(-2.5, "x") == "-2,50"
        assert cell(True) == "sí" and cell(12345) == "12.345"
    # English is as before
    assert number(1234.5) == "1,234" and number(0.7142, "share") == "71%"
    assert change(-0.08, "share", -0.11) == "-8 percentage points" and cell(12345) == "12,345"
