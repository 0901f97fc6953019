"""Statement labels: analysts' readings of stored statements, exported as labelled data,
and the history of every reading.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPANS = ("actor", "target", "condition", "action")


def _reading(table: str, *, required: bool) -> list[SchemaItem]:
    """A reading's columns (flags and level required in a label, empty in a removal), its
    spans, who gave it when, and its statement's foreign key."""
    return [
        sa.Column("threat", sa.Integer(), nullable=not required),
        sa.Column("conditional", sa.Integer(), nullable=not required),
        sa.Column("severity", sa.Integer(), nullable=not required),
        *(sa.Column(span, sa.Text(), nullable=True) for span in SPANS),
        sa.Column("labelled_by", sa.String(length=128), nullable=False),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f(f"fk_{table}_statement_id_statement")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "statement_label",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        *_reading("statement_label", required=True),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statement_label")),
    )
    op.create_table(
        "statement_label_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_reading("statement_label_event", required=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_label_event")),
    )
    op.create_index(
        "ix_statement_label_event_statement_id", "statement_label_event", ["statement_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_statement_label_event_statement_id", table_name="statement_label_event")
    op.drop_table("statement_label_event")
    op.drop_table("statement_label")
