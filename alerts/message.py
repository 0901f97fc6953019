"""The notification and its wire form: a stable, versioned JSON schema (see README, Alerts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEMA_VERSION = "redline.notification/v1"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One alert inside a notification: what fired, why, and the evidence.

    `statement` holds {id, text, scores, model_version, extraction}; `item` {title, link,
    source}; `risk` {score, trend} for risk rules. Absent parts are None.
    """

    alert_id: str
    status: str
    reason: str
    severity: int
    labels: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    statement: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    risk: dict[str, float] | None = None

    @property
    def condition(self) -> str | None:
        span = ((self.statement or {}).get("extraction") or {}).get("condition")
        return str(span["text"]) if isinstance(span, dict) and "text" in span else None

    @property
    def link(self) -> str | None:
        value = (self.item or {}).get("link")
        return str(value) if value else None

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "status": self.status,
            "reason": self.reason,
            "severity": self.severity,
            "labels": dict(self.labels),
            "starts_at": _time(self.starts_at),
            "ends_at": _time(self.ends_at),
            "statement": self.statement,
            "item": self.item,
            "risk": self.risk,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlertEvent:
        starts = _parse(data["starts_at"])
        assert starts is not None
        return cls(
            alert_id=str(data["alert_id"]),
            status=str(data["status"]),
            reason=str(data["reason"]),
            severity=int(data["severity"]),
            labels={str(k): str(v) for k, v in data["labels"].items()},
            starts_at=starts,
            ends_at=_parse(data.get("ends_at")),
            statement=data.get("statement"),
            item=data.get("item"),
            risk=data.get("risk"),
        )


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to one subscriber: the alerts of one group of one rule."""

    notification_id: str
    status: str
    rule_id: int
    rule: str
    kind: str
    reason: str
    group_key: str
    group_labels: dict[str, str]
    created_at: datetime
    alerts: tuple[AlertEvent, ...] = field(default_factory=tuple)
    test: bool = False

    @property
    def severity(self) -> int:
        return max((a.severity for a in self.alerts), default=0)

    def to_json(self) -> dict[str, Any]:
        """The webhook body: `schema` names the version so receivers can evolve safely."""
        return {
            "schema": SCHEMA_VERSION,
            "notification_id": self.notification_id,
            "status": self.status,
            "test": self.test,
            "rule": {"id": self.rule_id, "name": self.rule, "kind": self.kind},
            "reason": self.reason,
            "group": {"key": self.group_key, "labels": dict(self.group_labels)},
            "created_at": self.created_at.isoformat(),
            "alerts": [a.to_json() for a in self.alerts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notification:
        created = _parse(data["created_at"])
        assert created is not None
        return cls(
            notification_id=str(data["notification_id"]),
            status=str(data["status"]),
            rule_id=int(data["rule"]["id"]),
            rule=str(data["rule"]["name"]),
            kind=str(data["rule"]["kind"]),
            reason=str(data["reason"]),
            group_key=str(data["group"]["key"]),
            group_labels=dict(data["group"]["labels"]),
            created_at=created,
            alerts=tuple(AlertEvent.from_json(a) for a in data["alerts"]),
            test=bool(data.get("test", False)),
        )
