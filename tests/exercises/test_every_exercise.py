"""The two tests every exercise has, run over each one's submissions in ``cases/``.

Correct alternatives get full marks; each typical mistake fails exactly the checks
listed with it and, where ``EXPLAINED`` says so, the learner reads what it names.
One exercise alone: ``python3 -m pytest tests/exercises -k 11_responses``.
"""

from __future__ import annotations

import pytest

from grader.course import Course
from tests.exercises import cases
from tests.helpers import ROOT, Submission, check_named, failing, grade_one, solution

CASES = [cases.load(exercise) for exercise in cases.names()]


def test_every_exercise_of_the_course_has_its_submissions():
    assert cases.names() == [exercise.id for exercise in Course(ROOT).exercises()]


@pytest.mark.parametrize("case", CASES, ids=[case.exercise for case in CASES])
def test_every_mistake_is_a_change_and_every_explanation_names_one(case: cases.Case):
    assert case.alternatives and case.mistakes, "an exercise shows both what passes and what fails"
    assert not set(case.explained) - set(case.mistakes), "EXPLAINED names no mistake"
    reference = solution(case.exercise)
    assert all(submission != reference for submission, _ in case.mistakes.values()), "a mistake must differ"


@pytest.mark.parametrize(
    ("exercise", "submission"),
    [
        pytest.param(case.exercise, submission, id=f"{case.exercise}: {label}")
        for case in CASES
        for label, submission in case.alternatives.items()
    ],
)
def test_correct_alternatives_get_full_marks(grade_files, exercise: str, submission: Submission):
    result = grade_one(grade_files, exercise, submission)
    assert result.passed, [check.message for check in result.checks if not check.passed]


@pytest.mark.parametrize(
    ("case", "mistake"),
    [pytest.param(case, label, id=f"{case.exercise}: {label}") for case in CASES for label in case.mistakes],
)
def test_typical_mistakes_lose_points_on_the_right_check(grade_files, case: cases.Case, mistake: str):
    submission, checks = case.mistakes[mistake]
    result = grade_one(grade_files, case.exercise, submission)
    assert failing(result) == checks
    if mistake in case.explained:
        name, fragments = case.explained[mistake]
        check = check_named(result, name)
        feedback = "\n".join([check.message, check.example, check.hint])
        missing = [fragment for fragment in fragments if fragment not in feedback]
        assert not missing, feedback
