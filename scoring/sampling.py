"""Which sentences to label next, simulated on the training documents.

The service's label queue offers first the statements the model is least sure of:
`margin`, the distance of P(threat) to the threat threshold or of P(conditional threat) to
its own, whichever is nearer (uncertainty sampling over both decisions). `sampling_curve`
checks that rule against labels drawn at random: in every fold of the document-grouped
CV, a model starts from a random share of the fold's fitting documents, then `rounds`
times takes `batch` more labelled sentences from the rest of them, chosen by each rule, is
refitted, and predicts the held-out fold. Every round's figures are out of fold over all
the training sentences, so the two rules are compared at the same number of labels on the
same sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from scoring.curve import headline
from scoring.cv import decisions, fit_model, splits
from scoring.data import Example
from scoring.evaluate import Predictions
from scoring.model import ThreatModel

RULES = ("uncertain", "random")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def margin(
    threat: FloatArray, conditional: FloatArray, threat_cut: float, conditional_cut: float
) -> FloatArray:
    """How near each sentence is to a decision: the nearer of P(threat) to its threshold and
    P(conditional threat) to its own (the service's queue orders by the same formula)."""
    out: FloatArray = np.minimum(np.abs(threat - threat_cut), np.abs(conditional - conditional_cut))
    return out


def sampling_curve(
    examples: Sequence[Example],
    start: float = 0.25,
    batch: int = 300,
    rounds: int = 4,
    folds: int = 5,
    shuffle_seed: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Out-of-fold figures after each round of labels chosen by each rule (round 0: the
    starting documents alone, the same for both rules)."""
    if not 0.0 < start < 1.0 or batch < 1 or rounds < 1:
        raise ValueError("start must lie in (0, 1), batch and rounds be at least 1")
    docs = np.asarray([e.doc for e in examples], dtype=object)
    out = {rule: np.zeros((rounds + 1, 3, len(examples)), dtype=np.int64) for rule in RULES}
    starts: list[int] = []  # sentences each fold starts from; round r adds r * batch to them
    with threadpool_limits(limits=1):  # as in training
        for fold, (fit, held) in enumerate(splits(examples, folds, shuffle_seed)):
            rng = np.random.default_rng([seed, fold])
            names = np.unique(docs[fit])
            first = rng.choice(names, size=max(2, round(start * len(names))), replace=False)
            chosen = np.isin(docs[fit], first)
            if (~chosen).sum() < batch * rounds:
                raise ValueError(f"fold {fold}: fewer than {batch * rounds} sentences to add")
            held_texts = [examples[i].text for i in held]
            model = fit_model([examples[i] for i in fit[chosen]], {})
            for rule in RULES:
                out[rule][0][:, held] = decisions(model, held_texts)
            for rule in RULES:
                labelled, pool = list(fit[chosen]), fit[~chosen]
                current, draw = model, np.random.default_rng([seed, fold, 1])
                for r in range(1, rounds + 1):
                    pick = next_labels(rule, current, [examples[i].text for i in pool], batch, draw)
                    labelled.extend(pool[pick].tolist())
                    pool = np.delete(pool, pick)
                    current = fit_model([examples[i] for i in labelled], {})
                    out[rule][r][:, held] = decisions(current, held_texts)
            starts.append(int(chosen.sum()))
    return {
        "start": start,
        "batch": batch,
        "folds": folds,
        "shuffle_seed": shuffle_seed,
        "n": len(examples),
        "rounds": [
            {
                "round": r,
                "added": r * batch,
                "fit_sentences": float(np.mean(starts)) + r * batch,
                **{
                    rule: headline(examples, Predictions(*(row.tolist() for row in out[rule][r])))
                    for rule in RULES
                },
            }
            for r in range(rounds + 1)
        ],
    }


def next_labels(
    rule: str, model: ThreatModel, texts: list[str], batch: int, draw: np.random.Generator
) -> IntArray:
    """Positions in `texts` of the next `batch` sentences to label under `rule`: the
    smallest `margin` first, or at random."""
    if rule == "random":
        return np.asarray(draw.choice(len(texts), size=batch, replace=False), dtype=np.int64)
    p = model.predict_all(texts)
    near = margin(p.threat, p.conditional, model.threat_.threshold_, model.conditional_.threshold_)
    return np.asarray(np.argsort(near, kind="stable")[:batch], dtype=np.int64)
