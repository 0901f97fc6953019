"""Analysts' labels of stored statements: the reading a person gives a sentence, kept to
grow the labelled data the model learns from (`redline labels export`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from service.times import UTCDateTime, utcnow


class _Reading(SQLModel):
    """The spans of a reading, and who gave it when (columns shared by both tables)."""

    actor: str | None = Field(default=None, sa_type=Text)
    target: str | None = Field(default=None, sa_type=Text)
    condition: str | None = Field(default=None, sa_type=Text)
    action: str | None = Field(default=None, sa_type=Text)
    labelled_by: str = Field(max_length=128)
    labelled_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"nullable": False}
    )


class StatementLabel(_Reading, table=True):
    """One statement's label, in the fields of the labelled data; a new label replaces it."""

    __tablename__ = "statement_label"

    # No cascade: re-scoring keeps labelled statements, and nothing else may drop a label.
    statement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("statement.id"), primary_key=True)
    )
    threat: int
    conditional: int
    severity: int


class StatementLabelEvent(_Reading, table=True):
    """Every reading given to a statement, and every removal, in order: who said what when
    (analysts may disagree; the current label is only the latest)."""

    __tablename__ = "statement_label_event"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    kind: str = Field(max_length=16)  # "set" | "removed"
    threat: int | None = None
    conditional: int | None = None
    severity: int | None = None
