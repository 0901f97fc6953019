"""Builders shared by the service tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.config import Settings
from service.runtime import Runtime
from service.tables import Item, Statement

# The first admin key every test app starts with (REDLINE_ADMIN_API_KEY in real life).
ADMIN_KEY = "test-admin-key"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}


class Scores(TypedDict):
    """The model's scores of a statement, as `Statement` stores them."""

    threat: float
    conditional: float
    severity: int
    escalation: float


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test: its own database, no scheduler, no sample feed unless asked."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "scheduler_enabled": False,
        "sample_feed": False,
        "alert_threshold": 0.5,
        "delivery_backoff_s": 0.01,
        "delivery_backoff_max_s": 0.05,
        "outbound_allow": ["127.0.0.0/8", "::1/128"],
        "admin_api_key": ADMIN_KEY,
    }
    values.update(overrides)
    return Settings(**values)


def runtime_of(client: TestClient) -> Runtime:
    """The runtime the app under test built in its lifespan."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert isinstance(runtime, Runtime)
    return runtime


def add_scored_item(
    session: Session,
    text: str,
    *,
    item: dict[str, Any],
    scores: Scores,
    extraction: dict[str, Any],
) -> tuple[Item, Statement]:
    """An item of one sentence and its statement as the pipeline would store them, added to
    `session` (the item flushed for its id); the caller runs the step under test."""
    stored = Item(text=text, **item)
    session.add(stored)
    session.flush()
    assert stored.id is not None
    row = Statement(
        item_id=stored.id,
        part="body",
        position=0,
        text=text,
        start=0,
        end=len(text),
        extraction=extraction,
        model_version="test",
        **scores,
    )
    session.add(row)
    return stored, row
