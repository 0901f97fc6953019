"""Builders shared by the service tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.config import Settings


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
    }
    values.update(overrides)
    return Settings(**values)
