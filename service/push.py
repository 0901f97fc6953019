"""Pushed items (`POST /v1/items`) and the admin view of stored items and their scoring status."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from scoring import Scorer
from service.alerting import AlertPolicy
from service.errors import NotFoundError
from service.parse import draft, html_to_text
from service.pipeline import score_pending
from service.schemas_ingest import ItemAdminRead, ItemBatch, PushOutcome, PushResult
from service.store import store_drafts
from service.tables import Item, ItemFeed


def push_items(
    engine: Engine, *, batch: ItemBatch, scorer: Scorer, policy: AlertPolicy
) -> PushResult:
    """Stores the batch once (keyed by external id, deduplicated like feed items) and scores it."""
    drafts = [
        draft(
            guid=None,
            link=str(p.url) if p.url else None,
            title=html_to_text(p.title),
            text=html_to_text(p.text),
            published_at=p.published,
            source=p.source,
            external_id=p.external_id,
        )
        for p in batch.items
    ]
    with Session(engine) as session:
        report = store_drafts(session, drafts, feed_id=None)
        session.commit()
    score_pending(engine, scorer=scorer, policy=policy)
    outcome = {key: "new" for key, _ in report.new} | {key: "updated" for key, _ in report.updated}
    with Session(engine) as session:
        outcomes = []
        for pushed, d in zip(batch.items, drafts, strict=True):
            item_id = report.item_id(d.key)
            item = session.get(Item, item_id) if item_id is not None else None
            assert item is not None and item.id is not None
            outcomes.append(
                PushOutcome(
                    external_id=pushed.external_id,
                    item_id=item.id,
                    outcome=outcome.get(d.key, "duplicate"),
                    status=item.status,
                )
            )
    return PushResult(new=[o for o in outcomes if o.outcome == "new"], items=outcomes)


def _feed_ids(session: Session, item_ids: list[int]) -> dict[int, list[int]]:
    links = session.exec(
        select(ItemFeed.item_id, ItemFeed.feed_id).where(col(ItemFeed.item_id).in_(item_ids))
    ).all()
    by_item: dict[int, list[int]] = defaultdict(list)
    for item_id, feed_id in links:
        by_item[item_id].append(feed_id)
    return by_item


def _read(item: Item, feed_ids: list[int]) -> ItemAdminRead:
    return ItemAdminRead(
        **item.model_dump(include=set(ItemAdminRead.model_fields) - {"feed_ids"}),
        feed_ids=sorted(feed_ids),
    )


def list_items(
    session: Session, *, status: str | None, feed_id: int | None, limit: int
) -> list[ItemAdminRead]:
    """Stored items, newest first, by scoring status and/or carrying feed."""
    query = select(Item).order_by(col(Item.id).desc()).limit(limit)
    if status is not None:
        query = query.where(Item.status == status)
    if feed_id is not None:
        carried = select(ItemFeed.item_id).where(ItemFeed.feed_id == feed_id)
        query = query.where(col(Item.id).in_(carried))
    items = list(session.exec(query).all())
    links = _feed_ids(session, [i.id for i in items if i.id is not None])
    return [_read(i, links.get(i.id or 0, [])) for i in items]


def get_item(session: Session, *, item_id: int) -> ItemAdminRead:
    """One stored item, or NotFoundError."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"item {item_id} not found")
    return _read(item, _feed_ids(session, [item_id]).get(item_id, []))


def requeue_item(session: Session, *, item_id: int) -> ItemAdminRead:
    """Sets a quarantined item back to pending (e.g. after the scorer was fixed)."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"item {item_id} not found")
    if item.status == "quarantined":
        item.status, item.score_error = "pending", None
        session.add(item)
        session.commit()
        session.refresh(item)
    return _read(item, _feed_ids(session, [item_id]).get(item_id, []))
