"""The two tests every exercise has, written once.

Correct alternatives get full marks; each typical mistake fails exactly the checks
listed with it. A submission is the source of ``app.py``, or a dict of files by
name inside the exercise folder (``{"app.py": ..., "templates/base.html": ...}``)::

    test_alternatives, test_mistakes = exercise_tests("11_responses", ALTERNATIVES, MISTAKES)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.results import CheckResult, ExerciseResult
from tests.conftest import failing

Submission = str | dict[str, str]


def grade_one(grade_files: Callable[..., object], exercise: str, submission: Submission) -> ExerciseResult:
    """Grade ``submission`` as the learner's folder for ``exercise``."""
    files = submission if isinstance(submission, dict) else {"app.py": submission}
    return grade_files({f"{exercise}/{name}": content for name, content in files.items()}).exercises[0]


def check_named(result: ExerciseResult, name: str) -> CheckResult:
    return next(check for check in result.checks if check.name == name)


def exercise_tests(
    exercise: str,
    alternatives: dict[str, Submission],
    mistakes: dict[str, tuple[Submission, set[str]]],
) -> tuple[Callable[..., None], Callable[..., None]]:
    """The pytest functions for ``exercise``; assign them to names starting with ``test_``."""

    @pytest.mark.parametrize("submission", alternatives.values(), ids=list(alternatives))
    def test_correct_alternatives_get_full_marks(grade_files, submission: Submission) -> None:
        result = grade_one(grade_files, exercise, submission)
        assert result.passed, [check.message for check in result.checks if not check.passed]

    @pytest.mark.parametrize(("submission", "checks"), mistakes.values(), ids=list(mistakes))
    def test_typical_mistakes_lose_points_on_the_right_check(grade_files, submission: Submission, checks: set[str]) -> None:
        assert failing(grade_one(grade_files, exercise, submission)) == checks

    return test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check
