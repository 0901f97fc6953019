"""Rule decisions: statement filters, trigger rules, risk rules without flapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts import (
    Facts,
    Filters,
    Phase,
    Reason,
    RiskRule,
    RiskState,
    StatementRule,
    TriggerRule,
    decide,
    decide_trigger,
    step_risk,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# own words
FACTS = Facts(
    text="The militia warned that ships would be hit if the strikes continued.",
    actor="the militia",
    target="ships in the gulf",
    severity=2,
    scores={"escalation": 0.7, "conditional": 0.8, "threat": 0.9},
)


def test_at_the_threshold_fires_below_does_not() -> None:
    assert decide(StatementRule("r", 0.7), FACTS).reason is Reason.ABOVE_THRESHOLD
    assert decide(StatementRule("r", 0.7001), FACTS).reason is Reason.BELOW_THRESHOLD
    assert decide(StatementRule("r", 0.9, score_field="threat"), FACTS).fire


@pytest.mark.parametrize(
    ("filters", "reason"),
    [
        (Filters(actors=("navy",)), Reason.ACTOR_MISMATCH),
        (Filters(targets=("airport",)), Reason.TARGET_MISMATCH),
        (Filters(countries=("iran",)), Reason.COUNTRY_MISMATCH),
        (Filters(keywords=("nuclear",)), Reason.NO_KEYWORD),
        (Filters(min_severity=3), Reason.SEVERITY_BELOW),
    ],
)
def test_each_filter_says_why_it_refused(filters: Filters, reason: Reason) -> None:
    assert decide(StatementRule("r", 0.1, filters=filters), FACTS).reason is reason


def test_matching_filters_are_case_insensitive() -> None:
    filters = Filters(
        actors=("MILITIA",),
        targets=("Ships",),
        countries=("gulf",),
        keywords=("STRIKES",),
        min_severity=2,
        conditional_only=True,
    )
    assert decide(StatementRule("r", 0.5, filters=filters), FACTS).fire


def test_conditional_only_refuses_unconditional_statements() -> None:
    flat = Facts("They will strike.", None, None, 2, {"escalation": 0.9, "conditional": 0.1})
    rule = StatementRule("r", 0.5, filters=Filters(conditional_only=True))
    assert decide(rule, flat).reason is Reason.NOT_CONDITIONAL


def test_trigger_rules_fire_on_matching_threats() -> None:
    assert decide_trigger(TriggerRule("t"), FACTS).reason is Reason.TRIGGER_OBSERVED
    assert not decide_trigger(TriggerRule("t", Filters(actors=("navy",))), FACTS).fire


@pytest.mark.parametrize("bad", [{"threshold": -0.1}, {"threshold": 1.01}, {"score_field": "x"}])
def test_bad_statement_rules_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"threshold|score_field"):
        StatementRule(**{"name": "r", "threshold": 0.5, **bad})  # type: ignore[arg-type]


def _run(rule: RiskRule, scores: list[float], step_s: float = 60) -> list[tuple[str | None, Phase]]:
    state, out = RiskState(), []
    for i, score in enumerate(scores):
        step = step_risk(
            rule, state, score=score, trend=0.0, now=T0 + timedelta(seconds=i * step_s)
        )
        state = step.state
        out.append((step.notify, state.phase))
    return out


def test_risk_fires_only_after_holding_for_the_duration_then_resolves_with_hysteresis() -> None:
    rule = RiskRule("r", threshold=0.6, for_s=120, hysteresis=0.1)
    got = _run(rule, [0.7, 0.7, 0.7, 0.55, 0.65, 0.52, 0.49])
    assert [n for n, _ in got] == [None, None, "firing", None, None, None, "resolved"]
    assert got[0][1] is Phase.PENDING and got[-1][1] is Phase.INACTIVE


def test_a_short_spike_never_fires() -> None:
    rule = RiskRule("r", threshold=0.6, for_s=120)
    assert all(n is None for n, _ in _run(rule, [0.7, 0.7, 0.1, 0.7, 0.7, 0.1]))


def test_a_rising_trend_fires_too() -> None:
    rule = RiskRule("r", threshold=0.9, trend_rise=0.2)
    step = step_risk(rule, RiskState(), score=0.3, trend=0.25, now=T0)
    assert step.notify == "firing" and step.reason is Reason.FIRED


@given(
    scores=st.lists(st.floats(0, 1), min_size=1, max_size=60),
    threshold=st.floats(0.2, 0.9),
    hysteresis=st.floats(0, 0.2),
    hold=st.integers(0, 5),
)
def test_no_flapping(scores: list[float], threshold: float, hysteresis: float, hold: int) -> None:
    """Firing and resolved alternate; firing needs `hold` steps above; resolving needs the
    score under threshold - hysteresis; in between nothing is sent."""
    rule = RiskRule("r", threshold=threshold, for_s=hold * 60, hysteresis=hysteresis)
    got = _run(rule, scores)
    sent = [(i, n) for i, (n, _) in enumerate(got) if n]
    assert [n for _, n in sent] == ["firing", "resolved"] * (len(sent) // 2) + (
        ["firing"] if len(sent) % 2 else []
    )
    for i, note in sent:
        if note == "firing":
            assert all(s >= threshold for s in scores[i - hold : i + 1]) and i >= hold
        else:
            assert scores[i] < threshold - hysteresis


@given(st.lists(st.floats(0.55, 0.75), min_size=1, max_size=50))
def test_a_score_hovering_at_the_line_resolves_never(scores: list[float]) -> None:
    rule = RiskRule("r", threshold=0.6, hysteresis=0.1)
    got = _run(rule, [0.7, *scores])
    assert [n for n, _ in got if n] == ["firing"]


def test_filters_match_canonical_ids_and_country_codes() -> None:
    # own words
    facts = Facts(
        text="The group warned that it would shell the border towns if the raids went on.",
        actor="the group",
        target="the border towns",
        severity=2,
        scores={"escalation": 0.6},
        actor_id="hezbollah",
        target_id="ISR",
        countries=("LBN", "ISR"),
    )
    by_id = Filters(actors=("Hezbollah",), targets=("isr",), countries=("LBN",))
    assert decide(StatementRule("r", 0.5, filters=by_id), facts).fire
    others = (Filters(actors=("houthis",)), Filters(targets=("USA",)), Filters(countries=("YEM",)))
    for other in others:
        refused = decide(StatementRule("r", 0.5, filters=other), facts)
        assert not refused.fire and refused.reason.value.endswith("mismatch")
