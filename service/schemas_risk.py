"""Response and request models of the risk, statements, threats, actors and keys routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.schemas import StatementRead


class StatementView(StatementRead):
    """A stored statement with its canonical actors (null when the mention is unknown)."""

    actor_id: str | None
    target_id: str | None
    actor_country: str | None
    target_country: str | None
    source_domain: str | None
    observed_at: datetime


class StatementCursorPage(BaseModel):
    """One page, newest first (`observed_at`, then `id`); pass `next_cursor` for the next."""

    statements: list[StatementView]
    next_cursor: str | None


class Contributor(BaseModel):
    """A statement that weighs in the risk, with its link and why it counts."""

    statement_id: int
    text: str
    weight: float = Field(description="Its story's share: story_cap * w_g (see README).")
    copies: int
    sources: int
    reasons: list[str]
    link: str | None
    source: str | None
    observed_at: datetime
    threat_id: int | None = Field(description="Its watch in /v1/threats, if conditional.")


class RiskRead(BaseModel):
    """Risk of the window, the preceding window of equal length, and the change."""

    actor: str | None
    target: str | None
    country: str | None
    start: datetime
    end: datetime
    score: float = Field(ge=0, le=1)
    baseline: float = Field(ge=0, le=1)
    trend: float = Field(description="score - baseline")
    direction: Literal["climbing", "steady", "falling"]
    n_statements: int
    half_life_h: float
    top: list[Contributor]


class RiskPoint(BaseModel):
    end: datetime
    score: float = Field(ge=0, le=1)
    n_statements: int


class RiskSeries(BaseModel):
    """Risk as of each bucket's end, counting the window's statements up to that end."""

    actor: str | None
    target: str | None
    country: str | None
    bucket: Literal["1h", "1d"]
    points: list[RiskPoint]


class TriggerLinkRead(BaseModel):
    statement_id: int
    text: str
    link: str | None
    relevance: float
    reasons: list[str]
    linked_at: datetime


class ThreatRead(BaseModel):
    """A conditional threat under watch: its condition, action, status and linked reports."""

    id: int
    statement_id: int
    text: str
    link: str | None
    actor_id: str | None
    target_id: str | None
    actors: list[str]
    condition: str
    action: str | None
    status: Literal["open", "trigger_observed"]
    opened_at: datetime
    observed_at: datetime | None
    linked: list[TriggerLinkRead]


class ActorRead(BaseModel):
    id: str
    name: str
    kind: str
    country: str | None
    aliases: list[str]


_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ActorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=256)
    kind: str = Field(min_length=1, max_length=32)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    aliases: list[str] = Field(default_factory=list, max_length=50)


class AliasCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alias: str = Field(min_length=2, max_length=256)


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    scope: Literal["read", "label", "admin"]


class KeyRead(BaseModel):
    """A stored key: never its secret."""

    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    token: str = Field(description="The key itself; shown once, store it now.")
