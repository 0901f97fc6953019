"""End to end on real parts: a feed on a local HTTP server, a real database, a webhook receiver."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlmodel import Session, col, select
from werkzeug import Request, Response

from service.ingest import register_feed
from service.jobs import deliver_alerts, poll_feeds
from service.runtime import Runtime, build_runtime
from service.tables import Delivery, DeliveryAttempt, Feed, Item, Statement
from tests.conftest import FIXTURES
from tests.service.helpers import make_settings

FEED_XML = (FIXTURES / "feeds" / "world.xml").read_bytes()


@pytest.fixture
def runtime(database_url: str, tmp_path: Path, httpserver: HTTPServer) -> Iterator[Runtime]:
    settings = make_settings(database_url, tmp_path, webhook_urls=[httpserver.url_for("/hook")])
    rt = build_runtime(settings)
    yield rt
    rt.close()


def _serve_feed(httpserver: HTTPServer, body: bytes = FEED_XML) -> str:
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    return httpserver.url_for("/feed.xml")


def _hooks(httpserver: HTTPServer) -> list[Request]:
    return [req for req, _ in httpserver.log if req.path == "/hook"]


def test_one_poll_stores_scored_statements_and_posts_the_alert(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    feed = register_feed(runtime.engine, _serve_feed(httpserver), interval_s=300)

    results = poll_feeds(runtime)

    assert [(r.feed_id, r.status, r.new_items) for r in results] == [(feed.id, "ok", 2)]
    with Session(runtime.engine) as session:
        items = session.exec(select(Item).order_by(col(Item.id))).all()
        assert [i.guid for i in items] == ["test-wire-1", "test-wire-2"]
        assert "<p>" not in items[0].text and "legitimate targets" in items[0].text
        statements = session.exec(select(Statement)).all()
        assert {s.model_version for s in statements} == {runtime.scorer.version}
        threat = max(statements, key=lambda s: s.conditional)
        assert "legitimate targets" in threat.text and threat.conditional >= 0.5
        festival = [s for s in statements if s.item_id == items[1].id]
        assert festival and all(s.conditional < 0.5 for s in festival)
        delivery = session.exec(select(Delivery)).one()
        assert delivery.status == "sent" and delivery.attempts == 1
        attempt = session.exec(select(DeliveryAttempt)).one()
        assert attempt.outcome == "sent" and attempt.delivery_id == delivery.id

    (hook,) = _hooks(httpserver)
    body = json.loads(hook.get_data())
    assert body["schema"] == "redline.notification/v1"
    assert body["rule"]["name"] == "conditional-threat" and body["status"] == "firing"
    (alert,) = body["alerts"]
    assert alert["statement"]["text"] == threat.text
    assert alert["statement"]["scores"]["conditional"] == pytest.approx(threat.conditional)
    assert alert["statement"]["model_version"] == runtime.scorer.version
    assert alert["item"] == {
        "title": "Militia warns of strikes on foreign bases",
        "link": "http://127.0.0.1/news/1",
        "source": "Test Wire",
    }
    assert hook.headers["webhook-id"] == delivery.idempotency_key
    assert hook.headers["webhook-signature"].startswith("v1,")
    assert hook.headers["Content-Type"] == "application/json"


def test_a_second_poll_stores_nothing_twice_and_sends_no_second_alert(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    feed = register_feed(runtime.engine, _serve_feed(httpserver), interval_s=300)
    poll_feeds(runtime)
    with Session(runtime.engine) as session:
        row = session.get(Feed, feed.id)
        assert row is not None and row.etag == '"v1"'
        row.next_fetch_at = row.last_fetched_at  # due again now
        session.add(row)
        session.commit()
        before = len(session.exec(select(Statement)).all())

    (result,) = poll_feeds(runtime)

    assert result.new_items == 0
    with Session(runtime.engine) as session:
        assert len(session.exec(select(Item)).all()) == 2
        assert len(session.exec(select(Statement)).all()) == before
    assert len(_hooks(httpserver)) == 1
    # The second request was conditional on the ETag of the first.
    feed_requests = [r for r, _ in httpserver.log if r.path == "/feed.xml"]
    assert feed_requests[1].headers.get("If-None-Match") == '"v1"'


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"this is not a feed at all", 200, "error: not a feed"),
        (b"", 500, "error: HTTP 500"),
    ],
)
def test_a_broken_feed_is_recorded_and_the_other_feeds_still_work(
    runtime: Runtime, httpserver: HTTPServer, body: bytes, status: int, expected: str
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    httpserver.expect_request("/broken.xml").respond_with_data(body, status=status)
    broken = register_feed(runtime.engine, httpserver.url_for("/broken.xml"), interval_s=60)
    good = register_feed(runtime.engine, _serve_feed(httpserver), interval_s=60)

    results = {r.feed_id: r for r in poll_feeds(runtime)}

    assert good.id is not None and results[good.id].new_items == 2
    with Session(runtime.engine) as session:
        row = session.get(Feed, broken.id)
        assert row is not None and row.next_fetch_at is not None
        assert row.error_count == 1 and (row.last_status or "").startswith(expected)
        assert row.last_fetched_at is not None
        assert row.next_fetch_at > row.last_fetched_at  # backed off, not retried at once


def test_a_receiver_that_fails_then_recovers_gets_the_alert_once(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    calls: list[int] = []

    def flaky(request: Request) -> Response:
        calls.append(1)
        return Response("busy", status=503) if len(calls) == 1 else Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(flaky)
    register_feed(runtime.engine, _serve_feed(httpserver), interval_s=300)

    poll_feeds(runtime)
    with Session(runtime.engine) as session:
        delivery = session.exec(select(Delivery)).one()
        assert (delivery.status, delivery.attempts, delivery.last_error) == (
            "pending",
            1,
            "HTTP 503",
        )
    time.sleep(0.1)  # past the (test-sized) backoff
    report = deliver_alerts(runtime)

    assert report.sent == 1
    with Session(runtime.engine) as session:
        delivery = session.exec(select(Delivery)).one()
        assert (delivery.status, delivery.attempts) == ("sent", 2)
        outcomes = session.exec(
            select(DeliveryAttempt.outcome).order_by(col(DeliveryAttempt.attempt))
        ).all()
        assert outcomes == ["retry", "sent"]
    hooks = _hooks(httpserver)
    assert len(hooks) == 2 and hooks[0].headers["webhook-id"] == hooks[1].headers["webhook-id"]


def test_a_receiver_that_rejects_the_alert_is_not_retried(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("gone", status=404)
    register_feed(runtime.engine, _serve_feed(httpserver), interval_s=300)

    poll_feeds(runtime)
    deliver_alerts(runtime)

    with Session(runtime.engine) as session:
        delivery = session.exec(select(Delivery)).one()
        assert (delivery.status, delivery.attempts, delivery.last_error) == (
            "dead",
            1,
            "HTTP 404",
        )
