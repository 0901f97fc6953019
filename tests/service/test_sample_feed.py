"""The bundled sample feed: registered on first start, read with no network, finds threats."""

from __future__ import annotations

from pathlib import Path

import feedparser
from sqlmodel import Session, select

from service.jobs import poll_feeds
from service.runtime import SAMPLE_FEED, build_runtime
from service.tables import Feed, Item, Statement
from tests.service.helpers import make_settings


def test_every_sample_item_links_its_report_and_says_it_is_a_sample() -> None:
    parsed = feedparser.parse(SAMPLE_FEED.read_bytes())
    assert not parsed.bozo and len(parsed.entries) >= 8
    for entry in parsed.entries:
        assert entry.link.startswith("https://")
        assert "sample" in entry.summary.lower()


def test_first_start_registers_and_scores_the_sample_feed(
    database_url: str, tmp_path: Path
) -> None:
    runtime = build_runtime(make_settings(database_url, tmp_path, sample_feed=True))
    try:
        (result,) = poll_feeds(runtime)
        assert result.status == "ok" and result.new_items >= 8
        with Session(runtime.engine) as session:
            (feed,) = session.exec(select(Feed)).all()
            assert feed.url == SAMPLE_FEED.resolve().as_uri()
            assert feed.title == "Redline sample feed"
            assert len(session.exec(select(Item)).all()) == result.new_items
            statements = session.exec(select(Statement)).all()
        conditional = [s for s in statements if s.conditional >= 0.5]
        calm = [s for s in statements if s.threat < 0.5]
        assert len(conditional) >= 3 and len(calm) >= 5
    finally:
        runtime.close()
    # A restart does not register the sample twice.
    again = build_runtime(make_settings(database_url, tmp_path, sample_feed=True))
    try:
        with Session(again.engine) as session:
            assert len(session.exec(select(Feed)).all()) == 1
    finally:
        again.close()
