"""The labelled corpus stays valid: parsable, labels from the TAXONOMY, no duplicates across splits."""

from __future__ import annotations

from sigap.detection.types import MODUS_CODES
from tests.detection import corpus_check


def test_corpus_has_no_problems() -> None:
    data = corpus_check.load()
    assert corpus_check.problems(data) == []
    assert sum(len(records) for split, records in data.items() if split != "holdout") >= 400


def test_corpus_uses_the_engine_codes() -> None:
    assert tuple(corpus_check.MODUS_CODES) == MODUS_CODES
