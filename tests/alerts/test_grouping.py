"""Grouping, silences and inhibition decisions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from alerts import (
    Flush,
    GroupPolicy,
    GroupState,
    Matcher,
    Silence,
    decide_flush,
    group_key,
    inhibited,
    silenced_by,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = GroupPolicy(("dyad",), group_wait_s=30, group_interval_s=300, repeat_interval_s=3600)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_group_key_uses_only_the_group_by_labels() -> None:
    a = group_key(1, {"dyad": "a->b", "severity": "2"}, ["dyad"])
    b = group_key(1, {"dyad": "a->b", "severity": "3"}, ["dyad"])
    assert a == b != group_key(2, {"dyad": "a->b"}, ["dyad"])
    assert group_key(1, {"dyad": "a->c"}, ["dyad"]) != a


def test_first_notification_waits_group_wait_then_interval_then_repeat() -> None:
    new = GroupState(first_pending_at=T0, last_notified_at=None)
    assert decide_flush(POLICY, new, at(10)) == decide_flush(POLICY, new, at(10))
    waiting = decide_flush(POLICY, new, at(10))
    assert (waiting.reason, waiting.send, waiting.next_check_at) == (
        Flush.GROUP_WAIT,
        False,
        at(30),
    )
    assert decide_flush(POLICY, new, at(30)).reason is Flush.FIRST
    more = GroupState(first_pending_at=at(40), last_notified_at=at(30))
    assert decide_flush(POLICY, more, at(100)).next_check_at == at(330)
    assert decide_flush(POLICY, more, at(330)).reason is Flush.INTERVAL_DUE
    idle = GroupState(None, at(330), has_open=True)
    assert not decide_flush(POLICY, idle, at(400)).send
    assert decide_flush(POLICY, idle, at(3930)).reason is Flush.REPEAT_DUE
    assert decide_flush(POLICY, GroupState(None, at(330)), at(9999)).reason is Flush.NOTHING_NEW


def test_zero_waits_notify_at_once() -> None:
    policy = GroupPolicy((), 0, 0, 0)
    assert decide_flush(policy, GroupState(T0, None), T0).send
    assert decide_flush(policy, GroupState(T0, T0), T0).send


def test_silences_mute_matching_alerts_only_while_active() -> None:
    silence = Silence(
        1,
        (Matcher("dyad", "militia->.*", is_regex=True), Matcher("severity", "3", is_equal=False)),
        at(0),
        at(60),
    )
    labels = {"dyad": "militia->port", "severity": "2"}
    assert silenced_by(labels, [silence], at(30)) == 1
    assert silenced_by(labels, [silence], at(60)) is None
    assert silenced_by(labels | {"severity": "3"}, [silence], at(30)) is None
    assert silenced_by({"dyad": "navy->port", "severity": "2"}, [silence], at(30)) is None
    with pytest.raises(re.error):
        Matcher("dyad", "(", is_regex=True)


def test_an_open_severity_3_alert_inhibits_severity_2_of_the_same_dyad() -> None:
    open_alerts = [{"dyad": "a->b", "severity": "3"}]
    assert inhibited({"dyad": "a->b", "severity": "2"}, open_alerts)
    assert not inhibited({"dyad": "a->c", "severity": "2"}, open_alerts)
    assert not inhibited({"dyad": "a->b", "severity": "3"}, open_alerts)
    assert not inhibited({"dyad": "a->b", "severity": "1"}, open_alerts)
