"""Analysts' labels over HTTP and their export as labelled data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from scoring.data import files_sha256, labelled_files, load_file
from scoring.sampling import margin
from scoring.train import train_artifact
from service.cli import app
from service.tables import Statement, StatementLabel, StatementLabelEvent
from service.times import utcnow
from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]

# own words, written for these tests
THREAT = "The delta militia warned it will shell the harbour if the convoy sails."
PLAIN = "The delta council opened a harbour museum on Sunday."
LABEL = {
    "threat": 1,
    "conditional": 1,
    "severity": 2,
    "actor": "The delta militia",
    "target": "the harbour",
    "condition": "if the convoy sails",
    "action": "shell the harbour",
}


def _key(client: TestClient, scope: str, name: str) -> dict[str, str]:
    made = client.post("/v1/admin/keys", json={"name": name, "scope": scope})
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def _as_loaded_model(client: TestClient, *ids: int) -> None:
    """Statements stored by the fixtures carry model version "test"; the queue reads only
    the loaded model's statements."""
    version = client.get("/v1/model").json()["model_version"]
    with Session(engine_of(client)) as session:
        session.execute(
            update(Statement).where(col(Statement.id).in_(ids)).values(model_version=version)
        )
        session.commit()


def test_a_label_is_stored_replaced_read_and_removed(client: TestClient) -> None:
    sid = store(engine_of(client), THREAT)
    analyst = _key(client, "label", "analyst-ana")
    put = client.put(f"/v1/statements/{sid}/label", json=LABEL, headers=analyst)
    assert put.status_code == 200, put.text
    body = put.json()
    assert {k: body[k] for k in LABEL} == LABEL
    assert body["statement_id"] == sid and body["labelled_by"] == "analyst-ana"
    # a second reading replaces the first, and names who gave it
    again = {**LABEL, "conditional": 0, "condition": None, "severity": 3}
    assert client.put(f"/v1/statements/{sid}/label", json=again).status_code == 200
    read = client.get(f"/v1/statements/{sid}/label", headers=_key(client, "read", "reader"))
    assert read.status_code == 200
    assert read.json()["severity"] == 3 and read.json()["condition"] is None
    assert read.json()["labelled_by"] == "admin"
    with Session(engine_of(client)) as session:
        assert len(session.exec(select(StatementLabel)).all()) == 1
    assert client.delete(f"/v1/statements/{sid}/label", headers=analyst).status_code == 204
    gone = client.get(f"/v1/statements/{sid}/label")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    # the history keeps every reading and the removal, oldest first, for a read key too
    events = client.get(
        f"/v1/statements/{sid}/label/history", headers=_key(client, "read", "auditor")
    ).json()
    assert [(e["kind"], e["labelled_by"]) for e in events] == [
        ("set", "analyst-ana"),
        ("set", "admin"),
        ("removed", "analyst-ana"),
    ]
    assert {k: events[0][k] for k in LABEL} == LABEL
    assert events[1]["severity"] == 3 and events[2]["threat"] is None
    assert client.delete(f"/v1/statements/{sid}/label").status_code == 404
    assert len(client.get(f"/v1/statements/{sid}/label/history").json()) == 3
    assert client.get("/v1/statements/999999/label/history").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"conditional": 1, "threat": 0, "severity": 0}, 422, "only for a threat"),
        ({"severity": 0}, 422, "severity is 0 exactly when threat is 0"),
        ({"threat": 0, "conditional": 0, "condition": None}, 422, "severity is 0"),
        ({"conditional": 0}, 422, "only on a conditional threat"),
        ({"target": "the airport"}, 422, "target: not written in the text"),
        ({"threat": "1"}, 422, "threat"),
        ({"severity": 4}, 422, "severity"),
        ({"actor": ""}, 422, "actor"),
        ({"mood": "tense"}, 422, "mood"),
    ],
)
def test_a_label_against_the_rules_is_a_problem_and_keeps_the_stored_one(
    client: TestClient, change: dict[str, object], status: int, says: str
) -> None:
    sid = store(engine_of(client), THREAT)
    assert client.put(f"/v1/statements/{sid}/label", json=LABEL).status_code == 200
    bad = client.put(f"/v1/statements/{sid}/label", json={**LABEL, **change})
    assert bad.status_code == status
    assert bad.headers["content-type"] == "application/problem+json"
    assert says in bad.json()["detail"]
    kept = client.get(f"/v1/statements/{sid}/label").json()
    assert {k: kept[k] for k in LABEL} == LABEL
    assert len(client.get(f"/v1/statements/{sid}/label/history").json()) == 1


def test_unknown_statements_and_narrow_keys_are_refused(client: TestClient) -> None:
    sid = store(engine_of(client), THREAT)
    missing = client.put("/v1/statements/999999/label", json=LABEL)
    assert missing.status_code == 404 and "no statement 999999" in missing.json()["detail"]
    assert client.put("/v1/statements/abc/label", json=LABEL).status_code == 422
    reader = _key(client, "read", "reader")
    refused = client.put(f"/v1/statements/{sid}/label", json=LABEL, headers=reader)
    assert refused.status_code == 403 and "label scope" in refused.json()["detail"]
    assert client.get("/v1/labels/queue", headers=reader).status_code == 403
    analyst = _key(client, "label", "analyst")
    # the label scope reads, but does not administer
    assert client.get("/v1/statements", headers=analyst).status_code == 200
    assert client.get("/v1/admin/keys", headers=analyst).status_code == 403
    nobody = {"Authorization": "Bearer rl_nope_nope"}
    assert client.put(f"/v1/statements/{sid}/label", json=LABEL, headers=nobody).status_code == 401
    with Session(engine_of(client)) as session:
        assert session.exec(select(StatementLabel)).all() == []
        assert session.exec(select(StatementLabelEvent)).all() == []


def test_the_queue_puts_the_least_certain_unlabelled_statements_first(
    client: TestClient,
) -> None:
    engine = engine_of(client)
    card = client.get("/v1/model").json()
    cuts = (card["threat_threshold"], card["conditional_threshold"])
    assert all(0.3 <= c <= 0.7 for c in cuts)  # room for the distances below on both sides
    # own words; (P(threat), P(conditional threat)) at chosen distances from the thresholds
    probs = {
        "The river guild repaired the old bridge.": (cuts[0] - 0.3, 0.0),
        "The hill front hinted at a response.": (cuts[0] + 0.04, cuts[1] - 0.3),
        "The hill front spoke of consequences.": (cuts[0] - 0.01, 0.0),
        "The hill front said it would act if the dam opened.": (cuts[0] + 0.25, cuts[1] + 0.02),
        THREAT: (0.99, 0.95),
    }
    ids = {text: store(engine, text, threat=t, conditional=c) for text, (t, c) in probs.items()}
    copy = store(engine, "The hill front spoke of consequences.", threat=cuts[0] - 0.01)
    other_model = store(engine, "The hill front mentioned options.", threat=cuts[0])
    _as_loaded_model(client, copy, *ids.values())
    expected = margin(
        np.array([t for t, _ in probs.values()]), np.array([c for _, c in probs.values()]), *cuts
    )
    order = [list(ids.values())[k] for k in np.argsort(expected, kind="stable")]
    queue = client.get("/v1/labels/queue").json()
    listed = [q["statement_id"] for q in queue]
    assert [i for i in listed if i != copy] == order and other_model not in listed
    assert listed.index(copy) == listed.index(ids["The hill front spoke of consequences."]) + 1
    assert [q["margin"] for q in queue if q["statement_id"] != copy] == pytest.approx(
        sorted(expected)
    )
    # labelling one copy of a sentence takes its other copy (same story) off the queue
    plain = {"threat": 0, "conditional": 0, "severity": 0}
    nearest = ids["The hill front spoke of consequences."]
    assert client.put(f"/v1/statements/{nearest}/label", json=plain).status_code == 200
    queue = client.get("/v1/labels/queue", params={"limit": 2}).json()
    assert [q["statement_id"] for q in queue] == [i for i in order if i != nearest][:2]
    assert client.get("/v1/labels/queue", params={"limit": 0}).status_code == 422
    later = (utcnow() + timedelta(minutes=5)).isoformat()
    assert client.get("/v1/labels/queue", params={"since": later}).json() == []
    earlier = (utcnow() - timedelta(minutes=5)).isoformat()
    assert len(client.get("/v1/labels/queue", params={"since": earlier}).json()) == len(order) - 1


def test_the_queue_shows_the_last_seven_days_unless_asked(client: TestClient) -> None:
    engine = engine_of(client)
    recent = store(engine, "The hill front hinted at a response.")
    old = store(engine, "The hill front spoke of consequences.")
    _as_loaded_model(client, recent, old)
    with Session(engine) as session:
        session.execute(
            update(Statement)
            .where(col(Statement.id) == old)
            .values(scored_at=utcnow() - timedelta(days=8))
        )
        session.commit()
    listed = [q["statement_id"] for q in client.get("/v1/labels/queue").json()]
    assert listed == [recent]
    since = (utcnow() - timedelta(days=9)).isoformat()
    listed = [
        q["statement_id"] for q in client.get("/v1/labels/queue", params={"since": since}).json()
    ]
    assert sorted(listed) == sorted([recent, old])


def test_export_writes_labelled_data_the_trainer_reads(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine = engine_of(client)
    threat = store(engine, THREAT, link="https://news.example/harbour")
    plain = store(engine, PLAIN)
    copy = store(engine, PLAIN)  # the same sentence from another outlet: exported once
    unlabelled = store(engine, "The delta guard held a parade.")
    assert client.put(f"/v1/statements/{threat}/label", json=LABEL).status_code == 200
    nothing = {"threat": 0, "conditional": 0, "severity": 0}
    assert client.put(f"/v1/statements/{plain}/label", json=nothing).status_code == 200
    assert client.put(f"/v1/statements/{copy}/label", json=nothing).status_code == 200
    monkeypatch.setenv("REDLINE_DATABASE_URL", database_url)
    out = tmp_path / "analysts.jsonl"
    result = CliRunner().invoke(app, ["labels", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sentences"] == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in rows} == {f"redline-statement-{copy}", f"redline-statement-{threat}"}
    assert f"redline-statement-{unlabelled}" not in {r["id"] for r in rows}
    examples = {e.text: e for e in load_file(out)}
    assert set(examples) == {THREAT, PLAIN}
    got = examples[THREAT]
    assert (got.threat, got.conditional, got.severity) == (1, 1, 2)
    assert (got.actor, got.target, got.condition, got.action) == (
        LABEL["actor"],
        LABEL["target"],
        LABEL["condition"],
        LABEL["action"],
    )
    source = next(r["source"] for r in rows if r["text"] == THREAT)
    assert source == "https://news.example/harbour"
    printed = CliRunner().invoke(app, ["labels", "export"])
    assert printed.exit_code == 0 and len(printed.output.splitlines()) == 2
    # beside other labelled files, the export is trained on and evaluated with them
    data = tmp_path / "data"
    data.mkdir()
    (data / "own.jsonl").write_text("".join(json.dumps(r) + "\n" for r in _own_rows(16)))
    out.rename(data / "analysts.jsonl")
    card = train_artifact(data, tmp_path / "model")
    assert card.data_sha256 == files_sha256(labelled_files(data))
    counts = card.metrics["split"]
    assert isinstance(counts, dict)
    assert counts["train_sentences"] + counts["test_sentences"] == 2 * 16 + 2


def _own_rows(docs: int) -> list[dict[str, object]]:
    """A threat and a plain sentence per document, in our own words."""
    rows: list[dict[str, object]] = []
    for i in range(docs):
        actor, place = f"The unit {i}", f"depot {i}"
        condition = f"if the patrol nears depot {i}"
        severity, verb = [(1, "fine the owners of"), (2, "strike"), (3, "wage war on")][i % 3]
        threat = f"{actor} warned it will {verb} {place} {condition}."
        rows.append(
            {
                "text": threat,
                "threat": 1,
                "conditional": 1,
                "severity": severity,
                "actor": actor,
                "target": place,
                "condition": condition,
                "action": f"{verb} {place}",
                "source": "own words",
                "doc": f"own-{i}",
            }
        )
        plain = f"{actor} held a market near {place}."
        rows.append(
            {"text": plain, "threat": 0, "conditional": 0, "severity": 0, "source": "own words"}
            | {"doc": f"own-{i}"}
        )
    return rows
