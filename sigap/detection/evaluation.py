"""The labelled corpus (corpus/*.jsonl) and the evaluation of the engine on it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sigap.detection.types import MODUS_CODES, NONE, RISK_LEVELS

CORPUS = Path(__file__).resolve().parent / "corpus"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


#: The splits the model learns from (those present); test and the holdouts are never among them.
TRAINING_SPLITS = (
    "train",
    "train_b",
    "train_c",
    "dev",
    "train_w1",
    "train_w2",
    "train_w3",
    "train_w6",
    "train_w7",
    "train_w8",
    "train_w9",
    "train_w10",
    "train_w11",
    "train_w13",
    "train_w14",
    "train_w15",
    "train_w16",
    "train_w18",
)

#: Who wrote which training split: leave-one-writer-out cross-validation holds out a whole writer,
#: which says more about reports written by strangers than a random split of one writer's reports.
WRITERS = {
    "team": ("train", "train_b", "train_c", "dev"),
    "w1": ("train_w1",),
    "w2": ("train_w2",),
    "w3": ("train_w3",),
    "w6": ("train_w6",),
    "w7": ("train_w7",),
    "w8": ("train_w8",),
    "w9": ("train_w9",),
    "w10": ("train_w10",),
    "w11": ("train_w11",),
    "w13": ("train_w13",),
    "w14": ("train_w14",),
    "w15": ("train_w15",),
    "w16": ("train_w16",),
    "w18": ("train_w18",),
}

#: Sealed evaluation splits, never read while building the rules or the model.
EVALUATION_SPLITS = ("test", "holdout", "holdout_b", "holdout_c", "holdout_d", "holdout_e")


def training_splits() -> list[str]:
    return [name for name in TRAINING_SPLITS if (CORPUS / f"{name}.jsonl").exists()]


def load_split(name: str) -> list[dict[str, Any]]:
    path = Path(name) if name.endswith(".jsonl") else CORPUS / f"{name}.jsonl"
    return list(read_jsonl(path))


@dataclass
class Evaluation:
    n: int = 0
    relevance: Counter[str] = field(default_factory=Counter)  # tp fp fn tn
    modus: dict[str, Counter[str]] = field(default_factory=dict)
    primary_correct: int = 0
    primary_total: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    high_total: int = 0
    high_found: int = 0
    negatives: int = 0
    negatives_flagged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _f1(c: Counter[str]) -> tuple[float, float, float]:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def relevance_f1(self) -> float:
        return self._f1(self.relevance)[2]

    @property
    def primary_accuracy(self) -> float:
        return self.primary_correct / self.primary_total if self.primary_total else 0.0

    @property
    def high_recall(self) -> float:
        return self.high_found / self.high_total if self.high_total else 0.0

    @property
    def negatives_flagged_share(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0

    def meets_targets(self) -> bool:
        return (
            self.relevance_f1 >= 0.95
            and self.primary_accuracy >= 0.90
            and self.high_recall >= 0.95
            and self.negatives_flagged_share <= 0.05
        )

    def report(self) -> str:
        lines = [f"reports: {self.n}"]
        p, r, f = self._f1(self.relevance)
        lines.append(f"relevance: precision {p:.3f} recall {r:.3f} F1 {f:.3f}  (target F1 >= 0.95)")
        primary = f"{self.primary_correct}/{self.primary_total}"
        lines.append(f"primary modus accuracy: {self.primary_accuracy:.3f} ({primary})  (target >= 0.90)")
        high = f"{self.high_found}/{self.high_total}"
        lines.append(f"recall of high + critical: {self.high_recall:.3f} ({high})  (target >= 0.95)")
        lines.append(
            f"negatives flagged medium or above: {self.negatives_flagged_share:.3f} "
            f"({self.negatives_flagged}/{self.negatives})  (target <= 0.05)"
        )
        lines.append("")
        lines.append(f"{'modus':<26}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for code in MODUS_CODES:
            counts = self.modus.get(code, Counter())
            p, r, f = self._f1(counts)
            lines.append(f"{code:<26}{p:>10.3f}{r:>8.3f}{f:>7.3f}{counts['tp'] + counts['fn']:>9}")
        lines.append("")
        lines.append("risk confusion (rows: expected, columns: predicted)")
        lines.append(" " * 10 + "".join(f"{level:>10}" for level in RISK_LEVELS))
        for gold in RISK_LEVELS:
            row = "".join(f"{self.confusion.get((gold, pred), 0):>10}" for pred in RISK_LEVELS)
            lines.append(f"{gold:<10}{row}")
        lines.append("")
        lines.append("targets: " + ("all met" if self.meets_targets() else "NOT all met"))
        return "\n".join(lines)


def evaluate(records: list[dict[str, Any]], analyze: Any) -> Evaluation:
    result = Evaluation()
    for record in records:
        analysis = analyze(record["text"], id=record.get("id"))
        result.n += 1
        gold_relevant = bool(record["relevant"])
        key = (
            ("tp" if analysis.relevant else "fn") if gold_relevant else ("fp" if analysis.relevant else "tn")
        )
        result.relevance[key] += 1
        gold_modus = [m for m in record["modus"] if m != NONE]
        predicted = [m for m in analysis.modus if m != NONE]
        for code in MODUS_CODES:
            counts = result.modus.setdefault(code, Counter())
            if code in gold_modus and code in predicted:
                counts["tp"] += 1
            elif code in predicted:
                counts["fp"] += 1
            elif code in gold_modus:
                counts["fn"] += 1
        if gold_relevant:
            result.primary_total += 1
            if predicted and predicted[0] == gold_modus[0]:
                result.primary_correct += 1
        result.confusion[(record["risk"], analysis.risk)] += 1
        if record["risk"] in ("high", "critical"):
            result.high_total += 1
            result.high_found += analysis.risk in ("high", "critical")
        if not gold_relevant:
            result.negatives += 1
            result.negatives_flagged += analysis.risk != "low"
        if (
            key in ("fp", "fn")
            or (gold_relevant and (not predicted or predicted[0] != gold_modus[0]))
            or (record["risk"] in ("high", "critical") and analysis.risk not in ("high", "critical"))
        ):
            result.errors.append(
                {
                    "id": record.get("id"),
                    "gold": [record["risk"], *gold_modus],
                    "got": [analysis.risk, *predicted],
                    "text": record["text"][:160],
                }
            )
    return result


def training_rows(engine: Any, records: list[dict[str, Any]]) -> list[Any]:
    """Model features for each record: normalised words plus the cues the rules find."""
    from sigap.detection.engine import cue_names
    from sigap.detection.model import features
    from sigap.detection.normalise import normalise

    rows = []
    for record in records:
        norm = normalise(record["text"])
        rows.append(features(norm.text, cue_names(*engine.cues(norm))))
    return rows


def train_on(records: list[dict[str, Any]]) -> dict[str, Any]:
    from sigap.detection.engine import Engine
    from sigap.detection.model import train

    rows = training_rows(Engine(model=False), records)
    relevant = [bool(r["relevant"]) for r in records]
    return train(rows, relevant, [r["modus"] for r in records], [r["risk"] for r in records])


def cross_validate(records: list[dict[str, Any]], folds: int = 5, seed: int = 20261128) -> Evaluation:
    """k-fold: each report is analysed by an engine whose model never saw it (the rules are shared)."""
    import random

    from sigap.detection.engine import Engine
    from sigap.detection.model import LinearModel

    order = list(range(len(records)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    total = Evaluation()
    for fold in range(folds):
        held = [records[i] for i in order[fold::folds]]
        rest = [records[i] for j, i in enumerate(order) if j % folds != fold]
        engine = Engine(model=LinearModel.from_artifact(train_on(rest)))
        part = evaluate(held, engine.analyze)
        _merge(total, part)
    return total


def cross_validate_writers() -> tuple[Evaluation, dict[str, Evaluation]]:
    """Leave one writer out: each writer's reports are analysed by a model trained on the others'."""
    from sigap.detection.engine import Engine
    from sigap.detection.model import LinearModel

    present = {
        writer: [r for split in splits if (CORPUS / f"{split}.jsonl").exists() for r in load_split(split)]
        for writer, splits in WRITERS.items()
    }
    present = {writer: records for writer, records in present.items() if records}
    total, parts = Evaluation(), {}
    for writer, held in present.items():
        rest = [r for other, records in present.items() if other != writer for r in records]
        engine = Engine(model=LinearModel.from_artifact(train_on(rest)))
        parts[writer] = evaluate(held, engine.analyze)
        _merge(total, parts[writer])
    return total, parts


def _merge(total: Evaluation, part: Evaluation) -> None:
    total.n += part.n
    total.relevance.update(part.relevance)
    for code, counts in part.modus.items():
        total.modus.setdefault(code, Counter()).update(counts)
    total.primary_correct += part.primary_correct
    total.primary_total += part.primary_total
    total.confusion.update(part.confusion)
    total.high_total += part.high_total
    total.high_found += part.high_found
    total.negatives += part.negatives
    total.negatives_flagged += part.negatives_flagged
    total.errors += part.errors
