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
from functools import reduce
from itertools import repeat
from operator import add, itemgetter
from pathlib import Path
from typing import Any

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


_NO_PAIR = np.iinfo(np.int64).max  # past every pair key: a search for any key stays in bounds


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
    # The word-pair features by number, (row of the first word) * len(idf) + (row of the second),
    # ascending, and their rows. A pair's words are features too (each occurs in every text the pair
    # occurs in, so min_df kept them), so the pairs of a text are found in NumPy from its word rows.
    pair_keys: np.ndarray = field(init=False, repr=False)
    pair_rows: np.ndarray = field(init=False, repr=False)
    pair_of: dict[int, int] = field(init=False, repr=False)  # the same, key -> row, for one text
    idf_list: list[float] = field(init=False, repr=False)  # idf and tf_weights as Python floats
    tf_list: list[float] = field(init=False, repr=False)
    # 1 + log(tf) for every count a text can give a feature (at most MAX_TOKENS).
    tf_weights: np.ndarray = field(init=False, repr=False)
    # Each softmax group's scores picked out of a text's scores, as a tuple, in one C call.
    _group_scores: list[Callable[[list[float]], tuple[float, ...]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n_features = len(self.idf)
        word_pairs = [
            (feature, row)
            for feature, row in self.index.items()
            if not feature.startswith("#") and feature.count(" ") == 1
        ]
        lone = [feature for feature, _ in word_pairs if not set(feature.split(" ")) <= self.index.keys()]
        if lone:
            raise ValueError(
                f"word pairs whose words are not features (not an artifact of `sigap train`): {lone[:5]}"
            )
        pairs = sorted(
            (self.index[first] * n_features + self.index[second], row)
            for feature, row in word_pairs
            for first, second in [feature.split(" ")]
        )
        self.pair_keys = np.array([key for key, _ in pairs] + [_NO_PAIR], dtype=np.int64)
        self.pair_rows = np.array([row for _, row in pairs] + [-1], dtype=np.intp)
        self.pair_of = dict(pairs)
        self.idf_list = self.idf.tolist()
        self.tf_weights = np.array(
            [0.0] + [1.0 + float(np.log(float(tf))) for tf in range(1, MAX_TOKENS + 1)]
        )
        self.tf_list = self.tf_weights.tolist()
        if any(len(group) < 2 for group in self.groups):
            raise ValueError("a softmax group of fewer than two labels (not an artifact of `sigap train`)")
        self._group_scores = [itemgetter(*group) for group in self.groups]

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

    def probabilities(self, documents: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, float]]:
        """P(label) for relevance, each modus and each risk level of each (normalised text, cues that
        fired), as scikit-learn would give them.

        Many texts are worked out together in a few NumPy passes; one text alone mostly in plain
        Python (the passes' fixed cost would be most of its time). Both take a text's features in
        the same order (by row); the squares for its length are added one after another from 0.0
        (np.bincount, a Python loop), and its weighted rows are added up by np.add.reduceat over a
        segment holding exactly those rows in that order (NumPy's pairwise summation inside a
        segment depends only on the segment). So a text gets the same probabilities alone or among
        others, to the last digit; a test holds the two paths to that on the dev and test splits.
        """
        if len(documents) == 1:
            return [self._probabilities_of_one(*documents[0])]
        doc, row, counts = self._count_many(documents)
        z = np.tile(self.bias, (len(documents), 1))
        if len(row):
            # Sublinear tf, (1 + log tf) * idf, each text's vector scaled to unit length.
            values = self.idf.take(row) * self.tf_weights.take(counts)
            length = np.sqrt(np.bincount(doc, weights=values * values, minlength=len(documents)))
            length[length == 0.0] = 1.0  # only if every idf were 0: the vector stays all zeros
            values /= length.take(doc)
            present = np.unique(doc)  # the texts with known features, one segment each
            z[present] += np.add.reduceat(
                self.weights.take(row, axis=0) * values[:, None], doc.searchsorted(present), axis=0
            )
        return list(map(self._link, z.tolist()))

    def _probabilities_of_one(self, norm_text: str, fired: Sequence[str]) -> dict[str, float]:
        """``probabilities`` of one text: the same sums as for many, in the same order."""
        get = self.index.get
        n_features = len(self.idf)
        words = list(map(get, WORD_RE.findall(norm_text)[:MAX_TOKENS], repeat(-1)))
        pairs = [
            first * n_features + second for first, second in itertools.pairwise(words) if first >= 0 <= second
        ]
        counts = Counter(
            itertools.chain(
                words,
                map(self.pair_of.get, pairs, repeat(-1)),
                map(get, ["#" + c for c in fired], repeat(-1)),
            )
        )
        counts.pop(-1, None)  # features the model never saw
        z = self.bias.copy()
        if counts:
            rows = sorted(counts)
            idf, tf = self.idf_list, self.tf_list
            values = [idf[row] * tf[counts[row]] for row in rows]
            total = 0.0  # as np.bincount adds: from 0.0, one value after the other
            for value in values:
                total += value * value
            length = math.sqrt(total) or 1.0
            scaled = np.array([value / length for value in values])
            z += np.add.reduceat(self.weights.take(rows, axis=0) * scaled[:, None], [0], axis=0)[0]
        return self._link(z.tolist())

    def _count_many(
        self, documents: Sequence[tuple[str, Sequence[str]]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, feature row, count) of each known feature of each text, by text and row."""
        get = self.index.get
        words: list[int] = []  # the rows of each text's words, one after the other (-1: unknown)
        cues: list[int] = []
        word_ends: list[int] = []
        cue_ends: list[int] = []
        for norm_text, fired in documents:
            words += map(get, WORD_RE.findall(norm_text)[:MAX_TOKENS], repeat(-1))
            word_ends.append(len(words))
            cues += map(get, ["#" + cue for cue in fired], repeat(-1))
            cue_ends.append(len(cues))
        n_docs = len(documents)
        n_features = len(self.idf)
        word_rows = np.array(words, dtype=np.int64)
        word_doc = np.repeat(np.arange(n_docs), np.diff(word_ends, prepend=0))
        # Pairs of neighbouring words of one text, both known: a key search in the sorted pair keys.
        first, second = word_rows[:-1], word_rows[1:]
        candidate = (word_doc[:-1] == word_doc[1:]) & (first >= 0) & (second >= 0)
        keys = first[candidate] * n_features + second[candidate]
        at = self.pair_keys.searchsorted(keys)
        found = self.pair_keys.take(at) == keys
        cue_rows = np.array(cues, dtype=np.int64)
        cue_doc = np.repeat(np.arange(n_docs), np.diff(cue_ends, prepend=0))
        known_word, known_cue = word_rows >= 0, cue_rows >= 0
        doc = np.concatenate([word_doc[known_word], word_doc[:-1][candidate][found], cue_doc[known_cue]])
        row = np.concatenate([word_rows[known_word], self.pair_rows.take(at[found]), cue_rows[known_cue]])
        # Each (text, feature) once, with how often it occurs, ordered by text and then feature.
        numbered, counts = np.unique(doc * n_features + row, return_counts=True)
        doc, row = np.divmod(numbered, n_features)
        return doc, row, counts

    def _link(self, z: list[float]) -> dict[str, float]:
        """One text's scores to probabilities: a sigmoid for each binary label, a softmax within each
        group. Sixteen numbers: plain Python costs less here than NumPy's fixed cost per call."""
        p = [0.0] * len(z)
        exp = math.exp
        for k in self.binary:
            p[k] = 1.0 / (1.0 + exp(-min(30.0, max(-30.0, z[k]))))
        for group, scores_of in zip(self.groups, self._group_scores, strict=True):
            scores = scores_of(z)
            top = max(scores)
            e = [exp(score - top) for score in scores]
            total = reduce(add, e)  # left to right, whatever sum() does in a later Python
            for k, value in zip(group, e, strict=True):
                p[k] = value / total
        return dict(zip(self.labels, p, strict=True))


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
