"""Benchmark: end-to-end scoring speed on one core vs the bare TF-IDF + LR baseline.

Sentences are the held-out labelled sentences when REDLINE_LABELLED_DATA_DIR (or
../shared/data) exists, else sentences written for the benchmark. Figures are medians of
repeated runs because the machine is shared.
"""

from __future__ import annotations

import copy
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One core: pin BLAS/OpenMP before numpy loads.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from scoring import Scorer, load_scorer  # noqa: E402
from scoring.baselines import TfidfLRBaseline  # noqa: E402
from scoring.data import Example, load_dir, split  # noqa: E402
from scoring.split import split_sentences  # noqa: E402

# own words, written for the benchmark
OWN = [
    "If the blockade is not lifted by Friday, our forces will strike the port.",
    "The minister said talks would resume next week in Geneva.",
    "Any attack on our ships will be met with a crushing response, the navy warned.",
    "Prices of grain rose sharply after the harvest failed.",
    "The group vowed to target foreign bases unless the troops leave.",
]


def _texts(data_dir: Path) -> tuple[list[str], list[str], list[Example]]:
    """(sentences, documents made of them, training examples for the baseline)."""
    if data_dir.is_dir():
        train, test = split(load_dir(data_dir))
        docs: dict[str, list[str]] = {}
        for e in test:
            docs.setdefault(e.doc, []).append(e.text.strip())
        return [e.text for e in test], [" ".join(v) for v in docs.values()], train
    return (
        OWN * 400,
        [" ".join(OWN)] * 400,
        [
            Example(t, int("will" in t), int("If" in t), 2 * int("will" in t), str(i), "own")
            for i, t in enumerate(OWN * 4)
        ],
    )


def _median_rate(fn: Callable[[], object], n: int, repeats: int) -> float:
    return round(statistics.median(n / t for t in _times(fn, repeats)), 1)


def _median_load(repeats: int) -> float:
    return round(statistics.median(_times(load_scorer, repeats)), 4)


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    return round(1000 * statistics.median(_times(fn, repeats)), 1)


def _times(fn: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _stages(scorer: Scorer, docs: list[str], repeats: int) -> dict[str, float]:
    """Median ms per batch of each step of `score_many(docs)`: where the time goes."""
    sentences = [d[s:e] for d in docs for s, e in split_sentences(d)]
    model, tagger = scorer.model, scorer.tagger
    is_threat, is_cond = model.decide(model.predict_all(sentences))
    hits = [i for i, t in enumerate(is_threat) if t]
    threats, cond = [sentences[i] for i in hits], [bool(is_cond[i]) for i in hits]
    first_pass_only = copy.copy(tagger)
    first_pass_only.refiner_ = None
    with_second = _median_ms(lambda: tagger.predict(threats, cond), repeats)
    without = _median_ms(lambda: first_pass_only.predict(threats, cond), repeats)
    return {
        "split": _median_ms(lambda: [split_sentences(d) for d in docs], repeats),
        "classifier": _median_ms(lambda: model.predict_all(sentences), repeats),
        "tagger": with_second,
        "tagger_second_pass": round(with_second - without, 1),
        "threat_sentences": len(threats),
    }


def run_bench(data_dir: Path, repeats: int = 7) -> dict[str, Any]:
    """Median sentences/s of the scorer (end to end, on whole documents) and of the
    baseline's predict (on the same sentences), the median load time, and the median ms
    of each step on one batch; one core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts, docs, train = _texts(data_dir)
    scorer = load_scorer()
    baseline = TfidfLRBaseline().fit(train)
    n = len(texts)
    n_split = sum(len(d) for d in scorer.score_many(docs))
    return {
        "sentences": n,
        "documents": len(docs),
        "sentences_per_s": _median_rate(lambda: scorer.score_many(docs), n_split, repeats),
        "score_sentences_per_s": _median_rate(lambda: scorer.score_sentences(texts), n, repeats),
        "baseline_tfidf_lr_sentences_per_s": _median_rate(
            lambda: baseline.predict_examples(texts), n, repeats
        ),
        "load_s": _median_load(repeats),
        "stages_ms": _stages(scorer, docs, repeats),
        "repeats": repeats,
        "data": str(data_dir) if data_dir.is_dir() else "own sentences",
    }
