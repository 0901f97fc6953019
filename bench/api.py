"""Benchmark: latency of /v1/risk (one dyad, 7 days) and of one /v1/statements page.

1. N synthetic statements are loaded with COPY into a dedicated PostgreSQL schema (kept and
   reused across runs when it already holds N statements; migrations added since are applied).
2. `uvicorn service.app:create_app --factory` serves that schema: one worker, loopback.
3. A paced generator (32 keep-alive connections, uvloop, httptools) sends a fixed count of
   requests at a fixed rate (bounded load) with a read API key stored in the database.
Dyads are drawn from a skewed (Zipf) distribution, as news is: a few dyads carry most.
Statement pages vary over filters (none, actor, dyad, target, country, severity,
conditional) and pages 1 to 3 (cursors fetched beforehand). Both report the share of
responses the server answered from its cache (`X-Cache: hit`), or kept after checking the
statements stored since (`revalidated`); `risk_while_writing` repeats the
risk run while another connection commits a new statement every second.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httptools
import httpx
import uvloop
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from service.auth import Scope, create_key
from service.db import make_engine, upgrade

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ACTORS = [
    ("hezbollah", "LBN"), ("ISR", "ISR"), ("IRN", "IRN"), ("USA", "USA"), ("houthis", "YEM"),
    ("irgc", "IRN"), ("RUS", "RUS"), ("UKR", "UKR"), ("nato", None), ("hamas", "PSE"),
    ("CHN", "CHN"), ("TWN", "TWN"), ("PRK", "PRK"), ("KOR", "KOR"), ("IND", "IND"),
    ("PAK", "PAK"), ("kataib-hezbollah", "IRQ"), ("IRQ", "IRQ"), ("SYR", "SYR"), ("TUR", "TUR"),
]  # fmt: skip
N_DYADS = 200
SCHEMA_REVISION = "r2"  # bump when the indexes change, so old data is rebuilt
WORKERS = 32  # concurrent connections of the load generator
WRITE_EVERY_S = 1.0  # the writer of the `risk_while_writing` run
STATEMENT_DYADS = 60  # dyads drawn for statement filters (some repeat: Zipf)


def _dyads(rng: random.Random) -> list[tuple[tuple[str, str | None], tuple[str, str | None]]]:
    pairs = [(a, b) for a in ACTORS for b in ACTORS if a != b]
    rng.shuffle(pairs)
    return pairs[:N_DYADS]


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (k + 1) for k in range(n)]


def _schema_url(base: str, schema: str) -> str:
    return f"{base}?options=-csearch_path%3D{schema}"


def _count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM statement")).scalar_one())
    except DBAPIError:  # a missing schema or table means "build it"
        return -1
    finally:
        engine.dispose()


def _copy_rows(url: str, n: int, seed: int) -> None:
    """COPY n statements (4 per item) spread over the last 365 days."""
    rng = random.Random(seed)
    dyads, weights = _dyads(rng), _zipf_weights(N_DYADS)
    now = datetime.now(UTC)
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        n_items = (n + 3) // 4
        with cur.copy(
            "COPY item (id, key, title, text, link, source, published_at, fetched_at) FROM STDIN"
        ) as copy:
            for i in range(1, n_items + 1):
                at = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
                link = f"https://outlet{i % 97}.example/n/{i}"
                copy.write_row((i, f"bench{i}", f"Item {i}", "", link, f"outlet{i % 97}", at, at))
        columns = (
            'id, item_id, part, position, text, start, "end", threat, conditional, severity, '
            "escalation, extraction, model_version, scored_at, actor_id, target_id, "
            "actor_country, target_country, source_domain, story, observed_at"
        )
        with cur.copy(f"COPY statement ({columns}) FROM STDIN") as copy:
            for s in range(1, n + 1):
                copy.write_row(_statement_row(s, rng, dyads, weights, now))
        cur.execute("SELECT setval('item_id_seq', %s)", (n_items,))
        cur.execute("SELECT setval('statement_id_seq', %s)", (n,))
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    _vacuum(url)


def _vacuum(url: str) -> None:
    # VACUUM sets the visibility map, without which no scan is index-only (autovacuum
    # does it in production); it cannot run inside a transaction.
    vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with vacuum.connect() as conn:
            conn.execute(text("VACUUM ANALYZE item"))
            conn.execute(text("VACUUM ANALYZE statement"))
    finally:
        vacuum.dispose()


def _statement_row(
    s: int, rng: random.Random, dyads: list[Any], weights: list[float], now: datetime
) -> tuple[Any, ...]:
    (actor, a_country), (target, t_country) = rng.choices(dyads, weights)[0]
    if rng.random() < 0.4:  # many statements name no known actor
        actor = a_country = target = t_country = None
    threat = rng.random() ** 4  # most sentences are no threat
    severity = 0 if threat < 0.3 else rng.choice((1, 2, 2, 3))
    at = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
    item_id = (s + 3) // 4
    return (
        s, item_id, "body", (s - 1) % 4, f"Synthetic statement {s} by {actor} about {target}.",
        0, 40, threat, threat * rng.random(), severity, threat * severity / 3, "{}", "bench",
        at, actor, target, a_country, t_country, f"outlet{item_id % 97}.example",
        f"story{s // 3}", at,
    )  # fmt: skip


def prepare(base_url: str, n: int, seed: int = 7) -> str:
    """A schema holding exactly n synthetic statements (built once, then reused)."""
    schema = f"redline_bench_api_{n}_{SCHEMA_REVISION}"
    url = _schema_url(base_url, schema)
    if _count(url) == n:
        engine = make_engine(url)
        upgrade(engine)  # indexes added since the data was built (a no-op at head)
        engine.dispose()
        _vacuum(url)
        return url
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    _copy_rows(url, n, seed)
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, REDLINE_DATABASE_URL=url, REDLINE_SCHEDULER_ENABLED="false")
    env |= {"REDLINE_SAMPLE_FEED": "false"}
    cmd = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning"]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the API did not start within 60 s")


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, responses parsed by httptools (uvicorn's parser):
    far less client CPU per request than httpx, so the generator keeps its pace."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[int] | None = None
        self.cache: bytes | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(ConnectionError("closed by the server"))

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"x-cache":
            self.cache = value

    def on_message_complete(self) -> None:
        assert self.done is not None
        self.done.set_result(self.parser.get_status_code())

    async def get(self, request: bytes) -> int:
        assert self.transport is not None
        self.done = asyncio.get_running_loop().create_future()
        self.cache = None
        self.transport.write(request)
        return await self.done


async def _load(port: int, token: str, paths: list[str], rate: float) -> dict[str, Any]:
    """Sends every path at `rate` per second from `WORKERS` connections; latency in ms.

    Request i is due at start + i / rate; a worker sends it when due (or at once if late),
    so the offered load is fixed and bounded. `behind_ms` is how late the last one left:
    near 0 when the server kept up. `achieved_rps` counts completed requests per second.
    """
    loop = asyncio.get_running_loop()
    connections = [
        (await loop.create_connection(_Connection, "127.0.0.1", port))[1] for _ in range(WORKERS)
    ]
    latencies: list[float] = []
    errors = hits = revalidated = 0
    missed: list[float] = []
    lateness = 0.0
    queue = iter(enumerate(paths))
    head = f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    cpu0 = time.process_time()
    start = time.perf_counter() + 0.2

    async def worker(conn: _Connection) -> None:
        nonlocal errors, hits, revalidated, lateness
        for i, path in queue:
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            t0 = time.perf_counter()
            lateness = max(lateness, t0 - due)
            status = await conn.get(f"GET {path} HTTP/1.1\r\n{head}".encode())
            latency = (time.perf_counter() - t0) * 1000
            latencies.append(latency)
            errors += 0 if status == 200 else 1
            hits += conn.cache == b"hit"
            revalidated += conn.cache == b"revalidated"
            if conn.cache == b"miss":
                missed.append(latency)

    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - start
    for conn in connections:
        assert conn.transport is not None
        conn.transport.close()
    cuts = statistics.quantiles(latencies, n=100)
    result: dict[str, Any] = {
        "n": len(paths),
        "errors": errors,
        "offered_rps": rate,
        "rps": round(len(paths) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(max(latencies), 2),
        "behind_ms": round(lateness * 1000, 1),
        "generator_cpu_ms_per_request": round((time.process_time() - cpu0) * 1000 / len(paths), 3),
    }
    answered = hits + revalidated + len(missed)
    if answered:
        result["cache_hit_rate"] = round(hits / answered, 3)
        result["cache_revalidated_rate"] = round(revalidated / answered, 3)
    if len(missed) >= 2:  # what a request the cache cannot answer costs
        result["miss_p50_ms"] = round(statistics.median(missed), 2)
        result["miss_p99_ms"] = round(statistics.quantiles(missed, n=100)[98], 2)
    return result


def _risk_paths(count: int, rng: random.Random) -> list[str]:
    dyads = rng.choices(_dyads(random.Random(7)), _zipf_weights(N_DYADS), k=count)
    return [f"/v1/risk?actor={a[0]}&target={t[0]}&window=7d" for a, t in dyads]


def _statement_filters(rng: random.Random) -> list[str]:
    """Query strings of the filters the bench pages through (dyads and countries Zipf-drawn)."""
    dyads = rng.choices(_dyads(random.Random(7)), _zipf_weights(N_DYADS), k=STATEMENT_DYADS)
    filters = ["", "min_severity=2", "conditional=true"]
    for (actor, a_country), (target, _) in dyads:
        filters += [f"actor={actor}", f"actor={actor}&target={target}", f"target={target}"]
        filters.append(f"country={a_country or 'IRN'}")
    return list(dict.fromkeys(filters))  # each once, in order


def _statement_pages(base: str, token: str, rng: random.Random) -> list[str]:
    """Pages 1 to 3 of each filter, 50 statements each (cursors fetched beforehand)."""
    pages: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for query in _statement_filters(rng):
            path = f"/v1/statements?limit=50&{query}".rstrip("&")
            for _ in range(3):
                pages.append(path)
                cursor = client.get(path).raise_for_status().json()["next_cursor"]
                if cursor is None:
                    break
                path = f"/v1/statements?limit=50&{query}&cursor={cursor}".replace("&&", "&")
    return pages


def _cold(pages: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` requests that are all different (pages of 40 to 79 statements), so none can
    be answered from the cache: the cost of the query itself."""
    sizes = [size for size in range(40, 81) if size != 50]  # 50 is the hot pages
    unique = [p.replace("limit=50", f"limit={size}") for p in pages for size in sizes]
    if len(unique) < count:
        raise ValueError(f"only {len(unique)} distinct statement requests for {count}")
    return rng.sample(unique, count)


@contextmanager
def _writer(url: str, every_s: float) -> Iterator[None]:
    """One statement about a Zipf-drawn dyad committed every `every_s` seconds meanwhile, as
    ingestion does; they are deleted afterwards, so the data stays N rows."""
    stop = threading.Event()
    engine = make_engine(url)
    insert = text(
        'INSERT INTO statement (item_id, part, position, text, start, "end", threat,'
        " conditional, severity, escalation, extraction, model_version, scored_at,"
        " observed_at, actor_id, target_id) VALUES (1, 'written', :n,"
        " 'A statement written meanwhile.', 0, 29, 0.5, 0.1, 1, 0.2, '{}', 'bench-write',"
        " now(), now(), :actor, :target)"
    )
    rng = random.Random(5)
    dyads = _dyads(random.Random(7))

    def write() -> None:
        n = 0
        while not stop.wait(every_s):
            (actor, _), (target, _) = rng.choices(dyads, _zipf_weights(N_DYADS))[0]
            with engine.begin() as conn:
                conn.execute(insert, {"n": n, "actor": actor, "target": target})
            n += 1

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM statement WHERE model_version = 'bench-write'"))
        engine.dispose()


def run_bench(
    n_statements: int = 1_000_000,
    rate: float = 500.0,
    requests: int = 5000,
    database_url: str = DEFAULT_URL,
) -> dict[str, Any]:
    """Builds (or reuses) the data, serves it, and measures both routes at `rate` req/s."""
    t0 = time.perf_counter()
    url = prepare(database_url, n_statements)
    build_s = round(time.perf_counter() - t0, 1)
    engine = make_engine(url)
    with Session(engine) as session:
        _, token = create_key(session, name="bench", scope=Scope.READ)
    engine.dispose()
    port = _free_port()
    server = _serve(url, port)
    rng = random.Random(11)
    result: dict[str, Any] = {"n_statements": n_statements, "target_rps": rate, "build_s": build_s}
    try:
        base = f"http://127.0.0.1:{port}"
        warm = _risk_paths(200, rng)
        uvloop.run(_load(port, token, warm, rate / 2))  # warm-up
        result["risk"] = uvloop.run(_load(port, token, _risk_paths(requests, rng), rate))
        with _writer(url, WRITE_EVERY_S):
            paths = _risk_paths(requests, rng)
            result["risk_while_writing"] = uvloop.run(_load(port, token, paths, rate))
        pages = _statement_pages(base, token, rng)
        paths = rng.choices(pages, k=requests + 200)
        uvloop.run(_load(port, token, paths[:200], rate / 2))  # warm-up
        result["statements"] = uvloop.run(_load(port, token, paths[200:], rate))
        cold = _cold(pages, requests, rng)
        result["statements_uncached"] = uvloop.run(_load(port, token, cold, rate))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result
