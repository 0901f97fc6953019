"""Notification channels, one module each, behind the `Notifier` protocol of alerts.delivery."""

from alerts.channels.email import EmailNotifier, SmtpConfig
from alerts.channels.http import Destination
from alerts.channels.slack import SlackNotifier, slack_blocks
from alerts.channels.webhook import WebhookNotifier, new_secret, sign

__all__ = [
    "Destination",
    "EmailNotifier",
    "SlackNotifier",
    "SmtpConfig",
    "WebhookNotifier",
    "new_secret",
    "sign",
    "slack_blocks",
]
