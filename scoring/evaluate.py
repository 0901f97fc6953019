"""Evaluation on held-out documents: classification, severity, extraction, calibration.

`figures(examples, predictions)` returns the JSON shape of `redline eval --json`:
``{"threat": {precision, recall, f1}, "conditional": {...}, "severity": {"macro_f1"},
"extraction": {condition, action, actor, target (token F1), actor_overlap, target_overlap},
"calibration": {...}, "n": ...}``. "conditional" is the conditional-threat class
(threat = 1 and conditional = 1). Extraction figures average over held-out sentences
whose gold span is present: "extraction" is end to end (no span when the model misses
the threat); "extraction_given_threat" runs the span tagger on the gold threat sentences
with their gold conditional flag, measuring extraction alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.data import SPAN_FIELDS, Example

if TYPE_CHECKING:
    from scoring.scorer import Scorer
    from scoring.tagger import SpanTagger
from scoring.metrics import binary_prf, brier, macro_f1, overlaps, reliability, token_f1


@dataclass
class Predictions:
    """What a predictor says about a list of sentences."""

    threat: list[int]
    conditional: list[int]
    severity: list[int]
    threat_prob: list[float] | None = None
    conditional_prob: list[float] | None = None
    spans: list[dict[str, str | None]] | None = field(default=None)


def figures(examples: Sequence[Example], pred: Predictions) -> dict[str, Any]:
    """Figures of the predictions `pred` of `examples`."""
    gold_t = [e.threat for e in examples]
    gold_c = [e.threat * e.conditional for e in examples]
    out: dict[str, Any] = {
        "threat": binary_prf(gold_t, pred.threat),
        "conditional": binary_prf(gold_c, pred.conditional),
        "severity": {"macro_f1": macro_f1([e.severity for e in examples], pred.severity, range(4))},
        "n": len(examples),
        "n_threat": int(sum(gold_t)),
        "n_conditional": int(sum(gold_c)),
        "n_docs": len({e.doc for e in examples}),
    }
    if pred.spans is not None:
        out["extraction"] = extraction(examples, pred.spans)
    if pred.threat_prob is not None and pred.conditional_prob is not None:
        out["calibration"] = {
            "threat_brier": brier(gold_t, pred.threat_prob),
            "conditional_brier": brier(gold_c, pred.conditional_prob),
            "threat_reliability": reliability(gold_t, np.asarray(pred.threat_prob)),
            "conditional_reliability": reliability(gold_c, np.asarray(pred.conditional_prob)),
        }
    return out


def by_file(examples: Sequence[Example], pred: Predictions) -> dict[str, dict[str, Any]]:
    """Classification figures of `pred` on the sentences of each labelled file (no
    intervals: a file's held-out documents are few)."""
    out: dict[str, dict[str, Any]] = {}
    for name in sorted({e.file for e in examples}):
        at = [i for i, e in enumerate(examples) if e.file == name]
        part = Predictions(
            [pred.threat[i] for i in at],
            [pred.conditional[i] for i in at],
            [pred.severity[i] for i in at],
        )
        fig = figures([examples[i] for i in at], part)
        keep = ("threat", "conditional", "severity", "n", "n_threat", "n_conditional", "n_docs")
        out[name] = {k: fig[k] for k in keep}
    return out


def extraction(examples: Sequence[Example], spans: list[dict[str, str | None]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in SPAN_FIELDS:
        pairs = [(e.span(name), s.get(name)) for e, s in zip(examples, spans, strict=True)]
        pairs = [(g, p) for g, p in pairs if g]
        f1 = [token_f1(g, p) for g, p in pairs]
        out[name] = round(float(np.mean(f1)), 4) if f1 else None
        if name in ("actor", "target"):
            hits = [overlaps(g, p) for g, p in pairs]
            out[f"{name}_overlap"] = round(float(np.mean(hits)), 4) if hits else None
        out[f"n_{name}"] = len(pairs)
    return out


def spans_given_threat(
    scorer: Scorer, examples: Sequence[Example]
) -> tuple[list[Example], list[dict[str, str | None]]]:
    """The gold threat sentences of `examples` and the span texts the scorer's tagger
    finds in them (given their gold conditional flag)."""
    threats = [e for e in examples if e.threat]
    return threats, span_texts(scorer.tagger, threats)


def span_texts(tagger: SpanTagger, threats: Sequence[Example]) -> list[dict[str, str | None]]:
    """The span texts `tagger` finds in the threat sentences `threats`, given their gold
    conditional flag."""
    found = tagger.predict([e.text for e in threats], [bool(e.conditional) for e in threats])
    return [{f: (sp.text if (sp := s[f]) else None) for f in SPAN_FIELDS} for s in found]
