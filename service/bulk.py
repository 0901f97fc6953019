"""Bulk inserts: PostgreSQL's COPY where available (several times faster than INSERTs for
thousands of rows), an executemany INSERT elsewhere. Both join the session's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, insert
from sqlmodel import Session, SQLModel


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    """Inserts `rows` (all with the same keys) into `model`'s table; no ids come back."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(model), list(rows))
        return
    table: Any = getattr(model, "__table__")  # noqa: B009 -- SQLModel types hide it
    names = list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    columns = ", ".join(f'"{n}"' for n in names)
    # The DBAPI connection of the session's own transaction, so the COPY commits with it.
    raw: Any = session.connection().connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])
