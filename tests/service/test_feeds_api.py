"""`/v1/admin/feeds` through the real app on both databases: CRUD, state, problems."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pytest_httpserver import HTTPServer

from service.jobs import poll_feeds
from tests.service.feedkit import CALM, THREAT, Entry, rss2
from tests.service.helpers import runtime_of


def problem(response: Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert isinstance(body, dict) and body["status"] == status
    return body


def test_create_list_read_update_disable_delete(client: TestClient) -> None:
    created = client.post(
        "/v1/admin/feeds", json={"url": "http://127.0.0.1:9/a.xml", "interval_s": 600}
    )
    assert created.status_code == 201
    feed = created.json()
    assert feed["interval_s"] == 600 and feed["enabled"] and feed["error_count"] == 0
    assert feed["next_fetch_at"] is not None and feed["last_fetched_at"] is None
    fid = feed["id"]

    assert [f["id"] for f in client.get("/v1/admin/feeds").json()["feeds"]] == [fid]
    assert client.get(f"/v1/admin/feeds/{fid}").json()["url"] == "http://127.0.0.1:9/a.xml"

    patched = client.patch(f"/v1/admin/feeds/{fid}", json={"title": "A", "interval_s": 120})
    assert (patched.json()["title"], patched.json()["interval_s"]) == ("A", 120)

    disabled = client.post(f"/v1/admin/feeds/{fid}/disable").json()
    assert disabled["enabled"] is False
    assert client.get("/v1/admin/feeds", params={"enabled": True}).json()["feeds"] == []
    assert poll_feeds(runtime_of(client)) == []  # a disabled feed is not polled

    assert client.delete(f"/v1/admin/feeds/{fid}").status_code == 204
    problem(client.get(f"/v1/admin/feeds/{fid}"), 404)


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"url": "ftp://127.0.0.1/a.xml"}, "body.url"),
        ({"url": "not a url"}, "body.url"),
        ({"url": "http://127.0.0.1/a", "interval_s": 1}, "body.interval_s"),
        ({"url": "http://127.0.0.1/a", "colour": "red"}, "body.colour"),
        ({}, "body.url"),
    ],
)
def test_bad_feeds_are_refused_with_a_problem(
    client: TestClient, payload: dict[str, object], where: str
) -> None:
    assert str(problem(client.post("/v1/admin/feeds", json=payload), 422)["detail"]).startswith(
        where
    )
    assert client.get("/v1/admin/feeds").json()["feeds"] == []


def test_a_second_feed_with_the_same_url_is_a_conflict(client: TestClient) -> None:
    body = {"url": "http://127.0.0.1:9/same.xml"}
    first = client.post("/v1/admin/feeds", json=body).json()
    other = client.post("/v1/admin/feeds", json={"url": "http://127.0.0.1:9/other.xml"}).json()
    assert "already" in str(problem(client.post("/v1/admin/feeds", json=body), 409)["detail"])
    problem(client.patch(f"/v1/admin/feeds/{other['id']}", json=body), 409)
    problem(client.patch("/v1/admin/feeds/999999", json={"title": "x"}), 404)
    problem(client.delete("/v1/admin/feeds/999999"), 404)
    assert len(client.get("/v1/admin/feeds").json()["feeds"]) == 2
    assert client.get(f"/v1/admin/feeds/{first['id']}").json()["url"] == body["url"]


def test_fetch_state_and_backoff_are_visible(client: TestClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_data(rss2([Entry("Calm", CALM, "c1")]))
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    ok = client.post("/v1/admin/feeds", json={"url": httpserver.url_for("/ok")}).json()
    down = client.post(
        "/v1/admin/feeds", json={"url": httpserver.url_for("/down"), "interval_s": 60}
    ).json()

    poll_feeds(runtime_of(client))

    good = client.get(f"/v1/admin/feeds/{ok['id']}").json()
    assert good["last_status"] == "ok: 1 new" and good["error_count"] == 0
    assert good["last_http_status"] == 200 and not good["backing_off"]
    bad = client.get(f"/v1/admin/feeds/{down['id']}").json()
    assert bad["error_count"] == 1 and bad["backing_off"] and bad["last_http_status"] == 500
    assert bad["last_error"] == "HTTP 500" and bad["next_fetch_at"] > bad["last_fetched_at"]
    assert bad["claimed_by"] is None

    reenabled = client.patch(f"/v1/admin/feeds/{down['id']}", json={"enabled": True}).json()
    assert reenabled["error_count"] == 1  # already enabled: nothing reset


def test_deleting_a_feed_keeps_its_items(client: TestClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/f").respond_with_data(rss2([Entry("Warning", THREAT, "t1")]))
    feed = client.post("/v1/admin/feeds", json={"url": httpserver.url_for("/f")}).json()
    poll_feeds(runtime_of(client))
    (item,) = client.get("/v1/admin/items").json()["items"]
    assert item["feed_ids"] == [feed["id"]]

    assert client.delete(f"/v1/admin/feeds/{feed['id']}").status_code == 204

    (kept,) = client.get("/v1/admin/items").json()["items"]
    assert kept["id"] == item["id"] and kept["feed_ids"] == []
    assert client.get("/v1/statements").json()["statements"]
