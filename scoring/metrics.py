"""Quality figures: binary P/R/F1, macro-F1, token F1 of spans, Brier score, reliability."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

_TOKEN = re.compile(r"\w+", re.UNICODE)


def binary_prf(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class."""
    g = np.asarray(gold, dtype=bool)
    p = np.asarray(pred, dtype=bool)
    tp = float((g & p).sum())
    prec = tp / max(float(p.sum()), 1.0)
    rec = tp / max(float(g.sum()), 1.0)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}


def macro_f1(gold: Sequence[int], pred: Sequence[int], classes: Sequence[int]) -> float:
    """Unweighted mean of per-class F1 over `classes` (absent classes score 0)."""
    scores = []
    for c in classes:
        g = [int(x == c) for x in gold]
        p = [int(x == c) for x in pred]
        scores.append(binary_prf(g, p)["f1"])
    return round(float(np.mean(scores)), 4)


def tokens(text: str | None) -> list[str]:
    """Lower-case word tokens of `text`."""
    return [t.lower() for t in _TOKEN.findall(text or "")]


def token_f1(gold: str | None, pred: str | None) -> float:
    """Bag-of-tokens F1 between two spans (1.0 when both are empty)."""
    g, p = tokens(gold), tokens(pred)
    if not g and not p:
        return 1.0
    common = sum(min(g.count(t), p.count(t)) for t in set(g))
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def overlaps(gold: str | None, pred: str | None) -> bool:
    """True when the two spans share at least one token."""
    return bool(set(tokens(gold)) & set(tokens(pred)))


def brier(gold: Sequence[int], prob: npt.ArrayLike) -> float:
    """Mean squared error of probabilities against 0/1 outcomes."""
    g = np.asarray(gold, dtype=float)
    return round(float(np.mean((np.asarray(prob, dtype=float) - g) ** 2)), 4)


def reliability(gold: Sequence[int], prob: npt.ArrayLike, bins: int = 10) -> list[dict[str, Any]]:
    """Reliability table: per probability bin, count, mean predicted, observed rate."""
    g = np.asarray(gold, dtype=float)
    p = np.asarray(prob, dtype=float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        if mask.any():
            rows.append(
                {
                    "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                    "n": int(mask.sum()),
                    "mean_p": round(float(p[mask].mean()), 3),
                    "observed": round(float(g[mask].mean()), 3),
                }
            )
    return rows
