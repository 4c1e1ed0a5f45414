"""What learners submit to each exercise: one module per exercise, named after it.

Each module holds data, no tests (``test_every_exercise.py`` runs them all):

- ``ALTERNATIVES``: label -> a correct submission, which must get full marks;
- ``MISTAKES``: label -> ``(submission, {checks it must fail})``, exactly those;
- ``EXPLAINED`` (optional): a mistake's label -> ``(check name, [fragments])``, fragments
  of that check's message, example or hint the learner must read.

A submission is the source of ``app.py``, or a dict of files by name inside the
exercise folder (``{"app.py": ..., "templates/base.html": ...}``). Module names start
with the exercise's number, so they are loaded by name (``load("11_responses")``)
rather than imported.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from tests.helpers import Submission


@dataclass(frozen=True)
class Case:
    """One exercise's submissions, as its module lists them."""

    exercise: str
    alternatives: dict[str, Submission]
    mistakes: dict[str, tuple[Submission, set[str]]]
    explained: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def names() -> list[str]:
    """The exercises that have a module here, in course order."""
    return sorted(path.stem for path in Path(__file__).parent.glob("[0-9][0-9]_*.py"))


def module(exercise: str) -> ModuleType:
    """The exercise's module, for a test that reuses its helpers or constants."""
    return importlib.import_module(f"{__name__}.{exercise}")


def load(exercise: str) -> Case:
    found = module(exercise)
    return Case(exercise, found.ALTERNATIVES, found.MISTAKES, getattr(found, "EXPLAINED", {}))
