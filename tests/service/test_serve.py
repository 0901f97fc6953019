"""README's first command, for real: `redline serve` in its own process on embedded defaults."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_scores_the_sample_feed_within_a_minute(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDLINE_")}
    env["REDLINE_ADMIN_API_KEY"] = "serve-test-admin-key"
    auth = {"Authorization": "Bearer serve-test-admin-key"}
    redline = shutil.which("redline") or str(Path(sys.executable).with_name("redline"))
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [redline, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,  # the default SQLite file goes under ./data here
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    statements: list[dict[str, object]] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not statements:
            time.sleep(0.5)
            try:
                response = httpx.get(
                    f"{base}/v1/statements", params={"min_conditional": 0.5}, headers=auth
                )
            except httpx.TransportError:
                continue
            statements = response.json()["statements"]
        assert statements, "no conditional threat scored within 60 s"
        assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
        assert (tmp_path / "data" / "redline.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    # uvicorn re-raises SIGTERM after a graceful stop, so the exit code alone says little.
    assert "Application shutdown complete" in (tmp_path / "serve.log").read_text()
