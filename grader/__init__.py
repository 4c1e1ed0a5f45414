"""flask-grader: learn Flask by doing.

The public API for people who write checks, all importable from ``grader``
(``docs/authoring.md`` shows each in use)::

    from grader import expect, fail, CheckFailure, ModelMachine
    from grader import LearnerApp, Client, Response, quote, json_text
    from grader.strategies import segment_text, url_quote  # Hypothesis strategies

* ``expect(response)``: chainable expectations about a response (status, body, JSON,
  headers, redirects, HTML pages); ``expect(app)``: about the app's structure (routes,
  endpoints, methods, hooks, error handlers, config).
* ``fail(summary, expected=..., actual=..., hint=...)``: fail the check in your own words.
* ``CheckFailure``: what both raise; a check may catch it to add to the story.
* ``ModelMachine``: the base class of state-machine checks against a model.
* ``LearnerApp``, ``Client``, ``Response``: the types of the ``app`` fixture, of
  ``app.test_client()`` and of what it answers (for type hints in helpers).
* ``quote(text)``, ``json_text(value)``: values shown as feedback shows them.

Checks are plain pytest functions using the fixtures ``app``, ``client``,
``main_app`` and ``spawn_app`` that the grader's plugin provides
(see :mod:`grader.plugin`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "CheckFailure",
    "Client",
    "LearnerApp",
    "ModelMachine",
    "Response",
    "__version__",
    "expect",
    "fail",
    "json_text",
    "quote",
]

if TYPE_CHECKING:
    from grader.client import Client, LearnerApp, Response
    from grader.display import json_text, quote
    from grader.errors import CheckFailure
    from grader.expectations import expect, fail
    from grader.machine import ModelMachine

#: Where each public name lives.
_PUBLIC = {
    "expect": "grader.expectations",
    "fail": "grader.expectations",
    "CheckFailure": "grader.errors",
    "ModelMachine": "grader.machine",
    "LearnerApp": "grader.client",
    "Client": "grader.client",
    "Response": "grader.client",
    "quote": "grader.display",
    "json_text": "grader.display",
}


def __getattr__(name: str) -> Any:
    # Imported on first use: the CLI and the zygote need none of it, and the
    # check API pulls in Werkzeug and Hypothesis (~50 ms on every start-up otherwise).
    if name not in _PUBLIC:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value
