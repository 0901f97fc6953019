"""Grouping, silences and inhibition, as Alertmanager does them; pure, with reasons."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

Labels = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class GroupPolicy:
    """How alerts of one rule are batched into notifications (seconds)."""

    group_by: tuple[str, ...] = ("dyad",)
    group_wait_s: float = 30.0
    group_interval_s: float = 300.0
    repeat_interval_s: float = 14_400.0


def group_key(rule_id: int, labels: Labels, group_by: Iterable[str]) -> str:
    """The key of the group an alert joins: the rule and the values of the `group_by` labels."""
    parts = [f"rule={rule_id}", *(f"{name}={labels.get(name, '')}" for name in sorted(group_by))]
    return "|".join(parts)


class Flush(StrEnum):
    GROUP_WAIT = "group_wait"
    FIRST = "first"
    INTERVAL_WAIT = "interval_wait"
    INTERVAL_DUE = "interval_due"
    REPEAT_DUE = "repeat_due"
    NOTHING_NEW = "nothing_new"


@dataclass(frozen=True, slots=True)
class GroupState:
    """`first_pending_at`: when the oldest alert not yet notified joined; None if none waits."""

    first_pending_at: datetime | None
    last_notified_at: datetime | None
    has_open: bool = False


@dataclass(frozen=True, slots=True)
class FlushDecision:
    reason: Flush
    send: bool
    next_check_at: datetime | None


def decide_flush(policy: GroupPolicy, state: GroupState, now: datetime) -> FlushDecision:
    """Whether a group's notification goes out now, why, and when to look again."""
    wait = timedelta(seconds=policy.group_wait_s)
    interval = timedelta(seconds=policy.group_interval_s)
    if state.first_pending_at is not None:
        if state.last_notified_at is None:
            due = state.first_pending_at + wait
            reason = Flush.FIRST
        else:
            due = max(state.first_pending_at, state.last_notified_at + interval)
            reason = Flush.INTERVAL_DUE
        if now >= due:
            return FlushDecision(reason, True, None)
        waiting = Flush.GROUP_WAIT if reason is Flush.FIRST else Flush.INTERVAL_WAIT
        return FlushDecision(waiting, False, due)
    if state.has_open and state.last_notified_at is not None:
        due = state.last_notified_at + timedelta(seconds=policy.repeat_interval_s)
        if now >= due:
            return FlushDecision(Flush.REPEAT_DUE, True, None)
        return FlushDecision(Flush.NOTHING_NEW, False, due)
    return FlushDecision(Flush.NOTHING_NEW, False, None)


@dataclass(frozen=True, slots=True)
class Matcher:
    """Label `name` equals `value` (fully matches it, if `is_regex`); negated unless `is_equal`."""

    name: str
    value: str
    is_regex: bool = False
    is_equal: bool = True

    def __post_init__(self) -> None:
        if self.is_regex:
            re.compile(self.value)  # raises re.error on a bad pattern

    def matches(self, labels: Labels) -> bool:
        got = labels.get(self.name, "")
        hit = re.fullmatch(self.value, got) is not None if self.is_regex else got == self.value
        return hit if self.is_equal else not hit


@dataclass(frozen=True, slots=True)
class Silence:
    id: int
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime

    def mutes(self, labels: Labels, now: datetime) -> bool:
        """Active now and every matcher matches (a silence without matchers mutes nothing)."""
        active = self.starts_at <= now < self.ends_at
        return active and bool(self.matchers) and all(m.matches(labels) for m in self.matchers)


def silenced_by(labels: Labels, silences: Iterable[Silence], now: datetime) -> int | None:
    """The id of a silence muting these labels now, or None."""
    return next((s.id for s in silences if s.mutes(labels, now)), None)


def inhibited(labels: Labels, open_alerts: Iterable[Labels]) -> bool:
    """A severity-2 alert is muted while a severity-3 alert is open for the same dyad."""
    if labels.get("severity") != "2" or not labels.get("dyad"):
        return False
    return any(o.get("severity") == "3" and o.get("dyad") == labels["dyad"] for o in open_alerts)
