"""Rule-based extraction of actor, target, condition and action spans from one sentence.

Spans carry character offsets into the sentence. Rules key on the cue words of LABELS.md
(condition markers, threat verbs, modal "will/would"); they were tuned on training
documents only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.types import Span

_COND = re.compile(
    r"\b(?:if|unless|should|in the event(?: that| of)?|once|as long as|until|"
    r"or else|otherwise|failing which|in case)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(?:will|would|shall|'ll|vow(?:s|ed)? to|threaten(?:s|ed)? to|warn(?:s|ed)? of|"
    r"pledg(?:es|ed) to|promis(?:es|ed) to)\s+",
    re.IGNORECASE,
)
_ACTOR_VERB = re.compile(
    r"\s+(?:has |have |had )?(?:also |again |repeatedly )?"
    r"(?:warn|threaten|vow|said|says|say|declar|announc|stat|pledg|insist|stress|affirm"
    r"|confirm|told|tell)",
    re.IGNORECASE,
)
_TARGET = re.compile(r"\b(?:against|on|at|target(?:ing)?|attack(?:ing)?|strike)\s+", re.I)
_CLAUSE_END = re.compile(r"[,;:—–]|\s+(?:he|she|they|it) (?:said|added|warned)\b|[.!?\"”]+\s*$")


@dataclass(frozen=True, slots=True)
class Extraction:
    """The four spans of one sentence (None where not found)."""

    actor: Span | None
    target: Span | None
    condition: Span | None
    action: Span | None


def _span(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in "\"“‘'("):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?\"”’')"):
        end -= 1
    if end - start < 2:
        return None
    return Span(text[start:end], start, end)


def _clause_from(text: str, start: int, stop: int | None = None) -> int:
    """End offset of the clause that begins at `start`."""
    limit = len(text) if stop is None else stop
    m = _CLAUSE_END.search(text, start + 1, limit)
    return m.start() if m else limit


def find_condition(text: str) -> Span | None:
    """The trigger clause, from its marker to the end of that clause."""
    m = _COND.search(text)
    if m is None:
        return None
    return _span(text, m.start(), _clause_from(text, m.end()))


def find_action(text: str, condition: Span | None) -> Span | None:
    """The threatened action: the clause after a modal or threat verb."""
    for m in _ACTION.finditer(text):
        if condition and condition.start <= m.start() < condition.end:
            continue
        stop = condition.start if condition and condition.start > m.end() else None
        return _span(text, m.end(), _clause_from(text, m.end(), stop))
    return None


def find_actor(text: str) -> Span | None:
    """Who speaks: the noun phrase before a warn/threaten/say verb."""
    m = _ACTOR_VERB.search(text)
    if m is None or m.start() == 0:
        return None
    head = text[: m.start()]
    cut = max(head.rfind(","), head.rfind("\""), head.rfind("”"), head.rfind("."))
    start = cut + 1 if cut >= 0 else 0
    return _span(text, start, m.start())


def find_target(text: str) -> Span | None:
    """Who or what is threatened: the phrase after against/on/target/attack."""
    m = _TARGET.search(text)
    if m is None:
        return None
    return _span(text, m.end(), _clause_from(text, m.end()))


def extract(text: str, conditional: bool) -> Extraction:
    """All four spans; the condition only when the statement is judged conditional."""
    condition = find_condition(text) if conditional else None
    return Extraction(
        actor=find_actor(text),
        target=find_target(text),
        condition=condition,
        action=find_action(text, condition),
    )
