"""The alert message and its wire form (a stable, versioned JSON schema)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEMA_VERSION = "redline.alert/v1"


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """What an alert says: the statement that fired, its scores, and where it came from."""

    alert_id: str
    rule: str
    reason: str
    fired_at: datetime
    statement_id: int
    statement: str
    scores: dict[str, float | int]
    model_version: str
    item_title: str
    item_link: str | None
    item_source: str | None
    extraction: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The webhook body: `schema` names the version so receivers can evolve safely."""
        return {
            "schema": SCHEMA_VERSION,
            "alert_id": self.alert_id,
            "rule": self.rule,
            "reason": self.reason,
            "fired_at": self.fired_at.isoformat(),
            "statement": {
                "id": self.statement_id,
                "text": self.statement,
                "scores": self.scores,
                "model_version": self.model_version,
                "extraction": self.extraction,
            },
            "item": {
                "title": self.item_title,
                "link": self.item_link,
                "source": self.item_source,
            },
        }
