"""The small trained part: TF-IDF over words, word pairs and fired cues, one logistic regression per
modus plus one for relevance.

Training (``train``) uses scikit-learn and writes a JSON artifact; inference (``LinearModel``) is pure
Python over that artifact, so analysing needs neither NumPy nor scikit-learn and starts in
milliseconds. The artifact is built by ``sigap train``, never edited by hand.
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
    version: str
    idf: dict[str, float]
    weights: dict[str, dict[str, float]]  # label -> feature -> weight
    bias: dict[str, float]

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> LinearModel | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(version=data["version"], idf=data["idf"], weights=data["weights"], bias=data["bias"])

    def probabilities(self, counts: Counter[str]) -> dict[str, float]:
        """P(label) for relevance and each modus, like scikit-learn's predict_proba would give."""
        vector: dict[str, float] = {}
        for feature, count in counts.items():
            idf = self.idf.get(feature)
            if idf is not None:
                vector[feature] = (1.0 + math.log(count)) * idf
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        result = {}
        for label, weights in self.weights.items():
            z = self.bias[label]
            for feature, value in vector.items():
                w = weights.get(feature)
                if w is not None:
                    z += w * value / norm
            result[label] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return result


def train(
    texts: Sequence[Counter[str]],
    relevant: Sequence[bool],
    modus: Sequence[Sequence[str]],
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
    for label, y in targets.items():
        if len(set(y)) < 2:
            continue
        model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)
        model.fit(matrix, y)
        coef = model.coef_[0]
        weights[label] = {names[i]: round(float(w), 6) for i, w in enumerate(coef) if abs(w) >= 1e-4}
        bias[label] = round(float(model.intercept_[0]), 6)
    body = {"idf": idf, "weights": weights, "bias": bias}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    return {"version": f"tfidf-lr-{digest}", **body}


def save(artifact: dict[str, Any], path: Path = ARTIFACT) -> None:
    path.write_text(json.dumps(artifact, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
