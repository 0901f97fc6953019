"""Scheduled jobs: each calls one service function that tests call directly."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from scoring.risk import RiskParams
from service.alert_groups import flush_due_groups
from service.ingest import PollResult, poll_due_feeds
from service.outbox import DrainReport
from service.risk import StoredRisk
from service.risk_alerts import RiskOutcome, evaluate_risk_rules
from service.runtime import Runtime
from service.times import utcnow

logger = logging.getLogger(__name__)


def poll_feeds(runtime: Runtime) -> list[PollResult]:
    """Polls the due feeds, then sends what they fired without waiting for the next drain."""
    results = poll_due_feeds(
        runtime.engine,
        fetcher=runtime.fetcher,
        scorer=runtime.scorer,
        policy=runtime.policy,
        options=runtime.ingest,
    )
    deliver_alerts(runtime)
    return results


def deliver_alerts(runtime: Runtime) -> DrainReport:
    """Writes the notifications of groups now due, then sends the due deliveries."""
    flush_due_groups(runtime.engine)
    return runtime.courier.drain()


def evaluate_risk(runtime: Runtime) -> list[RiskOutcome]:
    """Evaluates every risk rule against the stored risk, then sends what fired."""
    source = StoredRisk(runtime.engine, RiskParams(half_life_h=runtime.settings.risk_half_life_h))
    outcomes = evaluate_risk_rules(runtime.engine, source=source, policy=runtime.policy)
    deliver_alerts(runtime)
    return outcomes


def build_scheduler(runtime: Runtime, *, first_run: datetime | None = None) -> BackgroundScheduler:
    """A scheduler polling feeds and draining the outbox; the first poll runs at once."""
    scheduler = BackgroundScheduler(timezone="UTC")
    common = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    scheduler.add_job(
        poll_feeds,
        "interval",
        args=[runtime],
        seconds=runtime.settings.poll_interval_s,
        id="poll_feeds",
        next_run_time=first_run or utcnow(),
        **common,
    )
    scheduler.add_job(
        deliver_alerts,
        "interval",
        args=[runtime],
        seconds=runtime.settings.delivery_interval_s,
        id="deliver_alerts",
        **common,
    )
    scheduler.add_job(
        evaluate_risk,
        "interval",
        args=[runtime],
        seconds=runtime.settings.risk_rules_interval_s,
        id="evaluate_risk",
        **common,
    )
    return scheduler
