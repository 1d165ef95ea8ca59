"""The small trained part: TF-IDF over words, word pairs and fired cues; a logistic regression for
relevance, a multinomial (softmax) one for the primary modus and one for the risk level.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter, sub, truediv
from pathlib import Path
from typing import Any, cast

import numpy as np

ARTIFACT = Path(__file__).resolve().parent / "data" / "model.json"
# The words: r"[a-z]+(?:-[a-z]+)?|[0-9]+", written to begin with one character class (so that re skips
# to where a word can start at C speed) and with possessive repeats (nothing after them could take
# back a character): the same matches, in a fifth fewer instructions.
WORD_RE = re.compile(r"[a-z0-9](?:(?<=[a-z])[a-z]*+(?:-[a-z]++)?+|[0-9]*+)")
RELEVANCE = "relevant"
MAX_TOKENS = 400  # long inputs: the first few hundred words carry the report


def feature_keys(norm_text: str, cues: Iterable[str]) -> Iterator[str]:
    """The model's features of a text, one per occurrence: words, word pairs, the cues that fired."""
    words = WORD_RE.findall(norm_text)[:MAX_TOKENS]
    return itertools.chain(words, map(" ".join, itertools.pairwise(words)), ["#" + cue for cue in cues])


def features(norm_text: str, cues: Iterable[str]) -> Counter[str]:
    return Counter(feature_keys(norm_text, cues))


def _tuple_getter(indices: Sequence[int]) -> Callable[[Sequence[float]], tuple[float, ...]]:
    """``itemgetter(*indices)``, a tuple even for one index (or none)."""
    if len(indices) > 1:
        return itemgetter(*indices)
    return lambda values: tuple(values[i] for i in indices)


class _TfWeights(dict[int, float]):
    """Sublinear term frequency, 1 + log(tf), by count: computed once per count, then looked up
    (``math.log`` and ``np.log`` agree on these integers, so the values are the same)."""

    def __missing__(self, tf: int) -> float:
        self[tf] = weight = 1.0 + float(np.log(float(tf)))
        return weight


_TF_WEIGHT = _TfWeights()


@dataclass
class LinearModel:
    """The trained weights as one dense matrix (features x labels), read from the JSON artifact.

    A label is either binary (a sigmoid of its own score) or a member of a softmax group (the
    artifact's ``groups``): its probability is shared with the other members, so they sum to one.
    """

    version: str
    labels: list[str]
    index: dict[str, int]  # feature -> row
    idf: np.ndarray
    weights: np.ndarray  # rows: features, columns: labels
    bias: np.ndarray
    groups: list[list[int]]  # column indices of each softmax group
    binary: list[int]  # column indices of the sigmoid labels
    # The word-pair features by (first, second) word: looking up a pair of the words found costs no
    # joined string. (Words have no spaces, so a pair feature "a b" is exactly the pair ("a", "b").)
    pair_index: dict[tuple[str, str], int] = field(init=False, repr=False)

    # The scores in the order _from_rows works them out (binary labels, then each group), and back.
    _in_group_order: Callable[[Sequence[float]], tuple[float, ...]] = field(init=False, repr=False)
    _in_label_order: Callable[[Sequence[float]], tuple[float, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        order = [*self.binary, *(k for group in self.groups for k in group)]
        self._in_group_order = _tuple_getter(order)
        self._in_label_order = _tuple_getter(sorted(range(len(order)), key=order.__getitem__))
        self.pair_index = {
            (first, second): row
            for feature, row in self.index.items()
            if not feature.startswith("#") and feature.count(" ") == 1
            for first, second in [feature.split(" ")]
        }

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
        column_of = {label: i for i, label in enumerate(labels)}
        groups = [[column_of[m] for m in members] for members in data.get("groups", {}).values()]
        grouped = {c for g in groups for c in g}
        return cls(
            version=data["version"],
            labels=labels,
            index=index,
            idf=np.array([data["idf"][f] for f in features_]),
            weights=weights,
            bias=np.array([data["bias"][label] for label in labels]),
            groups=groups,
            binary=[i for i in range(len(labels)) if i not in grouped],
        )

    def probabilities(self, counts: Counter[str]) -> dict[str, float]:
        """P(label) for relevance, each modus and each risk level, as scikit-learn would give."""
        get = self.index.get
        return self._from_rows({row: n for feature, n in counts.items() if (row := get(feature)) is not None})

    def probabilities_of(self, norm_text: str, cues: Iterable[str]) -> dict[str, float]:
        """``probabilities(features(norm_text, cues))`` without building the unknown features' counts."""
        words = WORD_RE.findall(norm_text)[:MAX_TOKENS]
        get = self.index.get
        # The rows of feature_keys(norm_text, cues), in the same order.
        known: Counter[int | None] = Counter(
            itertools.chain(
                map(get, words),
                map(self.pair_index.get, itertools.pairwise(words)),
                map(get, ["#" + c for c in cues]),
            )
        )
        known.pop(None, None)  # features the model never saw (counted in C, dropped once)
        return self._from_rows(cast(dict[int, int], known))

    def _from_rows(self, known: dict[int, int]) -> dict[str, float]:
        if known:
            # Few NumPy calls, each the cheapest form of its step: take() for the rows (a quarter of
            # fancy indexing's cost), ndarray.dot (the same BLAS call as @, with less dispatch).
            rows = np.fromiter(known, dtype=np.intp, count=len(known))
            vector = self.idf.take(rows)
            # Sublinear tf: (1 + log(tf)) * idf. Most features occur once, where the factor is 1.0 and
            # leaves idf as it is; the few others are scaled one by one (the same products), which
            # costs less than converting every count to an array.
            for i, tf in enumerate(known.values()):
                if tf != 1:
                    vector[i] *= _TF_WEIGHT[tf]
            vector /= math.sqrt(vector.dot(vector)) or 1.0
            z = (vector.dot(self.weights.take(rows, axis=0)) + self.bias).tolist()
        else:
            z = self.bias.tolist()
        # Sixteen numbers: plain Python is quicker here than NumPy's per-call overhead. The scores
        # are taken binary labels first, then each softmax group, so that each step is one slice.
        scores = self._in_group_order(z)
        n_binary = len(self.binary)
        p = [1.0 / (1.0 + math.exp(-min(30.0, max(-30.0, x)))) for x in scores[:n_binary]]
        start = n_binary
        for group in self.groups:
            members = scores[start : start + len(group)]
            start += len(group)
            e = list(map(math.exp, map(sub, members, repeat(max(members)))))
            p += map(truediv, e, repeat(sum(e)))
        return dict(zip(self.labels, self._in_label_order(p), strict=True))


#: Inverse regularisation strength of each model, chosen by leave-one-writer-out cross-validation.
C_RELEVANCE = 8.0
C_MODUS = 16.0
C_RISK = 16.0


def train(
    texts: Sequence[Counter[str]],
    relevant: Sequence[bool],
    modus: Sequence[Sequence[str]],
    risk: Sequence[str],
    *,
    c_relevance: float | None = None,
    c_modus: float | None = None,
    c_risk: float | None = None,
    min_df: int = 2,
) -> dict[str, Any]:
    """Fit the relevance, primary-modus and risk models; deterministic for the same input."""
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
    groups: dict[str, list[str]] = {}

    def keep_weights(label: str, coef: Any, intercept: float) -> None:
        weights[label] = {names[i]: round(float(w), 6) for i, w in enumerate(coef) if abs(w) >= 1e-4}
        bias[label] = round(float(intercept), 6)

    c_relevance = C_RELEVANCE if c_relevance is None else c_relevance
    c_group = {"modus": C_MODUS if c_modus is None else c_modus, "risk": C_RISK if c_risk is None else c_risk}
    relevance = LogisticRegression(C=c_relevance, solver="liblinear", class_weight="balanced", max_iter=1000)
    relevance.fit(matrix, [int(r) for r in relevant])
    keep_weights(RELEVANCE, relevance.coef_[0], relevance.intercept_[0])
    # The primary modus is one choice among the codes (a softmax), asked of relevant reports only;
    # risk is one choice among the four levels, asked of every report.
    relevant_rows = [i for i, r in enumerate(relevant) if r]
    for group, rows_used, y in (
        ("modus", relevant_rows, [modus[i][0] for i in relevant_rows]),
        ("risk", list(range(len(risk))), [f"risk:{level}" for level in risk]),
    ):
        classes = sorted(set(y))
        if len(classes) < 2:
            continue
        model = LogisticRegression(C=c_group[group], class_weight="balanced", max_iter=5000)
        model.fit(matrix[rows_used], y)
        for k, label in enumerate(model.classes_):
            keep_weights(str(label), model.coef_[k], model.intercept_[k])
        groups[group] = [str(label) for label in model.classes_]
    body = {"idf": idf, "weights": weights, "bias": bias, "groups": groups}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    return {"version": f"tfidf-lr-{digest}", **body}


def save(artifact: dict[str, Any], path: Path = ARTIFACT) -> None:
    path.write_text(json.dumps(artifact, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
