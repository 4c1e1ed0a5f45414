"""The judge's own work on learner data is bounded: charsets, and CPU time per check."""

from __future__ import annotations

import time

import pytest
from werkzeug.datastructures import Headers

from grader.client import RequestInfo, Response
from grader.cpu import JudgeOverworked, judge_cpu_limit


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


def test_a_large_body_labelled_punycode_is_read_as_utf8():
    body = b"a" * 3_500_000 + b"-" + b"b" * 1000
    # Read as UTF-8; Python's punycode codec would take minutes on this, and give other text.
    assert response(body, "text/html; charset=punycode").text == body.decode()


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
