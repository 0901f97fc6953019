"""The shipped artefact: card contents, and refusal of foreign or mismatched files."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import joblib
import pytest
import sklearn
from packaging.requirements import Requirement
from packaging.version import Version

from scoring import ArtifactError, load_scorer
from scoring.artifact import CARD_FILE, DEFAULT_DIR, MODEL_FILE, load_artifact


@pytest.fixture
def art_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "art"
    shutil.copytree(DEFAULT_DIR, dest)
    return dest


def _card(art: Path) -> dict[str, object]:
    card: dict[str, object] = json.loads((art / CARD_FILE).read_text())
    return card


def test_shipped_card_records_version_data_hash_and_metrics() -> None:
    scorer = load_scorer()
    card = scorer.card
    assert scorer.version == card.model_version and card.model_version
    assert len(card.data_sha256) == 64
    # Loading checks the minor series only, so a patch release of scikit-learn still loads it.
    assert Version(card.sklearn_version).release[:2] == Version(sklearn.__version__).release[:2]
    assert {"threat", "conditional", "severity", "extraction"} <= set(card.metrics)
    assert (DEFAULT_DIR / MODEL_FILE).stat().st_size < 25 * 1024 * 1024


def test_refuses_foreign_joblib_file(art_copy: Path) -> None:
    joblib.dump({"format": "something else"}, art_copy / MODEL_FILE)
    with pytest.raises(ArtifactError, match="not the file its card describes"):
        load_artifact(art_copy)


def test_refuses_other_sklearn_version(art_copy: Path) -> None:
    card = _card(art_copy)
    card["sklearn_version"] = "0.24.2"
    (art_copy / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.24\.2"):
        load_scorer(art_copy)


def test_refuses_unknown_format(art_copy: Path) -> None:
    card = _card(art_copy)
    card["format"] = "other/9"
    (art_copy / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ArtifactError, match="format"):
        load_scorer(art_copy)


def test_refuses_missing_artefact(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError):
        load_scorer(tmp_path)


def test_declared_scikit_learn_range_is_the_artefacts_minor_series() -> None:
    # A wider range would let a fresh install pick a release the shipped artefact refuses.
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    (spec,) = (Requirement(r) for r in project["project"]["dependencies"] if r.startswith("scikit"))
    built = Version(str(_card(DEFAULT_DIR)["sklearn_version"]))
    assert spec.specifier.contains(built)
    assert not spec.specifier.contains(f"{built.major}.{built.minor + 1}.0")
    assert not spec.specifier.contains(f"{built.major}.{built.minor - 1}.0")
