"""Saving and loading the model artefact: a joblib payload plus a JSON model card.

`load_artifact` refuses (ArtifactError) a missing card, a foreign or altered joblib file
(its SHA-256 must match the card, checked before unpickling), an unknown format, and a
scikit-learn major.minor version other than the one that built it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import joblib
import sklearn

from scoring.errors import ArtifactError
from scoring.types import ModelCard

FORMAT = "redline-scoring/1"
MODEL_FILE = "threat_model.joblib"
CARD_FILE = "model_card.json"
DEFAULT_DIR = Path(__file__).resolve().parent / "artifacts"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save_artifact(payload: dict[str, Any], card: ModelCard, out_dir: Path) -> Path:
    """Write `payload` and `card` into `out_dir`; return the joblib path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_FILE
    joblib.dump({"format": FORMAT, **payload}, model_path, compress=3)
    doc = {"format": FORMAT, "artifact_sha256": _sha256(model_path), **asdict(card)}
    (out_dir / CARD_FILE).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return model_path


def read_card(art_dir: Path) -> tuple[ModelCard, dict[str, Any]]:
    """The model card of `art_dir` and the raw JSON it came from."""
    try:
        raw: dict[str, Any] = json.loads((art_dir / CARD_FILE).read_text())
        card = ModelCard(
            model_version=raw["model_version"],
            sklearn_version=raw["sklearn_version"],
            data_sha256=raw["data_sha256"],
            trained_at=raw["trained_at"],
            metrics=raw.get("metrics", {}),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"no valid model card in {art_dir}: {exc}") from exc
    if raw.get("format") != FORMAT:
        raise ArtifactError(f"unknown artefact format {raw.get('format')!r}")
    return card, raw


def load_artifact(art_dir: Path | None = None) -> tuple[dict[str, Any], ModelCard]:
    """Load the payload and card of `art_dir` (default: the shipped artefact)."""
    art_dir = DEFAULT_DIR if art_dir is None else art_dir
    card, raw = read_card(art_dir)
    if _major_minor(card.sklearn_version) != _major_minor(sklearn.__version__):
        raise ArtifactError(
            f"artefact built with scikit-learn {card.sklearn_version}, "
            f"running {sklearn.__version__}: run `redline train`"
        )
    model_path = art_dir / MODEL_FILE
    if not model_path.is_file() or _sha256(model_path) != raw.get("artifact_sha256"):
        raise ArtifactError(f"{model_path} is missing or not the file its card describes")
    payload = joblib.load(model_path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ArtifactError(f"{model_path} is not a Redline scoring artefact")
    return payload, card
