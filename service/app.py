"""The FastAPI application: `create_app(settings)` builds everything, nothing happens at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import problems
from service.api import (
    actors,
    deliveries,
    feeds,
    health,
    items,
    keys,
    labels,
    metrics,
    model,
    risk,
    rules,
    score,
    silences,
    statements,
    subscriptions,
    threats,
)
from service.auth import admin_access, label_access, read_access
from service.config import Settings
from service.jobs import build_scheduler
from service.limits import BodyLimit
from service.runtime import build_runtime

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings` (read from the environment when not given)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        app.state.runtime = runtime
        scheduler = build_scheduler(runtime) if settings.scheduler_enabled else None
        if scheduler is not None:
            scheduler.start()
        logger.info("redline up: model %s", runtime.scorer.version)
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)
            runtime.close()

    app = FastAPI(
        title="Redline",
        version="0.1.0",
        summary="Conditional threats in the news, scored, with alerts when escalation climbs.",
        lifespan=lifespan,
    )
    problems.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.include_router(health.router)
    app.include_router(metrics.router)  # scraped by Prometheus, like /healthz left open
    read_routers = (
        score.router,
        model.router,
        statements.router,
        risk.router,
        threats.router,
        actors.router,
    )
    for router in (*read_routers, subscriptions.router, deliveries.router, items.router):
        app.include_router(router, dependencies=[read_access])
    app.include_router(labels.router, dependencies=[read_access])
    app.include_router(labels.label_router, dependencies=[label_access])
    admin_routers = (actors.admin_router, keys.router, rules.router, silences.router)
    for router in (*admin_routers, deliveries.admin_router, feeds.router, items.admin_router):
        app.include_router(router, dependencies=[admin_access])
    return app
