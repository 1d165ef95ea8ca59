"""The fast paths find exactly what the plain regular expressions they replace find."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sigap.detection import entities, normalise, timing
from sigap.detection.prefilter import PrefixIndex, WordIndex, trie_regex

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


# An index holding the country names among other literals, as the engine's does.
SHARED = PrefixIndex(
    entities.COUNTRY_INDEX.words | timing.DEPARTURE_WORDS | timing.TIME_WORDS | {"ke", "di", "a", "korea s"}
)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_words_from_a_shared_scan_are_the_words_found(text: str) -> None:
    occurrences = SHARED.occurrences(text)
    assert entities.COUNTRY_INDEX.find_in(text, occurrences) == entities.COUNTRY_INDEX.find(text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_money_candidates_are_the_regex_matches(text: str) -> None:
    expected = [m.span() for m in entities.MONEY_RE.finditer(text)]
    assert [m.span() for m in entities._money_matches(text)] == expected


AMOUNTS = st.lists(
    st.sampled_from([*MONEY, *OTHER, "dua", "puluh", "miliar", "milyar", "gaji", "terpaksa"]), max_size=12
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(AMOUNTS | TEXTS)
def test_a_text_without_a_money_word_has_no_amount(text: str) -> None:
    """_money skips the reading where MONEY_HINT_RE finds nothing: the full reading finds nothing
    there either (and where the hint is found, _money is the full reading)."""
    norm = normalise.normalise(text)
    assert entities._money(norm) == entities._amounts(norm.text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_place_check_is_the_whole_prefix_search(text: str) -> None:
    for start in range(len(text) + 1):
        expected = re.search(r"\b(?:ke|di|dari|negara|asal)\s+$", text[:start]) is not None
        assert entities._named_as_place(text, start) == expected


ASCII_TEXTS = st.lists(
    st.sampled_from(
        [
            "a",
            "aa",
            "aaa",
            "k3rja",
            "b4",
            "4b",
            "12",
            " ",
            "  ",
            "\n",
            "\t",
            "\x1f",
            "gk",
            "yg",
            ".",
            "_",
            "ktp",
            "-ne",
            "tkw",
        ]
    ),
    max_size=30,
).map("".join) | st.text(st.characters(max_codepoint=127), max_size=200)


@settings(max_examples=500, deadline=None)
@given(ASCII_TEXTS)
def test_the_normaliser_picks_its_scanner_soundly(text: str) -> None:
    lowered = text.lower()
    rare = re.search(r"([a-z])\1\1|[a-z][0-9]+[a-z]", lowered) is not None
    assert rare == bool(
        normalise.ELONGATION_CHECK_RE.search(lowered) or normalise.LEET_CHECK_RE.search(lowered)
    )
    if "  " not in lowered and lowered.isprintable():  # then FAST_RE finds slang words only
        assert all(m.lastgroup == "slang" for m in normalise.FAST_RE.finditer(lowered))
    # SLANG_RE, compiled with re.ASCII for ASCII text, finds what the Unicode pattern finds.
    unicode_slang = re.compile(normalise._SLANG)
    assert [m.span() for m in normalise.SLANG_RE.finditer(lowered)] == [
        m.span() for m in unicode_slang.finditer(lowered)
    ]


DATED = st.lists(
    st.sampled_from(
        ["besok", "lusa", "tgl 20", "30 juni", "3 hari lagi", "senin depan", "berangkat", "brangkat"]
    )
    | st.sampled_from(
        ["pesawat", "naik", "kapal", "dibawa", "pergi", "pergilah", "take", "off", "kemarin", "x"]
    ),
    max_size=20,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(DATED | TEXTS)
def test_a_departure_from_a_shared_scan_is_the_departure_found(text: str) -> None:
    norm = normalise.normalise(text)
    now = datetime(2026, 11, 28, 9, tzinfo=timezone(timedelta(hours=7)))
    expected = timing.soonest_departure(norm, now)
    assert timing.soonest_departure(norm, now, SHARED.occurrences(norm.text)) == expected


# Dates and what is near them: digits inside and after words, "tanggal"/"tgl" and weekday forms.
DATES = st.lists(
    st.sampled_from(
        ["tanggal", "tgl", "tgl.", "jum'at", "minggu", "depan", "ini", "hari", "lagi", "juni", "/"]
    )
    | st.sampled_from(["1", "3", "12", "31", "0", "_", "a", "x2", "٣", " ", "-", "besok", "malam", "bulan"]),
    max_size=20,
).map(lambda pieces: "".join(pieces) if len(pieces) % 2 else " ".join(pieces))


@settings(max_examples=1000, deadline=None)
@given(DATES | DATED | TEXTS)
def test_dates_from_a_shared_scan_are_the_dates_found(text: str) -> None:
    norm = normalise.normalise(text)
    found = timing._time_matches(norm.text, SHARED.occurrences(norm.text))
    assert [m.span() for m in found] == [m.span() for m in timing.TIME_RE.finditer(norm.text)]


@settings(max_examples=500, deadline=None)
@given(DATED)
def test_a_departure_needs_a_departure_word_in_the_text(text: str) -> None:
    if not timing.DEPARTURE_HINT.found_in(text):  # then soonest_departure returns early
        for match in timing.TIME_RE.finditer(text):
            lo, hi = max(0, match.start() - timing.WINDOW), match.end() + timing.WINDOW
            assert not timing.DEPARTURE_RE.search(text, lo, hi)


def test_agency_names_are_not_leetspeak_on_either_path() -> None:
    # A dash or an emoji sends a text down the Unicode path; "BP3MI" must stay "bp3mi" there too.
    for text in ("diteruskan dari Humas BP3MI, lewat P3MI", "diteruskan dari Humas BP3MI – lewat P3MI ‼"):
        normalised = normalise.normalise(text).text
        assert "bp3mi" in normalised and "p3mi" in normalised.replace("bp3mi", "")
    assert normalise.normalise("k3rja – ok").text.startswith("kerja")


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_occurrences_are_every_place_each_literal_starts(text: str) -> None:
    """The set from the Aho-Corasick scan, the places found again with str.find (overlaps too)."""
    occurrences = SHARED.occurrences(text)
    expected = {
        literal: [i for i in range(len(text)) if text.startswith(literal, i)]
        for literal in SHARED.prefixes
        if literal in text
    }
    assert set(occurrences) == set(expected) == occurrences.literals
    assert {literal: occurrences[literal] for literal in occurrences} == expected
    assert occurrences.get("not a literal here") is None and "not a literal here" not in occurrences
