"""The webhook channel and delivery attempts against a real receiver on loopback."""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer

from alerts import AlertMessage, Backoff, DeliveryError, Outcome, WebhookNotifier, attempt

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MESSAGE = AlertMessage(
    alert_id="a1",
    rule="conditional-threat",
    reason="above_threshold",
    fired_at=NOW,
    statement_id=7,
    statement="Own words: the group said the port would be struck if the blockade went on.",
    scores={"threat": 0.9, "conditional": 0.8, "severity": 2, "escalation": 0.6},
    model_version="m1",
    item_title="Test item",
    item_link="http://127.0.0.1/item",
    item_source="Test Wire",
)


@pytest.fixture
def notifier() -> Iterator[WebhookNotifier]:
    with httpx.Client(timeout=1) as client:
        yield WebhookNotifier(client)


def test_posts_the_versioned_json_with_its_id(
    notifier: WebhookNotifier, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    notifier.send(httpserver.url_for("/hook"), MESSAGE, idempotency_key="rl_1")
    ((request, _),) = httpserver.log
    assert json.loads(request.get_data()) == MESSAGE.to_json()
    assert request.headers["webhook-id"] == "rl_1"
    assert request.headers["webhook-timestamp"] == str(int(NOW.timestamp()))


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (400, False), (404, False)]
)
def test_status_codes_decide_retry(
    notifier: WebhookNotifier, httpserver: HTTPServer, status: int, retryable: bool
) -> None:
    httpserver.expect_request("/hook").respond_with_data("no", status=status)
    with pytest.raises(DeliveryError) as caught:
        notifier.send(httpserver.url_for("/hook"), MESSAGE, idempotency_key="k")
    assert caught.value.retryable is retryable and caught.value.status_code == status


def test_retry_after_is_honoured(notifier: WebhookNotifier, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    result = attempt(
        notifier,
        httpserver.url_for("/hook"),
        MESSAGE,
        idempotency_key="k",
        attempt_no=1,
        max_attempts=5,
        backoff=Backoff(1, 10),
        now=NOW,
    )
    assert result.outcome is Outcome.RETRY and result.next_attempt_at is not None
    assert (result.next_attempt_at - NOW).total_seconds() == pytest.approx(120)


def test_a_closed_port_is_retryable_until_attempts_run_out(notifier: WebhookNotifier) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"  # bound, never listening
        common = {"idempotency_key": "k", "backoff": Backoff(1, 10), "now": NOW}
        first = attempt(notifier, url, MESSAGE, attempt_no=1, max_attempts=2, **common)  # type: ignore[arg-type]
        last = attempt(notifier, url, MESSAGE, attempt_no=2, max_attempts=2, **common)  # type: ignore[arg-type]
    assert first.outcome is Outcome.RETRY and "transport error" in (first.error or "")
    assert last.outcome is Outcome.FAILED


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    backoff = Backoff(base_s=2, cap_s=30)
    rng = random.Random(1)
    delays = [backoff.delay(n, rng) for n in range(1, 8)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(30, 2 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 30
