"""Alert delivery benchmark: statement stored -> webhook received on loopback, and throughput.

Runs on a fresh SQLite file with a stdlib HTTP receiver on 127.0.0.1 and the real worker
(`DeliveryWorker.run`) in a thread; group_wait is 0 so a statement notifies at once.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import statistics
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from service.alerting import AlertPolicy, on_statement_stored
from service.config import Settings
from service.delivery_worker import build_worker
from service.tables import AlertRule, Item, Statement, Subscription, SubscriptionRule

TEXT = "The group said the bridge would be hit if the convoy crossed it."  # own words


class _Receiver(BaseHTTPRequestHandler):
    """Records (statement id, monotonic arrival time) for every alert it gets; answers 200."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do
    arrivals: Queue[tuple[int, float]]
    count: Synchronized[int]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        now = time.monotonic()  # system-wide on Linux, so comparable across processes
        for alert in json.loads(body)["alerts"]:
            self.arrivals.put((int(alert["statement"]["id"]), now))
        with self.count.get_lock():
            self.count.value += 1
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def _serve(conn: Connection, arrivals: Queue[tuple[int, float]], count: Synchronized[int]) -> None:
    _Receiver.arrivals, _Receiver.count = arrivals, count
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    conn.send(server.server_address[1])
    server.serve_forever()


def _setup(engine: Engine, url: str, subscribers: int) -> None:
    with Session(engine) as session:
        rule = AlertRule(
            name="bench",
            kind="statement",
            threshold=0.5,
            group_by=["statement"],
            group_wait_s=0,
            group_interval_s=0,
        )
        session.add(rule)
        session.flush()
        for _ in range(subscribers):
            sub = Subscription(channel="webhook", address=url, secret="whsec_" + "A" * 43)
            session.add(sub)
            session.flush()
            session.add(SubscriptionRule(subscription_id=sub.id or 0, rule_id=rule.id or 0))
        session.commit()


def _store(engine: Engine, policy: AlertPolicy) -> tuple[int, float]:
    """Stores one statement with its alerts; returns its id and when the commit returned."""
    with Session(engine) as session:
        item = Item(key=uuid.uuid4().hex, title="Bench", text=TEXT)
        session.add(item)
        session.flush()
        row = Statement(
            item_id=item.id or 0,
            part="body",
            position=0,
            text=TEXT,
            start=0,
            end=len(TEXT),
            threat=0.9,
            conditional=0.9,
            severity=2,
            escalation=0.8,
            extraction={},
            model_version="bench",
        )
        session.add(row)
        on_statement_stored(session, statement=row, item=item, policy=policy)
        session.commit()
        return row.id or 0, time.monotonic()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_bench(*, statements: int = 200, deliveries: int = 2000) -> dict[str, Any]:
    """p50/p99 (ms) from storing a statement (transaction start; and from its commit) to the
    webhook received, one statement at a time; then deliveries/s draining a backlog."""
    # The receiver runs in its own process, as a real one would: it must not share our GIL.
    ctx = mp.get_context("spawn")
    arrivals: Queue[tuple[int, float]] = ctx.Queue()
    count: Synchronized[int] = ctx.Value("i", 0)
    parent, child = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(child, arrivals, count), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{parent.recv()}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            outbound_allow=["127.0.0.0/8"],
            delivery_batch=256,
            delivery_concurrency=16,
        )
        worker = build_worker(settings)
        try:
            _setup(worker.engine, url, 1)
            latency = _latency(worker, statements, arrivals)
            throughput = _throughput(worker, deliveries, count)
        finally:
            worker.close()
            server.terminate()
            server.join()
    return {
        "latency_ms": {k: round(v, 2) for k, v in latency.items()},
        "deliveries_per_s": round(throughput, 1),
        "statements": statements,
        "deliveries": deliveries,
        "database": "sqlite",
    }


def _latency(worker: Any, n: int, arrivals: Queue[tuple[int, float]]) -> dict[str, float]:
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_s": 0.005})
    thread.start()
    policy, waits, after_commit = AlertPolicy(), [], []
    try:
        for _ in range(n):
            started = time.monotonic()
            (sid, committed), got = _store(worker.engine, policy), -1
            while got != sid:
                got, at = arrivals.get(timeout=10)
            waits.append((at - started) * 1000)
            after_commit.append((at - committed) * 1000)
    finally:
        stop.set()
        thread.join()
    return {
        "p50": statistics.median(waits),
        "p99": _percentile(waits, 99),
        "max": max(waits),
        "after_commit_p50": statistics.median(after_commit),
        "after_commit_p99": _percentile(after_commit, 99),
    }


def _throughput(worker: Any, n: int, count: Synchronized[int]) -> float:
    policy = AlertPolicy()
    for _ in range(n):
        _store(worker.engine, policy)  # queued: no worker runs now
    before = count.value
    started = time.perf_counter()
    while count.value - before < n and time.perf_counter() - started < 120:
        worker.step()
    return (count.value - before) / (time.perf_counter() - started)
