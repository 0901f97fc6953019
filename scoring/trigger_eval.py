"""Precision and recall of `trigger_observed` on labelled (threat, report) pairs.

The threshold is chosen on training folds only (grouped by threat, so one threat's
reports never straddle a split) and the figures are pooled over the held-out folds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from scoring.actors import Gazetteer, load_gazetteer
from scoring.triggers import DEFAULT_THRESHOLD, modality_cues, relevance

# Below 0.02 unrelated facts about the same actors pass (own-words examples in the tests),
# so the search starts there.
GRID = tuple(round(0.01 * i, 2) for i in range(2, 31))


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


def _counts(pred: np.ndarray[Any, Any], gold: np.ndarray[Any, Any]) -> dict[str, Any]:
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


def _features(
    pairs: Sequence[TriggerPair], gazetteer: Gazetteer
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rel = [relevance(p.condition, p.report, gazetteer=gazetteer) for p in pairs]
    clean = [not modality_cues(p.report) for p in pairs]
    return np.array(rel), np.array(clean, dtype=bool)


def _best_threshold(
    rel: np.ndarray[Any, Any], clean: np.ndarray[Any, Any], gold: np.ndarray[Any, Any]
) -> float:
    scored = [(_counts(clean & (rel >= t), gold)["f1"], -t) for t in GRID]
    return -max(scored)[1]  # ties go to the higher (more precise) threshold


def evaluate_pairs(pairs: Sequence[TriggerPair], folds: int = 5) -> dict[str, Any]:
    """Held-out figures (threshold tuned per fold) and figures at the shipped threshold."""
    gazetteer = load_gazetteer()
    rel, clean = _features(pairs, gazetteer)
    gold = np.array([p.observed for p in pairs], dtype=bool)
    groups = [p.threat for p in pairs]
    pred = np.zeros(len(pairs), dtype=bool)
    chosen = []
    n_folds = min(folds, len(set(groups)))
    for train, test in GroupKFold(n_splits=n_folds).split(rel, gold, groups):
        t = _best_threshold(rel[train], clean[train], gold[train])
        chosen.append(t)
        pred[test] = clean[test] & (rel[test] >= t)
    shipped = clean & (rel >= DEFAULT_THRESHOLD)
    by_kind: dict[str, dict[str, int]] = {}
    for p, hit in zip(pairs, pred, strict=True):
        entry = by_kind.setdefault(p.kind or "unlabelled", {"n": 0, "observed": 0})
        entry["n"] += 1
        entry["observed"] += int(hit)
    return {
        **_counts(pred, gold),
        "method": f"grouped {n_folds}-fold CV by threat; threshold tuned on training folds",
        "fold_thresholds": chosen,
        "shipped_threshold": DEFAULT_THRESHOLD,
        "at_shipped_threshold": _counts(shipped, gold),
        "predicted_observed_by_kind": by_kind,
    }
