"""Ad-hoc scoring of text sent by the caller (nothing is stored)."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import RuntimeDep
from service.schemas import ScoredStatement, ScoreRequest, ScoreResponse

router = APIRouter(prefix="/v1/score", tags=["scores"])


@router.post("", response_model=ScoreResponse)
def score(body: ScoreRequest, runtime: RuntimeDep) -> ScoreResponse:
    """Splits the text into sentences and scores each one."""
    scores = runtime.scorer.score(body.text)
    return ScoreResponse(
        model_version=runtime.scorer.version,
        statements=[ScoredStatement.model_validate(s.as_dict()) for s in scores],
    )
