"""Benchmark: ingestion from fetched feed to stored, scored statements, on SQLite and PostgreSQL.

50 local feeds of 50 items each are served by a threaded HTTP server on loopback (with ETags);
one poll fetches, parses, deduplicates, stores and scores all 2,500 items. A second poll of the
same, unchanged feeds (every answer a 304) is timed too. Each figure is the median of
`repeats` runs on a fresh database (a new SQLite file, a new PostgreSQL schema).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


from sqlmodel import Session, update  # noqa: E402

from service.config import Settings  # noqa: E402
from service.db import scratch_schema  # noqa: E402
from service.ingest import poll_due_feeds, register_feed  # noqa: E402
from service.parse import parse_feed  # noqa: E402
from service.pipeline import score_pending  # noqa: E402
from service.runtime import Runtime, build_runtime  # noqa: E402
from service.store import store_drafts  # noqa: E402
from service.tables import Feed  # noqa: E402
from service.times import utcnow  # noqa: E402

FEEDS = 50
ITEMS = 50
POSTGRES_URL = os.environ.get(
    "REDLINE_BENCH_POSTGRES_URL",
    os.environ.get(
        "REDLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
)

# own words, written for the benchmark
_ACTORS = ["The militia", "The defence ministry", "A rebel commander", "The coalition", "The navy"]
_ACTS = [
    "warned that it would strike the bridges",
    "said talks would resume next week",
    "threatened to close the strait",
    "announced new grain shipments",
    "vowed to retaliate against the convoy",
]
_CONDS = ["if the ceasefire collapses", "unless the troops withdraw", "after the vote", "by Friday"]


def _item(feed: int, n: int) -> str:
    a, b, c = _ACTORS[n % 5], _ACTS[(n // 5) % 5], _CONDS[(n + feed) % 4]
    body = (
        f"{a} {b} {c}, officials in district {feed} said on day {n}. "
        f"Residents of sector {feed * ITEMS + n} reported a quiet night. "
        f"Analysts expect further statements before the weekend."
    )
    return (
        f"<item><title>Report {feed}-{n}: {a} {b}</title><guid>urn:bench:{feed}:{n}</guid>"
        f"<link>http://127.0.0.1/bench/{feed}/{n}</link><description>{body}</description></item>"
    )


def _feed(feed: int) -> bytes:
    items = "".join(_item(feed, n) for n in range(ITEMS))
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {feed}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.bodies.get(self.path)
        if body is None:
            self.send_error(404)
            return
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


class _FeedServer(ThreadingHTTPServer):
    # The default listen backlog of 5 drops SYNs when many fetches start at once, and the
    # client's 1 s SYN retransmit then shows up as a slow poll: a real feed host has a deep one.
    request_queue_size = 128


@contextmanager
def _server() -> Iterator[str]:
    _Handler.bodies = {f"/feed/{n}.xml": _feed(n) for n in range(FEEDS)}
    server = _FeedServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    with scratch_schema(POSTGRES_URL, prefix="redline_bench") as url:
        yield url


def _poll(runtime: Runtime) -> tuple[float, int]:
    t0 = time.perf_counter()
    results = poll_due_feeds(
        runtime.engine,
        fetcher=runtime.fetcher,
        scorer=runtime.scorer,
        policy=runtime.policy,
        options=runtime.ingest,
    )
    return time.perf_counter() - t0, sum(r.new_items for r in results)


@contextmanager
def _runtime(backend: str) -> Iterator[Runtime]:
    with _database(backend) as url, tempfile.TemporaryDirectory() as data:
        settings = Settings(
            database_url=url, data_dir=Path(data), sample_feed=False, scheduler_enabled=False
        )
        runtime = build_runtime(settings)
        try:
            yield runtime
        finally:
            runtime.close()


def _parsed_to_scored(backend: str, base: str) -> float:
    """Items/s from parsed drafts to stored, scored statements (fetch and parse not timed)."""
    parsed = [parse_feed(_Handler.bodies[f"/feed/{n}.xml"])[1] for n in range(FEEDS)]
    with _runtime(backend) as runtime:
        ids = [
            register_feed(runtime.engine, f"{base}/x/{n}", interval_s=300).id for n in range(FEEDS)
        ]
        t0 = time.perf_counter()
        for feed_id, drafts in zip(ids, parsed, strict=True):
            with Session(runtime.engine) as session:
                store_drafts(session, drafts, feed_id=feed_id)
                session.commit()
        report = score_pending(runtime.engine, scorer=runtime.scorer, policy=runtime.policy)
        elapsed = time.perf_counter() - t0
    assert report.scored == FEEDS * ITEMS, report
    return report.scored / elapsed


def _one_run(backend: str, base: str) -> tuple[float, float]:
    """Items/s of a whole first poll (fetch and parse included), then the 304-only poll time."""
    with _runtime(backend) as runtime:
        for n in range(FEEDS):
            register_feed(runtime.engine, f"{base}/feed/{n}.xml", interval_s=300)
        elapsed, stored = _poll(runtime)
        assert stored == FEEDS * ITEMS, stored
        with Session(runtime.engine) as session:
            due = utcnow() - timedelta(seconds=1)
            session.exec(update(Feed).values(next_fetch_at=due))
            session.commit()
        unchanged, again = _poll(runtime)
        assert again == 0
        return stored / elapsed, unchanged


def run_bench(repeats: int = 3) -> dict[str, Any]:
    """Per backend, medians of: items/s from parsed feed to scored statements, items/s of a
    whole first poll (fetch and parse included), and the time of a poll where all answer 304."""
    out: dict[str, Any] = {"feeds": FEEDS, "items_per_feed": ITEMS, "repeats": repeats}
    with _server() as base:
        for backend in ("sqlite", "postgresql"):
            rates = [_parsed_to_scored(backend, base) for _ in range(repeats)]
            polls = [_one_run(backend, base) for _ in range(repeats)]
            out[backend] = {
                "items_per_s": round(statistics.median(rates), 1),
                "poll_items_per_s": round(statistics.median(r[0] for r in polls), 1),
                "poll_unchanged_s": round(statistics.median(r[1] for r in polls), 3),
                "runs_items_per_s": [round(r, 1) for r in rates],
            }
    out["poll_unchanged_s"] = out["postgresql"]["poll_unchanged_s"]
    return out
