"""Pure scoring: text in, scores out. No database, no network; reads only its artefact."""

from scoring.errors import ArtifactError, LabelledDataError, ScoringError
from scoring.scorer import Scorer, load_scorer
from scoring.split import split_sentences
from scoring.types import ModelCard, Span, StatementScore

__all__ = [
    "ArtifactError",
    "LabelledDataError",
    "ModelCard",
    "Scorer",
    "ScoringError",
    "Span",
    "StatementScore",
    "load_scorer",
    "split_sentences",
]
