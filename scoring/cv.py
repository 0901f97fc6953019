"""Cross-validation on the training documents, to choose settings.

Settings are chosen here, never on the held-out documents: `compare` fits the shipped
settings and a candidate (`ThreatModel` keyword arguments) on the same document-grouped
folds of the training sentences and reports both out-of-fold figures, with
document-bootstrap intervals of the paired difference candidate - shipped;
`compare_tagger` does the same for `SpanTagger` settings on the training threat sentences
(the extraction figures given the threat). The tagger's second pass folds each outer
training part again, so that comparison is a nested CV. Fold partitions differ with
`shuffle_seed`; a real gain should hold on more than one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from scoring.data import Example
from scoring.evaluate import Predictions, extraction, figures, span_texts
from scoring.intervals import held_out_intervals, span_intervals
from scoring.model import ThreatModel
from scoring.train import fit_tagger

Spans = list[dict[str, str | None]]
IntArray = npt.NDArray[np.int64]


def splits(
    examples: Sequence[Example],
    folds: int = 5,
    shuffle_seed: int | None = None,
    fraction: float = 1.0,
    seed: int = 0,
) -> Iterator[tuple[IntArray, IntArray]]:
    """(fit, held) indices of document-grouped folds. With `fraction` < 1, each fit part
    keeps that share of its documents, drawn at random (`seed`), for learning curves."""
    docs = np.asarray([e.doc for e in examples], dtype=object)
    shuffle = shuffle_seed is not None
    kfold = GroupKFold(folds, shuffle=shuffle, random_state=shuffle_seed if shuffle else None)
    rng = np.random.default_rng(seed)
    for fit, held in kfold.split(docs, groups=docs):
        if fraction < 1.0:
            names = np.unique(docs[fit])
            size = min(len(names), max(2, round(fraction * len(names))))
            fit = fit[np.isin(docs[fit], rng.choice(names, size=size, replace=False))]
        yield fit, held


def out_of_fold(
    examples: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
    fraction: float = 1.0,
    seed: int = 0,
) -> Predictions:
    """Decisions of `ThreatModel(**params)` for every sentence, each from the fold that
    did not see its document (fitted on `fraction` of the others, see `splits`);
    severity as the scorer gives it (its likeliest level 1-3 for a threat, else 0)."""
    out = np.zeros((3, len(examples)), dtype=np.int64)
    for fit, held in splits(examples, folds, shuffle_seed, fraction, seed):
        model = fit_model([examples[i] for i in fit], params)
        out[:, held] = decisions(model, [examples[i].text for i in held])
    return Predictions(*(row.tolist() for row in out))


def fit_model(examples: Sequence[Example], params: Mapping[str, Any]) -> ThreatModel:
    """`ThreatModel(**params)` fitted on `examples`, their documents as calibration groups."""
    labels = np.array([[e.threat, e.conditional, e.severity] for e in examples])
    return ThreatModel(**params).fit([e.text for e in examples], labels, [e.doc for e in examples])


def decisions(model: ThreatModel, texts: Sequence[str]) -> npt.NDArray[np.int64]:
    """Rows threat, conditional threat and severity (its likeliest level 1-3 for a threat,
    else 0, as the scorer gives it) of each of `texts`."""
    probs = model.predict_all(texts)
    is_threat, is_cond = model.decide(probs)
    severity = np.where(is_threat, 1 + probs.severity[:, 1:].argmax(axis=1), 0)
    return np.vstack((is_threat, is_cond, severity)).astype(np.int64)


def compare(
    examples: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    """Out-of-fold figures of the shipped settings and of `params` on `examples` (training
    sentences), and intervals of the candidate's figures and of its lead."""
    with threadpool_limits(limits=1):  # as in training, so the figures match it
        shipped = out_of_fold(examples, {}, folds, shuffle_seed)
        candidate = out_of_fold(examples, params, folds, shuffle_seed)
    intervals = held_out_intervals(examples, candidate, {"shipped": shipped})
    return {
        "params": dict(params),
        "folds": folds,
        "shuffle_seed": shuffle_seed,
        "n": len(examples),
        "shipped": figures(examples, shipped),
        "candidate": figures(examples, candidate),
        "intervals": intervals,
    }


def spans_out_of_fold(
    threats: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
    fraction: float = 1.0,
    seed: int = 0,
) -> Spans:
    """Span texts of `SpanTagger(**params)` for every threat sentence (with its gold
    conditional flag), each from the fold that did not see its document (fitted on
    `fraction` of the others, see `splits`)."""
    out: Spans = [{} for _ in threats]
    for fit, held in splits(threats, folds, shuffle_seed, fraction, seed):
        tagger = fit_tagger([threats[i] for i in fit], params)
        for i, spans in zip(held, span_texts(tagger, [threats[i] for i in held]), strict=True):
            out[i] = spans
    return out


def compare_tagger(
    examples: Sequence[Example],
    params: Mapping[str, Any],
    folds: int = 5,
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    """Out-of-fold extraction figures of the shipped tagger settings and of `params` on
    the threat sentences of `examples` (training sentences), and intervals of the
    candidate's figures and of its lead."""
    threats = [e for e in examples if e.threat]
    with threadpool_limits(limits=1):
        shipped = spans_out_of_fold(threats, {}, folds, shuffle_seed)
        candidate = spans_out_of_fold(threats, params, folds, shuffle_seed)
    return {
        "params": dict(params),
        "folds": folds,
        "shuffle_seed": shuffle_seed,
        "n": len(threats),
        "shipped": extraction(threats, shipped),
        "candidate": extraction(threats, candidate),
        "intervals": span_intervals(threats, candidate, {"shipped": shipped}),
    }
