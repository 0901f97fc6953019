"""Slack against a local receiver that checks the blocks; e-mail against aiosmtpd on loopback."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts import (
    AddressGuard,
    DeliveryError,
    Destination,
    EmailNotifier,
    SlackNotifier,
    SmtpConfig,
)
from tests.alerts.helpers import event, notification

LOOPBACK = AddressGuard.from_strings(["127.0.0.0/8", "::1/128"])


def _check_blocks(body: dict[str, Any]) -> list[str]:
    """What Slack itself would refuse: unknown block types, empty texts, over 50 blocks."""
    problems = []
    blocks = body.get("blocks", [])
    if not body.get("text") or len(blocks) > 50:
        problems.append("fallback text missing or too many blocks")
    for block in blocks:
        kind = block.get("type")
        if kind not in {"header", "section", "context", "divider"}:
            problems.append(f"unknown block {kind}")
        if kind == "section" and not (block.get("text") or block.get("fields")):
            problems.append("empty section")
        if kind == "header" and block["text"]["type"] != "plain_text":
            problems.append("header must be plain_text")
    return problems


def test_slack_gets_block_kit_with_quote_dyad_condition_severity_risk_link(
    httpserver: HTTPServer,
) -> None:
    seen: list[dict[str, Any]] = []

    def receiver(request: Request) -> Response:
        body = json.loads(request.get_data())
        seen.append(body)
        problems = _check_blocks(body)
        return Response("invalid_blocks", status=400) if problems else Response("ok")

    httpserver.expect_request("/services/T/B/X", method="POST").respond_with_handler(receiver)
    message = notification(event("a1"), event("a2", severity=3))
    with httpx.Client(timeout=2) as client:
        SlackNotifier(client, LOOPBACK).send(
            Destination(httpserver.url_for("/services/T/B/X")), message, idempotency_key="k"
        )
    (body,) = seen
    text = json.dumps(body, ensure_ascii=False)
    assert body["blocks"][0]["type"] == "header" and "2 alert(s)" in body["text"]
    assert "> The militia said the port would be struck" in text
    assert "the militia → the port" in text and "if the blockade went on" in text
    assert "critical" in text and "high" in text and "0.61 / +0.12" in text
    assert "<http://127.0.0.1/item|Source>" in text


def test_slack_caps_long_groups_and_keeps_blocks_valid(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s").respond_with_data("ok")
    message = notification(*(event(f"a{i}") for i in range(30)))
    with httpx.Client(timeout=2) as client:
        SlackNotifier(client, LOOPBACK).send(
            Destination(httpserver.url_for("/s")), message, idempotency_key="k"
        )
    ((request, _),) = httpserver.log
    body = json.loads(request.get_data())
    assert not _check_blocks(body) and "and 20 more" in json.dumps(body)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append((envelope, message_from_bytes(envelope.content)))
        return "250 OK"


def _auth(
    server: object, session: object, envelope: object, mechanism: str, data: object
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"bot", b"pw")
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def plain_smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_email_has_text_and_html_parts(plain_smtp: tuple[Inbox, int]) -> None:
    inbox, port = plain_smtp
    config = SmtpConfig(host="127.0.0.1", port=port, sender="alerts@example.org")
    EmailNotifier(config).send(Destination("ops@example.org"), notification(), idempotency_key="k9")
    ((envelope, mail),) = inbox.messages
    assert envelope.rcpt_tos == ["ops@example.org"] and mail["Message-ID"] == "<k9@redline>"
    assert "[Redline firing] ports" in mail["Subject"]
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in mail.walk()}
    assert b"the militia -> the port" in parts["text/plain"]
    assert b"<li>" in parts["text/html"] and b"if the blockade went on" in parts["text/html"]


def test_email_with_starttls_and_login(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=(port := _free_port()),
        tls_context=server_ctx,
        require_starttls=True,
        authenticator=_auth,
        auth_require_tls=True,
    )
    controller.start()
    try:
        good = SmtpConfig(
            "127.0.0.1", port, starttls=True, username="bot", password="pw", ssl_context=client_ctx
        )
        EmailNotifier(good).send(
            Destination("ops@example.org"), notification(), idempotency_key="k"
        )
        assert len(inbox.messages) == 1
        no_tls = SmtpConfig("127.0.0.1", port, timeout_s=2)
        with pytest.raises(DeliveryError):
            EmailNotifier(no_tls).send(
                Destination("ops@example.org"), notification(), idempotency_key="k"
            )
        bad = SmtpConfig(
            "127.0.0.1", port, starttls=True, username="bot", password="no", ssl_context=client_ctx
        )
        with pytest.raises(DeliveryError):
            EmailNotifier(bad).send(
                Destination("ops@example.org"), notification(), idempotency_key="k"
            )
        assert len(inbox.messages) == 1
    finally:
        controller.stop()
