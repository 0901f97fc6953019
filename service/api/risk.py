"""Escalation risk of an actor, a target, a dyad or a country, and its time series."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from scoring.risk import RiskParams
from service import risk
from service.deps import RuntimeDep, SessionDep
from service.risk import Subject, parse_window
from service.schemas_risk import RiskRead, RiskSeries
from service.times import utcnow

router = APIRouter(prefix="/v1/risk", tags=["risk"])

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


@router.get("", response_model=RiskRead)
def get_risk(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: ActorQ = None,
    target: TargetQ = None,
    country: CountryQ = None,
    window: WindowQ = "7d",
    until: UntilQ = None,
) -> RiskRead:
    """Risk in [0, 1] over the window, its trend against the window before, and top statements."""
    return risk.risk_of(
        session,
        subject=Subject(actor, target, country),
        window=parse_window(window),
        end=_end(until),
        params=RiskParams(half_life_h=runtime.settings.risk_half_life_h),
    )


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
