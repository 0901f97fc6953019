"""The shipped scorer: loads, splits, scores with offsets, names its version."""

from __future__ import annotations

import pytest

from scoring import Scorer, StatementScore, load_scorer


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer()


# own words, after a real pattern
THREAT = (
    "If the army crosses the river again, our fighters will treat every base in the "
    "province as a legitimate target, the commander warned."
)
PLAIN = "The ministry published its annual budget figures on Tuesday."


def test_score_gives_one_statement_per_sentence_with_offsets(scorer: Scorer) -> None:
    text = f"{PLAIN} {THREAT}"
    out = scorer.score(text)
    assert len(out) == 2
    for s in out:
        assert text[s.start : s.end] == s.text
        assert s.model_version == scorer.version


def test_threat_scores_high_and_plain_low(scorer: Scorer) -> None:
    plain, threat = scorer.score(f"{PLAIN} {THREAT}")
    assert threat.threat > 0.7 and threat.conditional > 0.5
    assert plain.threat < 0.3 and plain.escalation < threat.escalation
    assert threat.severity == 2


def test_probabilities_are_well_formed(scorer: Scorer) -> None:
    (s,) = scorer.score(THREAT)
    assert 0.0 <= s.conditional <= s.threat <= 1.0
    assert sum(s.severity_probs) == pytest.approx(1.0)
    assert 0.0 <= s.escalation <= 1.0


def test_score_many_matches_score(scorer: Scorer) -> None:
    many = scorer.score_many([THREAT, PLAIN, ""])
    assert [len(x) for x in many] == [1, 1, 0]
    assert many[0][0] == scorer.score(THREAT)[0]


def test_as_dict_is_json_ready(scorer: Scorer) -> None:
    (s,) = scorer.score(THREAT)
    d = s.as_dict()
    assert isinstance(s, StatementScore)
    assert d["model_version"] == scorer.version
    cond = d["condition"]
    assert isinstance(cond, dict) and str(cond["text"]).lower().startswith("if the army")
