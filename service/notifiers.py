"""The notifier of each channel, built from the settings."""

from __future__ import annotations

import logging
import ssl

import httpx

from alerts import AddressGuard, EmailNotifier, Notifier, SlackNotifier, SmtpConfig, WebhookNotifier
from service.config import Settings


def smtp_config(settings: Settings) -> SmtpConfig:
    smtp = settings.smtp
    context = None
    if smtp.starttls:
        context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
    return SmtpConfig(
        host=smtp.host,
        port=smtp.port,
        sender=smtp.sender,
        starttls=smtp.starttls,
        username=smtp.username,
        password=smtp.password.get_secret_value() if smtp.password else None,
        timeout_s=smtp.timeout_s,
        ssl_context=context,
    )


def build_notifiers(settings: Settings, client: httpx.Client) -> dict[str, Notifier]:
    """Webhook, Slack and e-mail; HTTP ones go through the outbound address guard."""
    # httpx logs every request URL at INFO; Slack and webhook URLs can be credentials.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    guard = AddressGuard.from_strings(settings.outbound_allow)
    return {
        "webhook": WebhookNotifier(client, guard),
        "slack": SlackNotifier(client, guard),
        "email": EmailNotifier(smtp_config(settings)),
    }
