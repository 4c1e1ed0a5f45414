"""The app server: the part of a worker that loads one learner module and serves the
judge's requests with the real Flask test client, in production mode (``testing`` off).

Nothing here trusts the learner: every reply is a message of :mod:`grader.sandbox.protocol`,
which the judge checks as it decodes it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import runpy
import socket
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flask
import werkzeug.serving

from grader.sandbox import protocol
from grader.sandbox.protocol import (
    AppLoaded,
    AppNotLoaded,
    AppState,
    Assign,
    BodyTooLarge,
    Call,
    DescribeApp,
    Done,
    LearnerError,
    Missing,
    Raised,
    Request,
    Response,
    StartWorker,
    UrlFor,
    Value,
)


@dataclass
class RunRecorder:
    """Stands in for ``Flask.run`` and ``run_simple``: records, never serves."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def install(self) -> None:
        recorder = self

        def run(app: flask.Flask, host=None, port=None, debug=None, load_dotenv=True, **options):
            if debug is not None:
                app.debug = bool(debug)  # as the real run() does
            recorder.calls.append(
                {
                    "via": "Flask.run",
                    "host": host,
                    "port": port,
                    "debug": debug,
                    "app_debug": app.debug,
                    "options": {key: _jsonable(value) for key, value in options.items()},
                    "rules": sorted(rule.rule for rule in app.url_map.iter_rules()),
                }
            )

        def run_simple(hostname, port, application, use_reloader=False, use_debugger=False, **options):
            recorder.calls.append(
                {
                    "via": "run_simple",
                    "host": hostname,
                    "port": port,
                    "debug": use_debugger,
                    "app_debug": bool(getattr(application, "debug", False)),
                    "options": {key: _jsonable(value) for key, value in options.items()},
                    "rules": sorted(r.rule for r in application.url_map.iter_rules())
                    if isinstance(application, flask.Flask)
                    else [],
                }
            )

        flask.Flask.run = run  # type: ignore[method-assign, assignment]
        werkzeug.serving.run_simple = run_simple  # type: ignore[assignment]


class LoadError(Exception):
    """The learner module could not be turned into a Flask app."""

    def __init__(self, kind: str, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.traceback_text = traceback_text


class AppServer:
    """Loads one learner module and answers the judge's messages."""

    def __init__(self, spec: StartWorker, sock: socket.socket) -> None:
        self.spec = spec
        self.sock = sock
        self.root = str(Path(spec.workdir).resolve())
        self.recorder = RunRecorder()
        self.clients: dict[int, flask.testing.FlaskClient] = {}
        self.request_errors: list[BaseException] = []
        self.module_name = "__main__" if spec.mode == "main" else spec.module_name
        self.app: flask.Flask | None = None

    def run(self) -> None:
        os.chdir(self.root)
        sys.path.insert(0, self.root)
        self.recorder.install()
        try:
            self.app = self._load()
        except LoadError as exc:
            protocol.send(self.sock, AppNotLoaded(exc.kind, exc.message, exc.traceback_text))
            return
        flask.got_request_exception.connect(self._on_request_exception, self.app, weak=False)
        protocol.send(self.sock, AppLoaded(self.snapshot()))
        self._serve()

    # -- loading

    def _load(self) -> flask.Flask:
        path = Path(self.root) / self.spec.filename
        if path.is_symlink() and not path.exists():
            raise LoadError(
                "missing",
                f"{path.name} is a link to {os.readlink(path)}, which the grader cannot see: hand in the file itself.",
            )
        try:
            namespace = self._execute(path)
        except SyntaxError as exc:
            raise LoadError(
                "syntax_error",
                f"{path.name} has a syntax error, so Python cannot import it.",
                self._format_exception(exc),
            ) from None
        except SystemExit as exc:
            raise LoadError(
                "exit",
                f"{path.name} called sys.exit({exc.code!r}) while being imported: "
                "a module that exits cannot serve requests.",
                self._format_exception(exc),
            ) from None
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
            raise LoadError(
                "import_error",
                f"{path.name} raised {type(exc).__name__} while being imported.",
                self._format_exception(exc),
            ) from None
        return self._find_app(namespace, path.name)

    def _execute(self, path: Path) -> dict[str, Any]:
        if self.spec.mode == "main":
            return runpy.run_path(str(path), run_name="__main__")
        spec = importlib.util.spec_from_file_location(self.module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module_name] = module
        spec.loader.exec_module(module)
        return vars(module)

    @staticmethod
    def _find_app(namespace: dict[str, Any], filename: str) -> flask.Flask:
        app = namespace.get("app")
        if isinstance(app, flask.Flask):
            return app
        others = [name for name, value in namespace.items() if isinstance(value, flask.Flask)]
        if app is None and others:
            raise LoadError(
                "no_app",
                f"{filename} has a Flask application named `{others[0]}`, but the grader "
                "looks for one named `app`: rename it to `app`.",
            )
        if "app" not in namespace:
            raise LoadError(
                "no_app",
                f"{filename} defines no variable named `app`: create the application with `app = Flask(__name__)`.",
            )
        raise LoadError(
            "not_flask",
            f"`app` in {filename} is {type(app).__name__!s} {_short_repr(app)}, not a Flask "
            "application: create it with `app = Flask(__name__)`.",
        )

    # -- serving

    def handle(self, message: Any) -> Any:
        """The reply to one of the judge's operations (the benchmark's floor calls this in-process)."""
        if isinstance(message, Request):
            return self._request(message)
        if isinstance(message, DescribeApp):
            return AppState(self.snapshot())
        if isinstance(message, UrlFor):
            return self._url_for(message)
        if isinstance(message, Call):
            return self._call(message)
        assert isinstance(message, Assign)
        return self._assign(message)

    def _serve(self) -> None:
        while True:
            try:
                message = protocol.recv(self.sock, *protocol.OPERATIONS)
            except protocol.ConnectionClosed:
                return
            protocol.send(self.sock, self.handle(message))

    def _request(self, message: Request) -> Response | BodyTooLarge:
        assert self.app is not None
        client = self.clients.get(message.client)
        if client is None:
            client = self.clients[message.client] = self.app.test_client()
        kwargs: dict[str, Any] = {
            "method": message.method,
            "headers": list(message.headers),
            "follow_redirects": message.follow_redirects,
        }
        if message.query_string is not None:
            kwargs["query_string"] = message.query_string
        if message.send_json:
            kwargs["json"] = message.json
        if message.data is not None:
            kwargs["data"] = message.data
        elif message.form is not None:
            kwargs["data"] = message.form
        if message.content_type:
            kwargs["content_type"] = message.content_type

        self.request_errors.clear()
        try:
            response = client.open(message.path, **kwargs)
            body = _read_body(response, protocol.MAX_BODY)
            response.close()
        except BaseException as exc:  # noqa: BLE001 - an exception that escaped Flask
            # With debug on, or for SystemExit, the exception leaves Flask; a real
            # server would answer 500, so the judge sees that plus the traceback.
            return Response("500 INTERNAL SERVER ERROR", 500, (), b"", self._error(exc), escaped=True)
        if body is None:
            return BodyTooLarge(protocol.MAX_BODY)
        return Response(
            response.status,
            response.status_code,
            tuple(response.headers.items()),
            body,
            self._error(self.request_errors[0]) if self.request_errors else None,
        )

    def _on_request_exception(self, sender: Any, exception: BaseException, **extra: Any) -> None:
        self.request_errors.append(exception)

    def _url_for(self, message: UrlFor) -> Value | Raised:
        assert self.app is not None
        try:
            with self.app.test_request_context():
                url = flask.url_for(message.endpoint, **message.values)
        except BaseException as exc:  # noqa: BLE001
            return Raised(self._error(exc))
        return Value(url)

    def _call(self, message: Call) -> Value | Raised | Missing:
        """Call a module-level function of the learner inside a request context."""
        assert self.app is not None
        module = sys.modules.get(self.module_name)
        function = getattr(module, message.name, None) if module else None
        if not callable(function):
            return Missing()
        context_app = self.app
        if message.other_app_config is not None:
            # A bare app of the judge's, to tell code that reads current_app from
            # code that reads the module's own `app`.
            context_app = flask.Flask("other_app", static_folder=None)
            context_app.config.update(message.other_app_config)
        try:
            with context_app.test_request_context(message.path):
                value = function(*message.args, **message.kwargs)
        except BaseException as exc:  # noqa: BLE001
            return Raised(self._error(exc))
        return Value(_jsonable(value))

    def _assign(self, message: Assign) -> Done | Missing:
        """Give the learner's module-level variable a new value (a list is refilled in place,
        so names that share it, such as a Jinja global, see the change too)."""
        module = sys.modules.get(self.module_name)
        if module is None or not hasattr(module, message.name):
            return Missing()
        current = getattr(module, message.name)
        if isinstance(current, list) and isinstance(message.value, list):
            current[:] = message.value
        else:
            setattr(module, message.name, message.value)
        return Done()

    # -- describing

    def snapshot(self) -> dict[str, Any]:
        app = self.app
        assert app is not None
        rules = [
            {
                "rule": rule.rule,
                "endpoint": rule.endpoint,
                "methods": sorted(rule.methods or ()),
                "arguments": sorted(rule.arguments),
                "converters": {name: type(conv).__name__ for name, conv in rule._converters.items()},
            }
            for rule in app.url_map.iter_rules()
        ]

        def names(registry: dict[Any, list[Any]]) -> list[str]:
            return [_name_of(func) for func in registry.get(None, [])]

        error_handlers = []
        for code, handlers in app.error_handler_spec.get(None, {}).items():
            for exc_class, func in handlers.items():
                error_handlers.append({"code": code, "exception": exc_class.__name__, "function": _name_of(func)})
        return {
            "import_name": app.import_name,
            "name": app.name,
            "module_name": self.module_name,
            "debug": app.debug,
            "testing": app.testing,
            "secret_key_set": bool(app.secret_key),
            "static_url_path": app.static_url_path,
            "rules": rules,
            "converters": sorted(app.url_map.converters),
            "hooks": {
                "before_request": names(app.before_request_funcs),
                "after_request": names(app.after_request_funcs),
                "teardown_request": names(app.teardown_request_funcs),
                "teardown_appcontext": [_name_of(f) for f in app.teardown_appcontext_funcs],
            },
            "error_handlers": error_handlers,
            "config": {key: _jsonable(value) for key, value in app.config.items()},
            "run_calls": list(self.recorder.calls),
        }

    def _error(self, exc: BaseException) -> LearnerError:
        return LearnerError(type(exc).__name__, _safe_str(exc), self._format_exception(exc))

    def _format_exception(self, exc: BaseException) -> str:
        """The traceback as the learner should see it: only frames of their files."""
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.startswith(self.root + os.sep)  # not <frozen ...>, not site-packages
        ]
        lines = ["Traceback (most recent call last):\n"] if frames else []
        lines += traceback.StackSummary.from_list(frames).format()  # deep recursion: repeats folded
        lines += traceback.format_exception_only(type(exc), exc)
        return "".join(lines).replace(self.root + os.sep, "")


def _read_body(response: Any, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past ``limit`` (a stream may never end)."""
    chunks, size = [], 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _name_of(func: Any) -> str:
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except BaseException:  # noqa: BLE001 - a learner's __str__ may raise
        return f"<{type(value).__name__}>"


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001
        return ""
    return text if len(text) <= 60 else text[:57] + "..."


def _jsonable(value: Any) -> Any:
    """``value`` if JSON can carry it as it is, else its repr."""
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return _short_repr(value) if not isinstance(value, types.ModuleType) else f"<module {value.__name__}>"
    return value
