"""The two tests every exercise's test module runs, parametrized from its tables.

A module ``tests/exercises/test_NN_slug.py`` defines::

    EXERCISE = "02_first_route"
    ALTERNATIVES = {"label": source, ...}          # correct, differently written
    MISTAKES = {"label": (source, {"check", ...})}  # typical mistakes and the checks they fail

and imports the tests below; ``tests/exercises/conftest.py`` parametrizes them.
"""

from __future__ import annotations

from tests.conftest import failing


def test_correct_alternatives_get_full_marks(grade_files, exercise_id, source):
    exercise = grade_files({f"{exercise_id}/app.py": source}).exercises[0]
    assert exercise.passed, [c.message for c in exercise.checks if not c.passed]


def test_typical_mistakes_lose_points_on_the_right_check(grade_files, exercise_id, source, checks):
    exercise = grade_files({f"{exercise_id}/app.py": source}).exercises[0]
    assert failing(exercise) == checks
