"""Stored, scored statements, newest first, filtered and paged by cursor."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response

from service import statement_query
from service.deps import RuntimeDep
from service.response_cache import ResponseCache, cached_json
from service.runtime import Runtime
from service.schemas_risk import StatementCursorPage
from service.statement_query import MAX_PAGE, StatementFilter

router = APIRouter(prefix="/v1/statements", tags=["statements"])
PAGES = ResponseCache()

Probability = Annotated[float, Query(ge=0, le=1)]


def _page_json(runtime: Runtime, filters: StatementFilter, limit: int, cursor: str | None) -> bytes:
    # One thread hop for the query and the JSON; Core rows on a plain connection.
    with runtime.engine.connect() as connection:
        return statement_query.page_json(connection, filters=filters, limit=limit, cursor=cursor)


@router.get("", response_model=StatementCursorPage)
async def list_statements(
    runtime: RuntimeDep,
    actor: Annotated[str | None, Query(max_length=64, description="Canonical actor id.")] = None,
    target: Annotated[str | None, Query(max_length=64, description="Canonical target id.")] = None,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3, either side.")
    ] = None,
    conditional: Annotated[bool | None, Query(description="Conditional threats only.")] = None,
    min_severity: Annotated[int, Query(ge=0, le=3)] = 0,
    min_score: Annotated[
        float, Query(ge=0, le=1, description="Lowest escalation score to return.")
    ] = 0.0,
    min_conditional: Probability = 0.0,
    since: Annotated[datetime | None, Query(description="Said at or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Said before (ISO 8601).")] = None,
    q: Annotated[
        str | None, Query(min_length=2, max_length=200, description="Text contains.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    model_version: Annotated[
        str | None, Query(max_length=64, description="Only statements scored by this model.")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of a page.")
    ] = None,
) -> Response:
    """The latest scored statements, newest first, filtered; follow `next_cursor` for more.

    Pages are remembered until the stored data changes; the `X-Cache` header says `hit` or
    `miss`.
    """
    filters = StatementFilter(
        actor=actor,
        target=target,
        country=country,
        conditional=conditional,
        min_severity=min_severity,
        min_score=min_score,
        min_conditional=min_conditional,
        since=since,
        until=until,
        q=q,
        model_version=model_version,
    )
    return await cached_json(
        PAGES,
        runtime.engine,
        (filters, limit, cursor),
        partial(_page_json, runtime, filters, limit, cursor),
        partial(statement_query.page_unchanged_since, filters=filters, cursor=cursor),
    )
