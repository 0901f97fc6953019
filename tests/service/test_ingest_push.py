"""`POST /v1/items`, quarantine and re-scoring through the real app on both databases."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer

from scoring import Scorer, StatementScore
from service.jobs import poll_feeds
from service.rescore import rescore
from service.times import utcnow
from tests.service.feedkit import CALM, THREAT, Entry, rss2
from tests.service.helpers import runtime_of

POISON = "The unreadable sentence that breaks the scorer."  # own words


class PoisonedScorer(Scorer):
    """The real scorer, except that it raises on any text holding POISON (counts those calls)."""

    def __init__(self, inner: Scorer) -> None:
        super().__init__(inner.model, inner.tagger, inner.card)
        self.poisoned_calls = 0

    def score_many(self, texts: Sequence[str]) -> list[list[StatementScore]]:
        if any(POISON in t for t in texts):
            self.poisoned_calls += 1
            raise ValueError("cannot score this text")
        return super().score_many(texts)


def push(client: TestClient, *items: Mapping[str, object]) -> dict[str, Any]:
    response = client.post("/v1/items", json={"items": list(items)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


ONE = {"external_id": "ext-1", "title": "Warning", "text": THREAT, "source": "Desk"}
TWO = {
    "external_id": "ext-2",
    "title": "Library",
    "text": CALM,
    "url": "http://127.0.0.1/lib",
    "published": "2024-07-01T08:00:00Z",
}


def test_pushed_items_are_stored_scored_and_idempotent(client: TestClient) -> None:
    first = push(client, ONE, TWO)
    assert [o["external_id"] for o in first["new"]] == ["ext-1", "ext-2"]
    assert {o["status"] for o in first["items"]} == {"scored"}
    statements = client.get("/v1/statements", params={"limit": 500}).json()["statements"]
    assert any(s["text"] == THREAT and s["conditional"] > 0.5 for s in statements)

    again = push(client, ONE, TWO)

    assert again["new"] == []
    assert [o["outcome"] for o in again["items"]] == ["duplicate", "duplicate"]
    assert [o["item_id"] for o in again["items"]] == [o["item_id"] for o in first["items"]]
    assert len(client.get("/v1/statements", params={"limit": 500}).json()["statements"]) == len(
        statements
    )
    assert len(client.get("/v1/admin/items").json()["items"]) == 2


def test_a_pushed_item_with_new_text_is_updated_and_rescored(client: TestClient) -> None:
    push(client, {**ONE, "text": CALM})
    (outcome,) = push(client, ONE)["items"]
    assert outcome["outcome"] == "updated" and outcome["status"] == "scored"
    texts = [s["text"] for s in client.get("/v1/statements").json()["statements"]]
    assert THREAT in texts and CALM not in texts


def test_a_pushed_copy_of_a_feed_story_is_not_stored_twice(
    client: TestClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/f").respond_with_data(
        rss2([Entry("Library", CALM, "lib", "http://127.0.0.1/lib")])
    )
    client.post("/v1/admin/feeds", json={"url": httpserver.url_for("/f")})
    poll_feeds(runtime_of(client))
    result = push(client, TWO)
    assert result["new"] == [] and result["items"][0]["outcome"] == "duplicate"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"items": []}, 422),
        ({"items": [{"title": "no id"}]}, 422),
        ({"items": [{**ONE, "url": "javascript:alert(1)"}]}, 422),
        ({"items": [{**ONE, "text": "x" * 100_001}]}, 422),
        ({"items": [{**ONE, "external_id": str(n), "text": "x" * 90_000} for n in range(12)]}, 413),
        ({"items": [ONE] * 501}, 422),
        ({"items": [{**ONE, "published": "yesterday"}]}, 422),
    ],
)
def test_bad_batches_are_refused_whole(
    client: TestClient, payload: dict[str, object], status: int
) -> None:
    response = client.post("/v1/items", json=payload)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/admin/items").json()["items"] == []


def test_an_item_that_breaks_scoring_is_quarantined_and_blocks_nothing(
    client: TestClient, httpserver: HTTPServer
) -> None:
    runtime = runtime_of(client)
    poisoned = PoisonedScorer(runtime.scorer)
    runtime.scorer = poisoned
    entries = [Entry("Calm", CALM, "a"), Entry("Bad", POISON, "b"), Entry("Warn", THREAT, "c")]
    httpserver.expect_request("/f").respond_with_data(rss2(entries))
    client.post("/v1/admin/feeds", json={"url": httpserver.url_for("/f")})

    poll_feeds(runtime)

    (bad,) = client.get("/v1/admin/items", params={"status": "quarantined"}).json()["items"]
    assert bad["title"] == "Bad" and "cannot score this text" in bad["score_error"]
    assert len(client.get("/v1/admin/items", params={"status": "scored"}).json()["items"]) == 2
    calls = poisoned.poisoned_calls
    poll_feeds(runtime)  # nothing due, nothing pending: the bad item is not retried
    assert poisoned.poisoned_calls == calls
    assert client.get(f"/v1/admin/items/{bad['id']}").json()["status"] == "quarantined"

    runtime.scorer = Scorer(poisoned.model, poisoned.tagger, poisoned.card)  # the scorer is fixed
    requeued = client.post(f"/v1/admin/items/{bad['id']}/requeue").json()
    assert requeued["status"] == "pending" and requeued["score_error"] is None
    client.post("/v1/items", json={"items": [{**ONE, "external_id": "nudge"}]})  # drains pending
    assert client.get(f"/v1/admin/items/{bad['id']}").json()["status"] == "scored"
    assert client.get("/v1/admin/items/999999").status_code == 404


def test_rescore_adds_statements_for_the_new_model_and_keeps_the_old(client: TestClient) -> None:
    runtime = runtime_of(client)
    push(client, ONE, TWO)
    old = runtime.scorer.version
    newer = Scorer(
        runtime.scorer.model,
        runtime.scorer.tagger,
        dataclasses.replace(runtime.scorer.card, model_version="v-next"),
    )
    since = utcnow().replace(year=2000)

    report = rescore(runtime.engine, scorer=newer, since=since)
    again = rescore(runtime.engine, scorer=newer, since=since)

    assert (report.scored, again.scored) == (2, 0)  # each item once per model version
    by_version = {
        v: client.get("/v1/statements", params={"model_version": v, "limit": 500}).json()[
            "statements"
        ]
        for v in (old, "v-next")
    }
    assert by_version[old] and len(by_version[old]) == len(by_version["v-next"])
    assert {s["model_version"] for s in by_version["v-next"]} == {"v-next"}

    def in_item_order(rows: list[dict[str, Any]]) -> list[str]:
        return [
            s["text"]
            for s in sorted(rows, key=lambda s: (s["item"]["id"], s["part"], s["position"]))
        ]

    assert in_item_order(by_version[old]) == in_item_order(by_version["v-next"])
    future = rescore(
        runtime.engine,
        scorer=Scorer(
            newer.model, newer.tagger, dataclasses.replace(newer.card, model_version="v3")
        ),
        since=utcnow(),
    )
    assert future.scored == 0  # nothing stored since now
