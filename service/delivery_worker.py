"""The delivery worker: flushes due alert groups and drains the outbox until told to stop."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from service.alert_groups import flush_due_groups
from service.config import Settings
from service.db import make_engine, upgrade
from service.fetch import USER_AGENT
from service.metrics import AlertMetrics
from service.notifiers import build_notifiers
from service.outbox import Courier
from service.runtime import build_courier

logger = logging.getLogger(__name__)


@dataclass
class DeliveryWorker:
    """Everything a stand-alone worker needs: no model, no scheduler, no HTTP server."""

    engine: Engine
    courier: Courier
    client: httpx.Client

    def step(self) -> int:
        """One round: due groups notified, due deliveries sent; returns how many were tried."""
        flush_due_groups(self.engine)
        report = self.courier.drain()
        return report.sent + report.retried + report.dead

    def run(self, stop: threading.Event, *, poll_s: float) -> None:
        """Loops until `stop` is set, sleeping `poll_s` whenever there was nothing to do."""
        while not stop.is_set():
            try:
                busy = self.step()
            except Exception:
                logger.exception("delivery round failed; trying again")
                busy = 0
            if not busy:
                stop.wait(poll_s)

    def close(self) -> None:
        self.courier.close()
        self.client.close()
        self.engine.dispose()


def build_worker(settings: Settings, engine: Engine | None = None) -> DeliveryWorker:
    engine = engine or make_engine(settings.database_url)
    upgrade(engine)
    client = httpx.Client(
        timeout=settings.delivery_timeout_s,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=settings.delivery_concurrency * 2),
    )
    notifiers = build_notifiers(settings, client)
    courier = build_courier(settings, engine, notifiers, AlertMetrics())
    return DeliveryWorker(engine=engine, courier=courier, client=client)
