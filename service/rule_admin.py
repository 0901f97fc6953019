"""Rule administration: create, read, change, delete, preview; and the settings bootstrap."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from alerts import Kind, StatementRule, decide, group_key, new_secret
from scoring.risk import RiskParams
from service.alerting import facts_of, filters_of, labels_of
from service.config import Settings
from service.errors import ConflictError
from service.lookup import get_or_404
from service.rule_preview import Window, preview_risk, preview_trigger
from service.schemas_alerting import (
    PreviewExample,
    PreviewRead,
    PreviewRequest,
    RuleCreate,
    RuleUpdate,
)
from service.tables import (
    Alert,
    AlertGroup,
    AlertRule,
    Item,
    Statement,
    Subscription,
    SubscriptionRule,
)
from service.times import utcnow

logger = logging.getLogger(__name__)

BOOTSTRAP_RULE = "conditional-threat"
PREVIEW_MAX_STATEMENTS = 200_000


def get_rule(session: Session, rule_id: int) -> AlertRule:
    return get_or_404(session, AlertRule, rule_id, "rule")


def _check_name(session: Session, name: str, rule_id: int | None = None) -> None:
    other = session.exec(select(AlertRule).where(AlertRule.name == name)).first()
    if other is not None and other.id != rule_id:
        raise ConflictError(f"a rule named {name!r} exists already")


def create_rule(session: Session, *, spec: RuleCreate) -> AlertRule:
    _check_name(session, spec.name)
    rule = AlertRule(**spec.model_dump())
    session.add(rule)
    session.commit()
    session.refresh(rule)
    logger.info("rule %d created (%s)", rule.id, rule.kind)
    return rule


def list_rules(session: Session) -> list[AlertRule]:
    return list(session.exec(select(AlertRule).order_by(col(AlertRule.id))).all())


def update_rule(session: Session, *, rule_id: int, change: RuleUpdate) -> AlertRule:
    """Applies a PATCH; the next evaluation reads the new values (no restart)."""
    rule = get_rule(session, rule_id)
    values = change.model_dump(exclude_unset=True)
    if "name" in values:
        _check_name(session, values["name"], rule_id)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.updated_at = utcnow()
    session.add(rule)
    session.commit()
    session.refresh(rule)
    return rule


def delete_rule(session: Session, *, rule_id: int) -> None:
    """Deletes the rule with its alerts, groups and subscription links (deliveries stay)."""
    get_rule(session, rule_id)
    session.exec(delete(SubscriptionRule).where(col(SubscriptionRule.rule_id) == rule_id))
    session.exec(delete(AlertGroup).where(col(AlertGroup.rule_id) == rule_id))
    session.exec(delete(Alert).where(col(Alert.rule_id) == rule_id))
    session.exec(delete(AlertRule).where(col(AlertRule.id) == rule_id))
    session.commit()


def _preview_rule(session: Session, request: PreviewRequest) -> AlertRule:
    if request.rule is not None:
        return AlertRule(id=0, **request.rule.model_dump())
    assert request.rule_id is not None
    base = get_rule(session, request.rule_id)
    values: dict[str, Any] = base.model_dump() | (
        request.changes.model_dump(exclude_unset=True) if request.changes else {}
    )
    return AlertRule(**values)


def _example(statement: Statement, score_field: str, key: str) -> PreviewExample:
    return PreviewExample(
        statement_id=statement.id or 0,
        text=statement.text,
        score=getattr(statement, score_field),
        severity=statement.severity,
        scored_at=statement.scored_at,
        group_key=key,
    )


def preview(
    session: Session, *, request: PreviewRequest, params: RiskParams | None = None
) -> PreviewRead:
    """How many alerts (and groups) the rule would have raised over the window, with examples:
    statement rules on the stored statements, trigger rules on the stored trigger links, risk
    rules replayed on the stored-statement risk (with `params`; see `service.rule_preview`)."""
    rule = _preview_rule(session, request)
    until = utcnow()
    since = request.since or until - timedelta(seconds=request.window_s)
    window = Window(since, until)
    if rule.kind == Kind.TRIGGER:
        return preview_trigger(session, rule, window, request.examples)
    if rule.kind == Kind.RISK:
        return preview_risk(session, rule, window, request.examples, params or RiskParams())
    return _preview_statements(session, rule, window, request.examples)


def _preview_statements(
    session: Session, rule: AlertRule, window: Window, examples_max: int
) -> PreviewRead:
    """A statement rule decided on each statement scored in the window."""
    since, until = window.since, window.until
    rows = session.exec(
        select(Statement, Item)
        .join(Item, col(Item.id) == Statement.item_id)
        .where(col(Statement.scored_at) >= since, col(Statement.scored_at) <= until)
        .order_by(col(Statement.scored_at), col(Statement.id))
        .limit(PREVIEW_MAX_STATEMENTS)
    ).all()
    pure = StatementRule(rule.name, rule.threshold, rule.score_field, filters_of(rule))
    examples: list[PreviewExample] = []
    groups: set[str] = set()
    alerts = 0
    for statement, item in rows:
        if not decide(pure, facts_of(statement)).fire:
            continue
        alerts += 1
        key = group_key(rule.id or 0, labels_of(rule, statement, item), rule.group_by)
        groups.add(key)
        if len(examples) < examples_max:
            examples.append(_example(statement, rule.score_field, key))
    return PreviewRead(
        rule=rule.name,
        since=since,
        until=until,
        statements=len(rows),
        alerts=alerts,
        groups=len(groups),
        examples=examples,
    )


def bootstrap(engine: Engine, settings: Settings) -> None:
    """With REDLINE_WEBHOOK_URLS set: a statement rule on the conditional probability at
    REDLINE_ALERT_THRESHOLD (made once; admins own it after) and a webhook subscription per URL."""
    if not settings.webhook_urls:
        return
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    with Session(engine) as session:
        rule = session.exec(select(AlertRule).where(AlertRule.name == BOOTSTRAP_RULE)).first()
        if rule is None:
            rule = AlertRule(
                name=BOOTSTRAP_RULE,
                kind=Kind.STATEMENT.value,
                threshold=settings.alert_threshold,
                score_field="conditional",
                group_by=["statement"],
                group_wait_s=0.0,
                group_interval_s=0.0,
            )
            session.add(rule)
            session.flush()
        assert rule.id is not None
        known = set(
            session.exec(
                select(Subscription.address)
                .join(SubscriptionRule, col(SubscriptionRule.subscription_id) == Subscription.id)
                .where(SubscriptionRule.rule_id == rule.id)
            ).all()
        )
        for url in map(str, settings.webhook_urls):
            if url in known:
                continue
            sub = Subscription(channel="webhook", address=url, secret=secret or new_secret())
            session.add(sub)
            session.flush()
            assert sub.id is not None
            session.add(SubscriptionRule(subscription_id=sub.id, rule_id=rule.id))
        session.commit()
