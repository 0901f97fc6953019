"""Has the condition of a conditional threat come true? A report against a trigger clause.

Method (documented in README "Trigger watch"):

1. Actor names are masked in both texts (gazetteer aliases: "Israel", "Beirut", "the U.S."),
   so that what is compared is the *event*.
2. Four features (`scoring.trigger_features`): lexical similarity; whether both texts name
   the same kind of event (a lexicon of event words and synonyms) and the report states it
   before any modality cue; whether the report names it only after such a cue; and how
   many cues (hypothesis, threat, plan, request, future, denial) the report's main clauses
   carry.
3. A logistic regression over them (`artifacts/trigger_model.json`: coefficients, intercept
   and threshold, fitted by `redline train-triggers`) gives the probability that the
   report states the condition happened; observed when it is >= `threshold`.

Callers check only conditions whose threat shares an actor with the report (the service's
trigger watch does). `redline eval-triggers` reports held-out figures (grouped by threat,
with the regularisation and the threshold chosen inside the training folds).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.actors import Gazetteer
from scoring.trigger_features import (
    FEATURES,
    char_cosine,
    cue_spans,
    lexical,
    mask_actors,
    pair_features,
)

MODEL_FILE = Path(__file__).resolve().parent / "artifacts" / "trigger_model.json"

__all__ = [
    "DEFAULT_THRESHOLD",
    "MODEL",
    "TriggerMatch",
    "TriggerModel",
    "char_cosine",
    "match",
    "modality_cues",
    "relevance",
]


@dataclass(frozen=True, slots=True)
class TriggerModel:
    """A fitted logistic regression over `FEATURES`, and its decision threshold."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, values: tuple[float, ...]) -> float:
        """P(the report states the condition happened) for one feature vector."""
        z = self.intercept + sum(w * x for w, x in zip(self.coef, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self, **about: Any) -> dict[str, Any]:
        """The artefact: numbers only, with the feature names and what they were fit on."""
        return {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            **about,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TriggerModel:
        """Reads `to_json` output; refuses one fitted on other features."""
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"trigger model features {data['features']} != {list(FEATURES)}")
        return cls(
            tuple(float(c) for c in data["coef"]),
            float(data["intercept"]),
            float(data["threshold"]),
        )


def load_model(path: Path = MODEL_FILE) -> TriggerModel:
    """The shipped trigger model."""
    return TriggerModel.from_json(json.loads(path.read_text(encoding="utf-8")))


MODEL = load_model()
DEFAULT_THRESHOLD = MODEL.threshold


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    """Whether a report states that a condition happened, its probability and why."""

    observed: bool
    relevance: float
    reasons: tuple[str, ...]


def relevance(condition: str, report: str, *, gazetteer: Gazetteer | None = None) -> float:
    """Lexical similarity of the actor-masked texts, in [0, 1] (the `lexical` feature)."""
    return lexical(mask_actors(condition, gazetteer), mask_actors(report, gazetteer))


def modality_cues(report: str) -> tuple[str, ...]:
    """Words showing the report may not state an event as a fact ("would", "denied")."""
    return tuple(word for _, word in cue_spans(report))


def match(
    condition: str,
    report: str,
    *,
    threat_actors: Collection[str] = (),
    report_actors: Collection[str] = (),
    gazetteer: Gazetteer | None = None,
    threshold: float | None = None,
    model: TriggerModel = MODEL,
) -> TriggerMatch:
    """Observed when the model's probability that the report states the condition's event
    as a fact is >= `threshold` (default: the model's own); `relevance` is that probability."""
    cut = model.threshold if threshold is None else threshold
    features = pair_features(
        condition,
        report,
        gazetteer=gazetteer,
        actor_ids={*threat_actors, *report_actors},
    )
    p = model.probability(features.values)
    reasons = [f"probability {p:.2f} (threshold {cut:.2f})"]
    shared = sorted(set(threat_actors) & set(report_actors))
    if shared:
        reasons.append("shared actors: " + ", ".join(shared))
    values = features.as_dict()
    reasons.append(f"lexical similarity {values['lexical']:.2f}")
    if features.events:
        how = "stated" if values["event_stated"] else "only after a modality cue"
        reasons.append(f"same event ({', '.join(features.events)}), {how}")
    if features.cues:
        reasons.append("modality cues: " + ", ".join(repr(c) for c in features.cues))
    return TriggerMatch(observed=p >= cut, relevance=p, reasons=tuple(reasons))
