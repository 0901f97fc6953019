"""The delivery outbox: rows written with the evaluation that fired them, drained by a worker.

A worker claims due rows with a lease (a conditional UPDATE, safe across processes on SQLite
and PostgreSQL), sends them concurrently, and records each outcome. A row whose worker died
is claimed again once its lease runs out, with the same idempotency key (`webhook-id`).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import Session, col, select

from alerts import (
    AttemptResult,
    Backoff,
    Destination,
    Notification,
    Notifier,
    Outcome,
    RateLimits,
    attempt,
)
from service.metrics import AlertMetrics
from service.tables import Delivery, DeliveryAttempt, Subscription
from service.times import utcnow

logger = logging.getLogger(__name__)


def delivery_key(notification_id: str, subscription_id: int) -> str:
    """The idempotency key (`webhook-id`) of one notification to one subscription."""
    basis = f"{notification_id}|{subscription_id}"
    return "msg_" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def enqueue(
    session: Session,
    *,
    notification: Notification,
    subscriptions: Sequence[Subscription],
    statement_id: int | None = None,
) -> list[Delivery]:
    """Adds one delivery per subscription to the caller's transaction (nothing is sent here)."""
    rows = []
    for sub in subscriptions:
        assert sub.id is not None
        rows.append(
            Delivery(
                statement_id=statement_id,
                subscription_id=sub.id,
                rule_id=notification.rule_id,
                channel=sub.channel,
                idempotency_key=delivery_key(notification.notification_id, sub.id),
                payload=notification.to_json(),
                next_attempt_at=min(notification.created_at, utcnow()),
            )
        )
    session.add_all(rows)
    return rows


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    token: str
    channel: str
    key: str
    attempt_no: int
    created_at: datetime
    payload: dict[str, object]
    to: Destination | None


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0


def _due(now: datetime) -> ColumnElement[bool]:
    pending = and_(
        col(Delivery.status) == "pending",
        or_(col(Delivery.next_attempt_at).is_(None), col(Delivery.next_attempt_at) <= now),
    )
    lapsed = and_(col(Delivery.status) == "sending", col(Delivery.claimed_until) < now)
    return or_(pending, lapsed)


def claim(
    engine: Engine,
    *,
    limit: int,
    lease_s: float,
    limits: RateLimits,
    now: datetime,
    exclude: Sequence[int] = (),
) -> list[Claimed]:
    """Claims up to `limit` due deliveries within the channels' rate budgets."""
    token = uuid.uuid4().hex
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery.id, Delivery.channel)
            .where(_due(now), col(Delivery.id).not_in(exclude))
            .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
            .limit(limit)
        ).all()
        ids = [i for i, channel in rows if i is not None and limits.take(channel)]
        if not ids:
            return []
        session.exec(
            update(Delivery)
            .where(col(Delivery.id).in_(ids), _due(now))
            .values(
                status="sending", claim_token=token, claimed_until=now + timedelta(seconds=lease_s)
            )
        )
        session.commit()
        got = session.exec(select(Delivery).where(col(Delivery.claim_token) == token)).all()
        subs = {
            s.id: s
            for s in session.exec(
                select(Subscription).where(
                    col(Subscription.id).in_([d.subscription_id for d in got])
                )
            ).all()
        }
        return [_claimed(d, subs.get(d.subscription_id), token) for d in got]


def _claimed(row: Delivery, sub: Subscription | None, token: str) -> Claimed:
    assert row.id is not None
    live = sub is not None and sub.enabled
    return Claimed(
        id=row.id,
        token=token,
        channel=row.channel,
        key=row.idempotency_key,
        attempt_no=row.attempts + 1,
        created_at=row.created_at,
        payload=row.payload,
        to=Destination(sub.address, sub.secret) if live and sub else None,
    )


@dataclass
class Courier:
    """Drains the outbox: claim a batch, send it concurrently, record every outcome."""

    engine: Engine
    notifiers: Mapping[str, Notifier]
    backoff: Backoff
    max_attempts: int
    limits: RateLimits
    metrics: AlertMetrics | None = None
    batch: int = 64
    concurrency: int = 16
    lease_s: float = 60.0
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def drain(self, *, rounds: int = 100) -> DrainReport:
        """Sends what is due, batch after batch, each delivery at most once per call.

        Pipelined: the next batch is claimed, and the last one recorded, while a batch is on
        the wire, so database round trips overlap with sending.
        """
        report = DrainReport()
        tried: list[int] = []
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="courier")
        in_flight: tuple[list[Claimed], list[Future[AttemptResult]]] | None = None
        for _ in range(rounds):
            now = utcnow()
            claimed = claim(
                self.engine,
                limit=self.batch,
                lease_s=self.lease_s,
                limits=self.limits,
                now=now,
                exclude=tried,
            )
            tried += [c.id for c in claimed]
            futures = [self._pool.submit(self._send, c, now) for c in claimed]
            if in_flight is not None:
                self._record(in_flight[0], [f.result() for f in in_flight[1]], report)
            in_flight = (claimed, futures) if claimed else None
            if not claimed:
                break
        if in_flight is not None:
            self._record(in_flight[0], [f.result() for f in in_flight[1]], report)
        return report

    def _send(self, job: Claimed, now: datetime) -> AttemptResult:
        notifier = self.notifiers.get(job.channel)
        if notifier is None or job.to is None:
            why = "unsubscribed" if job.to is None else f"no notifier for {job.channel}"
            return AttemptResult(Outcome.FAILED, 0.0, error=why)
        return attempt(
            notifier,
            job.to,
            Notification.from_json(dict(job.payload)),
            idempotency_key=job.key,
            attempt_no=job.attempt_no,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            now=now,
        )

    def _record(
        self, claimed: Sequence[Claimed], results: Sequence[AttemptResult], report: DrainReport
    ) -> None:
        with Session(self.engine) as session, session.no_autoflush:
            ids = [job.id for job in claimed]
            rows = {
                r.id: r for r in session.exec(select(Delivery).where(col(Delivery.id).in_(ids)))
            }
            for job, result in zip(claimed, results, strict=True):
                row = rows.get(job.id)
                if row is None or row.claim_token != job.token:
                    continue  # our lease lapsed and another worker took the row over
                _apply(row, result, job.attempt_no)
                if result.status_code == 410 and row.subscription_id is not None:
                    _disable(session, row.subscription_id)
                session.add(row)
                session.add(
                    DeliveryAttempt(
                        delivery_id=job.id,
                        attempt=job.attempt_no,
                        outcome=result.outcome,
                        status_code=result.status_code,
                        error=result.error,
                        duration_ms=result.duration_ms,
                    )
                )
                self._count(job, row, result, report)
            session.commit()

    def _count(
        self, job: Claimed, row: Delivery, result: AttemptResult, report: DrainReport
    ) -> None:
        if result.outcome is Outcome.SENT:
            report.sent += 1
        elif result.outcome is Outcome.RETRY:
            report.retried += 1
        else:
            report.dead += 1
        if self.metrics is not None:
            self.metrics.deliveries.labels(job.channel, result.outcome.value).inc()
            if row.sent_at is not None:
                latency = (row.sent_at - job.created_at).total_seconds()
                self.metrics.latency.labels(job.channel).observe(latency)


def _disable(session: Session, subscription_id: int) -> None:
    """410 Gone: the receiver says the endpoint is no more, so stop sending to it."""
    sub = session.get(Subscription, subscription_id)
    if sub is not None and sub.enabled:
        sub.enabled = False
        session.add(sub)
        logger.warning("subscription %d disabled: receiver answered 410 Gone", subscription_id)


def _apply(row: Delivery, result: AttemptResult, attempt_no: int) -> None:
    row.attempts = attempt_no
    row.last_error = result.error[:1024] if result.error else None
    row.claim_token = row.claimed_until = None
    if result.outcome is Outcome.SENT:
        row.status, row.sent_at = "sent", utcnow()
    elif result.outcome is Outcome.RETRY:
        row.status, row.next_attempt_at = "pending", result.next_attempt_at
    else:
        row.status = "dead"  # dead-lettered: an admin may retry it
