"""The pipeline's risk step: canonical actors, the trigger watch, and trigger links.

For each stored statement, in the storing transaction:
1. its actor and target mentions resolve to canonical actors (unknown ones stay only in
   `extraction`, as written), and its source domain, story and time are recorded;
2. a conditional threat with a condition opens a watch on that condition;
3. open watches sharing an actor with the statement are matched against it
   (`scoring.triggers.match`); a match marks the watch `trigger_observed` and links both.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from scoring.actors import Actor, Gazetteer
from scoring.risk import story_key
from scoring.triggers import match
from service.actor_registry import gazetteer_for
from service.alerting import AlertPolicy, on_trigger_observed
from service.lookup import get_or_404
from service.schemas_risk import ThreatRead, TriggerLinkRead
from service.tables import Item, Statement, ThreatWatch, TriggerLink
from service.times import utcnow

logger = logging.getLogger(__name__)

WATCH_MIN_PROB = 0.5  # threat and conditional probability that opens a watch
WATCH_DAYS = 365  # a condition older than this is no longer watched


def _span(row: Statement, name: str) -> str | None:
    span = (row.extraction or {}).get(name)
    return str(span["text"]) if isinstance(span, dict) and span.get("text") else None


def source_domain(item: Item) -> str | None:
    """The outlet: the host of the item's link without "www.", else its source name."""
    host = urlsplit(item.link).hostname if item.link else None
    if host:
        return host.removeprefix("www.")[:255]
    return item.source[:255] if item.source else None


def _open_watch(session: Session, row: Statement, actors: list[str]) -> ThreatWatch | None:
    condition = _span(row, "condition")
    if condition is None or min(row.threat, row.conditional) < WATCH_MIN_PROB:
        return None
    assert row.id is not None
    watch = ThreatWatch(
        statement_id=row.id,
        actor_id=row.actor_id,
        target_id=row.target_id,
        actors=actors,
        condition=condition,
        action=_span(row, "action"),
        opened_at=row.observed_at,
    )
    session.add(watch)
    return watch


def _check_watches(
    session: Session,
    row: Statement,
    actors: list[str],
    gazetteer: Gazetteer,
    watches: list[ThreatWatch],
) -> list[ThreatWatch]:
    """The watches among `watches` that `row` newly fulfils, marked and linked."""
    if not actors:
        return []
    observed = []
    since = row.observed_at - timedelta(days=WATCH_DAYS)
    for watch in watches:
        if not since <= watch.opened_at <= row.observed_at or watch.statement_id == row.id:
            continue
        if not set(watch.actors) & set(actors):
            continue
        found = match(
            watch.condition,
            row.text,
            threat_actors=watch.actors,
            report_actors=actors,
            gazetteer=gazetteer,
        )
        if not found.observed:
            continue
        if watch.id is None:  # opened earlier in this batch, not yet written
            session.flush()
        assert row.id is not None and watch.id is not None
        session.add(
            TriggerLink(
                watch_id=watch.id,
                statement_id=row.id,
                relevance=found.relevance,
                reasons=list(found.reasons),
            )
        )
        if watch.status != "trigger_observed":
            watch.status, watch.observed_at = "trigger_observed", row.observed_at
            session.add(watch)
            observed.append(watch)
        logger.info("trigger observed: watch %s by statement %s", watch.id, row.id)
    return observed


ANNOTATED = (
    "actor_id",
    "actor_country",
    "target_id",
    "target_country",
    "source_domain",
    "story",
    "observed_at",
)


@dataclass(slots=True)
class WatchStep:
    """The risk step for one batch of statements: one gazetteer and one look at open watches.

    Mentions ("Israel", "the U.S.") and sentences recur across a batch of news, so what the
    gazetteer finds in each is remembered for the batch.
    """

    gazetteer: Gazetteer
    watches: list[ThreatWatch]  # read once per batch, grown as the batch opens new ones
    watched: set[str]
    _resolved: dict[str | None, Actor | None] = field(default_factory=dict)
    _mentioned: dict[str, list[str]] = field(default_factory=dict)
    _domains: dict[int | None, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> WatchStep:
        since = utcnow() - timedelta(days=WATCH_DAYS)
        query = select(ThreatWatch).where(col(ThreatWatch.opened_at) >= since)
        watches = list(session.exec(query).all())
        return cls(gazetteer_for(session), watches, {a for w in watches for a in w.actors})

    def annotate(self, row: Statement, item: Item) -> None:
        """Step 1: canonical actors, source, story and time on the row."""
        actor, target = self._resolve(_span(row, "actor")), self._resolve(_span(row, "target"))
        row.actor_id, row.actor_country = (actor.id, actor.country) if actor else (None, None)
        row.target_id, row.target_country = (target.id, target.country) if target else (None, None)
        if item.id is None or item.id not in self._domains:
            self._domains[item.id] = source_domain(item)
        row.source_domain = self._domains[item.id]
        row.story = hashlib.sha256(story_key(row.text).encode()).hexdigest()[:32]
        now = utcnow()
        row.observed_at = min(item.published_at, now) if item.published_at else now

    def _resolve(self, mention: str | None) -> Actor | None:
        if mention not in self._resolved:
            self._resolved[mention] = self.gazetteer.resolve(mention)
        return self._resolved[mention]

    def involves(self, row: Statement) -> bool:
        """Whether the statement opens a watch or may fulfil one (and so needs its own id)."""
        if _span(row, "condition") and min(row.threat, row.conditional) >= WATCH_MIN_PROB:
            return True
        return bool(self.watched and self.watched & set(self._actors(row)))

    def _actors(self, row: Statement) -> list[str]:
        if row.text not in self._mentioned:
            found = self.gazetteer.find_all(row.text)
            self._mentioned[row.text] = sorted({m.actor.id for m in found})
        return self._mentioned[row.text]

    def run(self, session: Session, *, row: Statement, policy: AlertPolicy) -> None:
        """Opens a watch for a conditional threat, and checks the open ones against `row`
        (which must have its id: added and flushed)."""
        actors = self._actors(row)
        opened = _open_watch(session, row, actors)
        if opened is not None:
            self.watches.append(opened)
            self.watched.update(actors)
        for watch in _check_watches(session, row, actors, self.gazetteer, self.watches):
            assert row.id is not None
            on_trigger_observed(
                session,
                threat_statement_id=watch.statement_id,
                report_statement_id=row.id,
                policy=policy,
                observed_at=row.observed_at,
            )


def watch_statement(
    session: Session, *, item: Item, row: Statement, policy: AlertPolicy | None = None
) -> None:
    """The whole step for one statement just added to `session` (the caller commits)."""
    step = WatchStep.load(session)
    step.annotate(row, item)
    session.flush()
    step.run(session, row=row, policy=policy or AlertPolicy())


def get_threat(session: Session, *, threat_id: int) -> ThreatRead:
    """One watched conditional threat with the statements that reported its trigger."""
    watch = get_or_404(session, ThreatWatch, threat_id, "threat")
    statement, item = session.exec(
        select(Statement, Item)
        .join(Item, col(Item.id) == Statement.item_id)
        .where(col(Statement.id) == watch.statement_id)
    ).one()
    links = session.exec(
        select(TriggerLink, Statement, Item)
        .join(Statement, col(Statement.id) == TriggerLink.statement_id)
        .join(Item, col(Item.id) == Statement.item_id)
        .where(col(TriggerLink.watch_id) == threat_id)
        .order_by(col(TriggerLink.id))
    ).all()
    assert watch.id is not None
    return ThreatRead(
        id=watch.id,
        statement_id=watch.statement_id,
        text=statement.text,
        link=item.link,
        actor_id=watch.actor_id,
        target_id=watch.target_id,
        actors=watch.actors,
        condition=watch.condition,
        action=watch.action,
        status="trigger_observed" if watch.status == "trigger_observed" else "open",
        opened_at=watch.opened_at,
        observed_at=watch.observed_at,
        linked=[
            TriggerLinkRead(
                statement_id=s.id or 0,
                text=s.text,
                link=i.link,
                relevance=round(link.relevance, 4),
                reasons=[str(r) for r in link.reasons],
                linked_at=link.created_at,
            )
            for link, s, i in links
        ],
    )
