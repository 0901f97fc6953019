"""GET /v1/statements: filters, a stable order and cursor pages, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from service.times import utcnow
from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]


def _seed(client: TestClient) -> dict[str, int]:
    engine = engine_of(client)
    # own words, written for these tests
    return {
        "hez": store(
            engine,
            "Hezbollah said it would hit Israel if the raids went on.",
            actor="Hezbollah",
            target="Israel",
            conditional=0.9,
            severity=2,
            hours_ago=2,
        ),
        "houthi": store(
            engine,
            "The Houthis vowed war on the United States over the strikes.",
            actor="Houthis",
            target="United States",
            severity=3,
            hours_ago=5,
        ),
        "sanction": store(
            engine,
            "France threatened new sanctions against Iran over the detained tourists.",
            actor="France",
            target="Iran",
            severity=1,
            hours_ago=30,
        ),
        "calm": store(
            engine,
            "A Wombat Militia parade passed off quietly.",
            actor="A Wombat Militia",
            threat=0.02,
            severity=0,
            hours_ago=50,
        ),
    }


def _ids(client: TestClient, **params: object) -> list[int]:
    response = client.get("/v1/statements", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["statements"]]


def test_filters_select_what_they_say(client: TestClient) -> None:
    ids = _seed(client)
    assert _ids(client, actor="hezbollah") == [ids["hez"]]
    assert _ids(client, target="USA") == [ids["houthi"]]
    assert _ids(client, country="IRN") == [ids["sanction"]]
    assert _ids(client, country="YEM") == [ids["houthi"]]
    assert _ids(client, conditional="true") == [ids["hez"]]
    assert ids["hez"] not in _ids(client, conditional="false")
    assert _ids(client, min_severity=3) == [ids["houthi"]]
    assert set(_ids(client, min_score=0.5)) == {ids["hez"], ids["houthi"]}
    assert _ids(client, q="SANCTIONS") == [ids["sanction"]]
    assert _ids(client, q="100%") == []
    day_ago = (utcnow() - timedelta(hours=24)).isoformat()
    assert _ids(client, since=day_ago) == [ids["hez"], ids["houthi"]]
    assert _ids(client, until=day_ago) == [ids["sanction"], ids["calm"]]


def test_unknown_mentions_are_kept_as_written(client: TestClient) -> None:
    ids = _seed(client)
    calm = client.get("/v1/statements", params={"q": "wombat"}).json()["statements"][0]
    assert calm["id"] == ids["calm"] and calm["actor_id"] is None
    assert calm["extraction"]["actor"]["text"] == "A Wombat Militia"


def test_cursor_pages_walk_everything_once_newest_first(client: TestClient) -> None:
    ids = _seed(client)
    seen: list[dict[str, object]] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, object] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = client.get("/v1/statements", params=params).json()
        seen += body["statements"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [s["id"] for s in seen] == [ids["hez"], ids["houthi"], ids["sanction"], ids["calm"]]
    order = [(s["observed_at"], s["id"]) for s in seen]
    assert order == sorted(order, reverse=True)


def test_a_page_is_stable_when_newer_statements_arrive(client: TestClient) -> None:
    ids = _seed(client)
    first = client.get("/v1/statements", params={"limit": 2}).json()
    store(engine_of(client), "Hezbollah warned again.", actor="Hezbollah", hours_ago=0.1)
    second = client.get("/v1/statements", params={"limit": 2, "cursor": first["next_cursor"]})
    assert [s["id"] for s in second.json()["statements"]] == [ids["sanction"], ids["calm"]]


def _problem(response: object, status: int) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_bad_filters_and_cursors_are_problems(client: TestClient) -> None:
    for params in [
        {"limit": 501},
        {"cursor": "not-a-cursor"},
        {"cursor": "WzEsMl0"},  # base64 of [1,2]: well-formed, not ours
        {"min_severity": 4},
        {"country": "Iran"},
        {"since": "yesterday"},
        {"conditional": "maybe"},
        {"q": "x"},
    ]:
        _problem(client.get("/v1/statements", params=params), 422)
