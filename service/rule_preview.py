"""Preview of trigger and risk rules on the stored history of a window.

Statement rules are previewed in `service.rule_admin`; this module replays the other two kinds
with the same pure decisions the live evaluation uses (`alerts.decide_trigger`,
`alerts.step_risk`), so a preview counts what the rule would have fired, not an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from alerts import RiskState, TriggerRule, decide_trigger, group_key, step_risk
from scoring.risk import RiskParams
from service.alerting import facts_of, filters_of, labels_of
from service.errors import InvalidInputError
from service.risk import Subject, risk_of
from service.risk_alerts import _labels, _pure
from service.schemas_alerting import PreviewExample, PreviewRead
from service.schemas_risk import RiskRead
from service.tables import AlertRule, Item, Statement, ThreatWatch, TriggerLink

PREVIEW_MAX_LINKS = 100_000
RISK_STEP = timedelta(hours=1)
MAX_RISK_STEPS = 400  # longer windows are replayed in proportionally longer steps


@dataclass(frozen=True, slots=True)
class Window:
    """The replayed span: since..until, both included."""

    since: datetime
    until: datetime


@dataclass(slots=True)
class Tally:
    """Alerts, their group keys and the first examples, as a replay collects them."""

    limit: int
    alerts: int = 0
    groups: set[str] = field(default_factory=set)
    examples: list[PreviewExample] = field(default_factory=list)

    def add(self, key: str, example: PreviewExample) -> None:
        self.alerts += 1
        self.groups.add(key)
        if len(self.examples) < self.limit:
            self.examples.append(example)

    def read(self, rule: AlertRule, window: Window, looked_at: int) -> PreviewRead:
        return PreviewRead(
            rule=rule.name,
            since=window.since,
            until=window.until,
            statements=looked_at,
            alerts=self.alerts,
            groups=len(self.groups),
            examples=self.examples,
        )


def _first_links(session: Session, window: Window) -> list[tuple[TriggerLink, Statement]]:
    """Per watch first observed in the window, the link that observed it (the one the live
    evaluation alerts on; later reports of the same condition raise nothing), with its report."""
    rows = session.exec(
        select(TriggerLink, Statement)
        .join(ThreatWatch, col(ThreatWatch.id) == TriggerLink.watch_id)
        .join(Statement, col(Statement.id) == TriggerLink.statement_id)
        .where(col(ThreatWatch.observed_at) >= window.since)
        .where(col(ThreatWatch.observed_at) <= window.until)
        .order_by(col(TriggerLink.id))
        .limit(PREVIEW_MAX_LINKS)
    ).all()
    first: dict[int, tuple[TriggerLink, Statement]] = {}
    for link, report in rows:
        first.setdefault(link.watch_id, (link, report))
    return sorted(first.values(), key=lambda pair: (pair[1].observed_at, pair[0].id or 0))


def _threats(session: Session, watch_ids: list[int]) -> dict[int, tuple[Statement, Item]]:
    """The threat statement (with its item) of each watch, by watch id."""
    rows = session.exec(
        select(ThreatWatch.id, Statement, Item)
        .join(Statement, col(Statement.id) == ThreatWatch.statement_id)
        .join(Item, col(Item.id) == Statement.item_id)
        .where(col(ThreatWatch.id).in_(watch_ids))
    ).all()
    return {watch_id: (threat, item) for watch_id, threat, item in rows if watch_id is not None}


def preview_trigger(
    session: Session, rule: AlertRule, window: Window, examples: int
) -> PreviewRead:
    """Alerts a trigger rule would have raised: one per watched threat whose condition was
    first observed in the window and which passes the rule's filters; examples are those
    threats with the report that observed them, oldest first."""
    links = _first_links(session, window)
    threats = _threats(session, [link.watch_id for link, _ in links])
    pure, tally = TriggerRule(rule.name, filters_of(rule)), Tally(examples)
    for link, report in links:
        threat, item = threats[link.watch_id]
        if not decide_trigger(pure, facts_of(threat)).fire:
            continue
        labels = labels_of(rule, threat, item) | {"report": str(report.id)}
        key = group_key(rule.id or 0, labels, rule.group_by)
        example = PreviewExample(
            statement_id=threat.id or 0,
            text=threat.text,
            score=getattr(threat, rule.score_field),
            severity=threat.severity,
            scored_at=threat.scored_at,
            group_key=key,
            fired_at=report.observed_at,
            report_statement_id=report.id,
            report_text=report.text,
        )
        tally.add(key, example)
    return tally.read(rule, window, len(links))


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _subject(rule: AlertRule) -> Subject:
    """The subject the live evaluation reads: the first actor, target and country filters."""
    f = rule.filters
    actor, target = _first(f.get("actors", [])), _first(f.get("targets", []))
    country = _first(f.get("countries", []))
    if actor is None and target is None and country is None:
        raise InvalidInputError("a risk rule needs an actors, targets or countries filter")
    return Subject(actor=actor, target=target, country=country)


def risk_steps(window: Window) -> tuple[timedelta, list[datetime]]:
    """The evaluation times, oldest first, ending at `until`: hourly, or at most
    `MAX_RISK_STEPS` evenly spaced ones over a long window; and their spacing."""
    span = window.until - window.since
    step = max(RISK_STEP, span / MAX_RISK_STEPS)
    count = max(1, int(span / step))
    return step, [window.until - step * (count - 1 - k) for k in range(count)]


def _risk_example(
    rule: AlertRule, subject: Subject, read: RiskRead, at: datetime
) -> PreviewExample:
    labels = _labels(rule, subject.actor, subject.target, subject.country, read.score)
    top = read.top[0] if read.top else None
    return PreviewExample(
        statement_id=top.statement_id if top else 0,
        text=top.text if top else "",
        score=read.score,
        severity=int(labels["severity"]),
        scored_at=at,
        group_key=group_key(rule.id or 0, labels, rule.group_by),
        fired_at=at,
        trend=read.trend,
    )


def preview_risk(
    session: Session, rule: AlertRule, window: Window, examples: int, params: RiskParams
) -> PreviewRead:
    """Firings of a risk rule replayed over the window: starting inactive at `since`, one
    `step_risk` per step (see `risk_steps`) on the stored-statement risk over the rule's
    `window_s` ending then, so `for_s` and hysteresis hold as they do live (at step
    resolution). `statements` counts the subject's statements in the window."""
    subject, pure, state = _subject(rule), _pure(rule), RiskState()
    span, tally = timedelta(seconds=rule.window_s), Tally(examples)
    step, times = risk_steps(window)
    for at in times:
        read = risk_of(session, subject=subject, window=span, end=at, params=params)
        outcome = step_risk(pure, state, score=read.score, trend=read.trend, now=at)
        state = outcome.state
        if outcome.notify == "firing":
            example = _risk_example(rule, subject, read, at)
            tally.add(example.group_key, example)
    whole = risk_of(
        session,
        subject=subject,
        window=window.until - window.since,
        end=window.until,
        params=params,
    )
    result = tally.read(rule, window, whole.n_statements)
    result.step_s = step.total_seconds()
    return result
