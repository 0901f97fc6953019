"""Database tables, one module per area; schema changes go through Alembic in `migrations/`.

Importing this package registers every table on `SQLModel.metadata` (Alembic relies on it).
"""

from service.tables.alerting import (
    Alert,
    AlertGroup,
    AlertRule,
    Silence,
    Subscription,
    SubscriptionRule,
)
from service.tables.core import Delivery, DeliveryAttempt, Feed, Item, Statement
from service.tables.ingest import ItemFeed
from service.tables.labels import StatementLabel, StatementLabelEvent
from service.tables.risk import Actor, ActorAlias, ApiKey, ThreatWatch, TriggerLink

__all__ = [
    "Actor",
    "ActorAlias",
    "Alert",
    "AlertGroup",
    "AlertRule",
    "ApiKey",
    "Delivery",
    "DeliveryAttempt",
    "Feed",
    "Item",
    "ItemFeed",
    "Silence",
    "Statement",
    "StatementLabel",
    "StatementLabelEvent",
    "Subscription",
    "SubscriptionRule",
    "ThreatWatch",
    "TriggerLink",
]
