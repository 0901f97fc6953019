"""Feed administration: create, read, update, disable, delete, and seeding from a file."""

from __future__ import annotations

import logging
from pathlib import Path

import listparser
from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from service.errors import ConflictError
from service.lookup import get_or_404
from service.schemas_ingest import FeedCreate, FeedRead, FeedUpdate
from service.tables import Feed, Item, ItemFeed
from service.times import utcnow

logger = logging.getLogger(__name__)


def as_read(feed: Feed) -> FeedRead:
    """The API view of a feed row."""
    assert feed.id is not None
    return FeedRead(
        **feed.model_dump(include=set(FeedRead.model_fields) - {"backing_off"}),
        backing_off=feed.error_count > 0,
    )


def get_feed(session: Session, *, feed_id: int) -> Feed:
    """The feed, or NotFoundError."""
    return get_or_404(session, Feed, feed_id, "feed")


def list_feeds(session: Session, *, enabled: bool | None, limit: int, offset: int) -> list[Feed]:
    """Feeds by id, optionally only the enabled (or disabled) ones."""
    query = select(Feed).order_by(col(Feed.id)).offset(offset).limit(limit)
    if enabled is not None:
        query = query.where(Feed.enabled == enabled)
    return list(session.exec(query).all())


def _ensure_unique(session: Session, url: str, feed_id: int | None = None) -> None:
    other = session.exec(select(Feed.id).where(Feed.url == url)).first()
    if other is not None and other != feed_id:
        raise ConflictError(f"feed {other} already has this URL")


def create_feed(session: Session, *, change: FeedCreate) -> Feed:
    """A new feed, due at once when enabled; ConflictError when its URL is registered."""
    url = str(change.url)
    _ensure_unique(session, url)
    feed = Feed(
        url=url,
        title=change.title,
        interval_s=change.interval_s,
        enabled=change.enabled,
        next_fetch_at=utcnow(),
    )
    session.add(feed)
    session.commit()
    session.refresh(feed)
    return feed


def update_feed(session: Session, *, feed_id: int, change: FeedUpdate) -> Feed:
    """Changes the given fields; a new URL forgets the old validators and is due at once."""
    feed = get_feed(session, feed_id=feed_id)
    given = change.model_dump(exclude_unset=True)
    if given.get("url") is not None and str(change.url) != feed.url:
        _ensure_unique(session, str(change.url), feed_id)
        feed.url, feed.etag, feed.last_modified = str(change.url), None, None
        feed.next_fetch_at, feed.error_count = utcnow(), 0
    if "title" in given:
        feed.title = change.title
    if change.interval_s is not None:
        feed.interval_s = change.interval_s
    if change.enabled is not None:
        if change.enabled and not feed.enabled:
            feed.next_fetch_at, feed.error_count = utcnow(), 0
        feed.enabled = change.enabled
    feed.updated_at = utcnow()
    session.add(feed)
    session.commit()
    session.refresh(feed)
    return feed


def delete_feed(session: Session, *, feed_id: int) -> None:
    """Deletes the feed; its items stay (other feeds may carry them), unlinked from it."""
    get_feed(session, feed_id=feed_id)
    session.exec(delete(ItemFeed).where(col(ItemFeed.feed_id) == feed_id))
    session.exec(update(Item).where(col(Item.feed_id) == feed_id).values(feed_id=None))
    session.exec(delete(Feed).where(col(Feed.id) == feed_id))
    session.commit()


def read_feed_list(path: Path) -> list[tuple[str, str | None]]:
    """(url, title) pairs from an OPML file, or from a text file of one URL a line (# comments)."""
    raw = path.read_bytes()
    if raw.lstrip().startswith(b"<"):
        parsed = listparser.parse(raw)
        return [(feed.url, feed.get("title") or None) for feed in parsed.feeds]
    lines = (line.strip() for line in raw.decode("utf-8").splitlines())
    return [(line, None) for line in lines if line and not line.startswith("#")]


def import_feeds(engine: Engine, path: Path, *, interval_s: int) -> dict[str, int]:
    """Registers the file's http(s) feeds that are not known yet; counts added, known, skipped."""
    counts = {"added": 0, "known": 0, "skipped": 0}
    with Session(engine) as session:
        known = set(session.exec(select(Feed.url)).all())
        for url, title in read_feed_list(path):
            if not url.startswith(("http://", "https://")):
                counts["skipped"] += 1
            elif url in known:
                counts["known"] += 1
            else:
                session.add(
                    Feed(url=url, title=title, interval_s=interval_s, next_fetch_at=utcnow())
                )
                known.add(url)
                counts["added"] += 1
        session.commit()
    logger.info("feeds imported: %s", counts)
    return counts
