"""The Scorer: text in, one StatementScore per sentence out.

Load it once per process with `load_scorer()`; every StatementScore names the
`model_version` that produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scoring.artifact import load_artifact
from scoring.errors import ArtifactError
from scoring.escalation import escalation
from scoring.extract import extract
from scoring.model import ThreatModel, ThreatProbs
from scoring.split import split_sentences
from scoring.types import ModelCard, StatementScore

THREAT_THRESHOLD = 0.5


class Scorer:
    """Scores statements with a trained ThreatModel."""

    def __init__(self, model: ThreatModel, card: ModelCard) -> None:
        self.model = model
        self.card = card
        self.version: str = card.model_version

    def score(self, text: str) -> list[StatementScore]:
        """Split `text` into sentences and score each (offsets are into `text`)."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[list[StatementScore]]:
        """Score many texts in one batch; result i belongs to texts[i]."""
        spans = [split_sentences(t) for t in texts]
        flat = [t[s:e] for t, sp in zip(texts, spans, strict=True) for s, e in sp]
        scored = iter(self.score_sentences(flat, spans=[sp for sps in spans for sp in sps]))
        return [[next(scored) for _ in sp] for sp in spans]

    def score_sentences(
        self, sentences: Sequence[str], spans: Sequence[tuple[int, int]] | None = None
    ) -> list[StatementScore]:
        """Score sentences as given (no splitting); `spans` default to (0, len)."""
        if not sentences:
            return []
        probs = self.model.predict_all(sentences)
        esc = escalation(probs.threat, probs.conditional, probs.severity)
        offsets = spans or [(0, len(s)) for s in sentences]
        return [
            self._statement(s, offsets[i], probs, float(esc[i]), i)
            for i, s in enumerate(sentences)
        ]

    def _statement(
        self, text: str, span: tuple[int, int], probs: ThreatProbs, esc: float, i: int
    ) -> StatementScore:
        threat = float(probs.threat[i])
        cond = float(probs.conditional[i])
        sev_probs = tuple(float(p) for p in probs.severity[i])
        severity = 0 if threat < THREAT_THRESHOLD else 1 + int(probs.severity[i, 1:].argmax())
        is_threat = threat >= THREAT_THRESHOLD
        ext = extract(text, conditional=cond >= THREAT_THRESHOLD) if is_threat else None
        return StatementScore(
            text=text,
            start=span[0],
            end=span[1],
            threat=threat,
            conditional=cond,
            severity=severity,
            severity_probs=(sev_probs[0], sev_probs[1], sev_probs[2], sev_probs[3]),
            escalation=esc,
            model_version=self.version,
            actor=ext.actor if ext else None,
            target=ext.target if ext else None,
            condition=ext.condition if ext else None,
            action=ext.action if ext else None,
        )


def load_scorer(path: Path | None = None) -> Scorer:
    """Load the artefact directory `path` (default: the shipped `scoring/artifacts/`)."""
    payload, card = load_artifact(path)
    model = payload.get("model")
    if not isinstance(model, ThreatModel):
        raise ArtifactError("artefact holds no ThreatModel")
    return Scorer(model, card)
