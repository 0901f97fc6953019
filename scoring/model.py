"""The threat model: one shared sparse featurisation, three calibrated linear heads.

`ThreatModel` follows scikit-learn conventions: `__init__` stores parameters only; `fit`
sets the learnt attributes (trailing underscore). `fit(X, y)` takes sentences and a
``(n, 3)`` label array of columns threat, conditional, severity (LABELS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

FloatArray = npt.NDArray[np.float64]


class ThreatProbs(NamedTuple):
    """Per-sentence probabilities: P(threat), P(conditional threat), P(severity = k)."""

    threat: FloatArray
    conditional: FloatArray
    severity: FloatArray  # shape (n, 4)


class ThreatModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Threat, conditional-threat and severity classifier over word and char n-grams."""

    def __init__(
        self,
        c_threat: float = 4.0,
        c_conditional: float = 4.0,
        c_severity: float = 4.0,
        max_char_features: int = 60000,
    ) -> None:
        self.c_threat = c_threat
        self.c_conditional = c_conditional
        self.c_severity = c_severity
        self.max_char_features = max_char_features

    def _features(self) -> FeatureUnion:
        word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=2,
            sublinear_tf=True,
            max_features=self.max_char_features,
        )
        return FeatureUnion([("word", word), ("char", char)])

    def fit(self, X: Sequence[str], y: npt.ArrayLike) -> ThreatModel:  # noqa: N803
        """Learn all three heads from sentences `X` and labels `y` (n, 3)."""
        labels = np.asarray(y, dtype=np.int64)
        self.features_ = self._features()
        feats = self.features_.fit_transform(list(X))
        threat = labels[:, 0]
        cond = labels[:, 0] * labels[:, 1]
        self.threat_ = self._head(self.c_threat).fit(feats, threat)
        self.conditional_ = self._head(self.c_conditional).fit(feats, cond)
        self.severity_ = self._head(self.c_severity).fit(feats, labels[:, 2])
        self.classes_ = np.array([0, 1])
        return self

    @staticmethod
    def _head(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=2000, class_weight=None)

    def transform_features(self, X: Sequence[str]) -> sparse.csr_matrix:  # noqa: N803
        """The sparse feature matrix of sentences `X`."""
        return self.features_.transform(list(X)).tocsr()

    def predict_all(self, X: Sequence[str]) -> ThreatProbs:  # noqa: N803
        """Probabilities of all three heads for sentences `X`."""
        feats = self.transform_features(X)
        return self.probs_from_features(feats)

    def probs_from_features(self, feats: Any) -> ThreatProbs:
        """Probabilities of all three heads from a precomputed feature matrix."""
        threat = self.threat_.predict_proba(feats)[:, 1]
        cond = np.minimum(self.conditional_.predict_proba(feats)[:, 1], threat)
        sev = _full_severity(self.severity_, feats)
        return ThreatProbs(threat, cond, sev)

    def predict_proba(self, X: Sequence[str]) -> FloatArray:  # noqa: N803
        """``(n, 2)`` probabilities of no-threat / threat (sklearn convention)."""
        p = self.predict_all(X).threat
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.int64]:  # noqa: N803
        """Threat labels (0/1) at the 0.5 threshold."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)


def _full_severity(head: LogisticRegression, feats: Any) -> FloatArray:
    """Severity probabilities as (n, 4) even if a class was absent from training."""
    probs = head.predict_proba(feats)
    out = np.zeros((probs.shape[0], 4))
    for j, cls in enumerate(head.classes_):
        out[:, int(cls)] = probs[:, j]
    return out
