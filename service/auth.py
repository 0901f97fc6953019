"""API keys with scopes, sent as bearer tokens; only a hash of each key is stored.

A key reads `rl_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole
key is compared in constant time. Keys are 256-bit random tokens, so a fast hash is the
right tool (a slow password KDF protects low-entropy secrets and would cost every request
tens of milliseconds). The `admin_api_key` setting is a first admin key that needs no row.

A verified key is remembered for `CACHE_TTL_S` seconds per process, which spares a query on
every request; revoking clears that memory in the revoking process at once, and other
processes stop accepting the key within `CACHE_TTL_S`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from service.deps import RuntimeDep, SessionDep
from service.lookup import get_or_404
from service.tables import ApiKey
from service.times import utcnow

logger = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer rl_...`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
CACHE_TTL_S = 5.0
_verified: dict[tuple[str, str], tuple[float, Scope]] = {}  # (database, digest) -> scope
_verified_lock = threading.Lock()


class Scope(StrEnum):
    """What a key may do; `label` includes `read`, and `admin` includes both."""

    READ = "read"
    LABEL = "label"
    ADMIN = "admin"


# The scopes that grant each scope.
_GRANTED_BY = {
    Scope.READ: frozenset(Scope),
    Scope.LABEL: frozenset({Scope.LABEL, Scope.ADMIN}),
    Scope.ADMIN: frozenset({Scope.ADMIN}),
}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(session: Session, *, name: str, scope: Scope) -> tuple[ApiKey, str]:
    """Stores a new key and returns it with its token, which is shown once and never stored."""
    prefix = secrets.token_hex(4)
    token = f"rl_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=_digest(token), scope=scope.value)
    session.add(row)
    session.commit()
    session.refresh(row)
    logger.info("api key %s created with scope %s", prefix, scope.value)
    return row, token


def revoke_key(session: Session, *, key_id: int) -> ApiKey:
    """Marks a key revoked; it stops working at once."""
    row = get_or_404(session, ApiKey, key_id, "API key")
    if row.revoked_at is None:
        with _verified_lock:
            _verified.clear()
        row.revoked_at = utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def _key_row(session: Session, token: str) -> ApiKey | None:
    """The stored, unrevoked key `token` is, or None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "rl":
        return None
    row = session.exec(select(ApiKey).where(col(ApiKey.prefix) == parts[1])).first()
    if row is None or row.revoked_at is not None:
        return None
    return row if hmac.compare_digest(_digest(token), row.key_hash) else None


def _is_admin_setting(token: str, admin_token: str | None) -> bool:
    return admin_token is not None and hmac.compare_digest(_digest(token), _digest(admin_token))


def scope_of(session: Session, token: str, *, admin_token: str | None) -> Scope | None:
    """The scope a token grants, or None for a wrong, unknown or revoked token."""
    if _is_admin_setting(token, admin_token):
        return Scope.ADMIN
    row = _key_row(session, token)
    return Scope(row.scope) if row is not None else None


def _admin_token(runtime: RuntimeDep) -> str | None:
    secret = runtime.settings.admin_api_key
    return secret.get_secret_value() if secret is not None else None


def _remembered(engine: Engine, token: str) -> Scope | None:
    with _verified_lock:
        hit = _verified.get((str(engine.url), _digest(token)))
    return hit[1] if hit is not None and hit[0] > time.monotonic() else None


def _looked_up(engine: Engine, token: str, admin_token: str | None) -> Scope | None:
    with Session(engine) as session:
        granted = scope_of(session, token, admin_token=admin_token)
    if granted is not None:  # only good keys are remembered: a wrong one is asked again
        with _verified_lock:
            _verified[(str(engine.url), _digest(token))] = (
                time.monotonic() + CACHE_TTL_S,
                granted,
            )
    return granted


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def require(scope: Scope) -> Callable[[RuntimeDep, Credentials], Awaitable[Scope]]:
    """A dependency: 401 without a valid key, 403 when the key's scope is too narrow."""

    async def check(runtime: RuntimeDep, credentials: Credentials) -> Scope:
        # async, so a remembered key costs no thread hop; a lookup runs in the threadpool.
        if credentials is None:
            raise HTTPException(401, "an API key is required (Authorization: Bearer)", _CHALLENGE)
        token = credentials.credentials
        granted = _remembered(runtime.engine, token) or await run_in_threadpool(
            _looked_up, runtime.engine, token, _admin_token(runtime)
        )
        if granted is None:
            raise HTTPException(401, "unknown or revoked API key", _CHALLENGE)
        if granted not in _GRANTED_BY[scope]:
            raise HTTPException(403, f"this route needs an API key with the {scope} scope")
        return granted

    return check


def caller(runtime: RuntimeDep, session: SessionDep, credentials: Credentials) -> str:
    """A dependency for routes behind `require`: the name of the caller's key, "admin" for
    the `admin_api_key` setting (read in the route's own session)."""
    token = credentials.credentials if credentials is not None else ""
    if _is_admin_setting(token, _admin_token(runtime)):
        return "admin"
    row = _key_row(session, token)
    if row is None:  # revoked since `require` let it in
        raise HTTPException(401, "unknown or revoked API key", _CHALLENGE)
    return row.name


Caller = Annotated[str, Depends(caller)]
read_access = Depends(require(Scope.READ))
label_access = Depends(require(Scope.LABEL))
admin_access = Depends(require(Scope.ADMIN))
