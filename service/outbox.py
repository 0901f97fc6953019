"""The delivery outbox: rows written with the statement that fired them, drained by a job."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from alerts import AlertMessage, Backoff, Notifier, Outcome, StatementRule, attempt
from service.tables import Delivery, DeliveryAttempt, Item, Statement
from service.times import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """The statement rule and where its alerts go (channel name -> targets)."""

    rule: StatementRule
    targets: Mapping[str, list[str]]


def _key(statement_id: int, rule: str, channel: str, target: str) -> str:
    basis = f"{statement_id}|{rule}|{channel}|{target}"
    return "rl_" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def enqueue(
    session: Session, *, statement: Statement, item: Item, policy: AlertPolicy, reason: str
) -> list[Delivery]:
    """Adds one delivery per target to the caller's transaction (nothing is sent here)."""
    assert statement.id is not None
    message = AlertMessage(
        alert_id=_key(statement.id, policy.rule.name, "", ""),
        rule=policy.rule.name,
        reason=reason,
        fired_at=utcnow(),
        statement_id=statement.id,
        statement=statement.text,
        scores={
            "threat": statement.threat,
            "conditional": statement.conditional,
            "severity": statement.severity,
            "escalation": statement.escalation,
        },
        model_version=statement.model_version,
        item_title=item.title,
        item_link=item.link,
        item_source=item.source,
        extraction=statement.extraction,
    )
    rows = [
        Delivery(
            statement_id=statement.id,
            channel=channel,
            target=target,
            idempotency_key=_key(statement.id, policy.rule.name, channel, target),
            payload=message.to_json(),
            next_attempt_at=message.fired_at,
        )
        for channel, targets in policy.targets.items()
        for target in targets
    ]
    session.add_all(rows)
    return rows


def _message(payload: dict[str, object]) -> AlertMessage:
    statement = payload["statement"]
    item = payload["item"]
    assert isinstance(statement, dict) and isinstance(item, dict)
    return AlertMessage(
        alert_id=str(payload["alert_id"]),
        rule=str(payload["rule"]),
        reason=str(payload["reason"]),
        fired_at=datetime.fromisoformat(str(payload["fired_at"])),
        statement_id=int(statement["id"]),
        statement=str(statement["text"]),
        scores=statement["scores"],
        model_version=str(statement["model_version"]),
        item_title=str(item["title"]),
        item_link=item["link"],
        item_source=item["source"],
        extraction=statement.get("extraction") or {},
    )


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def drain(
    engine: Engine,
    notifiers: Mapping[str, Notifier],
    *,
    max_attempts: int,
    backoff: Backoff,
    batch: int = 100,
) -> DrainReport:
    """Tries every due delivery at most once; each is claimed in its own transaction."""
    report = DrainReport()
    tried: list[int] = []
    for _ in range(batch):
        with Session(engine) as session:
            now = utcnow()
            # SKIP LOCKED lets several replicas drain one PostgreSQL outbox without sending twice.
            row = session.exec(
                select(Delivery)
                .where(Delivery.status == "pending")
                .where(
                    or_(
                        col(Delivery.next_attempt_at).is_(None),
                        col(Delivery.next_attempt_at) <= now,
                    )
                )
                .where(col(Delivery.id).not_in(tried))
                .order_by(col(Delivery.id))
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                break
            assert row.id is not None
            tried.append(row.id)
            _send_one(session, row, notifiers, max_attempts=max_attempts, backoff=backoff, now=now)
            session.commit()
            if row.status == "sent":
                report.sent += 1
            elif row.status == "pending":
                report.retried += 1
            else:
                report.failed += 1
    return report


def _send_one(
    session: Session,
    row: Delivery,
    notifiers: Mapping[str, Notifier],
    *,
    max_attempts: int,
    backoff: Backoff,
    now: datetime,
) -> None:
    assert row.id is not None
    row.attempts += 1
    notifier = notifiers.get(row.channel)
    if notifier is None:
        row.status, row.last_error = "failed", f"no notifier for channel {row.channel!r}"
        return
    result = attempt(
        notifier,
        row.target,
        _message(row.payload),
        idempotency_key=row.idempotency_key,
        attempt_no=row.attempts,
        max_attempts=max_attempts,
        backoff=backoff,
        now=now,
    )
    session.add(
        DeliveryAttempt(
            delivery_id=row.id,
            attempt=row.attempts,
            outcome=result.outcome,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
            started_at=now,
        )
    )
    row.last_error = result.error
    if result.outcome is Outcome.SENT:
        row.status, row.sent_at = "sent", utcnow()
    elif result.outcome is Outcome.RETRY:
        row.next_attempt_at = result.next_attempt_at
    else:
        row.status = "failed"
    session.add(row)
