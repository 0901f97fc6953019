"""Alembic owns the schema: upgrade to head, down to base and back, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

import service.tables  # noqa: F401  (registers the tables)
from service.db import downgrade, make_engine, upgrade

TABLES = {"feed", "item", "statement", "delivery", "delivery_attempt", "alert_rule", "alert"}
TABLES |= {"actor", "actor_alias", "threat_watch", "trigger_link", "api_key"}
TABLES |= {"item_feed", "subscription", "silence", "alert_group"}


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert TABLES | {"alembic_version"} <= set(inspect(engine).get_table_names())
        downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_migrations_match_the_tables(database_url: str) -> None:
    """Every column the code declares exists after the migrations, with its nullability."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        inspector = inspect(engine)
        for table in SQLModel.metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            for column in table.columns:
                assert column.name in columns, f"{table.name}.{column.name} missing"
                assert columns[column.name]["nullable"] == column.nullable, column
    finally:
        engine.dispose()


def test_history_is_one_line() -> None:
    """Parallel branches were merged into one chain: one head, one base."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from service.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1 and len(script.get_bases()) == 1
