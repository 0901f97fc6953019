"""What HTTP channels share: the destination and how a response becomes a DeliveryError."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from alerts.errors import DeliveryError
from alerts.safety import AddressGuard

# 408, 425 and 429 are the receiver asking us to come back later; other 4xx mean the request
# itself is wrong and sending it again cannot help.
_RETRYABLE_4XX = {408, 425, 429}


@dataclass(frozen=True, slots=True)
class Destination:
    """Where one subscription's notifications go: a URL or an e-mail address, and its secret."""

    address: str
    secret: str | None = None


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


def post(
    client: httpx.Client, guard: AddressGuard, url: str, body: bytes, headers: dict[str, str]
) -> None:
    """POSTs through the guard; raises DeliveryError saying whether a retry may help."""
    try:
        response = guard.post(client, url, content=body, headers=headers)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timeout: {type(exc).__name__}", retryable=True) from exc
    except httpx.TransportError as exc:
        raise DeliveryError(f"transport error: {type(exc).__name__}", retryable=True) from exc
    if response.is_success:
        return
    code = response.status_code
    raise DeliveryError(
        f"HTTP {code}",
        retryable=code >= 500 or code in _RETRYABLE_4XX,
        status_code=code,
        retry_after_s=_retry_after(response),
    )
