"""Analysts' labels of stored statements and their history, the queue of statements most
worth labelling, and the labels' export in the schema of the labelled data.

The learning curves (`redline curve`) show the model limited by how much labelled data it
has, so labels are kept for retraining. The queue puts first what the loaded model is
least sure of (`scoring.sampling.margin`: P(threat) or P(conditional threat), whichever is
nearer its threshold), which `redline labels simulate` found to teach the model more per
label than labels drawn at random. A label belongs to the sentence: once one statement is
labelled, its other copies (the same story, or the same sentence scored by another model
version) leave the queue, and the export writes each sentence once, with its latest label.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from scoring.data import SPAN_FIELDS
from service.errors import InvalidInputError
from service.lookup import get_or_404
from service.schemas_labels import LabelWrite, QueuedStatement
from service.tables import Item, Statement, StatementLabel, StatementLabelEvent
from service.times import utcnow


def put_label(session: Session, statement_id: int, body: LabelWrite, by: str) -> StatementLabel:
    """Stores (or replaces) the label of a statement, and adds the reading to its history;
    every span must be written in its text."""
    statement = get_or_404(session, Statement, statement_id, "statement")
    absent = [f for f in SPAN_FIELDS if (span := getattr(body, f)) and span not in statement.text]
    if absent:
        raise InvalidInputError(
            f"{', '.join(absent)}: not written in the text of statement {statement_id}"
        )
    values = {**body.model_dump(), "labelled_by": by}
    try:
        row = _upsert(session, statement_id, values)
    except IntegrityError:  # a concurrent first label of the same statement won the insert
        session.rollback()
        row = _upsert(session, statement_id, values)
    session.refresh(row)
    return row


def _upsert(session: Session, statement_id: int, values: dict[str, Any]) -> StatementLabel:
    now = utcnow()
    row = session.get(StatementLabel, statement_id)
    if row is None:
        row = StatementLabel(statement_id=statement_id, **values, labelled_at=now)
    else:
        row.sqlmodel_update({**values, "labelled_at": now})
    session.add(row)
    session.add(
        StatementLabelEvent(statement_id=statement_id, kind="set", **values, labelled_at=now)
    )
    session.commit()
    return row


def get_label(session: Session, statement_id: int) -> StatementLabel:
    """The label of a statement, or NotFoundError."""
    return get_or_404(session, StatementLabel, statement_id, "label of statement")


def delete_label(session: Session, statement_id: int, by: str) -> None:
    """Removes the label of a statement (NotFoundError if it has none); its history keeps
    the removal."""
    session.delete(get_label(session, statement_id))
    session.add(StatementLabelEvent(statement_id=statement_id, kind="removed", labelled_by=by))
    session.commit()


def history(session: Session, statement_id: int) -> list[StatementLabelEvent]:
    """Every reading and removal of a statement's label, oldest first (NotFoundError for an
    unknown statement)."""
    get_or_404(session, Statement, statement_id, "statement")
    query = (
        select(StatementLabelEvent)
        .where(col(StatementLabelEvent.statement_id) == statement_id)
        .order_by(col(StatementLabelEvent.id))
    )
    return list(session.exec(query).all())


def queue(
    session: Session,
    *,
    model_version: str,
    thresholds: tuple[float, float],
    limit: int,
    since: datetime | None = None,
) -> list[QueuedStatement]:
    """Unlabelled statements scored by `model_version`, the smallest margin to the model's
    (threat, conditional threat) `thresholds` first (`scoring.sampling.margin` in SQL)."""
    other = aliased(Statement)
    labelled = (
        select(StatementLabel.statement_id)
        .join(other, col(other.id) == col(StatementLabel.statement_id))
        .where(
            or_(
                col(other.story) == col(Statement.story),
                (col(other.item_id) == col(Statement.item_id))
                & (col(other.part) == col(Statement.part))
                & (col(other.position) == col(Statement.position)),
            )
        )
    )
    to_threat = func.abs(col(Statement.threat) - thresholds[0])
    to_conditional = func.abs(col(Statement.conditional) - thresholds[1])
    margin = case((to_threat <= to_conditional, to_threat), else_=to_conditional)
    query = (
        select(Statement, col(Item.link), margin)
        .join(Item, col(Item.id) == col(Statement.item_id))
        .where(col(Statement.model_version) == model_version, ~exists(labelled))
        .order_by(margin, col(Statement.id))
        .limit(limit)
    )
    if since is not None:
        query = query.where(col(Statement.scored_at) >= since)
    return [
        QueuedStatement(
            statement_id=s.id or 0,
            text=s.text,
            threat=s.threat,
            conditional=s.conditional,
            severity=s.severity,
            margin=float(m),
            link=link,
            scored_at=s.scored_at,
        )
        for s, link, m in session.exec(query).all()
    ]


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """Each labelled sentence once (its latest label), as a row of the labelled data: the
    item is the document, so a split by `doc` keeps an article's sentences together."""
    query = (
        select(StatementLabel, Statement, Item)
        .join(Statement, col(Statement.id) == col(StatementLabel.statement_id))
        .join(Item, col(Item.id) == col(Statement.item_id))
        .order_by(col(StatementLabel.labelled_at).desc(), col(StatementLabel.statement_id).desc())
    )
    seen: set[str] = set()
    for label, statement, item in session.exec(query):
        key = statement.story or f"{statement.item_id}:{statement.part}:{statement.position}"
        if key in seen:
            continue
        seen.add(key)
        yield {
            "id": f"redline-statement-{statement.id}",
            "text": statement.text,
            "threat": label.threat,
            "conditional": label.conditional,
            "severity": label.severity,
            **{f: getattr(label, f) for f in SPAN_FIELDS},
            "source": item.link or item.source or f"redline item {item.key}",
            "doc": f"redline-item-{item.key}",
            "labelled_by": label.labelled_by,
            "labelled_at": label.labelled_at.isoformat(),
        }


def export_jsonl(session: Session) -> Iterator[str]:
    """`export_rows` as JSON Lines."""
    for row in export_rows(session):
        yield json.dumps(row, ensure_ascii=False) + "\n"
