"""The figures every evaluation reports, on cases small enough to work out by hand."""

from __future__ import annotations

import pytest

from scoring.metrics import binary_prf, brier, macro_f1, overlaps, reliability, token_f1


def test_binary_prf_counts_the_positive_class() -> None:
    assert binary_prf([1, 1, 0, 0], [1, 0, 1, 0]) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert binary_prf([1, 1, 1, 0], [1, 0, 0, 0]) == {"precision": 1.0, "recall": 0.3333, "f1": 0.5}
    # nothing predicted positive: precision and F1 are 0, not a division error
    assert binary_prf([1, 0], [0, 0]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_macro_f1_counts_an_absent_class_as_zero() -> None:
    # class 0: F1 1.0; class 1: P 1, R 2/3 -> 0.8; class 2: P 0 -> 0; class 3 never occurs: 0
    gold, pred = [0, 0, 1, 1, 1], [0, 0, 1, 1, 2]
    assert macro_f1(gold, pred, range(3)) == round((1.0 + 0.8 + 0.0) / 3, 4)
    assert macro_f1(gold, pred, range(4)) == round((1.0 + 0.8 + 0.0 + 0.0) / 4, 4)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("strike the port", "the port", 0.8),  # P 1, R 2/3
        ("Strike the PORT.", "strike, the port", 1.0),  # case and punctuation do not count
        ("strike the port", "cut all ties", 0.0),
        (None, None, 1.0),
        ("strike", None, 0.0),
        ("the the port", "the port", 0.8),  # a repeated word matches as often as both hold it
    ],
)
def test_token_f1(gold: str | None, pred: str | None, expected: float) -> None:
    assert token_f1(gold, pred) == pytest.approx(expected)


def test_overlaps_needs_one_shared_word() -> None:
    assert overlaps("U.S. bases in Iraq", "bases")
    assert not overlaps("U.S. bases", "the embassy")
    assert not overlaps("U.S. bases", None)


def test_brier_is_the_mean_squared_error() -> None:
    assert brier([1, 0], [0.8, 0.2]) == 0.04
    assert brier([1, 0, 1], [1.0, 0.0, 0.0]) == round(1 / 3, 4)


def test_reliability_bins_by_predicted_probability() -> None:
    rows = reliability([0, 1, 1, 1], [0.05, 0.07, 0.95, 1.0])
    assert rows == [
        {"bin": "0.0-0.1", "n": 2, "mean_p": 0.06, "observed": 0.5},
        # p = 1.0 falls in the last bin, not an eleventh
        {"bin": "0.9-1.0", "n": 2, "mean_p": 0.975, "observed": 1.0},
    ]
