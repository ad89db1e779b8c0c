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
        pattern of 128k ids takes seconds to compile)."""
        if self._prepared:
            return
        self._prepared = True
        self.lookup = {w.lower(): v for w, v in self.replacements.items()
                       if len(w) >= max(self.min_length, 1)}
        self._by_token: dict[str, list[str]] = {}
        self._always: list[str] = []  # words that do not start with a word character
        for w in self.lookup:
            m = _TOKEN.match(w)
            if m is None:
                self._always.append(w)
            else:
                self._by_token.setdefault(m.group(0), []).append(w)

    def _pattern_for(self, texts: Iterable[str]) -> re.Pattern | None:
        """The pattern of the words a match in ``texts`` may start with: those whose first
        token is a token of the texts. With few first tokens (:data:`FEW_TOKENS`), those
        found anywhere in the texts instead (a substring search each, where splitting a
        10 MB page into its words took a second): a superset, with the same matches, as
        a word whose first token is not a whole token of a text never matches there."""
        self._prepare()
        words = set(self._always)
        if len(self._by_token) <= FEW_TOKENS:
            text = "\n".join(t.lower() for t in texts)
            for t, found in self._by_token.items():
                if t in text:
                    words.update(found)
        else:
            tokens = {t for text in texts for t in _TOKEN.findall(text.lower())}
            for t in tokens:
                words.update(self._by_token.get(t, ()))
        return _whole_words(tuple(sorted(words))) if words else None

    def text(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return self.subn(value)[0]

    def subn(self, text: str) -> tuple[str, int]:
        """``text`` with every word replaced, and the number of replacements."""
        pattern = self._pattern_for([text])
        if pattern is None:
            return text, 0
        return pattern.subn(lambda m: self.lookup.get(m.group(0).lower(), REDACTED), text)

    def series(self, s: pd.Series) -> pd.Series:
        if len(s) == 0 or s.notna().sum() == 0:
            return s
        distinct = pd.unique(s.dropna())
        pattern = self._pattern_for([v for v in distinct if isinstance(v, str)])
        if pattern is None:
            return s

        def one(v: Any) -> Any:
            if not isinstance(v, str):
                return v
            return pattern.sub(lambda m: self.lookup.get(m.group(0).lower(), REDACTED), v)

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
