"""Alerting commands of the `redline` CLI: `deliver` and `bench alerts`."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer

from service.cli_output import JsonOpt, echo_result


def deliver(
    poll_s: Annotated[float, typer.Option(help="Idle wait between rounds, seconds.")] = 0.5,
    once: Annotated[bool, typer.Option(help="One round, then exit.")] = False,
) -> None:
    """Run the delivery worker: notify due alert groups and send the outbox, until stopped."""
    from service.config import Settings
    from service.delivery_worker import build_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    worker = build_worker(Settings())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        if once:
            worker.step()
        else:
            worker.run(stop, poll_s=poll_s)
    finally:
        worker.close()


def bench_alerts(
    as_json: JsonOpt = False,
    statements: Annotated[int, typer.Option(help="Statements for the latency run.")] = 200,
    deliveries: Annotated[int, typer.Option(help="Deliveries for the throughput run.")] = 2000,
) -> None:
    """Statement stored -> webhook received on loopback (p50, p99), and deliveries per second."""
    from bench.alerts import run_bench

    result = run_bench(statements=statements, deliveries=deliveries)
    echo_result(result, as_json)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add `deliver` and `bench alerts` to the redline app."""
    app.command("deliver")(deliver)
    bench.command("alerts")(bench_alerts)
