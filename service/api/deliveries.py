"""The delivery log (`/v1/deliveries`) and, for admins, retrying dead letters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from service import alert_admin
from service.deps import SessionDep
from service.schemas_alerting import DeliveryList, DeliveryRead
from service.tables import Delivery

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])
admin_router = APIRouter(prefix="/v1/admin/deliveries", tags=["deliveries"])


def _read(row: Delivery) -> DeliveryRead:
    return DeliveryRead.model_validate(row.model_dump())


@router.get("", response_model=DeliveryList)
def list_deliveries(
    session: SessionDep,
    status: Literal["pending", "sending", "sent", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DeliveryList:
    """Newest first; `status=dead` lists the dead letters."""
    rows = alert_admin.list_deliveries(session, status=status, limit=limit)
    return DeliveryList(deliveries=[_read(r) for r in rows])


@router.get("/{delivery_id}", response_model=DeliveryRead)
def get_delivery(delivery_id: int, session: SessionDep) -> DeliveryRead:
    return _read(alert_admin.get_delivery(session, delivery_id))


@admin_router.post("/{delivery_id}/retry", response_model=DeliveryRead)
def retry_delivery(delivery_id: int, session: SessionDep) -> DeliveryRead:
    """Queues a dead letter again; 409 when it is not dead."""
    return _read(alert_admin.retry_delivery(session, delivery_id=delivery_id))
