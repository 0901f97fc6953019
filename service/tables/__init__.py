"""Database tables, one module per area; schema changes go through Alembic in `migrations/`.

Importing this package registers every table on `SQLModel.metadata` (Alembic relies on it).
"""

from service.tables.core import Delivery, DeliveryAttempt, Feed, Item, Statement
from service.tables.risk import Actor, ActorAlias, ApiKey, ThreatWatch, TriggerLink

__all__ = ["Delivery", "DeliveryAttempt", "Feed", "Item", "Statement"]
__all__ += ["Actor", "ActorAlias", "ApiKey", "ThreatWatch", "TriggerLink"]
