"""The loaded model: what it is, what it was trained on, how it scored on held-out news."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import RuntimeDep
from service.schemas import ModelInfo

router = APIRouter(prefix="/v1/model", tags=["model"])


@router.get("", response_model=ModelInfo)
def model_info(runtime: RuntimeDep) -> ModelInfo:
    """The model card of the loaded artefact, with its decision thresholds."""
    scorer = runtime.scorer
    card = scorer.card
    return ModelInfo(
        model_version=card.model_version,
        sklearn_version=card.sklearn_version,
        data_sha256=card.data_sha256,
        trained_at=card.trained_at,
        threat_threshold=scorer.model.threat_.threshold_,
        conditional_threshold=scorer.model.conditional_.threshold_,
        metrics=card.metrics,
    )
