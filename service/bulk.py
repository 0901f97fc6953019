"""Bulk inserts: PostgreSQL's COPY where available (several times faster than INSERTs for
thousands of rows), an executemany INSERT elsewhere. Both join the session's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, insert, text
from sqlmodel import Session, SQLModel


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    """Inserts `rows` (all with the same keys) into `model`'s table; no ids come back."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(model), list(rows))
        return
    _copy(session, model, rows)


def bulk_insert_returning_ids(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Inserts `rows` into `model`'s table (its primary key `id` a serial); their new ids, in
    the order of `rows`. On PostgreSQL the ids are drawn from the table's sequence first, so
    the rows can go by COPY too."""
    if not rows:
        return []
    table: Any = getattr(model, "__table__")  # noqa: B009 -- SQLModel types hide it
    if session.get_bind().dialect.name != "postgresql":
        statement = insert(model).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, list(rows)).scalars().all())
    draw = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
    ids: list[int] = list(session.execute(draw, {"table": table.name, "n": len(rows)}).scalars())
    _copy(session, model, [row | {"id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _copy(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    table: Any = getattr(model, "__table__")  # noqa: B009 -- SQLModel types hide it
    names = list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    columns = ", ".join(f'"{n}"' for n in names)
    # The DBAPI connection of the session's own transaction, so the COPY commits with it.
    raw: Any = session.connection().connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])
