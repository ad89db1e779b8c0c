"""pn.load(path, engine="duckdb"): interactions as a Parquet dataset, validated out of core
(issue 23, "Larger than memory"). The network, and every number of an evaluation, are the
in-memory engine's."""

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.errors import DataError
from peernet.io import outofcore

pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[2]
RIVERBEND = ROOT / "data" / "samples" / "riverbend"


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _partition(inter: pd.DataFrame, folder: Path, key: pd.Series, parts: int = 2) -> None:
    """Write ``inter`` as a hive-partitioned dataset: ``year=Y/part-K.parquet``."""
    for value, rows in inter.groupby(key, sort=True):
        d = folder / "interactions" / f"year={value}"
        d.mkdir(parents=True)
        for k in range(parts):
            rows.iloc[k::parts].to_parquet(d / f"part-{k}.parquet", index=False)


@pytest.fixture(scope="module")
def riverbend_dataset(tmp_path_factory):
    """riverbend with its interactions as a hive-partitioned Parquet dataset (text columns,
    as in the CSV: the bad date and the unknown member id of the sample included)."""
    folder = tmp_path_factory.mktemp("rb") / "riverbend"
    shutil.copytree(RIVERBEND, folder,
                    ignore=shutil.ignore_patterns("interactions.csv", "exports"))
    inter = pd.read_csv(RIVERBEND / "interactions.csv", dtype=str, keep_default_na=False,
                        na_values=[""])
    _partition(inter, folder, inter["timestamp"].str[:4].where(
        inter["timestamp"].str[:4].str.isdigit(), "unknown"))
    return folder


@pytest.fixture(scope="module")
def riverbend_pair(riverbend_dataset):
    small = outofcore.BATCH_ROWS
    outofcore.BATCH_ROWS = 700          # many batches per part: the batch seams are tested
    try:
        ooc = _quiet(pn.load, riverbend_dataset, engine="duckdb", memory_limit="256MB")
    finally:
        outofcore.BATCH_ROWS = small
    return ooc, _quiet(pn.load, riverbend_dataset)


def _same_network(a, b):
    """The same tables (the out-of-core interactions hold member ids as categoricals over
    the roster: the same values), quality counts and issues."""
    for table in ("members", "events", "problems", "surveys"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    inter = a.interactions
    ids = [c for c in ("source", "target") if c in inter.columns]
    for col in ids:
        assert list(inter[col].cat.categories) == sorted(a.members["member_id"])
    # event and thread ids as categoricals over their own sorted values
    coded = [c for c in outofcore.CODED if c in inter.columns]
    for col in coded:
        assert list(inter[col].cat.categories) == sorted(b.interactions[col].dropna().unique())
    decoded = inter.assign(**{c: inter[c].astype("str") for c in [*ids, *coded]})
    # in time order (stable): every period's rows are one run of the table
    in_order = b.interactions.sort_values("timestamp", kind="stable").reset_index(drop=True)
    _same_table(decoded, in_order)
    pd.testing.assert_frame_equal(a.quality.counts, b.quality.counts)
    key = ["source", "row", "column", "problem"]
    ia = a.quality.issues.sort_values(key).reset_index(drop=True)
    ib = b.quality.issues.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(ia, ib)


def _same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """``pd.testing.assert_frame_equal(a, b)``, categorical columns compared by their
    categories and codes: pandas compares a categorical over Arrow strings value by value
    in Python (two minutes for the 10k folder's 1M interactions)."""
    assert list(a.columns) == list(b.columns)
    cats = [c for c in a.columns if isinstance(a[c].dtype, pd.CategoricalDtype)]
    for c in cats:
        assert a[c].dtype == b[c].dtype, c
        pd.testing.assert_index_equal(a[c].cat.categories, b[c].cat.categories)  # in order
        np.testing.assert_array_equal(a[c].cat.codes.to_numpy(), b[c].cat.codes.to_numpy())
    pd.testing.assert_frame_equal(a.drop(columns=cats), b.drop(columns=cats))


def _same_evaluation(a, b):
    """``a``'s evaluation (2024, 2025, no intervals) holds ``b``'s numbers: ``b`` a network
    (evaluated the same way) or such an evaluation's frames."""
    ea = pn.evaluate(a, periods=["2024", "2025"], bootstrap=0)
    eb = pn.evaluate(b, periods=["2024", "2025"], bootstrap=0) \
        if isinstance(b, pn.PeerNetwork) else b
    for period in ("2024", "2025"):
        pd.testing.assert_frame_equal(ea.scores[period].indicators,
                                      eb.scores[period].indicators)
        pd.testing.assert_frame_equal(ea.scores[period].layers, eb.scores[period].layers)
    for table in ("network", "members", "annual", "participation", "groups", "followup"):
        pd.testing.assert_frame_equal(getattr(ea, table), getattr(eb, table))
    return ea


def test_riverbend_dataset_loads_as_with_pandas(riverbend_pair):
    ooc, mem = riverbend_pair
    _same_network(ooc, mem)
    # the sample's bad date and unknown id are found in their part files, not the stack
    issues = ooc.quality.issues
    bad = issues[issues["problem"].str.startswith("cannot read as a date")]
    assert bad["source"].iloc[0].startswith("interactions/year=unknown/part-")
    added = issues[issues["action"] == "added"]
    assert added["source"].str.match(r"interactions/year=\d{4}/part-\d\.parquet").all()


def test_riverbend_evaluation_same_numbers(riverbend_pair):
    ooc, mem = riverbend_pair
    ev = _same_evaluation(ooc, mem)
    assert ev.periods == ("2024", "2025")


def test_synthetic_folder_same_evaluation(tmp_path, bench):
    tables = bench.synthetic(400, 20_000, seed=3)
    inter = tables.pop("interactions")
    loop = inter.loc[[10]].assign(target=inter.at[10, "source"])     # a self-loop
    inter = pd.concat([inter, inter.iloc[[3, 5, 5]], loop], ignore_index=True)  # 3 repeats
    folder = tmp_path / "syn"
    bench.write_folder(tables, folder)
    _partition(inter, folder, inter["timestamp"].dt.year, parts=3)
    ooc = _quiet(pn.load, folder, engine="duckdb")
    mem = _quiet(pn.load, folder)
    assert len(ooc.interactions) == len(inter)
    _same_network(ooc, mem)   # the notes of repeats and self-loops included (counted in SQL)
    notes = ooc.quality.issues["problem"]
    assert notes.str.startswith("3 row(s) repeat an earlier row exactly").any()
    assert notes.str.startswith("1 row(s) whose target is their source").any()
    _same_evaluation(ooc, mem)


def _folder_with(tmp_path, inter: pd.DataFrame) -> Path:
    net = pn.load_sample("davis")
    folder = tmp_path / "net"
    pn.save(net, folder)
    (folder / "interactions.parquet").unlink()
    _partition(inter, folder, pd.Series("all", index=inter.index), parts=2)
    return folder


def _raised(tmp_path, column: str, row: int, value: str) -> tuple[Path, DataError]:
    """davis's interactions (two parts: even and odd rows) with one bad value, and the
    DataError of ``pn.load(engine="duckdb", errors="raise")``."""
    inter = pn.load_sample("davis").interactions.copy()
    inter[column] = inter[column].astype("str").astype("object")
    inter.loc[row, column] = value
    folder = _folder_with(tmp_path, inter)
    with pytest.raises(DataError) as err:
        pn.load(folder, engine="duckdb", errors="raise")
    return folder, err.value


def test_unknown_member_raises_naming_part_row_and_column(tmp_path):
    folder, e = _raised(tmp_path, "source", 5, "nobody")   # part-1 holds rows 1, 3, 5
    assert (e.file, e.row, e.column) == ("interactions/year=all/part-1.parquet", 4, "source")
    assert "not on the roster" in str(e)
    # reported (the default): added as an unmatched guest, as pn.load does
    net = _quiet(pn.load, folder, engine="duckdb")
    assert net.members.set_index("member_id").loc["nobody", "unmatched"]
    _same_network(net, _quiet(pn.load, folder))


def test_bad_date_raises_naming_part_and_row(tmp_path):
    _, e = _raised(tmp_path, "timestamp", 2, "not a date")   # part-0 holds rows 0, 2
    assert (e.file, e.row, e.column) == ("interactions/year=all/part-0.parquet", 3, "timestamp")
    assert "cannot read as a date" in str(e)


def test_missing_column_in_one_part_raises(tmp_path):
    inter = pn.load_sample("davis").interactions.copy()
    folder = _folder_with(tmp_path, inter)
    part = folder / "interactions" / "year=all" / "part-1.parquet"
    pd.read_parquet(part).drop(columns=["kind"]).to_parquet(part, index=False)
    with pytest.raises(DataError) as err:
        pn.load(folder, engine="duckdb")
    assert err.value.file == "interactions/year=all/part-1.parquet"
    assert "kind" in str(err.value)


def test_engine_needs_parquet_and_a_known_name(tmp_path):
    with pytest.raises(DataError, match="Parquet"):
        pn.load(RIVERBEND, engine="duckdb")
    with pytest.raises(ValueError, match="engine"):
        pn.load(RIVERBEND, engine="spark")


def test_temporary_files_are_removed(riverbend_dataset, tmp_path):
    _quiet(pn.load, riverbend_dataset, engine="duckdb", temp_directory=tmp_path / "t")
    assert list((tmp_path / "t").iterdir()) == []


def test_import_peernet_does_not_import_duckdb():
    code = "import sys, peernet; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_10k_folder_gives_the_in_memory_numbers(bench10k):
    """Issue 23: the out-of-core path gives the in-memory numbers on the benchmark's 10,000
    members / 1M interactions folder (interactions partitioned by year, three parts each;
    the in-memory evaluation made once, ``bench10k`` in tests/conftest.py)."""
    folder, want = bench10k
    ooc = _quiet(pn.load, folder, engine="duckdb")
    _same_network(ooc, _quiet(pn.load, folder))
    ev = _same_evaluation(ooc, want)
    assert ev.annual.set_index("period").at["2025", "members_active"] > 5_000


def test_temporary_files_are_removed_when_another_table_fails(riverbend_dataset, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(riverbend_dataset, folder)
    # a date pandas cannot hold: refused after the interactions were validated, before
    # the tables are built
    (folder / "problems.csv").write_text("problem_id,raised_by,raised_at\np1,m001,3000-01-01\n")
    with pytest.raises(DataError, match="outside the dates pandas can hold"):
        pn.load(folder, engine="duckdb", temp_directory=tmp_path / "t")
    import gc

    gc.collect()
    assert list((tmp_path / "t").iterdir()) == []


def test_member_codes_of_categorical_ids():
    """The Grid codes a categorical id column (the out-of-core source and target) through
    its categories: the codes of the same ids as strings (by hand: a, b, c are 0, 1, 2)."""
    from peernet.grid.context import member_codes

    ids = pd.Series(["a", "b", "c"], dtype="str")
    values = pd.Series(["c", "x", None, "a", "b", "c"], dtype="str")
    want = [2, -1, -1, 0, 1, 2]
    assert member_codes(ids, values).tolist() == want
    assert member_codes(ids, values.astype("category")).tolist() == want
    assert member_codes(ids, values.astype("category").iloc[:0]).tolist() == []
    empty = pd.Series([None, None], dtype="str").astype("category")
    assert member_codes(ids, empty).tolist() == [-1, -1]


def test_integer_columns_are_file_pages_read_only(riverbend_pair):
    """The out-of-core table's times and id codes live in files' pages (reclaimable under a
    memory limit), read-only, and a period's slice shares them."""
    from tests.test_memory import _mapped

    ooc, mem = riverbend_pair
    df = ooc.interactions
    arrays = {"timestamp": df["timestamp"].array._ndarray,
              **{c: df[c].array.codes for c in ("source", "target", "event_id", "thread_id")}}
    for name, a in arrays.items():
        assert _mapped(a), name
        assert not a.flags.writeable, name
    y = ooc.period("2025").interactions
    assert _mapped(y["source"].array.codes) and _mapped(y["timestamp"].array._ndarray)
    assert str(df["timestamp"].dtype) == "datetime64[ns, UTC]"
    pd.testing.assert_series_equal(df["timestamp"].reset_index(drop=True),
                                   mem.interactions["timestamp"].sort_values(kind="stable")
                                   .reset_index(drop=True), check_names=False)


def test_tie_tables_of_file_pages_are_file_pages(riverbend_dataset, monkeypatch):
    """A period's tie tables, direct rows, weighted CSR and the Grid's values a row of an
    out-of-core table are held in files' pages too (every size here), read-only, with the
    in-memory engine's numbers."""
    from peernet import _memory, ties
    from peernet._cache import memo
    from peernet.grid.context import Context
    from peernet.metrics.arrays import arrays_from_net
    from tests.test_memory import _mapped

    monkeypatch.setattr(_memory, "PAGED_BYTES", 0)
    ooc, mem = (_quiet(pn.load, riverbend_dataset, engine=e) for e in ("duckdb", "pandas"))
    y = ooc.period("2025")
    t = ties.person_ties(y)
    for col in ("u", "v", "count", "weight", "first", "last", "kinds"):
        a = getattr(t, col)
        assert _mapped(a) and not a.flags.writeable, col
    rows = next(v for k, v in memo(y).items() if k[0] == "direct_rows")   # kept on the slice
    assert all(_mapped(rows[c]) for c in ("s", "t", "time", "kind_bits"))
    w = arrays_from_net(y).w                                 # the weighted graph's CSR
    assert _mapped(w.data) and _mapped(w.indices) and not w.data.flags.writeable
    assert not _mapped(ties.person_ties(mem.period("2025")).u)
    ctx = Context(ooc.period("2025"))                  # the Grid's values a row too
    for col in ("src", "tgt", "ts_ns", "inter_month"):
        assert _mapped(getattr(ctx, col)), col
    assert not _mapped(Context(mem.period("2025")).src)
    _same_evaluation(ooc, mem)


def test_utc_times_is_the_arrow_conversion():
    import numpy as np
    import pyarrow as pa

    ns = np.array([0, 1_700_000_000_123_456_789, -86_400_000_000_000], np.int64)
    got = outofcore.utc_times(ns)
    want = pa.table({"timestamp": pa.array(ns.view("datetime64[ns]"),
                                           pa.timestamp("ns", tz="UTC"))}).to_pandas()
    pd.testing.assert_series_equal(got, want["timestamp"])
    assert np.shares_memory(got.array._ndarray, ns)
