"""Labelled data (LABELS.md schema): loading, hashing and the doc-based train/test split.

The split is a pure function of the `doc` identifier (a keyed SHA-256), so every file's
test documents are the same for the trainer and the evaluator, and no sentence of a test
document is ever trained on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scoring.errors import LabelledDataError

SPLIT_SEED = "redline-split-v1"
TEST_PERCENT = 25
EXCLUDED_FILES = frozenset({"triggers.jsonl"})
SPAN_FIELDS = ("actor", "target", "condition", "action")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence."""

    text: str
    threat: int
    conditional: int
    severity: int
    doc: str
    file: str
    actor: str | None = None
    target: str | None = None
    condition: str | None = None
    action: str | None = None

    def span(self, name: str) -> str | None:
        """The labelled span text of field `name` (one of SPAN_FIELDS)."""
        value: str | None = getattr(self, name)
        return value


def is_test_doc(doc: str) -> bool:
    """True when document `doc` belongs to the held-out test split (about 25 %)."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{doc}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_PERCENT


def labelled_files(data_dir: Path) -> list[Path]:
    """The labelled sentence files of `data_dir`, sorted by name."""
    files = sorted(p for p in data_dir.glob("*.jsonl") if p.name not in EXCLUDED_FILES)
    if not files:
        raise LabelledDataError(f"no labelled *.jsonl files in {data_dir}")
    return files


def load_file(path: Path) -> list[Example]:
    """Read one JSON Lines file; raise LabelledDataError on a schema violation."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelledDataError(f"cannot read {path}: {exc}") from exc
    return [_parse(line, path, i) for i, line in enumerate(lines, 1) if line.strip()]


def _parse(line: str, path: Path, lineno: int) -> Example:
    try:
        row = json.loads(line)
        ex = Example(
            text=str(row["text"]),
            threat=int(row["threat"]),
            conditional=int(row["conditional"]),
            severity=int(row["severity"]),
            doc=str(row["doc"]),
            file=path.name,
            **{k: row.get(k) for k in SPAN_FIELDS},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise LabelledDataError(f"{path}:{lineno}: {exc}") from exc
    if ex.threat not in (0, 1) or ex.conditional not in (0, 1) or not 0 <= ex.severity <= 3:
        raise LabelledDataError(f"{path}:{lineno}: label out of range")
    return ex


def load_dir(data_dir: Path) -> list[Example]:
    """All labelled sentences of `data_dir`, in file then line order."""
    return [ex for p in labelled_files(data_dir) for ex in load_file(p)]


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(train, test) by document."""
    train: list[Example] = []
    test: list[Example] = []
    for ex in examples:
        (test if is_test_doc(ex.doc) else train).append(ex)
    return train, test


def files_sha256(paths: Sequence[Path]) -> str:
    """SHA-256 over the names and bytes of `paths`, in the given order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()
