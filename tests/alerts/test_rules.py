"""Statement rule decisions."""

from __future__ import annotations

import pytest

from alerts import Reason, StatementRule, decide


def test_at_the_threshold_fires_below_does_not() -> None:
    rule = StatementRule(name="r", threshold=0.7)
    assert decide(rule, 0.7) is Reason.ABOVE_THRESHOLD
    assert decide(rule, 0.95) is Reason.ABOVE_THRESHOLD
    assert decide(rule, 0.6999) is Reason.BELOW_THRESHOLD


@pytest.mark.parametrize("threshold", [-0.1, 1.01])
def test_thresholds_outside_zero_one_are_refused(threshold: float) -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        StatementRule(name="r", threshold=threshold)
