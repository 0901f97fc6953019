"""Request and response models of the statement-label routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Flag = Annotated[int, Field(strict=True, ge=0, le=1)]
SpanText = Annotated[str | None, Field(min_length=1, max_length=2000)]


class LabelWrite(BaseModel):
    """An analyst's reading of one statement, by the rules of the labelled data: `threat`
    and `conditional` 0/1, `severity` 0-3 (0 exactly when there is no threat), and the
    spans as written in the statement (the condition only for a conditional threat)."""

    model_config = ConfigDict(extra="forbid")

    threat: Flag
    conditional: Flag
    severity: Annotated[int, Field(strict=True, ge=0, le=3)]
    actor: SpanText = None
    target: SpanText = None
    condition: SpanText = None
    action: SpanText = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.conditional and not self.threat:
            raise ValueError("conditional is 1 only for a threat")
        if bool(self.severity) != bool(self.threat):
            raise ValueError("severity is 0 exactly when threat is 0")
        if self.condition is not None and not self.conditional:
            raise ValueError("a condition is labelled only on a conditional threat")
        if not self.threat and any((self.actor, self.target, self.action)):
            raise ValueError("actor, target and action are labelled only on a threat")
        return self


class LabelRead(LabelWrite):
    """A stored label, with who gave it and when."""

    statement_id: int
    labelled_by: str
    labelled_at: datetime


class LabelEvent(BaseModel):
    """One reading given to a statement (`kind` "set") or the removal of its label."""

    kind: Literal["set", "removed"]
    threat: int | None
    conditional: int | None
    severity: int | None
    actor: str | None
    target: str | None
    condition: str | None
    action: str | None
    labelled_by: str
    labelled_at: datetime


class QueuedStatement(BaseModel):
    """An unlabelled statement, with how unsure the model is of it."""

    statement_id: int
    text: str
    threat: float
    conditional: float
    severity: int
    margin: float = Field(
        description="The nearer of |P(threat) - threat threshold| and "
        "|P(conditional threat) - conditional threshold|."
    )
    link: str | None
    scored_at: datetime
