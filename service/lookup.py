"""Reading one row by primary key, or the 404 the API turns a missing one into."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from service.errors import NotFoundError

Row = TypeVar("Row", bound=SQLModel)


def get_or_404(session: Session, model: type[Row], key: int | str, what: str) -> Row:
    """The `model` row with primary key `key`; NotFoundError ("no <what> <key>") if none."""
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"no {what} {key}")
    return row
