"""One delivery attempt and the schedule of the next: no database, the caller stores outcomes."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from alerts.errors import DeliveryError
from alerts.message import AlertMessage

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """A channel: sends one message to one target or raises DeliveryError."""

    channel: str

    def send(self, target: str, message: AlertMessage, *, idempotency_key: str) -> None: ...


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter, capped."""

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
    target: str,
    message: AlertMessage,
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
        notifier.send(target, message, idempotency_key=idempotency_key)
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
        "delivery alert=%s channel=%s attempt=%d outcome=%s",
        message.alert_id,
        notifier.channel,
        attempt_no,
        result.outcome,
    )
    return result
