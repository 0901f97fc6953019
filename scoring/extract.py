"""Rule-based extraction of actor, target, condition and action spans from one sentence.

Spans carry character offsets into the sentence. The rules key on the cue words of
LABELS.md: condition markers open the condition clause; threat verbs and future modals
open the action; the speaker is the subject of the threat/speech verb or the name in a
trailing attribution (", the minister said"); the target is the object of the threat
verb or of the hostile verb, or the subject of a passive threat ("X will face").
They were tuned on training documents only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.types import Span

_I = re.IGNORECASE
_COND = re.compile(
    r"\b(?:if|unless|in the event(?: that| of)?|as long as|until|or else|otherwise|"
    r"failing which|in case(?: of)?|the moment|as soon as|should(?= \w+ (?:\w+ )?"
    r"(?:attack|strike|dare|try|attempt|continue|fail|refuse|launch|cross|expand|decide)))\b",
    _I,
)
_SPEECH = (
    r"(?:threaten|warn|vow|pledg|promis|said|say|declar|announc|stat|insist|stress|"
    r"affirm|confirm|told|tell|add|caution|urg|call|vow|issu|made|make|sa[iy]|accus|"
    r"claim|express|reiterat|sign|indicat|hint|signal|threat)"
)
_VERB_AFTER_SUBJ = re.compile(
    r"\s+(?:(?:on|last|this|late|early|earlier) \w+(?: \w+)?\s+|has |have |had |also |"
    r"again |recently |repeatedly |once again |,[^,]{1,40},\s*)*" + _SPEECH + r"\w*\b",
    _I,
)
_ATTRIB = re.compile(
    r"[,”\"’]\s*(?:[\"”’]\s*)?(?P<who>[^,\"“”]{2,90}?)\s+(?:has |had )?"
    r"(?:said|says|warned|added|stated|told|declared|threatened|wrote|insisted|stressed|"
    r"noted|cautioned|announced)\b|,\s*(?:said|warned|added)\s+(?P<who2>[^,.\"”]{2,90})",
    _I,
)
_ACCORDING = re.compile(r"\baccording to (?P<who>[^,.]{2,80})", _I)
_ACTION_OPEN = re.compile(
    r"\b(?:threat(?:en|ens|ened|ening)? to|vow(?:s|ed|ing)? to|pledg(?:es|ed) to|"
    r"promis(?:es|ed) to|warn(?:s|ed|ing)? of|threat(?:en|ens|ened|ening) \w+(?: \w+)? "
    r"with|will(?: not)?|would(?: not)?|shall|'ll|’ll|going to|ready to|"
    r"threats? (?:of|to)|right to|will face|would face|face)\s+",
    _I,
)
_DATELINE = re.compile(r"^[A-Z][A-Z.' ]{2,}(?:,[^:–—(]{1,30})?(?:\s*\([^)]*\))?\s*(?:[:–—-]+|—)\s*")
_INTRO = re.compile(
    r"^(?:(?:earlier|later|meanwhile|however|also|on|in|last|this|at|after|during|"
    r"speaking|addressing|while)\b[^,]{0,60},\s*)",
    _I,
)
_TARGET_OPEN = re.compile(
    r"\b(?:against|attacks? on|strikes? on|threaten(?:s|ed|ing)?|warn(?:s|ed|ing)?|"
    r"(?:attack|strike|hit|target|shell|destroy|punish|bomb|pursue|invade|kill|crush|"
    r"eliminate|teach|expel|sanction|sue|boycott|block|execut|murder|close|topple|"
    r"come after|act (?:directly )?against|return|turn|hitting|seize)(?:s|ed|ing|e)?)\s+",
    _I,
)
_TARGET_SKIP = re.compile(
    r"^(?:to|that|of|it|its|they|he|she|on|about|with|comes?|came|a lesson|calls?)\b", _I
)
_COND_SUBJECT = re.compile(
    r"(?:if|unless|in the event that|should|as long as|until)\s+(?P<who>(?:the |[A-Z][\w’'-]*"
    r"(?:\s+[A-Z][\w’'-]*)*))",
    _I,
)
_PASSIVE = re.compile(
    r"^(?P<who>[^,]{2,80}?)\s+(?:will|would)\s+(?:face|be (?:targeted|attacked|hit|struck|"
    r"destroyed|punished|wiped|considered|treated))",
    _I,
)
_CLAUSE_END = re.compile(
    r"[,;:—–(]|\s+(?:he|she|they|it) (?:said|added|warned)\b|\s+(?:said|says)\b|[.!?]+\s*$"
)
_NP_END = re.compile(
    r"[,;:—–(.!?\"“”]|\s+(?:if|unless|with|over|for|after|before|by|to|that|unless|who|"
    r"which|should|and (?:said|warned|threatened|vowed)|in the event|as|until|or|said)\b",
    _I,
)
_TRIM = "\"“‘'( "
_TRIM_END = ".,;:!?\"”’')' "


@dataclass(frozen=True, slots=True)
class Extraction:
    """The four spans of one sentence (None where not found)."""

    actor: Span | None
    target: Span | None
    condition: Span | None
    action: Span | None


def _span(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in _TRIM):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _TRIM_END):
        end -= 1
    return Span(text[start:end], start, end) if end - start >= 2 else None


def _until(pattern: re.Pattern[str], text: str, start: int, stop: int | None = None) -> int:
    limit = len(text) if stop is None else stop
    m = pattern.search(text, start + 1, limit)
    return m.start() if m else limit


def find_condition(text: str) -> Span | None:
    """The trigger clause, from its marker to the end of that clause."""
    m = _COND.search(text)
    if m is None:
        return None
    return _span(text, m.start(), _until(_CLAUSE_END, text, m.end()))


def find_action(text: str, condition: Span | None) -> Span | None:
    """The threatened action: the clause after a threat verb or a future modal."""
    for m in _ACTION_OPEN.finditer(text):
        if condition and condition.start <= m.start() < condition.end:
            continue
        stop = condition.start if condition and condition.start > m.end() else None
        return _span(text, m.end(), _until(_CLAUSE_END, text, m.end(), stop))
    return None


def _body_start(text: str) -> int:
    """Offset after a dateline ("CITY (AGENCY) -") and an introductory phrase."""
    start = 0
    m = _DATELINE.match(text)
    if m:
        start = m.end()
    m = _INTRO.match(text, start)
    return m.end() if m else start


def find_actor(text: str) -> Span | None:
    """Who threatens: a trailing attribution's speaker, else the subject of the verb."""
    m = _ATTRIB.search(text, 1)
    if m and m.start() > len(text) // 3:
        group = "who" if m.group("who") else "who2"
        return _span(text, m.start(group), m.end(group))
    start = _body_start(text)
    v = _VERB_AFTER_SUBJ.search(text, start)
    if v and v.start() > start and v.start() - start < 120:
        return _span(text, start, v.start())
    acc = _ACCORDING.search(text)
    return _span(text, acc.start("who"), acc.end("who")) if acc else None


def find_target(text: str) -> Span | None:
    """Who or what is threatened: the object of the threat/hostile verb."""
    for m in _TARGET_OPEN.finditer(text):
        rest = text[m.end() :]
        if _TARGET_SKIP.match(rest):
            continue
        end = _until(_NP_END, text, m.end())
        span = _span(text, m.end(), min(end, m.end() + 80))
        if span:
            return span
    p = _PASSIVE.match(text, _body_start(text))
    if p:
        return _span(text, p.start("who"), p.end("who"))
    c = _COND_SUBJECT.search(text)
    if c and c.group("who")[:1].isupper():
        return _span(text, c.start("who"), c.end("who"))
    return None


def extract(text: str, conditional: bool) -> Extraction:
    """All four spans; the condition only when the statement is judged conditional."""
    condition = find_condition(text) if conditional else None
    return Extraction(
        actor=find_actor(text),
        target=find_target(text),
        condition=condition,
        action=find_action(text, condition),
    )
