"""Pushed items (`POST /v1/items`) and the admin view of items (`/v1/admin/items`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from service import push
from service.deps import RuntimeDep, SessionDep
from service.schemas_ingest import ItemAdminPage, ItemAdminRead, ItemBatch, PushResult

router = APIRouter(prefix="/v1/items", tags=["items"])
admin_router = APIRouter(prefix="/v1/admin/items", tags=["admin: items"])


@router.post("", response_model=PushResult)
def push_items(body: ItemBatch, runtime: RuntimeDep) -> PushResult:
    """Stores and scores a batch; idempotent by `external_id`; says which items were new."""
    return push.push_items(runtime.engine, batch=body, scorer=runtime.scorer, policy=runtime.policy)


@admin_router.get("", response_model=ItemAdminPage)
def list_items(
    session: SessionDep,
    status: Literal["pending", "scored", "quarantined"] | None = None,
    feed_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ItemAdminPage:
    """Stored items, newest first; `status=quarantined` lists those whose scoring failed."""
    return ItemAdminPage(
        items=push.list_items(session=session, status=status, feed_id=feed_id, limit=limit)
    )


@admin_router.get("/{item_id}", response_model=ItemAdminRead)
def read_item(item_id: int, session: SessionDep) -> ItemAdminRead:
    """One item with its scoring status, error and the feeds that carried it."""
    return push.get_item(session=session, item_id=item_id)


@admin_router.post("/{item_id}/requeue", response_model=ItemAdminRead)
def requeue_item(item_id: int, session: SessionDep) -> ItemAdminRead:
    """Gives a quarantined item one more scoring attempt."""
    return push.requeue_item(session=session, item_id=item_id)
