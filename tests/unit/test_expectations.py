"""The check API on its own: what a learner reads when an expectation fails."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import Headers

from grader import CheckFailure, expect
from grader.client import RequestInfo, Response


def response(
    body: str = "",
    *,
    path: str = "/",
    client: int = 0,
    headers: dict[str, str] | None = None,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
) -> Response:
    sent = tuple((headers or {}).items())
    return Response(
        status_code=status,
        status=f"{status} OK" if status == 200 else str(status),
        headers=Headers({"Content-Type": content_type}),
        data=body.encode(),
        request=RequestInfo("GET", path, headers=sent, client=client),
    )


def failure(expectation) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        expectation()
    return info.value


def test_after_numbers_the_earlier_requests_before_the_failing_one():
    first, second = response("Visits: 1", path="/visit"), response("Visits: 1", path="/visit")
    third = response("Visits: 1", path="/visit")
    error = failure(lambda: expect(third).after(first, second).body("Visits: 3"))
    assert error.request == (
        "1. GET /visit → 200 OK, body 'Visits: 1'\n2. GET /visit → 200 OK, body 'Visits: 1'\n3. GET /visit"
    )
    assert error.expected == "'Visits: 3'"


def test_after_names_clients_by_letter_when_there_are_several():
    a = response("Visits: 1", path="/visit", client=7)
    b = response("Visits: 2", path="/visit", client=9, headers={"X-User": "bob"})
    error = failure(lambda: expect(b).after(a).body("Visits: 1"))
    assert error.request == "1. client A: GET /visit → 200 OK, body 'Visits: 1'\n2. client B: GET /visit\nX-User: bob"


def test_a_passing_chain_with_after_returns_the_expectation():
    earlier = response("a")
    assert expect(response("b")).after(earlier).body("b").response.text == "b"


def test_without_after_the_request_is_shown_alone():
    error = failure(lambda: expect(response("x", path="/p", headers={"X-User": "a"})).body("y"))
    assert error.request == "GET /p\nX-User: a"


@pytest.mark.parametrize(
    "page",
    [
        '<form method="post"><input name="name"></form>',
        "<FORM Method='POST' action=''></FORM>",
        '<p>first</p><form method="get"></form><form class="x" method=" post ">',
    ],
)
def test_element_finds_a_tag_with_attributes_in_any_case(page):
    expect(response(page)).element("form", method="post")


def test_element_failure_shows_the_elements_found():
    error = failure(
        lambda: expect(response('<form method="get"></form>', path="/contact")).element("form", method="post")
    )
    assert str(error).startswith(
        'GET /contact answered a page without a <form method="post"> element (it has <form method="get">).'
    )
    assert error.expected == 'a <form method="post"> element (other attributes allowed)'


def test_element_failure_without_any_such_element():
    error = failure(lambda: expect(response("<p>no form</p>")).element("form", method="post"))
    assert str(error).startswith('GET / answered a page without a <form method="post"> element.')


def test_json_failure_says_what_json_was_wanted():
    error = failure(lambda: expect(response("<p>oops</p>")).json(where=lambda data: True, describe='{"error": "..."}'))
    assert error.expected == 'Content-Type: application/json, {"error": "..."}'


def test_flasks_own_error_page_is_named_structurally_and_the_report_names_it():
    from werkzeug.exceptions import NotFound

    from grader.report import _actual

    standard = failure(lambda: expect(response(NotFound().get_body(), status=404)).status(200))
    assert standard.details()["standard_page"] == "404 Not Found"
    assert standard.reason == "route"  # no view matched: a route is missing, not a status wrong
    assert (
        _actual(standard.details())
        == "404\nContent-Type: text/html; charset=utf-8\nbody: Flask's standard Not Found page (no route matches this URL)"
    )

    # The learner's own 404 page, however like Flask's, is shown as it is.
    own = failure(lambda: expect(response(NotFound().get_body() + " ", status=404)).status(200))
    assert "standard_page" not in own.details() and own.reason == "status"
    assert _actual(own.details()) == own.details()["actual"]
