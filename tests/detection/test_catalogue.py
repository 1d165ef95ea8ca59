"""The indicator catalogue: valid, compiling, bounded, and the prefilter never hides a match."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigap.detection.catalogue import CatalogueError, load_catalogue
from sigap.detection.engine import Engine
from sigap.detection.normalise import normalise
from sigap.detection.prefilter import literal_prefixes, required_groups, trie_regex

CATALOGUE = load_catalogue()
RULES_ONLY = Engine(CATALOGUE, model=False)
ADVERSARIAL = (
    "gaji " * 800 + "1" * 3000 + " tidak " * 500 + "😀" * 1000 + " kerja di kamboja " * 200 + "a" * 2000
)[:20_000]


def test_catalogue_loads_with_codes_unique_and_every_modus_covered() -> None:
    codes = [i.code for i in CATALOGUE.indicators]
    assert len(codes) == len(set(codes)) and len(codes) >= 40
    covered = {m for i in CATALOGUE.indicators for m in i.modus}
    from sigap.detection.types import MODUS_CODES

    assert covered == set(MODUS_CODES)


#: How many times the cost of a plain word scan (``\S+``) of the same text a pattern may take. The
#: slowest pattern of catalogue 2026.11.9 takes about 11 times; "(?:gaji ?)+x", quadratic on the
#: adversarial text, about 60 times; one that backtracks catastrophically, thousands of times. A
#: ratio of two timings taken side by side, each the best of three, does not move with the
#: machine's speed or load as the former 50 ms limit did (it failed under a loaded test run).
BOUND = 40


def _best_of_three(pattern: re.Pattern[str], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _match in pattern.finditer(text):
            pass
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "cue",
    [*CATALOGUE.indicators, *CATALOGUE.context, *CATALOGUE.legitimacy],
    ids=lambda cue: cue.code,
)
def test_every_pattern_is_bounded_on_adversarial_input(cue) -> None:
    text = normalise(ADVERSARIAL).text
    for pattern in cue.patterns:
        baseline = _best_of_three(re.compile(r"\S+"), text)
        ratio = _best_of_three(pattern, text) / baseline
        assert ratio < BOUND, f"{cue.code}: {pattern.pattern} takes {ratio:.0f} times a word scan"


def test_every_indicator_has_an_english_label_for_the_english_interface() -> None:
    catalogue = load_catalogue()
    missing = [i.code for i in catalogue.indicators if not i.label_en.strip()]
    assert not missing
    first = catalogue.indicators[0]
    assert first.label_in("en-gb") == first.label_en and first.label_in("id") == first.label


def test_a_broken_pattern_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'version = "x"\n[[indicator]]\ncode = "x"\ndimension = "smuggling"\nstrength = "weak"\n'
        'modus = ["people_smuggling"]\nlabel = "x"\npatterns = ["(unclosed"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="does not compile"):
        load_catalogue(bad)


def test_an_unknown_dimension_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'version = "x"\n[[indicator]]\ncode = "x"\ndimension = "vibes"\nstrength = "weak"\n'
        'modus = []\nlabel = "x"\npatterns = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="unknown dimension"):
        load_catalogue(bad)


def test_trie_regex_matches_exactly_its_words() -> None:
    words = {"tidak", "tidak punya", "tanpa", "gaji ", "ga", "kerja", "pekerjaan"}
    pattern = re.compile("(?:" + trie_regex(words) + r")\Z")
    assert all(pattern.match(w) for w in words)
    assert not pattern.match("tid") and not pattern.match("gajian")


def test_required_groups_are_necessary_literals() -> None:
    groups = required_groups(r"\b(?:kerja|bekerja)\b(?: \w+){0,6} (?:kamboja|laos)\b")
    assert groups == (frozenset({"kerja", "bekerja"}), frozenset({"kamboja", "laos"}))
    assert required_groups(r"(?:\w+ ){0,3}x") == ()


def test_literal_prefixes_stop_after_a_group_cut_short() -> None:
    # "1[3-9]" starts with "1", and what follows the group does not follow "1": "16-hour shifts".
    pattern = r"\b(?:1[3-9]|2[0-4])[- ](?:hours?|jam) (?:shifts?|a day)\b"
    assert re.search(pattern, "bitung: 16-hour shifts, the") is not None
    assert literal_prefixes(pattern) is None  # "1" and "2" are too short: the pattern always runs
    assert literal_prefixes(r"\b(?:kerja|bekerja) (?:di|ke) kamboja") == frozenset({"kerja", "bekerja"})
    assert literal_prefixes(r"\b(?:pa[0-9]|pb)xy") == frozenset({"pa", "pb"})  # not "paxy", "pbxy"


def _brute_force(engine: Engine, text: str) -> list[str]:
    """What the cues would be with every pattern run (no prefilter)."""
    norm = normalise(text)
    found = []
    for indicator in engine.catalogue.indicators:
        for pattern in indicator.patterns:
            hit = next(
                (
                    m
                    for m in pattern.finditer(norm.text)
                    if m.end() > m.start()
                    and not (indicator.negatable and engine._negated(norm.text, m.start()))
                ),
                None,
            )
            if hit is not None:
                found.append(indicator.code)
                break
    return found


PHRASES = st.sampled_from(
    [p for indicator in CATALOGUE.indicators for p in (indicator.label, indicator.code.replace("_", " "))]
    + [
        "gaji 20 juta",
        "tanpa paspor",
        "tidak lewat disnaker",
        "disekap",
        "minta tebusan",
        "calo",
        "jalur tikus",
        "kerja admin di kamboja",
        "umur 15 tahun",
        "visa turis tapi kerja",
        "paspor ditahan majikan",
        "tkw ke arab",
        "nikah kontrak",
        "jual ginjal",
        "anak dibawa kerja ke kota",
        "kapal malam",
        "tidak ada",
        "bukan",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PHRASES, min_size=1, max_size=12).map(" ".join))
def test_the_prefilter_never_hides_a_match(text: str) -> None:
    engine = RULES_ONLY
    found, _context, _legit = engine.cues(normalise(text))
    assert [i.code for i, _ in found] == _brute_force(engine, text)
