"""Notifications for channel tests (statements in our own words)."""

from __future__ import annotations

from datetime import UTC, datetime

from alerts import AlertEvent, Notification

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def event(alert_id: str = "a1", severity: int = 2, **labels: str) -> AlertEvent:
    return AlertEvent(
        alert_id=alert_id,
        status="firing",
        reason="above_threshold",
        severity=severity,
        labels={"actor": "the militia", "target": "the port", **labels},
        starts_at=NOW,
        statement={
            # own words
            "id": 7,
            "text": "The militia said the port would be struck if the blockade went on.",
            "scores": {"escalation": 0.8, "conditional": 0.9, "threat": 0.95, "severity": 2},
            "model_version": "m1",
            "extraction": {"condition": {"text": "if the blockade went on", "start": 1, "end": 2}},
        },
        item={"title": "Test item", "link": "http://127.0.0.1/item", "source": "Test Wire"},
        risk={"score": 0.61, "trend": 0.12},
    )


def notification(*alerts: AlertEvent) -> Notification:
    return Notification(
        notification_id="n1",
        status="firing",
        rule_id=1,
        rule="ports",
        kind="statement",
        reason="first",
        group_key="rule=1|dyad=x",
        group_labels={"dyad": "x"},
        created_at=NOW,
        alerts=alerts or (event(),),
    )
