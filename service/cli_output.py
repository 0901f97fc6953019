"""Printing of the `redline` commands' results: indented JSON, or one `key: value` a line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def echo_result(result: Mapping[str, Any], as_json: bool) -> None:
    """Prints a benchmark's or an evaluation's result."""
    typer.echo(
        json.dumps(result, indent=2)
        if as_json
        else "\n".join(f"{k}: {v}" for k, v in result.items())
    )
