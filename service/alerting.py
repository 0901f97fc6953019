"""Alert evaluation: statement rules inside the storing transaction, trigger rules on events.

Rules are read from the database at every evaluation, so a changed threshold applies at once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_, select

from alerts import (
    AlertEvent,
    Facts,
    Filters,
    Kind,
    Matcher,
    StatementRule,
    TriggerRule,
    decide,
    decide_trigger,
    group_key,
    inhibited,
    silenced_by,
)
from alerts import Silence as SilenceRule
from service.alert_groups import join_group
from service.metrics import AlertMetrics
from service.tables import Alert, AlertRule, Item, Silence, Statement
from service.times import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """What evaluation needs besides the database: metrics; how long statement alerts stay open."""

    metrics: AlertMetrics | None = None
    alert_ttl_s: float = 3600.0


def filters_of(rule: AlertRule) -> Filters:
    f = rule.filters
    return Filters(
        actors=tuple(f.get("actors", ())),
        targets=tuple(f.get("targets", ())),
        countries=tuple(f.get("countries", ())),
        keywords=tuple(f.get("keywords", ())),
        min_severity=int(f.get("min_severity", 0)),
        conditional_only=bool(f.get("conditional_only", False)),
    )


def _span(statement: Statement, name: str) -> str | None:
    span = statement.extraction.get(name)
    return str(span["text"]) if isinstance(span, dict) and span.get("text") else None


def facts_of(statement: Statement) -> Facts:
    scores = {"escalation": statement.escalation, "conditional": statement.conditional}
    countries = (statement.actor_country, statement.target_country)
    return Facts(
        text=statement.text,
        actor=_span(statement, "actor"),
        target=_span(statement, "target"),
        severity=statement.severity,
        scores=scores | {"threat": statement.threat},
        actor_id=statement.actor_id,
        target_id=statement.target_id,
        countries=tuple(c for c in countries if c),
    )


def labels_of(rule: AlertRule, statement: Statement, item: Item | None) -> dict[str, str]:
    """The labels silences match and `group_by` picks from."""
    actor = (_span(statement, "actor") or "").casefold()
    target = (_span(statement, "target") or "").casefold()
    return {
        "rule": rule.name,
        "kind": rule.kind,
        "actor": actor,
        "target": target,
        "dyad": f"{actor}->{target}" if actor or target else "",
        "severity": str(statement.severity),
        "statement": str(statement.id),
        "item": str(statement.item_id),
        "source": (item.source or "") if item else "",
    }


def statement_json(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.id,
        "text": statement.text,
        "scores": {
            "threat": statement.threat,
            "conditional": statement.conditional,
            "severity": statement.severity,
            "escalation": statement.escalation,
        },
        "model_version": statement.model_version,
        "extraction": statement.extraction,
    }


def item_json(item: Item | None) -> dict[str, Any] | None:
    return None if item is None else {"title": item.title, "link": item.link, "source": item.source}


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def _muted(session: Session, labels: dict[str, str], now: datetime) -> str | None:
    rows = session.exec(
        select(Silence).where(col(Silence.starts_at) <= now, col(Silence.ends_at) > now)
    ).all()
    silences = [
        SilenceRule(s.id or 0, tuple(Matcher(**m) for m in s.matchers), s.starts_at, s.ends_at)
        for s in rows
    ]
    if silenced_by(labels, silences, now) is not None:
        return "silenced"
    if labels.get("severity") == "2" and labels.get("dyad"):
        open_rows = session.exec(
            select(Alert.labels)
            .where(Alert.dyad == labels["dyad"], Alert.severity == 3, Alert.status == "firing")
            .where(or_(col(Alert.ends_at).is_(None), col(Alert.ends_at) > now))
        ).all()
        if inhibited(labels, open_rows):
            return "inhibited"
    return None


def raise_alert(
    session: Session, rule: AlertRule, alert: Alert, policy: AlertPolicy, now: datetime
) -> Alert:
    """Files a firing alert unless silenced or inhibited; a firing one joins its group."""
    muted = _muted(session, alert.labels, now)
    alert.status = muted or "firing"
    alert.notified = muted is not None
    session.add(alert)
    if muted is None:
        if policy.metrics is not None:
            policy.metrics.alerts_fired.labels(rule.kind).inc()
        join_group(session, rule, alert, now)
    return alert


def new_alert(
    rule: AlertRule,
    labels: dict[str, str],
    *,
    fp: str,
    reason: str,
    severity: int,
    now: datetime,
    ends_at: datetime | None,
    statement: Statement | None = None,
    item: Item | None = None,
    risk: dict[str, float] | None = None,
) -> Alert:
    assert rule.id is not None
    event = AlertEvent(
        alert_id=fp,
        status="firing",
        reason=reason,
        severity=severity,
        labels=labels,
        starts_at=now,
        ends_at=ends_at,
        statement=statement_json(statement) if statement else None,
        item=item_json(item),
        risk=risk,
    )
    return Alert(
        rule_id=rule.id,
        fingerprint=fp,
        kind=rule.kind,
        status="firing",
        reason=reason,
        severity=severity,
        dyad=labels.get("dyad") or None,
        labels=labels,
        event=event.to_json(),
        statement_id=statement.id if statement else None,
        group_key=group_key(rule.id, labels, rule.group_by),
        starts_at=now,
        ends_at=ends_at,
        updated_at=now,
    )


def rules_of_kind(session: Session, kind: Kind) -> list[AlertRule]:
    query = select(AlertRule).where(AlertRule.kind == kind.value, col(AlertRule.enabled))
    return list(session.exec(query.order_by(col(AlertRule.id))).all())


def statement_rules(session: Session) -> list[tuple[AlertRule, StatementRule]]:
    """The enabled statement rules with their pure form, read once for a batch of statements."""
    return [
        (r, StatementRule(r.name, r.threshold, r.score_field, filters_of(r)))
        for r in rules_of_kind(session, Kind.STATEMENT)
    ]


def on_statement_stored(
    session: Session,
    *,
    statement: Statement,
    item: Item,
    policy: AlertPolicy,
    rules: list[tuple[AlertRule, StatementRule]] | None = None,
) -> list[Alert]:
    """Evaluates every statement rule (or the `rules` given, as read by `statement_rules`) on a
    statement just added to `session` (not committed)."""
    rules = statement_rules(session) if rules is None else rules
    if not rules:
        return []
    session.flush()
    now, facts, fired = utcnow(), facts_of(statement), []
    for rule, pure in rules:
        decision = decide(pure, facts)
        if not decision.fire:
            continue
        labels = labels_of(rule, statement, item)
        alert = new_alert(
            rule,
            labels,
            fp=fingerprint(rule.id, statement.id),
            reason=decision.reason.value,
            severity=statement.severity,
            now=now,
            ends_at=now + timedelta(seconds=policy.alert_ttl_s),
            statement=statement,
            item=item,
        )
        fired.append(raise_alert(session, rule, alert, policy, now))
    return fired


def on_trigger_observed(
    session: Session,
    *,
    threat_statement_id: int,
    report_statement_id: int,
    policy: AlertPolicy,
    observed_at: datetime | None = None,
) -> list[Alert]:
    """Evaluates trigger rules when the condition of a watched threat is seen in a report."""
    threat = session.get(Statement, threat_statement_id)
    if threat is None:
        return []
    item = session.get(Item, threat.item_id)
    now, facts, fired = observed_at or utcnow(), facts_of(threat), []
    for rule in rules_of_kind(session, Kind.TRIGGER):
        decision = decide_trigger(TriggerRule(rule.name, filters_of(rule)), facts)
        if not decision.fire:
            continue
        labels = labels_of(rule, threat, item) | {"report": str(report_statement_id)}
        alert = new_alert(
            rule,
            labels,
            fp=fingerprint(rule.id, threat_statement_id, report_statement_id),
            reason=decision.reason.value,
            severity=threat.severity,
            now=now,
            ends_at=now + timedelta(seconds=policy.alert_ttl_s),
            statement=threat,
            item=item,
        )
        fired.append(raise_alert(session, rule, alert, policy, now))
    return fired
