"""A logistic-regression head with Platt calibration on document-grouped folds.

`CalibratedHead.fit` scores every training sentence out of fold (folds never split a
document), fits a sigmoid from those scores to the labels, refits the regression on all
training data, and picks the F1-best decision threshold on the calibrated out-of-fold
probabilities. It is what `CalibratedClassifierCV(ensemble=False)` does, plus the
threshold, with one set of folds shared by all heads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

FloatArray = npt.NDArray[np.float64]


class CalibratedHead(BaseEstimator):  # type: ignore[misc]
    """Balanced logistic regression + sigmoid calibration + learnt threshold."""

    def __init__(self, c: float = 10.0) -> None:
        self.c = c

    def _base(self) -> LogisticRegression:
        return LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")

    def fit(self, x: Any, y: npt.ArrayLike, splits: list[Any]) -> CalibratedHead:
        """Fit on sparse features `x`, labels `y`, with out-of-fold `splits`."""
        labels = np.asarray(y, dtype=np.int64)
        oof = cross_val_predict(self._base(), x, labels, cv=splits, method="decision_function")
        self.platt_ = LogisticRegression(C=1e4, max_iter=1000).fit(oof.reshape(-1, 1), labels)
        self.base_ = self._base().fit(x, labels)
        self.threshold_ = best_threshold(labels, self._sigmoid(oof))
        self.oof_brier_ = float(np.mean((self._sigmoid(oof) - labels) ** 2))
        return self

    def _sigmoid(self, scores: FloatArray) -> FloatArray:
        coef = float(self.platt_.coef_[0, 0])
        icpt = float(self.platt_.intercept_[0])
        out: FloatArray = 1.0 / (1.0 + np.exp(-(coef * scores + icpt)))
        return out

    def proba(self, x: Any) -> FloatArray:
        """Calibrated P(positive) per row of `x`."""
        return self._sigmoid(self.base_.decision_function(x))


def best_threshold(y: npt.NDArray[np.int64], prob: FloatArray) -> float:
    """The threshold in [0.2, 0.7] with the best F1 of `prob` against `y`."""
    best, best_f1 = 0.5, -1.0
    positives = float((y == 1).sum())
    for cut in np.arange(0.2, 0.701, 0.025):
        pred = prob >= cut
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(float(pred.sum()) + positives, 1.0)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(cut), f1
    return round(best, 3)
