"""Stored statements, filtered, newest first, in pages with an opaque cursor.

The order is (observed_at desc, id desc), unique and stable while rows are added; a cursor
holds the last row's (observed_at, id) and the next page starts strictly after it, served
by `ix_statement_observed_at_id` (or a per-actor index when filtered by actor).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Connection, Select, func, literal_column, or_, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from service.errors import InvalidQueryError
from service.schemas import ItemRef
from service.schemas_risk import StatementCursorPage, StatementView
from service.tables import Item, Statement

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class StatementFilter:
    """What the caller asked for; None means no filter."""

    actor: str | None = None
    target: str | None = None
    country: str | None = None
    conditional: bool | None = None
    min_severity: int = 0
    min_score: float = 0.0
    min_conditional: float = 0.0
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    model_version: str | None = None


def encode_cursor(at: datetime, statement_id: int) -> str:
    raw = json.dumps([at.isoformat(), statement_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (observed_at, id) a cursor holds; InvalidQueryError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, statement_id = json.loads(raw)
        when = datetime.fromisoformat(at)
        if when.tzinfo is None or not isinstance(statement_id, int):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidQueryError("cursor: not a cursor returned by this API") from exc
    return when, statement_id


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at  # naive means UTC


# Exactly the response's fields, so rows go to JSON as they are (see `page_json`).
_STATEMENT = [Statement.__table__.c[name] for name in StatementView.model_fields if name != "item"]  # type: ignore[attr-defined]
_ITEM = [Item.__table__.c[name].label(f"item_{name}") for name in ItemRef.model_fields]  # type: ignore[attr-defined]


def _filtered(f: StatementFilter) -> Select[Any]:
    # Plain columns, not ORM entities: a page of rows is read, never changed.
    query = sa_select(*_STATEMENT, *_ITEM).join(Item, col(Item.id) == Statement.item_id)
    if f.actor is not None:
        query = query.where(col(Statement.actor_id) == f.actor)
    if f.target is not None:
        query = query.where(col(Statement.target_id) == f.target)
    if f.country is not None:
        query = query.where(
            or_(
                col(Statement.actor_country) == f.country,
                col(Statement.target_country) == f.country,
            )
        )
    if f.conditional is not None:
        # A literal, so the planner matches the partial index ix_statement_conditional_time.
        cut = col(Statement.conditional) >= literal_column("0.5")
        query = query.where(cut if f.conditional else ~cut)
    if f.min_severity:
        query = query.where(col(Statement.severity) >= f.min_severity)
    if f.min_score:
        query = query.where(col(Statement.escalation) >= f.min_score)
    if f.min_conditional:
        query = query.where(col(Statement.conditional) >= f.min_conditional)
    if f.since is not None:
        query = query.where(col(Statement.observed_at) >= _aware(f.since))
    if f.until is not None:
        query = query.where(col(Statement.observed_at) < _aware(f.until))
    if f.q:
        query = query.where(func.lower(Statement.text).contains(f.q.lower(), autoescape=True))
    if f.model_version is not None:
        query = query.where(col(Statement.model_version) == f.model_version)
    return query


_ITEM_FIELDS = tuple(ItemRef.model_fields)


def page_json(
    connection: Connection, *, filters: StatementFilter, limit: int, cursor: str | None
) -> bytes:
    """Up to `limit` statements after `cursor` (the first page without one), as the JSON of
    a `StatementCursorPage`.

    Rows go to JSON without model instances: the columns are typed by the tables, and the
    tests hold this output to the model (`page`). Core rows, not ORM loading, for speed.
    """
    query = _filtered(filters)
    if cursor is not None:
        at, statement_id = decode_cursor(cursor)
        query = query.where(tuple_(Statement.observed_at, Statement.id) < (at, statement_id))
    query = query.order_by(col(Statement.observed_at).desc(), col(Statement.id).desc())
    result = connection.execute(query.limit(limit + 1))
    keys = list(result.keys())
    rows = result.all()
    statements = []
    for row in rows[:limit]:
        values = dict(zip(keys, row, strict=True))
        values["item"] = {name: values.pop(f"item_{name}") for name in _ITEM_FIELDS}
        statements.append(values)
    next_cursor = None
    if len(rows) > limit:
        last = statements[-1]
        next_cursor = encode_cursor(last["observed_at"], last["id"])
    return to_json({"statements": statements, "next_cursor": next_cursor})


def page_unchanged_since(
    connection: Connection, after_id: int, *, filters: StatementFilter, cursor: str | None
) -> bool:
    """No statement with an id above `after_id` could be on this page (it matches none of the
    filters, or falls before the cursor): the primary key range of the new rows, filtered."""
    query = _filtered(filters).where(col(Statement.id) > after_id)
    if cursor is not None:
        at, statement_id = decode_cursor(cursor)
        query = query.where(tuple_(Statement.observed_at, Statement.id) < (at, statement_id))
    return connection.execute(query.limit(1)).first() is None


def page(
    session: Session, *, filters: StatementFilter, limit: int, cursor: str | None
) -> StatementCursorPage:
    """`page_json`, validated into the response model."""
    body = page_json(session.connection(), filters=filters, limit=limit, cursor=cursor)
    return StatementCursorPage.model_validate_json(body)
