"""Hand-made cue features: the words LABELS.md says decide threat, condition and severity.

`CueFeatures` is a stateless scikit-learn transformer mapping sentences to a dense 0/1
matrix, one column per cue in `CUES` plus conjunctions of cues (`PAIRS`). The n-gram
features see the same words; the cues add what a linear model over n-grams cannot learn
from few examples: that a condition marker *together with* a future modal or a threat
verb makes a conditional threat, and that denial, reports of the past or third-party
analysis undo it. A cue fires when one of its words is a token of the lower-cased
sentence or one of its phrases occurs in it (set and substring tests: fast).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, TransformerMixin

_WORD = re.compile(r"[a-z]+")


def _w(words: str) -> frozenset[str]:
    return frozenset(words.split())


# cue name -> (single words, phrases)
CUES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "cond": (
        _w("if unless until otherwise once whoever should"),
        (
            "in the event",
            "as long as",
            "or else",
            "failing which",
            "in case",
            "the moment",
            "as soon as",
            "or face",
        ),
    ),
    "any_will": (frozenset(), ("any ", "anyone", "those who", "every ")),
    "not_allow": (
        frozenset(),
        (
            "not allow",
            "not tolerate",
            "not accept",
            "not permit",
            "idly by",
            "red line",
            "n't allow",
            "n't tolerate",
            "act of war",
            "declaration of war",
        ),
    ),
    "threat_verb": (
        _w(
            "threat threats threaten threatens threatened threatening warn warns warned "
            "warning warnings vow vows vowed pledge pledged ultimatum"
        ),
        (),
    ),
    "modal": (_w("will would shall ll going"), ()),
    "hostile": (
        _w(
            "attack attacks attacked strike strikes target targets targeted retaliate "
            "retaliation destroy punish punishment respond response hit bomb kill crush "
            "annihilate eliminate war fire invade pay price consequences revenge avenge "
            "burn blockade sanctions sanction expel boycott tariffs legitimate measures "
            "options force"
        ),
        ("cut off", "cut ties", "wipe out"),
    ),
    "legit_target": (frozenset(), ("legitimate target", "all options", "heavy price")),
    "first_person": (_w("we our us i"), ()),
    "quote": (frozenset(), ('"', "“", "”", "«", "''")),
    "denial": (
        _w("denied denies deny rejected rejects dismissed"),
        ("no plan", "no intention", "not plan", "not intend", "not seek", "not want", "ruled out"),
    ),
    "past_report": (
        _w(
            "killed wounded attacked launched struck fired shelled bombed arrested seized "
            "clashed died injured"
        ),
        ("carried out", "claimed responsibility"),
    ),
    "analysis": (
        _w(
            "risk risks fear fears feared concern concerns analyst analysts expert experts "
            "likely possibility may might escalation spiral spill"
        ),
        ("could lead",),
    ),
    "report_verb": (_w("said says told stated added quoted"), ("according to",)),
    "sev3": (
        _w("war nuclear atomic annihilate annihilation catastrophe obliterate raze obliteration"),
        ("wipe out", "wipe off", "chemical weapon", "all-out", "total destruction"),
    ),
    "sev1": (
        _w(
            "sanction sanctions tariff tariffs expel expulsion boycott sever ties embargo "
            "diplomatic ambassador sue lawsuit suspend protest protests ban visa trade "
            "economic"
        ),
        ("legal action", "sit-in", "strike action"),
    ),
    "sev2": (
        _w(
            "attack attacks strike strikes target targets military force missile missiles "
            "base bases troops kill bomb fire drone drones armed retaliate retaliation"
        ),
        (),
    ),
}
PAIRS = (
    ("cond", "modal"),
    ("cond", "threat_verb"),
    ("cond", "hostile"),
    ("modal", "hostile"),
    ("threat_verb", "denial"),
    ("modal", "denial"),
    ("cond", "analysis"),
    ("modal", "first_person"),
    ("threat_verb", "past_report"),
    ("any_will", "modal"),
)
_NAMES = list(CUES)
_PHRASES = tuple(sorted({p for _, ps in CUES.values() for p in ps}))
_SETS = [(ws, frozenset(ps)) for ws, ps in CUES.values()]
_INDEX = {n: i for i, n in enumerate(_NAMES)}
N_FEATURES = len(_NAMES) + len(PAIRS)


def cue_row(text: str) -> list[float]:
    """The cue vector of one sentence."""
    lower = text.lower()
    words = set(_WORD.findall(lower))
    found = {p for p in _PHRASES if p in lower}
    base = [1.0 if not (words.isdisjoint(ws) and found.isdisjoint(ps)) else 0.0 for ws, ps in _SETS]
    return base + [base[_INDEX[a]] * base[_INDEX[b]] for a, b in PAIRS]


def cue_matrix(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """0/1 matrix: one column per cue, then one per conjunction in `PAIRS`."""
    return np.array([cue_row(t) for t in texts], dtype=np.float64).reshape(-1, N_FEATURES)


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
