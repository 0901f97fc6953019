"""Polls feeds: claim the due ones, fetch them concurrently, store new items once, score them.

Replicas: a feed is claimed with `UPDATE feed ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)`
setting a lease (`claimed_until`); the fetch moves `next_fetch_at` one interval on, so another
replica sharing the database neither takes it while it is held nor fetches it again within the
interval. A replica that dies lets its lease lapse and the feed is taken up again.

Concurrency: a bounded thread pool. Fetching is network wait, and the database layer and the
scorer are synchronous; threads overlap the waits without an async database driver.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, text, update
from sqlmodel import Session, col, select

from scoring import Scorer
from service.alerting import AlertPolicy
from service.errors import FeedError, FeedFetchError
from service.fetch import FeedFetcher
from service.fulltext import FullText
from service.parse import ItemDraft, parse_feed
from service.pipeline import score_pending
from service.store import store_drafts, unstored
from service.tables import Feed
from service.times import utcnow

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class PollResult:
    feed_id: int
    status: str
    new_items: int = 0
    updated_items: int = 0


@dataclass(frozen=True, slots=True)
class FeedJob:
    """What a worker needs to fetch one claimed feed."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How polling behaves: concurrent fetches, lease length, replica name, full-text fetch."""

    concurrency: int = 8
    lease_s: int = 300
    replica: str = "local"
    full_text: FullText | None = None


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


def claim_due_feeds(
    engine: Engine,
    *,
    now: datetime,
    limit: int,
    lease_s: int,
    replica: str,
    exclude: Collection[int] = (),
) -> list[FeedJob]:
    """Leases up to `limit` due, enabled, unclaimed feeds to `replica` (committed at once)."""
    due = (
        select(Feed.id)
        .where(col(Feed.enabled))
        .where(col(Feed.id).not_in(exclude))
        .where(or_(col(Feed.next_fetch_at).is_(None), col(Feed.next_fetch_at) <= now))
        .where(or_(col(Feed.claimed_until).is_(None), col(Feed.claimed_until) < now))
        .order_by(col(Feed.next_fetch_at), col(Feed.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(Feed)
        .where(col(Feed.id).in_(due))
        .values(claimed_by=replica, claimed_until=now + timedelta(seconds=lease_s))
        .returning(col(Feed.id), col(Feed.url), col(Feed.etag), col(Feed.last_modified))
    )
    with Session(engine) as session:
        _relaxed_commit(session)
        rows = session.exec(claim).all()
        session.commit()
    jobs = [FeedJob(int(r[0]), str(r[1]), r[2], r[3]) for r in rows]
    return sorted(jobs, key=lambda job: job.id)


def poll_feed(
    engine: Engine, job: FeedJob, *, fetcher: FeedFetcher, full_text: FullText | None = None
) -> PollResult:
    """Fetches one claimed feed and stores its items (unscored); records failures, never raises."""
    started = utcnow()
    try:
        fetched = fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
        title, drafts = (None, []) if fetched.body is None else parse_feed(fetched.body)
        if full_text is not None:
            drafts = _enriched(engine, drafts, full_text)
        with Session(engine) as session:
            _relaxed_commit(session)
            feed = session.get(Feed, job.id)
            if feed is None:
                return PollResult(job.id, "gone")
            report = store_drafts(session, drafts, feed_id=job.id)
            feed.title = feed.title or title
            feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
            feed.last_http_status = fetched.status_code
            status = "not modified" if fetched.body is None else f"ok: {len(report.new)} new"
            _settle(feed, started, status=status, error=None)
            session.add(feed)
            session.commit()
    except FeedError as exc:
        logger.warning("feed %d failed: %s", job.id, exc)
        code = exc.status_code if isinstance(exc, FeedFetchError) else None
        _record_failure(engine, job.id, str(exc), code, started)
        return PollResult(job.id, f"error: {exc}")
    except Exception as exc:  # one feed's surprise must not stop the others
        logger.exception("feed %d failed unexpectedly", job.id)
        _record_failure(engine, job.id, f"internal error: {type(exc).__name__}", None, started)
        return PollResult(job.id, f"error: internal error: {type(exc).__name__}")
    logger.info("feed %d polled: %d new, %d updated", job.id, len(report.new), len(report.updated))
    return PollResult(job.id, "ok", len(report.new), len(report.updated))


def _relaxed_commit(session: Session) -> None:
    """Skips the wait for the WAL flush on PostgreSQL: a poll lost in a crash is lost whole
    (items, validators and next fetch time revert together) and is simply done again."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))


def _enriched(engine: Engine, drafts: list[ItemDraft], full_text: FullText) -> list[ItemDraft]:
    """Drafts with article text fetched, for the new or changed ones only (never every poll)."""
    wanted = [d for d in drafts if full_text.wants(d)]
    if not wanted:
        return drafts
    with Session(engine) as session:
        fresh = unstored(session, wanted)
    return [full_text.enrich(d) if d.key in fresh else d for d in drafts]


def _settle(feed: Feed, at: datetime, *, status: str, error: str | None) -> None:
    """Records how a fetch went, releases the claim and sets the next fetch time."""
    feed.last_status, feed.last_error = status[:512], error and error[:1024]
    feed.last_fetched_at = feed.updated_at = at
    feed.claimed_by = feed.claimed_until = None
    if error is None:
        feed.error_count = 0
        feed.next_fetch_at = at + timedelta(seconds=feed.interval_s)
        return
    feed.error_count += 1
    # Back off exponentially so a broken feed does not hammer its server or our logs.
    delay = timedelta(seconds=feed.interval_s * 2 ** min(feed.error_count - 1, 10))
    feed.next_fetch_at = at + min(delay, max(MAX_BACKOFF, timedelta(seconds=feed.interval_s)))


def _record_failure(
    engine: Engine, feed_id: int, error: str, http_status: int | None, at: datetime
) -> None:
    with Session(engine) as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return
        feed.last_http_status = http_status
        _settle(feed, at, status=f"error: {error}", error=error)
        session.add(feed)
        session.commit()


def poll_due_feeds(
    engine: Engine,
    *,
    fetcher: FeedFetcher,
    scorer: Scorer,
    policy: AlertPolicy,
    options: IngestOptions | None = None,
) -> list[PollResult]:
    """Fetches every due feed, `concurrency` at a time, scoring what each round stored."""
    options = options or IngestOptions()
    results: list[PollResult] = []
    with ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="fetch") as pool:
        while True:
            # Claim a few rounds' worth at a time, so the lease stays short and other
            # replicas get the rest; a feed is fetched at most once per call.
            jobs = claim_due_feeds(
                engine,
                now=utcnow(),
                limit=options.concurrency * 4,
                lease_s=options.lease_s,
                replica=options.replica,
                exclude=[r.feed_id for r in results],
            )
            if not jobs:
                break
            results += pool.map(
                lambda job: poll_feed(engine, job, fetcher=fetcher, full_text=options.full_text),
                jobs,
            )
            score_pending(engine, scorer=scorer, policy=policy)
    return results
