"""Exceptions that end a check, grouped by the status they give it.

* :class:`CheckFailure` (and a plain ``AssertionError``): the app behaved wrongly,
  status ``failed``.
* :class:`WorkerTimeout`: the app did not answer in time, status ``timeout``.
* :class:`SubmissionError` subclasses: the app could not be examined at all
  (it did not load, or its process died), status ``error``.
"""

from __future__ import annotations

from typing import Any

#: Why a check failed, when an expectation knows: an exercise's ``hints`` (per check,
#: see :mod:`grader.exercise`) are keyed by these.
#: ``status``: another status than the contract's (the app's own answer, not Flask's
#: 404/405 page and not a crash); ``route``: Flask's 404 or 405 page, no view matched;
#: ``raised``: the learner's code raised (a 500); ``content_type``: the body's type;
#: ``escape``: user text put into HTML unescaped; ``body``, ``header``, ``json``,
#: ``location``: what the names say.
REASONS = ("status", "route", "raised", "content_type", "escape", "body", "header", "json", "location")


class CheckFailure(AssertionError):
    """A check saw behaviour other than the contract's.

    ``summary`` is one line in the learner's words; ``request``, ``expected`` and
    ``actual`` say what was sent, what should have come back and what did.
    ``learner_traceback`` is the traceback of the learner's code, when it raised;
    ``output`` what the app printed; ``reproduce`` the shell commands that send the
    request again (see :mod:`grader.reproduce`), kept in the details but not in the message.
    ``reason`` names what was wrong (``status``, ``content_type``, ...; see
    :data:`REASONS`) so the learner gets the exercise's hint for that; ``hint`` is
    advice for this very failure, used when the exercise has none for the reason
    (it replaces the check's general hint); ``example`` the failing input in words,
    when the check found it itself (a state machine's steps) rather than through ``@given``.

    Every part stays a field of its own up to the result's JSON
    (:class:`grader.results.CheckResult`), so a report never cuts one out of a message.
    """

    def __init__(
        self,
        summary: str,
        *,
        request: str | None = None,
        expected: str | None = None,
        actual: str | None = None,
        standard_page: str | None = None,
        learner_traceback: str | None = None,
        output: str | None = None,
        reproduce: str | None = None,
        hint: str | None = None,
        example: str | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(summary)
        self.reason = reason
        self.hint = hint or ""
        self.summary = summary
        self.request = request
        self.expected = expected
        self.actual = actual
        self.standard_page = standard_page  # "404 Not Found": actual's body is Flask's own page
        self.learner_traceback = learner_traceback
        self.output = output
        self.reproduce = reproduce
        self.example = example

    def details(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (
                ("request", self.request),
                ("expected", self.expected),
                ("actual", self.actual),
                ("standard_page", self.standard_page),
                ("traceback", self.learner_traceback),
                ("output", self.output),
                ("reproduce", self.reproduce),
            )
            if value
        }

    def __str__(self) -> str:
        lines = [self.summary]
        for label, value in (
            ("request", self.request),
            ("expected", self.expected),
            ("got", self.actual),
        ):
            if value:
                lines.append(f"{label + ':':9} {_indent(value, 10)}")
        if self.learner_traceback:
            lines.append("your code raised:")
            lines.append(_indent("  " + self.learner_traceback.rstrip(), 2))
        return "\n".join(lines)


class SubmissionError(Exception):
    """The learner's app could not be examined; the check scores zero."""

    def __init__(self, message: str, learner_traceback: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.learner_traceback = learner_traceback

    def __str__(self) -> str:
        if self.learner_traceback:
            return f"{self.message}\n{self.learner_traceback.rstrip()}"
        return self.message


class LoadFailed(SubmissionError):
    """The module did not load: syntax error, exception at import, no ``app``..."""

    def __init__(self, kind: str, message: str, learner_traceback: str = "") -> None:
        super().__init__(message, learner_traceback)
        self.kind = kind


class WorkerCrashed(SubmissionError):
    """The worker process died (``os._exit``, a crash, a limit) while doing ``what``."""

    def __init__(self, what: str, output: str = "", cause: str = "") -> None:
        message = f"The app's process ended unexpectedly while {what}."
        if cause:
            message += " " + cause
        if output.strip():
            message += "\nIt printed, last:\n" + _indent(output.rstrip(), 2, first=True)
        super().__init__(message)
        self.what = what


class ResponseTooLarge(SubmissionError):
    """The app's answer was larger than the grader reads (``limit`` bytes)."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(
            f"The app's answer while {what} was larger than {limit / 2**20:g} MiB, "
            "more than the grader reads: does it send a huge or endless body?"
        )


class SandboxUnavailable(SubmissionError):
    """Learner code may not run: sandbox guarantees are missing on this machine."""

    def __init__(self, missing: list[Any]) -> None:
        names = ", ".join(f"{layer.name} ({layer.detail})" for layer in missing)
        super().__init__(
            f"Not graded: this machine cannot keep every sandbox guarantee ({names}). "
            "`flask-grader doctor` explains; pass --allow-weak-sandbox to grade anyway."
        )


class WorkerTimeout(Exception):
    """The app did not answer within ``seconds`` while doing ``what``."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(self.explain(what, seconds))
        self.what = what
        self.seconds = seconds

    @staticmethod
    def explain(what: str, seconds: float) -> str:
        return f"Timed out after {seconds:g} s while {what}: look for an endless loop or a call that waits forever."


class CheckTimeout(WorkerTimeout):
    """The check as a whole took longer than its limit of ``seconds``."""

    @staticmethod
    def explain(what: str, seconds: float) -> str:
        return (
            f"Timed out: this check may take {seconds:g} s in all, and the time ran out "
            f"while {what}. Is every request slow, or does one never finish?"
        )


def _indent(text: str, width: int, first: bool = False) -> str:
    pad = " " * width
    body = text.replace("\n", "\n" + pad)
    return pad + body if first else body
