"""Stored, scored statements, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from service.deps import SessionDep
from service.schemas import ItemRef, StatementPage, StatementRead
from service.tables import Item, Statement

router = APIRouter(prefix="/v1/statements", tags=["statements"])


@router.get("", response_model=StatementPage)
def list_statements(
    session: SessionDep,
    min_score: Annotated[
        float, Query(ge=0, le=1, description="Lowest escalation score to return.")
    ] = 0.0,
    min_conditional: Annotated[float, Query(ge=0, le=1)] = 0.0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    model_version: Annotated[
        str | None, Query(max_length=64, description="Only statements scored by this model.")
    ] = None,
) -> StatementPage:
    """The latest scored statements, newest first, filtered by score."""
    query = (
        select(Statement, Item)
        .join(Item, col(Item.id) == Statement.item_id)
        .where(Statement.escalation >= min_score)
        .where(Statement.conditional >= min_conditional)
        .order_by(col(Statement.scored_at).desc(), col(Statement.id).desc())
        .limit(limit)
    )
    if model_version is not None:
        query = query.where(Statement.model_version == model_version)
    rows = session.exec(query).all()
    return StatementPage(
        statements=[
            StatementRead(
                **s.model_dump(exclude={"item_id", "start", "end"}),
                item=ItemRef(**i.model_dump(include=set(ItemRef.model_fields))),
            )
            for s, i in rows
        ]
    )
