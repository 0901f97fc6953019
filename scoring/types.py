"""Value types returned by the scorer: plain, immutable, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a statement, with character offsets into that statement's text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StatementScore:
    """Scores of one sentence.

    `start`/`end` are character offsets of the sentence in the text given to the scorer.
    Probabilities are calibrated on held-out documents, so they may be summed into risk.
    """

    text: str
    start: int
    end: int
    threat: float
    conditional: float
    severity: int
    severity_probs: tuple[float, float, float, float]
    escalation: float
    model_version: str
    actor: Span | None = None
    target: Span | None = None
    condition: Span | None = None
    action: Span | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (spans as objects with offsets)."""

        def span(s: Span | None) -> dict[str, object] | None:
            return None if s is None else {"text": s.text, "start": s.start, "end": s.end}

        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "threat": round(self.threat, 4),
            "conditional": round(self.conditional, 4),
            "severity": self.severity,
            "severity_probs": [round(p, 4) for p in self.severity_probs],
            "escalation": round(self.escalation, 4),
            "model_version": self.model_version,
            "actor": span(self.actor),
            "target": span(self.target),
            "condition": span(self.condition),
            "action": span(self.action),
        }


@dataclass(frozen=True, slots=True)
class ModelCard:
    """What the shipped artefact says about itself."""

    model_version: str
    sklearn_version: str
    data_sha256: str
    trained_at: str
    metrics: dict[str, object] = field(default_factory=dict)
