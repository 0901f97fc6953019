"""Alerting: rules, subscriptions, silences, alerts, groups; deliveries per subscription.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alert_rule",
        _id(),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("score_field", sa.String(length=16), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("trend_rise", sa.Float(), nullable=True),
        sa.Column("window_s", sa.Integer(), nullable=False),
        sa.Column("for_s", sa.Float(), nullable=False),
        sa.Column("hysteresis", sa.Float(), nullable=False),
        sa.Column("group_by", sa.JSON(), nullable=False),
        sa.Column("group_wait_s", sa.Float(), nullable=False),
        sa.Column("group_interval_s", sa.Float(), nullable=False),
        sa.Column("repeat_interval_s", sa.Float(), nullable=False),
        _when("created_at", False),
        _when("updated_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rule")),
        sa.UniqueConstraint("name", name=op.f("uq_alert_rule_name")),
    )
    op.create_table(
        "subscription",
        _id(),
        sa.Column("owner", sa.String(length=256), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _when("created_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    op.create_table(
        "subscription_rule",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_subscription_rule_subscription_id_subscription"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rule.id"], name=op.f("fk_subscription_rule_rule_id_alert_rule")
        ),
        sa.PrimaryKeyConstraint("subscription_id", "rule_id", name=op.f("pk_subscription_rule")),
    )
    op.create_index("ix_subscription_rule_rule_id", "subscription_rule", ["rule_id"])
    op.create_table(
        "silence",
        _id(),
        sa.Column("matchers", sa.JSON(), nullable=False),
        _when("starts_at", False),
        _when("ends_at", False),
        sa.Column("author", sa.String(length=256), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _when("created_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_silence")),
    )
    _create_alert_tables()
    _alter_delivery()


def _create_alert_tables() -> None:
    op.create_table(
        "alert",
        _id(),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("dyad", sa.String(length=512), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("group_key", sa.String(length=512), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        _when("starts_at", False),
        _when("ends_at"),
        _when("updated_at", False),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rule.id"], name=op.f("fk_alert_rule_id_alert_rule")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f("fk_alert_statement_id_statement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index("ix_alert_rule_id_fingerprint", "alert", ["rule_id", "fingerprint"])
    op.create_index("ix_alert_status", "alert", ["status"])
    op.create_index("ix_alert_dyad", "alert", ["dyad"])
    op.create_index("ix_alert_statement_id", "alert", ["statement_id"])
    op.create_table(
        "alert_group",
        _id(),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=512), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        _when("first_pending_at"),
        _when("last_notified_at"),
        _when("next_check_at"),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rule.id"], name=op.f("fk_alert_group_rule_id_alert_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_group")),
        sa.UniqueConstraint("rule_id", "group_key", name=op.f("uq_alert_group_rule_id_group_key")),
    )
    op.create_index("ix_alert_group_next_check_at", "alert_group", ["next_check_at"])


def _alter_delivery() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("statement_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("subscription_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.drop_column("target")
        batch.create_index("ix_delivery_subscription_id", ["subscription_id"])


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_index("ix_delivery_subscription_id")
        batch.add_column(
            sa.Column("target", sa.String(length=2048), nullable=False, server_default="")
        )
        batch.drop_column("claimed_until")
        batch.drop_column("claim_token")
        batch.drop_column("rule_id")
        batch.drop_column("subscription_id")
        batch.alter_column("statement_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_alert_group_next_check_at", table_name="alert_group")
    op.drop_table("alert_group")
    for index in ("ix_alert_statement_id", "ix_alert_dyad", "ix_alert_status"):
        op.drop_index(index, table_name="alert")
    op.drop_index("ix_alert_rule_id_fingerprint", table_name="alert")
    op.drop_table("alert")
    op.drop_table("silence")
    op.drop_index("ix_subscription_rule_rule_id", table_name="subscription_rule")
    op.drop_table("subscription_rule")
    op.drop_table("subscription")
    op.drop_table("alert_rule")
