"""Stores item drafts once: deduplicated by guid, external id, link or normalised text.

A story seen again is linked to the feed that carried it; one whose text changed in place is
updated and set back to `pending`, so the scoring stage (service/pipeline.py) scores it again.
Inserts use ON CONFLICT DO NOTHING on the unique identities, so two replicas storing the same
story at once store it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Insert, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from service.parse import ItemDraft, content_hash, link_key, text_hash
from service.tables import Item, ItemFeed
from service.times import utcnow

_IDENTITIES = ("key", "external_id", "link_key", "text_hash")


@dataclass(slots=True)
class StoreReport:
    """What storing a batch did: new items, items updated in place, and already-known ones."""

    new: list[tuple[str, int]] = field(default_factory=list)  # (draft key, item id)
    updated: list[tuple[str, int]] = field(default_factory=list)
    known: list[tuple[str, int]] = field(default_factory=list)

    def item_id(self, key: str) -> int | None:
        """The stored item for the draft with `key`, however it was matched."""
        for pairs in (self.new, self.updated, self.known):
            for draft_key, item_id in pairs:
                if draft_key == key:
                    return item_id
        return None


def _identities(d: ItemDraft) -> dict[str, str | None]:
    return {
        "key": d.key,
        "external_id": d.external_id,
        "link_key": link_key(d.link),
        "text_hash": text_hash(d.title, d.text),
    }


def insert_ignoring_conflicts(session: Session, table: Any) -> Insert:
    """An INSERT that skips rows clashing with any unique key, on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement: Insert = module.insert(table).on_conflict_do_nothing()
    return statement


def _known(session: Session, drafts: Sequence[ItemDraft]) -> list[Item]:
    values: dict[str, set[str]] = {name: set() for name in _IDENTITIES}
    for d in drafts:
        for name, value in _identities(d).items():
            if value is not None:
                values[name].add(value)
    # One indexed lookup per identity, united: an OR across columns defeats the indexes.
    lookups = [
        select(Item.id).where(col(getattr(Item, name)).in_(v)) for name, v in values.items() if v
    ]
    if not lookups:
        return []
    return list(session.exec(select(Item).where(col(Item.id).in_(union(*lookups)))).all())


def _match(d: ItemDraft, index: dict[tuple[str, str], Item]) -> tuple[Item | None, bool]:
    """The stored item this draft is, and whether it is the same story by guid/id/link."""
    for name, value in _identities(d).items():
        if value is not None and (name, value) in index:
            return index[(name, value)], name != "text_hash"
    return None, False


def _index(items: Iterable[Item]) -> dict[tuple[str, str], Item]:
    index: dict[tuple[str, str], Item] = {}
    for item in items:
        for name in _IDENTITIES:
            if getattr(item, name) is not None:
                index[(name, getattr(item, name))] = item
    return index


def unstored(session: Session, drafts: Sequence[ItemDraft]) -> set[str]:
    """Keys of the drafts that storing would insert or update (new stories or changed text)."""
    index = _index(_known(session, drafts))
    keys = set()
    for d in drafts:
        item, same_story = _match(d, index)
        if item is None or (same_story and item.content_hash != content_hash(d.title, d.text)):
            keys.add(d.key)
    return keys


def store_drafts(
    session: Session, drafts: Sequence[ItemDraft], *, feed_id: int | None
) -> StoreReport:
    """Stores what is new, updates what changed in place, links all to `feed_id`; no commit."""
    index = _index(_known(session, drafts))
    report = StoreReport()
    fresh: dict[str, ItemDraft] = {}
    owner: dict[tuple[str, str], str] = {}  # identity -> key of the first draft in the batch
    copies: list[tuple[str, str]] = []  # (draft key, key of the draft it copies)
    for d in drafts:
        item, same_story = _match(d, index)
        if item is None:
            ids = [(n, v) for n, v in _identities(d).items() if v]
            first = next((owner[i] for i in ids if i in owner), None)
            if first is None:
                fresh[d.key] = d
                owner.update(dict.fromkeys(ids, d.key))
            elif first != d.key:
                copies.append((d.key, first))
            continue
        assert item.id is not None
        if same_story and item.content_hash != content_hash(d.title, d.text):
            _update(session, item, d)
            report.updated.append((d.key, item.id))
        else:
            report.known.append((d.key, item.id))
    report.new = _insert(session, list(fresh.values()), feed_id=feed_id)
    for d in fresh.values():
        if report.item_id(d.key) is None:  # lost a race to another writer: it is known now
            report.known.extend((d.key, i.id) for i in _known(session, [d]) if i.id is not None)
    for key, first in copies:
        if (item_id := report.item_id(first)) is not None:
            report.known.append((key, item_id))
    if feed_id is not None:
        _link(session, {i for _, i in report.new + report.updated + report.known}, feed_id)
    return report


def _row(d: ItemDraft, feed_id: int | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "feed_id": feed_id,
        "guid": d.guid,
        "link": d.link,
        "title": d.title,
        "text": d.full_text or d.text,
        "source": d.source,
        "published_at": d.published_at,
        "fetched_at": now,
        "content_hash": content_hash(d.title, d.text),
        "status": "pending",
        **_identities(d),
    }


def _insert(
    session: Session, drafts: list[ItemDraft], *, feed_id: int | None
) -> list[tuple[str, int]]:
    if not drafts:
        return []
    statement = insert_ignoring_conflicts(session, Item).returning(col(Item.key), col(Item.id))
    rows = session.execute(statement, [_row(d, feed_id) for d in drafts]).all()
    return [(cast(str, key), cast(int, item_id)) for key, item_id in rows]


def _update(session: Session, item: Item, d: ItemDraft) -> None:
    item.title, item.text = d.title, d.full_text or d.text
    item.content_hash = content_hash(d.title, d.text)
    new_hash = text_hash(d.title, d.text)
    clash = new_hash and session.exec(select(Item.id).where(Item.text_hash == new_hash)).first()
    if not clash:  # another stored story already has this exact text: keep ours as it was
        item.text_hash = new_hash
    item.published_at = d.published_at or item.published_at
    item.status, item.score_error, item.updated_at = "pending", None, utcnow()
    session.add(item)


def _link(session: Session, item_ids: Iterable[int], feed_id: int) -> None:
    rows = [{"item_id": i, "feed_id": feed_id, "seen_at": utcnow()} for i in sorted(item_ids)]
    if rows:
        session.execute(insert_ignoring_conflicts(session, ItemFeed), rows)
