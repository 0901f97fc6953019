"""Optional full-article fetch against a local article page (off by default)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlmodel import Session, select

from service.jobs import poll_feeds
from service.runtime import build_runtime
from service.tables import Feed, Item
from service.times import utcnow
from tests.service.feedkit import THREAT, Entry, rss2
from tests.service.helpers import make_settings

# Own words, written for this test.
ARTICLE = f"""<!doctype html><html><head><title>Site</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Militia issues a warning</h1>
<p>{THREAT}</p>
<p>The statement was read out on regional television on Sunday evening and repeated twice.</p>
<p>Diplomats in the capital said they were studying the text and would reply within days.</p>
</article><footer>Copyright notice and cookie banner text.</footer></body></html>"""


def _article_hits(httpserver: HTTPServer) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == "/article")


@pytest.mark.parametrize("enabled", [True, False])
def test_short_entries_get_the_article_text_only_when_enabled(
    database_url: str, tmp_path: Path, httpserver: HTTPServer, enabled: bool
) -> None:
    httpserver.expect_request("/article").respond_with_data(ARTICLE, content_type="text/html")
    link = httpserver.url_for("/article")
    httpserver.expect_request("/feed").respond_with_data(
        rss2([Entry("Militia issues a warning", guid="w1", link=link)])
    )
    runtime = build_runtime(make_settings(database_url, tmp_path, full_text=enabled))
    try:
        with Session(runtime.engine) as session:
            session.add(
                Feed(url=httpserver.url_for("/feed"), interval_s=60, next_fetch_at=utcnow())
            )
            session.commit()
        poll_feeds(runtime)
        with Session(runtime.engine) as session:
            feed = session.exec(select(Feed)).one()
            feed.next_fetch_at = utcnow()
            session.add(feed)
            session.commit()
        poll_feeds(runtime)  # the same entry again: the article is not fetched again
        with Session(runtime.engine) as session:
            item = session.exec(select(Item)).one()
    finally:
        runtime.close()

    if enabled:
        assert THREAT in item.text and "Diplomats in the capital" in item.text
        assert "cookie banner" not in item.text and "Sport" not in item.text
        assert _article_hits(httpserver) == 1 and item.status == "scored"
    else:
        assert item.text == "" and _article_hits(httpserver) == 0
