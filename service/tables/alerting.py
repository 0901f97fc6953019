"""Alerting tables: rules, subscriptions, silences, alerts and their notification groups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from service.tables.core import _created, _time


class AlertRule(SQLModel, table=True):
    """A rule admins manage: its kind, threshold, filters and grouping."""

    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    kind: str = Field(max_length=16)
    enabled: bool = True
    threshold: float = 0.7
    score_field: str = Field(default="escalation", max_length=16)
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    trend_rise: float | None = None
    window_s: int = 86_400
    for_s: float = 0.0
    hysteresis: float = 0.05
    group_by: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    group_wait_s: float = 30.0
    group_interval_s: float = 300.0
    repeat_interval_s: float = 14_400.0
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Subscription(SQLModel, table=True):
    """A channel someone attached to rules; `secret` signs webhooks and is never shown again."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    owner: str | None = Field(default=None, max_length=256)
    channel: str = Field(max_length=16)
    address: str = Field(sa_column=Column(Text, nullable=False))
    secret: str | None = Field(default=None, max_length=256)
    enabled: bool = True
    created_at: datetime = _created()


class SubscriptionRule(SQLModel, table=True):
    """Which rules a subscription listens to."""

    __tablename__ = "subscription_rule"

    subscription_id: int = Field(foreign_key="subscription.id", primary_key=True)
    rule_id: int = Field(foreign_key="alert_rule.id", primary_key=True, index=True)


class Silence(SQLModel, table=True):
    """Mutes alerts whose labels match every matcher, from `starts_at` until `ends_at`."""

    __tablename__ = "silence"

    id: int | None = Field(default=None, primary_key=True)
    matchers: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    starts_at: datetime = _created()
    ends_at: datetime = _created()
    author: str = Field(max_length=256)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _created()


class Alert(SQLModel, table=True):
    """One alert of one rule: firing, resolved, pending (risk `for`), silenced or inhibited."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_rule_id_fingerprint", "rule_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="alert_rule.id")
    fingerprint: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    status: str = Field(max_length=16, index=True)
    reason: str = Field(max_length=32)
    severity: int = 0
    dyad: str | None = Field(default=None, max_length=512, index=True)
    labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    event: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    group_key: str = Field(max_length=512)
    notified: bool = False
    starts_at: datetime = _created()
    ends_at: datetime | None = _time()
    updated_at: datetime = _created()


class AlertGroup(SQLModel, table=True):
    """A rule's group of alerts (by `group_by` labels) and when it last notified."""

    __tablename__ = "alert_group"
    __table_args__ = (UniqueConstraint("rule_id", "group_key"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="alert_rule.id")
    group_key: str = Field(max_length=512)
    labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    first_pending_at: datetime | None = _time()
    last_notified_at: datetime | None = _time()
    next_check_at: datetime | None = _time(index=True)
