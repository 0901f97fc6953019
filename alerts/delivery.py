"""One delivery attempt, the schedule of the next, and per-channel rate limits.

No database here: the caller stores outcomes.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from alerts.channels.http import Destination
from alerts.errors import DeliveryError
from alerts.message import Notification

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """A channel: sends one notification to one destination or raises DeliveryError."""

    channel: str

    def send(self, to: Destination, message: Notification, *, idempotency_key: str) -> None: ...


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter (between half and all of the ceiling), capped."""

    base_s: float = 2.0
    cap_s: float = 600.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap_s, self.base_s * 2 ** (attempt - 1))
        return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass(frozen=True, slots=True)
class AttemptResult:
    outcome: Outcome
    duration_ms: float
    status_code: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


def attempt(
    notifier: Notifier,
    to: Destination,
    message: Notification,
    *,
    idempotency_key: str,
    attempt_no: int,
    max_attempts: int,
    backoff: Backoff,
    now: datetime,
) -> AttemptResult:
    """Try once; say whether it was sent, should be retried (and when), or failed for good."""
    started = time.perf_counter()
    try:
        notifier.send(to, message, idempotency_key=idempotency_key)
    except DeliveryError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        if exc.retryable and attempt_no < max_attempts:
            wait = max(backoff.delay(attempt_no), exc.retry_after_s or 0.0)
            result = AttemptResult(
                Outcome.RETRY, elapsed, exc.status_code, exc.reason, now + timedelta(seconds=wait)
            )
        else:
            result = AttemptResult(Outcome.FAILED, elapsed, exc.status_code, exc.reason)
    else:
        result = AttemptResult(Outcome.SENT, (time.perf_counter() - started) * 1000)
    logger.info(
        "delivery key=%s channel=%s attempt=%d outcome=%s",
        idempotency_key,
        notifier.channel,
        attempt_no,
        result.outcome,
    )
    return result


class RateLimits:
    """At most `per_second[channel]` sends per second per channel (moving window)."""

    def __init__(self, per_second: Mapping[str, int]) -> None:
        self._items = {c: RateLimitItemPerSecond(n) for c, n in per_second.items() if n > 0}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def take(self, channel: str) -> bool:
        """Spends one send of `channel`'s budget; False when the budget is used up."""
        item = self._items.get(channel)
        return item is None or self._limiter.hit(item, channel)
