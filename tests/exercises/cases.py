"""The two tests every exercise has, written once.

Correct alternatives get full marks; each typical mistake fails exactly the checks
listed with it, and, where ``explained`` says so, the learner reads what it names.
A submission is the source of ``app.py``, or a dict of files by name inside the
exercise folder (``{"app.py": ..., "templates/base.html": ...}``)::

    test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check = (
        exercise_tests("11_responses", ALTERNATIVES, MISTAKES, EXPLAINED)
    )

``explained`` maps a mistake's label to ``(check name, [fragments])``: fragments of
that check's message, example or hint, checked in the same grading.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.results import CheckResult, ExerciseResult
from tests.helpers import failing, solution

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
    explained: dict[str, tuple[str, list[str]]] | None = None,
) -> tuple[Callable[..., None], Callable[..., None]]:
    """The pytest functions for ``exercise``; assign them to names starting with ``test_``."""
    explained = explained or {}
    unknown = set(explained) - set(mistakes)
    assert not unknown, f"explained names no mistake: {unknown}"

    @pytest.mark.parametrize("submission", alternatives.values(), ids=list(alternatives))
    def test_correct_alternatives_get_full_marks(grade_files, submission: Submission) -> None:
        result = grade_one(grade_files, exercise, submission)
        assert result.passed, [check.message for check in result.checks if not check.passed]

    @pytest.mark.parametrize("mistake", list(mistakes))
    def test_typical_mistakes_lose_points_on_the_right_check(grade_files, mistake: str) -> None:
        submission, checks = mistakes[mistake]
        assert submission != solution(exercise), "a mistake must differ from the solution"
        result = grade_one(grade_files, exercise, submission)
        assert failing(result) == checks
        if mistake in explained:
            name, fragments = explained[mistake]
            check = check_named(result, name)
            feedback = "\n".join([check.message, check.example, check.hint])
            missing = [fragment for fragment in fragments if fragment not in feedback]
            assert not missing, feedback

    return test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check
