"""Notification channels, one module each."""

from alerts.channels.webhook import WebhookNotifier

__all__ = ["WebhookNotifier"]
