"""Rules, previews, subscriptions and silences through the real app, on both databases."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook
from werkzeug import Request, Response

from service.app import create_app
from service.jobs import deliver_alerts
from service.tables import Alert, Delivery
from service.times import utcnow
from tests.service.alerting_helpers import store
from tests.service.helpers import ADMIN_HEADERS, make_settings, runtime_of

RULE: dict[str, Any] = {"name": "ports", "threshold": 0.7, "group_wait_s": 0}


def _engine(client: TestClient) -> Engine:
    return runtime_of(client).engine


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def _subscribe(client: TestClient, url: str, rule_id: int) -> dict[str, Any]:
    response = client.post(
        "/v1/subscriptions", json={"channel": "webhook", "address": url, "rule_ids": [rule_id]}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_rules_crud_with_patch(client: TestClient) -> None:
    created = client.post("/v1/admin/rules", json=RULE)
    assert created.status_code == 201
    rule = created.json()
    assert rule["kind"] == "statement" and rule["group_by"] == ["dyad"]
    assert client.get("/v1/admin/rules").json()["rules"] == [rule]
    patched = client.patch(f"/v1/admin/rules/{rule['id']}", json={"threshold": 0.9})
    assert patched.json()["threshold"] == 0.9 and patched.json()["name"] == "ports"
    assert client.get(f"/v1/admin/rules/{rule['id']}").json()["threshold"] == 0.9
    assert client.delete(f"/v1/admin/rules/{rule['id']}").status_code == 204
    _problem(client.get(f"/v1/admin/rules/{rule['id']}"), 404)


@pytest.mark.parametrize(
    "body",
    [
        {**RULE, "threshold": 1.5},
        {**RULE, "threshold": -0.1},
        {**RULE, "score_field": "mood"},
        {**RULE, "kind": "vibes"},
        {**RULE, "thresold": 0.5},
        {**RULE, "filters": {"min_severity": 7}},
        {**RULE, "group_by": ["colour"]},
        {**RULE, "threshold": "high"},
    ],
)
def test_bad_rules_get_a_clear_422_and_nothing_is_stored(
    client: TestClient, body: dict[str, Any]
) -> None:
    problem = _problem(client.post("/v1/admin/rules", json=body), 422)
    assert problem["errors"]
    assert client.get("/v1/admin/rules").json()["rules"] == []


def test_patch_refuses_bad_values_and_duplicate_names(client: TestClient) -> None:
    rule = client.post("/v1/admin/rules", json=RULE).json()
    client.post("/v1/admin/rules", json={**RULE, "name": "other"})
    _problem(client.patch(f"/v1/admin/rules/{rule['id']}", json={"threshold": 2}), 422)
    _problem(client.patch(f"/v1/admin/rules/{rule['id']}", json={"threshold": None}), 422)
    _problem(client.patch(f"/v1/admin/rules/{rule['id']}", json={"name": "other"}), 409)
    _problem(client.patch("/v1/admin/rules/999", json={"threshold": 0.5}), 404)
    assert client.get(f"/v1/admin/rules/{rule['id']}").json()["threshold"] == 0.7


def test_a_changed_threshold_applies_to_the_next_statement(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    rule = client.post("/v1/admin/rules", json={**RULE, "threshold": 0.95}).json()
    _subscribe(client, httpserver.url_for("/hook"), rule["id"])
    store(_engine(client), escalation=0.8)
    deliver_alerts(runtime_of(client))
    assert not httpserver.log
    client.patch(f"/v1/admin/rules/{rule['id']}", json={"threshold": 0.75})
    store(_engine(client), escalation=0.8)
    deliver_alerts(runtime_of(client))
    assert len(httpserver.log) == 1


def test_preview_counts_what_a_rule_would_have_fired(client: TestClient) -> None:
    engine = _engine(client)
    for escalation, actor in [(0.9, "a"), (0.8, "a"), (0.6, "b"), (0.95, "c")]:
        store(engine, escalation=escalation, actor=actor, age=timedelta(hours=1))
    store(engine, escalation=0.99, age=timedelta(days=30))  # outside the window
    body = {"rule": RULE, "window_s": 86_400, "examples": 2}
    preview = client.post("/v1/admin/rules/preview", json=body).json()
    assert (preview["statements"], preview["alerts"], preview["groups"]) == (4, 3, 2)
    assert len(preview["examples"]) == 2 and preview["examples"][0]["score"] == 0.9
    rule = client.post("/v1/admin/rules", json=RULE).json()
    changed = {"rule_id": rule["id"], "changes": {"threshold": 0.85}, "window_s": 86_400}
    assert client.post("/v1/admin/rules/preview", json=changed).json()["alerts"] == 2
    assert client.get("/v1/admin/rules").json()["rules"][0]["threshold"] == 0.7  # not saved
    _problem(client.post("/v1/admin/rules/preview", json={"window_s": 5}), 422)
    risk = {"rule": {**RULE, "kind": "risk"}}
    _problem(client.post("/v1/admin/rules/preview", json=risk), 422)


def test_subscription_secret_is_shown_once_and_signs_the_test_send(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook/secret-path").respond_with_data("ok")
    rule = client.post("/v1/admin/rules", json=RULE).json()
    sub = _subscribe(client, httpserver.url_for("/hook/secret-path"), rule["id"])
    assert sub["secret"].startswith("whsec_") and "secret-path" not in sub["address"]
    listed = client.get("/v1/subscriptions").json()["subscriptions"]
    assert "secret" not in listed[0] and "secret-path" not in json.dumps(listed)
    result = client.post(f"/v1/subscriptions/{sub['id']}/test").json()
    assert result["outcome"] == "sent"
    ((request, _),) = httpserver.log
    body = Webhook(sub["secret"]).verify(request.get_data(), dict(request.headers))
    assert body["test"] is True
    assert client.delete(f"/v1/subscriptions/{sub['id']}").status_code == 204
    _problem(client.get(f"/v1/subscriptions/{sub['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"channel": "webhook", "address": "not a url", "rule_ids": [1]}, "URL"),
        ({"channel": "email", "address": "nobody", "rule_ids": [1]}, "e-mail"),
        ({"channel": "webhook", "address": "http://x.test/", "rule_ids": []}, "rule_ids"),
        ({"channel": "webhook", "address": "http://127.0.0.1/", "rule_ids": [999]}, "no rule"),
    ],
)
def test_bad_subscriptions_are_refused(client: TestClient, body: dict[str, Any], why: str) -> None:
    client.post("/v1/admin/rules", json=RULE)
    assert why in _problem(client.post("/v1/subscriptions", json=body), 422)["detail"]


def test_private_addresses_are_refused_unless_allowlisted(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path, outbound_allow=[])
    with TestClient(create_app(settings), headers=ADMIN_HEADERS) as strict:
        rule = strict.post("/v1/admin/rules", json=RULE).json()
        for url in ("http://127.0.0.1:9/h", "http://169.254.169.254/", "http://192.168.1.1/"):
            body = {"channel": "slack", "address": url, "rule_ids": [rule["id"]]}
            assert "refused" in _problem(strict.post("/v1/subscriptions", json=body), 422)["detail"]
        assert strict.get("/v1/subscriptions").json()["subscriptions"] == []


def test_silences_mute_matching_alerts_until_expired(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    rule = client.post("/v1/admin/rules", json={**RULE, "group_interval_s": 0}).json()
    _subscribe(client, httpserver.url_for("/hook"), rule["id"])
    ends = (utcnow() + timedelta(hours=1)).isoformat()
    silence = {
        "matchers": [{"name": "dyad", "value": "the militia->.*", "is_regex": True}],
        "ends_at": ends,
        "author": "ops",
        "comment": "known exercise",
    }
    created = client.post("/v1/admin/silences", json=silence).json()
    assert created["state"] == "active"
    engine = _engine(client)
    store(engine)
    store(engine, actor="the navy")
    deliver_alerts(runtime_of(client))
    bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert [b["alerts"][0]["labels"]["actor"] for b in bodies] == ["the navy"]
    assert client.delete(f"/v1/admin/silences/{created['id']}").json()["state"] == "expired"
    store(engine)
    deliver_alerts(runtime_of(client))
    assert len(httpserver.log) == 2
    with Session(engine) as session:
        assert [a.status for a in session.exec(select(Alert)).all()] == [
            "silenced",
            "firing",
            "firing",
        ]
    bad = {**silence, "matchers": [{"name": "dyad", "value": "(", "is_regex": True}]}
    _problem(client.post("/v1/admin/silences", json=bad), 422)
    _problem(
        client.post("/v1/admin/silences", json={**silence, "ends_at": "2000-01-01T00:00Z"}), 422
    )


def test_an_open_severity_3_alert_inhibits_severity_2_for_the_dyad(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    rule = client.post("/v1/admin/rules", json={**RULE, "group_by": ["statement"]}).json()
    _subscribe(client, httpserver.url_for("/hook"), rule["id"])
    engine = _engine(client)
    store(engine, severity=3)
    store(engine, severity=2)
    store(engine, severity=2, target="the airport")
    with Session(engine) as session:
        statuses = [(a.dyad, a.severity, a.status) for a in session.exec(select(Alert)).all()]
    assert statuses == [
        ("the militia->the port", 3, "firing"),
        ("the militia->the port", 2, "inhibited"),
        ("the militia->the airport", 2, "firing"),
    ]
    deliver_alerts(runtime_of(client))
    assert len(httpserver.log) == 2


def test_dead_letters_are_listed_and_an_admin_can_retry_them(
    client: TestClient, httpserver: HTTPServer
) -> None:
    calls: list[int] = []

    def refuse_once(request: Request) -> Response:
        calls.append(1)
        return Response("no", status=400) if len(calls) == 1 else Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(refuse_once)
    rule = client.post("/v1/admin/rules", json=RULE).json()
    _subscribe(client, httpserver.url_for("/hook"), rule["id"])
    store(_engine(client))
    deliver_alerts(runtime_of(client))
    (dead,) = client.get("/v1/deliveries", params={"status": "dead"}).json()["deliveries"]
    assert dead["last_error"] == "HTTP 400" and dead["attempts"] == 1
    retried = client.post(f"/v1/admin/deliveries/{dead['id']}/retry").json()
    assert retried["status"] == "pending"
    deliver_alerts(runtime_of(client))
    assert client.get(f"/v1/deliveries/{dead['id']}").json()["status"] == "sent"
    ids = {r.headers["webhook-id"] for r, _ in httpserver.log}
    assert ids == {dead["idempotency_key"]} and len(httpserver.log) == 2
    _problem(client.post(f"/v1/admin/deliveries/{dead['id']}/retry"), 409)
    _problem(client.post("/v1/admin/deliveries/999/retry"), 404)


def test_metrics_show_alerts_deliveries_latency_and_queue_depth(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    rule = client.post("/v1/admin/rules", json={**RULE, "group_by": ["statement"]}).json()
    _subscribe(client, httpserver.url_for("/hook"), rule["id"])
    store(_engine(client), policy=runtime_of(client).policy)
    store(_engine(client), policy=runtime_of(client).policy)
    before = client.get("/metrics").text
    assert 'redline_delivery_queue_depth{status="pending"} 2.0' in before
    deliver_alerts(runtime_of(client))
    text = client.get("/metrics").text
    assert 'redline_alerts_fired_total{kind="statement"} 2.0' in text
    assert 'redline_deliveries_total{channel="webhook",outcome="sent"} 2.0' in text
    assert 'redline_delivery_latency_seconds_count{channel="webhook"} 2.0' in text
    assert 'redline_delivery_queue_depth{status="pending"} 0.0' in text
    with Session(_engine(client)) as session:
        assert {d.status for d in session.exec(select(Delivery)).all()} == {"sent"}
