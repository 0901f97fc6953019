"""`redline feeds import`, `redline rescore` and start-up seeding on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from service.cli import app
from service.db import make_engine
from service.runtime import build_runtime
from service.tables import Feed
from tests.service.helpers import make_settings

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Desk feeds</title></head><body>
<outline text="World">
  <outline type="rss" text="Wire A" title="Wire A" xmlUrl="http://127.0.0.1:9/a.xml"/>
  <outline type="rss" text="Wire B" xmlUrl="http://127.0.0.1:9/b.xml"/>
</outline>
</body></opml>"""


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"REDLINE_DATABASE_URL": database_url, "REDLINE_DATA_DIR": str(tmp_path)}


def feeds(database_url: str) -> list[tuple[str, str | None, int]]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Feed).order_by(Feed.url)).all()
            return [(f.url, f.title, f.interval_s) for f in rows]
    finally:
        engine.dispose()


def test_import_opml_then_a_url_list_registers_each_feed_once(
    env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    opml = tmp_path / "desk.opml"
    opml.write_bytes(OPML)
    listing = tmp_path / "feeds.txt"
    listing.write_text(
        "# desk\nhttp://127.0.0.1:9/a.xml\n\nhttp://127.0.0.1:9/c.xml\nfile:///etc/passwd\n"
    )

    first = CliRunner().invoke(app, ["feeds", "import", str(opml), "--interval-s", "900"], env=env)
    second = CliRunner().invoke(app, ["feeds", "import", str(listing)], env=env)

    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"added": 2, "known": 0, "skipped": 0}
    assert json.loads(second.output) == {"added": 1, "known": 1, "skipped": 1}
    assert feeds(database_url) == [
        ("http://127.0.0.1:9/a.xml", "Wire A", 900),
        ("http://127.0.0.1:9/b.xml", "Wire B", 900),
        ("http://127.0.0.1:9/c.xml", None, 300),
    ]


def test_a_feeds_file_seeds_the_service_on_start(database_url: str, tmp_path: Path) -> None:
    opml = tmp_path / "desk.opml"
    opml.write_bytes(OPML)
    for _ in range(2):  # a restart registers nothing twice
        build_runtime(make_settings(database_url, tmp_path, feeds_file=opml)).close()
    assert [url for url, _, _ in feeds(database_url)] == [
        "http://127.0.0.1:9/a.xml",
        "http://127.0.0.1:9/b.xml",
    ]


def test_rescore_cli_scores_nothing_twice_for_one_model(env: dict[str, str]) -> None:
    polled = CliRunner().invoke(app, ["poll"], env={**env, "REDLINE_SAMPLE_FEED": "true"})
    assert polled.exit_code == 0, polled.output

    result = CliRunner().invoke(app, ["rescore", "--since", "2000-01-01"], env=env)

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rescored"] == 0 and report["quarantined"] == 0  # already scored by this model
    bad = CliRunner().invoke(app, ["rescore", "--since", "last tuesday"], env=env)
    assert bad.exit_code != 0
