"""Request and response models of the ingestion API: feeds (admin) and pushed items."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

MAX_PUSH_ITEMS = 500
MAX_ITEM_TEXT = 100_000


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    title: str | None = Field(default=None, max_length=512)
    interval_s: int = Field(default=300, ge=5, le=7 * 86400, description="Seconds between polls.")
    enabled: bool = True


class FeedUpdate(BaseModel):
    """Only the fields given change; `enabled: false` disables the feed."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    title: str | None = Field(default=None, max_length=512)
    interval_s: int | None = Field(default=None, ge=5, le=7 * 86400)
    enabled: bool | None = None


class FeedRead(BaseModel):
    """A feed with its polling state; `next_fetch_at` shows the backoff after failures."""

    id: int
    url: str
    title: str | None
    enabled: bool
    interval_s: int
    last_fetched_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_http_status: int | None
    error_count: int
    next_fetch_at: datetime | None
    backing_off: bool
    claimed_by: str | None
    claimed_until: datetime | None
    created_at: datetime


class FeedPage(BaseModel):
    feeds: list[FeedRead]


class ItemPush(BaseModel):
    """An item from the caller's own pipeline; `external_id` makes pushing it again harmless."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=512)
    title: str = Field(default="", max_length=2048)
    text: str = Field(default="", max_length=MAX_ITEM_TEXT)
    url: AnyHttpUrl | None = None
    published: datetime | None = None
    source: str | None = Field(default=None, max_length=512)

    @field_validator("published")
    @classmethod
    def _as_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ItemBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemPush] = Field(min_length=1, max_length=MAX_PUSH_ITEMS)


class PushOutcome(BaseModel):
    external_id: str
    item_id: int
    outcome: Literal["new", "updated", "duplicate"]
    status: str


class PushResult(BaseModel):
    """Per pushed item what happened; `new` lists only the items stored for the first time."""

    new: list[PushOutcome]
    items: list[PushOutcome]


class ItemAdminRead(BaseModel):
    id: int
    title: str
    link: str | None
    source: str | None
    external_id: str | None
    status: Literal["pending", "scoring", "scored", "quarantined"]
    score_error: str | None
    feed_ids: list[int]
    published_at: datetime | None
    fetched_at: datetime
    scored_at: datetime | None
    updated_at: datetime | None


class ItemAdminPage(BaseModel):
    items: list[ItemAdminRead]
