"""Hidden checks: an instructor's own checks, added to an exercise, concealed from learners."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from grader import report
from grader.course import Course
from grader.exercise import ExerciseError
from grader.results import CheckResult, ExerciseResult, SubmissionResult, schema
from tests.helpers import ROOT

HIDDEN = '''
def test_secret_route(client):
    """GET /secret answers 404 (the secret)."""
'''


def hidden_folder(
    tmp_path: Path, checks: str = HIDDEN, yaml_text: str | None = None, name: str = "02_first_route"
) -> Path:
    folder = tmp_path / "hidden" / name
    folder.mkdir(parents=True)
    (folder / "checks.py").write_text(textwrap.dedent(checks), encoding="utf-8")
    if yaml_text is not None:
        (folder / "exercise.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return folder.parent


def test_hidden_checks_come_after_the_exercises_own_with_their_points_and_hints(tmp_path, course):
    hidden = hidden_folder(tmp_path, yaml_text="checks:\n  secret_route: {points: 3, hint: Think again.}\n")
    plain = course.resolve("02")
    exercise = Course(course.root, hidden).resolve("02")
    assert exercise.checks[: len(plain.checks)] == plain.checks
    extra = exercise.checks[len(plain.checks) :]
    assert [(c.name, c.points, c.hint, c.description, c.hidden) for c in extra] == [
        ("secret_route", 3.0, "Think again.", "GET /secret answers 404 (the secret).", True)
    ]
    assert exercise.max_score == plain.max_score + 3
    assert Course(course.root, hidden).resolve("01") == course.resolve("01")  # no hidden folder, unchanged


@pytest.mark.parametrize(
    ("checks", "yaml_text", "name", "words"),
    [
        (
            "def test_index(client):\n    pass\n",
            None,
            "02_first_route",
            "the hidden check `index` has the name of a check of 02_first_route",
        ),
        (HIDDEN, "title: no\n", "02_first_route", "unknown field `title` (allowed: checks)"),
        (HIDDEN, "checks:\n  other: 2\n", "02_first_route", "field `checks.other` names no check in checks.py"),
        (HIDDEN, "checks:\n  secret_route: 0\n", "02_first_route", "points must be positive"),
        ("x = 1\n", None, "02_first_route", "defines no check"),
        (HIDDEN, None, "99_nothing", "hidden checks for no exercise of the course"),
    ],
)
def test_malformed_hidden_checks_are_named_before_grading(tmp_path, course, checks, yaml_text, name, words):
    hidden = hidden_folder(tmp_path, checks, yaml_text, name)
    with pytest.raises(ExerciseError) as info:
        Course(course.root, hidden).exercises()
    assert words in str(info.value)


def test_a_missing_hidden_checks_folder_is_an_error(course, tmp_path):
    with pytest.raises(ExerciseError, match="the hidden checks folder does not exist"):
        Course(course.root, tmp_path / "nope").exercises()


def submission_with_hidden_checks() -> SubmissionResult:
    checks = [
        CheckResult("index", "GET / works.", "failed", 0, 2, "GET / answered 404.", "Add a route."),
        CheckResult(
            "secret_route",
            "The secret.",
            "failed",
            0,
            3,
            "secret message",
            "secret hint",
            "x=1",
            {"request": "GET /secret"},
            hidden=True,
        ),
        CheckResult("other_secret", "Another secret.", "passed", 1, 1, hidden=True),
    ]
    exercise = ExerciseResult("02_first_route", "02", "first_route", "Routes", "routes", "graded", 1, 6, "", checks)
    return SubmissionResult("alice", [exercise], 1.5)


def test_learners_see_how_many_hidden_checks_passed_and_nothing_else():
    result = submission_with_hidden_checks()
    shown = result.for_learner()
    data = json.loads(shown.to_json())
    jsonschema.validate(data, schema())
    text = shown.to_json() + report.render(shown)
    for secret in ("secret", "Another", "x=1", "GET /secret"):
        assert secret not in text
    checks = shown.exercises[0].checks
    assert [(c.name, c.status, c.points, c.max_points, c.hidden) for c in checks] == [
        ("index", "failed", 0, 2, False),
        ("hidden_1", "failed", 0, 3, True),
        ("hidden_2", "passed", 1, 1, True),
    ]
    assert (shown.score, shown.max_score) == (result.score, result.max_score)
    assert "2 hidden checks, 1 passed" in report.render(shown)
    assert "GET / answered 404." in report.render(shown)  # visible feedback is untouched


def test_the_text_report_never_lists_hidden_checks_even_unconcealed():
    rendered = report.render(submission_with_hidden_checks())
    assert "secret" not in rendered and "2 hidden checks, 1 passed" in rendered


def test_verify_grades_the_solutions_against_hidden_checks_too(tmp_path):
    hidden = hidden_folder(
        tmp_path,
        '''
        from grader import expect

        def test_about_twice(client):
            """GET /about answers the same twice."""
            for _ in range(2):
                expect(client.get("/about")).status(200)

        def test_index_is_json(client):
            """An instructor's mistake: the solution does not pass it."""
            expect(client.get("/")).mimetype("application/json")
    ''',
    )
    done = subprocess.run(
        [sys.executable, "-m", "grader", "verify", "--checks", str(hidden)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "02_first_route: the solution scores" in done.stderr and "index_is_json" in done.stderr
    assert "about_twice" not in done.stderr
