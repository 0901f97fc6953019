"""The FastAPI application: `create_app(settings)` builds everything, nothing happens at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import problems
from service.api import actors, health, keys, risk, score, statements, threats
from service.auth import admin_access, read_access
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
    for router in (score.router, statements.router, risk.router, threats.router, actors.router):
        app.include_router(router, dependencies=[read_access])
    for router in (actors.admin_router, keys.router):
        app.include_router(router, dependencies=[admin_access])
    return app
