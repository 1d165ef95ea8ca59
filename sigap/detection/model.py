"""The small trained part: TF-IDF over words, word pairs and fired cues, one logistic regression per
modus plus one for relevance.

Training (``train``) uses scikit-learn and writes a JSON artifact; inference (``LinearModel``) is a
sparse dot product in NumPy over that artifact, so analysing needs no scikit-learn and starts in a
fraction of a second. The artifact is built by ``sigap train``, never edited by hand.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sigap.detection.types import MODUS_CODES

ARTIFACT = Path(__file__).resolve().parent / "data" / "model.json"
WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)?|[0-9]+")
RELEVANCE = "relevant"
MAX_TOKENS = 400  # long inputs: the first few hundred words carry the report


def features(norm_text: str, cues: Iterable[str]) -> Counter[str]:
    words = WORD_RE.findall(norm_text)[:MAX_TOKENS]
    counts: Counter[str] = Counter(words)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    counts.update(f"#{cue}" for cue in cues)
    return counts


@dataclass
class LinearModel:
    """The trained weights as one dense matrix (features x labels), read from the JSON artifact."""

    version: str
    labels: list[str]
    index: dict[str, int]  # feature -> row
    idf: np.ndarray
    weights: np.ndarray  # rows: features, columns: labels
    bias: np.ndarray

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> LinearModel | None:
        if not path.exists():
            return None
        return cls.from_artifact(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_artifact(cls, data: dict[str, Any]) -> LinearModel:
        features_ = sorted(data["idf"])
        index = {f: i for i, f in enumerate(features_)}
        labels = sorted(data["weights"])
        weights = np.zeros((len(features_), len(labels)))
        for column, label in enumerate(labels):
            for feature, w in data["weights"][label].items():
                weights[index[feature], column] = w
        return cls(
            version=data["version"],
            labels=labels,
            index=index,
            idf=np.array([data["idf"][f] for f in features_]),
            weights=weights,
            bias=np.array([data["bias"][label] for label in labels]),
        )

    def probabilities(self, counts: Counter[str]) -> dict[str, float]:
        """P(label) for relevance, each modus and each risk level, as scikit-learn would give."""
        rows, tf = [], []
        for feature, count in counts.items():
            row = self.index.get(feature)
            if row is not None:
                rows.append(row)
                tf.append(count)
        if rows:
            vector = (1.0 + np.log(np.array(tf, dtype=float))) * self.idf[rows]
            vector /= math.sqrt(float(vector @ vector)) or 1.0
            z = vector @ self.weights[rows] + self.bias
        else:
            z = self.bias
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return dict(zip(self.labels, p.tolist(), strict=True))


RISK_LABELS = ("risk:low", "risk:medium", "risk:high", "risk:critical")


def train(
    texts: Sequence[Counter[str]],
    relevant: Sequence[bool],
    modus: Sequence[Sequence[str]],
    risk: Sequence[str],
    *,
    c: float = 4.0,
    min_df: int = 2,
) -> dict[str, Any]:
    """Fit the relevance and per-modus models; deterministic for the same input."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    df: Counter[str] = Counter()
    for counts in texts:
        df.update(counts.keys())
    keep = {f for f, n in df.items() if n >= min_df or f.startswith("#")}
    rows = [{f: float(v) for f, v in counts.items() if f in keep} for counts in texts]
    vectorizer = DictVectorizer(sort=True)
    raw = vectorizer.fit_transform(rows)
    tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True)
    matrix = tfidf.fit_transform(raw)
    names = list(vectorizer.get_feature_names_out())
    idf = {name: round(float(v), 6) for name, v in zip(names, tfidf.idf_, strict=True)}

    weights: dict[str, dict[str, float]] = {}
    bias: dict[str, float] = {}
    targets: dict[str, list[int]] = {RELEVANCE: [int(r) for r in relevant]}
    for code in MODUS_CODES:
        targets[code] = [int(code in labels) for labels in modus]
    for label in RISK_LABELS:
        targets[label] = [int(f"risk:{level}" == label) for level in risk]
    relevant_rows = [i for i, r in enumerate(relevant) if r]
    for label, y in targets.items():
        # Modus is only asked of relevant reports, so its models learn from relevant reports only.
        rows_used = list(range(len(y))) if label == RELEVANCE or label.startswith("risk:") else relevant_rows
        y_used = [y[i] for i in rows_used]
        if len(set(y_used)) < 2:
            continue
        model = LogisticRegression(
            C=c, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=0
        )
        model.fit(matrix[rows_used], y_used)
        coef = model.coef_[0]
        weights[label] = {names[i]: round(float(w), 6) for i, w in enumerate(coef) if abs(w) >= 1e-4}
        bias[label] = round(float(model.intercept_[0]), 6)
    body = {"idf": idf, "weights": weights, "bias": bias}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    return {"version": f"tfidf-lr-{digest}", **body}


def save(artifact: dict[str, Any], path: Path = ARTIFACT) -> None:
    path.write_text(json.dumps(artifact, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
