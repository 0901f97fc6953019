"""The gazetteer over HTTP: read actors; admins add actors and aliases that new statements use."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]


def test_a_shipped_actor_with_its_aliases(client: TestClient) -> None:
    body = client.get("/v1/actors/hezbollah").json()
    assert body["country"] == "LBN" and {"Hizbullah", "Hizballah"} <= set(body["aliases"])
    assert client.get("/v1/actors/USA").json()["kind"] == "country"
    missing = client.get("/v1/actors/nobody-at-all")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_an_added_actor_and_alias_resolve_in_new_statements(client: TestClient) -> None:
    created = client.post(
        "/v1/admin/actors",
        json={
            "id": "wombat-militia",
            "name": "Wombat Militia",
            "kind": "armed_group",
            "country": "AUS",
            "aliases": ["the Wombats"],
        },
    )
    assert created.status_code == 201 and "the Wombats" in created.json()["aliases"]
    alias = client.post("/v1/admin/actors/hezbollah/aliases", json={"alias": "Hizb"})
    assert alias.status_code == 201 and "Hizb" in alias.json()["aliases"]
    engine = engine_of(client)
    # own words
    store(
        engine,
        "The Wombats warned they would strike Hizb positions.",
        actor="The Wombats",
        target="Hizb positions",
    )
    row = client.get("/v1/statements", params={"actor": "wombat-militia"}).json()["statements"]
    assert len(row) == 1 and row[0]["target_id"] == "hezbollah"
    assert row[0]["actor_country"] == "AUS"


def test_duplicates_and_bad_bodies_are_problems(client: TestClient) -> None:
    body = {"id": "x1", "name": "X", "kind": "armed_group"}
    assert client.post("/v1/admin/actors", json=body).status_code == 201
    for payload, status in [
        (body, 409),
        ({"id": "USA", "name": "again", "kind": "country"}, 409),
        ({"id": "bad id!", "name": "X", "kind": "k"}, 422),
        ({"id": "y", "name": "Y", "kind": "k", "country": "usa"}, 422),
        ({"id": "y", "name": "Y", "kind": "k", "extra": 1}, 422),
    ]:
        response = client.post("/v1/admin/actors", json=payload)
        assert response.status_code == status, payload
        assert response.headers["content-type"] == "application/problem+json"
    taken = client.post("/v1/admin/actors/x1/aliases", json={"alias": "Hizb2"})
    assert taken.status_code == 201
    assert client.post("/v1/admin/actors/USA/aliases", json={"alias": "Hizb2"}).status_code == 409
    assert client.post("/v1/admin/actors/nope/aliases", json={"alias": "zz"}).status_code == 404


def test_a_read_key_cannot_extend_the_gazetteer(client: TestClient) -> None:
    token = client.post("/v1/admin/keys", json={"name": "r", "scope": "read"}).json()["token"]
    read = {"Authorization": f"Bearer {token}"}
    body = {"id": "z", "name": "Z", "kind": "k"}
    assert client.post("/v1/admin/actors", json=body, headers=read).status_code == 403
    assert client.get("/v1/actors/z").status_code == 404
