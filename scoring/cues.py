"""Hand-made cue features: the words LABELS.md says decide threat, condition and severity.

`CueFeatures` is a stateless scikit-learn transformer mapping sentences to a dense
0/1 matrix, one column per cue in `CUES` plus a few conjunctions of them. The lexical
n-gram features see the same words; the cues add what a linear model over n-grams cannot
learn from few examples: that a condition marker *together with* a future modal or a
threat verb makes a conditional threat, and that denial, reporting of the past or
third-party analysis undo it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin

_I = re.IGNORECASE
CUES: dict[str, re.Pattern[str]] = {
    "cond": re.compile(
        r"\b(if|unless|in the event|as long as|until|or else|otherwise|failing which|"
        r"in case|the moment|as soon as|or face|once)\b|^\W*should\b|,\s*should\b",
        _I,
    ),
    "any_will": re.compile(r"\b(any|anyone|whoever|those who|every)\b.{0,80}\b(will|would)\b", _I),
    "not_allow": re.compile(
        r"\b(will|would)\s+not\s+(allow|tolerate|accept|permit|stand idly)|red lines?\b", _I
    ),
    "act_of_war": re.compile(r"\b(act of war|declaration of war|casus belli)\b", _I),
    "threat_verb": re.compile(r"\b(threat\w*|warn\w*|vow\w*|pledg\w*|ultimatum)\b", _I),
    "modal": re.compile(r"\b(will|would|shall|'ll|going to)\b|’ll\b", _I),
    "hostile": re.compile(
        r"\b(attack\w*|strik\w*|target\w*|retaliat\w*|destroy\w*|punish\w*|respon\w*|hit|"
        r"bomb\w*|kill\w*|crush\w*|annihilat\w*|eliminat\w*|wip\w* out|war|fire|invad\w*|"
        r"pay\w*|price|consequences|revenge|aveng\w*|burn\w*|blockad\w*|sanction\w*|"
        r"expel\w*|cut\w* (off|ties)|boycott\w*|tariff\w*|legitimate|measures|options)\b",
        _I,
    ),
    "legit_target": re.compile(r"\blegitimate targets?\b|\ball options\b|\bheavy price\b", _I),
    "first_person": re.compile(r"\b(we|our|us|i)\b", _I),
    "quote": re.compile(r"[\"“”«»]|''|``"),
    "denial": re.compile(
        r"\b(no (plans?|intention)|not (plan|intend|seek|want)\w*|deni\w*|deny\w*|"
        r"reject\w*|dismiss\w*|ruled out)\b",
        _I,
    ),
    "past_report": re.compile(
        r"\b(killed|wounded|attacked|launched|carried out|claimed responsibility|struck|"
        r"fired|shelled|bombed|arrested|seized|clashed|died|injured)\b",
        _I,
    ),
    "analysis": re.compile(
        r"\b(risks?|could lead|fears?|feared|concerns?|analysts?|experts?|likely|"
        r"possibility|may|might|escalation|spiral\w*|spill\w*)\b",
        _I,
    ),
    "report_verb": re.compile(r"\b(said|says|told|stated|added|according to|quoted)\b", _I),
    "sev3": re.compile(
        r"\b(war|nuclear|atomic|annihilat\w*|wip\w* (out|off)|catastroph\w*|"
        r"obliterat\w*|raze|chemical weapons?|all-out|total destruction)\b",
        _I,
    ),
    "sev1": re.compile(
        r"\b(sanction\w*|tariff\w*|expel\w*|expulsion|boycott\w*|sever\w*|ties|"
        r"embargo\w*|diplomatic|ambassador|legal action|sue|lawsuit|suspend\w*|"
        r"strike action|sit-in|protest\w*|ban\w*|visa\w*|trade|economic)\b",
        _I,
    ),
    "sev2": re.compile(
        r"\b(attack\w*|strik\w*|target\w*|military|force|missiles?|bases?|troops|"
        r"kill\w*|bomb\w*|fire|drone\w*|armed|militar\w*|retaliat\w*)\b",
        _I,
    ),
}
_PAIRS = [
    ("cond", "modal"),
    ("cond", "threat_verb"),
    ("cond", "hostile"),
    ("modal", "hostile"),
    ("threat_verb", "denial"),
    ("modal", "denial"),
    ("cond", "analysis"),
    ("modal", "first_person"),
    ("threat_verb", "past_report"),
]


def cue_matrix(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """0/1 matrix: one column per cue, then one per conjunction in `_PAIRS`."""
    names = list(CUES)
    base = np.array(
        [[1.0 if pat.search(t) else 0.0 for pat in CUES.values()] for t in texts]
    ).reshape(len(texts), len(names))
    idx = {n: i for i, n in enumerate(names)}
    pairs = [base[:, idx[a]] * base[:, idx[b]] for a, b in _PAIRS]
    return (
        np.column_stack([base, *pairs]) if len(texts) else np.zeros((0, len(names) + len(_PAIRS)))
    )


class CueFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Stateless transformer: sentences to the cue matrix, scaled by `weight`."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X: Sequence[str], y: Any = None) -> CueFeatures:  # noqa: N803
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence[str]) -> npt.NDArray[np.float64]:  # noqa: N803
        """The weighted cue matrix of `X`."""
        return cue_matrix(X) * self.weight
