"""The combined escalation score of one statement.

    escalation = P(threat) * (E[severity | threat] / 3) * (0.75 + 0.25 * P(conditional | threat))

* ``E[severity | threat] = sum_k k * p_k / (p_1 + p_2 + p_3)`` over the severity-head
  probabilities of levels 1..3 (level 0 means "no threat", already carried by P(threat)).
* A conditional threat names its trigger and so is a standing commitment that can be
  tripped; it weighs up to a quarter more than an unconditional one.
* The result is in [0, 1]: 1 only for a certain, conditional, war/WMD-level threat; 0 for
  a certain non-threat.
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
