"""The Scorer: text in, one StatementScore per sentence out.

Load it once per process with `load_scorer()`; every StatementScore names the
`model_version` that produced it. A sentence is a threat when P(threat) reaches the
model's learnt threshold (`ThreatModel.decide`); only then are severity > 0 and spans
given. Severity is the most probable level among 1..3 for threats, else 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scoring.artifact import load_artifact
from scoring.errors import ArtifactError
from scoring.escalation import escalation
from scoring.model import ThreatModel
from scoring.split import split_sentences
from scoring.tagger import SpanTagger
from scoring.types import ModelCard, Span, StatementScore

_NO_SPANS: dict[str, Span | None] = dict.fromkeys(("actor", "target", "condition", "action"))


class Scorer:
    """Scores statements with a trained ThreatModel and SpanTagger."""

    def __init__(self, model: ThreatModel, tagger: SpanTagger, card: ModelCard) -> None:
        self.model = model
        self.tagger = tagger
        self.card = card
        self.version: str = card.model_version

    def score(self, text: str) -> list[StatementScore]:
        """Split `text` into sentences and score each (offsets are into `text`)."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[list[StatementScore]]:
        """Score many texts in one batch; result i belongs to texts[i]."""
        spans = [split_sentences(t) for t in texts]
        flat = [t[s:e] for t, sp in zip(texts, spans, strict=True) for s, e in sp]
        scored = iter(self.score_sentences(flat, [sp for sps in spans for sp in sps]))
        return [[next(scored) for _ in sp] for sp in spans]

    def score_sentences(
        self, sentences: Sequence[str], offsets: Sequence[tuple[int, int]] | None = None
    ) -> list[StatementScore]:
        """Score sentences as given (no splitting); `offsets` default to (0, len)."""
        if not sentences:
            return []
        probs = self.model.predict_all(sentences)
        is_threat, is_cond = self.model.decide(probs)
        esc = escalation(probs.threat, probs.conditional, probs.severity)
        levels = np.where(is_threat, 1 + probs.severity[:, 1:].argmax(axis=1), 0)
        hits: list[int] = np.flatnonzero(is_threat).tolist()
        tagged = self.tagger.predict([sentences[i] for i in hits], [bool(is_cond[i]) for i in hits])
        fields = dict(zip(hits, tagged, strict=True))
        out = []
        for i, text in enumerate(sentences):
            start, end = offsets[i] if offsets else (0, len(text))
            span = fields.get(i, _NO_SPANS)
            sev = probs.severity[i]
            out.append(
                StatementScore(
                    text=text,
                    start=start,
                    end=end,
                    threat=float(probs.threat[i]),
                    conditional=float(probs.conditional[i]),
                    severity=int(levels[i]),
                    severity_probs=(float(sev[0]), float(sev[1]), float(sev[2]), float(sev[3])),
                    escalation=float(esc[i]),
                    model_version=self.version,
                    **span,
                )
            )
        return out


def load_scorer(path: Path | None = None) -> Scorer:
    """Load the artefact directory `path` (default: the shipped `scoring/artifacts/`)."""
    payload, card = load_artifact(path)
    model, tagger = payload.get("model"), payload.get("tagger")
    if not isinstance(model, ThreatModel) or not isinstance(tagger, SpanTagger):
        raise ArtifactError("artefact holds no ThreatModel and SpanTagger")
    if payload.get("model_version") != card.model_version:
        raise ArtifactError("artefact and model card name different model versions")
    return Scorer(model, tagger, card)
