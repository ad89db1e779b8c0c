"""Whole-word replacement of many strings in text: the scrubbers' engine.

:class:`Scrubber` replaces every listed string (roster names, emails, ids: tens of thousands
of them on a large network) where it occurs as a whole word, ignoring case. Each text is
searched with a pattern of only the strings whose first word token it contains, built as a
trie (:func:`words_pattern`): the same result as one alternation of every string, longest
first, without compiling one (which takes seconds with 100k strings).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Scrubber", "words_pattern", "kept_strings", "add_distinct", "REDACTED"]

#: What a removed string is shown as (when the replacements do not say).
REDACTED = "[removed]"
#: Up to this many distinct first tokens, a text's candidates are found by substring search.
FEW_TOKENS = 64


def words_pattern(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` as a trie: the same matches as ``"|".join(words)``
    sorted longest first, but compiled and matched fast with many thousands of words (a flat
    alternation of 10,000 roster names takes seconds to compile)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


class Scrubber:
    """Replaces roster names, emails and ids inside free text with pseudonyms or a mask."""

    def __init__(self, replacements: Mapping[str, str], *, min_length: int = 3):
        self.replacements = replacements
        self.min_length = min_length  # shorter strings would match ordinary words
        self._prepared = False

    def _prepare(self) -> None:
        """Index the words by their first word token, once: a text can only contain a word
        whose first token it contains (matches are whole words), so each text is searched
        with a small pattern of its candidates, not one of every roster string (a flat
        pattern of 128k ids takes seconds to compile).

        The ASCII words (the ids of a large network: a million or more) are lowered and
        cut to their first token by Arrow, and a text's candidates found among them by
        ``is_in``; the others (names in other scripts) are indexed in Python, with Python's
        ``str.lower`` and ``\\w``. Nothing is made a Python string until it is a candidate
        (indexing 1.28M ids in Python took 1.3 s at 100,000 members, for a report whose
        quality table held four file names)."""
        if self._prepared:
            return
        self._prepared = True
        import pyarrow as pa
        import pyarrow.compute as pc

        self._keys = list(self.replacements)
        self._values = list(self.replacements.values())
        shortest = max(self.min_length, 1)
        self._low: Any = None            # the ASCII words lowered (Arrow), by position
        self._first: Any = None          # their first tokens (null: none, or not indexed)
        self._by_token: dict[str, list[int]] = {}   # the other words' positions by token
        self._lowered: dict[int, str] = {}          # ... and their lowered forms
        always: list[int] = []           # words that do not start with a word character
        python: Iterable[int] = range(len(self._keys))
        try:
            arr = pa.array(self._keys, pa.large_string())
        except (pa.ArrowException, UnicodeError):   # a string Arrow cannot hold: Python
            arr = None
        if arr is not None and len(arr):
            is_ascii = pc.string_is_ascii(arr)
            indexed = pc.and_(is_ascii, pc.greater_equal(pc.utf8_length(arr), shortest))
            self._low = pc.ascii_lower(arr)
            first = pc.struct_field(pc.extract_regex(self._low, r"^(?P<t>[0-9a-z_]+)"), [0])
            self._first = pc.if_else(indexed, first, pa.scalar(None, pa.large_string()))
            no_token = pc.and_(indexed, pc.is_null(first))
            always.extend(np.flatnonzero(no_token.to_numpy(zero_copy_only=False)).tolist())
            python = np.flatnonzero(~is_ascii.to_numpy(zero_copy_only=False)).tolist()
        for i in python:
            w = self._keys[i]
            if len(w) < shortest:
                continue
            low = self._lowered[i] = w.lower()
            m = _TOKEN.match(low)
            if m is None:
                always.append(i)
            else:
                self._by_token.setdefault(m.group(0), []).append(i)
        self._always = np.asarray(always, dtype=np.int64)
        self._tokens = (set(self._by_token) | ({t for t in pc.unique(self._first).to_pylist()
                                                  if t is not None}
                                                 if self._first is not None else set()))

    def _pattern_for(self, texts: Iterable[str]
                     ) -> tuple[re.Pattern | None, dict[str, str]]:
        """The pattern of the words a match in ``texts`` may start with: those whose first
        token is a token of the texts. With few first tokens (:data:`FEW_TOKENS`), those
        found anywhere in the texts instead (a substring search each, where splitting a
        10 MB page into its words took a second): a superset, with the same matches, as
        a word whose first token is not a whole token of a text never matches there.
        Returns the pattern and the candidates' replacements (lowered word -> label; of
        words equal once lowered, the later one's, as in a dict of every word)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self._prepare()
        if len(self._tokens) <= FEW_TOKENS:
            text = "\n".join(t.lower() for t in texts)
            tokens = {t for t in self._tokens if t in text}
        else:
            tokens = {t for text in texts for t in _TOKEN.findall(text.lower())}
        parts = [self._always]
        if tokens and self._first is not None:
            hit = pc.is_in(self._first, value_set=pa.array(sorted(tokens), pa.large_string()))
            parts.append(np.flatnonzero(hit.to_numpy(zero_copy_only=False)))
        parts.extend(np.asarray(self._by_token[t], dtype=np.int64)
                     for t in tokens if t in self._by_token)
        found = np.unique(np.concatenate(parts)) if len(parts) > 1 else self._always
        if not len(found):
            return None, {}
        low = (self._low.take(pa.array(found)).to_pylist() if self._low is not None
               else [None] * len(found))
        python = self._lowered   # the words indexed in Python: lowered by Python
        lookup = {python.get(i, w): self._values[i]
                  for i, w in zip(found.tolist(), low, strict=True)}
        return _whole_words(tuple(sorted(lookup))), lookup

    def text(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return self.subn(value)[0]

    def subn(self, text: str) -> tuple[str, int]:
        """``text`` with every word replaced, and the number of replacements."""
        pattern, lookup = self._pattern_for([text])
        if pattern is None:
            return text, 0
        return pattern.subn(lambda m: lookup.get(m.group(0).lower(), REDACTED), text)

    def series(self, s: pd.Series) -> pd.Series:
        if len(s) == 0 or s.notna().sum() == 0:
            return s
        distinct = pd.unique(s.dropna())
        pattern, lookup = self._pattern_for([v for v in distinct if isinstance(v, str)])
        if pattern is None:
            return s

        def one(v: Any) -> Any:
            if not isinstance(v, str):
                return v
            return pattern.sub(lambda m: lookup.get(m.group(0).lower(), REDACTED), v)

        return s.map({v: one(v) for v in distinct}).where(s.notna(), s)


_TOKEN = re.compile(r"\w+")


def _whole_words(words: tuple[str, ...]) -> re.Pattern:
    # whole words only: the id "ana" is not replaced inside "analysis"
    return re.compile(r"(?<!\w)(?:" + words_pattern(words) + r")(?!\w)", re.IGNORECASE)


#: What ``str.strip()`` removes from an ASCII string.
_ASCII_BLANKS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def kept_strings(out: dict[str, str], min_length: int, vocabulary: set[str]) -> dict[str, str]:
    """``{k.strip(): v for k, v in out.items() if len(k.strip()) >= min_length and
    k.strip().lower() not in vocabulary}``: the ASCII keys (ids, the millions of a large
    network) trimmed, measured and compared by Arrow, the others in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = list(out)
    try:
        arr = pa.array(keys, pa.large_string())
    except (pa.ArrowException, UnicodeError):   # a string Arrow cannot hold: in Python
        return {k.strip(): v for k, v in out.items()
                if len(k.strip()) >= min_length and k.strip().lower() not in vocabulary}
    ascii_ = pc.string_is_ascii(arr)
    stripped = pc.ascii_trim(arr, characters=_ASCII_BLANKS)
    words = pa.array(sorted(w for w in vocabulary if w.isascii()), pa.large_string())
    keep = pc.and_(pc.greater_equal(pc.utf8_length(stripped), min_length),
                   pc.invert(pc.is_in(pc.ascii_lower(stripped), value_set=words)))
    names = stripped.to_pylist()
    ok = keep.to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False)):
        k = keys[i].strip()
        names[i] = k
        ok[i] = len(k) >= min_length and k.lower() not in vocabulary
    return dict(zip(itertools.compress(names, ok), itertools.compress(out.values(), ok),
                    strict=True))


def add_distinct(out: dict[str, str], columns: list[pd.Series]) -> None:
    """``out.setdefault(k, REDACTED)`` for every distinct non-missing value of
    ``columns`` as a string, in order of first appearance: the values made distinct by
    Arrow across every column at once (the ids of a large network are millions, and the
    thread and message ids of an export often the same ones) and only the new ones made
    Python strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks: list[pa.Array] = []
    for values in columns:
        text = pa.array(values.dropna().astype("str").array)
        for chunk in (text.chunks if isinstance(text, pa.ChunkedArray) else [text]):
            chunks.append(chunk.cast(pa.large_string()))
    if not chunks:
        return
    distinct = pc.unique(pa.chunked_array(chunks, pa.large_string()))
    if out:
        known = pa.array(list(out), pa.large_string())
        distinct = pc.filter(distinct, pc.invert(pc.is_in(distinct, value_set=known)))
    out.update(dict.fromkeys(distinct.to_pylist(), REDACTED))
