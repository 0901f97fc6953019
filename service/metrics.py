"""Prometheus metrics of alerting, on a registry of the runtime's own (no global state)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from service.tables import Delivery

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600)


class _QueueDepth(Collector):
    """Deliveries per status, counted in the database at scrape time (works across workers)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "redline_delivery_queue_depth", "Deliveries by status.", labels=["status"]
        )
        with Session(self._engine) as session:
            rows = session.exec(
                select(Delivery.status, func.count()).group_by(col(Delivery.status))
            ).all()
        counts = {"pending": 0, "sending": 0, "dead": 0} | {s: int(n) for s, n in rows}
        for status, n in sorted(counts.items()):
            gauge.add_metric([status], n)
        yield gauge


class AlertMetrics:
    """Alerts fired, deliveries by channel and outcome, delivery latency, queue depth."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.registry = CollectorRegistry()
        self.alerts_fired = Counter(
            "redline_alerts_fired", "Alerts fired, by rule kind.", ["kind"], registry=self.registry
        )
        self.deliveries = Counter(
            "redline_deliveries",
            "Delivery attempts, by channel and outcome.",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "redline_delivery_latency_seconds",
            "From the delivery written to it sent.",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        if engine is not None:
            self.registry.register(_QueueDepth(engine))
