"""Learning curves on the training documents: how the figures grow with the data.

For each fraction f, every fold of the document-grouped CV fits on a random share f of
its own fitting documents (`scoring.cv.splits`) and predicts its held-out fold, so each
point is an out-of-fold figure over all the training sentences, whatever f. Fractions
below 1 are drawn `repeats` times and averaged. The classifier is measured with the
TF-IDF + logistic-regression baseline fitted on the same documents; the span tagger (its
figures given the threat, as in `redline cv --tagger`) alone.

`per_doubling` is the least-squares slope of each mean figure against log2(f): what one
doubling of the labelled documents has bought so far. It says whether a target is a
matter of more data of the same kind, and roughly how much.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from scoring.baselines import TfidfLRBaseline
from scoring.cv import out_of_fold, spans_out_of_fold, splits
from scoring.data import Example
from scoring.evaluate import Predictions, extraction, figures

Figures = dict[str, float]
_SPAN_FIGURES = ("condition", "action", "actor_overlap", "target_overlap", "actor", "target")
# Out-of-fold figures of one draw: (examples, folds, shuffle seed, fraction, draw).
Measure = Callable[[Sequence[Example], int, int | None, float, int], dict[str, Figures]]


def _classifier(
    examples: Sequence[Example], folds: int, shuffle_seed: int | None, fraction: float, seed: int
) -> dict[str, Figures]:
    model = out_of_fold(examples, {}, folds, shuffle_seed, fraction, seed)
    base = _baseline_out_of_fold(examples, folds, shuffle_seed, fraction, seed)
    return {"model": headline(examples, model), "tfidf_lr": headline(examples, base)}


def headline(examples: Sequence[Example], pred: Predictions) -> Figures:
    """Threat F1, conditional-threat F1 and severity macro-F1 of `pred`."""
    fig = figures(examples, pred)
    return {
        "threat_f1": fig["threat"]["f1"],
        "conditional_f1": fig["conditional"]["f1"],
        "severity_macro_f1": fig["severity"]["macro_f1"],
    }


def _baseline_out_of_fold(
    examples: Sequence[Example], folds: int, shuffle_seed: int | None, fraction: float, seed: int
) -> Predictions:
    pred = Predictions([0] * len(examples), [0] * len(examples), [0] * len(examples))
    for fit, held in splits(examples, folds, shuffle_seed, fraction, seed):
        base = TfidfLRBaseline().fit([examples[i] for i in fit])
        part = base.predict_examples([examples[i].text for i in held])
        for i, t, c, s in zip(held, part.threat, part.conditional, part.severity, strict=True):
            pred.threat[i], pred.conditional[i], pred.severity[i] = t, c, s
    return pred


def _tagger(
    examples: Sequence[Example], folds: int, shuffle_seed: int | None, fraction: float, seed: int
) -> dict[str, Figures]:
    threats = [e for e in examples if e.threat]
    spans = spans_out_of_fold(threats, {}, folds, shuffle_seed, fraction, seed)
    found = extraction(threats, spans)
    return {"model": {k: float(found[k]) for k in _SPAN_FIGURES if found[k] is not None}}


def learning_curve(
    examples: Sequence[Example],
    fractions: Sequence[float] = (0.25, 0.5, 1.0),
    repeats: int = 2,
    folds: int = 5,
    shuffle_seed: int | None = None,
    tagger: bool = False,
) -> dict[str, Any]:
    """Out-of-fold figures of the shipped settings fitted on each fraction of the training
    documents of `examples` (training sentences), and the gain per doubling."""
    if not fractions or any(not 0.0 < f <= 1.0 for f in fractions):
        raise ValueError(f"fractions must lie in (0, 1]: {list(fractions)}")
    measure: Measure = _tagger if tagger else _classifier
    scope = [e for e in examples if e.threat] if tagger else list(examples)
    points = []
    with threadpool_limits(limits=1):  # as in training, so full-data figures match `cv`
        for f in sorted(set(fractions)):
            draws = [
                measure(examples, folds, shuffle_seed, f, r) for r in range(_draws(f, repeats))
            ]
            points.append(
                {
                    "fraction": f,
                    "fit_sentences": _mean_fit_size(scope, folds, shuffle_seed, f, len(draws)),
                    **{name: _mean([d[name] for d in draws]) for name in draws[0]},
                    "draws": draws,
                }
            )
    return {
        "what": "extraction given the threat" if tagger else "classification",
        "folds": folds,
        "shuffle_seed": shuffle_seed,
        "repeats": repeats,
        "n": len(scope),
        "points": points,
        "per_doubling": _per_doubling(points),
    }


def _draws(fraction: float, repeats: int) -> int:
    return 1 if fraction >= 1.0 else max(1, repeats)


def _mean_fit_size(
    scope: Sequence[Example], folds: int, shuffle_seed: int | None, fraction: float, draws: int
) -> float:
    sizes = [
        len(fit) for r in range(draws) for fit, _ in splits(scope, folds, shuffle_seed, fraction, r)
    ]
    return float(np.mean(sizes))


def _mean(draws: Sequence[Mapping[str, float]]) -> Figures:
    return {k: float(np.mean([d[k] for d in draws])) for k in draws[0]}


def _per_doubling(points: Sequence[Mapping[str, Any]]) -> dict[str, Figures]:
    """Slope of each mean figure against log2(fraction); empty with one fraction."""
    if len(points) < 2:
        return {}
    x = np.log2([p["fraction"] for p in points])
    names = [k for k in points[0] if isinstance(points[0][k], dict)]
    return {
        name: {k: float(np.polyfit(x, [p[name][k] for p in points], 1)[0]) for k in points[0][name]}
        for name in names
    }
