"""The HTTP API through a real app (lifespan, database, model), errors as problem details."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer

from service.app import create_app
from service.ingest import register_feed
from service.jobs import poll_feeds
from tests.conftest import FIXTURES
from tests.service.helpers import make_settings

ADMIN_KEY = "test-admin-key"

# Own words, written for these tests.
THREAT = (
    "The movement's leader warned that foreign embassies in the capital would be attacked "
    "if the government signed the basing agreement."
)


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(database_url, tmp_path, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(settings)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield test_client


def _is_problem(response: object, status: int) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert isinstance(body, dict)
    return body


def test_healthz_names_the_model(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["model_version"] == client.app.state.runtime.scorer.version  # type: ignore[attr-defined]


def test_score_splits_and_scores(client: TestClient) -> None:
    response = client.post("/v1/score", json={"text": THREAT + " Markets were calm."})
    assert response.status_code == 200
    body = response.json()
    first, second = body["statements"]
    assert first["text"] == THREAT and first["start"] == 0 and first["end"] == len(THREAT)
    assert first["conditional"] > 0.5 > second["conditional"]
    assert first["condition"]["text"].startswith("if the government")
    assert body["model_version"] == first["model_version"]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"text": 5}, "body.text"),
        ({"text": ""}, "body.text"),
        ({}, "body.text"),
        ({"text": "x" * 100_001}, "body.text"),
        ({"text": "ok", "extra": 1}, "body.extra"),
    ],
)
def test_score_rejects_bad_input_with_a_problem(
    client: TestClient, payload: dict[str, object], where: str
) -> None:
    body = _is_problem(client.post("/v1/score", json=payload), 422)
    assert str(body["detail"]).startswith(where)


def test_a_huge_body_is_refused_before_it_is_read(client: TestClient) -> None:
    body = _is_problem(client.post("/v1/score", content=b"x" * 2_000_001), 413)
    assert "exceeds" in str(body["detail"])


def test_malformed_json_is_a_problem(client: TestClient) -> None:
    response = client.post(
        "/v1/score", content=b"{not json", headers={"content-type": "application/json"}
    )
    _is_problem(response, 422)


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    _is_problem(client.get("/v1/nothing-here"), 404)


def test_statements_newest_first_with_filters(client: TestClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        (FIXTURES / "feeds" / "world.xml").read_bytes(), content_type="application/rss+xml"
    )
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    register_feed(runtime.engine, httpserver.url_for("/feed.xml"), interval_s=300)
    poll_feeds(runtime)

    everything = client.get("/v1/statements", params={"limit": 500}).json()["statements"]
    assert len(everything) >= 4
    order = [(s["observed_at"], s["id"]) for s in everything]
    assert order == sorted(order, reverse=True)
    assert everything[0]["item"]["title"]

    high = client.get("/v1/statements", params={"min_conditional": 0.5}).json()["statements"]
    assert high and all(s["conditional"] >= 0.5 for s in high)
    assert any("legitimate targets" in s["text"] for s in high)
    assert len(high) < len(everything)

    scored = client.get("/v1/statements", params={"min_score": 0.3}).json()["statements"]
    assert all(s["escalation"] >= 0.3 for s in scored)
    assert len(client.get("/v1/statements", params={"limit": 2}).json()["statements"]) == 2


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"min_score": 2}, {"min_score": "high"}]
)
def test_statements_reject_bad_filters(client: TestClient, params: dict[str, object]) -> None:
    _is_problem(client.get("/v1/statements", params=params), 422)


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/v1/score", "/v1/statements"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_model_card_is_served(client: TestClient) -> None:
    response = client.get("/v1/model")
    assert response.status_code == 200
    body = response.json()
    scorer = client.app.state.runtime.scorer  # type: ignore[attr-defined]
    assert body["model_version"] == scorer.version == scorer.card.model_version
    assert len(body["data_sha256"]) == 64
    assert body["threat_threshold"] == scorer.model.threat_.threshold_
    metrics = body["metrics"]
    low, high = metrics["intervals"]["threat_f1"]
    assert low <= metrics["threat"]["f1"] <= high
    assert "action" in metrics["extraction_given_threat"]


def test_model_card_needs_a_key(client: TestClient) -> None:
    response = client.get("/v1/model", headers={"Authorization": ""})
    assert response.status_code == 401
