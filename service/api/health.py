"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from service.deps import RuntimeDep, SessionDep
from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(runtime: RuntimeDep, session: SessionDep) -> Health:
    """Up, with the loaded model's version and a database round trip."""
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return Health(status="ok", model_version=runtime.scorer.version, database="ok")
