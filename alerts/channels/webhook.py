"""Webhook channel: the notification JSON, signed per the Standard Webhooks specification."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from alerts.channels.http import Destination, post
from alerts.message import Notification
from alerts.safety import AddressGuard


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form (`whsec_` + base64 of 32 bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` sent as message `msg_id` at `at`."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


class WebhookNotifier:
    """POSTs the notification; `webhook-id` is the same on every retry so receivers dedup."""

    channel = "webhook"

    def __init__(self, client: httpx.Client, guard: AddressGuard) -> None:
        self._client = client
        self._guard = guard

    def send(self, to: Destination, message: Notification, *, idempotency_key: str) -> None:
        body = json.dumps(message.to_json(), separators=(",", ":")).encode()
        # The timestamp is the attempt's, as the spec asks: receivers reject stale ones.
        now = datetime.now(UTC)
        headers = {"content-type": "application/json"}
        if to.secret:
            headers |= sign(to.secret, idempotency_key, now, body)
        else:
            headers |= {
                "webhook-id": idempotency_key,
                "webhook-timestamp": str(int(now.timestamp())),
            }
        post(self._client, self._guard, to.address, body, headers)
