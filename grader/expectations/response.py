"""Expectations about one response: status, body, headers, JSON, redirects."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any, NoReturn
from urllib.parse import unquote, urljoin, urlsplit

from werkzeug.exceptions import default_exceptions

from grader.client import Response
from grader.display import exchange, json_text, methods, quote
from grader.errors import CheckFailure
from grader.expectations.html import PageExpectation
from grader.expectations.markup import find_elements, start_tag
from grader.reproduce import curl_commands


class ResponseExpectation:
    """Chainable checks on a response; each failure names request, expected and actual.

    >>> expect(client.get("/")).status(200).body("<p>Hello World</p>")
    """

    def __init__(self, response: Response) -> None:
        self.response = response
        # What the app answered before, from every client: a failure tells the whole
        # story, ending with the request that went wrong (state carries over between
        # requests: sessions, counters, a store of notes).
        self.earlier: tuple[Response, ...] = response.story
        self.earlier_cut = response.story_cut
        self.changes: tuple[str, ...] = ()

    def noting(self, *changes: str) -> ResponseExpectation:
        """Say, if a check fails, what the check changed that the learner cannot see.

        A constant set in the learner's module, a template replaced: the learner reads
        it before the request, in plain words, and knows their file was not edited.

        >>> expect(response).noting("The grader set ITEMS = ['<'] in your module first.")
        """
        self.changes = changes
        return self

    def after(self, *earlier: Response) -> ResponseExpectation:
        """Tell only the ``earlier`` responses before this request if a check fails,
        instead of everything the app answered before it (see :attr:`Response.story`).

        >>> expect(third).after(first, second).body("Visits: 3")
        """
        self.earlier, self.earlier_cut = earlier, 0
        return self

    # -- status

    def status(self, *codes: int) -> ResponseExpectation:
        """The status is one of ``codes`` (302 or 303 for a temporary redirect...)."""
        if self.response.status_code not in codes:
            wanted = " or ".join(str(code) for code in codes)
            self.fail(
                f"{self._request_line} answered {self.response.status}, expected status {wanted}.",
                expected=f"status {wanted}",
                reason=self._status_reason(),
            )
        return self

    # -- body

    def body(self, text: str) -> ResponseExpectation:
        """The body is exactly ``text``."""
        if self.response.text != text:
            self.fail(f"{self._request_line} answered with a different body.", expected=quote(text), reason="body")
        return self

    def html(self, text: str) -> ResponseExpectation:
        """The body equals ``text`` once HTML entities are decoded (``&lt;`` and ``<`` alike)."""
        if html.unescape(self.response.text) != html.unescape(text):
            self.fail(
                f"{self._request_line} answered with a different body.",
                expected=quote(text) + " (compared after decoding HTML entities)",
                reason="body",
            )
        return self

    def contains(self, fragment: str, *, unescape: bool = False) -> ResponseExpectation:
        """The body contains ``fragment`` (after decoding entities if ``unescape``)."""
        text = html.unescape(self.response.text) if unescape else self.response.text
        if fragment not in text:
            self.fail(
                f"{self._request_line} answered without {quote(fragment)} in its body.",
                expected=f"a body containing {quote(fragment)}",
                reason="body",
            )
        return self

    def page(self) -> PageExpectation:
        """Checks on the body as an HTML page: title, visible text, lists (see :mod:`.html`)."""
        return PageExpectation(self)

    def empty(self) -> ResponseExpectation:
        """The body is empty (as for HEAD, 204 and 304)."""
        if self.response.data:
            self.fail(
                f"{self._request_line} should answer with an empty body.", expected="an empty body", reason="body"
            )
        return self

    def escaped(self, value: str, prefix: str = "", suffix: str = "") -> ResponseExpectation:
        """The body is ``prefix`` + ``value`` HTML-escaped + ``suffix``.

        Any correct escaping passes (``&lt;``, ``&#60;``, ``&#x3c;``); what fails is
        a raw ``<`` or ``>`` from ``value``, or a ``&`` left unescaped.
        """
        text = self.response.text
        inner = text[len(prefix) : len(text) - len(suffix)] if len(text) >= len(prefix) + len(suffix) else None
        if not (text.startswith(prefix) and text.endswith(suffix)) or inner is None:
            self.fail(
                f"{self._request_line} answered with a different body.",
                expected=quote(prefix + html.escape(value, quote=False) + suffix),
                reason="body",
            )
        if "<" in inner or ">" in inner or html.unescape(inner) != value:
            self.fail(
                f"{self._request_line} put {quote(value)} into the page without HTML-escaping it.",
                expected=quote(prefix + html.escape(value, quote=False) + suffix)
                + "\n(escape what the user sent: markupsafe.escape(value) or html.escape(value))",
                reason="escape",
            )
        return self

    def element(self, tag: str, **attributes: str) -> ResponseExpectation:
        """The page has a ``<tag>`` element with these attribute values.

        Values are compared ignoring case and surrounding spaces, as HTML does for
        values such as ``method="POST"`` or ``type="Text"``; other attributes may be present.

        >>> expect(response).element("form", method="post")
        """
        wanted = {name.lower(): value.strip().lower() for name, value in attributes.items()}
        found = find_elements(self.response.text, tag)
        if not any(all(attrs.get(k, "").strip().lower() == v for k, v in wanted.items()) for attrs in found):
            seen = ", ".join(start_tag(tag, attrs) for attrs in found[:3])
            self.fail(
                f"{self._request_line} answered a page without a {start_tag(tag, wanted)} element"
                + (f" (it has {seen})." if seen else "."),
                expected=f"a {start_tag(tag, wanted)} element (other attributes allowed)",
                reason="body",
            )
        return self

    # -- headers

    def mimetype(self, mimetype: str) -> ResponseExpectation:
        """The Content-Type is ``mimetype`` (any charset): only where the README states a type."""
        if self.response.mimetype != mimetype:
            self.fail(
                f"{self._request_line} answered with Content-Type {self.response.content_type!r}, expected {mimetype}.",
                expected=f"Content-Type: {mimetype}",
                reason="content_type",
                hint=CONTENT_TYPE_HINTS.get(mimetype, ""),
            )
        return self

    def header(self, name: str, value: str | Callable[[str], bool] | None = None) -> ResponseExpectation:
        """Header ``name`` is present (and equals ``value``, or satisfies it if callable)."""
        actual = self.response.headers.get(name)
        if actual is None:
            self.fail(
                f"{self._request_line} answered without a {name} header.",
                expected=f"{name}: {value}" if isinstance(value, str) else f"a {name} header",
                reason="header",
            )
        if value is not None and not (value(actual) if callable(value) else actual == value):
            self.fail(
                f"{self._request_line} answered with {name}: {actual!r}.",
                expected=f"{name}: {value}" if isinstance(value, str) else f"another {name} header",
                reason="header",
            )
        return self

    def allow(self, expected: Iterable[str], *, exact: bool = False) -> ResponseExpectation:
        """The ``Allow`` header lists ``expected`` (at least, or exactly)."""
        wanted = {m.upper() for m in expected}
        actual = self.response.allow
        if (actual != wanted) if exact else not wanted <= actual:
            missing = wanted - actual
            self.fail(
                f"{self._request_line} answered with Allow {methods(actual)}"
                + (f", missing {methods(missing)}." if missing else "."),
                expected=("Allow " if exact else "Allow including ") + methods(wanted),
                reason="header",
            )
        return self

    def cookie(self, name: str, value: str) -> ResponseExpectation:
        """A ``Set-Cookie`` header sets cookie ``name`` to ``value`` (attributes may vary)."""
        cookies = self.response.headers.getlist("Set-Cookie")
        pairs = [cookie.split(";")[0].strip().partition("=") for cookie in cookies]
        if not any(key.strip() == name and found.strip().strip('"') == value for key, _, found in pairs):
            actual = "; ".join(f"{key}={found}" for key, _, found in pairs) or "no Set-Cookie header"
            self.fail(
                f"{self._request_line} did not set the cookie {name}={value} (it sent {actual}).",
                expected=f"Set-Cookie: {name}={value}; ...",
                reason="header",
            )
        return self

    def location(self, location: str) -> ResponseExpectation:
        """The ``Location`` header leads to ``location``.

        A relative Location is resolved against the request's URL, as a browser
        does; paths compare after decoding %-escapes, so ``/a%20b`` is ``/a b``.
        Give ``location`` quoted, as it would travel (``url_quote`` each segment).
        """
        actual = self.response.location or ""
        base = self.response.request.path
        if not actual:
            self.fail(
                f"{self._request_line} answered without a Location header.",
                expected=f"Location: {location}",
                reason="location",
            )
        if _target(base, actual) != _target(base, location):
            _, _, path, query, fragment = _target(base, actual)
            leads = [f"the path {path!r}"] + [
                f"the {name} {value!r}" for name, value in (("query", query), ("fragment", fragment)) if value
            ]
            verb = "redirected to" if 300 <= self.response.status_code < 400 else "sent the Location"
            self.fail(
                f"{self._request_line} {verb} {actual!r}, expected {location!r}"
                + (
                    f" (yours leads to {' and '.join(leads)})."
                    if actual not in (path, "http://localhost" + path)
                    else "."
                ),
                expected=f"Location: {location}",
                reason="location",
            )
        return self

    def redirects_to(self, location: str, *codes: int) -> ResponseExpectation:
        """A redirect with one of ``codes`` whose Location leads to ``location`` (see :meth:`location`)."""
        return self.status(*codes).location(location)

    # -- JSON

    def json(
        self, value: Any = ..., where: Callable[[Any], bool] | None = None, describe: str = ""
    ) -> ResponseExpectation:
        """The body is JSON with an ``application/json`` type (equal to ``value`` if given)."""
        if not self.response.is_json:
            self.fail(
                f"{self._request_line} did not answer JSON (Content-Type {self.response.content_type!r}).",
                expected="Content-Type: application/json"
                + (f" with body {json_text(value)}" if value is not ... else f", {describe}" if describe else ""),
                reason="content_type",
                hint=CONTENT_TYPE_HINTS["application/json"],
            )
        try:
            data = self.response.get_json()
        except ValueError:
            self.fail(
                f"{self._request_line} answered a body that is not valid JSON.", expected="valid JSON", reason="json"
            )
        if value is not ... and data != value:
            self.fail(f"{self._request_line} answered different JSON.", expected=json_text(value), reason="json")
        if where is not None and not where(data):
            self.fail(
                f"{self._request_line} answered different JSON.", expected=describe or "other JSON", reason="json"
            )
        return self

    # -- failing

    def fail(self, summary: str, *, expected: str, reason: str = "", hint: str = "") -> NoReturn:
        """Raise a CheckFailure describing this response; ``reason`` and ``hint`` as in
        :class:`~grader.errors.CheckFailure` (a crash is always the reason ``raised``)."""
        traceback = (self.response.error or {}).get("traceback")
        raise CheckFailure(
            summary,
            request=self._story(),
            expected=expected,
            actual=self._actual(),
            standard_page=self._standard_page(),
            learner_traceback=traceback,
            reproduce=curl_commands(self.response.request),
            reason="raised" if traceback else reason,
            hint="" if traceback else hint,
        )

    def _status_reason(self) -> str:
        """``route`` for Flask's own 404 or 405 page (no view matched), else ``status``."""
        if self.response.status_code in (404, 405) and self._standard_page():
            return "route"
        return "status"

    def _standard_page(self) -> str:
        """``404 Not Found`` when the body is exactly Flask's own page for its status, else ""."""
        error = default_exceptions.get(self.response.status_code)
        page = error() if error is not None else None
        if page is None or self.response.text != page.get_body():
            return ""
        return f"{page.code} {page.name}"

    @property
    def _request_line(self) -> str:
        request = self.response.request
        return f"{request.method} {request.url}"

    def _story(self) -> str:
        """What the check changed, then the request after the numbered earlier steps
        (naming clients when several)."""
        return "\n".join([*self.changes, self._steps()])

    def _steps(self) -> str:
        steps = (*self.earlier, self.response)
        if len(steps) == 1:
            return str(self.response.request)
        letters: dict[int, str] = {}  # client id -> A, B, ... in order of appearance
        for step in steps:
            letters.setdefault(step.request.client, _letter(len(letters)))

        def who(step: Response) -> str:
            return f"client {letters[step.request.client]}: " if len(letters) > 1 else ""

        first = self.earlier_cut + 1
        lines = [f"({self.earlier_cut} earlier requests not shown)"] if self.earlier_cut else []
        lines += [f"{number}. {who(step)}{exchange(step)}" for number, step in enumerate(self.earlier, first)]
        lines.append(f"{first + len(self.earlier)}. {who(self.response)}{self.response.request}")
        return "\n".join(lines)

    def _actual(self) -> str:
        response = self.response
        lines = [response.status]
        shown = ("Content-Type", "Location", "Allow")
        lines += [f"{key}: {value}" for key, value in response.headers.items() if key in shown]
        lines.append(f"body {quote(response.text)}" if response.data else "empty body")
        return "\n".join(lines)


#: The hint for a Content-Type other than the contract's, by the type the contract states.
CONTENT_TYPE_HINTS = {
    "text/html": "Flask sends a string returned from a view as text/html: return the text itself, "
    "not a Response with another mimetype.",
    "text/plain": "Flask sends a returned string as text/html; for plain text return a Response "
    "whose mimetype is text/plain, as the README shows.",
    "application/json": "Return a dict or a list (or the result of jsonify) and Flask sends "
    "application/json; a string that looks like JSON is still sent as text/html.",
}


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def _target(base_path: str, location: str) -> tuple[str, str, str, str, str]:
    """Where ``location`` leads from ``base_path``: URL parts, path and query decoded."""
    parts = urlsplit(urljoin("http://localhost" + base_path, location))
    return parts.scheme, parts.netloc, unquote(parts.path), unquote(parts.query), parts.fragment
