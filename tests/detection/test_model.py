"""The trained model: reproducible from the corpus, and not worse than the figures in the docs."""

from __future__ import annotations

import json

from sigap.detection.engine import analyze
from sigap.detection.evaluation import evaluate, load_split, train_on, training_splits
from sigap.detection.model import ARTIFACT


def _train(splits: list[str]) -> dict:
    return train_on([r for split in splits for r in load_split(split)])


def test_the_committed_artifact_is_what_training_builds() -> None:
    """`sigap train` reproduces data/model.json exactly: it is built, not edited."""
    committed = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    rebuilt = _train(training_splits())
    assert rebuilt["version"] == committed["version"]
    assert rebuilt == committed


def test_held_out_figures_do_not_regress() -> None:
    """Floors a little under the figures measured on the sealed test split (docs/detection.md)."""
    result = evaluate(load_split("test"), analyze)
    assert result.relevance_f1 >= 0.97
    assert result.high_recall >= 0.97
    assert result.negatives_flagged_share <= 0.06
    assert result.primary_accuracy >= 0.93
