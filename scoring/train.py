"""Rebuild the artefact from labelled data, deterministically.

Only the training documents (see `scoring.data.is_test_doc`) of every labelled file are
fitted; the held-out documents give the metrics recorded in the card. The same data and
code give the same model version and the same predictions; `trained_at` comes from
SOURCE_DATE_EPOCH when set, else the clock. Fitting runs with one BLAS and one OpenMP
thread: the BLAS splits its sums by thread count, so two threads and one gave weights
differing in the 11th digit, and so different files, on the same machine; the span
tagger's gradient-boosted second pass runs on OpenMP, and its trees depend on the thread
count too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from threadpoolctl import threadpool_limits

from scoring.artifact import save_artifact
from scoring.data import SPAN_FIELDS, Example, files_sha256, labelled_files, load_file, split
from scoring.model import ThreatModel
from scoring.report import held_out_figures
from scoring.scorer import Scorer
from scoring.tagger import SpanTagger
from scoring.types import ModelCard

MODEL_NAME = "threat-lr"
MODEL_REV = "9"


def fit_tagger(threats: Sequence[Example], params: Mapping[str, Any] | None = None) -> SpanTagger:
    """`SpanTagger(**params)` fitted on the threat sentences `threats` and their labelled
    spans, folding its second pass by document."""
    return SpanTagger(**(params or {})).fit(
        [e.text for e in threats],
        [bool(e.conditional) for e in threats],
        [{f: e.span(f) for f in SPAN_FIELDS} for e in threats],
        [e.doc for e in threats],
    )


def _trained_at() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.isoformat(timespec="seconds")


def train_artifact(data_dir: Path, out_dir: Path) -> ModelCard:
    """Fit on the train docs of `data_dir`, evaluate on its test docs, save to `out_dir`."""
    with threadpool_limits(limits=1):
        return _train(data_dir, out_dir)


def _train(data_dir: Path, out_dir: Path) -> ModelCard:
    files = labelled_files(data_dir)
    examples = [ex for p in files for ex in load_file(p)]
    train, test = split(examples)
    labels = np.array([[e.threat, e.conditional, e.severity] for e in train])
    model = ThreatModel().fit([e.text for e in train], labels, [e.doc for e in train])
    tagger = fit_tagger([e for e in train if e.threat])
    data_sha = files_sha256(files)
    version = f"{MODEL_NAME}-{MODEL_REV}-{data_sha[:10]}"
    card = ModelCard(version, sklearn.__version__, data_sha, _trained_at(), {})
    metrics = held_out_figures(Scorer(model, tagger, card), test)
    metrics["split"] = {"train_sentences": len(train), "test_sentences": len(test)}
    card = ModelCard(version, sklearn.__version__, data_sha, card.trained_at, metrics)
    model.forget_caches()
    save_artifact({"model": model, "tagger": tagger, "model_version": version}, card, out_dir)
    return card
