"""Escalation risk of a set of scored statements: numbers in, a number out.

For statement i (see README "Risk"):

    p_i = threat_i * (0.75 + 0.25 * min(1, conditional_i / threat_i))   # conditional weighs more
    s_i = SEVERITY_WEIGHT[severity_i]                                    # 0.1, 0.4, 0.7, 1.0
    d_i = 2 ** (-age_h_i / half_life_h)                                  # recency
    w_i = min(1, p_i * s_i * (trigger_boost if its trigger was observed else 1)) * d_i

(decay applied after the cap, so that a boosted statement still fades with age)

Statements with the same normalised text are one *story* (a syndicated wire copy counts
once); a story reported by k independent sources gains at most `syndication_bonus`:

    w_g = min(1, max_{i in g} w_i * (1 + syndication_bonus * (1 - 2 ** -(k_g - 1))))

Stories combine as independent pieces of evidence (noisy-OR), each capped at `story_cap`
so that no single statement makes risk certain:

    risk = 1 - prod_g (1 - story_cap * w_g)

Hence: adding a statement never lowers risk; an older statement weighs less than the same
one newer; copies of one story saturate below `story_cap * (1 + syndication_bonus)`.
Trend is the risk of the window minus the risk of the preceding window of equal length.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

SEVERITY_WEIGHT = (0.1, 0.4, 0.7, 1.0)
SEVERITY_NAME = ("no threat", "non-military pressure", "force", "war or mass casualties")
_WORDS = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class RiskParams:
    """Tuning of the formula; half-life comes from the service settings."""

    half_life_h: float = 72.0
    story_cap: float = 0.5
    syndication_bonus: float = 0.25
    trigger_boost: float = 1.5
    trend_step: float = 0.05


@dataclass(frozen=True, slots=True)
class Evidence:
    """One scored statement as risk sees it; `age_h` is hours before the window's end."""

    statement_id: int
    threat: float
    conditional: float
    severity: int
    age_h: float
    story: str
    source: str
    triggered: bool = False


@dataclass(frozen=True, slots=True)
class Contribution:
    """A story's weight in the risk (`weight` is `story_cap * w_g`) and why it counts."""

    statement_id: int
    weight: float
    copies: int
    sources: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Risk:
    """Risk in [0, 1] and the stories behind it, heaviest first."""

    score: float
    contributions: tuple[Contribution, ...]


class Direction(StrEnum):
    CLIMBING = "climbing"
    STEADY = "steady"
    FALLING = "falling"


def story_key(text: str) -> str:
    """Identity of a story: its words, lower-cased, punctuation and spacing ignored."""
    return _WORDS.sub(" ", text.lower()).strip()


def statement_weight(e: Evidence, params: RiskParams) -> float:
    """w_i of the module docstring, in [0, 1]."""
    threat = min(max(e.threat, 0.0), 1.0)
    cond_share = min(1.0, max(e.conditional, 0.0) / threat) if threat > 0 else 0.0
    p = threat * (0.75 + 0.25 * cond_share)
    s = SEVERITY_WEIGHT[min(max(e.severity, 0), 3)]
    d = math.pow(2.0, -max(e.age_h, 0.0) / params.half_life_h)
    boost = params.trigger_boost if e.triggered else 1.0
    return min(1.0, p * s * boost) * d


def _reasons(e: Evidence, copies: int, sources: int) -> tuple[str, ...]:
    kind = "conditional threat" if e.conditional >= 0.5 else "threat"
    reasons = [
        f"{kind} (p={e.threat:.2f})",
        f"severity {e.severity}: {SEVERITY_NAME[min(max(e.severity, 0), 3)]}",
        f"{e.age_h:.0f} h old",
    ]
    if copies > 1:
        reasons.append(f"{copies} copies from {sources} independent sources count as one story")
    if e.triggered:
        reasons.append("its trigger was observed")
    return tuple(reasons)


def combine(
    evidence: Iterable[Evidence], params: RiskParams, explain: int = 10, keep: int | None = None
) -> Risk:
    """The risk of all `evidence` together (see the module docstring).

    Every story is listed (or only the `keep` heaviest), heaviest first; the `explain`
    heaviest carry their reasons.
    """
    stories: dict[str, list[tuple[float, Evidence]]] = {}
    for e in evidence:
        stories.setdefault(e.story, []).append((statement_weight(e, params), e))
    weighed = []
    remaining = 1.0
    for members in stories.values():
        if len(members) == 1:  # most stories: skip the max and the set
            (best, lead), sources = members[0], 1
        else:
            best, lead = max(members, key=lambda m: (m[0], -m[1].statement_id))
            sources = len({e.source for _, e in members})
        spread = 1.0 + params.syndication_bonus * (1.0 - math.pow(2.0, 1 - sources))
        w = params.story_cap * min(1.0, best * spread)
        remaining *= 1.0 - w
        weighed.append((w, lead, len(members), sources))

    def order(x: tuple[float, Evidence, int, int]) -> tuple[float, int]:
        return -x[0], x[1].statement_id

    if keep is None:
        weighed.sort(key=order)
    else:  # the score needs every story, the listing only the heaviest
        weighed = heapq.nsmallest(keep, weighed, key=order)
    contributions = tuple(
        Contribution(
            lead.statement_id,
            w,
            copies,
            sources,
            _reasons(lead, copies, sources) if rank < explain else (),
        )
        for rank, (w, lead, copies, sources) in enumerate(weighed)
    )
    return Risk(score=min(1.0, max(0.0, 1.0 - remaining)), contributions=contributions)


def direction(current: float, baseline: float, params: RiskParams) -> Direction:
    """Climbing or falling when risk moved by at least `trend_step` against the baseline."""
    delta = current - baseline
    if delta >= params.trend_step:
        return Direction.CLIMBING
    if delta <= -params.trend_step:
        return Direction.FALLING
    return Direction.STEADY


def top(risk: Risk, n: int) -> Sequence[Contribution]:
    """The `n` heaviest contributions."""
    return risk.contributions[:n]
