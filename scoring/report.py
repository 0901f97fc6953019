"""`redline eval`: figures of the model (and baselines) on a file's held-out documents,
with document-bootstrap intervals of the model's figures and of its lead over each
baseline (`scoring.intervals`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scoring.baselines import KeywordBaseline, ScorerPredictor, TfidfLRBaseline
from scoring.data import (
    SPLIT_SEED,
    TEST_PERCENT,
    Example,
    labelled_files,
    load_dir,
    load_file,
    split,
)
from scoring.errors import LabelledDataError
from scoring.evaluate import Predictions, by_file, extraction, figures, spans_given_threat
from scoring.intervals import held_out_intervals
from scoring.scorer import Scorer, load_scorer


def _load(data: Path) -> list[Any]:
    if data.is_dir():
        return load_dir(data)
    if not data.is_file():
        raise LabelledDataError(f"no such labelled file: {data}")
    return load_file(data)


def run_eval(
    data: Path,
    data_dir: Path,
    model: Path | None,
    baselines: bool,
    compare: Path | None = None,
) -> dict[str, Any]:
    """Evaluate on the test docs of `data`; baselines train on the train docs of `data_dir`.
    With `compare`, the artefact there is scored too, as a baseline named by its version
    (paired intervals tell whether the two models differ by more than the test's noise)."""
    _, test = split(_load(data))
    if not test:
        raise LabelledDataError(f"{data} has no held-out documents")
    theirs: dict[str, Predictions] = {}
    their_spans: dict[str, list[dict[str, str | None]]] = {}
    if compare is not None:
        other = load_scorer(compare)
        theirs[other.version] = ScorerPredictor(other).predict_examples([e.text for e in test])
        their_spans[other.version] = spans_given_threat(other, test)[1]
    if baselines:
        train_files = labelled_files(data_dir)
        train, _ = split(ex for p in train_files for ex in load_file(p))
        if data.is_file() and data.resolve() not in [p.resolve() for p in train_files]:
            train += split(load_file(data))[0]
        texts = [e.text for e in test]
        theirs["tfidf_lr"] = TfidfLRBaseline().fit(train).predict_examples(texts)
        theirs["keyword"] = KeywordBaseline().predict_examples(texts)
    scorer = load_scorer(model)
    ours = ScorerPredictor(scorer).predict_examples([e.text for e in test])
    result = held_out_figures(scorer, test, theirs, their_spans, ours)
    result["by_file"] = {"model": by_file(test, ours)}
    result["by_file"].update({name: by_file(test, pred) for name, pred in theirs.items()})
    result["split"] = {
        "data": str(data),
        "description": f"held-out docs: sha256('{SPLIT_SEED}:'+doc) % 100 < {TEST_PERCENT}",
        "split": "test",
        "model_version": scorer.version,
    }
    return result


def held_out_figures(
    scorer: Scorer,
    test: Sequence[Example],
    baselines: Mapping[str, Predictions] | None = None,
    baseline_spans: Mapping[str, list[dict[str, str | None]]] | None = None,
    ours: Predictions | None = None,
) -> dict[str, Any]:
    """The scorer's figures on the held-out sentences `test`, extraction given the gold
    threats, the baselines' figures (their predictions of `test`, by name; and for those
    in `baseline_spans`, their spans of the gold threats) and the intervals of all these.
    `ours`: the scorer's predictions of `test`, when the caller has them already."""
    if ours is None:
        ours = ScorerPredictor(scorer).predict_examples([e.text for e in test])
    result = figures(test, ours)
    given_threat = spans_given_threat(scorer, test)
    result["extraction_given_threat"] = extraction(*given_threat)
    if baselines:
        result["baselines"] = {name: figures(test, pred) for name, pred in baselines.items()}
        for name, spans in (baseline_spans or {}).items():
            result["baselines"][name]["extraction_given_threat"] = extraction(
                given_threat[0], spans
            )
    result["intervals"] = held_out_intervals(test, ours, baselines, given_threat, baseline_spans)
    return result
