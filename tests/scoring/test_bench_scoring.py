"""The scoring benchmark's report (its figures are measured by running it, not here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.scoring import OWN, run_bench
from scoring import load_scorer


@pytest.fixture
def all_cores() -> Iterator[None]:
    """The benchmark pins the process to one core; give the others back afterwards."""
    cores = os.sched_getaffinity(0)
    yield
    os.sched_setaffinity(0, cores)


@pytest.mark.usefixtures("all_cores")
def test_bench_reports_rates_load_and_where_the_time_goes(tmp_path: Path) -> None:
    result = run_bench(tmp_path / "no-labelled-data", repeats=1)
    assert result["data"] == "own sentences"
    for key in ("sentences_per_s", "score_sentences_per_s", "baseline_tfidf_lr_sentences_per_s"):
        assert result[key] > 0
    assert 0 < result["load_s"] < 60
    stages = result["stages_ms"]
    # the tagger's stage runs on the sentences the scorer calls threats, and only those
    per_doc = sum(s.severity > 0 for s in load_scorer().score(" ".join(OWN)))
    assert per_doc > 0 and stages["threat_sentences"] == 400 * per_doc
    assert stages["split"] > 0 and stages["classifier"] > 0 and stages["tagger"] > 0
    # a difference of two medians: present, but too noisy to bound in a test
    assert isinstance(stages["tagger_second_pass"], float)
