"""API keys (admin): create one (its token is shown once), list, revoke."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import col, select

from service import auth
from service.deps import SessionDep
from service.schemas_risk import KeyCreate, KeyCreated, KeyRead
from service.tables import ApiKey

router = APIRouter(prefix="/v1/admin/keys", tags=["admin"])


@router.post("", response_model=KeyCreated, status_code=201)
def create_key(body: KeyCreate, session: SessionDep) -> KeyCreated:
    """A new key with scope `read` or `admin`."""
    row, token = auth.create_key(session, name=body.name, scope=auth.Scope(body.scope))
    return KeyCreated(**row.model_dump(exclude={"key_hash"}), token=token)


@router.get("", response_model=list[KeyRead])
def list_keys(session: SessionDep) -> list[KeyRead]:
    """Every key, without secrets."""
    rows = session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()
    return [KeyRead(**r.model_dump(exclude={"key_hash"})) for r in rows]


@router.delete("/{key_id}", response_model=KeyRead)
def revoke_key(key_id: int, session: SessionDep) -> KeyRead:
    """Revokes a key; requests with it get 401 from now on."""
    return KeyRead(**auth.revoke_key(session, key_id=key_id).model_dump(exclude={"key_hash"}))
