"""Report CSVs are safe to open in a spreadsheet (formula injection neutralised)."""

import pandas as pd

from peernet.report.html import safe_csv


def test_safe_csv_touches_text_not_numbers(tmp_path):
    df = pd.DataFrame({"org": ["=cmd|' /C calc'!A0", "Casa", "-hola"],
                       "change": [-0.25, 0.5, -3.0],
                       "sector": pd.Series(["@x", "health", "+y"], dtype="category"),
                       "=bad header": [1, 2, 3]})
    safe_csv(df, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["org"].tolist() == ["'=cmd|' /C calc'!A0", "Casa", "'-hola"]
    assert back["change"].tolist() == [-0.25, 0.5, -3.0]
    assert back["sector"].tolist() == ["'@x", "health", "'+y"]
    assert list(back.columns)[-1] == "'=bad header"
    assert df["org"].iloc[0].startswith("=")  # the input frame is not mutated
