"""Silences, for admins: mute alerts matching label matchers until they expire."""

from __future__ import annotations

from fastapi import APIRouter

from service import alert_admin
from service.deps import SessionDep
from service.schemas_alerting import SilenceCreate, SilenceList, SilenceRead
from service.times import utcnow

router = APIRouter(prefix="/v1/admin/silences", tags=["silences"])


@router.post("", response_model=SilenceRead, status_code=201)
def create_silence(body: SilenceCreate, session: SessionDep) -> SilenceRead:
    return alert_admin.silence_read(alert_admin.create_silence(session, spec=body), utcnow())


@router.get("", response_model=SilenceList)
def list_silences(session: SessionDep) -> SilenceList:
    now = utcnow()
    rows = alert_admin.list_silences(session)
    return SilenceList(silences=[alert_admin.silence_read(r, now) for r in rows])


@router.get("/{silence_id}", response_model=SilenceRead)
def get_silence(silence_id: int, session: SessionDep) -> SilenceRead:
    return alert_admin.silence_read(alert_admin.get_silence(session, silence_id), utcnow())


@router.delete("/{silence_id}", response_model=SilenceRead)
def expire_silence(silence_id: int, session: SessionDep) -> SilenceRead:
    """Expires the silence now; it stays listed as expired."""
    row = alert_admin.expire_silence(session, silence_id=silence_id)
    return alert_admin.silence_read(row, utcnow())
