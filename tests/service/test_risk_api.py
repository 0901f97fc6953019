"""GET /v1/risk and /v1/risk/timeseries over stored statements, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]

# own words, written for these tests
THREAT = "Hezbollah warned that it would strike Israel if the shelling of the south continued."
OTHER = "Hezbollah said Israel would pay a heavy price for any raid on the capital."


def _risk(client: TestClient, **params: object) -> dict[str, Any]:
    response = client.get("/v1/risk", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def test_dyad_risk_names_its_top_statements_with_links_and_reasons(client: TestClient) -> None:
    engine = engine_of(client)
    sid = store(
        engine,
        THREAT,
        actor="Hezbollah",
        target="Israel",
        conditional=0.9,
        severity=3,
        link="https://news.example/a",
    )
    store(engine, "Markets in Tokyo closed higher.", threat=0.01, severity=0)
    body = _risk(client, actor="hezbollah", target="ISR", window="7d")
    assert 0 < float(body["score"]) <= 1 and body["n_statements"] == 1
    top = body["top"]
    assert isinstance(top, list) and top[0]["statement_id"] == sid
    assert top[0]["link"] == "https://news.example/a"
    assert any("conditional threat" in r for r in top[0]["reasons"])
    assert top[0]["threat_id"] is None  # no condition span was stored, so no watch
    assert _risk(client, actor="houthis", window="7d")["score"] == 0


def test_risk_climbs_against_an_empty_baseline(client: TestClient) -> None:
    store(engine_of(client), THREAT, actor="Hezbollah", target="Israel", conditional=0.9)
    body = _risk(client, actor="hezbollah", window="24h")
    assert body["baseline"] == 0 and body["direction"] == "climbing"
    assert body["trend"] == body["score"]


def test_old_statements_fall_into_the_baseline(client: TestClient) -> None:
    store(engine_of(client), THREAT, actor="Hezbollah", target="Israel", hours_ago=30)
    body = _risk(client, actor="hezbollah", window="24h")
    assert body["score"] == 0 and float(body["baseline"]) > 0
    assert body["direction"] == "falling"


def test_syndicated_copies_count_less_than_independent_statements(client: TestClient) -> None:
    engine = engine_of(client)
    for n in range(5):  # the same sentence from five outlets
        store(engine, THREAT, actor="Hezbollah", target="Israel", link=f"https://o{n}.example/x")
    for n in range(5):  # five different sentences
        text = f"Ansar Allah warned it would strike Israel, statement number {n}."
        store(engine, text, actor="Ansar Allah", target="Israel", link=f"https://o{n}.example/y")
    copies = _risk(client, actor="hezbollah", target="ISR")
    independent = _risk(client, actor="houthis", target="ISR")
    assert copies["n_statements"] == independent["n_statements"] == 5
    assert float(copies["score"]) < float(independent["score"])
    assert copies["top"][0]["copies"] == 5 and copies["top"][0]["sources"] == 5


def test_country_risk_covers_both_sides(client: TestClient) -> None:
    engine = engine_of(client)
    store(engine, THREAT, actor="Hezbollah", target="Israel")  # home country LBN
    store(engine, OTHER, actor="Hezbollah", target="Israel")
    assert _risk(client, country="LBN")["n_statements"] == 2
    assert _risk(client, country="ISR")["n_statements"] == 2
    assert _risk(client, country="FRA")["n_statements"] == 0


def test_timeseries_has_one_point_per_bucket_ending_at_the_risk(client: TestClient) -> None:
    engine = engine_of(client)
    store(engine, THREAT, actor="Hezbollah", target="Israel", hours_ago=50)
    store(engine, OTHER, actor="Hezbollah", target="Israel", hours_ago=2)
    series = client.get(
        "/v1/risk/timeseries", params={"actor": "hezbollah", "window": "7d", "bucket": "1d"}
    ).json()
    points = series["points"]
    assert len(points) == 7
    assert [p["n_statements"] for p in points][-3:] == [1, 1, 2]
    assert points[0]["score"] == 0 and points[-1]["score"] > points[-2]["score"]
    hourly = client.get(
        "/v1/risk/timeseries", params={"actor": "hezbollah", "window": "24h", "bucket": "1h"}
    ).json()
    assert len(hourly["points"]) == 24


def _problem(response: object, status: int) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_bad_risk_queries_are_problems(client: TestClient) -> None:
    _problem(client.get("/v1/risk"), 422)  # no subject
    _problem(client.get("/v1/risk", params={"actor": "x", "window": "7w"}), 422)
    _problem(client.get("/v1/risk", params={"actor": "x", "window": "0d"}), 422)
    _problem(client.get("/v1/risk", params={"actor": "x", "window": "999d"}), 422)
    _problem(client.get("/v1/risk", params={"country": "lebanon"}), 422)
    too_many = {"actor": "x", "window": "300d", "bucket": "1h"}
    _problem(client.get("/v1/risk/timeseries", params=too_many), 422)
    _problem(client.get("/v1/risk/timeseries", params={"actor": "x", "bucket": "5m"}), 422)


def test_openapi_lists_the_risk_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/risk", "/v1/risk/timeseries", "/v1/threats/{threat_id}"} <= set(paths)
    assert {"/v1/admin/actors", "/v1/admin/keys", "/v1/actors/{actor_id}"} <= set(paths)
