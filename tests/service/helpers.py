"""Builders shared by the service tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.config import Settings
from service.runtime import Runtime

# The first admin key every test app starts with (REDLINE_ADMIN_API_KEY in real life).
ADMIN_KEY = "test-admin-key"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}


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
