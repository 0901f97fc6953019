"""Conditional threats under watch, with their trigger status and linked reports."""

from __future__ import annotations

from fastapi import APIRouter

from service import triggers
from service.deps import SessionDep
from service.schemas_risk import ThreatRead

router = APIRouter(prefix="/v1/threats", tags=["threats"])


@router.get("/{threat_id}", response_model=ThreatRead)
def get_threat(threat_id: int, session: SessionDep) -> ThreatRead:
    """One conditional threat: condition, action, trigger status and linked statements."""
    return triggers.get_threat(session, threat_id=threat_id)
