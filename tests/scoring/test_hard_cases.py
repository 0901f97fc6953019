"""Hard cases of LABELS.md, each on a sentence written in our own words after real examples.

A statement counts as a threat when the scorer gives it a severity above 0 (P(threat)
reached the model's learnt threshold).
"""

from __future__ import annotations

import pytest

from scoring import Scorer, StatementScore, load_scorer


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer()


def one(scorer: Scorer, text: str) -> StatementScore:
    (statement,) = scorer.score(text)
    return statement


def assert_no_threat(s: StatementScore) -> None:
    assert s.severity == 0, s
    assert s.threat < 0.5 and s.conditional < 0.5
    assert s.actor is s.condition is s.action is None


def test_reported_past_attack_is_no_threat(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "Militants fired three rockets at the air base on Tuesday, wounding two contractors, "
        "officials said.",
    )
    assert_no_threat(s)


def test_denial_is_no_threat(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(scorer, "The spokesman denied that the group intends to attack the embassy.")
    assert_no_threat(s)


def test_third_party_analysis_is_no_threat(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "Analysts say the militia's threat to hit foreign bases is meant mainly for a domestic "
        "audience.",
    )
    assert_no_threat(s)


def test_if_sentence_without_threat(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "If the rains arrive on time, farmers in the north expect a record wheat harvest this "
        "year.",
    )
    assert_no_threat(s)
    assert s.escalation < 0.1


def test_diplomatic_warning_about_risk(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "Diplomats warned that the fighting risks dragging the whole region into a wider conflict.",
    )
    assert_no_threat(s)


def test_threat_inside_quotation(scorer: Scorer) -> None:
    # own words, after a real pattern
    text = (
        '"If a single soldier crosses into our territory, we will burn their convoys to the '
        "ground,\" the militia's spokesman said."
    )
    s = one(scorer, text)
    assert s.severity == 2 and s.conditional > 0.5
    assert (
        s.condition is not None
        and s.condition.text == "If a single soldier crosses into our territory"
    )
    assert s.action is not None and "burn their convoys" in s.action.text
    assert s.actor is not None and "spokesman" in s.actor.text
    for span in (s.condition, s.action, s.actor):
        assert text[span.start : span.end] == span.text


def test_negated_condition_unless(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "Unless the blockade ends this week, our units will strike the port, the rebel commander "
        "said.",
    )
    assert s.severity == 2 and s.conditional > 0.5
    assert s.condition is not None and s.condition.text.startswith("Unless the blockade ends")


def test_non_military_pressure_is_severity_1(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "The ministry threatened to expel the envoy and cut trade ties if the arrests continue.",
    )
    assert s.severity == 1 and s.conditional > 0.5
    assert s.severity_probs[1] == max(s.severity_probs)


def test_sanctions_threat_is_severity_1(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "The European Union warned it will impose sanctions if the regime does not release the "
        "detained journalists.",
    )
    assert s.severity == 1


def test_nuclear_threat_is_severity_3(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "The president warned that any attack on the homeland would be answered with nuclear "
        "weapons.",
    )
    assert s.severity == 3 and s.conditional > 0.5


def test_war_threat_is_severity_3(scorer: Scorer) -> None:
    # own words, after a real pattern
    s = one(
        scorer,
        "The leader warned that a single missile on our cities would mean total war and the "
        "annihilation of the aggressor.",
    )
    assert s.severity == 3


def test_escalation_orders_the_cases(scorer: Scorer) -> None:
    # own words
    texts = [
        "If the rains arrive on time, farmers expect a record harvest.",
        "The ministry threatened to expel the envoy if the arrests continue.",
        "The group vowed to target foreign bases across the region if Washington keeps "
        "supporting the offensive.",
        "The president warned that any attack on the homeland would be answered with nuclear "
        "weapons.",
    ]
    esc = [one(scorer, t).escalation for t in texts]
    assert esc == sorted(esc)
    assert esc[0] < 0.1 and esc[-1] > 0.7
