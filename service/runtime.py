"""Everything a running Redline needs, built from Settings alone (no import-time state)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine

from alerts import Backoff, Notifier, RateLimits
from scoring import Scorer, load_scorer
from service.alerting import AlertPolicy
from service.config import Settings
from service.db import make_engine, upgrade
from service.feeds import import_feeds
from service.fetch import USER_AGENT, FeedFetcher, make_fetch_client
from service.fulltext import FullText
from service.ingest import IngestOptions, register_feed
from service.metrics import AlertMetrics
from service.notifiers import build_notifiers
from service.outbox import Courier
from service.rule_admin import bootstrap

SAMPLE_DIR = Path(__file__).parent / "sample"
SAMPLE_FEED = SAMPLE_DIR / "sample_feed.xml"


@dataclass
class Runtime:
    """The engine, model, clients and alert policy shared by the API and the jobs."""

    settings: Settings
    engine: Engine
    scorer: Scorer
    fetcher: FeedFetcher
    notifiers: dict[str, Notifier]
    policy: AlertPolicy
    backoff: Backoff
    clients: list[httpx.Client]
    courier: Courier
    metrics: AlertMetrics
    ingest: IngestOptions = field(default_factory=IngestOptions)

    def close(self) -> None:
        self.courier.close()
        for client in self.clients:
            client.close()
        self.engine.dispose()


def build_courier(
    settings: Settings, engine: Engine, notifiers: dict[str, Notifier], metrics: AlertMetrics
) -> Courier:
    """The outbox worker, sized and paced by the delivery settings."""
    return Courier(
        engine=engine,
        notifiers=notifiers,
        backoff=Backoff(settings.delivery_backoff_s, settings.delivery_backoff_max_s),
        max_attempts=settings.delivery_max_attempts,
        limits=RateLimits(settings.delivery_rate_per_s),
        metrics=metrics,
        batch=settings.delivery_batch,
        concurrency=settings.delivery_concurrency,
        lease_s=settings.delivery_lease_s,
    )


def build_runtime(settings: Settings) -> Runtime:
    """Connects, upgrades the schema to head, loads the model once, registers the sample feed."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    fetch_client = make_fetch_client(
        connect_timeout_s=settings.fetch_connect_timeout_s,
        read_timeout_s=settings.fetch_timeout_s,
        max_redirects=settings.fetch_max_redirects,
        max_connections=settings.fetch_concurrency,
    )
    alert_client = httpx.Client(
        timeout=settings.delivery_timeout_s,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=settings.delivery_concurrency * 2),
    )
    bootstrap(engine, settings)
    notifiers = build_notifiers(settings, alert_client)
    metrics = AlertMetrics(engine)
    backoff = Backoff(settings.delivery_backoff_s, settings.delivery_backoff_max_s)
    if settings.sample_feed:
        register_feed(engine, SAMPLE_FEED.resolve().as_uri(), interval_s=settings.poll_interval_s)
    if settings.feeds_file is not None:
        import_feeds(engine, settings.feeds_file, interval_s=settings.poll_interval_s)
    fetcher = FeedFetcher(
        fetch_client,
        max_bytes=settings.max_feed_bytes,
        file_dirs=[SAMPLE_DIR, *settings.file_feed_dirs],
    )
    return Runtime(
        settings=settings,
        engine=engine,
        scorer=load_scorer(settings.model_path),
        fetcher=fetcher,
        notifiers=notifiers,
        policy=AlertPolicy(metrics=metrics, alert_ttl_s=settings.alert_ttl_s),
        backoff=backoff,
        clients=[fetch_client, alert_client],
        courier=build_courier(settings, engine, notifiers, metrics),
        metrics=metrics,
        ingest=IngestOptions(
            concurrency=settings.fetch_concurrency,
            lease_s=settings.feed_lease_s,
            replica=f"{socket.gethostname()}:{os.getpid()}"[:64],
            full_text=FullText(fetcher, min_chars=settings.full_text_min_chars)
            if settings.full_text
            else None,
        ),
    )
