"""Alert groups: alerts join their rule's group; groups notify per wait, interval and repeat."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, and_, col, or_, select

from alerts import AlertEvent, Flush, GroupPolicy, GroupState, Notification, decide_flush
from service.outbox import enqueue
from service.tables import Alert, AlertGroup, AlertRule, Subscription, SubscriptionRule
from service.times import utcnow

logger = logging.getLogger(__name__)


def group_policy(rule: AlertRule) -> GroupPolicy:
    return GroupPolicy(
        group_by=tuple(rule.group_by),
        group_wait_s=rule.group_wait_s,
        group_interval_s=rule.group_interval_s,
        repeat_interval_s=rule.repeat_interval_s,
    )


def _group(session: Session, rule: AlertRule, alert: Alert) -> AlertGroup:
    query = select(AlertGroup).where(
        AlertGroup.rule_id == rule.id, AlertGroup.group_key == alert.group_key
    )
    group = session.exec(query).first()
    if group is not None:
        return group
    labels = {k: alert.labels.get(k, "") for k in rule.group_by}
    try:
        # A savepoint, so a concurrent creator of the same group does not undo our statement.
        with session.begin_nested():
            group = AlertGroup(rule_id=rule.id or 0, group_key=alert.group_key, labels=labels)
            session.add(group)
    except IntegrityError:
        group = session.exec(query).one()
    return group


def _open(alerts: list[Alert], now: datetime) -> bool:
    return any(a.status == "firing" and (a.ends_at is None or a.ends_at > now) for a in alerts)


def join_group(session: Session, rule: AlertRule, alert: Alert, now: datetime) -> None:
    """Puts a firing or resolved alert into its group; notifies at once when the group is due."""
    group = _group(session, rule, alert)
    group.first_pending_at = group.first_pending_at or now
    check(session, rule, group, now)


def _alerts(session: Session, group: AlertGroup, now: datetime) -> list[Alert]:
    still_open = and_(
        col(Alert.status) == "firing", or_(col(Alert.ends_at).is_(None), col(Alert.ends_at) > now)
    )
    return list(
        session.exec(
            select(Alert)
            .where(Alert.rule_id == group.rule_id, Alert.group_key == group.group_key)
            .where(col(Alert.status).in_(["firing", "resolved"]))
            .where(or_(col(Alert.notified).is_(False), still_open))
            .order_by(col(Alert.id))
        ).all()
    )


def check(session: Session, rule: AlertRule, group: AlertGroup, now: datetime) -> Flush:
    """Decides on one group and, when due, writes its notification to the outbox."""
    alerts = _alerts(session, group, now)
    state = GroupState(group.first_pending_at, group.last_notified_at, _open(alerts, now))
    decision = decide_flush(group_policy(rule), state, now)
    if decision.send:
        fresh = [a for a in alerts if not a.notified]
        chosen = fresh if decision.reason is not Flush.REPEAT_DUE else []
        chosen = chosen or [a for a in alerts if a.status == "firing"]
        _notify(session, rule, group, chosen, decision.reason, now)
        state = GroupState(None, now, _open(alerts, now))
        decision_next = decide_flush(group_policy(rule), state, now).next_check_at
    else:
        decision_next = decision.next_check_at
    group.next_check_at = decision_next
    session.add(group)
    return decision.reason


def subscribers(session: Session, rule_id: int) -> list[Subscription]:
    return list(
        session.exec(
            select(Subscription)
            .join(SubscriptionRule, col(SubscriptionRule.subscription_id) == Subscription.id)
            .where(SubscriptionRule.rule_id == rule_id, col(Subscription.enabled))
        ).all()
    )


def _notify(
    session: Session,
    rule: AlertRule,
    group: AlertGroup,
    alerts: list[Alert],
    reason: Flush,
    now: datetime,
) -> None:
    assert rule.id is not None
    resolved = all(a.status == "resolved" for a in alerts)
    message = Notification(
        notification_id=uuid.uuid4().hex,
        status="resolved" if resolved else "firing",
        rule_id=rule.id,
        rule=rule.name,
        kind=rule.kind,
        reason=reason.value,
        group_key=group.group_key,
        group_labels=dict(group.labels),
        created_at=now,
        alerts=tuple(AlertEvent.from_json(a.event) for a in alerts),
    )
    statements = {a.statement_id for a in alerts}
    statement_id = statements.pop() if len(statements) == 1 else None
    enqueue(
        session,
        notification=message,
        subscriptions=subscribers(session, rule.id),
        statement_id=statement_id,
    )
    for alert in alerts:
        alert.notified = True
        session.add(alert)
    group.last_notified_at, group.first_pending_at = now, None
    logger.info("group rule=%d notified: %d alert(s), %s", rule.id, len(alerts), reason)


def flush_due_groups(engine: Engine, now: datetime | None = None) -> int:
    """Checks every group whose time has come, each in its own transaction; returns how many."""
    now = now or utcnow()
    with Session(engine) as session:
        ids = session.exec(select(AlertGroup.id).where(col(AlertGroup.next_check_at) <= now)).all()
    for group_id in ids:
        with Session(engine) as session:
            group = session.get(AlertGroup, group_id)
            rule = session.get(AlertRule, group.rule_id) if group else None
            if group is None or rule is None or group.next_check_at is None:
                continue
            if group.next_check_at <= now:
                check(session, rule, group, now)
                session.commit()
    return len(ids)
