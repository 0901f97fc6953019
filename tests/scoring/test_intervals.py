"""Document-bootstrap intervals of the held-out figures."""

from __future__ import annotations

import numpy as np

from scoring.data import Example
from scoring.evaluate import Predictions
from scoring.intervals import DocResampler, held_out_intervals, interval
from scoring.metrics import binary_prf, macro_f1


def _examples(n_docs: int, seed: int) -> tuple[list[Example], Predictions]:
    """Random labels and noisy predictions, 1-6 sentences a document."""
    rng = np.random.default_rng(seed)
    examples, threat, severity = [], [], []
    for d in range(n_docs):
        for _ in range(int(rng.integers(1, 7))):
            t = int(rng.random() < 0.4)
            sev = int(rng.integers(1, 4)) * t
            examples.append(Example("x", t, t * int(rng.random() < 0.5), sev, f"d{d:03d}", "f"))
            hit = t if rng.random() < 0.8 else 1 - t
            threat.append(hit)
            severity.append(hit * int(rng.integers(1, 4)))
    cond = [p * e.conditional for p, e in zip(threat, examples, strict=True)]
    return examples, Predictions(threat, cond, severity)


def test_each_draw_is_the_figure_of_the_sentences_it_drew() -> None:
    examples, pred = _examples(30, seed=1)
    r = DocResampler([e.doc for e in examples], resamples=20, seed=3)
    docs = sorted({e.doc for e in examples})
    f1 = r.f1([e.threat for e in examples], pred.threat)
    macro = r.macro_f1([e.severity for e in examples], pred.severity, range(4))
    mean = r.mean(pred.threat)
    for k, counts in enumerate(r.weights):
        drawn = [i for d, c in zip(docs, counts, strict=True) for i in _rows(examples, d) * int(c)]
        gold = [examples[i].threat for i in drawn]
        assert abs(f1[k] - binary_prf(gold, [pred.threat[i] for i in drawn])["f1"]) < 1e-4
        sev = [examples[i].severity for i in drawn]
        assert abs(macro[k] - macro_f1(sev, [pred.severity[i] for i in drawn], range(4))) < 1e-4
        assert abs(mean[k] - np.mean([pred.threat[i] for i in drawn])) < 1e-9
    assert (r.weights[0] == 1).all()  # row 0: every document once
    assert (r.weights[1:].sum(axis=1) == len(docs)).all()


def _rows(examples: list[Example], doc: str) -> list[int]:
    return [i for i, e in enumerate(examples) if e.doc == doc]


def test_documents_are_drawn_whole() -> None:
    # document a: both sentences right; b: both wrong. A draw is aa, ab or bb, so F1 can
    # only take three values; drawing sentences would mix them.
    gold, pred = [1, 1, 1, 1], [1, 1, 0, 0]
    r = DocResampler(["a", "a", "b", "b"], resamples=200, seed=0)
    values = set(np.round(r.f1(gold, pred), 9))
    assert values == {1.0, round(2 * 2 / (2 + 4), 9), 0.0}


def test_the_interval_holds_the_figure_and_narrows_with_more_documents() -> None:
    widths = []
    for n_docs in (20, 400):
        examples, pred = _examples(n_docs, seed=2)
        point = binary_prf([e.threat for e in examples], pred.threat)["f1"]
        low, high = held_out_intervals(examples, pred)["threat_f1"]
        assert low <= point <= high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2


def test_a_model_against_itself_differs_by_nothing_and_against_worse_by_something() -> None:
    examples, pred = _examples(100, seed=4)
    worse = Predictions([0] * len(examples), [0] * len(examples), [0] * len(examples))
    out = held_out_intervals(examples, pred, {"same": pred, "none": worse})
    assert out["minus"]["same"] == {
        "threat_f1": [0.0, 0.0],
        "conditional_f1": [0.0, 0.0],
        "severity_macro_f1": [0.0, 0.0],
    }
    assert out["minus"]["none"]["threat_f1"][0] > 0.5
    assert "1000 draws of the 100 documents" in out["method"]


def test_extraction_intervals_cover_the_sentences_with_a_gold_span() -> None:
    gold = [
        Example("t", 1, 1, 2, f"d{i}", "f", None, None, "if they come", "we will strike")
        for i in range(10)
    ]
    spans: list[dict[str, str | None]] = [
        {"condition": "if they come", "action": "strike" if i % 2 else None} for i in range(10)
    ]
    out = held_out_intervals(gold, Predictions([1] * 10, [1] * 10, [2] * 10), None, (gold, spans))
    ext = out["extraction_given_threat"]
    assert ext["condition"] == [1.0, 1.0]
    low, high = ext["action"]  # half the sentences score 0.5 (token F1 of "strike"), half 0
    assert 0.0 <= low < 0.25 < high <= 0.5
    assert "actor_overlap" not in ext  # no sentence has a gold actor
    nothing: list[dict[str, str | None]] = [{} for _ in range(10)]
    versus = held_out_intervals(
        gold, Predictions([1] * 10, [1] * 10, [2] * 10), None, (gold, spans), {"none": nothing}
    )
    lead = versus["extraction_given_threat_minus"]["none"]
    assert lead["condition"] == [1.0, 1.0] and lead["action"] == ext["action"]


def test_interval_leaves_out_the_point_estimate() -> None:
    assert interval(np.array([9.0, 1.0, 2.0, 3.0]), level=1.0) == [1.0, 3.0]
