"""Webhook channel: a JSON POST to the subscriber's URL."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import httpx

from alerts.errors import DeliveryError
from alerts.message import AlertMessage

# 408 and 429 are the receiver asking us to come back later; other 4xx mean the request itself is
# wrong and sending it again cannot help.
_RETRYABLE_4XX = {408, 425, 429}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class WebhookNotifier:
    """POSTs the alert as JSON; `webhook-id` carries the idempotency key for receivers to dedup."""

    channel = "webhook"

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def send(self, target: str, message: AlertMessage, *, idempotency_key: str) -> None:
        headers = {
            "webhook-id": idempotency_key,
            "webhook-timestamp": str(int(message.fired_at.timestamp())),
        }
        try:
            response = self._client.post(target, json=message.to_json(), headers=headers)
        except httpx.TimeoutException as exc:
            raise DeliveryError(f"timeout: {type(exc).__name__}", retryable=True) from exc
        except httpx.TransportError as exc:
            raise DeliveryError(f"transport error: {type(exc).__name__}", retryable=True) from exc
        if response.is_success:
            return
        code = response.status_code
        retryable = code >= 500 or code in _RETRYABLE_4XX
        raise DeliveryError(
            f"HTTP {code}",
            retryable=retryable,
            status_code=code,
            retry_after_s=_retry_after(response),
        )
