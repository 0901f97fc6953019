"""Builders for risk tests: stored statements with chosen scores, through the pipeline step."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.app import create_app
from service.times import utcnow
from service.triggers import watch_statement
from tests.service.helpers import add_scored_item, make_settings

ADMIN_KEY = "risk-tests-admin-key"
_serial = itertools.count()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(database_url, tmp_path, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(settings)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield test_client


def engine_of(client: TestClient) -> Engine:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    assert isinstance(engine, Engine)
    return engine


def _span(text: str, part: str | None) -> dict[str, object] | None:
    if part is None:
        return None
    start = text.index(part)
    return {"text": part, "start": start, "end": start + len(part)}


def store(
    engine: Engine,
    text: str,
    *,
    actor: str | None = None,
    target: str | None = None,
    condition: str | None = None,
    threat: float = 0.9,
    conditional: float = 0.0,
    severity: int = 2,
    hours_ago: float = 1.0,
    link: str | None = None,
    now: datetime | None = None,
) -> int:
    """Stores one item with one statement and runs the risk step on it; returns its id."""
    n = next(_serial)
    at = (now or utcnow()) - timedelta(hours=hours_ago)
    spans = {"actor": _span(text, actor), "target": _span(text, target)}
    spans["condition"] = _span(text, condition)
    extraction = {k: v for k, v in spans.items() if v is not None}
    with Session(engine) as session:
        item, row = add_scored_item(
            session,
            text,
            item={
                "key": f"k{n}-{text[:20]}",
                "title": f"item {n}",
                "link": link or f"https://outlet{n}.example/story/{n}",
                "published_at": at,
            },
            scores={
                "threat": threat,
                "conditional": conditional,
                "severity": severity,
                "escalation": threat * severity / 3,
            },
            extraction=extraction,
        )
        watch_statement(session, item=item, row=row)
        session.commit()
        assert row.id is not None
        return row.id
