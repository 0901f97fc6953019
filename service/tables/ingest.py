"""Ingestion tables: which feeds carried which item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from service.times import UTCDateTime, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ItemFeed(SQLModel, table=True):
    """One feed that carried one item (a story syndicated by many feeds is stored once)."""

    __tablename__ = "item_feed"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    feed_id: int = Field(foreign_key="feed.id", primary_key=True, index=True)
    seen_at: datetime = _created()
