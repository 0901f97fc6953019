"""A batch is scored and written in chunks: a watch one statement opens, a later statement of
the same batch (in its chunk or a later one) can fulfil."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service import pipeline
from service.tables import Item, Statement, ThreatWatch, TriggerLink
from tests.service.risk_fixtures import client, engine_of

__all__ = ["client"]

# own words, written for this test
THREAT = (
    "Hezbollah warned that Israel would face a war without limits if Israeli jets "
    "bombed Beirut's southern suburbs."
)
FILLER = "The city council approved a new budget for schools and parks on Tuesday."
FULFILS = "Israeli jets bombed Beirut's southern suburbs overnight, witnesses said."


def _item(n: int, text: str, published: str) -> dict[str, object]:
    return {"external_id": f"c-{n}", "title": f"Story {n}", "text": text, "published": published}


@pytest.mark.parametrize("chunk", [1, pipeline.SCORE_CHUNK], ids=["item-per-chunk", "one-chunk"])
def test_a_watch_opened_in_a_batch_is_fulfilled_by_a_later_item_of_the_same_batch(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(pipeline, "SCORE_CHUNK", chunk)
    items = [
        _item(0, THREAT, "2024-07-01T08:00:00Z"),
        _item(1, FILLER, "2024-07-01T09:00:00Z"),
        _item(2, FULFILS, "2024-07-02T08:00:00Z"),
    ]
    response = client.post("/v1/items", json={"items": items})
    assert response.status_code == 200, response.text
    with Session(engine_of(client)) as session:
        assert {i.status for i in session.exec(select(Item))} == {"scored"}
        watch = session.exec(select(ThreatWatch)).one()
        assert watch.status == "trigger_observed"
        link = session.exec(select(TriggerLink)).one()
        report = session.get(Statement, link.statement_id)
        assert report is not None and report.text == FULFILS
        # Every sentence of every chunk is stored once.
        texts = [s.text for s in session.exec(select(Statement))]
        assert sorted(t for t in texts if t in (THREAT, FILLER, FULFILS)) == sorted(
            [THREAT, FILLER, FULFILS]
        )
