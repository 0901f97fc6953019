"""Periodic evaluation of risk rules against a risk source (scores and trends per dyad)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from alerts import Kind, Phase, RiskRule, RiskState, step_risk
from service.alert_groups import join_group
from service.alerting import AlertPolicy, fingerprint, new_alert, raise_alert, rules_of_kind
from service.tables import Alert, AlertRule
from service.times import utcnow

logger = logging.getLogger(__name__)


class RiskSource(Protocol):
    """Escalation risk of a dyad (or a country) over a window: (score, trend), both in [0, 1]."""

    def risk(
        self, *, actor: str | None, target: str | None, country: str | None, window: timedelta
    ) -> tuple[float, float]: ...


@dataclass(frozen=True, slots=True)
class RiskOutcome:
    rule: str
    reason: str
    notify: str | None


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _pure(rule: AlertRule) -> RiskRule:
    return RiskRule(
        rule.name, rule.threshold, rule.for_s, rule.hysteresis, rule.trend_rise, rule.window_s
    )


def _labels(
    rule: AlertRule, actor: str | None, target: str | None, country: str | None, score: float
) -> dict[str, str]:
    actor, target = (actor or "").casefold(), (target or "").casefold()
    return {
        "rule": rule.name,
        "kind": rule.kind,
        "actor": actor,
        "target": target,
        "dyad": f"{actor}->{target}",
        "country": country or "",
        # A near-certain escalation counts as critical, so it inhibits the severity-2 ones.
        "severity": "3" if score >= 0.9 else "2",
    }


def _current(session: Session, rule: AlertRule, fp: str) -> Alert | None:
    return session.exec(
        select(Alert)
        .where(Alert.rule_id == rule.id, Alert.fingerprint == fp)
        .where(col(Alert.status).in_(["pending", "firing", "silenced", "inhibited"]))
        .order_by(col(Alert.id).desc())
    ).first()


def evaluate_rule(
    session: Session, rule: AlertRule, source: RiskSource, policy: AlertPolicy, now: datetime
) -> RiskOutcome:
    """One step of one risk rule; the alert row carries its state between evaluations."""
    f = rule.filters
    actor, target = _first(f.get("actors", [])), _first(f.get("targets", []))
    country = _first(f.get("countries", []))
    score, trend = source.risk(
        actor=actor, target=target, country=country, window=timedelta(seconds=rule.window_s)
    )
    fp = fingerprint(rule.id, actor, target, country)
    alert = _current(session, rule, fp)
    phase = Phase.INACTIVE
    if alert is not None:
        phase = Phase.PENDING if alert.status == "pending" else Phase.FIRING
    state = RiskState(phase, alert.starts_at if alert else None)
    step = step_risk(_pure(rule), state, score=score, trend=trend, now=now)
    risk = {"score": score, "trend": trend}
    if alert is None and step.state.phase is not Phase.INACTIVE:
        labels = _labels(rule, actor, target, country, score)
        alert = new_alert(
            rule,
            labels,
            fp=fp,
            reason=step.reason.value,
            now=now,
            ends_at=None,
            severity=int(labels["severity"]),
            risk=risk,
        )
        alert.status = "pending"
        session.add(alert)
    if alert is not None:
        _apply(session, rule, alert, step.notify, step.state.phase, risk, policy, now)
    return RiskOutcome(rule.name, step.reason.value, step.notify)


def _apply(
    session: Session,
    rule: AlertRule,
    alert: Alert,
    notify: str | None,
    phase: Phase,
    risk: dict[str, float],
    policy: AlertPolicy,
    now: datetime,
) -> None:
    alert.event = alert.event | {"risk": risk}
    alert.updated_at = now
    if notify == "firing":
        alert.starts_at = now
        alert.event = alert.event | {"status": "firing", "starts_at": now.isoformat()}
        raise_alert(session, rule, alert, policy, now)
    elif notify == "resolved":
        was_sent = alert.status == "firing"
        alert.status, alert.ends_at, alert.notified = "resolved", now, False
        alert.event = alert.event | {"status": "resolved", "ends_at": now.isoformat()}
        if was_sent:
            join_group(session, rule, alert, now)
    elif phase is Phase.INACTIVE:
        alert.status = "cleared"  # pending that never held long enough
    session.add(alert)


def evaluate_risk_rules(
    engine: Engine, *, source: RiskSource, policy: AlertPolicy, now: datetime | None = None
) -> list[RiskOutcome]:
    """Evaluates every enabled risk rule once, each in its own transaction."""
    now = now or utcnow()
    with Session(engine) as session:
        ids = [r.id for r in rules_of_kind(session, Kind.RISK)]
    outcomes = []
    for rule_id in ids:
        with Session(engine) as session:
            rule = session.get(AlertRule, rule_id)
            if rule is None:
                continue
            outcomes.append(evaluate_rule(session, rule, source, policy, now))
            session.commit()
    return outcomes
