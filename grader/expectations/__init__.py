"""A chainable, readable check API, one module per domain.

    from grader import expect

    def test_index(client):
        \"\"\"GET / answers <p>Hello World</p>.\"\"\"
        expect(client.get("/")).status(200).body("<p>Hello World</p>")

    def test_routes(app):
        \"\"\"/ and /about exist, with the endpoints index and about.\"\"\"
        expect(app).route("/", endpoint="index").route("/about", endpoint="about")

A failed expectation raises :class:`grader.CheckFailure` with the request (after
the story of the app's earlier requests), the expected and the actual response, in
words a learner can act on.
"""

from __future__ import annotations

from typing import NoReturn, overload

from grader.client import LearnerApp, Response
from grader.errors import CheckFailure
from grader.expectations.app import AppExpectation
from grader.expectations.response import ResponseExpectation

__all__ = ["AppExpectation", "ResponseExpectation", "expect", "fail"]


@overload
def expect(subject: Response) -> ResponseExpectation: ...
@overload
def expect(subject: LearnerApp) -> AppExpectation: ...
def expect(subject: Response | LearnerApp) -> ResponseExpectation | AppExpectation:
    """Start a chain of expectations about a response, or about an app's structure."""
    if isinstance(subject, Response):
        return ResponseExpectation(subject)
    if isinstance(subject, LearnerApp):
        return AppExpectation(subject)
    raise TypeError(f"nothing to expect of {type(subject).__name__}: give a response or the app")


def fail(
    summary: str,
    *,
    expected: str | None = None,
    actual: str | None = None,
    hint: str | None = None,
) -> NoReturn:
    """Fail the check with a message in the learner's words (``hint``: advice for this failure)."""
    raise CheckFailure(summary, expected=expected, actual=actual, hint=hint)
