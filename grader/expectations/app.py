"""Expectations about the app's structure: routes, endpoints, methods, hooks, error handlers, config.

    expect(app).route("/user/<name>", endpoint="user", methods={"GET"})
    expect(app).hook("before_request", advice="set g.user there, so that every view can use it")

Each failure says what the app has instead (its rules, its hooks...), so the learner
sees at once what to change. ``advice`` ends the summary after a colon, in the
learner's words; ``hint`` replaces the check's hint for this failure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from grader.client import LearnerApp, Rule
from grader.display import methods as shown_methods
from grader.errors import CheckFailure

#: Hook kinds as ``app.hooks`` names them, with the decorator that registers each.
HOOKS = {
    "before_request": "@app.before_request",
    "after_request": "@app.after_request",
    "teardown_request": "@app.teardown_request",
    "teardown_appcontext": "@app.teardown_appcontext",
}


class AppExpectation:
    """Chainable checks on the learner's app as it was after loading (see :class:`LearnerApp`).

    >>> expect(app).route("/", endpoint="index").route("/about", endpoint="about")
    """

    def __init__(self, app: LearnerApp) -> None:
        self.app = app

    def route(
        self,
        rule: str,
        *,
        endpoint: str | None = None,
        methods: Iterable[str] | None = None,
        advice: str = "",
        hint: str | None = None,
    ) -> AppExpectation:
        """A rule with exactly this text exists (``"/user/<int:id>"``), with ``endpoint``
        and at least ``methods`` if given (HEAD and OPTIONS come with GET, as in Flask)."""
        found = self.app.url_map.find(rule)
        if found is None:
            self.fail(
                _advised(f"The app has no route {rule}", advice),
                expected=f"a route {rule}" + (f" with endpoint {endpoint!r}" if endpoint else ""),
                actual=self._rules(),
                hint=hint,
            )
        if endpoint is not None and found.endpoint != endpoint:
            self.fail(
                _advised(
                    f"The route {rule} has the endpoint {found.endpoint!r}; name its view function {endpoint}", advice
                ),
                expected=f"endpoint {endpoint!r}",
                actual=f"endpoint {found.endpoint!r}",
                hint=hint,
            )
        wanted = {method.upper() for method in methods or ()}
        if not wanted <= found.methods:
            self.fail(
                _advised(f"The route {rule} does not allow {shown_methods(wanted - found.methods)}", advice),
                expected=f"methods including {shown_methods(wanted)}",
                actual=f"methods {shown_methods(found.methods)}",
                hint=hint,
            )
        return self

    def endpoint(self, name: str, *, advice: str = "", hint: str | None = None) -> AppExpectation:
        """Some rule has the endpoint ``name`` (the view function's name, by default)."""
        if not any(True for _ in self.app.url_map.iter_rules(name)):
            endpoints = ", ".join(sorted({rule.endpoint for rule in self.app.url_map})) or "none"
            self.fail(
                _advised(f"The app has no endpoint {name!r}", advice),
                expected=f"a route whose endpoint is {name!r}",
                actual=f"endpoints: {endpoints}",
                hint=hint,
            )
        return self

    def converter(self, name: str, *, advice: str = "", hint: str | None = None) -> AppExpectation:
        """A URL converter is registered as ``name`` (``app.url_map.converters[name]``)."""
        if name not in self.app.converters:
            self.fail(
                _advised(f"The app has no converter named {name}", advice),
                expected=f'app.url_map.converters["{name}"] = YourConverter',
                actual="converters: " + ", ".join(sorted(self.app.converters)),
                hint=hint,
            )
        return self

    def hook(self, kind: str, *alternatives: str, advice: str = "", hint: str | None = None) -> AppExpectation:
        """A hook of ``kind`` is registered (or of one of the ``alternatives``):
        ``before_request``, ``after_request``, ``teardown_request``, ``teardown_appcontext``."""
        kinds = (kind, *alternatives)
        unknown = [name for name in kinds if name not in HOOKS]
        if unknown:
            raise ValueError(f"no hook kind {unknown[0]!r}: use one of {', '.join(HOOKS)}")
        hooks = self.app.hooks
        if not any(hooks.get(name) for name in kinds):
            present = [f"{name} ({', '.join(functions)})" for name, functions in hooks.items() if functions]
            self.fail(
                _advised(f"The app has no {kind} hook", advice),
                expected=" or ".join(f"a function registered with {HOOKS[name]}" for name in kinds),
                actual="hooks: " + "; ".join(present) if present else "no hooks at all",
                hint=hint,
            )
        return self

    def error_handler(self, error: int | str, *, advice: str = "", hint: str | None = None) -> AppExpectation:
        """An error handler is registered for the status ``error`` (``404``) or the
        exception class named ``error`` (``"KeyError"``)."""
        handlers = self.app.error_handlers
        if not any(handler["code"] == error or handler["exception"] == error for handler in handlers):
            present = [f"{handler['code'] or handler['exception']} ({handler['function']})" for handler in handlers]
            self.fail(
                _advised(f"The app has no error handler for {error}", advice),
                expected=f"a function registered with @app.errorhandler({error})",
                actual="error handlers: " + ", ".join(present) if present else "no error handlers",
                hint=hint,
            )
        return self

    def config(self, key: str, value: Any, *, advice: str = "", hint: str | None = None) -> AppExpectation:
        """``app.config[key] == value``."""
        config = self.app.config
        if config.get(key, _MISSING) != value:
            self.fail(
                _advised(f"app.config[{key!r}] is not {value!r}", advice),
                expected=f"app.config[{key!r}] == {value!r}",
                actual=f"no {key} in app.config" if key not in config else f"app.config[{key!r}] == {config[key]!r}",
                hint=hint,
            )
        return self

    def secret_key(self, *, advice: str = "", hint: str | None = None) -> AppExpectation:
        """A non-empty secret key is set (it signs the session cookie)."""
        if not self.app.secret_key_set:
            self.fail(
                _advised("The app has no secret key", advice),
                expected='app.secret_key = "..." (a non-empty string), or app.config["SECRET_KEY"]',
                actual="app.secret_key is empty or None",
                hint=hint,
            )
        return self

    def fail(self, summary: str, *, expected: str, actual: str, hint: str | None = None) -> NoReturn:
        """Raise a CheckFailure about the app's structure."""
        raise CheckFailure(summary, expected=expected, actual=actual, hint=hint)

    def _rules(self) -> str:
        rules: list[Rule] = sorted(self.app.url_map, key=lambda rule: rule.rule)
        return "rules: " + (", ".join(rule.rule for rule in rules) or "none")


_MISSING: Any = object()


def _advised(summary: str, advice: str) -> str:
    return f"{summary}: {advice}." if advice else f"{summary}."
