"""pn.load / pn.save on canonical folders: round trips and every bad-input case of issue 2."""

import warnings

import numpy as np
import pandas as pd
import pytest

import peernet as pn

MEMBERS = "member_id,name,org\nana,Ana,A\nben,Ben,B\n"


def write(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name.replace("__", ".")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def load_quiet(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pn.DataQualityWarning)
        return pn.load(path, **kw)


# ------------------------------------------------------------------ round trips
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_load_round_trip_is_exact(tiny_net, tmp_path, fmt):
    pn.save(tiny_net, tmp_path / "out", format=fmt)
    back = load_quiet(tmp_path / "out")
    assert back.tz == tiny_net.tz and back.name == tiny_net.name
    assert back.provided == tiny_net.provided
    for table in ("members", "events", "interactions"):
        pd.testing.assert_frame_equal(getattr(back, table), getattr(tiny_net, table))


def test_round_trip_of_a_sample_with_every_table(riverbend, tmp_path):
    pn.save(riverbend, tmp_path / "rb")
    back = load_quiet(tmp_path / "rb")
    for table in riverbend.tables():
        pd.testing.assert_frame_equal(getattr(back, table), getattr(riverbend, table))


# ------------------------------------------------------------------ structure
def test_missing_folder_and_missing_required_table(tmp_path):
    with pytest.raises(pn.DataError, match="folder not found"):
        pn.load(tmp_path / "nope")
    write(tmp_path / "f", members__csv=MEMBERS)
    with pytest.raises(pn.DataError, match="required table 'interactions' not found"):
        pn.load(tmp_path / "f")


def test_missing_required_column_suggests_the_close_match(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,sourse,kind\n2025-01-01,ana,message\n")
    with pytest.raises(pn.DataError) as err:
        pn.load(tmp_path)
    msg = str(err.value)
    assert msg.startswith("interactions.csv, column 'source': required column 'source' not found")
    assert "Did you mean 'sourse'?" in msg


def test_empty_file_is_a_structural_error(tmp_path):
    write(tmp_path, members__csv=MEMBERS, interactions__csv="")
    with pytest.raises(pn.DataError, match=r"interactions\.csv: file is empty"):
        pn.load(tmp_path)


def test_header_only_file_is_an_empty_table(tmp_path):
    write(tmp_path, members__csv=MEMBERS, interactions__csv="timestamp,source,kind\n")
    net = pn.load(tmp_path)
    assert len(net.interactions) == 0 and len(net.members) == 2


def test_two_files_for_one_table_is_refused(tmp_path):
    write(tmp_path, members__csv=MEMBERS, members__xlsx=b"x",
          interactions__csv="timestamp,source,kind\n")
    with pytest.raises(pn.DataError, match="table 'members' is given twice"):
        pn.load(tmp_path)


# ------------------------------------------------------------------ values
def test_bad_timestamp_names_file_row_column(tmp_path):
    write(tmp_path, members__csv="member_id\nana\nben\n",
          interactions__csv="timestamp,source,kind\n2025-01-03,ana,message\n"
                            "not a date,ben,message\n")
    with pytest.raises(pn.DataError, match=r"interactions\.csv, row 3, column 'timestamp'"):
        pn.load(tmp_path, errors="raise")
    with pytest.warns(pn.DataQualityWarning):
        net = pn.load(tmp_path)
    assert len(net.interactions) == 1
    dropped = net.quality.dropped.iloc[0]
    assert (dropped["source"], dropped["row"], dropped["column"], dropped["value"]) == \
        ("interactions.csv", 3, "timestamp", "not a date")
    counts = net.quality.counts.set_index("source").loc["interactions.csv"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (2, 1, 1)


def test_a_day_first_file_is_read_day_first_and_says_so(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n13/02/2025 10:00,ana,message\n"
                            "04/03/2025 10:00,ben,message\n")
    net = load_quiet(tmp_path)
    assert net.interactions["timestamp"].astype("str").tolist() == [
        "2025-02-13 10:00:00+00:00", "2025-03-04 10:00:00+00:00"]
    assert "dates read day-first (day/month): '13/02/2025 10:00' has a day above 12" in set(
        net.quality.issues["problem"])


def test_an_ambiguous_table_follows_dayfirst_and_says_so(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n04/03/2025 10:00,ana,message\n")
    month, day = load_quiet(tmp_path), load_quiet(tmp_path, dayfirst=True)
    assert str(month.interactions["timestamp"].iloc[0]) == "2025-04-03 10:00:00+00:00"
    assert str(day.interactions["timestamp"].iloc[0]) == "2025-03-04 10:00:00+00:00"
    assert "dates are ambiguous" in month.quality.summary()


def test_a_table_with_many_unreadable_dates_is_refused_whole(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,message\n"
                            "yesterday,ana,message\nlast week,ben,message\n")
    with pytest.raises(pn.DataError, match=r"interactions\.csv, row 3, column 'timestamp': 2 "
                       r"of 3 rows have a date that cannot be read \(e\.g\. 'yesterday'\)"):
        load_quiet(tmp_path)


def test_interaction_naming_an_unknown_member_adds_it_as_unmatched(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind,target\n2025-01-01,ana,message,zoe\n")
    net = load_quiet(tmp_path)
    assert len(net.interactions) == 1
    row = net.quality.issues.iloc[0]
    assert (row["source"], row["row"], row["column"], row["value"], row["action"]) == \
        ("interactions.csv", 2, "target", "zoe", "added")
    assert net.members.set_index("member_id").loc["zoe", "unmatched"]


def test_duplicate_ids_keep_the_first_row(tmp_path):
    write(tmp_path, members__csv=MEMBERS + "ana,Ana Again,C\n",
          interactions__csv="timestamp,source,kind\n")
    net = load_quiet(tmp_path)
    assert net.members["name"].tolist() == ["Ana", "Ben"]
    row = net.quality.dropped.iloc[0]
    assert (row["source"], row["row"], row["column"]) == ("members.csv", 4, "member_id")
    assert "duplicate member_id" in row["problem"]


def test_rating_outside_the_survey_scale_is_dropped(tmp_path):
    write(tmp_path, members__csv=MEMBERS, interactions__csv="timestamp,source,kind\n",
          surveys__csv="respondent,about,item,value,wave,scale_min,scale_max\n"
                       "ana,ben,reliability,4,2025,1,4\nana,ben,mission,5,2025,1,4\n")
    net = load_quiet(tmp_path)
    assert net.surveys["item"].tolist() == ["reliability"]
    row = net.quality.dropped.iloc[0]
    assert (row["source"], row["row"], row["column"], row["value"]) == \
        ("surveys.csv", 3, "value", "5.0")


def test_event_ending_before_it_starts_is_repaired(tmp_path):
    write(tmp_path, members__csv=MEMBERS, interactions__csv="timestamp,source,kind\n",
          events__csv="event_id,start,end\ne1,2025-03-01 10:00,2025-03-01 09:00\n")
    net = load_quiet(tmp_path)
    assert len(net.events) == 1 and pd.isna(net.events["end"].iloc[0])
    row = net.quality.repaired.iloc[0]
    assert (row["source"], row["row"], row["column"]) == ("events.csv", 2, "end")


def test_attendance_without_event_is_dropped_and_unknown_event_added(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          events__csv="event_id,start\ne1,2025-03-01 10:00\n",
          interactions__csv="timestamp,source,kind,event_id\n2025-03-01 10:00,ana,attend,e1\n"
                            "2025-03-01 10:00,ben,attend,\n2025-04-01 10:00,ben,attend,e9\n")
    net = load_quiet(tmp_path)
    assert len(net.interactions) == 2
    assert sorted(net.events["event_id"]) == ["e1", "e9"]
    issues = net.quality.issues.set_index("row")
    assert issues.loc[3, "action"] == "dropped" and issues.loc[4, "action"] == "added"


def test_unknown_kind_is_rejected_with_the_allowed_values(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,tweet\n")
    with pytest.raises(pn.DataError, match="not one of attend, message, reply"):
        pn.load(tmp_path, errors="raise")


def test_many_problems_are_listed_once(tmp_path):
    rows = "".join(f"bad{i},ana,message\n" for i in range(15))
    write(tmp_path, members__csv=MEMBERS, interactions__csv="timestamp,source,kind\n" + rows)
    with pytest.raises(pn.DataError) as err:
        pn.load(tmp_path, errors="raise")
    assert len(err.value.problems) == 15
    assert "and 5 more" in str(err.value)


# ------------------------------------------------------------------ encodings, Excel
def test_csv_exported_from_excel_loads(tmp_path):
    """UTF-8 BOM or cp1252 accents, semicolons, M/D/YYYY h:mm AM dates, one broken row."""
    members = "member_id;name;org\r\nana;José Muñoz;Clínica\r\nben;Zoë;B\r\n"
    inter = ("timestamp;source;kind;target\r\n3/4/2025 9:05 AM;ana;message;ben\r\n"
             "3/4/2025 1:30 PM;ben;reply;ana\r\n3/4/2025 25:99 PM;ben;reply;ana\r\n")
    write(tmp_path / "cp", members__csv=members.encode("cp1252"),
          interactions__csv=inter.encode("cp1252"))
    net = load_quiet(tmp_path / "cp", tz="America/Chicago")
    assert net.members["name"].tolist() == ["José Muñoz", "Zoë"]
    assert net.members["org"].tolist() == ["Clínica", "B"]
    assert [str(t) for t in net.interactions["timestamp"]] == [
        "2025-03-04 15:05:00+00:00", "2025-03-04 19:30:00+00:00"]
    assert net.quality.dropped["row"].tolist() == [4]
    assert "Windows-1252" in " ".join(net.quality.issues["problem"])
    write(tmp_path / "bom", members__csv=b"\xef\xbb\xbf" + members.encode("utf-8"),
          interactions__csv=b"\xef\xbb\xbf" + inter.encode("utf-8"))
    net = load_quiet(tmp_path / "bom")
    assert net.members.columns[0] == "member_id"
    assert net.members["name"].tolist() == ["José Muñoz", "Zoë"]


def test_utf16_tab_separated_file_loads(tmp_path):
    text = "member_id\tname\r\nana\tAna\r\nben\tBen\r\n"
    write(tmp_path, members__csv=b"\xff\xfe" + text.encode("utf-16-le"),
          interactions__csv="timestamp,source,kind\n")
    assert load_quiet(tmp_path).members["member_id"].tolist() == ["ana", "ben"]


def test_ragged_row_is_reported_and_the_rest_kept(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,message\n"
                            "2025-01-02,ben,message,extra,cells\n2025-01-03,ben,message\n")
    net = load_quiet(tmp_path)
    assert len(net.interactions) == 2
    row = net.quality.dropped.iloc[0]
    assert (row["source"], row["row"]) == ("interactions.csv", 3)
    counts = net.quality.counts.set_index("source").loc["interactions.csv"]
    assert (counts["rows_read"], counts["rows_kept"], counts["rows_dropped"]) == (3, 2, 1)


def test_xlsx_tables_load(tmp_path):
    members = pd.DataFrame({"member_id": ["007", "ben"], "org": ["A", "B"]})
    members.to_excel(tmp_path / "members.xlsx", index=False)
    write(tmp_path, interactions__csv="timestamp,source,kind\n2025-01-01,007,message\n")
    net = pn.load(tmp_path)
    assert net.members["member_id"].tolist() == ["007", "ben"]  # ids stay text
    with pytest.raises(pn.DataError, match=r"\.xls files are not read"):
        (tmp_path / "members.xlsx").rename(tmp_path / "old.xls")
        from peernet.io._text import read_table_file
        read_table_file(tmp_path / "old.xls")


def test_validate_returns_the_quality_of_a_folder(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\nnope,ana,message\n")
    q = pn.validate(tmp_path)
    assert q.dropped["row"].tolist() == [2]
    assert "interactions.csv: dropped 1 row(s) (row 2): cannot read as a date" in q.summary()


def test_every_row_longer_than_the_header_is_reported_not_shifted(tmp_path):
    """pandas would silently take the first column as the index; peernet reports the rows."""
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,message,x\n"
                            "2025-01-02,ben,message,y\n")
    net = load_quiet(tmp_path)
    assert len(net.interactions) == 0
    assert net.quality.dropped["row"].tolist() == [2, 3]
    assert set(net.quality.dropped["problem"]) == {"row has 4 cells, the header has 3"}


def test_the_suggested_columns_fix_works(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="time stamp,source,kind\n2025-01-01,ana,message\n")
    with pytest.raises(pn.DataError, match=r"Pass columns=\{'time stamp': 'timestamp'\}"):
        pn.load(tmp_path)
    net = pn.load(tmp_path, columns={"time stamp": "timestamp"})
    assert len(net.interactions) == 1


def test_r_and_excel_missing_values_in_members_are_missing(tmp_path):
    # R writes NA; an NA org must not become a group of its own (issue 17)
    write(tmp_path, members__csv="member_id,name,org,region\nana,Ana,NA,-\nben,Ben,B,null\n"
          "cy,Cy,N/A,North\n",
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,message\n")
    net = load_quiet(tmp_path)
    assert net.members["org"].isna().tolist() == [True, False, True]
    assert net.members["region"].isna().tolist() == [True, True, False]
    assert "2 cell(s) written as 'N/A', 'NA' read as missing (na_values=)" in set(
        net.quality.issues["problem"])
    kept = load_quiet(tmp_path, na_values=[""])
    assert kept.members["org"].tolist() == ["NA", "B", "N/A"]


def test_a_date_before_1677_gets_an_error_that_says_so(tmp_path):
    write(tmp_path, members__csv=MEMBERS,
          interactions__csv="timestamp,source,kind\n2025-01-01,ana,message\n"
                            "1500-06-01,ben,message\n")
    with pytest.raises(pn.DataError, match=r"interactions\.csv, row 3, column 'timestamp': "
                       r"date '1500-06-01' is outside the dates pandas can hold "
                       r"\(1677-09-22 to 2262-04-11\)"):
        load_quiet(tmp_path)


def test_self_loops_and_repeated_rows_are_counted_never_silent(tmp_path):
    """Issue 17: a canonical table keeps them (the evaluator's own record) and says so."""
    folder = write(tmp_path / "net", members__csv=MEMBERS, interactions__csv=(
        "timestamp,source,kind,target\n"
        "2025-01-02T10:00:00Z,ana,message,ben\n"
        "2025-01-02T10:00:00Z,ana,message,ben\n"      # an exact repeat
        "2025-01-03T10:00:00Z,ben,message,ben\n"))    # a self-loop
    net = load_quiet(folder)
    summary = net.quality.summary()
    assert "1 row(s) whose target is their source (a self-loop): kept as the person's " \
        "activity, never a tie" in summary
    assert "1 row(s) repeat an earlier row exactly (timestamp, source, kind, target, " \
        "event_id): kept and counted each time" in summary
    assert "No problems found" not in summary
    assert len(net.interactions) == 3
    G = pn.person_graph(net)
    assert not nx_has_self_loop(G) and G["ana"]["ben"]["weight"] == 2


def nx_has_self_loop(G):
    return any(u == v for u, v in G.edges())


def test_repeats_counted_as_pandas_counts_them(tmp_path):
    """Only rows that share a timestamp are compared (speed): the count is still pandas'
    ``duplicated`` over the whole table, with rows that share a time but not a person."""
    rows = ["2025-01-02T10:00:00Z,ana,message,ben",     # 1
            "2025-01-02T10:00:00Z,ben,message,ana",     # same time, other people
            "2025-01-02T10:00:00Z,ana,message,ben",     # repeat of 1
            "2025-01-02T10:00:00Z,ana,message,ben",     # repeat of 1 again
            "2025-01-05T09:00:00Z,ana,reply,ben",       # alone at its time
            "2025-01-06T09:00:00Z,ben,message,ana",
            "2025-01-06T09:00:00Z,ben,message,ana"]     # repeat
    folder = write(tmp_path / "net", members__csv=MEMBERS,
                   interactions__csv="timestamp,source,kind,target\n" + "\n".join(rows) + "\n")
    net = load_quiet(folder)
    key = ["timestamp", "source", "kind", "target"]
    assert int(net.interactions.duplicated(key).sum()) == 3
    assert "3 row(s) repeat an earlier row exactly" in net.quality.summary()


@pytest.mark.parametrize("dtype", ["str", object])
def test_isin_is_pandas_isin(dtype):
    """peernet.schema.isin (pyarrow's is_in on text columns) answers as Series.isin does,
    missing values and non-text values of the set included."""
    import random

    from peernet.schema import isin

    rng = random.Random(1)
    for _ in range(300):
        values = pd.Series([rng.choice(["a", "b", "c", None, "d"])
                            for _ in range(rng.randint(0, 8))], dtype=dtype)
        among = [rng.choice(["a", "b", "x", None, float("nan"), 3, pd.NA])
                 for _ in range(rng.randint(0, 4))]
        assert isin(values, among).tolist() == values.isin(among).tolist()
        assert isin(values, iter(among)).tolist() == values.isin(among).tolist()
        # a text Index or Series as the set (read from Arrow, not value by value)
        text = [v for v in among if isinstance(v, str) or v is None]
        for wrap in (pd.Index, pd.Series):
            arrow = wrap(text, dtype="str")
            assert isin(values, arrow).tolist() == values.isin(arrow).tolist()


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
@pytest.mark.parametrize("index_dtype", ["str", "object"])
def test_index_positions_is_get_indexer(dtype, index_dtype):
    """peernet.positions.index_positions (pyarrow's index_in when both are Arrow text, else a
    factorization) gives index.get_indexer's positions, -1 for missing and absent values:
    on Series and Index, several Arrow chunks, an index of large_string."""
    import random

    import pyarrow as pa

    from peernet.positions import index_positions

    rng = random.Random(2)
    for _ in range(300):
        ids = pd.Index(rng.sample(["a", "b", "c", "dd", "é"], rng.randint(0, 5)),
                       dtype=index_dtype)
        values = pd.Series([rng.choice(["a", "b", "c", None, "dd", "zz", "é"])
                            for _ in range(rng.randint(0, 9))], dtype=dtype)
        want = ids.get_indexer(values.astype("object").where(values.notna(), None))
        want = [w if v is not None and pd.notna(v) else -1
                for w, v in zip(want, values.astype("object"), strict=True)]
        assert index_positions(values, ids).tolist() == want
        assert index_positions(pd.Index(values), ids).tolist() == want
        if dtype == "str" and len(values) > 1:   # two Arrow chunks
            two = pd.concat([values.iloc[:1], values.iloc[1:]], ignore_index=True)
            assert index_positions(two, ids).tolist() == want
    large = pd.Index(pd.array(["b", "a"], dtype=pd.ArrowDtype(pa.large_string())))
    assert index_positions(pd.Series(["a", None, "b", "q"], dtype="str"),
                           pd.Index(large.astype("str"))).tolist() == [1, -1, 0, -1]


@pytest.mark.parametrize("span", [1 << 62, 7])
def test_repeat_counts_equal_dataframe_duplicated(span, monkeypatch):
    """repeat_counts codes the compared rows a column at a time: the same count as
    DataFrame.duplicated over the key columns (missing values equal to each other), on
    random tables with many shared timestamps, ids and empty targets and events; also
    when the combined code is made compact before every column (a span of 7)."""
    from peernet.io import tables
    from peernet.io.outofcore import REPEAT_KEY
    from peernet.io.tables import _shared_values, repeat_counts

    monkeypatch.setattr(tables, "_CODE_SPAN", span)

    for seed in range(8):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 400))
        ts = pd.to_datetime(rng.integers(0, 30, n), unit="s", utc=True)
        ids = np.array(["a", "b", "c", None], dtype=object)
        df = pd.DataFrame({
            "timestamp": ts,
            "source": pd.array(ids[rng.integers(0, 3, n)], dtype="str"),
            "kind": pd.Categorical(np.array(["message", "contact", "attend"])[
                rng.integers(0, 3, n)]),
            "target": pd.array(ids[rng.integers(0, 4, n)], dtype="str"),
            "event_id": pd.array(np.array(["e1", None], dtype=object)[rng.integers(0, 2, n)],
                                 dtype="str"),
        })
        key = list(REPEAT_KEY)
        expect = int(df.duplicated(key).sum())
        loops = int((df["source"] == df["target"]).sum())
        assert repeat_counts(df) == (loops, expect)
        assert repeat_counts(df.drop(columns="timestamp")) == (
            loops, int(df.drop(columns="timestamp").duplicated().sum()))
        values = ts.asi8
        rows, codes = _shared_values(values)
        np.testing.assert_array_equal(
            rows, np.flatnonzero(pd.Series(values).duplicated(keep=False).to_numpy()))
        # the codes tell the shared values apart: the same partition as the values
        np.testing.assert_array_equal(pd.factorize(codes)[0], pd.factorize(values[rows])[0])
        assert codes.min(initial=0) >= 0 and len(np.unique(codes)) == codes.max(initial=-1) + 1
    assert repeat_counts(pd.DataFrame({"timestamp": pd.to_datetime([], utc=True),
                                       "source": pd.array([], dtype="str")})) == (0, 0)


def test_distinct_positions_arrow_and_factorized_agree(monkeypatch):
    """peernet.positions.distinct_positions: the same sorted ids and positions from Arrow
    (text columns without a missing value) as from the factorization (object columns), on
    ids of other scripts (code point order) and several Arrow chunks."""
    import random

    from peernet.positions import distinct_positions

    rng = random.Random(3)
    alphabet = ["a", "b", "B", "é", "e", "ā", "z9", "Ω", "ab", "a b", "10", "9"]
    for _ in range(300):
        cols = [pd.Series([rng.choice(alphabet) for _ in range(rng.randint(0, 7))],
                          dtype="str") for _ in range(rng.randint(1, 3))]
        if len(cols[0]) > 1:   # two Arrow chunks
            cols[0] = pd.concat([cols[0].iloc[:1], cols[0].iloc[1:]], ignore_index=True)
        ids, pos = distinct_positions(cols)
        want_ids, want = distinct_positions([c.astype("object") for c in cols])
        assert ids.tolist() == want_ids.tolist() == sorted(set().union(*map(set, cols)))
        assert [p.tolist() for p in pos] == [w.tolist() for w in want]
        assert all(p.dtype == np.int64 for p in pos)
