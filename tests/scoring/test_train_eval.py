"""Training and evaluation end to end on a small labelled set written in our own words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from threadpoolctl import threadpool_info
from typer.testing import CliRunner

from scoring.artifact import CARD_FILE, DEFAULT_DIR, MODEL_FILE
from scoring.curve import learning_curve
from scoring.cv import compare, compare_tagger, fit_model, splits
from scoring.data import is_test_doc, load_file, split
from scoring.model import ThreatModel
from scoring.report import run_eval
from scoring.sampling import RULES, margin, next_labels, sampling_curve
from scoring.scorer import load_scorer
from scoring.train import train_artifact
from service.cli import app as redline
from service.cli_scoring import register

# own words: templates filled with invented actors, targets and triggers
ACTORS = [
    "The Northern Brigade",
    "The coastal militia",
    "General Arvo",
    "The river front",
    "The mountain council",
    "The island navy",
    "Commander Tesk",
    "The valley guard",
]
LEVELS = [(1, "impose sanctions on"), (2, "attack"), (3, "wage all-out war on")]
TARGETS = [
    "the border posts",
    "the capital",
    "the supply convoys",
    "the port",
    "the airfield",
    "the rail depot",
]


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(36):
        actor, target, doc = ACTORS[i % 8], TARGETS[i % 6], f"own-doc-{i:02d}"
        cond = f"if the troops cross line {i}"
        level, verb = LEVELS[i % 3]
        threat = f"{actor} warned it will {verb} {target} {cond}."
        plain = f"{actor} opened a new school near {target} on day {i}."
        rows.append(_row(threat, 1, 1, level, actor, target, cond, f"{verb} {target}", doc))
        rows.append(_row(plain, 0, 0, 0, None, None, None, None, doc))
    return rows


def _row(
    text: str, t: int, c: int, s: int, a: object, g: object, k: object, x: object, doc: str
) -> dict[str, object]:
    return {
        "text": text,
        "threat": t,
        "conditional": c,
        "severity": s,
        "actor": a,
        "target": g,
        "condition": k,
        "action": x,
        "source": "own words",
        "doc": doc,
    }


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("data")
    (d / "own.jsonl").write_text("\n".join(json.dumps(r) for r in _rows()) + "\n")
    return d


def test_train_is_deterministic_and_records_provenance(data_dir: Path, tmp_path: Path) -> None:
    card_a = train_artifact(data_dir, tmp_path / "a")
    card_b = train_artifact(data_dir, tmp_path / "b")
    assert card_a.model_version == card_b.model_version
    assert card_a.data_sha256 == card_b.data_sha256
    assert card_a.metrics["n"] == sum(is_test_doc(f"own-doc-{i:02d}") for i in range(36)) * 2
    # the card keeps extraction given threat and the intervals of its figures
    given, intervals, threat = (
        card_a.metrics[k] for k in ("extraction_given_threat", "intervals", "threat")
    )
    assert isinstance(given, dict) and "action" in given
    assert isinstance(intervals, dict) and isinstance(threat, dict)
    low, high = intervals["threat_f1"]
    assert low <= threat["f1"] <= high
    text = "The harbour guard warned it will attack the ferries if the troops cross line 99."
    a = load_scorer(tmp_path / "a").score(text)[0]
    b = load_scorer(tmp_path / "b").score(text)[0]
    assert a == b
    assert (tmp_path / "a" / MODEL_FILE).is_file() and (tmp_path / "a" / CARD_FILE).is_file()
    # byte-identical artefacts: nothing run-dependent is pickled
    assert (tmp_path / "a" / MODEL_FILE).read_bytes() == (tmp_path / "b" / MODEL_FILE).read_bytes()


def test_training_uses_one_blas_and_one_openmp_thread(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The BLAS splits its sums by thread count, so the artefact's bytes would depend on it;
    # OpenMP runs scikit-learn's boosted trees (the tagger's optional second pass).
    seen: dict[str, list[int]] = {"blas": [], "openmp": []}
    fit = ThreatModel.fit

    def recording_fit(self: ThreatModel, *args: Any, **kwargs: Any) -> ThreatModel:
        for pool in threadpool_info():
            seen.setdefault(pool["user_api"], []).append(pool["num_threads"])
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(ThreatModel, "fit", recording_fit)
    train_artifact(data_dir, tmp_path / "a")
    assert seen["blas"] and set(seen["blas"]) == {1}
    assert seen["openmp"] and set(seen["openmp"]) == {1}


def test_eval_json_shape_and_split(data_dir: Path) -> None:
    result = run_eval(data_dir / "own.jsonl", data_dir, None, baselines=True)
    assert result["split"]["split"] == "test"
    test_docs = {f"own-doc-{i:02d}" for i in range(36) if is_test_doc(f"own-doc-{i:02d}")}
    assert result["n"] == 2 * len(test_docs) and result["n_docs"] == len(test_docs)
    for key in ("threat", "conditional"):
        assert set(result[key]) == {"precision", "recall", "f1"}
    assert 0.0 <= result["severity"]["macro_f1"] <= 1.0
    assert set(result["extraction"]) >= {"condition", "action", "actor", "target"}
    assert set(result["baselines"]) == {"tfidf_lr", "keyword"}
    assert result["threat"]["f1"] > 0.9
    calibration = result["calibration"]
    for key in ("threat_reliability", "conditional_reliability"):
        assert sum(row["n"] for row in calibration[key]) == result["n"]
    intervals = result["intervals"]
    for key in ("threat", "conditional"):
        low, high = intervals[f"{key}_f1"]
        assert low <= result[key]["f1"] <= high
    low, high = intervals["severity_macro_f1"]
    assert low <= result["severity"]["macro_f1"] <= high
    for name, figures in result["baselines"].items():
        low, high = intervals["minus"][name]["threat_f1"]
        assert low <= result["threat"]["f1"] - figures["threat"]["f1"] <= high
    assert set(intervals["extraction_given_threat"]) <= {
        "condition",
        "action",
        "actor_overlap",
        "target_overlap",
    }


def test_eval_gives_each_file_its_own_figures(tmp_path: Path) -> None:
    rows = _rows()
    for name, part in (("a.jsonl", rows[:36]), ("b.jsonl", rows[36:])):
        (tmp_path / name).write_text("\n".join(json.dumps(r) for r in part) + "\n")
    both = run_eval(tmp_path, tmp_path, None, baselines=True)
    assert set(both["by_file"]) == {"model", "tfidf_lr", "keyword"}
    assert list(both["by_file"]["model"]) == ["a.jsonl", "b.jsonl"]
    assert sum(f["n"] for f in both["by_file"]["model"].values()) == both["n"]
    for name in ("a.jsonl", "b.jsonl"):
        alone = run_eval(tmp_path / name, tmp_path, None, baselines=False)
        mine = both["by_file"]["model"][name]
        assert mine["n"] == alone["n"] and mine["n_docs"] == alone["n_docs"]
        assert mine["threat"] == alone["threat"] and mine["severity"] == alone["severity"]


def test_eval_text_output_names_the_intervals(data_dir: Path) -> None:
    app = typer.Typer()
    register(app)
    data = str(data_dir / "own.jsonl")
    result = CliRunner().invoke(
        app, ["eval", "--data", data, "--data-dir", str(data_dir), "--baselines"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "95% intervals, document bootstrap:" in lines
    assert any(line.startswith("  model: threat F1 ") for line in lines)
    assert any(line.startswith("  model - tfidf_lr: threat F1 ") for line in lines)
    assert "by file, threat F1 / cond F1 / sev mF1:" in lines
    assert lines[-1].startswith("  own.jsonl (n=") and ", keyword " in lines[-1]


def test_cv_compares_settings_on_the_same_folds(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    same = compare(train, {}, folds=3)
    assert same["shipped"] == same["candidate"]
    assert all(v == [0.0, 0.0] for v in same["intervals"]["minus"]["shipped"].values())
    other = compare(train, {"cue_weight": 0.0, "char_range": None}, folds=3, shuffle_seed=1)
    assert other["params"] == {"cue_weight": 0.0, "char_range": None}
    assert other["n"] == len(train) and other["shuffle_seed"] == 1
    low, high = other["intervals"]["threat_f1"]
    assert low <= other["candidate"]["threat"]["f1"] <= high


def test_tagger_cv_compares_settings_on_the_same_folds(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    same = compare_tagger(train, {}, folds=3)
    assert same["n"] == sum(e.threat for e in train)
    assert same["shipped"] == same["candidate"]
    lead = same["intervals"]["extraction_given_threat_minus"]["shipped"]
    assert set(lead) == {"condition", "action", "actor_overlap", "target_overlap"}
    assert all(v == [0.0, 0.0] for v in lead.values())
    # no second pass: the action's probabilities are the first pass's, so its spans change
    other = compare_tagger(train, {"refine": False, "c": 0.1}, folds=3, shuffle_seed=1)
    assert other["params"] == {"refine": False, "c": 0.1} and other["shuffle_seed"] == 1
    assert other["candidate"] != other["shipped"]
    low, high = other["intervals"]["extraction_given_threat"]["action"]
    assert low <= other["candidate"]["action"] <= high


def test_cv_command_checks_its_settings(data_dir: Path) -> None:
    app = typer.Typer()
    register(app)
    bad = CliRunner().invoke(app, ["cv", "--data-dir", str(data_dir), "--set", "depth=3"])
    assert bad.exit_code == 2 and "'depth' is not one of" in bad.output
    malformed = CliRunner().invoke(app, ["cv", "--data-dir", str(data_dir), "--set", "c_binary"])
    assert malformed.exit_code == 2 and "expected NAME=JSON" in malformed.output
    args = ["cv", "--data-dir", str(data_dir), "--set", "word_range=[1,3]", "--folds", "3"]
    ok = CliRunner().invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("threat F1: shipped ")
    # --tagger checks names against the span tagger's settings, not the classifier's
    wrong = CliRunner().invoke(app, [*args[:3], "--tagger", "--set", "word_range=[1,3]"])
    assert wrong.exit_code == 2 and "'word_range' is not one of" in wrong.output
    no_head = CliRunner().invoke(app, [*args[:3], "--tagger", "--set", 'refined=["place"]'])
    assert no_head.exit_code == 2 and "refined: the heads are" in no_head.output
    tagged = CliRunner().invoke(
        app, [*args[:3], "--tagger", "--set", 'refined=["target"]', "--folds", "3"]
    )
    assert tagged.exit_code == 0, tagged.output
    assert tagged.output.startswith("condition: shipped ")
    assert "target_overlap: shipped " in tagged.output


def test_splits_fit_on_a_random_share_of_each_fold_documents(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    docs = [e.doc for e in train]
    full = list(splits(train, folds=4))
    half = list(splits(train, folds=4, fraction=0.5, seed=0))
    again = list(splits(train, folds=4, fraction=0.5, seed=0))
    other = list(splits(train, folds=4, fraction=0.5, seed=1))
    assert [h.tolist() for _, h in half] == [h.tolist() for _, h in full]
    for (fit, _), (part, _) in zip(full, half, strict=True):
        fit_docs, part_docs = {docs[i] for i in fit}, {docs[i] for i in part}
        assert part_docs < fit_docs and len(part_docs) == round(0.5 * len(fit_docs))
        # whole documents: every sentence of a kept document is kept
        assert sorted(part.tolist()) == [i for i in fit.tolist() if docs[i] in part_docs]
    assert [f.tolist() for f, _ in again] == [f.tolist() for f, _ in half]
    assert [f.tolist() for f, _ in other] != [f.tolist() for f, _ in half]
    assert [f.tolist() for f, _ in splits(train, folds=4, fraction=1.0)] == [
        f.tolist() for f, _ in full
    ]


def test_learning_curve_ends_at_the_cross_validated_figures(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    curve = learning_curve(train, (1.0, 0.5), repeats=2, folds=3)
    half, whole = curve["points"]
    assert (half["fraction"], whole["fraction"]) == (0.5, 1.0)
    assert (len(half["draws"]), len(whole["draws"])) == (2, 1)
    assert half["fit_sentences"] < whole["fit_sentences"] < len(train)
    shipped = compare(train, {}, folds=3)["shipped"]
    assert whole["model"] == {
        "threat_f1": shipped["threat"]["f1"],
        "conditional_f1": shipped["conditional"]["f1"],
        "severity_macro_f1": shipped["severity"]["macro_f1"],
    }
    for name in ("model", "tfidf_lr"):
        for key, value in half[name].items():
            assert value == pytest.approx(sum(d[name][key] for d in half["draws"]) / 2)
            # two points one doubling apart: the slope is their difference
            slope = curve["per_doubling"][name][key]
            assert slope == pytest.approx(whole[name][key] - value)
    with pytest.raises(ValueError, match="fractions"):
        learning_curve(train, (0.0, 1.0))


def test_tagger_learning_curve_ends_at_the_cross_validated_figures(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    curve = learning_curve(train, (0.5, 1.0), repeats=1, folds=3, tagger=True)
    assert curve["n"] == sum(e.threat for e in train)
    shipped = compare_tagger(train, {}, folds=3)["shipped"]
    whole = curve["points"][-1]["model"]
    assert whole == {k: shipped[k] for k in whole}
    assert {"condition", "action", "actor_overlap", "target_overlap"} <= set(whole)


def test_the_uncertain_rule_takes_the_sentences_nearest_a_threshold(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    model = fit_model(train[:20], {})
    texts = [e.text for e in train[20:]]
    probs = model.predict_all(texts)
    cuts = (model.threat_.threshold_, model.conditional_.threshold_)
    near = margin(probs.threat, probs.conditional, *cuts)
    # the nearer of the two distances
    assert near == pytest.approx(
        [min(abs(t - cuts[0]), abs(c - cuts[1])) for t, c in zip(*probs[:2], strict=True)]
    )
    picked = next_labels("uncertain", model, texts, 5, np.random.default_rng(0))
    rest = np.setdiff1d(np.arange(len(texts)), picked)
    assert len(set(picked.tolist())) == 5 and near[picked].max() <= near[rest].min()
    drawn = next_labels("random", model, texts, 5, np.random.default_rng(0))
    assert len(set(drawn.tolist())) == 5 and drawn.max() < len(texts)


def test_sampling_curve_compares_the_rules_at_the_same_label_counts(data_dir: Path) -> None:
    train, _ = split(load_file(data_dir / "own.jsonl"))
    result = sampling_curve(train, start=0.3, batch=4, rounds=2, folds=3)
    first, *later = result["rounds"]
    assert first["uncertain"] == first["random"]  # both rules start from the same model
    assert [r["added"] for r in result["rounds"]] == [0, 4, 8]
    assert [r["fit_sentences"] - first["fit_sentences"] for r in later] == [4.0, 8.0]
    for r in result["rounds"]:
        assert set(RULES) <= set(r)
        assert set(r["random"]) == {"threat_f1", "conditional_f1", "severity_macro_f1"}
    with pytest.raises(ValueError, match="fewer than"):
        sampling_curve(train, start=0.3, batch=100, rounds=2, folds=3)


def test_curve_command(data_dir: Path) -> None:
    app = typer.Typer()
    register(app)
    args = ["curve", "--data-dir", str(data_dir), "--folds", "3"]
    bad = CliRunner().invoke(app, [*args, "--fractions", "0.5,2"])
    assert bad.exit_code == 2 and "fractions must lie in (0, 1]" in bad.output
    words = CliRunner().invoke(app, [*args, "--fractions", "half"])
    assert words.exit_code == 2 and "--fractions" in words.output
    ok = CliRunner().invoke(app, [*args, "--fractions", "0.5,1", "--repeats", "1"])
    assert ok.exit_code == 0, ok.output
    lines = ok.output.splitlines()
    assert lines[0].startswith("classification, out of fold on ")
    assert any(line.startswith("1.00 (") and " tfidf_lr: threat_f1 " in line for line in lines)
    assert lines[-1].startswith("per doubling, tfidf_lr: threat_f1 ")


def test_labels_simulate_command(data_dir: Path) -> None:
    args = ["labels", "simulate", "--data-dir", str(data_dir), "--folds", "3", "--start", "0.3"]
    too_many = CliRunner().invoke(redline, [*args, "--batch", "100"])
    assert too_many.exit_code == 2 and "fewer than 400 sentences to add" in too_many.output
    ok = CliRunner().invoke(redline, [*args, "--batch", "4", "--rounds", "1"])
    assert ok.exit_code == 0, ok.output
    lines = ok.output.splitlines()
    assert lines[0].startswith("out of fold on ") and len(lines) == 3
    assert lines[2].startswith("+4 labels (") and "; random: threat_f1 " in lines[2]


def test_eval_compares_two_artefacts_on_the_same_documents(data_dir: Path) -> None:
    # the shipped artefact against itself: every paired difference is zero
    result = run_eval(data_dir / "own.jsonl", data_dir, None, baselines=False, compare=DEFAULT_DIR)
    version = result["split"]["model_version"]
    other = result["baselines"][version]
    assert other["threat"] == result["threat"]
    assert other["extraction_given_threat"] == result["extraction_given_threat"]
    minus = result["intervals"]["minus"][version]
    assert all(v == [0.0, 0.0] for v in minus.values())
    spans = result["intervals"]["extraction_given_threat_minus"][version]
    assert spans and all(v == [0.0, 0.0] for v in spans.values())
