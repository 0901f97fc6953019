"""Has the condition of a conditional threat come true? A report against a trigger clause.

Method (documented in README "Trigger watch"):

1. Actor names are masked in both texts (gazetteer aliases: "Israel", "Beirut", "the U.S."),
   so that what is compared is the *event*: a report that merely names the same actors
   ("grain prices in Beirut rose") is not about the condition.
2. Relevance, in [0, 1]: with English stop words removed (they share n-grams with
   everything), the mean of (a) the cosine of the character 3-5-gram sets of the masked
   condition and report (robust to "join"/"joined", "invade"/"invasion") and (b) the share
   of the condition's content words (5-letter prefixes) found in the report.
3. Modality: a report that only hypothesises, threatens, warns, plans or expects the
   event ("would", "if", "warned", "is weighing", "preparing") or denies it ("denied",
   "has yet to") does not state that it happened, whatever its relevance.
4. Observed when no modality cue is found and relevance >= `threshold`.

Callers check only conditions whose threat shares an actor with the report (the service's
trigger watch does). `DEFAULT_THRESHOLD` is discussed in README; `redline eval-triggers`
reports held-out figures with the threshold tuned on training folds only.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from scoring.actors import Gazetteer

DEFAULT_THRESHOLD = 0.02

_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|would|could|might|should|as soon as|set to|ready to|poised to|"
    r"possibl[ey]|likely|warn\w*|threat\w*|vow\w*|pledg\w*|caution\w*|weigh\w*|"
    r"consider\w*|plan|plans|planning|planned|prepar\w*|expect\w*|intend\w*)\b",
    re.IGNORECASE,
)
_MAY = re.compile(r"\bmay\b")  # lower case only: "May 6" is a date, not a hedge
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|reject(?:s|ed)?|yet to|not yet|no plans?|exempt\w*|"
    r"haven't|hasn't)\b",
    re.IGNORECASE,
)
_STOP = ENGLISH_STOP_WORDS
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    """Whether a report states that a condition happened, its relevance and why."""

    observed: bool
    relevance: float
    reasons: tuple[str, ...]


def content_words(text: str) -> set[str]:
    """Content words of `text`, cut to 5-letter prefixes (a crude stem)."""
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def char_cosine(a: str, b: str) -> float:
    """Cosine of the character 3-5-gram sets of two texts (0 when either has none)."""
    try:
        grams = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), binary=True)
        x = grams.fit_transform([a.lower(), b.lower()]).toarray().astype(np.float64)
    except ValueError:  # no n-gram at all
        return 0.0
    norms = np.linalg.norm(x, axis=1)
    if norms.min() == 0:
        return 0.0
    return float(x[0] @ x[1] / (norms[0] * norms[1]))


def event_text(text: str, gazetteer: Gazetteer | None) -> str:
    """`text` with every actor mention blanked out (step 1)."""
    if gazetteer is None:
        return text
    for m in sorted(gazetteer.find_all(text), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return text


def relevance(condition: str, report: str, *, gazetteer: Gazetteer | None = None) -> float:
    """Step 2: how much the report's event is the condition's event, in [0, 1]."""
    condition, report = (
        _content(event_text(condition, gazetteer)),
        _content(event_text(report, gazetteer)),
    )
    words = content_words(condition)
    overlap = len(words & content_words(report)) / len(words) if words else 0.0
    return min(1.0, 0.5 * char_cosine(condition, report) + 0.5 * overlap)


def _content(text: str) -> str:
    # Stop words share n-grams with everything; comparing without them removes that floor.
    return " ".join(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def modality_cues(report: str) -> tuple[str, ...]:
    """Step 3: words showing the report does not state the event as a fact."""
    cues = [f"hypothetical or threatened: {m.group(0)!r}" for m in _HYPOTHETICAL.finditer(report)]
    cues += [f"hedged: {m.group(0)!r}" for m in _MAY.finditer(report)]
    cues += [f"denial: {m.group(0)!r}" for m in _DENIAL.finditer(report)]
    return tuple(cues)


def match(
    condition: str,
    report: str,
    *,
    threat_actors: Collection[str] = (),
    report_actors: Collection[str] = (),
    gazetteer: Gazetteer | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> TriggerMatch:
    """Step 4: observed when the report is about the condition's event and states a fact."""
    score = relevance(condition, report, gazetteer=gazetteer)
    shared = sorted(set(threat_actors) & set(report_actors))
    reasons = [f"relevance {score:.2f} (threshold {threshold:.2f})"]
    if shared:
        reasons.append("shared actors: " + ", ".join(shared))
    cues = modality_cues(report)
    reasons.extend(cues)
    return TriggerMatch(
        observed=not cues and score >= threshold, relevance=score, reasons=tuple(reasons)
    )
