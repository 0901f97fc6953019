"""The threat model: one shared sparse featurisation, three calibrated linear heads.

Features: word 1-2-gram TF-IDF, char_wb 4-gram TF-IDF (capped vocabulary) and the
hand-made cues of `scoring.cues`; the two TF-IDF parts are scikit-learn's vectorizers with
a faster `transform` (`scoring.fast_tfidf`, same matrices). Heads (class-balanced
logistic regression):

* threat: P(threat), all sentences;
* conditional: P(threat and conditional), all sentences (so "if" alone, without a
  threat, is a negative), capped by P(threat);
* severity: P(level k | threat) for k = 1..3, threat sentences only; the severity
  distribution is ``(1 - P(threat), P(threat) * P(1|threat), ...)``.

The two binary heads are Platt-calibrated on out-of-fold scores of document-grouped folds
of the training data, and their decision thresholds are the F1-best thresholds on those
out-of-fold probabilities: nothing is tuned on held-out documents. `ThreatModel` follows
scikit-learn conventions: `__init__` stores parameters; `fit(X, y, groups)` sets the
trailing-underscore attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion

from scoring.calibration import CalibratedHead
from scoring.cues import CueFeatures
from scoring.fast_tfidf import FastWordTfidf, WordCacheCharTfidf

FloatArray = npt.NDArray[np.float64]


class ThreatProbs(NamedTuple):
    """Per-sentence probabilities: P(threat), P(conditional threat), P(severity = k)."""

    threat: FloatArray
    conditional: FloatArray
    severity: FloatArray  # shape (n, 4), rows sum to 1


class ThreatModel(BaseEstimator):  # type: ignore[misc]
    """Threat, conditional-threat and severity classifier."""

    def __init__(
        self,
        c_binary: float = 10.0,
        c_severity: float = 4.0,
        max_char_features: int = 60000,
        char_range: tuple[int, int] | None = (4, 4),
        word_range: tuple[int, int] = (1, 2),
        cue_weight: float = 1.0,
        folds: int = 5,
    ) -> None:
        self.c_binary = c_binary
        self.c_severity = c_severity
        self.max_char_features = max_char_features
        self.char_range = char_range
        self.word_range = word_range
        self.cue_weight = cue_weight
        self.folds = folds

    def _features(self) -> FeatureUnion:
        word = FastWordTfidf(
            ngram_range=self.word_range, min_df=2, sublinear_tf=True, dtype=np.float32
        )
        parts: list[tuple[str, Any]] = [("word", word), ("cues", CueFeatures(self.cue_weight))]
        if self.char_range is not None:
            char = WordCacheCharTfidf(
                analyzer="char_wb",
                ngram_range=self.char_range,
                min_df=2,
                sublinear_tf=True,
                max_features=self.max_char_features,
                dtype=np.float32,
            )
            parts.append(("char", char))
        return FeatureUnion(parts)

    def fit(self, X: Sequence[str], y: npt.ArrayLike, groups: Sequence[str]) -> ThreatModel:  # noqa: N803
        """Learn from sentences `X`, labels `y` (n, 3: threat, conditional, severity)
        and the document of each sentence `groups` (for the calibration folds)."""
        labels = np.asarray(y, dtype=np.int64)
        self.features_ = self._features()
        feats = self.features_.fit_transform(list(X)).tocsr()
        splits = list(GroupKFold(self.folds).split(feats, labels[:, 0], list(groups)))
        threat, cond = labels[:, 0], labels[:, 0] * labels[:, 1]
        self.threat_ = CalibratedHead(self.c_binary).fit(feats, threat, splits)
        self.conditional_ = CalibratedHead(self.c_binary).fit(feats, cond, splits)
        mask = threat == 1
        self.severity_ = LogisticRegression(
            C=self.c_severity, max_iter=3000, class_weight="balanced"
        ).fit(feats[mask], labels[mask, 2])
        return self

    def forget_caches(self) -> None:
        """Drop run-time caches before pickling: scikit-learn's vectorizers keep
        id(stop_words), a memory address, so two identical fits would pickle to
        different bytes."""
        for _, part in self.features_.transformer_list:
            vars(part).pop("_stop_words_id", None)

    def predict_all(self, X: Sequence[str]) -> ThreatProbs:  # noqa: N803
        """Probabilities of all three heads for sentences `X`."""
        return self.probs_from_features(self.features_.transform(list(X)).tocsr())

    def probs_from_features(self, feats: sparse.csr_matrix) -> ThreatProbs:
        """Probabilities of all three heads from a precomputed feature matrix."""
        threat = self.threat_.proba(feats)
        cond = np.minimum(self.conditional_.proba(feats), threat)
        given = self.severity_.predict_proba(feats)
        sev = np.zeros((feats.shape[0], 4))
        sev[:, 0] = 1.0 - threat
        for j, level in enumerate(self.severity_.classes_):
            sev[:, int(level)] = threat * given[:, j]
        return ThreatProbs(threat, cond, sev)

    def decide(self, probs: ThreatProbs) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """(is threat, is conditional threat) at the thresholds learnt in `fit`."""
        is_threat = probs.threat >= self.threat_.threshold_
        return is_threat, is_threat & (probs.conditional >= self.conditional_.threshold_)
