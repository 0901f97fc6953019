"""The `redline` command line on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from service.cli import app
from service.db import make_engine


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "REDLINE_DATABASE_URL": database_url,
        "REDLINE_DATA_DIR": str(tmp_path),
        "REDLINE_SAMPLE_FEED": "true",
    }


def test_db_upgrade_creates_the_schema(env: dict[str, str], database_url: str) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"upgraded_to": "heads"}
    engine = make_engine(database_url)
    try:
        assert {"feed", "statement", "delivery"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_poll_reads_the_sample_feed(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["poll"], env=env)
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    assert report["status"] == "ok" and report["new_items"] >= 8
