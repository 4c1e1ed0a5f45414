"""Parametrizes the shared exercise tests of :mod:`tests.exercises.contract`."""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module
    if "exercise_id" in metafunc.fixturenames:
        metafunc.parametrize("exercise_id", [module.EXERCISE])
    if "checks" in metafunc.fixturenames:
        metafunc.parametrize(("source", "checks"), list(module.MISTAKES.values()), ids=list(module.MISTAKES))
    elif "source" in metafunc.fixturenames:
        metafunc.parametrize("source", list(module.ALTERNATIVES.values()), ids=list(module.ALTERNATIVES))
