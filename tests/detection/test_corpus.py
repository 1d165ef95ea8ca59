"""The labelled corpus stays valid: parsable, labels from the TAXONOMY, no duplicates across splits."""

from __future__ import annotations

from tests.detection import corpus_check


def test_corpus_has_no_problems() -> None:
    data = corpus_check.load()
    assert corpus_check.problems(data) == []
    assert sum(len(records) for split, records in data.items() if split not in corpus_check.SEALED) >= 400
    assert len(data["test"]) >= 100
