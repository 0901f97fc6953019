"""Escalation risk of an actor, a target, a dyad or a country, and its time series."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from scoring.risk import RiskParams
from service import risk
from service.deps import RuntimeDep, SessionDep
from service.response_cache import END_STEP, ResponseCache, ahead, cached_json, round_down
from service.risk import Subject, parse_window
from service.runtime import Runtime
from service.schemas_risk import RiskRead, RiskSeries
from service.times import utcnow


@asynccontextmanager
async def _finish_background(_app: Any) -> AsyncIterator[None]:
    # Answers being prepared ahead finish before the app (and its engine) shuts down.
    yield
    await ahead().idle()


router = APIRouter(prefix="/v1/risk", tags=["risk"], lifespan=_finish_background)
RESPONSES = ResponseCache()
PREPARE_AHEAD = timedelta(seconds=15)  # the next minute's answer is computed in the last 15 s

ActorQ = Annotated[
    str | None, Query(max_length=64, description="Canonical actor id (who threatens).")
]
TargetQ = Annotated[str | None, Query(max_length=64, description="Canonical target id.")]
CountryQ = Annotated[
    str | None, Query(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3; either side.")
]
WindowQ = Annotated[
    str, Query(pattern=r"^[0-9]{1,4}[hd]$", description="24h, 7d, 30d or any <n>h / <n>d.")
]
UntilQ = Annotated[datetime | None, Query(description="Window end (default: now).")]


def _end(until: datetime | None) -> datetime:
    if until is None:
        return utcnow()
    return until.astimezone(UTC) if until.tzinfo else until.replace(tzinfo=UTC)  # naive is UTC


def _risk_json(
    runtime: Runtime, subject: Subject, span: timedelta, end: datetime, params: RiskParams
) -> bytes:
    with Session(runtime.engine) as session:
        read = risk.risk_of(session, subject=subject, window=span, end=end, params=params)
    return read.model_dump_json().encode()


@router.get("", response_model=RiskRead)
async def get_risk(
    runtime: RuntimeDep,
    actor: ActorQ = None,
    target: TargetQ = None,
    country: CountryQ = None,
    window: WindowQ = "7d",
    until: Annotated[
        datetime | None,
        Query(description="Window end (default: now, rounded down to the minute)."),
    ] = None,
) -> Response:
    """Risk in [0, 1] over the window, its trend against the window before, and top statements.

    Responses are remembered per (subject, window, end) until the stored data changes; the
    `X-Cache` header says `hit` or `miss`.
    """
    subject = Subject(actor, target, country)
    subject.check()  # 422 before any work when no subject is given
    now = utcnow()
    end = round_down(now) if until is None else _end(until)
    params = RiskParams(half_life_h=runtime.settings.risk_half_life_h)
    span = parse_window(window)
    response = await cached_json(
        RESPONSES,
        runtime.engine,
        (subject, span, end, params),
        partial(_risk_json, runtime, subject, span, end, params),
        partial(risk.unchanged_since, subject=subject, window=span, end=end),
    )
    if until is None and now - end >= END_STEP - PREPARE_AHEAD:
        after = end + END_STEP
        ahead().prepare(
            RESPONSES,
            runtime.engine,
            (subject, span, after, params),
            partial(_risk_json, runtime, subject, span, after, params),
        )
    return response


@router.get("/timeseries", response_model=RiskSeries)
def get_risk_series(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: ActorQ = None,
    target: TargetQ = None,
    country: CountryQ = None,
    window: WindowQ = "7d",
    bucket: Literal["1h", "1d"] = "1d",
    until: UntilQ = None,
) -> RiskSeries:
    """Risk as of the end of each bucket (1h or 1d) across the window, for plotting."""
    return risk.risk_series(
        session,
        subject=Subject(actor, target, country),
        window=parse_window(window),
        end=_end(until),
        bucket=bucket,
        params=RiskParams(half_life_h=runtime.settings.risk_half_life_h),
    )
