"""The scheduled risk job: risk rules read the risk of the stored statements, end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlmodel import Session

from service.jobs import evaluate_risk
from service.runtime import Runtime, build_runtime
from service.tables import AlertRule, Subscription, SubscriptionRule
from tests.service import risk_fixtures
from tests.service.helpers import make_settings

# Own words.
THREAT = (
    "Hezbollah warned that it would strike northern Israel if the shelling of its villages went on."
)


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(make_settings(database_url, tmp_path))
    yield rt
    rt.close()


def _risk_rule(runtime: Runtime, url: str) -> None:
    with Session(runtime.engine) as session:
        rule = AlertRule(
            name="hezbollah-israel",
            kind="risk",
            threshold=0.3,
            for_s=0,
            hysteresis=0.05,
            window_s=7 * 86400,
            filters={"actors": ["hezbollah"], "targets": ["ISR"]},
            group_wait_s=0,
            group_interval_s=0,
        )
        subscription = Subscription(channel="webhook", address=url, secret="whsec_dGVzdHNlY3JldA==")
        session.add_all([rule, subscription])
        session.flush()
        assert rule.id is not None and subscription.id is not None
        session.add(SubscriptionRule(subscription_id=subscription.id, rule_id=rule.id))
        session.commit()


def test_a_risk_rule_fires_on_the_risk_of_stored_statements(
    runtime: Runtime, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _risk_rule(runtime, httpserver.url_for("/hook"))

    (quiet,) = evaluate_risk(runtime)  # nothing stored: no risk, nothing fires
    assert quiet.notify is None and not httpserver.log

    for hours_ago in (1, 2, 3):
        risk_fixtures.store(
            runtime.engine,
            THREAT,
            actor="Hezbollah",
            target="Israel",
            condition="if the shelling of its villages went on",
            conditional=0.9,
            hours_ago=hours_ago,
        )
    (fired,) = evaluate_risk(runtime)

    assert fired.notify == "firing"
    ((request, _),) = httpserver.log
    body = json.loads(request.get_data())
    assert body["status"] == "firing"
    assert body["alerts"][0]["risk"]["score"] >= 0.3
