"""Request and response models at the HTTP edge; tables never leave the service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT_CHARS = 100_000


class SpanRead(BaseModel):
    text: str
    start: int
    end: int


class ScoredStatement(BaseModel):
    """One sentence and its scores; offsets are into the text that was scored."""

    text: str
    start: int
    end: int
    threat: float = Field(ge=0, le=1)
    conditional: float = Field(ge=0, le=1)
    severity: int = Field(ge=0, le=3)
    severity_probs: list[float]
    escalation: float = Field(ge=0, le=1)
    model_version: str
    actor: SpanRead | None = None
    target: SpanRead | None = None
    condition: SpanRead | None = None
    action: SpanRead | None = None


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class ScoreResponse(BaseModel):
    model_version: str
    statements: list[ScoredStatement]


class ItemRef(BaseModel):
    id: int
    title: str
    link: str | None
    source: str | None
    published_at: datetime | None


class StatementRead(BaseModel):
    """A stored statement with the item it came from."""

    id: int
    text: str
    part: str
    position: int
    threat: float
    conditional: float
    severity: int
    escalation: float
    extraction: dict[str, Any]
    model_version: str
    scored_at: datetime
    item: ItemRef


class StatementPage(BaseModel):
    statements: list[StatementRead]


class Health(BaseModel):
    status: str
    model_version: str
    database: str


class ModelInfo(BaseModel):
    """The loaded model's card. A sentence is a threat when P(threat) reaches
    `threat_threshold`, a conditional threat when it is a threat and P(conditional threat)
    reaches `conditional_threshold`. `metrics` are its figures on the held-out documents of
    its training data (`redline eval --json` without baselines), with document-bootstrap
    intervals under `intervals`."""

    model_version: str
    sklearn_version: str
    data_sha256: str
    trained_at: str
    threat_threshold: float
    conditional_threshold: float
    metrics: dict[str, Any]
