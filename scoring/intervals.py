"""Confidence intervals of evaluation figures by resampling whole documents.

Used for the held-out figures (`redline eval`, the model card) and for out-of-fold
figures on the training documents (`redline cv`).

Sentences of one article share a topic, a speaker and a labeller's reading, so they are
not independent: resampling sentences would give intervals that are too narrow. Each of
`RESAMPLES` bootstrap samples draws the documents with replacement (a fixed
seed, so a report is reproducible); a figure is recomputed from the sentences of the
drawn documents, and the interval is the central `LEVEL` of those values (percentile
bootstrap). Differences between the model and a baseline are paired: both are computed
on the same draws, which is what shows whether a gap is larger than the test set's noise.

Every figure here is a ratio of sums over sentences (F1 = 2 TP / (predicted + gold), a
mean = sum / count), so a draw needs only per-document sums and one matrix product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.data import Example
from scoring.evaluate import Predictions
from scoring.metrics import overlaps, token_f1

FloatArray = npt.NDArray[np.float64]
RESAMPLES = 1000
LEVEL = 0.95
SEED = 0


class DocResampler:
    """Per-document sums of sentence values, for the full set and for every draw.

    Row 0 of every result is the full set of documents (the point estimate); rows 1.. are
    the bootstrap draws. `weights[k, d]` is how many times draw k took document d (in
    the sorted order of the names)."""

    def __init__(self, docs: Sequence[str], resamples: int = RESAMPLES, seed: int = SEED) -> None:
        names, self._doc = np.unique(np.asarray(docs, dtype=object), return_inverse=True)
        n_docs = len(names)
        draws = np.random.default_rng(seed).multinomial(
            n_docs, np.full(n_docs, 1.0 / n_docs), size=resamples
        )
        self.weights: FloatArray = np.vstack((np.ones((1, n_docs)), draws)).astype(np.float64)

    def sums(self, values: npt.ArrayLike) -> FloatArray:
        """Sum of the per-sentence `values` over each draw's sentences: (1 + resamples,)."""
        per_doc = np.bincount(
            self._doc,
            weights=np.asarray(values, dtype=np.float64),
            minlength=self.weights.shape[1],
        )
        out: FloatArray = np.asarray(self.weights @ per_doc, dtype=np.float64)
        return out

    def f1(self, gold: npt.ArrayLike, pred: npt.ArrayLike) -> FloatArray:
        """F1 of the positive class per draw (0 where there is neither gold nor predicted)."""
        g, p = np.asarray(gold, dtype=bool), np.asarray(pred, dtype=bool)
        return _ratio(2 * self.sums(g & p), self.sums(p) + self.sums(g))

    def macro_f1(
        self, gold: npt.ArrayLike, pred: npt.ArrayLike, classes: Sequence[int]
    ) -> FloatArray:
        """Unweighted mean over `classes` of the per-class F1, per draw."""
        g, p = np.asarray(gold), np.asarray(pred)
        out: FloatArray = np.mean([self.f1(g == c, p == c) for c in classes], axis=0)
        return out

    def mean(self, values: npt.ArrayLike) -> FloatArray:
        """Mean of the per-sentence `values` per draw (0 for a draw with no sentence)."""
        v = np.asarray(values, dtype=np.float64)
        return _ratio(self.sums(v), self.sums(np.ones_like(v)))


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out: FloatArray = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return out


def interval(draws: FloatArray, level: float = LEVEL) -> list[float]:
    """[low, high]: the central `level` of the bootstrap values (row 0, the point
    estimate, excluded)."""
    tail = 50 * (1 - level)
    low, high = np.percentile(draws[1:], [tail, 100 - tail])
    return [round(float(low), 4), round(float(high), 4)]


def _classification(
    r: DocResampler, examples: Sequence[Example], p: Predictions
) -> dict[str, FloatArray]:
    gold_t = [e.threat for e in examples]
    gold_c = [e.threat * e.conditional for e in examples]
    return {
        "threat_f1": r.f1(gold_t, p.threat),
        "conditional_f1": r.f1(gold_c, p.conditional),
        "severity_macro_f1": r.macro_f1([e.severity for e in examples], p.severity, range(4)),
    }


_SPAN_FIGURES = (
    ("condition", token_f1),
    ("action", token_f1),
    ("actor_overlap", overlaps),
    ("target_overlap", overlaps),
)


def _span_scores(
    examples: Sequence[Example], spans: Sequence[dict[str, str | None]]
) -> dict[str, tuple[list[str], FloatArray]]:
    """Per extraction figure: the documents of the sentences with a gold span and each
    one's score (the figure averages over those, as `scoring.evaluate` does)."""
    out: dict[str, tuple[list[str], FloatArray]] = {}
    for name, score in _SPAN_FIGURES:
        field = name.removesuffix("_overlap")
        pairs = [(e.doc, e.span(field), s.get(field)) for e, s in zip(examples, spans, strict=True)]
        pairs = [(d, g, sp) for d, g, sp in pairs if g]
        if pairs:
            docs = [d for d, _, _ in pairs]
            out[name] = (docs, np.array([float(score(g, sp)) for _, g, sp in pairs]))
    return out


def held_out_intervals(
    examples: Sequence[Example],
    model: Predictions,
    baselines: Mapping[str, Predictions] | None = None,
    given_threat: tuple[Sequence[Example], Sequence[dict[str, str | None]]] | None = None,
    other_given_threat: Mapping[str, Sequence[dict[str, str | None]]] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """Intervals of the model's figures on `examples`; with `baselines` (by name), of the
    paired differences model - baseline ("minus", by name); with `given_threat` (the gold
    threat sentences and the tagger's spans of them), of the extraction figures, and with
    `other_given_threat` (another model's spans of the same sentences, by name), of the
    paired differences of those ("extraction_given_threat_minus")."""
    r = DocResampler([e.doc for e in examples], resamples, seed)
    ours = _classification(r, examples, model)
    out: dict[str, Any] = {
        "method": (
            f"document bootstrap: {resamples} draws of the {len(set(e.doc for e in examples))}"
            f" documents with replacement, central {LEVEL:.0%} (percentile), seed {seed}"
        ),
        **{k: interval(v) for k, v in ours.items()},
    }
    if baselines:
        out["minus"] = {}
        for name, pred in baselines.items():
            theirs = _classification(r, examples, pred)
            out["minus"][name] = {k: interval(ours[k] - theirs[k]) for k in ours}
    if given_threat is not None:
        threats, spans = given_threat
        out.update(span_intervals(threats, spans, other_given_threat, resamples, seed))
    return out


def span_intervals(
    threats: Sequence[Example],
    spans: Sequence[dict[str, str | None]],
    others: Mapping[str, Sequence[dict[str, str | None]]] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """Intervals of the extraction figures of `spans` (the tagger's span texts of the
    threat sentences `threats`) as "extraction_given_threat", and with `others` (other
    span texts of the same sentences, by name) of the paired differences, as
    "extraction_given_threat_minus"."""
    out: dict[str, Any] = {"extraction_given_threat": {}}
    for name, (docs, scores) in _span_scores(threats, spans).items():
        rs = DocResampler(docs, resamples, seed)
        out["extraction_given_threat"][name] = interval(rs.mean(scores))
        for other, other_spans in (others or {}).items():
            _, theirs = _span_scores(threats, other_spans)[name]
            lead = interval(rs.mean(scores - theirs))
            out.setdefault("extraction_given_threat_minus", {}).setdefault(other, {})[name] = lead
    return out
