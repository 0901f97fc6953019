"""Shared pieces of the `redline` commands: the --json, --data-dir, --folds and
--shuffle-seed options, and the printing of results (indented JSON, or one `key: value` a
line)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

DATA_DIR_ENV = "REDLINE_LABELLED_DATA_DIR"
DEFAULT_DATA_DIR = Path("../shared/data")
DataDirOpt = Annotated[
    Path,
    typer.Option("--data-dir", envvar=DATA_DIR_ENV, help="Folder of labelled data (*.jsonl)."),
]

FoldsOpt = Annotated[int, typer.Option("--folds", min=2, help="Document-grouped CV folds.")]
ShuffleSeedOpt = Annotated[
    int | None, typer.Option("--shuffle-seed", help="Shuffle the document folds.")
]


def echo_result(result: Mapping[str, Any], as_json: bool) -> None:
    """Prints a benchmark's or an evaluation's result."""
    typer.echo(
        json.dumps(result, indent=2)
        if as_json
        else "\n".join(f"{k}: {v}" for k, v in result.items())
    )
