"""pn.load of Parquet: column-wise reading, partitioned folders (one part a year, hive-style
``year=2024/``), errors naming the part file and its row, and columns left unread."""

import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

import peernet as pn

MEMBERS = pd.DataFrame({"member_id": ["ana", "ben", "cai"], "org": ["A", "A", "B"]})


def load_quiet(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        return pn.load(path, **kw)


@pytest.fixture(scope="module")
def flat(riverbend, tmp_path_factory):
    """Riverbend saved as flat Parquet and loaded back (the reference for the folders)."""
    path = tmp_path_factory.mktemp("flat")
    pn.save(riverbend, path)
    return path, load_quiet(path)


def partitioned(flat_path, dest, layout):
    """Copy the flat folder with interactions split by year into ``layout`` files."""
    dest.mkdir()
    for f in flat_path.iterdir():
        if f.name != "interactions.parquet":
            (dest / f.name).write_bytes(f.read_bytes())
    inter = pd.read_parquet(flat_path / "interactions.parquet")
    for year, part in inter.groupby(inter["timestamp"].dt.year):
        file = dest / "interactions" / layout.format(year=year)
        file.parent.mkdir(parents=True, exist_ok=True)
        part.to_parquet(file, index=False)
    return dest


# ------------------------------------------------------------------ flat files
def test_flat_parquet_load_equals_the_saved_network(riverbend, flat):
    _, back = flat
    for table in riverbend.tables():
        pd.testing.assert_frame_equal(getattr(back, table), getattr(riverbend, table))
    assert isinstance(back.interactions["kind"].dtype, pd.CategoricalDtype)
    assert str(back.interactions["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert back.interactions["source"].dtype == "str"


def test_text_categories_in_parquet_are_validated_as_in_csv(tmp_path):
    """kind as plain text: 'Reply ' is normalised, 'bogus' dropped, an empty channel kept
    missing; the Parquet read (dictionary fast path off) and the CSV read agree exactly."""
    inter = pd.DataFrame({
        "timestamp": ["2025-01-02 10:00", "2025-01-03 10:00", "2025-01-04 10:00"],
        "source": ["ana", "ben", "cai"], "kind": ["message", "Reply ", "bogus"],
        "target": ["ben", "ana", "ana"], "channel": ["chat", None, "email"]})
    nets = {}
    for fmt in ("parquet", "csv"):
        folder = tmp_path / fmt
        folder.mkdir()
        if fmt == "parquet":
            MEMBERS.to_parquet(folder / "members.parquet")
            inter.to_parquet(folder / "interactions.parquet")
        else:
            MEMBERS.to_csv(folder / "members.csv", index=False)
            inter.to_csv(folder / "interactions.csv", index=False)
        nets[fmt] = load_quiet(folder)
    got = nets["parquet"].interactions
    assert list(got["kind"]) == ["message", "reply"]
    assert list(got["channel"].astype(object).fillna("-")) == ["chat", "-"]
    pd.testing.assert_frame_equal(got, nets["csv"].interactions)
    issues = {f: n.quality.issues[["row", "column", "value", "problem", "action"]]
              for f, n in nets.items()}
    assert issues["parquet"]["row"].tolist() == [4]
    assert issues["parquet"]["value"].tolist() == ["bogus"]
    pd.testing.assert_frame_equal(issues["parquet"], issues["csv"])


# ------------------------------------------------------------------ partitioned folders
@pytest.mark.parametrize("layout", ["{year}.parquet", "year={year}/part-0.parquet"])
def test_partitioned_folder_round_trip_equals_the_flat_load(flat, tmp_path, layout):
    flat_path, ref = flat
    folder = partitioned(flat_path, tmp_path / "parts", layout)
    net = load_quiet(folder)
    pd.testing.assert_frame_equal(net.interactions, ref.interactions)
    for table in ref.tables():
        pd.testing.assert_frame_equal(getattr(net, table), getattr(ref, table))
    years = net.interactions["timestamp"].dt.year.value_counts().sort_index().to_dict()
    assert years == {2023: 3239, 2024: 3158, 2025: 3467, 2026: 5}
    # the hive key is a folder name, not a column
    assert "year" not in net.interactions.columns
    assert list(net.interactions.columns) == list(ref.interactions.columns)
    counts = net.quality.counts.set_index("source")
    assert counts.loc["interactions/", "rows_read"] == 9869
    # the saved import log comes back first; this load's own issues: the shared emails
    saved = pd.read_csv(flat_path / "quality_issues.csv")
    assert net.quality.issues["source"].tolist()[len(saved):] == ["members.parquet"] * 2


def test_parts_are_stacked_in_natural_name_order(tmp_path):
    (tmp_path / "interactions").mkdir()
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    for n, who in ((10, "cai"), (2, "ben")):
        pd.DataFrame({"timestamp": [f"2025-01-{n:02d} 10:00"], "source": [who],
                      "kind": ["message"]}).to_parquet(
            tmp_path / "interactions" / f"part-{n}.parquet")
    (tmp_path / "interactions" / "_SUCCESS").write_text("")
    (tmp_path / "interactions" / "README.txt").write_text("notes")
    net = pn.load(tmp_path)
    assert list(net.interactions["source"]) == ["ben", "cai"]
    issues = net.quality.issues
    assert issues["value"].tolist() == ["interactions/README.txt"]
    assert issues["problem"].str.contains("not .parquet; not read").all()


def test_dot_parquet_folder_is_partitioned_too_and_hive_key_not_added(tmp_path):
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    for year in (2024, 2025):
        d = tmp_path / "interactions.parquet" / f"year={year}"
        d.mkdir(parents=True)
        pd.DataFrame({"timestamp": [f"{year}-03-01 10:00"], "source": ["ana"],
                      "kind": ["message"], "target": ["ben"]}).to_parquet(d / "a.parquet")
    net = pn.load(tmp_path)
    assert list(net.interactions.columns) == ["timestamp", "source", "kind", "target",
                                              "event_id"]
    assert net.interactions["timestamp"].dt.year.tolist() == [2024, 2025]


def test_a_table_given_as_file_and_folder_is_refused(flat, tmp_path):
    folder = partitioned(flat[0], tmp_path / "parts", "{year}.parquet")
    (folder / "interactions.parquet").write_bytes((flat[0] / "interactions.parquet")
                                                  .read_bytes())
    with pytest.raises(pn.DataError, match=r"table 'interactions' is given twice "
                                           r"\(interactions\.parquet, interactions\)"):
        pn.load(folder)


def test_broken_partition_file_is_named(flat, tmp_path):
    folder = partitioned(flat[0], tmp_path / "parts", "year={year}/part-0.parquet")
    (folder / "interactions" / "year=2025" / "part-0.parquet").write_bytes(b"PAR1 not parquet")
    with pytest.raises(pn.DataError) as err:
        pn.load(folder)
    assert str(err.value).startswith(
        "interactions/year=2025/part-0.parquet: cannot read as Parquet")


def test_empty_partition_folder_is_an_error(tmp_path):
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    (tmp_path / "interactions").mkdir()
    (tmp_path / "interactions" / "_SUCCESS").write_text("")
    with pytest.raises(pn.DataError, match=r"^interactions: folder holds no \.parquet files"):
        pn.load(tmp_path)


def test_partition_missing_a_required_column_is_named(tmp_path):
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    (tmp_path / "interactions").mkdir()
    pd.DataFrame({"timestamp": ["2024-01-01"], "source": ["ana"], "kind": ["message"]}) \
        .to_parquet(tmp_path / "interactions" / "2024.parquet")
    pd.DataFrame({"timestamp": ["2025-01-01"], "sourse": ["ana"], "kind": ["message"]}) \
        .to_parquet(tmp_path / "interactions" / "2025.parquet")
    with pytest.raises(pn.DataError) as err:
        pn.load(tmp_path)
    msg = str(err.value)
    assert msg.startswith("interactions/2025.parquet, column 'source': required column "
                          "'source' not found")
    assert "Did you mean 'sourse'?" in msg


def _two_years(tmp_path):
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    (tmp_path / "interactions").mkdir()
    pd.DataFrame({"timestamp": ["2024-01-01 09:00", "2024-02-01 09:00"],
                  "source": ["ana", "ben"], "kind": ["message", "message"],
                  "target": ["ben", "ana"]}).to_parquet(
        tmp_path / "interactions" / "2024.parquet")
    pd.DataFrame({"timestamp": ["2025-01-01 09:00", "2025-02-01 09:00", "not a date"],
                  "source": ["cai", "zed", "ana"], "kind": ["message", "message", "message"],
                  "target": ["ana", "ana", "ben"]}).to_parquet(
        tmp_path / "interactions" / "2025.parquet")
    return tmp_path


def test_bad_values_in_a_partition_name_its_file_and_row(tmp_path):
    net = load_quiet(_two_years(tmp_path))
    assert list(net.interactions["source"]) == ["ana", "ben", "cai", "zed"]
    issues = net.quality.issues.set_index("column")
    # the 3rd row of 2025.parquet is row 4 (row 2 is a file's first row)
    assert issues.loc["timestamp", ["source", "row", "value", "action"]].tolist() == \
        ["interactions/2025.parquet", 4, "not a date", "dropped"]
    assert issues.loc["source", ["source", "row", "value", "action"]].tolist() == \
        ["interactions/2025.parquet", 3, "zed", "added"]
    counts = net.quality.counts.set_index("source").loc["interactions/"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (5, 4, 1)


def test_bad_values_in_a_partition_raise_with_its_file_and_row(tmp_path):
    folder = _two_years(tmp_path)
    with pytest.raises(pn.DataError) as err:
        pn.load(folder, errors="raise")
    assert str(err.value).startswith(
        "interactions/2025.parquet, row 4, column 'timestamp': cannot read as a date")
    assert [(p["file"], p["row"]) for p in err.value.problems] == \
        [("interactions/2025.parquet", 4)]


# ------------------------------------------------------------------ columns not read
def _with_blob(tmp_path, fmt):
    MEMBERS.to_parquet(tmp_path / "members.parquet")
    inter = pd.DataFrame({"timestamp": ["2025-01-02 10:00", "2025-01-03 10:00"],
                          "source": ["ana", "ben"], "kind": ["message", "reply"],
                          "target": ["ben", "ana"], "text_blob": ["x" * 1000, "y" * 1000]})
    if fmt == "parquet":
        inter.to_parquet(tmp_path / "interactions.parquet")
    else:
        inter.to_csv(tmp_path / "interactions.csv", index=False)
    return tmp_path


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_unknown_columns_are_kept_unless_mapped_to_none(tmp_path, fmt):
    folder = _with_blob(tmp_path, fmt)
    kept = pn.load(folder)
    assert kept.interactions["text_blob"].str.len().tolist() == [1000, 1000]
    skipped = pn.load(folder, columns={"text_blob": None, "target": "target"})
    assert "text_blob" not in skipped.interactions.columns
    pd.testing.assert_frame_equal(skipped.interactions,
                                  kept.interactions.drop(columns="text_blob"))
    # like CSV, an unknown column is not reported (kept or skipped)
    assert skipped.quality.issues.empty and kept.quality.issues.empty


def test_a_column_mapped_to_none_is_never_read_from_parquet(tmp_path, monkeypatch):
    folder = _with_blob(tmp_path, "parquet")
    asked = []
    read = pq.ParquetFile.read

    def spy(self, columns=None, **kw):
        asked.append(tuple(columns or ("*",)))
        return read(self, columns=columns, **kw)

    monkeypatch.setattr(pq.ParquetFile, "read", spy)
    net = pn.load(folder, columns={"text_blob": None})
    assert len(net.interactions) == 2
    assert ("text_blob",) not in asked and ("*",) not in asked
    assert ("source",) in asked


@pytest.mark.parametrize("part", ["interactions", "interactions.parquet"])
def test_save_refuses_a_folder_holding_a_partitioned_table(flat, tmp_path, part):
    flat_path, ref = flat
    folder = partitioned(flat_path, tmp_path / "parts", "{year}.parquet")
    if part != "interactions":
        (folder / "interactions").rename(folder / part)
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(ValueError, match=rf"already holds a partitioned table folder "
                                         rf"\({part}/\)"):
        pn.save(ref, folder)
    assert sorted(p.name for p in folder.iterdir()) == before   # nothing written
    pn.save(ref, tmp_path / "fresh")                             # a new folder is fine
    pd.testing.assert_frame_equal(load_quiet(tmp_path / "fresh").interactions,
                                  ref.interactions)


def test_id_columns_read_as_codes_give_the_text_load(tmp_path):
    """Parquet id columns with few distinct values are read as dictionary codes and
    cleaned on their distinct values (peernet.io._parquet._read_one); nearly distinct ones,
    and a column coded in one part of a folder only, as text: the loaded network is the
    one the same tables give from CSV."""
    from pathlib import Path

    from peernet.io._parquet import read_parquet_table

    n = 400
    members = pd.DataFrame({"member_id": [f"m{i}" for i in range(20)]})
    inter = pd.DataFrame({
        "timestamp": pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC").astype(str),
        "source": [f" m{i % 20}" for i in range(n)],
        "kind": ["message"] * n,
        "target": [f"m{(i * 7) % 20}" if i % 3 else "" for i in range(n)],
        "message_id": [f"x{i}" for i in range(n)]})   # every value distinct
    csv, flat, parts = tmp_path / "csv", tmp_path / "flat", tmp_path / "parts"
    for d in (csv, flat, parts):
        d.mkdir()
        members.to_csv(d / "members.csv", index=False)
    inter.to_csv(csv / "interactions.csv", index=False)
    inter.to_parquet(flat / "interactions.parquet", index=False)
    (parts / "interactions").mkdir()
    inter.iloc[:n // 2].to_parquet(parts / "interactions" / "1.parquet", index=False)
    # the second part's sources all distinct: read as text there
    inter.iloc[n // 2:].assign(source=[f"m{i}" for i in range(n - n // 2)]).to_parquet(
        parts / "interactions" / "2.parquet", index=False)
    raw, _, _ = read_parquet_table(Path(flat / "interactions.parquet"), "interactions")
    assert isinstance(raw["source"].dtype, pd.ArrowDtype) and raw["message_id"].dtype == "str"
    stacked, _, _ = read_parquet_table(Path(parts / "interactions"), "interactions")
    assert stacked["source"].dtype == "str" and isinstance(stacked["target"].dtype,
                                                           pd.ArrowDtype)
    want = load_quiet(csv)
    got = load_quiet(flat)
    for table in ("members", "interactions"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(want, table),
                                      check_exact=True)
    pd.testing.assert_frame_equal(got.quality.issues.drop(columns="source"),
                                  want.quality.issues.drop(columns="source"))
    whole = load_quiet(parts)
    expect = pd.concat([inter.iloc[:n // 2], inter.iloc[n // 2:].assign(
        source=[f"m{i}" for i in range(n - n // 2)])], ignore_index=True)
    expect.to_csv(csv / "interactions.csv", index=False)
    back = load_quiet(csv)
    pd.testing.assert_frame_equal(whole.interactions, back.interactions, check_exact=True)
    pd.testing.assert_frame_equal(whole.members, back.members, check_exact=True)
