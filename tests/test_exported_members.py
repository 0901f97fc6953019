"""Each package's `__all__` names what it exports, and every name exists."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["scoring", "alerts"])
def test_all_names_exist_and_are_unique(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(module, name) is not None
