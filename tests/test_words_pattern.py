"""privacy.words_pattern: the trie alternation the scrubbers use matches as the flat one."""

import random
import re

import pytest

from peernet.scrubbing import words_pattern


def _flat(words):
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def test_trie_matches_as_the_flat_alternation_longest_first():
    rng = random.Random(7)
    alphabet = "abcAB .-'é"
    for _ in range(300):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(3, 7)))
                 for _ in range(rng.randint(1, 12))}
        text = "".join(rng.choice(alphabet + "xyz") for _ in range(80))
        for flags in (0, re.IGNORECASE):
            trie = re.compile(r"(?<!\w)(?:" + words_pattern(sorted(words)) + r")(?!\w)", flags)
            flat = re.compile(r"(?<!\w)(?:" + _flat(words) + r")(?!\w)", flags)
            assert [m.span() for m in trie.finditer(text)] == \
                [m.span() for m in flat.finditer(text)], (words, text)


def test_trie_of_a_known_case():
    p = re.compile(r"(?<!\w)(?:" + words_pattern(["Ana", "Ana Ruiz", "Anabel"]) + r")(?!\w)")
    assert p.findall("Ana Ruiz met Anabel and Ana; analysis") == ["Ana Ruiz", "Anabel", "Ana"]


@pytest.mark.parametrize("few", [0, 64])
def test_scrubber_replaces_as_one_flat_pattern_of_every_word(few, monkeypatch):
    # the scrubber searches each text with the words whose first token it holds (few=0), or,
    # with few first tokens, those found anywhere in it (a superset: "ana" in "anabel",
    # "bo" in "bob"): the same replacements as one pattern of every word
    import pandas as pd

    from peernet import scrubbing
    from peernet.scrubbing import REDACTED, Scrubber

    monkeypatch.setattr(scrubbing, "FEW_TOKENS", few)

    rng = random.Random(11)
    # ASCII words (indexed by Arrow) and others (in Python), some equal once lowered: the
    # Kelvin sign's "\u212aim" and "kim", "İz" (its lower case is two characters)
    tokens = ["ana", "Ruiz", "bo", "p-12", "x.y", "Zed", "quinn", "'q", "é1", "\u212aim",
              "kim", "KIM", "İz", "ÉLAN", "ana josé"]
    for _ in range(200):
        words = {" ".join(rng.choice(tokens) for _ in range(rng.randint(1, 3)))
                 for _ in range(rng.randint(1, 8))}
        repl = {w: f"<{i}>" for i, w in enumerate(sorted(words))}
        vocab = tokens + ["and", ",", "ANA", "anabel", "bob", "zedp-12"]
        texts = [" ".join(rng.choice(vocab) for _ in range(12)).replace(" ", "",
                                                                       rng.randint(0, 2))
                 for _ in range(4)]
        keep = {w.lower(): v for w, v in repl.items() if len(w) >= 3}
        if keep:
            flat = re.compile(r"(?<!\w)(?:" + _flat(keep) + r")(?!\w)", re.IGNORECASE)
            def label(m, keep=keep):
                return keep.get(m.group(0).lower(), REDACTED)
            want = [flat.sub(label, t) for t in texts]
        else:
            want = texts
        sc = Scrubber(repl)
        assert [sc.text(t) for t in texts] == want, (repl, texts)
        got = sc.series(pd.Series(texts + [None, 3.0], dtype="object"))
        assert got.iloc[:4].tolist() == want and got.iloc[5] == 3.0 and got.iloc[4] is None


def test_scrubber_with_a_string_arrow_cannot_hold():
    # a lone surrogate (a file read with errors="surrogateescape") cannot be an Arrow string:
    # every word is then indexed in Python, with the same replacements
    from peernet.scrubbing import Scrubber

    sc = Scrubber({"abd\udcffc": "<x>", "ana": "<y>", "Bob Ray": "<z>", "no": "<short>"})
    assert sc.text("ana abd\udcffc and bob ray, ANA; no") == "<y> <x> and <z>, <y>; no"
    assert Scrubber({}).text("nothing here") == "nothing here"
