"""Re-scoring stored items with the current model; earlier models' statements stay as they were."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine, exists
from sqlmodel import Session, col, select

from scoring import Scorer
from service.pipeline import SCORE_BATCH, ScoreReport, score_items
from service.tables import Item, Statement

logger = logging.getLogger(__name__)


def _unscored(
    session: Session, *, version: str, since: datetime, after: int, batch: int
) -> list[Item]:
    """Scored items stored since `since` with no statement of `version`, locked for this run."""
    done = exists().where(
        col(Statement.item_id) == col(Item.id), col(Statement.model_version) == version
    )
    query = (
        select(Item)
        .where(col(Item.fetched_at) >= since, Item.status == "scored", col(Item.id) > after)
        .where(~done)
        .order_by(col(Item.id))
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query).all())


def rescore(
    engine: Engine, *, scorer: Scorer, since: datetime, batch: int = SCORE_BATCH
) -> ScoreReport:
    """Scores every item stored since `since` that this model version has not scored yet.

    New statements carry the current model version (no alerts are sent for them); rows locked
    by another rescore are skipped, so two runs never score one item twice.
    """
    report = ScoreReport()
    last_id = 0
    while True:
        with Session(engine) as session:
            items = _unscored(
                session, version=scorer.version, since=since, after=last_id, batch=batch
            )
            if not items:
                break
            score_items(session, items, scorer=scorer, policy=None, report=report)
            session.commit()
            last_id = max(i.id or 0 for i in items)
    logger.info(
        "rescored with %s: %d items, %d quarantined",
        scorer.version,
        report.scored,
        report.quarantined,
    )
    return report
