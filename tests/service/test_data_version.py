"""The data version behind cached responses: it moves with every change a response can show,
and a version read while a writer was in flight is not trusted after that writer ends."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, update
from sqlmodel import Session

from service import response_cache
from service.db import make_engine, scratch_schema, upgrade
from service.response_cache import DataVersion, ResponseCache, VersionGate, read_version
from service.tables import Actor, Item, Statement, ThreatWatch
from service.times import utcnow
from tests.conftest import POSTGRES_URL


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _statement(item_id: int, position: int, **values: object) -> dict[str, object]:
    return {
        "item_id": item_id,
        "part": "body",
        "position": position,
        "text": f"statement {position}",
        "start": 0,
        "end": 11,
        "threat": 0.5,
        "conditional": 0.0,
        "severity": 1,
        "escalation": 0.2,
        "extraction": {},
        "model_version": "test",
        "scored_at": utcnow(),
        "observed_at": utcnow(),
    } | values


def _item(engine: Engine, key: str) -> int:
    with Session(engine) as session:
        item = Item(key=key, title=key, text="")
        session.add(item)
        session.commit()
        assert item.id is not None
        return item.id


def test_the_version_moves_with_new_rescored_and_triggered_statements(engine: Engine) -> None:
    item = _item(engine, "a")
    empty = read_version(engine)
    assert empty.still(read_version(engine))  # nothing changed: still good
    with engine.begin() as conn:
        conn.execute(insert(Statement), [_statement(item, 0), _statement(item, 1)])
    two = read_version(engine)
    assert not empty.still(two)
    with engine.begin() as conn:  # rescoring: the last row replaced (SQLite may reuse its id)
        conn.execute(delete(Statement).where(Statement.position == 1))  # type: ignore[arg-type]
        later = utcnow() + timedelta(seconds=1)
        conn.execute(insert(Statement), [_statement(item, 1, scored_at=later)])
    rescored = read_version(engine)
    assert not two.still(rescored)
    with engine.begin() as conn:
        conn.execute(
            insert(ThreatWatch),
            [{"statement_id": 1, "actors": [], "condition": "if", "opened_at": utcnow()}],
        )
    watched = read_version(engine)
    with engine.begin() as conn:
        conn.execute(update(ThreatWatch).values(status="trigger_observed"))
    assert not watched.still(read_version(engine))


def test_a_late_commit_below_the_largest_id_is_seen() -> None:
    """PostgreSQL: writer A takes a lower id, B a higher one and commits first; a version read
    then must not stay good once A commits, though the largest id does not change."""
    with scratch_schema(POSTGRES_URL, prefix="redline_test") as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            item = _item(engine, "a")
            a, b = engine.connect(), engine.connect()
            ta, tb = a.begin(), b.begin()
            a.execute(insert(Statement), [_statement(item, 0)])
            b.execute(insert(Statement), [_statement(item, 1)])
            tb.commit()
            seen = read_version(engine)
            assert seen.writers  # A is still writing
            assert seen.still(read_version(engine))  # nothing new yet
            ta.commit()
            now = read_version(engine)
            assert now.seen == seen.seen  # the largest id stays B's...
            assert not seen.still(now)  # ...yet A's statement is new
            a.close()
            b.close()
        finally:
            engine.dispose()


def test_writes_elsewhere_keep_entries_good() -> None:
    """PostgreSQL: a transaction that writes no statement or watch drops nothing, running or
    ended (other tables, other schemas, other databases of the server)."""
    with scratch_schema(POSTGRES_URL, prefix="redline_test") as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            seen = read_version(engine)
            with engine.begin() as writer:
                row = {"id": "x", "name": "X", "kind": "group", "created_at": utcnow()}
                writer.execute(insert(Actor), [row])
                assert seen.still(read_version(engine))
            assert seen.still(read_version(engine))
        finally:
            engine.dispose()


def test_the_cache_answers_only_for_the_same_version() -> None:
    cache = ResponseCache(max_entries=2)
    v1 = DataVersion((1, "t", 0), frozenset({"3/7"}))
    cache.put("k", v1, b"one")
    assert cache.get("k", DataVersion((1, "t", 0), frozenset({"3/7", "4/9"}))) == b"one"
    assert cache.get("k", DataVersion((1, "t", 0))) is None  # writer 3/7 ended
    assert cache.get("k", DataVersion((2, "t", 0), frozenset({"3/7"}))) is None  # new row
    cache.put("a", v1, b"a")
    cache.put("b", v1, b"b")  # the oldest entry ("k") goes
    assert cache.get("k", v1) is None and cache.get("b", v1) == b"b"
    assert cache.stats.hits == 2 and cache.stats.misses == 3


def test_round_down_to_the_step() -> None:
    at = datetime(2026, 11, 24, 9, 15, 42, 123456, tzinfo=UTC)
    assert response_cache.round_down(at) == datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    step = timedelta(hours=1)
    assert response_cache.round_down(at, step) == datetime(2026, 11, 24, 9, tzinfo=UTC)


def test_requests_arriving_during_a_version_query_share_the_next_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow_read(engine: Engine) -> DataVersion:
        calls.append(1)
        release.wait(10)
        return DataVersion((len(calls),))

    monkeypatch.setattr(response_cache, "read_version", slow_read)
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")

    async def scenario() -> list[DataVersion]:
        gate = VersionGate(engine)
        first = asyncio.ensure_future(gate.current())
        await asyncio.sleep(0.05)  # let the first query start
        waiting = [asyncio.ensure_future(gate.current()) for _ in range(5)]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(first, *waiting)

    try:
        versions = asyncio.run(scenario())
    finally:
        engine.dispose()
    assert len(calls) == 2  # six requests, two queries
    assert versions[0].seen == (1,)
    assert all(v.seen == (2,) for v in versions[1:])  # a query that started after they came


def test_only_new_statements_since_a_version() -> None:
    old = DataVersion((10, "t1", 2), frozenset({"3/7"}), ordered=True)
    assert old.only_new_statements(DataVersion((12, "t2", 2), frozenset({"3/7"}), True)) == 10
    assert old.only_new_statements(DataVersion((12, "t2", 3), frozenset({"3/7"}), True)) is None
    assert old.only_new_statements(DataVersion((12, "t2", 2), frozenset(), True)) is None
    unordered = DataVersion((10, "t1", 2))  # SQLite
    assert unordered.only_new_statements(DataVersion((12, "t2", 2))) is None
