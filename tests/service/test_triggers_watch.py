"""The trigger watch: a conditional threat's condition, a later report, the link, the risk."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.tables import ThreatWatch, TriggerLink
from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]

# own words, written for these tests
THREAT = (
    "Hezbollah warned that Israel would face a war without limits if Israeli jets "
    "bombed Beirut's southern suburbs."
)
CONDITION = "if Israeli jets bombed Beirut's southern suburbs"
FULFILS = "Israeli jets bombed Beirut's southern suburbs overnight, witnesses said."
ONLY_THREATENED = "Israel warned it could bomb Beirut's southern suburbs within days."
DENIAL = "Israel denied that its jets had bombed Beirut's southern suburbs."


def _threat(client: TestClient) -> int:
    sid = store(
        engine_of(client),
        THREAT,
        actor="Hezbollah",
        target="Israel",
        condition=CONDITION,
        conditional=0.95,
        severity=3,
        hours_ago=10,
    )
    with Session(engine_of(client)) as session:
        watch = session.exec(select(ThreatWatch).where(ThreatWatch.statement_id == sid)).one()
        assert watch.id is not None
        return watch.id


def test_a_conditional_threat_opens_a_watch(client: TestClient) -> None:
    threat_id = _threat(client)
    body = client.get(f"/v1/threats/{threat_id}").json()
    assert body["condition"] == CONDITION and body["status"] == "open"
    assert body["actor_id"] == "hezbollah" and body["target_id"] == "ISR"
    assert {"hezbollah", "ISR", "LBN"} <= set(body["actors"]) and body["linked"] == []


def test_a_report_of_the_condition_marks_the_threat_and_raises_the_dyad_risk(
    client: TestClient,
) -> None:
    threat_id = _threat(client)
    before = client.get("/v1/risk", params={"actor": "hezbollah", "target": "ISR"}).json()
    report_id = store(
        engine_of(client), FULFILS, actor="Israeli jets", threat=0.05, severity=0, hours_ago=1
    )
    body = client.get(f"/v1/threats/{threat_id}").json()
    assert body["status"] == "trigger_observed" and body["observed_at"]
    assert [link["statement_id"] for link in body["linked"]] == [report_id]
    assert any("shared actors" in r for r in body["linked"][0]["reasons"])
    after = client.get("/v1/risk", params={"actor": "hezbollah", "target": "ISR"}).json()
    assert after["score"] > before["score"]
    assert any("trigger was observed" in r for r in after["top"][0]["reasons"])
    assert after["top"][0]["threat_id"] == threat_id


def test_threats_warnings_and_denials_do_not_trip_the_watch(client: TestClient) -> None:
    threat_id = _threat(client)
    for text in (ONLY_THREATENED, DENIAL, "Grain prices in Beirut rose again this week."):
        store(engine_of(client), text, threat=0.3, hours_ago=1)
    assert client.get(f"/v1/threats/{threat_id}").json()["status"] == "open"
    with Session(engine_of(client)) as session:
        assert session.exec(select(TriggerLink)).all() == []


def test_a_report_older_than_the_threat_does_not_fulfil_it(client: TestClient) -> None:
    threat_id = _threat(client)  # said 10 hours ago
    store(engine_of(client), FULFILS, threat=0.05, hours_ago=20)
    assert client.get(f"/v1/threats/{threat_id}").json()["status"] == "open"


def test_unknown_threat_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/threats/424242")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/threats/abc").status_code == 422
