"""Pure alert decisions: given a rule and a score, fire or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a decision came out as it did (kept with the alert for audit)."""

    ABOVE_THRESHOLD = "above_threshold"
    BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True, slots=True)
class StatementRule:
    """Fire when a statement's conditional-threat probability reaches `threshold`."""

    name: str
    threshold: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {self.threshold}")


def decide(rule: StatementRule, conditional: float) -> Reason:
    """The decision for one statement; at the threshold counts as above."""
    return Reason.ABOVE_THRESHOLD if conditional >= rule.threshold else Reason.BELOW_THRESHOLD
