"""Analysts label stored statements; the queue shows what is most worth labelling next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from service import labels
from service.auth import Caller
from service.deps import RuntimeDep, SessionDep
from service.schemas_labels import LabelEvent, LabelRead, LabelWrite, QueuedStatement
from service.tables import StatementLabel
from service.times import utcnow

router = APIRouter(prefix="/v1/statements", tags=["labels"])
label_router = APIRouter(tags=["labels"])
DEFAULT_WINDOW = timedelta(days=7)


def _read(row: StatementLabel) -> LabelRead:
    return LabelRead.model_validate(row, from_attributes=True)


@router.get("/{statement_id}/label", response_model=LabelRead)
def get_label(statement_id: int, session: SessionDep) -> LabelRead:
    """The analyst's label of a statement."""
    return _read(labels.get_label(session, statement_id))


@router.get("/{statement_id}/label/history", response_model=list[LabelEvent])
def label_history(statement_id: int, session: SessionDep) -> list[LabelEvent]:
    """Every reading given to a statement and every removal of its label, oldest first."""
    return [
        LabelEvent.model_validate(e, from_attributes=True)
        for e in labels.history(session, statement_id)
    ]


@label_router.put("/v1/statements/{statement_id}/label", response_model=LabelRead)
def put_label(
    statement_id: int,
    body: LabelWrite,
    session: SessionDep,
    by: Caller,
) -> LabelRead:
    """Labels a statement (a new label replaces the old), as LABELS.md labels a sentence;
    the spans must be written in its text. Needs a key with the label scope."""
    return _read(labels.put_label(session, statement_id, body, by))


@label_router.delete("/v1/statements/{statement_id}/label", status_code=204)
def delete_label(statement_id: int, session: SessionDep, by: Caller) -> Response:
    """Removes a statement's label (its history keeps the removal)."""
    labels.delete_label(session, statement_id, by)
    return Response(status_code=204)


@label_router.get("/v1/labels/queue", response_model=list[QueuedStatement])
def label_queue(
    session: SessionDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    since: Annotated[
        datetime | None,
        Query(description="Scored at or after (ISO 8601); by default the last 7 days."),
    ] = None,
) -> list[QueuedStatement]:
    """Unlabelled statements of the loaded model, the ones it is least sure of first:
    P(threat) or P(conditional threat), whichever is nearer its threshold."""
    model = runtime.scorer.model
    return labels.queue(
        session,
        model_version=runtime.scorer.card.model_version,
        thresholds=(model.threat_.threshold_, model.conditional_.threshold_),
        limit=limit,
        # A window keeps the queue on recent news and its scan on the scored_at index.
        since=since if since is not None else utcnow() - DEFAULT_WINDOW,
    )
