"""Properties of the risk formula: monotone in evidence, decaying with age, saturating copies."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st

from scoring.risk import (
    Direction,
    Evidence,
    RiskParams,
    combine,
    direction,
    story_key,
)

PARAMS = RiskParams(half_life_h=72.0)

evidence = st.builds(
    Evidence,
    statement_id=st.integers(min_value=1, max_value=10_000),
    threat=st.floats(min_value=0, max_value=1),
    conditional=st.floats(min_value=0, max_value=1),
    severity=st.integers(min_value=0, max_value=3),
    age_h=st.floats(min_value=0, max_value=24 * 60),
    story=st.sampled_from(["a", "b", "c", "d", "e"]),
    source=st.sampled_from(["x.example", "y.example", "z.example"]),
    triggered=st.booleans(),
)


@given(st.lists(evidence, max_size=12), evidence)
def test_adding_a_threat_never_lowers_risk(base: list[Evidence], extra: Evidence) -> None:
    before = combine(base, PARAMS).score
    after = combine([*base, extra], PARAMS).score
    assert 0.0 <= before <= after <= 1.0


@given(
    st.lists(evidence, max_size=8),
    evidence.filter(lambda e: e.threat > 0.01 and e.age_h < 24 * 30),
    st.floats(min_value=1, max_value=24 * 30),
)
# A boosted war threat whose weight reaches the cap must still fade (hypothesis found it).
@example([], Evidence(1, 1.0, 1.0, 3, 0.0, "a", "x.example", triggered=True), 1.0)
def test_an_older_statement_weighs_less(
    others: list[Evidence], e: Evidence, extra_h: float
) -> None:
    own = replace(e, story="own story")
    newer = combine([*others, own], PARAMS).score
    older = combine([*others, replace(own, age_h=own.age_h + extra_h)], PARAMS).score
    assert older <= newer
    if not others:
        assert older < newer


@given(evidence.filter(lambda e: e.threat > 0.05), st.integers(min_value=2, max_value=40))
def test_duplicates_saturate(e: Evidence, n: int) -> None:
    copies = [replace(e, statement_id=i, source=f"outlet{i}.example") for i in range(n)]
    independent = [replace(c, story=f"story {i}") for i, c in enumerate(copies)]
    one = combine([e], PARAMS).score
    syndicated = combine(copies, PARAMS).score
    bound = PARAMS.story_cap * min(1.0, 1.0 + PARAMS.syndication_bonus)
    assert one <= syndicated <= bound + 1e-12
    assert syndicated <= one * (1 + PARAMS.syndication_bonus) + 1e-12
    assert combine(independent, PARAMS).score > syndicated


def test_a_story_from_one_outlet_gains_nothing_from_reprints() -> None:
    e = Evidence(1, 0.9, 0.9, 2, 1.0, "s", "wire.example")
    again = [replace(e, statement_id=i) for i in range(2, 10)]
    assert combine([e, *again], PARAMS).score == combine([e], PARAMS).score


def test_an_observed_trigger_raises_risk() -> None:
    e = Evidence(1, 0.8, 0.8, 2, 5.0, "s", "a.example")
    assert combine([replace(e, triggered=True)], PARAMS).score > combine([e], PARAMS).score


def test_contributions_explain_the_heaviest_story_first() -> None:
    light = Evidence(1, 0.3, 0.0, 1, 100.0, "light", "a.example")
    heavy = Evidence(2, 0.95, 0.9, 3, 2.0, "heavy", "b.example")
    risk = combine([light, heavy, replace(heavy, statement_id=3, source="c.example")], PARAMS)
    first = risk.contributions[0]
    assert first.statement_id == 2 and first.copies == 2 and first.sources == 2
    assert any("conditional threat" in r for r in first.reasons)
    assert any("independent sources" in r for r in first.reasons)
    assert combine([], PARAMS).score == 0.0


def test_story_key_ignores_case_and_punctuation() -> None:
    assert story_key("If they strike, we WILL respond!") == story_key(
        "if they strike we will respond"
    )
    assert story_key("We will respond.") != story_key("We will not respond.")


def test_direction_needs_a_step() -> None:
    assert direction(0.5, 0.3, PARAMS) is Direction.CLIMBING
    assert direction(0.3, 0.5, PARAMS) is Direction.FALLING
    assert direction(0.31, 0.3, PARAMS) is Direction.STEADY


@given(st.lists(evidence, max_size=30), st.integers(min_value=0, max_value=8))
def test_keeping_the_heaviest_lists_the_same_top_and_score(many: list[Evidence], keep: int) -> None:
    whole = combine(many, PARAMS, explain=3)
    kept = combine(many, PARAMS, explain=3, keep=keep)
    assert kept.score == whole.score
    assert kept.contributions == whole.contributions[:keep]
