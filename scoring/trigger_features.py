"""Features of a (condition, report) pair for the trigger classifier in `scoring.triggers`.

Four numbers a reader can check by hand (`FEATURES`):

- `lexical`: how much the report's wording is the condition's, in [0, 1]: the mean of the
  cosine of the character 3-5-gram sets and the share of the condition's content words
  (5-letter prefixes) found in the report, stop words and actor names removed;
- `event_stated`: 1 when the condition and the report name the same kind of event (a small
  hand-written lexicon of event words and synonyms, `EVENTS`: "attack" also reads "strike",
  "bombed", "hit"; "join" also reads "member", "accession") and the report names it
  *before* any modality cue. News sentences put the main event first: "X struck Y, days
  after Z said it would retaliate" states a strike; "X said it would strike Y" does not;
- `event_hedged`: 1 when they share an event kind but every mention of it in the report
  comes after a modality cue;
- `main_cues`: how many modality cues (hypothesis, threat, plan, expectation, request,
  future, denial) the report has outside clauses opened by "after", "amid", "despite"...
  (capped at 3): "began the drills amid threats" is still a fact.

Actor names are masked first, so that sharing names is not sharing an event. Masking
looks only for the aliases of the actors given (a small cached pattern: the callers pass
every actor found in either text), or through the whole gazetteer when none are given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from scoring.actors import Actor, Gazetteer, normalise

FEATURES = ("lexical", "event_stated", "event_hedged", "main_cues")
MAX_CUES = 3

# Event kinds and words that report them (own lexicon: general news vocabulary for armed,
# economic and diplomatic events). Regexes over lower-cased text.
EVENTS: dict[str, str] = {
    "attack": (
        r"attack\w*|strik\w*|struck|hit|hits|bomb\w*|air ?strikes?|shell(?:s|ed|ing)|"
        r"raid\w*|targets?|targeted|targeting|bombard\w*|assault\w*|fired|fires|firing|"
        r"aggress\w*|retaliat\w*|military action|use of force|intervention|hostilities|"
        r"misadventure|war|conflict|fighting|clash\w*|combat|launch\w*|actions? against"
    ),
    "invade": (
        r"invad\w*|invasion|incursions?|ground (?:operations?|offensive|assault|forces|troops)|"
        r"(?:sent|send|sends|sending) (?:troops|forces)|troops (?:\w+ ){0,2}into|tanks|"
        r"enter\w*|go in|go into|goes into|gone into|went into|went in|mov\w* into|"
        r"push\w* into|occup\w*|offensive"
    ),
    "supply": (
        r"suppl\w*|deliver\w*|send|sends|sending|sent|provid\w*|transfer\w*|ship\w*|"
        r"hand\w* over|arm|arms|arming|armed"
    ),
    "join": r"join\w*|members?|membership|accession|acced\w*|admit\w*",
    "tariff": r"tariffs?|duty|duties|import tax\w*|levy|levies",
    "sanction": r"sanction\w*|embargo\w*|snapback|reimpos\w*|reinstat\w*",
    "drill": r"drills?|exercises?|manoeuv\w*|maneuv\w*|war ?games?",
    "agreement": (
        r"agree\w*|deal|deals|contracts?|accord|arbitration|settlement|solution|terms|"
        r"ceasefire|truce"
    ),
    "escalate": r"escalat\w*|resum\w*|widen\w*|expand\w*|intensif\w*|renew\w*",
    "authorise": (
        r"authori[sz]\w*|allow\w*|permit\w*|green light|lift\w* (?:the )?restrictions?|"
        r"approv\w*|go-ahead"
    ),
    "leave": r"step\w* down|resign\w*|relinquish\w*|exile|flee|fled|leave power|quit",
}
# Whole words, and not inside a hyphenated word ("coup-hit" is no hit).
_EVENT_RES = {
    kind: re.compile(rf"(?<![\w-])(?:{words})(?![\w-])") for kind, words in EVENTS.items()
}

# Words showing that a report does not state its event as a fact (own list).
_CUE = re.compile(
    r"\b(?:if|unless|would|could|might|should|will|shall|as soon as|set to|ready to|"
    r"poised to|possibl[ey]|likely|warn\w*|threat\w*|vow\w*|pledg\w*|caution\w*|weigh\w*|"
    r"consider\w*|plans? to|planning|planned to|prepar\w*|expect\w*|intend\w*|ask\w*|"
    r"urg\w*|call\w* for|demand\w*|seek\w*|desire\w*|want\w*|hope\w*|future|"
    r"den(?:y|ies|ied)|reject\w*|yet to|not yet|no plans?|exempt\w*|haven't|hasn't|"
    r"have not|has not)\b|'ll\b"
)
_MAY = re.compile(r"\bmay\b")  # lower case only: "May 6" is a date, not a hedge
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]| - ")
_SUBORDINATE = re.compile(
    r"\b(?:after|amid|amidst|despite|following|since|while|prompting|before|because)\b"
)
_STOP = ENGLISH_STOP_WORDS
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_GRAMS = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """Feature values of one pair (in `FEATURES` order), with the cues and events seen."""

    values: tuple[float, ...]
    cues: tuple[str, ...]
    events: tuple[str, ...]

    def as_dict(self) -> dict[str, float]:
        """Feature name -> value."""
        return dict(zip(FEATURES, self.values, strict=True))


@lru_cache(maxsize=1024)
def _small_gazetteer(actors: tuple[Actor, ...]) -> Gazetteer:
    small = Gazetteer()
    for actor in actors:
        small.add(actor)
    return small


def _blank(text: str, finder: Gazetteer) -> str:
    text = normalise(text)
    for m in sorted(finder.find_all(text), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return text


@lru_cache(maxsize=4096)
def _blank_known(text: str, actors: tuple[Actor, ...]) -> str:
    # Cached: a watch's condition is matched against every new statement naming its actors.
    return _blank(text, _small_gazetteer(actors))


def mask_actors(text: str, gazetteer: Gazetteer | None, actor_ids: Collection[str] = ()) -> str:
    """`text` (normalised, case kept) with every actor mention blanked out.

    With `actor_ids`, only those actors' aliases are looked for; without, every alias in
    the gazetteer (slower: one large pattern).
    """
    if gazetteer is None:
        return normalise(text)
    known = tuple(gazetteer.actors[a] for a in sorted(set(actor_ids)) if a in gazetteer.actors)
    return _blank_known(text, known) if known else _blank(text, gazetteer)


def content_words(text: str) -> list[str]:
    """Lower-case words of `text` that are not stop words, longer than two letters."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2]


def char_cosine(a: str, b: str) -> float:
    """Cosine of the character 3-5-gram sets of two texts (0 when either has none)."""
    x, y = set(_GRAMS(a.lower())), set(_GRAMS(b.lower()))
    if not x or not y:
        return 0.0
    return len(x & y) / math.sqrt(len(x) * len(y))


def lexical(condition: str, report: str) -> float:
    """Mean of the n-gram cosine and the condition-word overlap of two (masked) texts."""
    cond_words, rep_words = content_words(condition), content_words(report)
    stems = {w[:5] for w in cond_words}
    overlap = len(stems & {w[:5] for w in rep_words}) / len(stems) if stems else 0.0
    return min(1.0, 0.5 * char_cosine(" ".join(cond_words), " ".join(rep_words)) + 0.5 * overlap)


def event_kinds(text: str) -> set[str]:
    """The event kinds (keys of `EVENTS`) a text mentions."""
    low = text.lower()
    return {kind for kind, pattern in _EVENT_RES.items() if pattern.search(low)}


def cue_spans(report: str) -> list[tuple[int, str]]:
    """(offset, word) of each modality cue in `report`, in order."""
    low = report.lower()
    cues = [(m.start(), m.group(0)) for m in _CUE.finditer(low)]
    cues += [(m.start(), m.group(0)) for m in _MAY.finditer(report)]
    return sorted(cues)


def _in_subordinate_clause(report: str, start: int) -> bool:
    clause = _CLAUSE_BREAK.split(report[:start])[-1]
    return bool(_SUBORDINATE.search(clause))


def pair_features(
    condition: str,
    report: str,
    *,
    gazetteer: Gazetteer | None = None,
    actor_ids: Collection[str] = (),
) -> PairFeatures:
    """Features of one pair; `actor_ids` are the actors named in either text."""
    cond = mask_actors(condition, gazetteer, actor_ids)
    rep = mask_actors(report, gazetteer, actor_ids)
    low = rep.lower()
    kinds = event_kinds(cond) & event_kinds(rep)
    cues = cue_spans(rep)
    first_cue = cues[0][0] if cues else len(rep)
    mentions = [m.start() for k in kinds for m in _EVENT_RES[k].finditer(low)]
    stated = any(start < first_cue for start in mentions)
    main = [c for c in cues if not _in_subordinate_clause(low, c[0])]
    values = (
        lexical(cond, rep),
        float(stated),
        float(bool(mentions) and not stated),
        float(min(len(main), MAX_CUES)),
    )
    return PairFeatures(values, tuple(w for _, w in cues), tuple(sorted(kinds)))
