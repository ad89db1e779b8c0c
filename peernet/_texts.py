"""Text helpers of :mod:`peernet.schema`'s validation, kept beside it: dictionary-coded
text columns cleaned on their distinct values, and the look-alike form of member ids."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["is_text_dictionary", "clean_dictionary", "lookalike_key", "is_ascii"]


def is_text_dictionary(dtype: object) -> bool:
    """``dtype`` is Arrow dictionary-encoded text (``pd.ArrowDtype(pa.dictionary(...,
    pa.string()))``), as :func:`peernet.load` reads a Parquet id column with few distinct
    values."""
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    t = dtype.pyarrow_dtype
    return bool(pa.types.is_dictionary(t) and (pa.types.is_string(t.value_type)
                                               or pa.types.is_large_string(t.value_type)))


def clean_dictionary(s: pd.Series, *, trim: bool) -> tuple[pd.Series, np.ndarray | None]:
    """:func:`peernet.schema.coerce_table`'s cleaning of a dictionary-encoded text column:
    each chunk's distinct values are cleaned once (trimmed and an empty one missing when
    ``trim``, NUL characters removed) and the rows take them through their codes, giving
    the same ``str`` column (Arrow ``large_string``) as cleaning every row (a 10M-row id
    column holds 100,000 distinct ids)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks, masks, any_nul = [], [], False
    for chunk in s.array._pa_array.chunks:
        values = chunk.dictionary.cast(pa.large_string())
        if trim:
            values = pc.utf8_trim_whitespace(values)
            values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.large_string()),
                                values)
        nul = pc.fill_null(pc.match_substring(values, "\x00"), False)
        if pc.any(nul).as_py():
            any_nul = True
            values = pc.replace_substring(values, "\x00", "")
        masks.append(nul)
        chunks.append(values.take(chunk.indices))
    out = pa.chunked_array(chunks, pa.large_string()).to_pandas()
    out.index = s.index
    if not any_nul:
        return out, None
    rows = [pc.fill_null(m.take(c.indices), False).to_numpy(zero_copy_only=False)
            for m, c in zip(masks, s.array._pa_array.chunks, strict=True)]
    return out, np.concatenate(rows).astype(bool) if rows else np.zeros(0, bool)


_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
#: Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the common ones).
_LOOKALIKE = str.maketrans("аеорсухіјѕԁӏԛԝАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧο",
                           "aeopcyxijsdlqwABEKMHOPCTXIJSABEZHIKMNOPTYXo")


def lookalike_key(values: pd.Series) -> pd.Series:
    """The form two ids share when they differ only by case, width (full-width letters),
    invisible marks (zero-width, right-to-left) or look-alike letters (Cyrillic ``а``).

    An ASCII id is its own NFKC form, holds no invisible mark nor look-alike letter, and
    casefolds to its lower case: only the other ids take the Python steps (1.4 s for a
    roster of 100,000 ids)."""
    text = values.astype("str")
    key = text.str.lower()
    other = ~is_ascii(text)
    if other.any():
        rest = text[other].str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True)
        key[other] = rest.map(lambda v: v.translate(_LOOKALIKE) if isinstance(v, str) else v
                              ).str.casefold()
    return key.str.strip()


def is_ascii(text: pd.Series) -> np.ndarray:
    """Which cells of a text column are ASCII (missing ones count as ASCII)."""
    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.string_is_ascii(pa.chunked_array(pa.array(text.array)))
        return np.asarray(pc.fill_null(found, True).to_numpy(zero_copy_only=False), bool)
    return text.map(lambda v: not isinstance(v, str) or v.isascii()).to_numpy(dtype=bool)
