"""The scoring commands of the redline CLI, on a private Typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from service.cli_scoring import register

app = typer.Typer()
register(app)
runner = CliRunner()


def test_score_prints_one_json_object_per_sentence() -> None:
    # own words, after a real pattern
    text = (
        "The talks ended without a deal. If the army enters the valley, our fighters will "
        "treat its bases as legitimate targets, the commander warned."
    )
    result = runner.invoke(app, ["score", text])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2
    assert rows[0]["severity"] == 0 and rows[1]["severity"] == 2
    assert text[rows[1]["start"] : rows[1]["end"]] == rows[1]["text"]
    assert rows[1]["condition"]["text"].startswith("If the army enters the valley")


def test_eval_on_missing_data_fails_cleanly(tmp_path: object) -> None:
    result = runner.invoke(app, ["eval", "--data", "/nonexistent/file.jsonl", "--json"])
    assert result.exit_code != 0


def test_commands_are_registered() -> None:
    result = runner.invoke(app, ["--help"])
    for name in ("score", "train", "eval", "bench"):
        assert name in result.output
