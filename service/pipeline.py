"""Scores stored items: pending items in, scored statements and queued alerts out.

Items are claimed (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL) and scored in the claiming
transaction, so two replicas never score one item twice and a crash rolls the claim back. An
item whose scoring raises is quarantined with its error and never retried on its own."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from alerts import StatementRule, decide
from scoring import Scorer, StatementScore
from service.alerting import AlertPolicy, facts_of, on_statement_stored, statement_rules
from service.bulk import bulk_insert, bulk_insert_returning_ids
from service.tables import Alert, AlertRule, Delivery, Item, Statement, StatementLabelEvent
from service.times import utcnow
from service.triggers import ANNOTATED, WatchStep

Rules = list[tuple[AlertRule, StatementRule]]

logger = logging.getLogger(__name__)

SCORE_BATCH = 512  # items per claim and transaction
SCORE_CHUNK = 128  # items scored while the previous chunk is written


@dataclass(slots=True)
class ScoreReport:
    scored: int = 0
    quarantined: int = 0


def _extraction(score: StatementScore) -> dict[str, object]:
    spans = {"actor": score.actor, "target": score.target}
    spans |= {"condition": score.condition, "action": score.action}
    return {
        name: {"text": span.text, "start": span.start, "end": span.end}
        for name, span in spans.items()
        if span is not None
    } | {"severity_probs": list(score.severity_probs)}


def _statement(item_id: int, part: str, position: int, score: StatementScore) -> dict[str, Any]:
    """A statement row as plain values (cheaper than a model instance for bulk inserts)."""
    return {
        "item_id": item_id,
        "part": part,
        "position": position,
        "text": score.text,
        "start": score.start,
        "end": score.end,
        "threat": score.threat,
        "conditional": score.conditional,
        "severity": score.severity,
        "escalation": score.escalation,
        "extraction": _extraction(score),
        "model_version": score.model_version,
    }


def claim_pending(session: Session, limit: int) -> list[Item]:
    """Claims up to `limit` pending items for this transaction, in id order.

    On PostgreSQL the row locks of `FOR UPDATE SKIP LOCKED` are the claim (held until commit,
    skipped by other replicas), so no extra UPDATE rewrites each row and its indexes. SQLite
    has no row locks: there an UPDATE to "scoring" takes the database's write lock first.
    """
    due = (
        select(Item)
        .where(Item.status == "pending")
        .order_by(col(Item.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        return list(session.exec(due).all())
    ids = select(Item.id).where(Item.status == "pending").order_by(col(Item.id)).limit(limit)
    claimed = session.exec(
        update(Item).where(col(Item.id).in_(ids)).values(status="scoring").returning(col(Item.id))
    )
    chosen = cast("list[int]", claimed.scalars().all())
    return list(session.exec(select(Item).where(col(Item.id).in_(chosen)).order_by(col(Item.id))))


def score_pending(
    engine: Engine, *, scorer: Scorer, policy: AlertPolicy | None, batch: int = SCORE_BATCH
) -> ScoreReport:
    """Scores every pending item, one committed batch at a time."""
    report = ScoreReport()
    while True:
        with Session(engine) as session:
            items = claim_pending(session, batch)
            if not items:
                return report
            ids = [i.id for i in items if i.id is not None]  # read before commit expires them
            score_items(session, items, scorer=scorer, policy=policy, report=report)
            session.commit()
        logger.info("scored items %s", id_ranges(ids))


def id_ranges(ids: Sequence[int]) -> str:
    """Sorted ids as compact ranges ("1-4,7"), to log which items a replica scored."""
    spans: list[list[int]] = []
    for i in sorted(ids):
        if spans and i == spans[-1][1] + 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)


Parts = dict[str, list[StatementScore]]


Texts = list[tuple[str, str]]  # (title, body) per item


def _scores(scorer: Scorer, texts: Texts) -> list[Parts | Exception]:
    """Scores per item and part; one failing text costs only its own item, never the batch."""
    # Title and body are scored apart: a headline often lacks a final stop and would merge.
    try:
        flat = scorer.score_many([t for pair in texts for t in pair])
        return [{"title": flat[2 * n], "body": flat[2 * n + 1]} for n in range(len(texts))]
    except Exception:  # retried item by item below to find the culprit
        results: list[Parts | Exception] = []
        for pair in texts:
            try:
                title, body = scorer.score_many(list(pair))
                results.append({"title": title, "body": body})
            except Exception as exc:  # a scorer bug must not block the rest
                results.append(exc)
        return results


def score_items(
    session: Session,
    items: Sequence[Item],
    *,
    scorer: Scorer,
    policy: AlertPolicy | None,
    report: ScoreReport,
) -> None:
    """Stores the statements of `items` (replacing this model's earlier ones); no commit.

    Items go in chunks, and the next chunk is scored on a worker thread while this one is
    written: the model holds the GIL, but the writes mostly wait on the database.
    """
    offsets = _clear_previous(session, [i.id for i in items if i.id is not None], scorer.version)
    batch = _Batch(
        rules=statement_rules(session) if policy is not None else [],
        watch=WatchStep.load(session),
        now=utcnow(),
        offsets=offsets,
    )
    chunks = _chunks(items, SCORE_CHUNK)
    texts = [[(i.title, i.text) for i in chunk] for chunk in chunks]
    scored: list[int] = []
    with ThreadPoolExecutor(1, thread_name_prefix="redline-score") as pool:
        ahead = [pool.submit(_scores, scorer, t) for t in texts[:1]]
        for k, chunk in enumerate(chunks):
            results = ahead.pop().result()
            if k + 1 < len(chunks):
                ahead.append(pool.submit(_scores, scorer, texts[k + 1]))
            scored += _store_chunk(session, chunk, results, batch, policy, report)
    if scored:  # one UPDATE for the batch rather than one per item
        done = {"status": "scored", "score_error": None, "scored_at": batch.now}
        session.execute(update(Item).where(col(Item.id).in_(scored)).values(**done))


def _chunks(items: Sequence[Item], size: int) -> list[Sequence[Item]]:
    """`items` in chunks of `size`, the first a quarter of that: nothing is written while the
    first chunk is scored, so a small one starts the overlap sooner."""
    first = max(1, size // 4)
    rest = range(first, len(items), size)
    return [c for c in [items[:first], *(items[i : i + size] for i in rest)] if c]


@dataclass(slots=True)
class _Batch:
    """What every chunk of one batch shares."""

    rules: Rules
    watch: WatchStep
    now: datetime
    offsets: dict[int, int]


def _store_chunk(
    session: Session,
    items: Sequence[Item],
    results: list[Parts | Exception],
    batch: _Batch,
    policy: AlertPolicy | None,
    report: ScoreReport,
) -> list[int]:
    """Writes the statements of one scored chunk; the ids of the items it scored."""
    quiet: list[tuple[Item, dict[str, Any], Statement]] = []
    involved: list[tuple[Item, dict[str, Any]]] = []
    scored: list[int] = []
    watch, rules = batch.watch, batch.rules
    for item, result in zip(items, results, strict=True):
        assert item.id is not None
        if isinstance(result, Exception):
            item.status, item.score_error = "quarantined", f"{type(result).__name__}: {result}"
            item.score_error = item.score_error[:1024]
            logger.warning("item %d quarantined: %s", item.id, type(result).__name__)
            report.quarantined += 1
            session.add(item)
            continue
        for row in _rows(item.id, result, batch.offsets.get(item.id, 0), batch.now):
            # A plain namespace stands in for the row while deciding: building a model
            # instance costs more than scoring the sentence, and most rows need none.
            view = cast("Statement", SimpleNamespace(**row))
            watch.annotate(view, item)
            values = row | {k: getattr(view, k) for k in ANNOTATED}
            # Rescoring (no policy) re-annotates but opens no watch and fires nothing again.
            if policy is not None and (_fires(rules, view) or watch.involves(view)):
                involved.append((item, values))
            else:
                quiet.append((item, values, view))
        scored.append(item.id)
        report.scored += 1
    if policy is not None:
        watched = len(watch.watched)
        _store_involved(session, involved, policy, batch)
        if len(watch.watched) > watched:  # a quiet row may fulfil a watch opened just now
            hits = [watch.involves(view) for _, _, view in quiet]
            late = [(i, v) for (i, v, _), hit in zip(quiet, hits, strict=True) if hit]
            quiet = [q for q, hit in zip(quiet, hits, strict=True) if not hit]
            _store_involved(session, late, policy, batch)
    if quiet:  # most statements fire nothing and need no ORM object: insert them in bulk
        bulk_insert(session, Statement, [values for _, values, _ in quiet])
    return scored


def _rows(item_id: int, parts: Parts, offset: int, now: datetime) -> list[dict[str, Any]]:
    return [
        _statement(item_id, part, position, score) | {"scored_at": now}
        for part, scores in parts.items()
        for position, score in enumerate(scores, start=offset)
    ]


def _store_involved(
    session: Session,
    involved: list[tuple[Item, dict[str, Any]]],
    policy: AlertPolicy,
    batch: _Batch,
) -> None:
    """Inserts statements that fire a rule or touch a watch, then runs both steps on each."""
    if not involved:
        return
    # One bulk insert gives every statement its id before the steps run; the ORM's unit of
    # work would cost more than the steps themselves.
    ids = bulk_insert_returning_ids(session, Statement, [values for _, values in involved])
    for (item, values), statement_id in zip(involved, ids, strict=True):
        # As in `_store_chunk`, a plain namespace stands in for the stored row.
        statement = cast("Statement", SimpleNamespace(**values, id=statement_id))
        _store_statement(session, item, statement, policy, batch.watch, batch.rules)


def _fires(rules: Rules, statement: Statement) -> bool:
    if not rules:
        return False
    facts = facts_of(statement)
    return any(decide(pure, facts).fire for _, pure in rules)


def _clear_previous(session: Session, item_ids: list[int], version: str) -> dict[int, int]:
    """Drops this model's earlier statements of re-scored items, except those that alerted
    (kept for the audit trail) or that an analyst labelled (labelled data and its history
    are not thrown away); returns where each item's new positions start."""
    rows = session.exec(
        select(Statement.id, Statement.item_id, Statement.position)
        .where(col(Statement.item_id).in_(item_ids))
        .where(Statement.model_version == version)
    ).all()
    if not rows:
        return {}
    ids = [r[0] for r in rows]
    kept = set(session.exec(select(Alert.statement_id).where(col(Alert.statement_id).in_(ids))))
    kept |= set(
        session.exec(select(Delivery.statement_id).where(col(Delivery.statement_id).in_(ids)))
    )
    # Any reading, even one since removed: its history refers to the statement.
    labelled = session.exec(
        select(StatementLabelEvent.statement_id).where(
            col(StatementLabelEvent.statement_id).in_(ids)
        )
    ).all()
    kept |= set(labelled)
    drop = [sid for sid, _, _ in rows if sid not in kept]
    if drop:
        session.exec(delete(Statement).where(col(Statement.id).in_(drop)))
    offsets: dict[int, int] = {}
    for sid, item_id, position in rows:
        if sid in kept:
            offsets[item_id] = max(offsets.get(item_id, 0), position + 1)
    return offsets


def _store_statement(
    session: Session,
    item: Item,
    row: Statement,
    policy: AlertPolicy,
    watch: WatchStep,
    rules: Rules,
) -> None:
    """Runs the watch and the rules on one flushed statement that fires a rule or touches a
    watch (the rest are inserted in bulk by `score_items`)."""
    watch.run(session, row=row, policy=policy)
    on_statement_stored(session, statement=row, item=item, policy=policy, rules=rules)
