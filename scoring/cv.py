"""Cross-validation of the threat model on the training documents, to choose settings.

Settings are chosen here, never on the held-out documents: `compare` fits the shipped
settings and a candidate (`ThreatModel` keyword arguments) on the same document-grouped
folds of the training sentences and reports both out-of-fold figures, with
document-bootstrap intervals of the paired difference candidate - shipped. Fold partitions
differ with `shuffle_seed`; a real gain should hold on more than one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from scoring.data import Example
from scoring.evaluate import Predictions, figures
from scoring.intervals import held_out_intervals
from scoring.model import ThreatModel


def out_of_fold(
    examples: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
) -> Predictions:
    """Decisions of `ThreatModel(**params)` for every sentence, each from the fold that
    did not see its document; severity as the scorer gives it (its likeliest level 1-3
    for a threat, else 0)."""
    docs = [e.doc for e in examples]
    shuffle = shuffle_seed is not None
    kfold = GroupKFold(folds, shuffle=shuffle, random_state=shuffle_seed if shuffle else None)
    labels = np.array([[e.threat, e.conditional, e.severity] for e in examples])
    threat = np.zeros(len(examples), dtype=np.int64)
    cond, severity = threat.copy(), threat.copy()
    for fit, held in kfold.split(examples, groups=docs):
        model = ThreatModel(**params).fit(
            [examples[i].text for i in fit], labels[fit], [docs[i] for i in fit]
        )
        probs = model.predict_all([examples[i].text for i in held])
        is_threat, is_cond = model.decide(probs)
        threat[held], cond[held] = is_threat, is_cond
        severity[held] = np.where(is_threat, 1 + probs.severity[:, 1:].argmax(axis=1), 0)
    return Predictions(threat.tolist(), cond.tolist(), severity.tolist())


def compare(
    examples: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    """Out-of-fold figures of the shipped settings and of `params` on `examples` (training
    sentences), and intervals of the candidate's figures and of its lead."""
    with threadpool_limits(limits=1):  # as in training, so the figures match it
        shipped = out_of_fold(examples, {}, folds, shuffle_seed)
        candidate = out_of_fold(examples, params, folds, shuffle_seed)
    intervals = held_out_intervals(examples, candidate, {"shipped": shipped})
    return {
        "params": dict(params),
        "folds": folds,
        "shuffle_seed": shuffle_seed,
        "n": len(examples),
        "shipped": figures(examples, shipped),
        "candidate": figures(examples, candidate),
        "intervals": intervals,
    }
