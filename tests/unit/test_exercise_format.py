"""The exercise YAML is validated on load, with errors naming the file and the field."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from grader.course import Course
from grader.exercise import Exercise, ExerciseError

CHECKS = '''
def test_index(client):
    """GET / works."""


def test_about(client):
    """GET /about works."""
'''

GOOD = """
title: A title
concept: a concept
order: 7
hints: [one, two]
checks:
  index: 2
  about: {points: 3, hint: Add the about route.}
"""


EQUIVALENT = """
equivalent_mutants:
  - id: string-change:12:0a1b2c3d
    reason: r
"""


def make(tmp_path: Path, yaml_text: str, name: str = "07_sample", checks: str = CHECKS) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "exercise.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    (folder / "checks.py").write_text(checks, encoding="utf-8")
    return folder


def error_of(folder: Path) -> str:
    with pytest.raises(ExerciseError) as info:
        Exercise.load(folder)
    return str(info.value)


def test_a_valid_exercise_loads_with_points_and_hints(tmp_path):
    exercise = Exercise.load(make(tmp_path, GOOD))
    assert (exercise.number, exercise.slug, exercise.order) == ("07", "sample", 7)
    assert [(c.name, c.points, c.hint, c.description) for c in exercise.checks] == [
        ("index", 2.0, "", "GET / works."),
        ("about", 3.0, "Add the about route.", "GET /about works."),
    ]
    assert exercise.max_score == 5.0


def test_equivalent_mutants_load_with_their_reasons(tmp_path):
    exercise = Exercise.load(make(tmp_path, GOOD + EQUIVALENT.replace("reason: r", "reason: Any message is allowed.")))
    assert [(m.id, m.reason) for m in exercise.equivalent_mutants] == [
        ("string-change:12:0a1b2c3d", "Any message is allowed.")
    ]
    assert Exercise.load(make(tmp_path, GOOD, name="07_other")).equivalent_mutants == ()


def test_hints_by_reason_and_an_expected_crash_load(tmp_path):
    yaml_text = GOOD.replace(
        "  about: {points: 3, hint: Add the about route.}",
        "  about:\n    points: 3\n    hint: Add the about route.\n    hints: {status: Return the status too.}\n"
        "    expected_crash: /about raises on purpose.",
    )
    about = Exercise.load(make(tmp_path, yaml_text)).check("about")
    assert about.expected_crash == "/about raises on purpose."
    assert about.hint_for("status") == "Return the status too."
    assert about.hint_for("content_type", "Send text/plain.") == "Send text/plain.", "the expectation's own"
    assert about.hint_for("body") == "Add the about route.", "the general hint is the fallback"


def test_a_check_missing_from_the_yaml_is_worth_one_point(tmp_path):
    exercise = Exercise.load(make(tmp_path, GOOD.replace("  index: 2\n", "")))
    assert exercise.check("index").points == 1.0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda y: y.replace("title: A title\n", ""), "`title` is missing"),
        (lambda y: y.replace("concept: a concept\n", ""), "`concept` is missing"),
        (lambda y: y.replace("order: 7\n", ""), "`order` is missing"),
        (lambda y: y.replace("hints: [one, two]\n", ""), "`hints` is missing"),
        (lambda y: y.replace("hints: [one, two]", "hints: []"), "`hints` needs at least 1"),
        (lambda y: y.replace("order: 7", "order: 8"), "`order` is 8, but the folder is numbered 07"),
        (lambda y: y.replace("order: 7", "order: seven"), "`order` must be a whole number"),
        (lambda y: y.replace("index: 2", "indx: 2"), "`checks.indx` names no check"),
        (lambda y: y.replace("index: 2", "index: 0"), "`checks.index` points must be positive"),
        (lambda y: y.replace("points: 3", "points: -1"), "`checks.about` points must be positive"),
        (lambda y: y.replace("index: 2", "index: two"), "`checks.index` points must be a number"),
        (lambda y: y + "colour: blue\n", "unknown field `colour`"),
        (lambda y: y.replace("index: 2", "index: {hints: {stauts: x}}"), "`checks.index.hints` names no reason"),
        (lambda y: y.replace("index: 2", "index: {hints: [x]}"), "`checks.index.hints` must map a reason"),
        (lambda y: y.replace("index: 2", "index: {expected_crash: 3}"), "`checks.index.expected_crash` must say"),
        (lambda y: y + "assets: [static]\n", "`assets` names static, which is not in"),
        (lambda y: y + "files: [../elsewhere.py]\n", "must be a path inside the exercise folder"),
        (lambda y: y + "equivalent_mutants: {id: x}\n", "`equivalent_mutants` must be a list"),
        (
            lambda y: y + EQUIVALENT.replace("    reason: r\n", ""),
            "`equivalent_mutants[1]` must be a mapping with exactly",
        ),
        (
            lambda y: y + EQUIVALENT.replace("string-change:12:0a1b2c3d", "string-change:12"),
            "id must look like OPERATOR:LINE:HASH",
        ),
        (lambda y: y + EQUIVALENT.replace("reason: r", "reason: ' '"), "reason must say why"),
        (
            lambda y: y + EQUIVALENT + EQUIVALENT.split("equivalent_mutants:\n")[1],
            "`equivalent_mutants[2]` marks string-change:12:0a1b2c3d a second time",
        ),
    ],
)
def test_each_mistake_names_the_file_and_the_field(tmp_path, change, field):
    message = error_of(make(tmp_path, change(GOOD)))
    assert "07_sample/exercise.yaml" in message
    assert field in message


def test_malformed_yaml_is_reported(tmp_path):
    message = error_of(make(tmp_path, "title: [unclosed\n"))
    assert "exercise.yaml: not valid YAML" in message


def test_a_yaml_that_is_not_a_mapping_is_reported(tmp_path):
    assert "must be a mapping" in error_of(make(tmp_path, "- just\n- a list\n"))


def test_missing_yaml_and_checks_are_reported(tmp_path):
    folder = make(tmp_path, GOOD)
    (folder / "exercise.yaml").unlink()
    assert "exercise.yaml: missing" in error_of(folder)
    folder2 = make(tmp_path, GOOD, name="07_other")
    (folder2 / "checks.py").unlink()
    assert "checks.py: missing" in error_of(folder2)


def test_checks_without_any_check_function_are_reported(tmp_path):
    assert "defines no check" in error_of(make(tmp_path, GOOD, checks="def helper():\n    pass\n"))


def test_a_badly_named_folder_is_reported(tmp_path):
    assert "named NN_slug" in error_of(make(tmp_path, GOOD, name="sample"))


def test_the_course_resolves_exercises_by_number_slug_and_folder(course):
    for name in ("04", "4", "converters", "04_converters", "exercises/04_converters/"):
        assert course.resolve(name).id == "04_converters"
    assert course.resolve("nope") is None


def test_every_exercise_of_the_course_loads(course):
    exercises = course.exercises()
    assert [e.order for e in exercises] == sorted(e.order for e in exercises)
    for exercise in exercises:
        assert len(exercise.hints) >= 2, exercise.id
        assert (exercise.path / "README.md").is_file(), exercise.id
        assert (course.solutions_dir / exercise.id / "app.py").is_file(), exercise.id


def test_a_broken_course_fails_listing_with_the_file_named(tmp_path):
    shutil.copytree(Course.locate().exercises_dir / "02_first_route", tmp_path / "exercises" / "02_first_route")
    (tmp_path / "exercises" / "02_first_route" / "exercise.yaml").write_text("title: x\n", encoding="utf-8")
    with pytest.raises(ExerciseError, match="02_first_route/exercise.yaml: field `order` is missing"):
        Course.locate(tmp_path).exercises()
