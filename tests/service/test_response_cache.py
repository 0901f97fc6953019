"""Cached risk responses and statement pages: equal to a fresh computation, and dropped as soon
as the stored data changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scoring.risk import RiskParams
from service.api import risk as risk_api
from service.app import create_app
from service.response_cache import ahead
from service.risk import Subject, risk_of
from service.schemas_risk import RiskRead, StatementCursorPage
from service.statement_query import StatementFilter, page
from service.tables import ThreatWatch
from tests.service.helpers import make_settings
from tests.service.risk_fixtures import ADMIN_KEY, client, engine_of, store

__all__ = ["client"]

# own words, written for these tests
THREAT = "Hezbollah warned that it would strike Israel if the shelling of the south continued."
LATER = "Hezbollah said it would answer any raid on Beirut with rockets on Israel."
CONDITIONAL = "Hezbollah said it would strike Israel if the army crossed the river."
CONDITION = "if the army crossed the river"
DYAD = {"actor": "hezbollah", "target": "ISR", "window": "7d"}


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The risk route's clock stands still, so no test sees the minute (the key) turn."""
    now = datetime.now(UTC)
    monkeypatch.setattr(risk_api, "utcnow", lambda: now)


def _get(client: TestClient, path: str, **params: object) -> tuple[dict[str, object], str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body, response.headers["X-Cache"]


def _fresh_dyad_risk(client: TestClient, end: datetime) -> RiskRead:
    """Hezbollah -> Israel risk over 7 days to `end`, computed without the cache."""
    half_life = client.app.state.runtime.settings.risk_half_life_h  # type: ignore[attr-defined]
    with Session(engine_of(client)) as session:
        return risk_of(
            session,
            subject=Subject("hezbollah", "ISR"),
            window=timedelta(days=7),
            end=end,
            params=RiskParams(half_life_h=half_life),
        )


def test_a_cached_risk_is_the_fresh_computation_until_a_statement_arrives(
    client: TestClient,
) -> None:
    engine = engine_of(client)
    store(engine, THREAT, actor="Hezbollah", target="Israel", conditional=0.9, hours_ago=3)
    first, how = _get(client, "/v1/risk", **DYAD)
    assert how == "miss"
    again, how = _get(client, "/v1/risk", **DYAD)
    assert how == "hit" and again == first
    end = datetime.fromisoformat(str(first["end"]))
    # The same end, computed afresh, reads the same.
    assert RiskRead.model_validate(again) == _fresh_dyad_risk(client, end)
    store(engine, LATER, actor="Hezbollah", target="Israel", severity=3, hours_ago=2)
    after, how = _get(client, "/v1/risk", **DYAD)
    assert how == "miss"
    assert after["n_statements"] == 2 and float(str(after["score"])) > float(str(first["score"]))


def test_an_observed_trigger_drops_the_cached_risk(client: TestClient) -> None:
    engine = engine_of(client)
    store(
        engine,
        CONDITIONAL,
        actor="Hezbollah",
        target="Israel",
        condition=CONDITION,
        conditional=0.9,
        threat=0.6,
        hours_ago=3,
    )
    before, _ = _get(client, "/v1/risk", **DYAD)
    assert _get(client, "/v1/risk", **DYAD)[1] == "hit"
    with Session(engine) as session:  # what the pipeline's watch step does on a report
        watch = session.exec(select(ThreatWatch)).one()
        watch.status = "trigger_observed"
        session.add(watch)
        session.commit()
    after, how = _get(client, "/v1/risk", **DYAD)
    assert how == "miss"
    assert float(str(after["score"])) > float(str(before["score"]))
    top = after["top"]
    assert isinstance(top, list) and "its trigger was observed" in top[0]["reasons"]


def test_the_default_end_is_the_last_whole_minute(client: TestClient) -> None:
    body, _ = _get(client, "/v1/risk", **DYAD)
    end = datetime.fromisoformat(str(body["end"]))
    assert end.second == 0 and end.microsecond == 0
    assert timedelta(0) <= datetime.now(UTC) - end < timedelta(minutes=2)
    until = "2026-01-02T03:04:05.678901Z"
    exact, _ = _get(client, "/v1/risk", **DYAD, until=until)
    assert datetime.fromisoformat(str(exact["end"])) == datetime(
        2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC
    )


def test_a_cached_page_is_dropped_when_a_statement_arrives(client: TestClient) -> None:
    engine = engine_of(client)
    first_id = store(engine, THREAT, actor="Hezbollah", target="Israel", hours_ago=3)
    first, how = _get(client, "/v1/statements", actor="hezbollah")
    assert how == "miss"
    again, how = _get(client, "/v1/statements", actor="hezbollah")
    assert how == "hit" and again == first
    later_id = store(engine, LATER, actor="Hezbollah", target="Israel", hours_ago=1)
    after, how = _get(client, "/v1/statements", actor="hezbollah")
    assert how == "miss"
    statements = after["statements"]
    assert isinstance(statements, list)
    assert [s["id"] for s in statements] == [later_id, first_id]


def test_a_page_as_json_is_the_page_model(client: TestClient) -> None:
    engine = engine_of(client)
    for n in range(3):
        store(engine, f"{THREAT} Number {n}.", actor="Hezbollah", target="Israel", hours_ago=n)
    body, _ = _get(client, "/v1/statements", actor="hezbollah", limit=2)
    with Session(engine) as session:
        model = page(session, filters=StatementFilter(actor="hezbollah"), limit=2, cursor=None)
    assert StatementCursorPage.model_validate(body) == model
    assert model.model_dump(mode="json") == body
    assert model.next_cursor is not None and len(model.statements) == 2
    assert model.statements[0].item.link is not None


def test_the_next_minutes_risk_is_ready_before_the_minute_turns(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_of(client)
    store(engine, THREAT, actor="Hezbollah", target="Israel", conditional=0.9, hours_ago=3)
    turn = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    monkeypatch.setattr(risk_api, "utcnow", lambda: turn - timedelta(seconds=50))
    early, how = _get(client, "/v1/risk", **DYAD)  # early in the minute: nothing prepared
    assert how == "miss"
    monkeypatch.setattr(risk_api, "utcnow", lambda: turn - timedelta(seconds=5))
    assert _get(client, "/v1/risk", **DYAD) == (early, "hit")  # late: the next one starts

    async def prepared() -> None:
        await ahead().idle()

    assert client.portal is not None
    client.portal.call(prepared)
    monkeypatch.setattr(risk_api, "utcnow", lambda: turn + timedelta(seconds=1))
    after, how = _get(client, "/v1/risk", **DYAD)
    assert how == "hit" and datetime.fromisoformat(str(after["end"])) == turn
    # And it is what the new minute computes afresh.
    assert RiskRead.model_validate(after) == _fresh_dyad_risk(client, turn)


def test_statements_about_others_keep_the_cached_answers(
    client: TestClient, database_url: str
) -> None:
    """PostgreSQL checks the new rows (ids above the ones seen) against the cached query and
    keeps an answer they do not touch; SQLite recomputes it. Either way it reads the same."""
    engine = engine_of(client)
    store(engine, THREAT, actor="Hezbollah", target="Israel", conditional=0.9, hours_ago=3)
    risk, _ = _get(client, "/v1/risk", **DYAD)
    page, _ = _get(client, "/v1/statements", actor="hezbollah")
    # own words: a statement about another dyad
    store(engine, "The Houthis vowed to strike ships bound for Eilat.", actor="Houthis")
    kept = "revalidated" if database_url.startswith("postgresql") else "miss"
    assert _get(client, "/v1/risk", **DYAD) == (risk, kept)
    assert _get(client, "/v1/statements", actor="hezbollah") == (page, kept)
    assert _get(client, "/v1/risk", **DYAD) == (risk, "hit")  # stored under the new version
    store(engine, LATER, actor="Hezbollah", target="Israel", severity=3, hours_ago=1)
    after, how = _get(client, "/v1/risk", **DYAD)
    assert how == "miss" and after["n_statements"] == 2
    newer, how = _get(client, "/v1/statements", actor="hezbollah")
    assert how == "miss" and newer != page


def test_the_app_finishes_answers_prepared_ahead_before_it_stops(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turn = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    monkeypatch.setattr(risk_api, "utcnow", lambda: turn - timedelta(seconds=5))
    finished: list[datetime] = []
    compute = risk_api._risk_json

    def slow(*args: Any) -> bytes:
        body = compute(*args)
        if args[3] == turn:  # the one prepared ahead: still running when the test leaves
            time.sleep(0.3)
            finished.append(args[3])
        return body

    monkeypatch.setattr(risk_api, "_risk_json", slow)
    settings = make_settings(database_url, tmp_path, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(settings)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        assert _get(test_client, "/v1/risk", **DYAD)[1] == "miss"
    assert finished == [turn]  # the shutdown waited for it
