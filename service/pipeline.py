"""From item drafts to stored items, scored statements and queued alerts, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlmodel import Session, col, select

from alerts import Reason, decide
from scoring import Scorer, StatementScore
from service.outbox import AlertPolicy, enqueue
from service.parse import ItemDraft
from service.tables import Item, Statement
from service.triggers import watch_statement

logger = logging.getLogger(__name__)


def _extraction(score: StatementScore) -> dict[str, object]:
    spans = {"actor": score.actor, "target": score.target}
    spans |= {"condition": score.condition, "action": score.action}
    return {
        name: {"text": span.text, "start": span.start, "end": span.end}
        for name, span in spans.items()
        if span is not None
    } | {"severity_probs": list(score.severity_probs)}


def _statement(item_id: int, part: str, position: int, score: StatementScore) -> Statement:
    return Statement(
        item_id=item_id,
        part=part,
        position=position,
        text=score.text,
        start=score.start,
        end=score.end,
        threat=score.threat,
        conditional=score.conditional,
        severity=score.severity,
        escalation=score.escalation,
        extraction=_extraction(score),
        model_version=score.model_version,
    )


def new_drafts(session: Session, drafts: Sequence[ItemDraft]) -> list[ItemDraft]:
    """The drafts whose key is not stored yet (first of each key only)."""
    keys = {d.key for d in drafts}
    if not keys:
        return []
    known = set(session.exec(select(Item.key).where(col(Item.key).in_(keys))).all())
    fresh: dict[str, ItemDraft] = {}
    for draft in drafts:
        if draft.key not in known and draft.key not in fresh:
            fresh[draft.key] = draft
    return list(fresh.values())


def record_items(
    session: Session,
    drafts: Sequence[ItemDraft],
    *,
    feed_id: int | None,
    scorer: Scorer,
    policy: AlertPolicy,
) -> list[Item]:
    """Stores new drafts with their scored statements and alerts; the caller commits."""
    fresh = new_drafts(session, drafts)
    if not fresh:
        return []
    # Title and body are scored apart: a headline often lacks a final stop and would merge.
    scored = scorer.score_many([t for d in fresh for t in (d.title, d.text)])
    items = []
    for i, draft in enumerate(fresh):
        item = Item(
            feed_id=feed_id,
            key=draft.key,
            guid=draft.guid,
            link=draft.link,
            title=draft.title,
            text=draft.text,
            published_at=draft.published_at,
            source=draft.source,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        for part, scores in (("title", scored[2 * i]), ("body", scored[2 * i + 1])):
            for position, score in enumerate(scores):
                _store_statement(session, item, _statement(item.id, part, position, score), policy)
        items.append(item)
    return items


def _store_statement(session: Session, item: Item, row: Statement, policy: AlertPolicy) -> None:
    session.add(row)
    watch_statement(session, item=item, row=row)
    reason = decide(policy.rule, row.conditional)
    if reason is Reason.ABOVE_THRESHOLD:
        session.flush()
        enqueue(session, statement=row, item=item, policy=policy, reason=reason)
