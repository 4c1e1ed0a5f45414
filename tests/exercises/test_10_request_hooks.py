"""Exercise 10: a hook Flask removed, in depth (its submissions: ``cases/10_request_hooks.py``)."""

from tests.exercises import cases

EXERCISE = "10_request_hooks"
case = cases.module(EXERCISE)


def test_before_first_request_gets_the_traceback_and_the_replacement(grade_files):
    source = case.SOLUTION.replace(
        "@app.before_request\ndef remember_first_path", "@app.before_first_request\ndef remember_first_path"
    )
    exercise = grade_files({f"{EXERCISE}/app.py": source}).exercises[0]
    assert exercise.score == 0 and exercise.status == "error"
    assert "AttributeError" in exercise.message and "before_first_request" in exercise.message
    check = next(c for c in exercise.checks if c.name == "first_seen")
    assert "removed in Flask 2.3" in check.hint
