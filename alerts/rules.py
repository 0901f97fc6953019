"""Pure rule decisions with reasons: statement, risk (`for` and hysteresis), trigger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

SCORE_FIELDS = ("escalation", "conditional", "threat")


class Kind(StrEnum):
    STATEMENT = "statement"
    RISK = "risk"
    TRIGGER = "trigger"


class Reason(StrEnum):
    """Why a decision came out as it did (kept with the alert for audit)."""

    ABOVE_THRESHOLD = "above_threshold"
    BELOW_THRESHOLD = "below_threshold"
    ACTOR_MISMATCH = "actor_mismatch"
    TARGET_MISMATCH = "target_mismatch"
    COUNTRY_MISMATCH = "country_mismatch"
    NO_KEYWORD = "no_keyword"
    SEVERITY_BELOW = "severity_below"
    NOT_CONDITIONAL = "not_conditional"
    TRIGGER_OBSERVED = "trigger_observed"
    PENDING = "pending"
    PENDING_CLEARED = "pending_cleared"
    FIRED = "fired"
    STILL_FIRING = "still_firing"
    RESOLVED = "resolved"
    INACTIVE = "inactive"


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")


@dataclass(frozen=True, slots=True)
class Filters:
    """What a statement must be about; empty tuples match anything (case-insensitive).

    `actors` and `targets` match a canonical actor id (`hezbollah`, `ISR`) or a part of the
    mention as written; `countries` match an ISO 3166 alpha-3 code of either side, or a part of
    either mention."""

    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    min_severity: int = 0
    conditional_only: bool = False


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at in one statement."""

    text: str
    actor: str | None
    target: str | None
    severity: int
    scores: Mapping[str, float] = field(default_factory=dict)
    actor_id: str | None = None
    target_id: str | None = None
    countries: tuple[str, ...] = ()


def _mentions(value: str | None, wanted: tuple[str, ...]) -> bool:
    low = (value or "").casefold()
    return any(w.casefold() in low for w in wanted)


def _is(ids: tuple[str | None, ...], wanted: tuple[str, ...]) -> bool:
    known = {i.casefold() for i in ids if i}
    return any(w.casefold() in known for w in wanted)


def filter_reason(filters: Filters, facts: Facts) -> Reason | None:
    """The first filter the statement fails, or None when it passes them all."""
    if filters.actors and not (
        _is((facts.actor_id,), filters.actors) or _mentions(facts.actor, filters.actors)
    ):
        return Reason.ACTOR_MISMATCH
    if filters.targets and not (
        _is((facts.target_id,), filters.targets) or _mentions(facts.target, filters.targets)
    ):
        return Reason.TARGET_MISMATCH
    dyad = f"{facts.actor or ''} {facts.target or ''}"
    if filters.countries and not (
        _is(facts.countries, filters.countries) or _mentions(dyad, filters.countries)
    ):
        return Reason.COUNTRY_MISMATCH
    if filters.keywords and not _mentions(facts.text, filters.keywords):
        return Reason.NO_KEYWORD
    if facts.severity < filters.min_severity:
        return Reason.SEVERITY_BELOW
    if filters.conditional_only and facts.scores.get("conditional", 0.0) < 0.5:
        return Reason.NOT_CONDITIONAL
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    fire: bool
    reason: Reason


@dataclass(frozen=True, slots=True)
class StatementRule:
    """Fire when a statement's `score_field` reaches `threshold` and the filters pass."""

    name: str
    threshold: float
    score_field: str = "escalation"
    filters: Filters = Filters()

    def __post_init__(self) -> None:
        _check_unit("threshold", self.threshold)
        if self.score_field not in SCORE_FIELDS:
            raise ValueError(f"score_field must be one of {SCORE_FIELDS}, got {self.score_field!r}")


def decide(rule: StatementRule, facts: Facts) -> Decision:
    """The decision for one statement; at the threshold counts as above."""
    failed = filter_reason(rule.filters, facts)
    if failed is not None:
        return Decision(False, failed)
    if facts.scores.get(rule.score_field, 0.0) >= rule.threshold:
        return Decision(True, Reason.ABOVE_THRESHOLD)
    return Decision(False, Reason.BELOW_THRESHOLD)


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """Fire when the condition of a watched threat matching the filters is observed."""

    name: str
    filters: Filters = Filters()


def decide_trigger(rule: TriggerRule, threat: Facts) -> Decision:
    failed = filter_reason(rule.filters, threat)
    return Decision(False, failed) if failed else Decision(True, Reason.TRIGGER_OBSERVED)


class Phase(StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    FIRING = "firing"


@dataclass(frozen=True, slots=True)
class RiskRule:
    """Score at/above `threshold`, or trend risen by `trend_rise`, held for `for_s` seconds.

    It resolves only once the score is below `threshold - hysteresis` (and the trend below
    `trend_rise - hysteresis`), so a score hovering at the line does not flap.
    """

    name: str
    threshold: float
    for_s: float = 0.0
    hysteresis: float = 0.05
    trend_rise: float | None = None
    window_s: int = 86_400

    def __post_init__(self) -> None:
        _check_unit("threshold", self.threshold)
        _check_unit("hysteresis", self.hysteresis)
        if self.trend_rise is not None:
            _check_unit("trend_rise", self.trend_rise)
        if self.for_s < 0 or self.window_s <= 0:
            raise ValueError("for_s must be >= 0 and window_s > 0")

    def active(self, score: float, trend: float) -> bool:
        rising = self.trend_rise is not None and trend >= self.trend_rise
        return score >= self.threshold or rising

    def cleared(self, score: float, trend: float) -> bool:
        trend_down = self.trend_rise is None or trend < self.trend_rise - self.hysteresis
        return score < self.threshold - self.hysteresis and trend_down


@dataclass(frozen=True, slots=True)
class RiskState:
    phase: Phase = Phase.INACTIVE
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class RiskStep:
    """The next state, why, and which notification to send ("firing", "resolved" or None)."""

    state: RiskState
    reason: Reason
    notify: str | None = None


def step_risk(
    rule: RiskRule, state: RiskState, *, score: float, trend: float, now: datetime
) -> RiskStep:
    """One evaluation of a risk rule, as Prometheus does with `for`, plus hysteresis."""
    if state.phase is Phase.FIRING:
        if rule.cleared(score, trend):
            return RiskStep(RiskState(Phase.INACTIVE, now), Reason.RESOLVED, "resolved")
        return RiskStep(state, Reason.STILL_FIRING)
    if not rule.active(score, trend):
        was_pending = state.phase is Phase.PENDING
        reason = Reason.PENDING_CLEARED if was_pending else Reason.INACTIVE
        return RiskStep(RiskState(Phase.INACTIVE, None), reason)
    since = state.since if state.phase is Phase.PENDING and state.since else now
    if now - since >= timedelta(seconds=rule.for_s):
        return RiskStep(RiskState(Phase.FIRING, now), Reason.FIRED, "firing")
    return RiskStep(RiskState(Phase.PENDING, since), Reason.PENDING)
