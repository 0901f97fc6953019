"""Predictors compared in `redline eval --baselines`: the shipped model, TF-IDF + LR, keywords.

The TF-IDF + logistic-regression baseline is the bare reference the model must beat:
word 1-2-grams and char_wb 2-5-grams, one LogisticRegression per head, no cue features,
no calibration. The keyword baseline is a fixed list of threat verbs and condition markers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from scoring.data import Example
from scoring.evaluate import Predictions
from scoring.scorer import Scorer

_KW_THREAT = re.compile(
    r"\b(threat\w*|warn\w*|vow\w*|will (attack|strike|target|respond|retaliate|hit|destroy)|"
    r"legitimate targets?|ultimatum|retaliat\w*)\b",
    re.I,
)
_KW_COND = re.compile(r"\b(if|unless|should|otherwise|or else|until|any)\b", re.I)
_KW_WAR = re.compile(r"\b(war|nuclear|annihilat\w*|wipe\w* out)\b", re.I)
_KW_SOFT = re.compile(r"\b(sanction\w*|expel\w*|boycott\w*|tariff\w*|sever\w*|ties)\b", re.I)


class ScorerPredictor:
    """The shipped model, scoring each labelled sentence as one statement."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def predict_examples(self, texts: Sequence[str]) -> Predictions:
        """Labels, probabilities and spans from the scorer."""
        scores = self.scorer.score_sentences(texts)
        cond_cut = self.scorer.model.conditional_.threshold_
        return Predictions(
            threat=[int(s.severity > 0) for s in scores],
            conditional=[int(s.severity > 0 and s.conditional >= cond_cut) for s in scores],
            severity=[s.severity for s in scores],
            threat_prob=[s.threat for s in scores],
            conditional_prob=[s.conditional for s in scores],
            spans=[
                {
                    "actor": s.actor.text if s.actor else None,
                    "target": s.target.text if s.target else None,
                    "condition": s.condition.text if s.condition else None,
                    "action": s.action.text if s.action else None,
                }
                for s in scores
            ],
        )


class KeywordBaseline:
    """Regex cues only; needs no training."""

    def predict_examples(self, texts: Sequence[str]) -> Predictions:
        """Threat if a threat verb appears; conditional if a condition marker too."""
        threat = [int(bool(_KW_THREAT.search(t))) for t in texts]
        cond = [int(th and bool(_KW_COND.search(t))) for th, t in zip(threat, texts, strict=True)]
        sev = [_kw_severity(t) if th else 0 for th, t in zip(threat, texts, strict=True)]
        return Predictions(threat, cond, sev)


def _kw_severity(text: str) -> int:
    if _KW_WAR.search(text):
        return 3
    return 1 if _KW_SOFT.search(text) else 2


def tfidf_features() -> FeatureUnion:
    """Bare word + char n-gram TF-IDF, the baseline's featurisation."""
    return FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )


class TfidfLRBaseline:
    """TF-IDF (word + char n-grams) + logistic regression, one head per label."""

    def fit(self, train: Sequence[Example]) -> TfidfLRBaseline:
        """Fit the three heads on `train`."""
        texts = [e.text for e in train]
        self.features_ = tfidf_features()
        x = self.features_.fit_transform(texts)
        self.threat_ = LogisticRegression(max_iter=2000).fit(x, [e.threat for e in train])
        cond = [e.threat * e.conditional for e in train]
        self.conditional_ = LogisticRegression(max_iter=2000).fit(x, cond)
        self.severity_ = LogisticRegression(max_iter=2000).fit(x, [e.severity for e in train])
        return self

    def predict_examples(self, texts: Sequence[str]) -> Predictions:
        """Labels at the 0.5 threshold."""
        x = self.features_.transform(list(texts))
        threat = self.threat_.predict(x).astype(int).tolist()
        cond = self.conditional_.predict(x).astype(int).tolist()
        sev = np.asarray(self.severity_.predict(x)).astype(int).tolist()
        return Predictions(threat, cond, sev)
