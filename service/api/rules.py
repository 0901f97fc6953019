"""Alert rules, for admins: CRUD with PATCH, and a preview on stored history."""

from __future__ import annotations

from fastapi import APIRouter, Response

from scoring.risk import RiskParams
from service import rule_admin
from service.deps import RuntimeDep, SessionDep
from service.schemas_alerting import (
    PreviewRead,
    PreviewRequest,
    RuleCreate,
    RuleList,
    RuleRead,
    RuleUpdate,
)
from service.tables import AlertRule

router = APIRouter(prefix="/v1/admin/rules", tags=["rules"])


def _read(rule: AlertRule) -> RuleRead:
    return RuleRead.model_validate(rule.model_dump())


@router.post("", response_model=RuleRead, status_code=201)
def create_rule(body: RuleCreate, session: SessionDep) -> RuleRead:
    return _read(rule_admin.create_rule(session, spec=body))


@router.get("", response_model=RuleList)
def list_rules(session: SessionDep) -> RuleList:
    return RuleList(rules=[_read(r) for r in rule_admin.list_rules(session)])


@router.post("/preview", response_model=PreviewRead)
def preview_rule(body: PreviewRequest, session: SessionDep, runtime: RuntimeDep) -> PreviewRead:
    """How many alerts the rule (statement, trigger or risk) would have raised over the
    window, with examples; risk rules use the service's risk half-life."""
    params = RiskParams(half_life_h=runtime.settings.risk_half_life_h)
    return rule_admin.preview(session, request=body, params=params)


@router.get("/{rule_id}", response_model=RuleRead)
def get_rule(rule_id: int, session: SessionDep) -> RuleRead:
    return _read(rule_admin.get_rule(session, rule_id))


@router.patch("/{rule_id}", response_model=RuleRead)
def update_rule(rule_id: int, body: RuleUpdate, session: SessionDep) -> RuleRead:
    return _read(rule_admin.update_rule(session, rule_id=rule_id, change=body))


@router.delete("/{rule_id}", status_code=204)
def delete_rule(rule_id: int, session: SessionDep) -> Response:
    rule_admin.delete_rule(session, rule_id=rule_id)
    return Response(status_code=204)
