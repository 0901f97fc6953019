"""Delivery with real processes: `redline deliver` against a receiver that is down, then up;
and `kill -9` mid-delivery, then a restart: nothing lost, only what was in flight sent again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from werkzeug import Request, Response

from service.db import make_engine, upgrade
from service.tables import AlertRule, Delivery, Subscription, SubscriptionRule
from tests.service.alerting_helpers import store

DEADLINE_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def _queue(engine: Engine, url: str, n: int) -> set[str]:
    """A rule notifying each statement at once, a webhook subscription, n statements fired."""
    with Session(engine) as session:
        rule = AlertRule(
            name="r",
            kind="statement",
            threshold=0.5,
            group_by=["statement"],
            group_wait_s=0,
            group_interval_s=0,
        )
        sub = Subscription(channel="webhook", address=url)
        session.add_all([rule, sub])
        session.flush()
        assert rule.id is not None and sub.id is not None
        session.add(SubscriptionRule(subscription_id=sub.id, rule_id=rule.id))
        session.commit()
    for _ in range(n):
        store(engine)
    with Session(engine) as session:
        return set(session.exec(select(Delivery.idempotency_key)).all())


def _worker(database_url: str, tmp_path: Path, name: str, **env: str) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("REDLINE_")}
    base |= {
        "REDLINE_DATABASE_URL": database_url,
        "REDLINE_OUTBOUND_ALLOW": '["127.0.0.0/8"]',
        "REDLINE_DELIVERY_BACKOFF_S": "0.1",
        "REDLINE_DELIVERY_BACKOFF_MAX_S": "0.4",
        "REDLINE_DELIVERY_MAX_ATTEMPTS": "100",
        "REDLINE_DELIVERY_TIMEOUT_S": "5",
        **env,
    }
    redline = shutil.which("redline") or str(Path(sys.executable).with_name("redline"))
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [redline, "deliver", "--poll-s", "0.05"],
        cwd=tmp_path,
        env=base,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(what: Callable[[], bool], message: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not what():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def _statuses(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.exec(select(Delivery.idempotency_key, Delivery.status)).all()
    return dict(rows)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_a_receiver_down_for_a_while_then_up_gets_every_alert(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    keys = _queue(engine, f"http://127.0.0.1:{port}/hook", 15)
    worker = _worker(database_url, tmp_path, "worker")
    receiver = HTTPServer(host="127.0.0.1", port=port)
    try:

        def retried() -> bool:
            with Session(engine) as session:
                rows = session.exec(select(Delivery).where(col(Delivery.attempts) >= 2)).all()
            return len(rows) == len(keys)

        _wait(retried, "the worker did not retry while the receiver was down")
        receiver.expect_request("/hook").respond_with_data("ok")
        receiver.start()
        _wait(lambda: set(_statuses(engine).values()) == {"sent"}, "not all delivered")
    finally:
        _stop(worker)
        if receiver.is_running():
            receiver.stop()
    got = [r.headers["webhook-id"] for r, _ in receiver.log]
    assert set(got) == keys and len(got) == len(keys)


def test_kill_9_mid_delivery_loses_nothing_and_resends_only_what_was_in_flight(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    received: list[tuple[str, bytes]] = []
    lock = threading.Lock()

    def slow(request: Request) -> Response:
        with lock:
            received.append((request.headers["webhook-id"], request.get_data()))
        time.sleep(0.3)
        return Response("ok")

    receiver = HTTPServer(host="127.0.0.1", port=_free_port(), threaded=True)
    receiver.expect_request("/hook").respond_with_handler(slow)
    receiver.start()
    keys = _queue(engine, receiver.url_for("/hook"), 24)
    small = {
        "REDLINE_DELIVERY_BATCH": "4",
        "REDLINE_DELIVERY_CONCURRENCY": "4",
        "REDLINE_DELIVERY_LEASE_S": "1.5",
    }
    first = _worker(database_url, tmp_path, "first", **small)
    try:
        _wait(lambda: len(received) >= 10, "the first worker sent too little")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = {k for k, s in _statuses(engine).items() if s == "sending"}
        sent_before = {k for k, s in _statuses(engine).items() if s == "sent"}
        second = _worker(database_url, tmp_path, "second", **small)
        try:
            _wait(lambda: set(_statuses(engine).values()) == {"sent"}, "not all delivered")
        finally:
            _stop(second)
    finally:
        _stop(first)
        receiver.stop()
    ids = [k for k, _ in received]
    twice = {k for k in ids if ids.count(k) > 1}
    assert set(ids) == keys  # nothing lost
    assert in_flight and sent_before and twice <= in_flight  # only in-flight ones again
    bodies = {k: {json.loads(b)["notification_id"] for kk, b in received if kk == k} for k in twice}
    assert all(len(v) == 1 for v in bodies.values())  # the very same message, same webhook-id
