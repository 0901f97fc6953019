"""Alert rules, channels and delivery. Knows no HTTP server and no database."""

from alerts.channels import WebhookNotifier
from alerts.delivery import AttemptResult, Backoff, Notifier, Outcome, attempt
from alerts.errors import AlertError, DeliveryError
from alerts.message import SCHEMA_VERSION, AlertMessage
from alerts.rules import Reason, StatementRule, decide

__all__ = [
    "SCHEMA_VERSION",
    "AlertError",
    "AlertMessage",
    "AttemptResult",
    "Backoff",
    "DeliveryError",
    "Notifier",
    "Outcome",
    "Reason",
    "StatementRule",
    "WebhookNotifier",
    "attempt",
    "decide",
]
