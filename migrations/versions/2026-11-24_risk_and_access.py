"""Risk and access: canonical actors on statements, gazetteer additions, trigger watch, API keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENT_INDEXES = {
    "ix_statement_dyad": ["actor_id", "target_id", "observed_at"],
    "ix_statement_target_time": ["target_id", "observed_at"],
    "ix_statement_actor_country_time": ["actor_country", "observed_at"],
    "ix_statement_target_country_time": ["target_country", "observed_at"],
    "ix_statement_observed_at_id": ["observed_at", "id"],
}

# Covering on PostgreSQL (ignored elsewhere): a dyad's risk is an index-only scan.
DYAD_INCLUDE = ["id", "threat", "conditional", "severity", "story", "source_domain"]


def _statement_columns() -> None:
    with op.batch_alter_table("statement") as batch:
        batch.add_column(sa.Column("actor_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("target_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("actor_country", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("target_country", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("source_domain", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("story", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("observed_at", sa.DateTime(timezone=True), nullable=True))
    # Rows stored before this revision were said, as far as we know, when they were scored.
    op.execute("UPDATE statement SET observed_at = scored_at")
    with op.batch_alter_table("statement") as batch:
        batch.alter_column("observed_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    for name, columns in STATEMENT_INDEXES.items():
        covering = DYAD_INCLUDE if name == "ix_statement_dyad" else []
        op.create_index(name, "statement", columns, postgresql_include=covering)


def upgrade() -> None:
    _statement_columns()
    op.create_table(
        "actor",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor")),
    )
    op.create_table(
        "actor_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("alias", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_actor_alias_alias")),
    )
    op.create_index("ix_actor_alias_actor_id", "actor_alias", ["actor_id"])
    op.create_table(
        "threat_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f("fk_threat_watch_statement_id_statement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_watch")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_threat_watch_statement_id")),
    )
    op.create_index("ix_threat_watch_status_opened", "threat_watch", ["status", "opened_at"])
    op.create_table(
        "trigger_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("relevance", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["threat_watch.id"], name=op.f("fk_trigger_link_watch_id_threat_watch")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f("fk_trigger_link_statement_id_statement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trigger_link")),
        sa.UniqueConstraint(
            "watch_id", "statement_id", name=op.f("uq_trigger_link_watch_id_statement_id")
        ),
    )
    op.create_index("ix_trigger_link_watch_id", "trigger_link", ["watch_id"])
    op.create_index("ix_trigger_link_statement_id", "trigger_link", ["statement_id"])
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )


def downgrade() -> None:
    op.drop_table("api_key")
    op.drop_index("ix_trigger_link_statement_id", table_name="trigger_link")
    op.drop_index("ix_trigger_link_watch_id", table_name="trigger_link")
    op.drop_table("trigger_link")
    op.drop_index("ix_threat_watch_status_opened", table_name="threat_watch")
    op.drop_table("threat_watch")
    op.drop_index("ix_actor_alias_actor_id", table_name="actor_alias")
    op.drop_table("actor_alias")
    op.drop_table("actor")
    for name in STATEMENT_INDEXES:
        op.drop_index(name, table_name="statement")
    with op.batch_alter_table("statement") as batch:
        for column in ("observed_at", "story", "source_domain", "target_country"):
            batch.drop_column(column)
        for column in ("actor_country", "target_id", "actor_id"):
            batch.drop_column(column)
