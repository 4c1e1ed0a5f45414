"""Exercise 13: a crash and a handler without a status, in depth (its submissions: ``cases/13_errors.py``)."""

from tests.exercises import cases
from tests.helpers import check_named, failing, grade_one

EXERCISE = "13_errors"
case = cases.module(EXERCISE)


def test_a_keyerror_shows_the_learners_traceback_and_a_handler_without_status_is_explained(grade_files):
    source = case.NO_CHECK.replace('return {"error": "not found"}, 404', 'return {"error": "not found"}')
    result = grade_one(grade_files, EXERCISE, source)
    assert failing(result) == {"missing_user", "unknown_url"}
    check = check_named(result, "missing_user")
    assert "answered 500 instead of 404" in check.message
    assert "KeyError" in check.details["traceback"] and "app.py" in check.details["traceback"]
    unknown = check_named(result, "unknown_url")
    assert "answered 200 OK instead of 404" in unknown.message
