"""Slack channel: an incoming-webhook message laid out with Block Kit."""

from __future__ import annotations

import json
from typing import Any

import httpx

from alerts.channels.http import Destination, post
from alerts.message import AlertEvent, Notification
from alerts.safety import AddressGuard

MAX_ALERTS = 10  # Slack caps a message at 50 blocks; each alert takes up to four.
SEVERITY = {0: "none", 1: "low", 2: "high", 3: "critical"}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _alert_blocks(alert: AlertEvent) -> list[dict[str, Any]]:
    labels = alert.labels
    fields = [
        _mrkdwn(
            f"*Actor → target*\n{_escape(labels.get('actor') or '?')} → "
            f"{_escape(labels.get('target') or '?')}"
        ),
        _mrkdwn(f"*Severity*\n{SEVERITY.get(alert.severity, alert.severity)}"),
    ]
    if alert.condition:
        fields.append(_mrkdwn(f"*Condition*\n{_escape(alert.condition)}"))
    if alert.risk is not None:
        fields.append(
            _mrkdwn(f"*Risk / trend*\n{alert.risk['score']:.2f} / {alert.risk['trend']:+.2f}")
        )
    blocks: list[dict[str, Any]] = []
    text = (alert.statement or {}).get("text")
    if text:
        blocks.append({"type": "section", "text": _mrkdwn("> " + _escape(str(text)))})
    blocks.append({"type": "section", "fields": fields})
    if alert.link:
        blocks.append({"type": "context", "elements": [_mrkdwn(f"<{alert.link}|Source>")]})
    return blocks


def slack_blocks(message: Notification) -> dict[str, Any]:
    """The Slack payload: a header, then the quote, dyad, condition, severity, risk and link."""
    title = f"[{message.status.upper()}] {message.rule} ({len(message.alerts)} alert(s))"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}}
    ]
    for alert in message.alerts[:MAX_ALERTS]:
        blocks += [*_alert_blocks(alert), {"type": "divider"}]
    hidden = len(message.alerts) - MAX_ALERTS
    if hidden > 0:
        blocks.append({"type": "context", "elements": [_mrkdwn(f"and {hidden} more")]})
    return {"text": title, "blocks": blocks}


class SlackNotifier:
    """POSTs Block Kit JSON to a Slack incoming-webhook URL (the URL is the secret)."""

    channel = "slack"

    def __init__(self, client: httpx.Client, guard: AddressGuard) -> None:
        self._client = client
        self._guard = guard

    def send(self, to: Destination, message: Notification, *, idempotency_key: str) -> None:
        body = json.dumps(slack_blocks(message)).encode()
        post(self._client, self._guard, to.address, body, {"content-type": "application/json"})
