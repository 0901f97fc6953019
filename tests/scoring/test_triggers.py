"""A report fulfils a condition when it is about it and states it as a fact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scoring import trigger_eval
from scoring.actors import load_gazetteer
from scoring.trigger_eval import (
    THRESHOLDS,
    TriggerPair,
    evaluate_pairs,
    pair_from_json,
    train_model,
)
from scoring.trigger_features import FEATURES, mask_actors, pair_features
from scoring.triggers import (
    DEFAULT_THRESHOLD,
    MODEL,
    TriggerModel,
    char_cosine,
    load_model,
    match,
    modality_cues,
    relevance,
)

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
    masked = relevance(condition, same_place, gazetteer=gazetteer)
    assert masked < relevance(condition, same_place)  # names alone overlap...
    assert not match(condition, same_place, gazetteer=gazetteer).observed
    assert match(condition, same_event, gazetteer=gazetteer).observed


def test_a_fulfilment_worded_with_synonyms_of_the_condition_is_observed() -> None:
    # own words: the report uses other words for the same event
    assert match("if the air force attacks the fuel depot", "Jets struck it overnight.").observed
    assert match(
        "if the kingdom joins the alliance",
        "The kingdom became a full member of the alliance on Monday.",
    ).observed
    assert match(
        "any invasion of the border town",
        "Ground troops pushed into the border town on Friday.",
    ).observed


def test_a_near_miss_about_other_events_of_the_same_actors_is_not_observed() -> None:
    # own words: same actors and places, another event
    gazetteer = load_gazetteer()
    condition = "if Russian troops invade the northern province of Ukraine"
    for report in (
        "Russia held large exercises near the northern province of Ukraine.",
        "Ukraine closed its airspace over the northern province to Russian airliners.",
    ):
        result = match(
            condition,
            report,
            threat_actors=["RUS", "UKR"],
            report_actors=["RUS", "UKR"],
            gazetteer=gazetteer,
        )
        assert not result.observed, result.reasons


def test_a_cue_in_a_later_subordinate_clause_does_not_undo_a_stated_event() -> None:
    # own words: the strike is stated first; the warning is background
    report = (
        "Jets struck the fuel depot on Sunday, days after officials warned they would retaliate."
    )
    result = match("if the air force attacks the fuel depot", report)
    assert result.observed
    assert modality_cues(report)  # cues are there, but not in the main clause
    features = pair_features("if the air force attacks the fuel depot", report).as_dict()
    assert features["event_stated"] == 1.0 and features["main_cues"] == 0.0


def test_an_event_named_only_after_a_cue_is_hedged() -> None:
    # own words
    features = pair_features(
        "if the air force attacks the fuel depot",
        "Officials said the air force could attack the fuel depot within days.",
    ).as_dict()
    assert features["event_stated"] == 0.0 and features["event_hedged"] == 1.0
    assert features["main_cues"] >= 1.0


def test_a_hyphenated_word_is_not_an_event_word() -> None:
    # own words: "storm-hit" holds no hit
    assert pair_features("if they attack the port", "The storm-hit port reopened.").events == ()


def test_masking_with_the_named_actors_equals_masking_with_the_whole_gazetteer() -> None:
    gazetteer = load_gazetteer()
    text = "Israeli jets struck Hezbollah positions near Beirut, the U.S. said."  # own words
    ids = {m.actor.id for m in gazetteer.find_all(text)}
    assert mask_actors(text, gazetteer, ids) == mask_actors(text, gazetteer)
    assert "Beirut" not in mask_actors(text, gazetteer, ids)


def test_the_shipped_model_is_read_from_its_artefact() -> None:
    assert load_model() == MODEL and MODEL.threshold == DEFAULT_THRESHOLD
    assert len(MODEL.coef) == len(FEATURES)
    assert MODEL.coef[FEATURES.index("event_stated")] > 0 > MODEL.coef[FEATURES.index("main_cues")]
    with pytest.raises(ValueError, match="features"):
        TriggerModel.from_json(
            {"features": ["other"], "coef": [1.0], "intercept": 0, "threshold": 0.5}
        )


def test_relevance_stays_in_range() -> None:
    assert 0.0 <= relevance(CONDITION, "Two destroyers crossed the channel.") <= 1.0
    assert relevance(CONDITION, CONDITION) == pytest.approx(1.0)
    assert char_cosine("", "anything") == 0.0
    assert char_cosine("same words", "same words") == pytest.approx(1.0)


# own words: three threats, each with a report that states its condition and one that does not
FACTS = [
    ("the army invades the valley", "The army invaded the valley at dawn.", True),
    ("the army invades the valley", "The army warned it would invade the valley.", False),
    ("the fleet attacks the port", "The fleet attacked the port on Monday.", True),
    ("the fleet attacks the port", "The fleet denied plans to attack the port.", False),
    ("the rebels join the alliance", "The rebels joined the alliance overnight.", True),
    ("the rebels join the alliance", "The rebels could join the alliance.", False),
]
PAIRS = [
    TriggerPair(threat=f"We strike if {c}.", condition=c, report=r, observed=o, kind=str(o))
    for c, r, o in FACTS
]


def test_evaluation_chooses_hyperparameters_on_training_threats_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[set[str]] = []
    choose = trigger_eval.choose_hyperparameters

    def spy(x: Any, y: Any, groups: list[str], folds: int = 4) -> tuple[float, float]:
        seen.append(set(groups))
        return choose(x, y, groups, folds)

    monkeypatch.setattr(trigger_eval, "choose_hyperparameters", spy)
    result = evaluate_pairs(PAIRS, folds=3)
    assert result["n"] == 6 and result["precision"] == 1.0 and result["recall"] == 1.0
    assert len(result["folds"]) == 3 and len(seen) == 3
    # each fold chose C and threshold without the threat it was then scored on
    assert all(len(groups) == 2 for groups in seen)
    assert set.union(*seen) == {p.threat for p in PAIRS}
    assert result["predicted_observed_by_kind"]["True"] == {
        "n": 3,
        "observed": 3,
        "observed_rate": 1.0,
    }


def test_training_writes_a_model_that_reads_back(tmp_path: Path) -> None:
    model, about = train_model(PAIRS, folds=3)
    assert model.threshold in THRESHOLDS and about["n"] == 6 and about["positives"] == 3
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json(**about)))
    again = load_model(path)
    assert again.threshold == model.threshold
    assert np.allclose(again.coef, model.coef, atol=1e-5)
    stated, hedged = (p.report for p in PAIRS[:2])
    assert match(PAIRS[0].condition, stated, model=again, threshold=again.threshold).observed
    assert not match(PAIRS[0].condition, hedged, model=again, threshold=again.threshold).observed


def test_pairs_are_read_in_the_labels_schema() -> None:
    pair = pair_from_json(
        {"threat": "t", "condition": "c", "report": "r", "observed": 1, "kind": "fulfils"}
    )
    assert pair == TriggerPair("t", "c", "r", True, "fulfils")


def test_a_model_passed_in_decides_at_its_own_threshold() -> None:
    # own words
    condition, report = "if the air force attacks the fuel depot", "Jets struck it overnight."
    assert match(condition, report).observed
    strict = TriggerModel(MODEL.coef, MODEL.intercept, 0.999)
    assert not match(condition, report, model=strict).observed
    assert match(condition, report, model=strict, threshold=0.0).observed
