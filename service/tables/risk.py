"""Risk tables: gazetteer additions, the trigger watch with its links, and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from service.tables.core import _created, _time


class Actor(SQLModel, table=True):
    """An actor added through the admin API (shipped ones live in the gazetteer file)."""

    __tablename__ = "actor"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=256)
    kind: str = Field(max_length=32)
    country: str | None = Field(default=None, max_length=3)
    created_at: datetime = _created()


class ActorAlias(SQLModel, table=True):
    """One more way to write an actor's name (of a shipped or an added actor)."""

    __tablename__ = "actor_alias"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: str = Field(max_length=64, index=True)
    alias: str = Field(max_length=256, unique=True)
    created_at: datetime = _created()


class ThreatWatch(SQLModel, table=True):
    """A conditional threat whose condition is watched for in later statements."""

    __tablename__ = "threat_watch"
    __table_args__ = (Index("ix_threat_watch_status_opened", "status", "opened_at"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", unique=True)
    actor_id: str | None = Field(default=None, max_length=64)
    target_id: str | None = Field(default=None, max_length=64)
    actors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    condition: str = Field(sa_column=Column(Text, nullable=False))
    action: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="open", max_length=16)  # open | trigger_observed
    opened_at: datetime = _created()
    observed_at: datetime | None = _time()


class TriggerLink(SQLModel, table=True):
    """A later statement that reports the watched condition as having happened."""

    __tablename__ = "trigger_link"
    __table_args__ = (UniqueConstraint("watch_id", "statement_id"),)

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="threat_watch.id", index=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    relevance: float
    reasons: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created()


class ApiKey(SQLModel, table=True):
    """An API key: only its SHA-256 is stored; `prefix` finds the row without the secret."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    prefix: str = Field(max_length=16, unique=True)
    key_hash: str = Field(max_length=64)
    scope: str = Field(max_length=16)  # read | label | admin
    created_at: datetime = _created()
    revoked_at: datetime | None = _time()
