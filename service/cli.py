"""The `redline` command line."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer
import uvicorn

from service import cli_alerts, cli_ingest, cli_labels, cli_risk, cli_scoring
from service.config import Settings
from service.db import make_engine, upgrade

app = typer.Typer(help="Redline: conditional threats in the news, scored and alerted on.")
db_app = typer.Typer(help="Database schema.")
app.add_typer(db_app, name="db")
cli_scoring.register(app)


def group(name: str) -> typer.Typer:
    """A sub-command group already added to `app` (e.g. `bench`), for other areas to extend."""
    for info in app.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    raise LookupError(name)


bench_app = group("bench")
cli_alerts.register(app, bench_app)
cli_ingest.register(app, bench_app)
cli_risk.register(app, bench_app)
cli_labels.register(app)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the HTTP API and the scheduler (feeds polled at once, then on their interval)."""
    from service.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # One line per job run every few seconds drowns the lines that matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    uvicorn.run(create_app(Settings()), host=host, port=port, log_level="info")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "heads") -> None:
    """Apply migrations up to REVISION (all heads by default)."""
    settings = Settings()
    upgrade(make_engine(settings.database_url), revision)
    typer.echo(json.dumps({"upgraded_to": revision}))


@app.command()
def poll() -> None:
    """Poll every due feed once, send the alerts, and print what happened."""
    from service.jobs import poll_feeds
    from service.runtime import build_runtime

    runtime = build_runtime(Settings())
    try:
        results = poll_feeds(runtime)
    finally:
        runtime.close()
    typer.echo(
        json.dumps(
            [{"feed_id": r.feed_id, "status": r.status, "new_items": r.new_items} for r in results]
        )
    )
