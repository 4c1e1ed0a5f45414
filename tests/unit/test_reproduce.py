"""The Try-it lines: the ``curl`` a learner pastes sends the request the check sent.

(That they reproduce the failure against a real ``flask run`` is end to end, in
``tests/test_feedback.py``.)"""

from __future__ import annotations

import shlex
from urllib.parse import unquote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from grader import strategies
from grader.client import RequestInfo
from grader.reproduce import BASE_URL, COOKIE_JAR, curl, curl_commands


def sent(command: str) -> list[str]:
    """The words curl receives once a shell has read ``command``."""
    return shlex.split(command)


@given(strategies.segment_text(), st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]))
def test_the_path_reaches_curl_as_the_check_sent_it(name, method):
    words = sent(curl(RequestInfo(method, f"/user/{name}")))
    url = urlsplit(words[-1])
    assert f"{url.scheme}://{url.netloc}" == BASE_URL
    assert unquote(url.path) == f"/user/{name}"
    assert ("-X" in words) == (method not in ("GET", "HEAD"))


@given(strategies.header_text(), strategies.json_strings(min_size=1))
def test_headers_and_body_reach_curl_unchanged_whatever_they_hold(value, body):
    words = sent(curl(RequestInfo("POST", "/notes", headers=(("X-API-Key", value),), body=body)))
    assert words[words.index("-H") + 1] == f"X-API-Key: {value}"
    assert words[words.index("--data-raw") + 1] == body


def test_head_shows_headers_and_a_header_left_empty_is_still_sent():
    words = sent(curl(RequestInfo("HEAD", "/", headers=(("X-Empty", ""),))))
    assert words[:2] == ["curl", "-I"] and "X-Empty;" in words


def test_dot_segments_and_brackets_in_a_query_are_sent_as_they_are():
    assert "--path-as-is" in sent(curl(RequestInfo("GET", "/files/../secret")))
    assert sent(curl(RequestInfo("GET", "/item/[1]")))[-1].endswith("/item/%5B1%5D")
    assert "-g" in sent(curl(RequestInfo("GET", "/search", query_string="ids[]=1")))


def test_the_query_string_is_kept_beside_a_query_in_the_path():
    assert sent(curl(RequestInfo("GET", "/search?q=a", query_string="page=2")))[-1] == f"{BASE_URL}/search?q=a&page=2"


def test_cookies_set_earlier_are_replayed_first_in_one_jar():
    login = RequestInfo("POST", "/login", body="name=ada")
    lines = curl_commands(RequestInfo("GET", "/me", earlier=(login,), earlier_cut=3)).splitlines()
    assert lines[0] == f"rm -f {COOKIE_JAR}"
    assert lines[1] == "# (3 earlier requests of this check not shown)"
    replay, last = sent(lines[2]), sent(lines[3])
    assert replay[:4] == ["curl", "-s", "-o", "/dev/null"] and replay[-1] == f"{BASE_URL}/login"
    assert last[-1] == f"{BASE_URL}/me"
    assert {"-b", "-c"} <= set(replay) & set(last)
