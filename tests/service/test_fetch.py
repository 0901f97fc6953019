"""Fetching and parsing feeds against a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from service.errors import FeedFetchError, FeedParseError
from service.fetch import USER_AGENT, FeedFetcher
from service.parse import html_to_text, parse_feed
from tests.conftest import FIXTURES


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[FeedFetcher]:
    with httpx.Client(
        timeout=2, follow_redirects=True, max_redirects=3, headers={"User-Agent": USER_AGENT}
    ) as client:
        yield FeedFetcher(client, max_bytes=10_000, file_dirs=[FIXTURES])


def test_fetch_sends_user_agent_and_conditional_headers(
    fetcher: FeedFetcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(
        "/f", headers={"If-None-Match": '"e1"', "User-Agent": USER_AGENT}
    ).respond_with_data("", status=304)
    fetched = fetcher.fetch(httpserver.url_for("/f"), etag='"e1"', last_modified=None)
    assert fetched.body is None and fetched.status_code == 304 and fetched.etag == '"e1"'


def test_an_oversized_body_is_cut_off(fetcher: FeedFetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 50_000)
    with pytest.raises(FeedFetchError, match="exceeds 10000"):
        fetcher.fetch(httpserver.url_for("/big"), etag=None, last_modified=None)


def test_a_redirect_loop_is_an_error(fetcher: FeedFetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    with pytest.raises(FeedFetchError, match="too many redirects"):
        fetcher.fetch(httpserver.url_for("/loop"), etag=None, last_modified=None)


def test_file_feeds_only_from_allowed_directories(fetcher: FeedFetcher, tmp_path: Path) -> None:
    allowed = (FIXTURES / "feeds" / "world.xml").resolve().as_uri()
    assert b"Test Wire" in (fetcher.fetch(allowed, etag=None, last_modified=None).body or b"")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for feeds")
    with pytest.raises(FeedFetchError, match="limited"):
        fetcher.fetch(secret.as_uri(), etag=None, last_modified=None)
    with pytest.raises(FeedFetchError, match="scheme"):
        fetcher.fetch("ftp://127.0.0.1/feed.xml", etag=None, last_modified=None)


def test_parse_takes_the_richest_text_and_strips_html() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title><id>urn:t</id>
<updated>2024-07-01T00:00:00Z</updated>
<entry><title>Short</title><id>urn:e1</id><updated>2024-07-01T00:00:00Z</updated>
<summary>Only the summary.</summary>
<content type="html">&lt;p&gt;The full &lt;em&gt;content&lt;/em&gt; wins.&lt;/p&gt;</content>
</entry>
</feed>"""
    source, (draft,) = parse_feed(atom)
    assert source == "Atom Test"
    assert draft.text == "The full content wins." and draft.title == "Short"
    assert draft.guid == "urn:e1" and draft.published_at is not None


def test_items_without_guid_or_link_are_keyed_by_their_text() -> None:
    rss = b"""<rss version="2.0"><channel><title>T</title>
<item><title>Same story</title><description>Same  words.</description></item>
<item><title>same STORY</title><description>same words.</description></item>
</channel></rss>"""
    _, drafts = parse_feed(rss)
    assert len(drafts) == 2 and drafts[0].key == drafts[1].key


@pytest.mark.parametrize("body", [b"", b"plain text", b"<html><body>hello</body></html>"])
def test_non_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body)


def test_html_to_text_folds_whitespace_and_entities() -> None:
    assert html_to_text("<p>A &amp; <b>B</b></p>\n<p>C</p>") == "A & B C"
