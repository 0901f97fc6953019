"""The gazetteer: read canonical actors; admins add actors and aliases."""

from __future__ import annotations

from fastapi import APIRouter

from scoring.actors import Actor
from service import actor_registry
from service.deps import SessionDep
from service.schemas_risk import ActorCreate, ActorRead, AliasCreate

router = APIRouter(prefix="/v1/actors", tags=["actors"])
admin_router = APIRouter(prefix="/v1/admin/actors", tags=["admin"])


def _read(actor: Actor) -> ActorRead:
    return ActorRead(
        id=actor.id,
        name=actor.name,
        kind=actor.kind,
        country=actor.country,
        aliases=list(actor.aliases),
    )


@router.get("/{actor_id}", response_model=ActorRead)
def get_actor(actor_id: str, session: SessionDep) -> ActorRead:
    """One canonical actor with its aliases."""
    return _read(actor_registry.get_actor(session, actor_id=actor_id))


@admin_router.post("", response_model=ActorRead, status_code=201)
def add_actor(body: ActorCreate, session: SessionDep) -> ActorRead:
    """Adds an actor; new statements resolve its aliases from now on."""
    actor = actor_registry.add_actor(
        session,
        actor_id=body.id,
        name=body.name,
        kind=body.kind,
        country=body.country,
        aliases=body.aliases,
    )
    return _read(actor)


@admin_router.post("/{actor_id}/aliases", response_model=ActorRead, status_code=201)
def add_alias(actor_id: str, body: AliasCreate, session: SessionDep) -> ActorRead:
    """Adds an alias to a shipped or added actor."""
    return _read(actor_registry.add_alias(session, actor_id=actor_id, alias=body.alias))
