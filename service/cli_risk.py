"""Risk commands of the `redline` CLI: eval-triggers, train-triggers, keys create, bench api."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli_output import DEFAULT_DATA_DIR, DataDirOpt, JsonOpt, echo_result

if TYPE_CHECKING:
    from scoring.trigger_eval import TriggerPair

keys_app = typer.Typer(help="API keys.", no_args_is_help=True)


PairsOption = Annotated[
    Path | None, typer.Option("--data", help="Trigger pairs (.jsonl, LABELS.md schema).")
]


def _read_pairs(path: Path) -> list[TriggerPair]:
    from scoring.trigger_eval import pair_from_json

    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file", param_hint="--data")
    with path.open(encoding="utf-8") as lines:
        return [pair_from_json(json.loads(line)) for line in lines if line.strip()]


def eval_triggers(
    data: PairsOption = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    as_json: JsonOpt = False,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
) -> None:
    """Precision, recall and F1 of trigger_observed on held-out threats (grouped CV)."""
    from scoring.trigger_eval import evaluate_pairs

    pairs = _read_pairs(data or data_dir / "triggers.jsonl")
    result = evaluate_pairs(pairs, folds=folds)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"f1 {result['f1']:.3f}  n={result['n']}  ({result['method']})"
    )


def train_triggers(
    data: PairsOption = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    out: Annotated[
        Path | None, typer.Option("--out", help="Model file (default: the shipped one).")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
) -> None:
    """Fit the trigger classifier on all pairs (C and threshold by grouped CV) and save it."""
    from scoring.trigger_eval import train_model
    from scoring.triggers import MODEL_FILE

    path = data or data_dir / "triggers.jsonl"
    pairs = _read_pairs(path)
    model, about = train_model(pairs, folds=folds)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    body = model.to_json(**about, data=path.name, data_sha256=digest)
    target = out or MODEL_FILE
    target.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {target}: {json.dumps(body)}")


@keys_app.command("create")
def create_key(
    scope: Annotated[str, typer.Option(help="read, label or admin.")] = "read",
    name: Annotated[str, typer.Option(help="Who or what the key is for.")] = "cli",
) -> None:
    """Create an API key in the configured database and print its token once."""
    from sqlmodel import Session

    from service.auth import Scope
    from service.auth import create_key as store_key
    from service.config import Settings
    from service.db import make_engine, upgrade

    if scope not in {s.value for s in Scope}:
        raise typer.BadParameter("read, label or admin", param_hint="--scope")
    engine = make_engine(Settings().database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            row, token = store_key(session, name=name, scope=Scope(scope))
            typer.echo(json.dumps({"id": row.id, "scope": row.scope, "token": token}))
    finally:
        engine.dispose()


def bench_api(
    as_json: JsonOpt = False,
    statements: Annotated[int, typer.Option("--statements", min=1000)] = 1_000_000,
    rate: Annotated[float, typer.Option("--rps", min=1, help="Offered load, req/s.")] = 500.0,
    requests: Annotated[int, typer.Option("--requests", min=100, max=100_000)] = 5000,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="PostgreSQL URL (default: local test).")
    ] = None,
) -> None:
    """Latency of /v1/risk and /v1/statements over N statements in PostgreSQL, one worker."""
    from bench.api import DEFAULT_URL, run_bench

    url = database_url or os.environ.get("REDLINE_BENCH_POSTGRES_URL", DEFAULT_URL)
    result = run_bench(n_statements=statements, rate=rate, requests=requests, database_url=url)
    echo_result(result, as_json)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add eval-triggers, train-triggers, keys and `bench api` to the redline app."""
    app.command("eval-triggers")(eval_triggers)
    app.command("train-triggers")(train_triggers)
    app.add_typer(keys_app, name="keys")
    bench.command("api")(bench_api)
