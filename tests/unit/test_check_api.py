"""The check API without boilerplate: expect(app), the story an app keeps, failures whose
parts stay fields up to the result, and one public API, each name documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers

import grader
from grader import CheckFailure, expect, fail, report
from grader.client import LearnerApp, RequestInfo, Response
from grader.course import Course
from grader.grading import grade
from grader.results import CheckResult
from tests.helpers import ROOT, solution, write_submission

SNAPSHOT = {
    "rules": [
        {"rule": "/", "endpoint": "index", "methods": ["GET", "HEAD", "OPTIONS"], "arguments": [], "converters": {}},
        {
            "rule": "/user/<int:id>",
            "endpoint": "user",
            "methods": ["GET", "HEAD", "OPTIONS"],
            "arguments": ["id"],
            "converters": {"id": "IntegerConverter"},
        },
    ],
    "converters": ["default", "int", "path", "string"],
    "hooks": {"before_request": [], "after_request": ["add_header"], "teardown_request": [], "teardown_appcontext": []},
    "error_handlers": [{"code": 404, "exception": "NotFound", "function": "not_found"}],
    "config": {"GREETING": "Bonjour"},
    "secret_key_set": False,
}


def learner_app() -> LearnerApp:
    """An app as a worker describes it (structure only: no requests are sent)."""
    return LearnerApp(worker=None, _snapshot=dict(SNAPSHOT))  # type: ignore[arg-type]


def failure(expectation) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        expectation()
    return info.value


def response(body: str, path: str = "/visit", client: int = 0) -> Response:
    return Response(
        200, "200 OK", Headers({"Content-Type": "text/plain"}), body.encode(), RequestInfo("GET", path, client=client)
    )


# ------------------------------------------------------------- expect(app)


def test_structure_expectations_pass_on_what_the_app_has():
    app = learner_app()
    expect(app).route("/", endpoint="index", methods={"GET"}).route("/user/<int:id>").endpoint("user")
    expect(app).hook("after_request").hook("teardown_request", "after_request").error_handler(404)
    expect(app).error_handler("NotFound").config("GREETING", "Bonjour").converter("int")


def test_a_missing_route_lists_the_rules_there_are():
    error = failure(lambda: expect(learner_app()).route("/about", endpoint="about"))
    assert error.summary == "The app has no route /about."
    assert error.expected == "a route /about with endpoint 'about'"
    assert error.actual == "rules: /, /user/<int:id>"


def test_a_wrong_endpoint_and_missing_methods_say_what_to_change():
    error = failure(lambda: expect(learner_app()).route("/", endpoint="home"))
    assert error.summary == "The route / has the endpoint 'index'; name its view function home."
    error = failure(lambda: expect(learner_app()).route("/", methods=["post"]))
    assert error.summary == "The route / does not allow {POST}."
    assert error.actual == "methods {GET, HEAD, OPTIONS}"


def test_a_missing_hook_takes_the_authors_advice_and_shows_the_hooks_there_are():
    error = failure(lambda: expect(learner_app()).hook("before_request", advice="set g.user there"))
    assert error.summary == "The app has no before_request hook: set g.user there."
    assert error.expected == "a function registered with @app.before_request"
    assert error.actual == "hooks: after_request (add_header)"
    with pytest.raises(ValueError, match="no hook kind 'before'"):
        expect(learner_app()).hook("before")


def test_error_handlers_config_converters_and_the_secret_key():
    app = learner_app()
    assert failure(lambda: expect(app).error_handler(500)).actual == "error handlers: 404 (not_found)"
    error = failure(lambda: expect(app).config("GREETING", "Hello"))
    assert (error.summary, error.actual) == (
        "app.config['GREETING'] is not 'Hello'.",
        "app.config['GREETING'] == 'Bonjour'",
    )
    assert failure(lambda: expect(app).config("OTHER", 1)).actual == "no OTHER in app.config"
    assert failure(lambda: expect(app).converter("list")).actual == "converters: default, int, path, string"
    error = failure(lambda: expect(app).secret_key(hint="Set app.secret_key."))
    assert (error.summary, error.hint) == ("The app has no secret key.", "Set app.secret_key.")


def test_expect_refuses_what_it_cannot_check():
    with pytest.raises(TypeError, match="give a response or the app"):
        expect("GET /")  # type: ignore[call-overload]


# ------------------------------------------------------------- the story


def told(app: LearnerApp, *responses: Response) -> list[Response]:
    return [app._tell(r) for r in responses]


def test_a_failure_tells_what_the_app_answered_before_from_every_client():
    app = learner_app()
    first, second, third = told(app, response("Visits: 1"), response("Visits: 1", client=1), response("Visits: 1"))
    error = failure(lambda: expect(third).body("Visits: 2"))
    assert error.request == (
        "1. client A: GET /visit → 200 OK, body 'Visits: 1'\n"
        "2. client B: GET /visit → 200 OK, body 'Visits: 1'\n"
        "3. client A: GET /visit"
    )
    assert failure(lambda: expect(first).body("x")).request == "GET /visit", "the first request has no story"
    narrowed = failure(lambda: expect(third).after(second).body("x")).request
    assert narrowed == "1. client A: GET /visit → 200 OK, body 'Visits: 1'\n2. client B: GET /visit", "after() narrows"


def test_a_long_story_keeps_its_end_and_says_how_much_is_cut():
    app = learner_app()
    last = told(app, *(response(f"{n}", path=f"/step/{n}") for n in range(40)))[-1]
    story = failure(lambda: expect(last).body("x")).request.splitlines()
    assert story[0] == "(9 earlier requests not shown)"
    assert story[1].startswith("10. GET /step/9 →") and story[-1] == "40. GET /step/39"


@settings(max_examples=5, database=None)
@given(count=st.integers(1, 3))
def test_each_hypothesis_example_starts_a_story_of_its_own(count):
    app = SHARED  # a @given check's app is reused by every example
    responses = told(app, *(response("x") for _ in range(count)))
    assert len(responses[-1].story) == count - 1


SHARED = learner_app()


# ------------------------------------------------------------- structured failures


def test_the_report_shows_the_summary_field_and_never_cuts_a_message():
    check = CheckResult(
        "index",
        "GET / answers.",
        "failed",
        0,
        1,
        message="A summary that is not the message's start.\nrequest:  GET /",
        details={"request": "GET /"},
        summary="GET / answered 404, expected status 200.",
    )
    shown = report.feedback(check)
    assert shown.splitlines()[0] == "GET / answered 404, expected status 200."
    assert "Request:   GET /" in shown
    old = CheckResult("index", "GET / answers.", "failed", 0, 1, message="Line one.\nrequest:  GET /")
    assert report.feedback(old).splitlines()[0] == "Line one.", "results before 1.3: the message's first line"


def test_a_failures_own_hint_and_summary_reach_the_result(tmp_path):
    hidden = write_submission(
        tmp_path / "hidden",
        {
            "02_first_route/checks.py": '''
                from grader import expect, fail

                def test_specific(client):
                    """GET / is checked with a hint of its own."""
                    response = client.get("/")
                    if response.text != "nothing":
                        fail("GET / did not answer nothing.", expected="'nothing'", actual=repr(response.text),
                             hint="This failure's own hint.")
            ''',
            "02_first_route/exercise.yaml": 'checks:\n  specific: {points: 1, hint: "The check\'s hint."}\n',
        },
    )
    root = write_submission(tmp_path / "submission", {"02_first_route/app.py": solution("02_first_route")})
    result = grade(Course(ROOT, hidden_checks=hidden), root, ["02"])
    check = next(check for check in result.exercises[0].checks if check.name == "specific")
    assert check.summary == "GET / did not answer nothing."
    assert check.hint == "This failure's own hint."
    assert check.details == {"expected": "'nothing'", "actual": "'<p>Hello World</p>'"}
    assert check.message.startswith("GET / did not answer nothing.\nexpected: 'nothing'")


def test_fail_keeps_every_part_as_a_field():
    error = failure(lambda: fail("Wrong.", expected="a", actual="b", hint="Do c."))
    assert (error.summary, error.expected, error.actual, error.hint) == ("Wrong.", "a", "b", "Do c.")


# ------------------------------------------------------------- the public API


def test_every_public_name_imports_from_grader_and_is_documented_with_an_example():
    page = (Path(ROOT) / "docs" / "authoring.md").read_text(encoding="utf-8")
    headings = " ".join(re.findall(r"^### (.*)$", page, re.M))
    for name in grader.__all__:
        if name == "__version__":
            continue
        assert getattr(grader, name) is not None
        assert f"`{name}" in headings, f"docs/authoring.md has no section for {name}"
    with pytest.raises(AttributeError):
        grader.nothing_here  # noqa: B018
