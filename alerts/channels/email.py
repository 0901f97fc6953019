"""E-mail channel: SMTP with optional STARTTLS and login, plain-text and HTML parts."""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from alerts.channels.http import Destination
from alerts.channels.slack import SEVERITY
from alerts.errors import DeliveryError
from alerts.message import AlertEvent, Notification


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "redline@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    ssl_context: ssl.SSLContext | None = None


def _line(alert: AlertEvent) -> str:
    text = (alert.statement or {}).get("text") or ""
    dyad = f"{alert.labels.get('actor') or '?'} -> {alert.labels.get('target') or '?'}"
    parts = [f'"{text}"' if text else "", dyad, f"severity {SEVERITY.get(alert.severity)}"]
    if alert.condition:
        parts.append(f"condition: {alert.condition}")
    if alert.risk:
        parts.append(f"risk {alert.risk['score']:.2f}, trend {alert.risk['trend']:+.2f}")
    if alert.link:
        parts.append(alert.link)
    return " | ".join(p for p in parts if p)


def build_email(config: SmtpConfig, to: str, message: Notification, key: str) -> EmailMessage:
    """The e-mail: a subject naming the rule, a text part and an HTML part listing the alerts."""
    mail = EmailMessage()
    mail["Subject"] = f"[Redline {message.status}] {message.rule}: {len(message.alerts)} alert(s)"
    mail["From"] = config.sender
    mail["To"] = to
    mail["Message-ID"] = f"<{key}@redline>"  # same on retries, so mail clients can dedup
    lines = [_line(a) for a in message.alerts]
    mail.set_content("\n".join([f"Rule {message.rule} ({message.status})", "", *lines]) + "\n")
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    mail.add_alternative(
        f"<html><body><h2>{html.escape(message.rule)} ({message.status})</h2>"
        f"<ul>{items}</ul></body></html>",
        subtype="html",
    )
    return mail


class EmailNotifier:
    """Sends one e-mail per notification through the configured SMTP server."""

    channel = "email"

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    def send(self, to: Destination, message: Notification, *, idempotency_key: str) -> None:
        cfg = self._config
        mail = build_email(cfg, to.address, message, idempotency_key)
        try:
            with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s) as smtp:
                if cfg.starttls:
                    smtp.starttls(context=cfg.ssl_context or ssl.create_default_context())
                if cfg.username:
                    smtp.login(cfg.username, cfg.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError("recipient refused", retryable=False) from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx is the server's "try later"; 5xx a permanent refusal.
            code = exc.smtp_code
            raise DeliveryError(f"SMTP {code}", retryable=400 <= code < 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP error: {type(exc).__name__}", retryable=True) from exc
