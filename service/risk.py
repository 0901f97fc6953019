"""Risk of an actor, a target, a dyad or a country over a window, from stored statements.

One indexed range scan per request: `ix_statement_dyad` (actor_id, target_id, observed_at),
`ix_statement_target_time`, or the two country indexes, over the window and the baseline
window before it; the formula itself is `scoring.risk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from scoring.risk import Evidence, Risk, RiskParams, combine, direction
from service.errors import InvalidQueryError
from service.schemas_risk import Contributor, RiskPoint, RiskRead, RiskSeries
from service.tables import Item, Statement, ThreatWatch
from service.times import utcnow

MIN_THREAT = 0.05  # statements below this weigh nothing worth a row
TOP_N = 5
MAX_POINTS = 1000


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose risk: any of actor, target (both: the dyad actor -> target) and country."""

    actor: str | None = None
    target: str | None = None
    country: str | None = None

    def check(self) -> None:
        """InvalidQueryError unless some subject is given."""
        if self.actor is None and self.target is None and self.country is None:
            raise InvalidQueryError("give at least one of actor, target or country")

    def where(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.actor is not None:
            clauses.append(col(Statement.actor_id) == self.actor)
        if self.target is not None:
            clauses.append(col(Statement.target_id) == self.target)
        if self.country is not None:
            clauses.append(
                or_(
                    col(Statement.actor_country) == self.country,
                    col(Statement.target_country) == self.country,
                )
            )
        self.check()
        return clauses


def parse_window(window: str) -> timedelta:
    """ "24h", "7d", "30d" or any "<n>h" / "<n>d" up to a year."""
    unit, number = window[-1:], window[:-1]
    if unit not in ("h", "d") or not number.isdigit() or int(number) == 0:
        raise InvalidQueryError(f"window {window!r}: expected e.g. 24h, 7d or 30d")
    span = timedelta(hours=int(number)) if unit == "h" else timedelta(days=int(number))
    if span > timedelta(days=366):
        raise InvalidQueryError(f"window {window!r}: at most 366 days")
    return span


def _rows(session: Session, subject: Subject, start: datetime, end: datetime) -> list[Any]:
    query = (
        sa_select(
            col(Statement.id),
            col(Statement.threat),
            col(Statement.conditional),
            col(Statement.severity),
            col(Statement.observed_at),
            col(Statement.story),
            col(Statement.source_domain),
            col(ThreatWatch.status),
        )
        .outerjoin(ThreatWatch, col(ThreatWatch.statement_id) == Statement.id)
        .where(and_(*subject.where()))
        .where(col(Statement.observed_at) > start, col(Statement.observed_at) <= end)
        .where(col(Statement.threat) >= MIN_THREAT)
    )
    return list(session.execute(query).all())


def _evidence(rows: list[Any], end: datetime) -> list[Evidence]:
    return [
        Evidence(
            statement_id=r[0],
            threat=r[1],
            conditional=r[2],
            severity=r[3],
            age_h=(end - r[4]).total_seconds() / 3600,
            story=r[5] or f"statement {r[0]}",
            source=r[6] or f"statement {r[0]}",
            triggered=r[7] == "trigger_observed",
        )
        for r in rows
        if r[4] <= end
    ]


def _contributors(session: Session, risk: Risk) -> list[Contributor]:
    top = risk.contributions[:TOP_N]
    if not top:
        return []
    # Only the columns shown: an item's full text and a statement's extraction stay unread.
    found = session.execute(
        sa_select(
            col(Statement.id),
            col(Statement.text),
            col(Statement.observed_at),
            col(Item.link),
            col(Item.source),
            col(ThreatWatch.id),
        )
        .join(Item, col(Item.id) == Statement.item_id)
        .outerjoin(ThreatWatch, col(ThreatWatch.statement_id) == Statement.id)
        .where(col(Statement.id).in_([c.statement_id for c in top]))
    ).all()
    by_id = {r[0]: r for r in found}
    return [
        Contributor(
            statement_id=c.statement_id,
            text=by_id[c.statement_id][1],
            weight=round(c.weight, 4),
            copies=c.copies,
            sources=c.sources,
            reasons=list(c.reasons),
            link=by_id[c.statement_id][3],
            source=by_id[c.statement_id][4],
            observed_at=by_id[c.statement_id][2],
            threat_id=by_id[c.statement_id][5],
        )
        for c in top
    ]


def risk_of(
    session: Session, *, subject: Subject, window: timedelta, end: datetime, params: RiskParams
) -> RiskRead:
    """Risk over (end - window, end], its baseline over the window before, and top statements."""
    start = end - window
    rows = _rows(session, subject, start - window, end)
    current = [r for r in rows if r[4] > start]
    risk = combine(_evidence(current, end), params, explain=TOP_N, keep=TOP_N)
    baseline = combine(
        _evidence([r for r in rows if r[4] <= start], start), params, explain=0, keep=0
    )
    return RiskRead(
        actor=subject.actor,
        target=subject.target,
        country=subject.country,
        start=start,
        end=end,
        score=round(risk.score, 4),
        baseline=round(baseline.score, 4),
        trend=round(risk.score - baseline.score, 4),
        direction=direction(risk.score, baseline.score, params).value,
        n_statements=len(current),
        half_life_h=params.half_life_h,
        top=_contributors(session, risk),
    )


def unchanged_since(
    connection: Connection,
    after_id: int,
    *,
    subject: Subject,
    window: timedelta,
    end: datetime,
) -> bool:
    """No statement with an id above `after_id` counts in this risk (both windows): the
    primary key range of the new rows, filtered."""
    query = (
        sa_select(col(Statement.id))
        .where(col(Statement.id) > after_id)
        .where(and_(*subject.where()))
        .where(col(Statement.observed_at) > end - 2 * window, col(Statement.observed_at) <= end)
        .where(col(Statement.threat) >= MIN_THREAT)
        .limit(1)
    )
    return connection.execute(query).first() is None


def risk_series(
    session: Session,
    *,
    subject: Subject,
    window: timedelta,
    end: datetime,
    bucket: str,
    params: RiskParams,
) -> RiskSeries:
    """Risk as of each bucket end within (end - window, end], oldest first."""
    step = timedelta(hours=1) if bucket == "1h" else timedelta(days=1)
    count = int(window / step)
    if count > MAX_POINTS:
        raise InvalidQueryError(f"{count} buckets of {bucket}; at most {MAX_POINTS}")
    start = end - window
    rows = _rows(session, subject, start, end)
    points = []
    for k in range(1, max(count, 1) + 1):
        at = start + step * k if count else end
        evidence = _evidence(rows, at)
        points.append(
            RiskPoint(
                end=at,
                score=round(combine(evidence, params, explain=0, keep=0).score, 4),
                n_statements=len(evidence),
            )
        )
    return RiskSeries(
        actor=subject.actor,
        target=subject.target,
        country=subject.country,
        bucket="1h" if bucket == "1h" else "1d",
        points=points,
    )


@dataclass(frozen=True, slots=True)
class StoredRisk:
    """Risk over the stored statements, in the shape the risk alert rules read it."""

    engine: Engine
    params: RiskParams

    def risk(
        self, *, actor: str | None, target: str | None, country: str | None, window: timedelta
    ) -> tuple[float, float]:
        """(score, trend) now; a rule with no subject has no risk (0, 0)."""
        if actor is None and target is None and country is None:
            return 0.0, 0.0
        subject = Subject(actor=actor, target=target, country=country)
        with Session(self.engine) as session:
            read = risk_of(
                session, subject=subject, window=window, end=utcnow(), params=self.params
            )
        return read.score, read.trend
