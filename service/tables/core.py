"""Core tables: feeds, items, scored statements and the delivery outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from service.times import UTCDateTime, utcnow

# Named constraints make migrations reviewable and reversible on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _time(*, index: bool = False, nullable: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(UTCDateTime(), index=index, nullable=nullable),
    )


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Feed(SQLModel, table=True):
    """A feed polled by the scheduler."""

    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    title: str | None = Field(default=None, max_length=512)
    enabled: bool = True
    interval_s: int = 300
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    last_fetched_at: datetime | None = _time()
    last_status: str | None = Field(default=None, max_length=512)
    error_count: int = 0
    next_fetch_at: datetime | None = _time(index=True)
    created_at: datetime = _created()
    # A replica holds a feed while it fetches it; the lease lapses if that replica dies.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _time()
    last_error: str | None = Field(default=None, max_length=1024)
    last_http_status: int | None = None
    updated_at: datetime | None = _time()


class Item(SQLModel, table=True):
    """A news item, stored once whatever feed carried it (`key` is its identity)."""

    __tablename__ = "item"

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int | None = Field(default=None, foreign_key="feed.id", index=True)
    key: str = Field(max_length=64, unique=True)
    guid: str | None = Field(default=None, max_length=2048)
    link: str | None = Field(default=None, max_length=2048)
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str | None = Field(default=None, max_length=512)
    published_at: datetime | None = _time()
    fetched_at: datetime = _created()
    # Other identities of the same story: its link and its normalised text (see service/store.py).
    link_key: str | None = Field(default=None, max_length=64, unique=True)
    text_hash: str | None = Field(default=None, max_length=64, unique=True)
    external_id: str | None = Field(default=None, max_length=512, unique=True)
    content_hash: str | None = Field(default=None, max_length=64)
    # pending -> scored, or quarantined with the scoring error (never retried on its own).
    status: str = Field(default="pending", max_length=16, index=True)
    score_error: str | None = Field(default=None, max_length=1024)
    scored_at: datetime | None = _time()
    updated_at: datetime | None = _time()


class Statement(SQLModel, table=True):
    """One scored sentence of an item, tagged with the model version that scored it."""

    __tablename__ = "statement"
    __table_args__ = (
        UniqueConstraint("item_id", "part", "position", "model_version"),
        Index("ix_statement_scored_at_id", "scored_at", "id"),
        # Risk and listing queries: one dyad, one side or one country over a time window.
        Index(
            "ix_statement_dyad",
            "actor_id",
            "target_id",
            "observed_at",
            # Covering on PostgreSQL: a dyad's risk is an index-only scan.
            postgresql_include=[
                "id",
                "threat",
                "conditional",
                "severity",
                "story",
                "source_domain",
            ],
        ),
        Index("ix_statement_target_time", "target_id", "observed_at"),
        Index("ix_statement_actor_country_time", "actor_country", "observed_at"),
        Index("ix_statement_target_country_time", "target_country", "observed_at"),
        Index("ix_statement_observed_at_id", "observed_at", "id"),
        # An actor's risk (index-only on PostgreSQL) and an actor's statements, newest first.
        Index(
            "ix_statement_actor_time",
            "actor_id",
            "observed_at",
            "id",
            postgresql_include=["threat", "conditional", "severity", "story", "source_domain"],
        ),
        # Conditional threats newest first; the filter must read `conditional >= 0.5`.
        Index(
            "ix_statement_conditional_time",
            "observed_at",
            "id",
            postgresql_where=text("conditional >= 0.5"),
            sqlite_where=text("conditional >= 0.5"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    part: str = Field(max_length=16)  # "title" or "body"
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    threat: float
    conditional: float
    severity: int
    escalation: float = Field(index=True)
    extraction: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    model_version: str = Field(max_length=64)
    scored_at: datetime = _created()
    # Canonical actors (scoring/actors.py); unknown mentions stay only in `extraction`.
    actor_id: str | None = Field(default=None, max_length=64)
    target_id: str | None = Field(default=None, max_length=64)
    actor_country: str | None = Field(default=None, max_length=3)
    target_country: str | None = Field(default=None, max_length=3)
    # Independence of sources: the outlet's domain and the story (normalised text) hash.
    source_domain: str | None = Field(default=None, max_length=255)
    story: str | None = Field(default=None, max_length=64)
    # When it was said: the item's publication time, else when it was scored.
    observed_at: datetime = _created()


class Delivery(SQLModel, table=True):
    """A notification to one subscription: the outbox row written with the evaluation that fired it.

    `status` is pending, sending (claimed until `claimed_until` by `claim_token`), sent or dead.
    """

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    subscription_id: int | None = Field(default=None, index=True)
    rule_id: int | None = None
    channel: str = Field(max_length=16)
    idempotency_key: str = Field(max_length=64, unique=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = _time()
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = _time()
    last_error: str | None = Field(default=None, max_length=1024)
    created_at: datetime = _created()
    sent_at: datetime | None = _time()


class DeliveryAttempt(SQLModel, table=True):
    """One try at sending a delivery, and how it went."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    attempt: int
    outcome: str = Field(max_length=16)
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=1024)
    duration_ms: float
    started_at: datetime = _created()
