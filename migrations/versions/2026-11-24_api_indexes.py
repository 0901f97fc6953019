"""API indexes: an actor's statements by time (risk and pages), and conditional threats by time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Covering on PostgreSQL (ignored elsewhere): an actor's risk is an index-only scan.
RISK_INCLUDE = ["threat", "conditional", "severity", "story", "source_domain"]
CONDITIONAL = sa.text("conditional >= 0.5")


def upgrade() -> None:
    op.create_index(
        "ix_statement_actor_time",
        "statement",
        ["actor_id", "observed_at", "id"],
        postgresql_include=RISK_INCLUDE,
    )
    # Conditional threats are few (about one statement in twenty): a partial index pages
    # them newest first without walking every statement.
    op.create_index(
        "ix_statement_conditional_time",
        "statement",
        ["observed_at", "id"],
        postgresql_where=CONDITIONAL,
        sqlite_where=CONDITIONAL,
    )


def downgrade() -> None:
    op.drop_index("ix_statement_conditional_time", table_name="statement")
    op.drop_index("ix_statement_actor_time", table_name="statement")
