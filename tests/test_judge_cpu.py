"""The judge's own CPU time per check is bounded: a check that runs away ends alone."""

from __future__ import annotations

from grader.course import Course
from grader.grading import grade
from tests.helpers import solution, write_submission

SLOW_CHECK = '''
import pytest


@pytest.mark.time_limits(check=1)
def test_slow_reading(client):
    """Reads the answer to GET / in a way that never ends (the judge's own work)."""
    text = client.get("/").text
    while text:
        text = text[::-1]
'''


def test_a_check_whose_judge_work_runs_away_times_out_alone(tmp_path, course):
    hidden = tmp_path / "hidden" / "02_first_route"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text(SLOW_CHECK, encoding="utf-8")
    root = write_submission(tmp_path / "submission", {"02_first_route/app.py": solution("02_first_route")})

    (exercise,) = grade(Course(course.root, hidden.parent), root, ["02"], timeout=120).exercises

    slow = next(check for check in exercise.checks if check.name == "slow_reading")
    assert slow.status == "timeout" and "may spend 1 s of CPU time on this check" in slow.message
    assert all(check.passed for check in exercise.checks if check is not slow)
