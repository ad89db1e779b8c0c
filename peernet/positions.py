"""Ids as integer positions: where each row's id stands in a list of ids.

Every table keeps member ids as text; the graphs, ties and Grid indicators work on integer
positions. Two questions, asked of columns of millions of rows at 100,000 members:

- :func:`index_positions`: the position of each value in a known index of ids
  (``index.get_indexer``);
- :func:`distinct_positions`: the sorted distinct ids of several columns, and each row's
  position among them;
- :func:`key_positions`: the same of integer keys (pair keys of ties): the sorted distinct
  keys and each key's position among them, by :func:`packed_sort` (a stable sort of
  integer keys by one plain sort, also :func:`peernet.ties.stable_order`'s).

On Arrow text (the id columns peernet loads) both hash each row's string once in Arrow
(``index_in``, ``unique``), which is 2-4 times faster than pandas' factorization of the
rows; other inputs take the factorization.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._cache import cached, forget
from .schema import is_arrow_text

__all__ = ["index_positions", "distinct_positions", "key_positions", "packed_sort",
           "pair_positions", "row_codes", "factorize", "column_codes", "release_codes",
           "unique_int", "in_sorted", "stable_order", "pair_keys"]

#: The kind of :func:`column_codes`' memo keys (``("codes", table, column)``).
CODES = "codes"


def index_positions(values: pd.Series | pd.Index | np.ndarray, index: pd.Index
                    ) -> np.ndarray:
    """Position of each of ``values`` in ``index`` (int64; -1 when missing or not in it):
    ``index.get_indexer(values)`` for a unique ``index`` of ids, fast on long columns.

    Both Arrow text (peernet's id columns): pyarrow's ``index_in`` hashes each row's
    string once (0.4 CPU s for the 12.5M sources of the 100,000-member network, against
    1.5 s to factorize them and look the distinct ids up). Otherwise the rows are
    factorized (a categorical's codes are read) and only their distinct values, as text,
    are looked up.

    >>> index_positions(pd.Series(["b", None, "z", "a"], dtype="str"),
    ...                 pd.Index(["a", "b"], dtype="str")).tolist()
    [1, -1, -1, 0]
    """
    if is_arrow_text(getattr(values, "dtype", None)) and is_arrow_text(index.dtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        rows = pa.chunked_array(pa.array(values.array))  # type: ignore[union-attr]
        ids = pa.chunked_array(pa.array(index.array)).combine_chunks()
        found = pc.index_in(rows, value_set=ids if ids.type == rows.type
                            else ids.cast(rows.type))
        return pc.fill_null(found, -1).to_numpy().astype(np.int64, copy=False)
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        cat = values.array  # type: ignore[union-attr]  # a Categorical (Series or Index)
        codes, uniq = np.asarray(cat.codes), cat.categories
    else:
        codes, uniq = pd.factorize(values)
    at = np.asarray(index.get_indexer(pd.Index(uniq).astype("str")), np.int64)
    if not len(at):
        return np.full(len(codes), -1, np.int64)
    return np.where(codes >= 0, at[np.maximum(codes, 0)], -1).astype(np.int64)


def distinct_positions(columns: list) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sorted distinct ids of several id columns (an object array of str) and each row's
    position among them (int64).

    Arrow text columns without a missing value: the distinct ids by Arrow's ``unique``,
    sorted by Arrow (UTF-8 byte order is code point order: Python's order of str), each
    row's position by ``index_in`` (0.9 against 1.5 CPU s for the 5.8M direct rows of
    2025 at 100,000 members). Otherwise each column is factorized on its own and only the
    few distinct ids are merged and sorted as Python strings.

    >>> ids, (a, b) = distinct_positions([pd.Series(["b", "a"], dtype="str"),
    ...                                   pd.Series(["c", "b"], dtype="str")])
    >>> ids.tolist(), a.tolist(), b.tolist()
    (['a', 'b', 'c'], [1, 0], [2, 1])
    """
    if columns and all(is_arrow_text(getattr(c, "dtype", None)) and not c.hasnans
                       for c in columns):
        import pyarrow as pa
        import pyarrow.compute as pc

        arrs = [pa.chunked_array(pa.array(c.array)) for c in columns]
        kind = arrs[0].type
        chunks = [ch if ch.type == kind else ch.cast(kind) for a in arrs for ch in a.chunks]
        uniq = pc.unique(pa.chunked_array(chunks, kind))
        uniq = uniq.take(pc.sort_indices(uniq))
        found = [pc.index_in(a, value_set=uniq if a.type == kind else uniq.cast(a.type))
                 .to_numpy().astype(np.int64, copy=False) for a in arrs]
        return np.asarray(uniq.to_pylist(), dtype=object), found

    factors = [pd.factorize(col) for col in columns]
    if any((np.asarray(c) < 0).any() for c, _ in factors):   # missing ids: one object pass
        ids = [np.asarray(col, dtype=object) for col in columns]
        codes, uniq = pd.factorize(np.concatenate(ids))
        cut = np.r_[0, np.cumsum([len(x) for x in ids])]
    else:
        codes_u, uniq = pd.factorize(np.concatenate(
            [np.asarray(u, dtype=object) for _, u in factors]))
        shift = np.r_[0, np.cumsum([len(u) for _, u in factors])]
        codes = np.concatenate([codes_u[shift[i] + np.asarray(c, np.int64)]
                                for i, (c, _) in enumerate(factors)])
        cut = np.r_[0, np.cumsum([len(c) for c, _ in factors])]
    uniq = np.asarray(uniq, dtype=object)
    order = np.argsort(uniq, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    pos = rank[codes] if len(codes) else np.zeros(0, np.int64)
    return uniq[order], [pos[cut[i]:cut[i + 1]] for i in range(len(columns))]


def _codes(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Arrow's dictionary encoding of a text column: each row's code (int32, -1 missing;
    a view of Arrow's buffer when it has one chunk and no missing value) and the
    distinct values (an Arrow array, in order of appearance)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(pa.chunked_array(pa.array(col.array)))
    if enc.num_chunks > 1:
        enc = enc.unify_dictionaries()
    if not enc.num_chunks:
        return np.zeros(0, np.int32), pa.array([], enc.type.value_type)
    codes = [c.indices.to_numpy() if not c.null_count else
             c.indices.fill_null(-1).to_numpy() for c in enc.chunks]
    return (codes[0] if len(codes) == 1 else np.concatenate(codes)), enc.chunk(0).dictionary


def factorize(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(col)``: each row's code (-1 where missing) in order of first
    appearance, and the distinct values. An Arrow text column's by Arrow's dictionary
    encoding (int32 codes, the values as text): the same codes, about 2.4x faster than
    pandas' (0.8 against 2 CPU s for the 13M acts of 100,000 members).

    >>> codes, ids = factorize(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), ids.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if not is_arrow_text(getattr(col, "dtype", None)):
        codes, uniq = pd.factorize(col)
        return codes, pd.Index(uniq)
    codes, ids = _codes(col)
    return codes, pd.Index(ids.to_pylist(), dtype="str")


#: Arrow's dictionary encoding of a column (:func:`column_codes`): each row's code (int32,
#: -1 missing) and the distinct values (an Arrow array, in order of appearance).
Coded = tuple[np.ndarray, Any]


def column_codes(net: Any, column: str, table: str = "interactions") -> Coded | None:
    """Arrow's dictionary encoding of ``column`` of ``net``'s ``table`` (a network or a
    slice): each row's code (int32, -1 where missing; read only) and the distinct values
    (an Arrow array, in order of first appearance). Memoised on ``net`` (``("codes",
    table, column)``), so the steps that read a slice's ids as codes (its direct rows, its
    attendance, the Grid's member and event codes) encode each column once: 0.3-0.7 CPU s
    a column of 10M rows, 4 bytes a row kept until :func:`release_codes`. None when the
    column is absent or not Arrow text."""
    frame = getattr(net, table)
    if column not in frame.columns or not is_arrow_text(frame[column].dtype):
        return None
    def build() -> Coded:
        codes, ids = _codes(frame[column])
        codes.flags.writeable = False      # shared by every reader
        return codes, ids

    return cached(net, (CODES, table, column), build)


def release_codes(net: Any) -> None:
    """Let go the encodings :func:`column_codes` keeps on ``net``."""
    forget(net, kind=CODES)


def row_codes(col: pd.Series, rows: np.ndarray, *, coded: Coded | None = None
              ) -> tuple[np.ndarray, pd.Series] | None:
    """The code of each of ``rows`` of an Arrow text column (int32, -1 where missing)
    among the column's distinct values (returned, as text), without a copy of the rows'
    text (Arrow's dictionary encoding of the whole column, one int32 a row; ``coded``:
    that encoding when the caller has it, :func:`column_codes`); None when the column is
    not Arrow text."""
    if not is_arrow_text(getattr(col, "dtype", None)):
        return None
    codes, ids = _codes(col) if coded is None else coded
    return codes[rows], pd.Series(ids.to_pylist(), dtype="str")


def pair_positions(source: pd.Series, target: pd.Series, keep: np.ndarray, among: pd.Index,
                   *, coded: tuple[Coded | None, Coded | None] = (None, None)
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The rows of ``keep`` (a mask) whose two ids differ, the sorted distinct ids of
    ``among`` and of those rows' ids (as :func:`distinct_positions` gives them), and the
    rows' positions among these (int32): :func:`distinct_positions` of ``[among,
    source[rows], target[rows]]`` without a copy of the rows' text.

    Each column is dictionary encoded by Arrow once (one int32 a row, a view of Arrow's
    buffer) and the rows' codes are taken; only the few distinct ids are compared and
    sorted as text. The rows' text taken first (to drop the rows whose ids are the same
    and look the rest up) was about 40 bytes a row, held by Arrow's pool afterwards:
    0.2 GB for the 5.8M direct rows of 2025 at 100,000 members. None unless the three
    are Arrow text and the rows have both ids. ``coded``: the two columns' encodings when
    the caller has them (:func:`column_codes`)."""
    if not (is_arrow_text(getattr(source, "dtype", None))
            and is_arrow_text(getattr(target, "dtype", None))
            and is_arrow_text(getattr(among, "dtype", None)) and not among.hasnans):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = np.flatnonzero(keep)
    codes, s_ids = _codes(source) if coded[0] is None else coded[0]
    s = codes[rows]
    del codes
    codes, t_ids = _codes(target) if coded[1] is None else coded[1]
    t = codes[rows]
    del codes
    if len(rows) and (min(s.min(), t.min()) < 0):    # a missing id
        return None
    t_ids = t_ids.cast(s_ids.type)
    ids = pc.unique(pa.concat_arrays([s_ids, t_ids]))    # both columns' codes as one
    s = pc.index_in(s_ids, value_set=ids).to_numpy().astype(np.int32)[s]
    t = pc.index_in(t_ids, value_set=ids).to_numpy().astype(np.int32)[t]
    differ = s != t
    if not differ.all():
        rows, s, t = rows[differ], s[differ], t[differ]
    del differ
    used = np.zeros(len(ids), bool)
    used[s] = True
    used[t] = True
    kept = ids.filter(pa.array(used))
    nodes, (_, at) = distinct_positions([among, pd.Series(kept.to_pylist(), dtype="str")])
    where = np.full(len(ids), -1, np.int32)
    where[used] = at
    return rows, nodes, where[s], where[t]


def packed_sort(keys: np.ndarray) -> np.ndarray | None:
    """``key * len + row`` of non-negative integer ``keys``, sorted: unique values, so
    numpy's (SIMD) plain sort orders them as a stable sort of the keys would, about 8x
    faster than the stable argsort. ``% len`` gives each place's row (the stable order),
    ``// len`` its key. None for negative or non-integer keys, or a product that could
    overflow int64 (then sort by numpy's stable argsort or ``np.unique``)."""
    keys = np.asarray(keys)
    r = len(keys)
    if not r or keys.dtype.kind not in "iu" or keys.min() < 0 \
            or int(keys.max()) >= (1 << 62) // r:
        return None
    out = keys.astype(np.int64, copy=False) * r     # one new array, added to, sorted in place
    out += np.arange(r, dtype=np.int64)
    out.sort()
    return out


def key_positions(keys: np.ndarray, *, first: bool = False
                  ) -> tuple[np.ndarray, ...]:
    """``np.unique(keys, return_inverse=True)`` of int64 ``keys``: the sorted distinct keys
    and the position of each key among them (int64); with ``first``, also the row of each
    distinct key's first occurrence (``return_index=True``).

    One :func:`packed_sort` instead of ``np.unique``'s argsort: about 4x faster on millions
    of tie keys; ``np.unique`` where it cannot be packed.

    >>> [a.tolist() for a in key_positions(np.array([7, 3, 7, 0]), first=True)]
    [[0, 3, 7], [2, 1, 2, 0], [3, 1, 0]]
    """
    packed = packed_sort(keys)
    if packed is None:
        uniq, index, inverse = np.unique(keys, return_index=True, return_inverse=True)
        out = (uniq, np.asarray(inverse, np.int64).ravel(), np.asarray(index, np.int64))
        return out if first else out[:2]
    r = len(packed)
    rows = packed % r
    packed //= r                       # the keys, sorted
    new = np.empty(r, bool)
    new[0] = True
    np.not_equal(packed[1:], packed[:-1], out=new[1:])
    inverse = np.empty(r, np.int64)
    rank = np.cumsum(new)
    rank -= 1
    inverse[rows] = rank
    return (packed[new], inverse, rows[new]) if first else (packed[new], inverse)


def unique_int(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, by sorting.

    numpy 2.4's ``np.unique`` hashes integers when no inverse is asked for, which is about
    20-100x slower than a sort on hundreds of thousands of int64 keys.
    """
    keys = np.sort(np.asarray(keys).ravel())
    if len(keys) < 2:
        return keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


def in_sorted(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_values)`` for sorted distinct ``sorted_values`` (as
    :func:`unique_int` gives), by binary search: no sort or hash of either."""
    if not len(sorted_values):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return np.asarray(sorted_values[at] == values)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative int64 keys, by one plain sort
    (:func:`peernet.positions.packed_sort`); the stable argsort when they cannot be
    packed."""
    packed = packed_sort(keys)
    return np.argsort(keys, kind="stable") if packed is None else packed % len(packed)


def pair_keys(a: np.ndarray, b: np.ndarray, n: int, out: np.ndarray | None = None
              ) -> np.ndarray:
    """Unordered pair keys ``min(a, b) * n + max(a, b)`` (int64) of positions ``< n``,
    written into ``out`` (int64, ``len(a)``) when given: one temporary array."""
    if out is None:
        out = np.empty(np.shape(a), np.int64)
    np.minimum(a, b, out=out)
    out *= n
    out += np.maximum(a, b)
    return out
