"""API keys: bearer tokens with scopes, stored hashed; /healthz open, every /v1 route closed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.tables import ApiKey
from tests.service.risk_fixtures import ADMIN_KEY, client, engine_of

__all__ = ["client"]


def _problem(response: object, status: int) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert isinstance(body, dict) and body["status"] == status and body["detail"]
    return body


def _bare(client: TestClient) -> dict[str, str]:
    """No Authorization header at all."""
    client.headers.pop("Authorization", None)
    return {}


def test_healthz_needs_no_key(client: TestClient) -> None:
    _bare(client)
    assert client.get("/healthz").status_code == 200


def test_every_v1_route_needs_a_key(client: TestClient) -> None:
    _bare(client)
    for method, path in [
        ("GET", "/v1/statements"),
        ("POST", "/v1/score"),
        ("GET", "/v1/risk?actor=hezbollah"),
        ("GET", "/v1/risk/timeseries?actor=hezbollah"),
        ("GET", "/v1/threats/1"),
        ("GET", "/v1/actors/USA"),
        ("GET", "/v1/admin/keys"),
        ("POST", "/v1/admin/actors"),
    ]:
        response = client.request(method, path, json={"text": "x"})
        _problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_key_is_refused(client: TestClient) -> None:
    for token in ["nope", "rl_deadbeef_nope", ADMIN_KEY + "x"]:
        response = client.get("/v1/statements", headers={"Authorization": f"Bearer {token}"})
        _problem(response, 401)
    basic = client.get("/v1/statements", headers={"Authorization": "Basic dXNlcjpwdw=="})
    _problem(basic, 401)


def test_admin_key_from_settings_creates_a_read_key_that_cannot_administer(
    client: TestClient,
) -> None:
    created = client.post("/v1/admin/keys", json={"name": "analyst", "scope": "read"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("rl_") and created.json()["scope"] == "read"
    read = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/statements", headers=read).status_code == 200
    assert client.get("/v1/actors/USA", headers=read).status_code == 200
    _problem(client.get("/v1/admin/keys", headers=read), 403)
    _problem(client.post("/v1/admin/keys", json={"name": "x", "scope": "admin"}, headers=read), 403)


def test_keys_are_stored_hashed_and_listed_without_secrets(client: TestClient) -> None:
    token = client.post("/v1/admin/keys", json={"name": "ops", "scope": "admin"}).json()["token"]
    with Session(engine_of(client)) as session:
        row = session.exec(select(ApiKey)).one()
        assert token not in (row.key_hash, row.prefix, row.name)
        assert len(row.key_hash) == 64 and token.split("_")[1] == row.prefix
    listed = client.get("/v1/admin/keys").json()
    assert [k["name"] for k in listed] == ["ops"] and "token" not in listed[0]
    assert token not in client.get("/v1/admin/keys").text
    admin = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/admin/keys", headers=admin).status_code == 200


def test_a_revoked_key_stops_working(client: TestClient) -> None:
    created = client.post("/v1/admin/keys", json={"name": "temp", "scope": "read"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/v1/statements", headers=headers).status_code == 200
    revoked = client.delete(f"/v1/admin/keys/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    _problem(client.get("/v1/statements", headers=headers), 401)
    _problem(client.delete("/v1/admin/keys/9999"), 404)


def test_bad_key_requests_are_problems(client: TestClient) -> None:
    _problem(client.post("/v1/admin/keys", json={"name": "x", "scope": "root"}), 422)
    _problem(client.post("/v1/admin/keys", json={"scope": "read"}), 422)


def test_openapi_declares_bearer_auth(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert doc["paths"]["/v1/risk"]["get"]["security"]
    assert "security" not in doc["paths"]["/healthz"]["get"]
