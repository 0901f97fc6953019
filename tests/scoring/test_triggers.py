"""A report fulfils a condition when it is about it and states it as a fact."""

from __future__ import annotations

import pytest

from scoring.actors import load_gazetteer
from scoring.trigger_eval import TriggerPair, evaluate_pairs, pair_from_json
from scoring.triggers import DEFAULT_THRESHOLD, char_cosine, match, modality_cues, relevance

# own words, written for these tests
CONDITION = "if the navy enters the disputed strait"


def test_a_factual_report_of_the_condition_is_observed() -> None:
    result = match(
        CONDITION,
        "The navy entered the disputed strait on Tuesday with two destroyers.",
        threat_actors=["ARM"],
        report_actors=["ARM"],
    )
    assert result.observed
    assert any("shared actors: ARM" in r for r in result.reasons)


@pytest.mark.parametrize(
    "report",
    [
        "The admiral warned that the navy would enter the disputed strait next week.",
        "Officials denied that the navy had entered the disputed strait.",
        "The government is weighing whether the navy should enter the disputed strait.",
        "If the navy enters the disputed strait, the talks will collapse.",
        "The navy may enter the disputed strait soon.",
    ],
)
def test_threats_hypotheses_and_denials_are_not_observations(report: str) -> None:
    result = match(CONDITION, report)
    assert not result.observed
    assert modality_cues(report)


def test_an_unrelated_fact_is_not_observed() -> None:
    result = match(CONDITION, "Grain prices rose after a dry summer in the south.")
    assert not result.observed and result.relevance < DEFAULT_THRESHOLD


def test_a_date_in_may_is_not_a_hedge() -> None:
    assert not modality_cues("The navy entered the strait on May 6.")


def test_naming_the_same_actors_is_not_being_about_the_same_event() -> None:
    gazetteer = load_gazetteer()
    condition = "if Israeli jets bomb Beirut's southern suburbs"
    same_place = "Grain prices in Beirut rose again this week, Israeli traders said."
    same_event = "Israeli jets bombed Beirut's southern suburbs overnight."
    assert relevance(condition, same_place) > 0  # names alone overlap...
    assert relevance(condition, same_place, gazetteer=gazetteer) < DEFAULT_THRESHOLD
    assert not match(condition, same_place, gazetteer=gazetteer).observed
    assert match(condition, same_event, gazetteer=gazetteer).observed


def test_relevance_stays_in_range() -> None:
    assert 0.0 <= relevance(CONDITION, "Two destroyers crossed the channel.") <= 1.0
    assert relevance(CONDITION, CONDITION) == pytest.approx(1.0)
    assert char_cosine("", "anything") == 0.0
    assert char_cosine("same words", "same words") == pytest.approx(1.0)


def test_evaluation_tunes_on_training_folds_and_reports_held_out_figures() -> None:
    facts = [
        ("the army crosses the river", "The army crossed the river at dawn.", True),
        ("the army crosses the river", "The army warned it would cross the river.", False),
        ("the fleet blockades the port", "The fleet blockaded the port on Monday.", True),
        ("the fleet blockades the port", "The fleet denied plans to blockade the port.", False),
        ("the rebels seize the airport", "The rebels seized the airport overnight.", True),
        ("the rebels seize the airport", "The rebels could seize the airport.", False),
    ]
    pairs = [
        TriggerPair(threat=f"We strike if {c}.", condition=c, report=r, observed=o)
        for c, r, o in facts
    ]
    result = evaluate_pairs(pairs, folds=3)
    assert result["n"] == 6 and result["precision"] == 1.0 and result["recall"] == 1.0
    assert len(result["fold_thresholds"]) == 3


def test_pairs_are_read_in_the_labels_schema() -> None:
    pair = pair_from_json(
        {"threat": "t", "condition": "c", "report": "r", "observed": 1, "kind": "fulfils"}
    )
    assert pair == TriggerPair("t", "c", "r", True, "fulfils")
