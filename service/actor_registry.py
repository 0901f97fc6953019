"""The gazetteer in use: the shipped actors plus those added through the admin API."""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlmodel import Session, select

from scoring.actors import Actor as GazetteerActor
from scoring.actors import Gazetteer, load_gazetteer
from service.errors import ConflictError, NotFoundError
from service.tables import Actor, ActorAlias

_lock = threading.Lock()
# Per database: (number of added actors and aliases, gazetteer). Additions only grow, so the
# counts tell when the cached gazetteer is stale.
_cache: dict[str, tuple[tuple[int, int], Gazetteer]] = {}


def _generation(session: Session) -> tuple[int, int]:
    actors = session.exec(select(func.count()).select_from(Actor)).one()
    aliases = session.exec(select(func.count()).select_from(ActorAlias)).one()
    return int(actors), int(aliases)


def _build(session: Session) -> Gazetteer:
    gazetteer = load_gazetteer()
    for row in session.exec(select(Actor)).all():
        gazetteer.add(GazetteerActor(row.id, row.name, row.kind, row.country))
    for alias in session.exec(select(ActorAlias)).all():
        if alias.actor_id in gazetteer.actors:
            gazetteer.add_alias(alias.actor_id, alias.alias)
    return gazetteer


def gazetteer_for(session: Session) -> Gazetteer:
    """The gazetteer of this session's database, rebuilt only after additions."""
    key = str(session.get_bind().engine.url)
    generation = _generation(session)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
    gazetteer = _build(session)
    with _lock:
        _cache[key] = (generation, gazetteer)
    return gazetteer


def add_actor(
    session: Session,
    *,
    actor_id: str,
    name: str,
    kind: str,
    country: str | None,
    aliases: list[str],
) -> GazetteerActor:
    """Adds an actor (with aliases) to the database's gazetteer; ids are unique."""
    if actor_id in gazetteer_for(session).actors:
        raise ConflictError(f"actor {actor_id!r} exists already")
    session.add(Actor(id=actor_id, name=name, kind=kind, country=country))
    session.flush()
    for alias in aliases:
        _add_alias_row(session, actor_id, alias)
    session.commit()
    return gazetteer_for(session).actors[actor_id]


def add_alias(session: Session, *, actor_id: str, alias: str) -> GazetteerActor:
    """Adds one alias to a shipped or added actor."""
    if actor_id not in gazetteer_for(session).actors:
        raise NotFoundError(f"no actor {actor_id!r}")
    _add_alias_row(session, actor_id, alias)
    session.commit()
    return gazetteer_for(session).actors[actor_id]


def _add_alias_row(session: Session, actor_id: str, alias: str) -> None:
    taken = session.exec(select(ActorAlias).where(ActorAlias.alias == alias)).first()
    if taken is not None:
        raise ConflictError(f"alias {alias!r} already names {taken.actor_id!r}")
    session.add(ActorAlias(actor_id=actor_id, alias=alias))
    session.flush()


def get_actor(session: Session, *, actor_id: str) -> GazetteerActor:
    """One actor of the gazetteer in use."""
    actor = gazetteer_for(session).actors.get(actor_id)
    if actor is None:
        raise NotFoundError(f"no actor {actor_id!r}")
    return actor
