"""The webhook channel, signatures and delivery attempts against a real receiver on loopback."""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from alerts import (
    AddressGuard,
    Backoff,
    DeliveryError,
    Destination,
    Notification,
    Outcome,
    UnsafeTargetError,
    WebhookNotifier,
    attempt,
    new_secret,
)
from tests.alerts.helpers import NOW, notification

LOOPBACK = AddressGuard.from_strings(["127.0.0.0/8", "::1/128"])


@pytest.fixture
def notifier() -> Iterator[WebhookNotifier]:
    with httpx.Client(timeout=1) as client:
        yield WebhookNotifier(client, LOOPBACK)


def test_posts_the_versioned_json_signed_so_a_receiver_can_verify(
    notifier: WebhookNotifier, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    secret = new_secret()
    message = notification()
    notifier.send(Destination(httpserver.url_for("/hook"), secret), message, idempotency_key="k1")
    ((request, _),) = httpserver.log
    headers = dict(request.headers)
    body = Webhook(secret).verify(request.get_data(), headers)
    assert body == message.to_json() and body["schema"] == "redline.notification/v1"
    assert Notification.from_json(body) == message
    assert request.headers["webhook-id"] == "k1"
    assert request.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request.get_data(), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.get_data() + b" ", headers)


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (400, False), (404, False)]
)
def test_status_codes_decide_retry(
    notifier: WebhookNotifier, httpserver: HTTPServer, status: int, retryable: bool
) -> None:
    httpserver.expect_request("/hook").respond_with_data("no", status=status)
    with pytest.raises(DeliveryError) as caught:
        notifier.send(Destination(httpserver.url_for("/hook")), notification(), idempotency_key="k")
    assert caught.value.retryable is retryable and caught.value.status_code == status


def test_retry_after_is_honoured(notifier: WebhookNotifier, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    result = attempt(
        notifier,
        Destination(httpserver.url_for("/hook")),
        notification(),
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
        to = Destination(f"http://127.0.0.1:{sock.getsockname()[1]}/hook")  # never listening
        common = {"idempotency_key": "k", "backoff": Backoff(1, 10), "now": NOW}
        first = attempt(notifier, to, notification(), attempt_no=1, max_attempts=2, **common)  # type: ignore[arg-type]
        last = attempt(notifier, to, notification(), attempt_no=2, max_attempts=2, **common)  # type: ignore[arg-type]
    assert first.outcome is Outcome.RETRY and "transport error" in (first.error or "")
    assert last.outcome is Outcome.FAILED


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://169.254.169.254/latest",
        "http://10.1.2.3/x",
        "http://[::1]:9/x",
        "ftp://127.0.0.1/x",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused_at_send_time(url: str) -> None:
    with httpx.Client(timeout=1) as client:
        strict = WebhookNotifier(client, AddressGuard())
        with pytest.raises(UnsafeTargetError):
            strict.send(Destination(url), notification(), idempotency_key="k")


def test_the_connection_goes_to_the_checked_address_with_the_name_kept(
    notifier: WebhookNotifier, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = f"http://localhost:{httpserver.port}/hook"
    notifier.send(Destination(url), notification(), idempotency_key="k")
    ((request, _),) = httpserver.log
    assert request.headers["Host"] == f"localhost:{httpserver.port}"
    assert json.loads(request.get_data())["notification_id"] == "n1"


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    backoff = Backoff(base_s=2, cap_s=30)
    rng = random.Random(1)
    delays = [backoff.delay(n, rng) for n in range(1, 8)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(30, 2 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 30
