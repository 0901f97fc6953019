"""Grouping, risk rules (for, hysteresis, resolved) and trigger rules on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlmodel import Session, select

from service.alert_groups import flush_due_groups
from service.alerting import AlertPolicy, on_trigger_observed
from service.risk_alerts import evaluate_risk_rules
from service.runtime import Runtime, build_runtime
from service.tables import AlertRule, Delivery, Subscription, SubscriptionRule
from service.times import utcnow
from tests.service.alerting_helpers import store
from tests.service.helpers import make_settings


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(make_settings(database_url, tmp_path))
    yield rt
    rt.close()


def _rule(runtime: Runtime, url: str, **fields: Any) -> int:
    with Session(runtime.engine) as session:
        rule = AlertRule(**{"name": "r", "kind": "statement", "threshold": 0.7, **fields})
        sub = Subscription(channel="webhook", address=url, secret=None)
        session.add_all([rule, sub])
        session.flush()
        assert rule.id is not None and sub.id is not None
        session.add(SubscriptionRule(subscription_id=sub.id, rule_id=rule.id))
        session.commit()
        return rule.id


def _bodies(httpserver: HTTPServer) -> list[dict[str, Any]]:
    return [json.loads(r.get_data()) for r, _ in httpserver.log]


def test_many_statements_in_one_group_make_one_notification(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _rule(runtime, httpserver.url_for("/hook"), group_by=["dyad"], group_wait_s=30)
    for _ in range(3):
        store(runtime.engine)
    store(runtime.engine, actor="the navy")
    runtime.courier.drain()
    assert not httpserver.log  # still inside group_wait
    flush_due_groups(runtime.engine, utcnow() + timedelta(seconds=31))
    runtime.courier.drain()
    bodies = sorted(_bodies(httpserver), key=lambda b: len(b["alerts"]))
    assert [len(b["alerts"]) for b in bodies] == [1, 3]
    assert bodies[1]["group"]["labels"] == {"dyad": "the militia->the port"}
    assert bodies[1]["reason"] == "first"


def test_group_interval_batches_what_came_after_the_first_notification(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _rule(runtime, httpserver.url_for("/hook"), group_wait_s=0, group_interval_s=300)
    store(runtime.engine)  # group_wait 0: notified in the storing transaction
    store(runtime.engine)
    store(runtime.engine)
    runtime.courier.drain()
    assert [len(b["alerts"]) for b in _bodies(httpserver)] == [1]
    assert flush_due_groups(runtime.engine, utcnow() + timedelta(seconds=100)) == 0
    flush_due_groups(runtime.engine, utcnow() + timedelta(seconds=301))
    runtime.courier.drain()
    bodies = _bodies(httpserver)
    assert [len(b["alerts"]) for b in bodies] == [1, 2]
    assert bodies[1]["reason"] == "interval_due"


class Scripted:
    """Stands in for the risk scores being built elsewhere: returns the values it was given."""

    def __init__(self, values: list[tuple[float, float]]) -> None:
        self.values = values
        self.asked: list[dict[str, Any]] = []

    def risk(self, **query: Any) -> tuple[float, float]:
        self.asked.append(query)
        return self.values.pop(0)


def test_risk_rule_fires_after_for_and_resolves_below_hysteresis(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _rule(
        runtime,
        httpserver.url_for("/hook"),
        kind="risk",
        threshold=0.6,
        for_s=120,
        hysteresis=0.1,
        filters={"actors": ["Militia"], "targets": ["Port"]},
        group_wait_s=0,
        group_interval_s=0,
    )
    source = Scripted([(0.7, 0.1), (0.7, 0.1), (0.7, 0.1), (0.55, 0.0), (0.45, -0.1)])
    t0, policy, notes = utcnow(), AlertPolicy(), []
    for minute in range(5):
        now = t0 + timedelta(minutes=minute)
        (outcome,) = evaluate_risk_rules(runtime.engine, source=source, policy=policy, now=now)
        notes.append(outcome.notify)
    assert notes == [None, None, "firing", None, "resolved"]
    assert source.asked[0]["actor"] == "Militia" and source.asked[0]["window"].days == 1
    runtime.courier.drain()
    # Sent concurrently, so arrival order is not promised; created_at orders them.
    bodies = sorted(_bodies(httpserver), key=lambda b: b["created_at"])
    assert [b["status"] for b in bodies] == ["firing", "resolved"]
    assert bodies[0]["alerts"][0]["risk"] == {"score": 0.7, "trend": 0.1}
    assert bodies[1]["alerts"][0]["risk"]["score"] == 0.45


def test_trigger_rule_fires_when_the_condition_is_observed(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _rule(runtime, httpserver.url_for("/hook"), kind="trigger", group_wait_s=0)
    threat = store(runtime.engine, escalation=0.1)
    report = store(runtime.engine, escalation=0.1, text="The blockade went on today.")
    with Session(runtime.engine) as session:
        alerts = on_trigger_observed(
            session, threat_statement_id=threat, report_statement_id=report, policy=AlertPolicy()
        )
        reasons = [a.reason for a in alerts]
        session.commit()
    assert reasons == ["trigger_observed"]
    runtime.courier.drain()
    (body,) = _bodies(httpserver)
    assert body["rule"]["kind"] == "trigger"
    assert body["alerts"][0]["labels"]["report"] == str(report)
    with Session(runtime.engine) as session:
        assert session.exec(select(Delivery)).one().statement_id == threat


def test_the_per_channel_rate_limit_holds_back_the_rest(
    database_url: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    settings = make_settings(database_url, tmp_path, delivery_rate_per_s={"webhook": 2})
    runtime = build_runtime(settings)
    try:
        _rule(runtime, httpserver.url_for("/hook"), group_by=["statement"], group_wait_s=0)
        for _ in range(5):
            store(runtime.engine)
        report = runtime.courier.drain()
        assert (report.sent, len(httpserver.log)) == (2, 2)
        with Session(runtime.engine) as session:
            statuses = sorted(d.status for d in session.exec(select(Delivery)).all())
        assert statuses == ["pending"] * 3 + ["sent"] * 2  # held back, not lost
    finally:
        runtime.close()


def test_410_gone_disables_the_subscription_and_no_secret_reaches_the_logs(
    runtime: Runtime, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    httpserver.expect_request("/hook/token-in-path").respond_with_data("gone", status=410)
    _rule(
        runtime,
        httpserver.url_for("/hook/token-in-path"),
        group_by=["statement"],
        group_wait_s=0,
        group_interval_s=0,
    )
    with Session(runtime.engine) as session:
        sub = session.exec(select(Subscription)).one()
        sub.secret = "whsec_c2VjcmV0LXNob3VsZC1uZXZlci1sZWFr"
        session.add(sub)
        session.commit()
    store(runtime.engine)
    runtime.courier.drain()
    store(runtime.engine)
    runtime.courier.drain()
    assert len(httpserver.log) == 1
    with Session(runtime.engine) as session:
        assert session.exec(select(Subscription)).one().enabled is False
        rows = session.exec(select(Delivery)).all()  # none queued for the disabled subscription
        assert [(d.status, d.last_error) for d in rows] == [("dead", "HTTP 410")]
    ours = " ".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")  # receiver's
    assert "disabled" in ours and "token-in-path" not in ours and "c2VjcmV0" not in ours
