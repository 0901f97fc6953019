"""Two real `redline serve` processes on one database: no feed fetched or item scored twice."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import cast

import httpx
from sqlmodel import Session, col, func, select
from werkzeug import Request, Response

from service.db import make_engine, upgrade
from service.ingest import register_feed
from service.tables import Item, Statement
from tests.service.feedkit import CALM, Entry, rss2, threaded_server

FEEDS = 30
ITEMS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _slow_feed(request: Request) -> Response:
    time.sleep(0.5)  # long enough that both replicas are polling at the same time
    n = int(request.path.rsplit("/", 1)[1])
    entries = [
        Entry(f"Story {n}-{i}", f"{CALM} Item {i} of feed {n}.", f"r{n}-{i}") for i in range(ITEMS)
    ]
    return Response(rss2(entries), content_type="application/rss+xml")


def _expand(ranges: str) -> list[int]:
    ids: list[int] = []
    for part in ranges.split(","):
        first, _, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    redline = shutil.which("redline") or str(Path(sys.executable).with_name("redline"))
    return subprocess.Popen(
        [redline, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_healthy(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("replica did not come up")


def test_two_replicas_share_the_work_without_doing_any_twice(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)  # once, before the replicas start
    base = {k: v for k, v in os.environ.items() if not k.startswith("REDLINE_")}
    env = base | {
        "REDLINE_DATABASE_URL": database_url,
        "REDLINE_DATA_DIR": str(tmp_path),
        "REDLINE_SAMPLE_FEED": "false",
        "REDLINE_POLL_INTERVAL_S": "5",
        "REDLINE_FETCH_CONCURRENCY": "2",
    }
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    ports = [_free_port(), _free_port()]
    with threaded_server() as server:
        server.expect_request(re.compile(r"/feed/\d+")).respond_with_handler(_slow_feed)
        replicas = [_start(p, env, log) for p, log in zip(ports, logs, strict=True)]
        try:
            deadline = time.monotonic() + 90
            for port in ports:
                _wait_healthy(port, deadline)
            for n in range(FEEDS):
                register_feed(engine, server.url_for(f"/feed/{n}"), interval_s=3600)
            scored = 0
            while time.monotonic() < deadline and scored < FEEDS * ITEMS:
                time.sleep(0.5)
                with Session(engine) as session:
                    scored = session.exec(
                        select(func.count()).select_from(Item).where(Item.status == "scored")
                    ).one()
            assert scored == FEEDS * ITEMS, f"only {scored} items scored in time"
            time.sleep(6)  # one more poll interval: nothing is fetched again
        finally:
            for process in replicas:
                process.terminate()
            for process in replicas:
                process.wait(timeout=20)
        fetches = Counter(request.path for request, _ in server.log)

    assert fetches == Counter({f"/feed/{n}": 1 for n in range(FEEDS)})
    texts = [log.read_text() for log in logs]
    polled = [set(re.findall(r"feed (\d+) polled", text)) for text in texts]
    assert polled[0] and polled[1] and not polled[0] & polled[1]  # shared out, none twice
    scored_by = [
        [i for m in re.findall(r"scored items ([\d,-]+)", t) for i in _expand(m)] for t in texts
    ]
    all_scored = scored_by[0] + scored_by[1]
    with Session(engine) as session:
        item_ids = cast("list[int]", session.exec(select(Item.id)).all())  # stored rows' ids
        statements = session.exec(
            select(Statement.item_id, Statement.part, Statement.position)
        ).all()
        per_item = session.exec(
            select(Statement.item_id).distinct().order_by(col(Statement.item_id))
        ).all()
    engine.dispose()
    assert sorted(all_scored) == sorted(item_ids)  # every item scored once, by one replica
    assert len(statements) == len(set(statements)) and list(per_item) == sorted(item_ids)
    assert not any("Traceback" in t or "IntegrityError" in t for t in texts)
