"""Polls feeds: fetch, parse, store new items once, score them, and record how it went."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from scoring import Scorer
from service.alerting import AlertPolicy
from service.errors import FeedError
from service.fetch import FeedFetcher
from service.parse import parse_feed
from service.pipeline import record_items
from service.tables import Feed
from service.times import utcnow

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class PollResult:
    feed_id: int
    status: str
    new_items: int = 0


def register_feed(engine: Engine, url: str, *, interval_s: int, title: str | None = None) -> Feed:
    """The feed with this URL, created (enabled, due now) if it is not known yet."""
    with Session(engine) as session:
        feed = session.exec(select(Feed).where(Feed.url == url)).first()
        if feed is None:
            feed = Feed(url=url, title=title, interval_s=interval_s, next_fetch_at=utcnow())
            session.add(feed)
            session.commit()
            session.refresh(feed)
        return feed


def due_feed_ids(engine: Engine, now: datetime) -> list[int]:
    """Enabled feeds whose next fetch time has come."""
    with Session(engine) as session:
        query = (
            select(Feed.id)
            .where(col(Feed.enabled))
            .where(or_(col(Feed.next_fetch_at).is_(None), col(Feed.next_fetch_at) <= now))
            .order_by(col(Feed.next_fetch_at))
        )
        return [i for i in session.exec(query).all() if i is not None]


def poll_feed(
    engine: Engine, feed_id: int, *, fetcher: FeedFetcher, scorer: Scorer, policy: AlertPolicy
) -> PollResult:
    """One fetch of one feed; its failure is recorded on the feed and never raised."""
    with Session(engine) as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return PollResult(feed_id, "gone")
        url, etag, modified = feed.url, feed.etag, feed.last_modified
    started = utcnow()
    try:
        fetched = fetcher.fetch(url, etag=etag, last_modified=modified)
        title, drafts = (None, []) if fetched.body is None else parse_feed(fetched.body)
    except FeedError as exc:
        logger.warning("feed %d failed: %s", feed_id, exc)
        _record_failure(engine, feed_id, str(exc), started)
        return PollResult(feed_id, f"error: {exc}")
    with Session(engine) as session:
        feed = session.get(Feed, feed_id)
        assert feed is not None
        items = record_items(session, drafts, feed_id=feed_id, scorer=scorer, policy=policy)
        feed.title = feed.title or title
        feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
        feed.last_status = "not modified" if fetched.body is None else f"ok: {len(items)} new"
        feed.last_fetched_at, feed.error_count = started, 0
        feed.next_fetch_at = started + timedelta(seconds=feed.interval_s)
        session.add(feed)
        session.commit()
        logger.info("feed %d polled: %d new items", feed_id, len(items))
        return PollResult(feed_id, "ok", len(items))


def _record_failure(engine: Engine, feed_id: int, error: str, at: datetime) -> None:
    with Session(engine) as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return
        feed.error_count += 1
        feed.last_status = f"error: {error}"[:512]
        feed.last_fetched_at = at
        # Back off exponentially so a broken feed does not hammer its server or our logs.
        delay = timedelta(seconds=feed.interval_s * 2 ** min(feed.error_count - 1, 10))
        feed.next_fetch_at = at + min(delay, MAX_BACKOFF)
        session.add(feed)
        session.commit()


def poll_due_feeds(
    engine: Engine, *, fetcher: FeedFetcher, scorer: Scorer, policy: AlertPolicy
) -> list[PollResult]:
    """Polls every feed that is due, one after the other."""
    return [
        poll_feed(engine, feed_id, fetcher=fetcher, scorer=scorer, policy=policy)
        for feed_id in due_feed_ids(engine, utcnow())
    ]
