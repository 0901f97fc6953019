"""Read responses remembered per process, and the data version that says when they go stale.

A risk response depends on the subject, the window, its end and the parameters, and on the
stored data; a statement page on its filters, size and cursor, and on the stored data. The
cache keys on the query (the risk API rounds a default end down to `END_STEP`, so requests
within one step share it) and checks the data with one cheap query, `data_version`, shared
by the requests that arrive while it runs (`VersionGate`):

The version is the largest statement id (a new statement, or a rescored one, which is
written anew, takes an id above it), the latest `scored_at` (SQLite may reuse the id of a
deleted last row) and the number of watches whose trigger was observed (the trigger boost
changes a statement's weight). So any new statement drops every entry, whatever its subject.

On PostgreSQL two writers can commit out of order: one that took a lower id may commit after
the largest id was read. The version therefore also holds the transactions writing to
`statement` or `threat_watch` at that moment (their `RowExclusiveLock` in `pg_locks`), and
an entry is reused only while all of them are still running. A writer that commits in the
instant between the version query's snapshot and its lock read, with an id below the largest
seen, is missed until the next statement arrives or, for a default risk end, the next
minute. (SQLite has one writer at a time, so there a new statement's id is the largest.)

Not seen on either: deleted statements (a transaction that only deletes, or rescoring
that moves an item's statements to another subject, which `cached_json`'s check of the new
rows does not catch), and an item's new title until the item is rescored (the pipeline
does that next).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, Engine, text

logger = logging.getLogger(__name__)

END_STEP = timedelta(seconds=60)
MAX_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class DataVersion:
    """What the stored data looked like when a response was computed, and (PostgreSQL) which
    transactions were writing statements or watches then."""

    seen: tuple[object, ...]
    writers: frozenset[str] = frozenset()
    ordered: bool = False  # PostgreSQL: a statement committed since has an id above seen[0]

    def still(self, current: DataVersion) -> bool:
        """True when nothing an entry computed at `self` read can differ at `current`."""
        return self.seen == current.seen and self.writers <= current.writers

    def only_new_statements(self, current: DataVersion) -> int | None:
        """The largest id `self` saw, when all that changed since are statements with larger
        ids (no trigger observed, no writer of `self`'s time ended); else None."""
        if not (self.ordered and current.ordered and self.writers <= current.writers):
            return None
        largest, latest = self.seen[0], current.seen[0]
        if not isinstance(largest, int) or not isinstance(latest, int) or latest < largest:
            return None
        return largest if self.seen[2] == current.seen[2] else None


# Plain SQL: this runs for every cached request, so it skips building an expression.
_VERSION = {
    "postgresql": text(
        "SELECT (SELECT max(id) FROM statement), (SELECT max(scored_at) FROM statement),"
        " (SELECT count(*) FROM threat_watch WHERE status = 'trigger_observed'),"
        " (SELECT string_agg(DISTINCT virtualtransaction, ',') FROM pg_locks"
        " WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND relation IN ('statement'::regclass, 'threat_watch'::regclass)"
        " AND mode = 'RowExclusiveLock')"
    ),
    "sqlite": text(
        "SELECT (SELECT max(id) FROM statement), (SELECT max(scored_at) FROM statement),"
        " (SELECT count(*) FROM threat_watch WHERE status = 'trigger_observed')"
    ),
}


def data_version(connection: Connection) -> DataVersion:
    """The data version now (one round trip)."""
    row = connection.execute(_VERSION[connection.dialect.name]).one()
    if connection.dialect.name == "postgresql":
        writers = frozenset((row[3] or "").split(",")) - {""}
        return DataVersion(tuple(row[:3]), writers, ordered=True)
    return DataVersion(tuple(row))


def read_version(engine: Engine) -> DataVersion:
    with engine.connect() as connection:
        return data_version(connection)


def round_down(at: datetime, step: timedelta = END_STEP) -> datetime:
    """`at` rounded down to a whole `step` since the epoch (same zone)."""
    epoch = datetime(1970, 1, 1, tzinfo=at.tzinfo)
    return at - (at - epoch) % step


class VersionGate:
    """Data versions for concurrent requests, one query in flight at a time.

    A request may use a version read by a query that started after it arrived (that query
    sees every commit the request could expect). Requests that arrive while a query runs
    wait for the next one, which starts when the running one ends: under load one query
    serves many requests, and none waits for more than two round trips.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._running: asyncio.Future[DataVersion] | None = None
        self._next: asyncio.Future[DataVersion] | None = None

    async def current(self) -> DataVersion:
        if self._running is None:
            self._running = self._start()
            return await asyncio.shield(self._running)
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        return await asyncio.shield(self._next)

    def _start(self) -> asyncio.Future[DataVersion]:
        task = asyncio.ensure_future(run_in_threadpool(read_version, self._engine))
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Future[DataVersion]) -> None:
        self._running, waiting, self._next = None, self._next, None
        if waiting is None:
            return
        self._running = self._start()

        def relay(done: asyncio.Future[DataVersion]) -> None:
            if done.cancelled():
                waiting.cancel()
            elif (error := done.exception()) is not None:
                waiting.set_exception(error)
            else:
                waiting.set_result(done.result())

        self._running.add_done_callback(relay)


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, VersionGate]]
_gates = weakref.WeakKeyDictionary()


def gate(engine: Engine) -> VersionGate:
    """The version gate of `engine` in the running event loop."""
    per_loop = _gates.setdefault(asyncio.get_running_loop(), {})
    key = str(engine.url)
    if key not in per_loop:
        per_loop[key] = VersionGate(engine)
    return per_loop[key]


@dataclass(slots=True)
class CacheStats:
    hits: int = 0
    misses: int = 0


class ResponseCache:
    """A bounded LRU map from a key to (data version, response bytes); thread-safe."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[DataVersion, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self.stats = CacheStats()

    def get(self, key: Hashable, version: DataVersion) -> bytes | None:
        """The bytes stored under `key` if nothing they were computed from changed since."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0].still(version):
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return found[1]
            self.stats.misses += 1
            return None

    def entry(self, key: Hashable) -> tuple[DataVersion, bytes] | None:
        """What is stored under `key`, good or not (without counting it)."""
        with self._lock:
            return self._entries.get(key)

    def fresh(self, key: Hashable, version: DataVersion) -> bool:
        """Whether `get` would answer (without counting it)."""
        with self._lock:
            found = self._entries.get(key)
            return found is not None and found[0].still(version)

    def put(self, key: Hashable, version: DataVersion, body: bytes) -> None:
        """Stores `body`, computed after `version` was read (so it is at least that new)."""
        with self._lock:
            self._entries[key] = (version, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


Unchanged = Callable[[Connection, int], bool]


def _unchanged(engine: Engine, check: Unchanged, after_id: int) -> bool:
    with engine.connect() as connection:
        return check(connection, after_id)


async def cached_json(
    cache: ResponseCache,
    engine: Engine,
    key: Hashable,
    compute: Callable[[], bytes],
    unchanged: Unchanged | None = None,
) -> Response:
    """A JSON response from `cache`, or from `compute()` (run in the threadpool) on a miss;
    the `X-Cache` header says which. A hit costs no thread hop.

    When all that changed since an entry was stored are new statements, `unchanged(
    connection, after_id)` may tell that none with a larger id than `after_id` touches this
    response (one indexed query, far cheaper than `compute`): the entry is then kept
    (`X-Cache: revalidated`).
    """
    full = (str(engine.url), key)
    version = await gate(engine).current()
    body = cache.get(full, version)
    how = "hit"
    if body is None:
        stored = cache.entry(full)
        after = stored[0].only_new_statements(version) if stored is not None else None
        if (
            stored is not None
            and after is not None
            and unchanged is not None
            and await run_in_threadpool(_unchanged, engine, unchanged, after)
        ):
            body, how = stored[1], "revalidated"
        if body is None:
            body, how = await run_in_threadpool(compute), "miss"
        cache.put(full, version, body)
    return Response(body, media_type="application/json", headers={"X-Cache": how})


class Ahead:
    """Answers computed before they are asked for, one at a time, in the background.

    Risk with a default end moves to a new end every `END_STEP`; computing the next end's
    answer in the last seconds of a step spreads that work out instead of making every
    subject miss at once when the step turns. It is stored under the data version read
    before computing, like any other entry, so a change after that still drops it.
    """

    def __init__(self) -> None:
        self._pending: set[Hashable] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Semaphore(1)

    def prepare(
        self, cache: ResponseCache, engine: Engine, key: Hashable, compute: Callable[[], bytes]
    ) -> None:
        full = (str(engine.url), key)
        if full in self._pending:
            return
        self._pending.add(full)
        task = asyncio.ensure_future(self._run(cache, engine, full, compute))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, cache: ResponseCache, engine: Engine, full: Hashable, compute: Callable[[], bytes]
    ) -> None:
        try:
            async with self._one_at_a_time:
                version = await gate(engine).current()
                if not cache.fresh(full, version):
                    cache.put(full, version, await run_in_threadpool(compute))
        except Exception as exc:  # the request that needs it will compute it instead
            logger.warning("preparing a response ahead failed: %s", exc)
        finally:
            self._pending.discard(full)

    async def idle(self) -> None:
        """Waits until nothing is being prepared (for tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


_aheads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Ahead]
_aheads = weakref.WeakKeyDictionary()


def ahead() -> Ahead:
    """The background preparer of the running event loop."""
    loop = asyncio.get_running_loop()
    if loop not in _aheads:
        _aheads[loop] = Ahead()
    return _aheads[loop]
