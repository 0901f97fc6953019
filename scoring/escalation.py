"""The combined escalation score of one statement, and how the scores behind it are made.

Model (see `scoring.model`, `scoring.tagger`, `scoring.split`):

* Sentences come from `split_sentences` (blingfire plus news fixes for headings, bullets
  and abbreviations).
* Features: word 1-2-gram TF-IDF, char_wb 4-gram TF-IDF and 26 hand-made cues
  (`scoring.cues`: condition markers, threat verbs, modals, denial, past reports,
  third-party analysis, severity words, and conjunctions of them).
* P(threat) and P(conditional threat) come from class-balanced logistic regressions,
  Platt-calibrated on document-grouped out-of-fold scores of the training documents;
  their decision thresholds are the F1-best on those out-of-fold probabilities.
* Severity: a logistic regression over levels 1..3 fitted on threat sentences;
  ``P(severity = 0) = 1 - P(threat)`` and ``P(severity = k) = P(threat) * P(k | threat)``.
* Spans (actor, target, condition, action): a token tagger (one logistic regression per
  field over word, context, cue and rule features) decoded to one contiguous span each.

Escalation:

    escalation = P(threat) * (E[severity | threat] / 3) * (0.75 + 0.25 * P(conditional | threat))

* ``E[severity | threat] = sum_k k * P(k | threat)`` over levels 1..3.
* ``P(conditional | threat) = P(conditional threat) / P(threat)``. A conditional threat
  names its trigger and so is a standing commitment that can be tripped: it weighs up to
  a quarter more than an unconditional one.
* The result is in [0, 1]: 1 only for a certain, conditional, war/WMD-level threat, 0 for
  a certain non-threat; a certain unconditional sanctions threat scores 0.25, a certain
  conditional threat of force 0.67. Because P(threat) is calibrated, summing escalation
  over statements gives an expected severity-weighted count of threats.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
COND_WEIGHT = 0.25


def escalation(threat: FloatArray, conditional: FloatArray, severity: FloatArray) -> FloatArray:
    """Escalation in [0, 1] per row; arguments as returned by ThreatModel.predict_all."""
    levels = np.array([1.0, 2.0, 3.0])
    mass = severity[:, 1:].sum(axis=1)
    expected = np.where(mass > 0, (severity[:, 1:] @ levels) / np.maximum(mass, 1e-12), 2.0)
    cond_given_threat = np.clip(conditional / np.maximum(threat, 1e-12), 0.0, 1.0)
    weight = (1.0 - COND_WEIGHT) + COND_WEIGHT * cond_given_threat
    result: FloatArray = np.clip(threat * (expected / 3.0) * weight, 0.0, 1.0)
    return result
