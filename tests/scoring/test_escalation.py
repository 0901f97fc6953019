"""The escalation formula documented in scoring.escalation."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.escalation import escalation


def esc(threat: float, cond: float, sev: tuple[float, float, float, float]) -> float:
    return float(escalation(np.array([threat]), np.array([cond]), np.array([sev]))[0])


def test_extremes() -> None:
    assert esc(1.0, 1.0, (0.0, 0.0, 0.0, 1.0)) == pytest.approx(1.0)
    assert esc(0.0, 0.0, (1.0, 0.0, 0.0, 0.0)) == pytest.approx(0.0)


def test_documented_points() -> None:
    assert esc(1.0, 0.0, (0.0, 1.0, 0.0, 0.0)) == pytest.approx(0.25)
    assert esc(1.0, 1.0, (0.0, 0.0, 1.0, 0.0)) == pytest.approx(2 / 3)


def test_monotone_in_each_input() -> None:
    base = esc(0.5, 0.2, (0.5, 0.2, 0.2, 0.1))
    assert esc(0.6, 0.2, (0.4, 0.24, 0.24, 0.12)) > base
    assert esc(0.5, 0.4, (0.5, 0.2, 0.2, 0.1)) > base
    assert esc(0.5, 0.2, (0.5, 0.1, 0.2, 0.2)) > base


def test_bounded_on_random_inputs() -> None:
    rng = np.random.default_rng(0)
    threat = rng.random(500)
    cond = threat * rng.random(500)
    given = rng.dirichlet(np.ones(3), 500)
    sev = np.column_stack([1 - threat, threat[:, None] * given])
    out = escalation(threat, cond, sev)
    assert ((out >= 0) & (out <= 1)).all()
