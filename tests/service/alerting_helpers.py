"""Builders for alerting tests: statements stored as the pipeline stores them (own words)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from service.alerting import AlertPolicy, on_statement_stored
from tests.service.helpers import add_scored_item

# own words
TEXT = "The militia said the port would be struck if the blockade went on."


def store(
    engine: Engine,
    *,
    escalation: float = 0.8,
    severity: int = 2,
    actor: str = "the militia",
    target: str = "the port",
    text: str = TEXT,
    policy: AlertPolicy | None = None,
    age: timedelta | None = None,
) -> int:
    """Stores one item with one statement and evaluates the rules, in one transaction."""
    with Session(engine) as session:
        item, row = add_scored_item(
            session,
            text,
            item={"key": uuid.uuid4().hex, "title": "Test item", "link": "http://127.0.0.1/i"},
            scores={
                "threat": 0.9,
                "conditional": 0.9,
                "severity": severity,
                "escalation": escalation,
            },
            extraction={
                "actor": {"text": actor, "start": 0, "end": 1},
                "target": {"text": target, "start": 2, "end": 3},
                "condition": {"text": "if the blockade went on", "start": 4, "end": 5},
            },
        )
        if age is not None:
            row.scored_at = row.scored_at - age
        on_statement_stored(session, statement=row, item=item, policy=policy or AlertPolicy())
        session.commit()
        assert row.id is not None
        return row.id
