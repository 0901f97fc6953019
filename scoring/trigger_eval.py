"""Training and evaluating the trigger classifier on labelled (threat, report) pairs.

`evaluate_pairs`: nested cross-validation. The outer folds are grouped by threat (one
threat's reports never straddle a split); inside each outer training part, a grouped inner
cross-validation chooses the regularisation C and the decision threshold (the highest F1
among thresholds whose precision reaches `TARGET_PRECISION`, else the highest F1); the
model is refit on the outer training part and scores the held-out threats. Figures are
pooled over the held-out folds, overall and per `kind`.

`train_model`: the same choice of C and threshold by grouped cross-validation on all
pairs, then one fit on all of them: the shipped artefact (`redline train-triggers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from scoring.actors import Gazetteer, load_gazetteer
from scoring.trigger_features import pair_features
from scoring.triggers import MODEL, TriggerModel

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))  # 0.20 .. 0.90
TARGET_PRECISION = 0.85  # a false trigger wakes people up
FALLBACK = (1.0, 0.5)  # C and threshold when a part is too small to cross-validate
INNER_FOLDS = 4

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class TriggerPair:
    """A conditional threat, its trigger clause, a later report, and the gold label."""

    threat: str
    condition: str
    report: str
    observed: bool
    kind: str = ""


def pair_from_json(row: dict[str, Any]) -> TriggerPair:
    """A pair from one line of `triggers.jsonl` (LABELS.md schema)."""
    return TriggerPair(
        threat=str(row["threat"]),
        condition=str(row.get("condition") or row["threat"]),
        report=str(row["report"]),
        observed=bool(row["observed"]),
        kind=str(row.get("kind", "")),
    )


def _counts(pred: Bools, gold: Bools) -> dict[str, Any]:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n": len(gold),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def features(pairs: Sequence[TriggerPair], gazetteer: Gazetteer | None = None) -> Floats:
    """Feature matrix; the actors are those the gazetteer finds in the threat and report,
    as the service's trigger watch passes them."""
    gazetteer = gazetteer or load_gazetteer()
    rows = []
    for p in pairs:
        ids = {m.actor.id for m in gazetteer.find_all(p.threat)}
        ids |= {m.actor.id for m in gazetteer.find_all(p.report)}
        rows.append(pair_features(p.condition, p.report, gazetteer=gazetteer, actor_ids=ids))
    return np.array([r.values for r in rows], dtype=np.float64)


def _fit(x: Floats, y: Bools, c: float) -> TriggerModel:
    lr = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    return TriggerModel(tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0]), 0.5)


def _probabilities(model: TriggerModel, x: Floats) -> Floats:
    return np.array([model.probability(tuple(row)) for row in x], dtype=np.float64)


def _best_threshold(prob: Floats, gold: Bools) -> tuple[tuple[bool, float], float]:
    """The threshold with the best (reaches target precision, F1); ties: the higher one."""
    scored = []
    for t in THRESHOLDS:
        c = _counts(prob >= t, gold)
        scored.append(((c["precision"] >= TARGET_PRECISION, c["f1"]), t))
    return max(scored)


def choose_hyperparameters(
    x: Floats, y: Bools, groups: Sequence[str], folds: int = INNER_FOLDS
) -> tuple[float, float]:
    """C and threshold by grouped cross-validation on (x, y) only; ties: the smaller C."""
    n_groups = len(set(groups))
    if n_groups < 2 or y.all() or not y.any():
        return FALLBACK
    splits = list(GroupKFold(n_splits=min(folds, n_groups)).split(x, y, groups))
    best: tuple[tuple[bool, float], float, float] | None = None
    for c in C_GRID:
        oof = np.zeros(len(y))
        for train, test in splits:
            if y[train].all() or not y[train].any():
                oof[test] = 0.5
                continue
            oof[test] = _probabilities(_fit(x[train], y[train], c), x[test])
        score, t = _best_threshold(oof, y)
        if best is None or score > best[0]:  # strict: the first (smallest) C wins ties
            best = (score, c, t)
    assert best is not None
    return best[1], best[2]


def train_model(
    pairs: Sequence[TriggerPair], folds: int = 5
) -> tuple[TriggerModel, dict[str, Any]]:
    """The shipped model: C and threshold by grouped CV on all pairs, then fit on all."""
    x = features(pairs)
    y = np.array([p.observed for p in pairs], dtype=bool)
    c, t = choose_hyperparameters(x, y, [p.threat for p in pairs], folds)
    fitted = _fit(x, y, c)
    model = TriggerModel(fitted.coef, fitted.intercept, t)
    about = {"C": c, "n": len(pairs), "positives": int(y.sum()), "cv_folds": folds}
    return model, about


def evaluate_pairs(pairs: Sequence[TriggerPair], folds: int = 5) -> dict[str, Any]:
    """Held-out figures by nested grouped CV, per kind, and the shipped model's figures."""
    x = features(pairs)
    gold = np.array([p.observed for p in pairs], dtype=bool)
    groups = [p.threat for p in pairs]
    pred = np.zeros(len(pairs), dtype=bool)
    chosen = []
    n_folds = min(folds, len(set(groups)))
    for train, test in GroupKFold(n_splits=n_folds).split(x, gold, groups):
        c, t = choose_hyperparameters(x[train], gold[train], [groups[i] for i in train])
        if gold[train].all() or not gold[train].any():
            c, t = FALLBACK
            pred[test] = gold[train].all()
        else:
            pred[test] = _probabilities(_fit(x[train], gold[train], c), x[test]) >= t
        chosen.append({"C": c, "threshold": t})
    by_kind: dict[str, dict[str, Any]] = {}
    for p, hit in zip(pairs, pred, strict=True):
        entry = by_kind.setdefault(p.kind or "unlabelled", {"n": 0, "observed": 0})
        entry["n"] += 1
        entry["observed"] += int(hit)
    for entry in by_kind.values():
        entry["observed_rate"] = round(entry["observed"] / entry["n"], 4)
    shipped = _probabilities(MODEL, x) >= MODEL.threshold
    return {
        **_counts(pred, gold),
        "method": (
            f"nested grouped {n_folds}-fold CV by threat; logistic regression; C and "
            "threshold chosen by grouped CV inside each training part"
        ),
        "folds": chosen,
        "predicted_observed_by_kind": by_kind,
        "shipped_threshold": MODEL.threshold,
        "shipped_model_on_this_file": _counts(shipped, gold),
    }
