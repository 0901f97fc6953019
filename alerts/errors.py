"""Errors raised by alerting; they know nothing of HTTP status pages or databases."""

from __future__ import annotations


class AlertError(Exception):
    """Base class of every alerting error."""


class DeliveryError(AlertError):
    """A notification was not delivered.

    `retryable` says whether trying again later may succeed (timeouts, 5xx, 429);
    `retry_after_s` is the receiver's own hint, when it gave one.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        status_code: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status_code = status_code
        self.retry_after_s = retry_after_s


class UnsafeTargetError(DeliveryError):
    """The target is an address Redline refuses to reach (private, loopback, link-local)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, retryable=False)
