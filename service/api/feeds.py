"""Feed administration: `/v1/admin/feeds` (auth scopes are added where the router is included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from service import feeds
from service.deps import SessionDep
from service.schemas_ingest import FeedCreate, FeedPage, FeedRead, FeedUpdate

router = APIRouter(prefix="/v1/admin/feeds", tags=["admin: feeds"])


@router.post("", response_model=FeedRead, status_code=201)
def create_feed(body: FeedCreate, session: SessionDep) -> FeedRead:
    """Registers a feed; it is due at once. 409 when the URL is already registered."""
    return feeds.as_read(feeds.create_feed(session=session, change=body))


@router.get("", response_model=FeedPage)
def list_feeds(
    session: SessionDep,
    enabled: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FeedPage:
    """Feeds by id with their polling state."""
    rows = feeds.list_feeds(session=session, enabled=enabled, limit=limit, offset=offset)
    return FeedPage(feeds=[feeds.as_read(f) for f in rows])


@router.get("/{feed_id}", response_model=FeedRead)
def read_feed(feed_id: int, session: SessionDep) -> FeedRead:
    """One feed: interval, last fetch and status, error count, next fetch (backoff)."""
    return feeds.as_read(feeds.get_feed(session=session, feed_id=feed_id))


@router.patch("/{feed_id}", response_model=FeedRead)
def update_feed(feed_id: int, body: FeedUpdate, session: SessionDep) -> FeedRead:
    """Changes the given fields (`enabled: false` disables it)."""
    return feeds.as_read(feeds.update_feed(session=session, feed_id=feed_id, change=body))


@router.post("/{feed_id}/disable", response_model=FeedRead)
def disable_feed(feed_id: int, session: SessionDep) -> FeedRead:
    """Stops polling the feed; its items stay."""
    change = FeedUpdate(enabled=False)
    return feeds.as_read(feeds.update_feed(session=session, feed_id=feed_id, change=change))


@router.delete("/{feed_id}", status_code=204)
def delete_feed(feed_id: int, session: SessionDep) -> Response:
    """Deletes the feed; the items it carried stay."""
    feeds.delete_feed(session=session, feed_id=feed_id)
    return Response(status_code=204)
