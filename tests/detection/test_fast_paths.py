"""The fast paths find exactly what the plain regular expressions they replace find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sigap.detection import entities
from sigap.detection.prefilter import WordIndex, trie_regex

# Text built from the words themselves, their pieces, digits, punctuation and other scripts.
WORDS = ["korea selatan", "ke", "di", "dari", "negara", "bahasa", "pt", "ud", "cv"]
OTHER = ["a", "_", "1", "٣", "5٣", "٣5", ".", ",", "-", "/", " ", "  ", "\n", "\t", "é", "ı", "😀", "\u200b"]
MONEY = ["rp", "idr", "rp.", "juta", "jt", "ribu", "rb", "m", "1.000", "2,5", "18.000.000", "12", "0812"]
PIECES = st.sampled_from([*entities.COUNTRY_NAMES, *WORDS, *OTHER, *MONEY])
TEXTS = st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=200)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_word_index_finds_what_the_trie_regex_finds(text: str) -> None:
    words = frozenset(entities.COUNTRY_NAMES)
    expected = [(m.start(), m.group(1)) for m in re.finditer(r"\b(" + trie_regex(words) + r")\b", text)]
    assert WordIndex(words).find(text) == expected


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_money_candidates_are_the_regex_matches(text: str) -> None:
    expected = [m.span() for m in entities.MONEY_RE.finditer(text)]
    assert [m.span() for m in entities._money_matches(text)] == expected


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_place_check_is_the_whole_prefix_search(text: str) -> None:
    for start in range(len(text) + 1):
        expected = re.search(r"\b(?:ke|di|dari|negara|asal)\s+$", text[:start]) is not None
        assert entities._named_as_place(text, start) == expected
