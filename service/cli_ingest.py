"""Ingestion commands of the `redline` CLI: rescore, feeds import, bench ingest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from service.cli_output import JsonOpt, echo_result
from service.config import Settings
from service.db import make_engine, upgrade

feeds_app = typer.Typer(help="Feeds.", no_args_is_help=True)


def rescore(
    since: Annotated[
        datetime,
        typer.Option(help="Items stored at or after this date (UTC), e.g. 2026-11-01."),
    ],
) -> None:
    """Score stored items again with the current model; earlier scores stay queryable."""
    from scoring import load_scorer
    from service.rescore import rescore as run

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        scorer = load_scorer(settings.model_path)
        when = since if since.tzinfo else since.replace(tzinfo=UTC)
        report = run(engine, scorer=scorer, since=when)
    finally:
        engine.dispose()
    typer.echo(
        json.dumps(
            {
                "model_version": scorer.version,
                "rescored": report.scored,
                "quarantined": report.quarantined,
            }
        )
    )


def import_file(
    path: Annotated[Path, typer.Argument(help="OPML file, or a text file of one URL a line.")],
    interval_s: Annotated[int, typer.Option(min=5, help="Poll interval of new feeds.")] = 300,
) -> None:
    """Register the feeds of FILE that are not known yet."""
    from service.feeds import import_feeds

    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        counts = import_feeds(engine, path, interval_s=interval_s)
    finally:
        engine.dispose()
    typer.echo(json.dumps(counts))


def bench_ingest(
    as_json: JsonOpt = False,
    repeats: Annotated[int, typer.Option(min=1, help="Runs per database.")] = 3,
) -> None:
    """Benchmark ingestion: 50 local feeds of 50 items to scored statements, and a 304 poll."""
    from bench.ingest import run_bench

    result = run_bench(repeats)
    echo_result(result, as_json)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add `rescore`, `feeds import` and `bench ingest` to the redline app."""
    app.command("rescore")(rescore)
    feeds_app.command("import")(import_file)
    app.add_typer(feeds_app, name="feeds")
    bench.command("ingest")(bench_ingest)
