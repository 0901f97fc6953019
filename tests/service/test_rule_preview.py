"""Previews of trigger and risk rules on stored history, through the real app, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from service.rule_preview import MAX_RISK_STEPS, Window, risk_steps
from tests.service.risk_fixtures import client, engine_of, store

__all__ = ["client"]

# Written for these tests.
THREAT = "Hezbollah said Israel would pay a heavy price if Israeli drones struck the port of Tyre."
CONDITION = "if Israeli drones struck the port of Tyre"
REPORT = "Israeli drones struck the port of Tyre before dawn, residents told reporters."
PRESSURE = "Hezbollah vowed to hit northern Israel should the shelling of its villages carry on."

DAY = 86_400


def _preview(client: TestClient, rule: dict[str, Any], **request: Any) -> dict[str, Any]:
    body = {"rule": {"name": "preview-me", "group_wait_s": 0, **rule}, **request}
    response = client.post("/v1/admin/rules/preview", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _threat_with_reports(client: TestClient, reports: int) -> tuple[int, list[int]]:
    """A conditional threat said ten hours ago, then `reports` reports of its condition."""
    engine = engine_of(client)
    threat = store(
        engine,
        THREAT,
        actor="Hezbollah",
        target="Israel",
        condition=CONDITION,
        conditional=0.9,
        severity=3,
        hours_ago=10,
    )
    seen = [
        store(engine, REPORT, actor="Israeli drones", threat=0.05, severity=0, hours_ago=h)
        for h in range(reports, 0, -1)
    ]
    return threat, seen


def _trigger(filters: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "trigger", "threshold": 0.5, "filters": filters}


def test_a_trigger_rule_that_matches_the_threat_counts_its_observation(
    client: TestClient,
) -> None:
    threat, (report,) = _threat_with_reports(client, 1)
    result = _preview(client, _trigger({"actors": ["hezbollah"]}), window_s=DAY)
    assert (result["statements"], result["alerts"], result["groups"]) == (1, 1, 1)
    (example,) = result["examples"]
    assert example["statement_id"] == threat and example["text"] == THREAT
    assert example["report_statement_id"] == report and example["report_text"] == REPORT
    assert example["severity"] == 3 and example["fired_at"] is not None


def test_a_trigger_rule_whose_filters_exclude_the_threat_counts_nothing(
    client: TestClient,
) -> None:
    _threat_with_reports(client, 1)
    for filters in ({"actors": ["houthis"]}, {"keywords": ["Hodeidah"]}):
        result = _preview(client, _trigger(filters), window_s=DAY)
        assert (result["statements"], result["alerts"], result["examples"]) == (1, 0, [])


def test_only_the_first_report_of_a_condition_would_alert(client: TestClient) -> None:
    _, (first, _second) = _threat_with_reports(client, 2)
    result = _preview(client, _trigger({}), window_s=DAY)
    assert result["alerts"] == 1
    assert result["examples"][0]["report_statement_id"] == first


def test_a_trigger_observed_before_the_window_is_not_counted(client: TestClient) -> None:
    _threat_with_reports(client, 1)  # the report is an hour old
    result = _preview(client, _trigger({}), window_s=1800)
    assert (result["statements"], result["alerts"]) == (0, 0)


def _pressure(client: TestClient) -> list[int]:
    """Three threats by Hezbollah against Israel, one, two and three hours ago."""
    return [
        store(engine_of(client), PRESSURE, actor="Hezbollah", target="Israel", hours_ago=h)
        for h in (1, 2, 3)
    ]


def _risk(threshold: float, for_s: float = 0.0) -> dict[str, Any]:
    return {
        "kind": "risk",
        "threshold": threshold,
        "for_s": for_s,
        "window_s": DAY,
        "filters": {"actors": ["hezbollah"], "targets": ["ISR"]},
    }


def test_a_risk_rule_below_the_stored_risk_fires_once(client: TestClient) -> None:
    stored = _pressure(client)
    result = _preview(client, _risk(0.1), window_s=DAY)
    assert (result["statements"], result["alerts"], result["groups"]) == (3, 1, 1)
    assert result["step_s"] == 3600
    (example,) = result["examples"]
    assert example["score"] >= 0.1 and example["trend"] is not None
    assert example["statement_id"] in stored and example["text"] == PRESSURE
    assert example["fired_at"] == example["scored_at"]


def test_a_risk_rule_above_the_stored_risk_never_fires(client: TestClient) -> None:
    _pressure(client)
    result = _preview(client, _risk(0.99), window_s=DAY)
    assert (result["statements"], result["alerts"], result["examples"]) == (3, 0, [])


def test_a_risk_rule_fires_only_once_its_for_has_elapsed(client: TestClient) -> None:
    _pressure(client)
    held = _preview(client, _risk(0.05, for_s=7200), window_s=DAY)
    assert held["alerts"] == 1
    fired_at = datetime.fromisoformat(held["examples"][0]["fired_at"])
    until = datetime.fromisoformat(held["until"])
    assert until - fired_at == timedelta(hours=1)  # active from 3 h before, held 2 h
    too_long = _preview(client, _risk(0.05, for_s=2 * DAY), window_s=DAY)
    assert too_long["alerts"] == 0


def test_a_risk_rule_without_a_subject_cannot_be_previewed(client: TestClient) -> None:
    rule = {"name": "nobody", "kind": "risk", "threshold": 0.1}
    response = client.post("/v1/admin/rules/preview", json={"rule": rule})
    assert response.status_code == 422


def test_long_windows_are_replayed_in_at_most_the_step_limit() -> None:
    until = datetime(2026, 1, 1)
    step, times = risk_steps(Window(until - timedelta(days=365), until))
    assert len(times) == MAX_RISK_STEPS and times[-1] == until and step > timedelta(hours=1)
    step, times = risk_steps(Window(until - timedelta(hours=5), until))
    assert step == timedelta(hours=1) and len(times) == 5
