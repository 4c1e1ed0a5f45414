"""The judge's own work on learner data is bounded: charsets, and CPU time per check."""

from __future__ import annotations

import time

import pytest
from werkzeug.datastructures import Headers

from grader.client import RequestInfo, Response
from grader.course import Course
from grader.cpu import JudgeOverworked, judge_cpu_limit
from grader.grading import grade
from tests.conftest import solution, write_submission


def response(body: bytes, content_type: str) -> Response:
    return Response(200, "200 OK", Headers([("Content-Type", content_type)]), body, RequestInfo("GET", "/"))


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ('text/html; charset="ISO-8859-1"', "latin-1"),
        ("text/plain; format=flowed; charset=windows-1252", "cp1252"),
        ("text/html; charset=punycode", "utf-8"),  # quadratic in Python: never used
        ("text/html; charset=idna", "utf-8"),
        ("text/html; charset=rot13", "utf-8"),
        ("text/html; charset=no-such-codec", "utf-8"),
        ("text/html", "utf-8"),
    ],
)
def test_a_body_is_decoded_only_with_a_charset_a_browser_knows(content_type, charset):
    assert response(b"caf\xc3\xa9", content_type).charset == charset


def test_a_large_body_labelled_punycode_is_read_in_linear_time():
    body = b"a" * 3_500_000 + b"-" + b"b" * 1000
    started = time.process_time()
    assert response(body, "text/html; charset=punycode").text == body.decode()
    assert time.process_time() - started < 1.0  # punycode itself takes minutes on this


def test_the_judges_cpu_limit_ends_the_block_and_every_retry_in_it():
    with pytest.raises(JudgeOverworked, match="may spend 0.2 s of CPU time"), judge_cpu_limit(0.2) as overrun:
        while True:
            pass
    assert overrun.exceeded
    started = time.process_time()
    while time.process_time() - started < 0.4:  # no signal is left armed after the block
        pass


def test_time_spent_waiting_does_not_count():
    with judge_cpu_limit(0.2) as overrun:
        time.sleep(0.5)
    assert not overrun.exceeded


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

    started = time.monotonic()
    (exercise,) = grade(Course(course.root, hidden.parent), root, ["02"]).exercises

    assert time.monotonic() - started < 60  # not the submission's 600 s
    slow = next(check for check in exercise.checks if check.name == "slow_reading")
    assert slow.status == "timeout" and "may spend 1 s of CPU time on this check" in slow.message
    assert all(check.passed for check in exercise.checks if check is not slow)
