"""Ingestion: feed claims and state, item identities and scoring status, item-feed links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("last_http_status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("link_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("text_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        # Items stored before this revision were scored when they were stored.
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="scored")
        )
        batch.add_column(sa.Column("score_error", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(op.f("uq_item_link_key"), ["link_key"])
        batch.create_unique_constraint(op.f("uq_item_text_hash"), ["text_hash"])
        batch.create_unique_constraint(op.f("uq_item_external_id"), ["external_id"])
        batch.create_index("ix_item_status", ["status"])

    op.create_table(
        "item_feed",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_feed_item_id_item")),
        sa.ForeignKeyConstraint(["feed_id"], ["feed.id"], name=op.f("fk_item_feed_feed_id_feed")),
        sa.PrimaryKeyConstraint("item_id", "feed_id", name=op.f("pk_item_feed")),
    )
    op.create_index("ix_item_feed_feed_id", "item_feed", ["feed_id"])
    # Items stored before this revision keep the feed that first carried them.
    op.execute(
        "INSERT INTO item_feed (item_id, feed_id, seen_at) "
        "SELECT id, feed_id, fetched_at FROM item WHERE feed_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_item_feed_feed_id", table_name="item_feed")
    op.drop_table("item_feed")

    with op.batch_alter_table("item") as batch:
        batch.drop_index("ix_item_status")
        batch.drop_constraint(op.f("uq_item_external_id"), type_="unique")
        batch.drop_constraint(op.f("uq_item_text_hash"), type_="unique")
        batch.drop_constraint(op.f("uq_item_link_key"), type_="unique")
        for name in (
            "updated_at",
            "scored_at",
            "score_error",
            "status",
            "content_hash",
            "external_id",
            "text_hash",
            "link_key",
        ):
            batch.drop_column(name)

    with op.batch_alter_table("feed") as batch:
        for name in ("updated_at", "last_http_status", "last_error", "claimed_until", "claimed_by"):
            batch.drop_column(name)
