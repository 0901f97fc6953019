"""Subscriptions: attach a webhook, Slack or e-mail channel to rules; unsubscribe; test-send."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from alerts import AddressGuard
from service import subscription_admin as subs
from service.deps import RuntimeDep, SessionDep
from service.schemas_alerting import (
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionList,
    SubscriptionRead,
    TestSendRead,
)

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])


@router.post("", response_model=SubscriptionCreated, status_code=201)
def subscribe(
    body: SubscriptionCreate, session: SessionDep, runtime: RuntimeDep
) -> SubscriptionCreated:
    """Creates the subscription; a webhook's signing secret is returned now and never again."""
    guard = AddressGuard.from_strings(runtime.settings.outbound_allow)
    sub = subs.create(session, spec=body, guard=guard)
    return SubscriptionCreated(**subs.read(session, sub).model_dump(), secret=sub.secret)


@router.get("", response_model=SubscriptionList)
def list_subscriptions(
    session: SessionDep, owner: Annotated[str | None, Query(max_length=256)] = None
) -> SubscriptionList:
    rows = subs.list_all(session, owner)
    return SubscriptionList(subscriptions=[subs.read(session, s) for s in rows])


@router.get("/{subscription_id}", response_model=SubscriptionRead)
def get_subscription(subscription_id: int, session: SessionDep) -> SubscriptionRead:
    return subs.read(session, subs.get_subscription(session, subscription_id))


@router.delete("/{subscription_id}", status_code=204)
def unsubscribe(subscription_id: int, session: SessionDep) -> Response:
    subs.unsubscribe(session, subscription_id=subscription_id)
    return Response(status_code=204)


@router.post("/{subscription_id}/test", response_model=TestSendRead)
def test_send(subscription_id: int, session: SessionDep, runtime: RuntimeDep) -> TestSendRead:
    """Sends a test notification now (not through the queue) and reports the outcome."""
    return subs.test_send(session, subscription_id=subscription_id, notifiers=runtime.notifiers)
