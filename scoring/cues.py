"""Hand-made cue features: the words LABELS.md says decide threat, condition and severity.

`CueFeatures` is a stateless scikit-learn transformer mapping sentences to a dense 0/1
matrix, one column per cue in `CUES`, one per clause-level pattern in `REGEX_CUES`, plus
conjunctions of cues (`PAIRS`). The n-gram
features see the same words; the cues add what a linear model over n-grams cannot learn
from few examples: that a condition marker *together with* a future modal or a threat
verb makes a conditional threat, and that denial, reports of the past or third-party
analysis undo it. A cue fires when one of its words is a token of the lower-cased
sentence or one of its phrases occurs in it (set and substring tests: fast); a regex cue
when its pattern matches the lower-cased sentence (word order within one clause: "warned
them not to", "will not allow", "if ..., we will", "any ... will be met").
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
    ("cond", "modal_hostile"),
    ("first_person", "modal_hostile"),
    ("quote", "modal_hostile"),
    ("threat_verb", "warn_not"),
    ("modal_hostile", "past_attack"),
    ("modal_hostile", "denial"),
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
# Clause-level cues (regular expressions over the lower-cased sentence) for the hard cases
# of LABELS.md that word sets cannot see: word order inside one clause matters.
_HOSTILE_VERB = (
    r"(?:attack|strike|target|retaliate|respond|hit|destroy|punish|crush|annihilate|impose|"
    r"face|pay|suffer|fire|invade|close|cut|kill|wipe|use|take|launch|bomb|burn|sever|expel|"
    r"shut|seize|retake|eliminate|defend|act|teach|regret|hold)"
)
REGEX_CUES: dict[str, re.Pattern[str]] = {
    # modal/future + hostile verb in one clause: "will strike", "would face", "is going to hit"
    "modal_hostile": re.compile(
        r"\b(?:will|would|shall|'ll|’ll|going to|vowed to|threatened to|threatens to)\s+"
        r"(?:[a-z]+\s+){0,3}?" + _HOSTILE_VERB + r"[a-z]*\b"
    ),
    # "warned X not to", "warning X against", "urged them not to"
    "warn_not": re.compile(
        r"\b(?:warn|urg|caution|told|order)[a-z]*\b[^.;:]{0,80}?\b(?:not to|against)\b"
    ),
    # deterrent pledges
    "pledge": re.compile(
        r"\b(?:will|would|shall|won't|won’t|wo n't|cannot|can't|can’t)\s+(?:not\s+)?"
        r"(?:allow|tolerate|accept|stand idly|remain silent|go unpunished|go unanswered|"
        r"be forgiven|hesitate|sit idly)"
    ),
    # "any aggression will be met", "will be considered an act of war", class targets
    "any_met": re.compile(
        r"\b(?:any|anyone|anybody|whoever|those who|every)\b[^.;]{0,80}?\b(?:will|would|shall)\s+"
        r"(?:be\s+)?(?:met|considered|treated|regarded|seen|face|pay|become|targeted|punished)"
        r"|cause of war|casus belli|act of war|legitimate (?:military )?targets?"
    ),
    # ultimatums and deadlines
    "ultimatum": re.compile(
        r"\bultimatum|\bdeadline|\b(?:hours?|days?|weeks?)\s+(?:to|notice|ultimatum)\b"
        r"|\bor face\b|\bor else\b|\bfailing (?:that|which|this)\b|\b(?:each|every) time\b"
        r"|\bthe more\b[^.]*\bthe more\b|\bbefore\b[^.]{0,60}\bor\b"
    ),
    # condition connective, then a main clause with a modal: "if they come, we will"
    "cond_then_modal": re.compile(
        r"\b(?:if|unless|should|once|until|as long as|in the event)\b[^.;]{0,120}?,\s*"
        r"(?:[a-z]+\s+){0,4}?(?:will|would|shall|'ll|’ll)\b"
    ),
    # main clause with a modal, then the condition: "we will strike if they come"
    "modal_then_cond": re.compile(
        r"\b(?:will|would|shall|'ll|’ll)\b[^.;]{0,100}?\b(?:if|unless|should|until|as long as|"
        r"in the event|in case|otherwise)\b"
    ),
    # reports of past attacks
    "past_attack": re.compile(
        r"\b(?:was|were|had been|have been|has been)\s+(?:[a-z]+\s+)?"
        r"(?:killed|attacked|wounded|struck|bombed|targeted|hit|shelled|arrested|sentenced)"
        r"|\b(?:launched|carried out|conducted)\s+(?:[a-z]+\s+){0,3}?(?:attack|strike|raid|assault)"
    ),
    # considering / preparing / may, without a voiced warning
    "considering": re.compile(
        r"\b(?:consider|mull|weigh|prepar|plan|discuss|debat|review)(?:s|ed|ing)?\b"
        r"|\b(?:could|may|might)\s+(?:impose|face|be|soon|lead)"
    ),
    # offers: "willing to withdraw if", "ready to talk"
    "offer": re.compile(
        r"\b(?:willing|ready|prepared|offer(?:ed|s)?|open) to\b"
        r"\s*(?:negotiat|talk|withdraw|resum|return|lift|eas|help|cooperat|accept|releas|consider)"
    ),
    # third-party analysis and risk warnings
    "risk_of": re.compile(
        r"\b(?:risks?|threatens?) (?:spreading|spilling|escalat|widen|destabili|undermin|the)"
        r"|\bwarn(?:s|ed|ing)? (?:of|about) (?:a |the )?(?:risk|danger|possib)"
    ),
    # "threat" and "warn" in senses that are no actor's threat: a danger, a level, a sign
    "threat_sense": re.compile(
        r"\b(?:pose[sd]?|posing|potential|growing|imminent|security|terror(?:ist)?|potent|"
        r"direct|existential|perceived|serious) threats?\b|\bthreat level"
        r"|\bwarning (?:signs?|strike)|\bthreatens? (?:to )?(?:spiral|boost|undermine|stability|"
        r"security|the (?:deal|welfare|peace))"
        r"|\bthreatened (?:species|towns|villages|bird|animals)"
    ),
    # a warning about what could or may happen: a forecast, not a threat
    "warn_could": re.compile(r"\bwarn[a-z]*\b[^.;]{0,80}?\b(?:could|may|might|risk)\b"),
}
_NAMES = list(CUES)
_PHRASES = tuple(sorted({p for _, ps in CUES.values() for p in ps}))
_SETS = [(ws, frozenset(ps)) for ws, ps in CUES.values()]
_REGEXES = list(REGEX_CUES.values())
_INDEX = {n: i for i, n in enumerate([*_NAMES, *REGEX_CUES])}
N_FEATURES = len(_NAMES) + len(REGEX_CUES) + len(PAIRS)


def cue_row(text: str) -> list[float]:
    """The cue vector of one sentence."""
    lower = text.lower()
    words = set(_WORD.findall(lower))
    found = {p for p in _PHRASES if p in lower}
    base = [1.0 if not (words.isdisjoint(ws) and found.isdisjoint(ps)) else 0.0 for ws, ps in _SETS]
    base += [1.0 if rx.search(lower) else 0.0 for rx in _REGEXES]
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
