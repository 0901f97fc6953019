"""Shared fixtures: a fresh SQLite file or PostgreSQL schema per test, real servers on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.db import scratch_schema

# CI runs these for real: an unreachable PostgreSQL fails the suite, it never skips it.
POSTGRES_URL = os.environ.get(
    "REDLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL schema dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'redline.db'}"
        return
    with scratch_schema(POSTGRES_URL, prefix="redline_test") as url:
        yield url
