"""A chainable, readable check API, one module per domain.

    from grader import expect

    def test_index(client):
        \"\"\"GET / answers <p>Hello World</p>.\"\"\"
        expect(client.get("/")).status(200).body("<p>Hello World</p>")

A failed expectation raises :class:`grader.CheckFailure` with the request, the
expected and the actual response, in words a learner can act on.
"""

from __future__ import annotations

from typing import NoReturn

from grader.client import Response
from grader.errors import CheckFailure
from grader.expectations.response import ResponseExpectation

__all__ = ["expect", "fail", "ResponseExpectation"]


def expect(subject: Response) -> ResponseExpectation:
    """Start a chain of expectations about ``subject``."""
    if isinstance(subject, Response):
        return ResponseExpectation(subject)
    raise TypeError(f"nothing to expect of {type(subject).__name__}")


def fail(summary: str, *, expected: str | None = None, actual: str | None = None) -> NoReturn:
    """Fail the check with a message in the learner's words."""
    raise CheckFailure(summary, expected=expected, actual=actual)
