"""Subscriptions: attach a channel to rules, unsubscribe, send a test notification."""

from __future__ import annotations

import logging
import uuid

import httpx
from sqlalchemy import delete
from sqlmodel import Session, col, select

from alerts import (
    AddressGuard,
    AlertEvent,
    DeliveryError,
    Destination,
    Notification,
    Notifier,
    Outcome,
    attempt,
    new_secret,
)
from alerts import Backoff as _Backoff
from service.errors import InvalidInputError
from service.lookup import get_or_404
from service.outbox import delivery_key
from service.schemas_alerting import SubscriptionCreate, SubscriptionRead, TestSendRead
from service.tables import AlertRule, Subscription, SubscriptionRule
from service.times import utcnow

logger = logging.getLogger(__name__)


def mask(channel: str, address: str) -> str:
    """Slack and webhook URLs lose their path and query: they are often the credential."""
    if channel == "email":
        return address
    url = httpx.URL(address)
    return f"{url.scheme}://{url.netloc.decode()}/***"


def read(session: Session, sub: Subscription) -> SubscriptionRead:
    assert sub.id is not None
    rule_ids = session.exec(
        select(SubscriptionRule.rule_id).where(SubscriptionRule.subscription_id == sub.id)
    ).all()
    return SubscriptionRead(
        id=sub.id,
        channel=sub.channel,
        address=mask(sub.channel, sub.address),
        rule_ids=sorted(rule_ids),
        owner=sub.owner,
        enabled=sub.enabled,
        created_at=sub.created_at,
    )


def get_subscription(session: Session, subscription_id: int) -> Subscription:
    return get_or_404(session, Subscription, subscription_id, "subscription")


def create(session: Session, *, spec: SubscriptionCreate, guard: AddressGuard) -> Subscription:
    """Checks the rules exist and the URL is reachable safely, then stores the subscription."""
    for rule_id in set(spec.rule_ids):
        if session.get(AlertRule, rule_id) is None:
            raise InvalidInputError(f"no rule {rule_id}")
    if spec.channel != "email":
        try:
            guard.resolve(httpx.URL(spec.address))
        except DeliveryError as exc:
            raise InvalidInputError(f"address refused: {exc.reason}") from exc
    secret = None
    if spec.channel == "webhook":
        secret = spec.secret.get_secret_value() if spec.secret else new_secret()
    sub = Subscription(channel=spec.channel, address=spec.address, secret=secret, owner=spec.owner)
    session.add(sub)
    session.flush()
    assert sub.id is not None
    for rule_id in sorted(set(spec.rule_ids)):
        session.add(SubscriptionRule(subscription_id=sub.id, rule_id=rule_id))
    session.commit()
    session.refresh(sub)
    logger.info("subscription %d created (%s)", sub.id, sub.channel)
    return sub


def list_all(session: Session, owner: str | None = None) -> list[Subscription]:
    query = select(Subscription).order_by(col(Subscription.id))
    if owner is not None:
        query = query.where(Subscription.owner == owner)
    return list(session.exec(query).all())


def unsubscribe(session: Session, *, subscription_id: int) -> None:
    """Removes the subscription; its pending deliveries then fail as `unsubscribed`."""
    get_subscription(session, subscription_id)
    session.exec(
        delete(SubscriptionRule).where(col(SubscriptionRule.subscription_id) == subscription_id)
    )
    session.exec(delete(Subscription).where(col(Subscription.id) == subscription_id))
    session.commit()


def test_send(
    session: Session, *, subscription_id: int, notifiers: dict[str, Notifier]
) -> TestSendRead:
    """Sends a notification marked `test` to the subscription now, once, and says how it went."""
    sub = get_subscription(session, subscription_id)
    assert sub.id is not None
    now = utcnow()
    message = Notification(
        notification_id=uuid.uuid4().hex,
        status="firing",
        rule_id=0,
        rule="test",
        kind="statement",
        reason="test",
        group_key="test",
        group_labels={},
        created_at=now,
        alerts=(AlertEvent("test", "firing", "test", 0, {"actor": "", "target": ""}, now),),
        test=True,
    )
    result = attempt(
        notifiers[sub.channel],
        Destination(sub.address, sub.secret),
        message,
        idempotency_key=delivery_key(message.notification_id, sub.id),
        attempt_no=1,
        max_attempts=1,
        backoff=_Backoff(),
        now=now,
    )
    return TestSendRead(
        outcome="sent" if result.outcome is Outcome.SENT else "failed",
        status_code=result.status_code,
        error=result.error,
        duration_ms=result.duration_ms,
    )
