"""Risk commands of the CLI: eval- and train-triggers on a pairs file, keys create in a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from scoring.trigger_features import FEATURES
from scoring.triggers import load_model
from service.cli import app
from service.db import make_engine
from service.tables import ApiKey

# own words, written for these tests
PAIRS = [
    ("the army crosses the river", "The army crossed the river at dawn.", 1, "fulfils"),
    (
        "the army crosses the river",
        "The army warned it would cross the river.",
        0,
        "only_threatened",
    ),
    ("the fleet blockades the port", "The fleet blockaded the port on Monday.", 1, "fulfils"),
    ("the fleet blockades the port", "Officials denied the fleet blockaded the port.", 0, "denial"),
]


def test_eval_triggers_prints_precision_recall_f1_and_n(tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    rows = [
        {
            "id": str(i),
            "threat": f"We strike if {c}.",
            "condition": c,
            "report": r,
            "observed": o,
            "kind": k,
        }
        for i, (c, r, o, k) in enumerate(PAIRS)
    ]
    data.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    result = CliRunner().invoke(
        app, ["eval-triggers", "--data", str(data), "--json", "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {"precision", "recall", "f1", "n"} <= set(body)
    assert body["n"] == 4 and body["precision"] == 1.0 and body["recall"] == 1.0


def test_eval_triggers_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval-triggers", "--data", str(tmp_path / "none.jsonl")])
    assert result.exit_code != 0


def test_keys_create_stores_a_hashed_key_and_prints_it_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["keys", "create", "--scope", "admin", "--name", "ops"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["scope"] == "admin" and printed["token"].startswith("rl_")
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            row = session.exec(select(ApiKey)).one()
            assert row.name == "ops" and printed["token"] not in row.key_hash
    finally:
        engine.dispose()
    bad = CliRunner().invoke(app, ["keys", "create", "--scope", "root"])
    assert bad.exit_code != 0


def test_train_triggers_writes_a_model_file(tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    rows = [
        {"threat": f"We strike if {c}.", "condition": c, "report": r, "observed": o, "kind": k}
        for c, r, o, k in PAIRS
    ]
    data.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    out = tmp_path / "trigger_model.json"
    result = CliRunner().invoke(
        app, ["train-triggers", "--data", str(data), "--out", str(out), "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text())
    assert body["features"] == list(FEATURES) and len(body["coef"]) == len(FEATURES)
    assert body["n"] == 4 and body["data"] == "pairs.jsonl" and len(body["data_sha256"]) == 64
    assert load_model(out).threshold == body["threshold"]
