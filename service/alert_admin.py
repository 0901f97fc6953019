"""Silences and the delivery log: list, create, expire, retry dead letters."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from service.errors import ConflictError, InvalidInputError
from service.lookup import get_or_404
from service.schemas_alerting import MatcherIn, SilenceCreate, SilenceRead
from service.tables import Delivery, Silence
from service.times import utcnow


def silence_read(row: Silence, now: datetime) -> SilenceRead:
    assert row.id is not None
    state = "pending" if now < row.starts_at else "active" if now < row.ends_at else "expired"
    return SilenceRead(
        id=row.id,
        matchers=[MatcherIn(**m) for m in row.matchers],
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        author=row.author,
        comment=row.comment,
        state=state,
        created_at=row.created_at,
    )


def create_silence(session: Session, *, spec: SilenceCreate) -> Silence:
    starts = spec.starts_at or utcnow()
    if spec.ends_at <= starts:
        raise InvalidInputError("ends_at must come after starts_at")
    row = Silence(
        matchers=[m.model_dump() for m in spec.matchers],
        starts_at=starts,
        ends_at=spec.ends_at,
        author=spec.author,
        comment=spec.comment,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def list_silences(session: Session) -> list[Silence]:
    return list(session.exec(select(Silence).order_by(col(Silence.id).desc())).all())


def get_silence(session: Session, silence_id: int) -> Silence:
    return get_or_404(session, Silence, silence_id, "silence")


def expire_silence(session: Session, *, silence_id: int) -> Silence:
    """Ends the silence now (kept for the record, as Alertmanager does)."""
    row = get_silence(session, silence_id)
    now = utcnow()
    row.ends_at = min(row.ends_at, now)
    row.starts_at = min(row.starts_at, row.ends_at)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def list_deliveries(session: Session, *, status: str | None, limit: int) -> list[Delivery]:
    query = select(Delivery).order_by(col(Delivery.id).desc()).limit(limit)
    if status is not None:
        query = query.where(Delivery.status == status)
    return list(session.exec(query).all())


def get_delivery(session: Session, delivery_id: int) -> Delivery:
    return get_or_404(session, Delivery, delivery_id, "delivery")


def retry_delivery(session: Session, *, delivery_id: int) -> Delivery:
    """Puts a dead letter back in the queue with a fresh attempt budget (same webhook-id)."""
    row = get_delivery(session, delivery_id)
    if row.status != "dead":
        raise ConflictError(f"delivery {delivery_id} is {row.status}, not dead")
    row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row
