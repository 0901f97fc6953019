"""Polite fetching against a real local HTTP server: validators, gzip, limits, timeouts."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from service.errors import FeedFetchError
from service.fetch import USER_AGENT, FeedFetcher, make_fetch_client
from tests.service.feedkit import THREAT, Entry, rss2, threaded_server

CAP = 100_000


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[FeedFetcher]:
    client = make_fetch_client(
        connect_timeout_s=2, read_timeout_s=0.5, max_redirects=3, max_connections=4
    )
    with client:
        yield FeedFetcher(client, max_bytes=CAP, file_dirs=[tmp_path])


def test_last_modified_is_sent_back_and_304_gives_no_body(
    fetcher: FeedFetcher, httpserver: HTTPServer
) -> None:
    stamp = "Mon, 01 Jul 2024 08:00:00 GMT"
    httpserver.expect_ordered_request("/f", headers={"User-Agent": USER_AGENT}).respond_with_data(
        rss2([Entry("t", THREAT, "g")]), headers={"Last-Modified": stamp, "ETag": '"a"'}
    )
    httpserver.expect_ordered_request(
        "/f", headers={"If-Modified-Since": stamp, "If-None-Match": '"a"'}
    ).respond_with_data("", status=304)
    first = fetcher.fetch(httpserver.url_for("/f"), etag=None, last_modified=None)
    assert first.body and first.last_modified == stamp and first.etag == '"a"'
    second = fetcher.fetch(httpserver.url_for("/f"), etag='"a"', last_modified=stamp)
    assert second.body is None and second.status_code == 304
    assert "redline" in USER_AGENT.lower()


def test_gzip_is_asked_for_and_decoded(fetcher: FeedFetcher, httpserver: HTTPServer) -> None:
    body = rss2([Entry("t", THREAT, "g")])
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip"}
    )
    assert fetcher.fetch(httpserver.url_for("/gz"), etag=None, last_modified=None).body == body
    (request, _), *_ = httpserver.log
    assert "gzip" in request.headers["Accept-Encoding"]


def test_a_gzip_bomb_is_capped_after_decompression(
    fetcher: FeedFetcher, httpserver: HTTPServer
) -> None:
    bomb = gzip.compress(b" " * (CAP * 20))
    assert len(bomb) < CAP
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FeedFetchError, match="exceeds"):
        fetcher.fetch(httpserver.url_for("/bomb"), etag=None, last_modified=None)


def test_an_endless_body_is_cut_off_early_not_read(fetcher: FeedFetcher) -> None:
    sent: list[int] = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(16_384):  # 1 GiB if read to the end
                sent.append(1)
                yield b"x" * 65_536

        return Response(chunks(), mimetype="application/rss+xml")

    with threaded_server() as server:
        server.expect_request("/huge").respond_with_handler(endless)
        with pytest.raises(FeedFetchError, match="exceeds"):
            fetcher.fetch(server.url_for("/huge"), etag=None, last_modified=None)
        time.sleep(0.2)  # let the server notice the closed connection
    assert len(sent) * 65_536 < 50 * CAP  # stopped near the cap, far below 1 GiB


def test_a_declared_oversized_body_is_refused_before_reading(
    fetcher: FeedFetcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * (CAP + 1))
    with pytest.raises(FeedFetchError, match=f"of {CAP + 1} bytes exceeds"):
        fetcher.fetch(httpserver.url_for("/big"), etag=None, last_modified=None)


def test_a_slow_server_times_out(fetcher: FeedFetcher) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    with threaded_server() as server:
        server.expect_request("/slow").respond_with_handler(slow)
        with pytest.raises(FeedFetchError, match="timeout"):
            fetcher.fetch(server.url_for("/slow"), etag=None, last_modified=None)


def test_redirects_are_followed_up_to_the_limit(
    fetcher: FeedFetcher, httpserver: HTTPServer
) -> None:
    for n in range(5):
        httpserver.expect_request(f"/r{n}").respond_with_data(
            "", status=301, headers={"Location": f"/r{n + 1}"}
        )
    httpserver.expect_request("/r5").respond_with_data(rss2([Entry("t", THREAT, "g")]))
    assert fetcher.fetch(httpserver.url_for("/r3"), etag=None, last_modified=None).body
    with pytest.raises(FeedFetchError, match="too many redirects"):
        fetcher.fetch(httpserver.url_for("/r0"), etag=None, last_modified=None)


def test_server_errors_carry_their_status(fetcher: FeedFetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("oops", status=503)
    with pytest.raises(FeedFetchError, match="HTTP 503") as caught:
        fetcher.fetch(httpserver.url_for("/down"), etag=None, last_modified=None)
    assert caught.value.status_code == 503
