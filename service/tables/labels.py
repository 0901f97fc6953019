"""Analysts' labels of stored statements: the reading a person gives a sentence, kept to
grow the labelled data the model learns from (`redline labels export`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from service.tables.core import _created


class StatementLabel(SQLModel, table=True):
    """One statement's label, in the fields of the labelled data; a new label replaces it."""

    __tablename__ = "statement_label"

    # No cascade: re-scoring keeps labelled statements, and nothing else may drop a label.
    statement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("statement.id"), primary_key=True)
    )
    threat: int
    conditional: int
    severity: int
    actor: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    target: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    condition: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    action: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    labelled_by: str = Field(max_length=128)
    labelled_at: datetime = _created()
