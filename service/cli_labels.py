"""Label commands of the `redline` CLI: export analysts' labels as labelled data, and
simulate the label queue's rule on the labelled data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from service.cli_output import DEFAULT_DATA_DIR, DataDirOpt, FoldsOpt, JsonOpt, ShuffleSeedOpt

labels_app = typer.Typer(help="Analysts' statement labels.", no_args_is_help=True)


@labels_app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", help="JSON Lines file to write (default: stdout).")
    ] = None,
) -> None:
    """Write every labelled sentence once (its latest label) in the LABELS.md schema, the
    item as its document, for `redline train --data-dir` beside the other labelled files."""
    from sqlmodel import Session

    from service.config import Settings
    from service.db import make_engine, upgrade
    from service.labels import export_jsonl

    engine = make_engine(Settings().database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            lines = list(export_jsonl(session))
    finally:
        engine.dispose()
    if out is None:
        typer.echo("".join(lines), nl=False)
    else:
        out.write_text("".join(lines), encoding="utf-8")
        typer.echo(json.dumps({"wrote": str(out), "sentences": len(lines)}))


@labels_app.command("simulate")
def simulate(
    start: Annotated[
        float, typer.Option("--start", help="Share of each fold's documents labelled at first.")
    ] = 0.25,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Labels added per round.")] = 300,
    rounds: Annotated[int, typer.Option("--rounds", min=1)] = 4,
    folds: FoldsOpt = 5,
    shuffle_seed: ShuffleSeedOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    as_json: JsonOpt = False,
) -> None:
    """The label queue's rule (the least certain first, `scoring.sampling.margin`) against
    labels drawn at random, simulated in CV on the training documents of the labelled data."""
    from scoring.data import load_dir, split
    from scoring.sampling import RULES, sampling_curve

    train, _ = split(load_dir(data_dir))
    try:
        result = sampling_curve(train, start, batch, rounds, folds, shuffle_seed)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"out of fold on {result['n']} training sentences")
    for r in result["rounds"]:
        cells = "; ".join(
            f"{rule}: " + ", ".join(f"{k} {v:.4f}" for k, v in r[rule].items()) for rule in RULES
        )
        typer.echo(f"+{r['added']} labels ({r['fit_sentences']:.0f} fitted): {cells}")


def register(app: typer.Typer) -> None:
    """Add `labels export` and `labels simulate` to the redline app."""
    app.add_typer(labels_app, name="labels")
