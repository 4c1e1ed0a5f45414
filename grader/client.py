"""The learner's app as checks see it: Flask's test client API, served by a worker.

Check authors use these as they would Flask's own objects::

    def test_index(client):
        response = client.get("/")
        assert response.status_code == 200

Each request travels to the worker process (see :mod:`grader.sandbox.process`); the
response comes back as plain data, so nothing here runs learner code.

An app keeps the story of its requests: each response knows the requests its app
answered before it in this check (in this example, for a ``@given`` check), from
every client, so a failure shows how the app got there without a hand-kept list.
"""

from __future__ import annotations

import dataclasses
import functools
import json as jsonlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import Headers
from werkzeug.http import parse_options_header

from grader.errors import CheckFailure, LoadFailed
from grader.sandbox import protocol
from grader.sandbox.process import REQUEST_TIMEOUT, Sandbox, WorkerProcess, WorkerSpec

_MISSING: Any = object()

#: The charsets a learner's body is decoded with, by label: the encodings browsers
#: decode (the WHATWG Encoding Standard's usual labels), each a codec whose time is
#: linear in the body. Python knows others that are not: ``punycode`` and ``idna`` are
#: quadratic, so a 4 MiB body labelled with one would keep the judge busy for minutes.
CHARSETS = {
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8"), "utf-8"),
    **dict.fromkeys(("utf-16", "utf-16le"), "utf-16-le"),
    "utf-16be": "utf-16-be",
    **dict.fromkeys(("us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"), "latin-1"),
    **{f"iso-8859-{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    **{f"windows-{n}": f"cp{n}" for n in range(1250, 1259)},
    **{f"cp{n}": f"cp{n}" for n in range(1250, 1259)},
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "windows-31j"), "shift_jis"),
    "euc-jp": "euc-jp",
    "iso-2022-jp": "iso-2022-jp",
    **dict.fromkeys(("gbk", "gb2312", "gb_2312"), "gbk"),
    "gb18030": "gb18030",
    "big5": "big5",
    "euc-kr": "euc-kr",
}


@dataclass(frozen=True)
class Rule:
    """One rule of the learner's ``app.url_map``."""

    rule: str
    endpoint: str
    methods: frozenset[str]
    arguments: frozenset[str]
    converters: Mapping[str, str]  # argument -> converter class name


class UrlMap:
    """The rules of the learner's URL map, iterable like ``app.url_map.iter_rules()``."""

    def __init__(self, rules: list[Rule]) -> None:
        self._rules = rules

    def iter_rules(self, endpoint: str | None = None) -> Iterator[Rule]:
        return (rule for rule in self._rules if endpoint is None or rule.endpoint == endpoint)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def find(self, rule: str) -> Rule | None:
        """The rule whose text is ``rule`` (for example ``"/user/<name>"``), if any."""
        return next((r for r in self._rules if r.rule == rule), None)


@dataclass(frozen=True)
class RequestInfo:
    """What the judge sent, kept to tell the learner."""

    method: str
    path: str
    query_string: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    follow_redirects: bool = False
    #: This client's earlier requests since the app first set a cookie (the last few):
    #: the cookies this request carries come from them, so reproducing it needs them.
    earlier: tuple[RequestInfo, ...] = ()
    earlier_cut: int = 0  # how many more earlier requests were not kept
    client: int = 0  # which test client sent it (each keeps its own cookies)

    @property
    def url(self) -> str:
        return self.path + (f"?{self.query_string}" if self.query_string else "")

    def __str__(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{key}: {value}" for key, value in self.headers]
        if self.body:
            lines.append(self.body)
        return "\n".join(lines)


@dataclass
class Response:
    """A response from the learner's app, shaped like Flask's test response."""

    status_code: int
    status: str
    headers: Headers
    data: bytes
    request: RequestInfo
    #: The learner's exception when the view raised: ``{"type", "message", "traceback"}``.
    error: dict[str, str] | None = None
    #: The responses this app gave before this one in the check (the last
    #: :data:`STORY_LIMIT`), oldest first, from all its clients; ``story_cut`` more were not kept.
    story: tuple[Response, ...] = ()
    story_cut: int = 0

    @property
    def charset(self) -> str:
        """The codec the body is read with: its ``Content-Type`` charset when a browser
        would decode it (:data:`CHARSETS`), else UTF-8, as a browser does for a label it
        does not know."""
        _, options = parse_options_header(self.headers.get("Content-Type", ""))
        return CHARSETS.get(options.get("charset", "").strip().lower(), "utf-8")

    @functools.cached_property
    def text(self) -> str:
        """The body as text (decoded once: checks read it many times)."""
        return self.data.decode(self.charset, "replace")

    def get_data(self, as_text: bool = False) -> bytes | str:
        return self.text if as_text else self.data

    @property
    def mimetype(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    @property
    def is_json(self) -> bool:
        mime = self.mimetype
        return mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json"))

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON, or None when it is not JSON (unless ``force``)."""
        if not (force or self.is_json):
            return None
        try:
            return jsonlib.loads(self.data)
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self) -> Any:
        return self.get_json()

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    @property
    def allow(self) -> set[str]:
        return {m.strip().upper() for m in self.headers.get("Allow", "").split(",") if m.strip()}


class Client:
    """A test client of the learner's app; each keeps its own cookies."""

    #: Earlier requests kept for reproducing a cookie-carrying request.
    KEPT_REQUESTS = 4

    def __init__(self, app: LearnerApp, client_id: int) -> None:
        self._app = app
        self._id = client_id
        self._since_cookie: list[RequestInfo] = []  # empty until a response sets a cookie
        self._cookie_requests = 0

    def open(
        self,
        path: str = "/",
        method: str = "GET",
        *,
        query_string: Mapping[str, Any] | str | None = None,
        headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
        data: bytes | str | Mapping[str, str] | None = None,
        json: Any = _MISSING,
        content_type: str | None = None,
        follow_redirects: bool = False,
        timeout: float | None = None,
    ) -> Response:
        header_list = [
            (str(k), str(v)) for k, v in (headers.items() if isinstance(headers, Mapping) else headers or [])
        ]
        body_text = ""
        raw: bytes | None = None
        form: dict[str, str] | None = None
        if json is not _MISSING:
            body_text = jsonlib.dumps(json)
        if isinstance(data, bytes):
            raw, body_text = data, data.decode("utf-8", "replace")
        elif isinstance(data, str):
            raw, body_text = data.encode("utf-8"), data  # as Werkzeug encodes a str body
        elif data is not None:
            form = {str(k): str(v) for k, v in data.items()}
            body_text = urlencode(form)
        message = protocol.Request(
            client=self._id,
            method=method.upper(),
            path=path,
            headers=tuple(header_list),
            follow_redirects=follow_redirects,
            query_string=None
            if query_string is None
            else query_string
            if isinstance(query_string, str)
            else dict(query_string),
            json=None if json is _MISSING else json,
            send_json=json is not _MISSING,
            data=raw,
            form=form,
            content_type=content_type or None,
        )
        if content_type:
            header_list = [*header_list, ("Content-Type", content_type)]
        elif json is not _MISSING:
            header_list = [*header_list, ("Content-Type", "application/json")]
        elif isinstance(data, Mapping):
            header_list = [*header_list, ("Content-Type", "application/x-www-form-urlencoded")]
        qs = query_string if isinstance(query_string, str) else urlencode(query_string or {})
        request = RequestInfo(
            method.upper(),
            path,
            qs,
            tuple(header_list),
            body_text,
            follow_redirects,
            earlier=tuple(self._since_cookie),
            earlier_cut=self._cookie_requests - len(self._since_cookie),
            client=self._id,
        )
        reply = self._app._exchange(message, timeout, what=f"answering {request.method} {request.url}")
        response = Response(
            status_code=reply.status_code,
            status=reply.status,
            headers=Headers(list(reply.headers)),
            data=reply.body,
            request=request,
            error=dataclasses.asdict(reply.error) if reply.error else None,
        )
        self._remember(request, response)
        return self._app._tell(response)

    def _remember(self, request: RequestInfo, response: Response) -> None:
        """Keep the requests that matter for cookies: from the first Set-Cookie on."""
        if self._cookie_requests or "Set-Cookie" in response.headers:
            alone = replace(request, earlier=(), earlier_cut=0)
            self._since_cookie = [*self._since_cookie, alone][-self.KEPT_REQUESTS :]
            self._cookie_requests += 1

    def get(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "GET", **kwargs)

    def post(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "POST", **kwargs)

    def put(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "PUT", **kwargs)

    def patch(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "DELETE", **kwargs)

    def head(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "HEAD", **kwargs)

    def options(self, path: str = "/", **kwargs: Any) -> Response:
        return self.open(path, "OPTIONS", **kwargs)


@dataclass
class LearnerApp:
    """The learner's Flask app, loaded in its own worker process.

    Attributes mirror the app's public state (``import_name``, ``url_map``,
    ``config``, ...) as it was when the module finished loading; call
    :meth:`refresh` to read it again after requests.
    """

    worker: WorkerProcess
    request_timeout: float = REQUEST_TIMEOUT
    _snapshot: dict[str, Any] = field(default_factory=dict)
    _next_client: int = 0
    _story: list[Response] = field(default_factory=list, repr=False)
    _story_told: int = field(default=0, repr=False)  # responses in this story, kept or not
    _story_of: object = field(default=None, repr=False)  # the Hypothesis example it belongs to (None outside one)

    @classmethod
    def load(cls, sandbox: Sandbox, spec: WorkerSpec, request_timeout: float = REQUEST_TIMEOUT) -> LearnerApp:
        """Start a worker for ``spec``; raises LoadFailed when the module does not load."""
        worker = sandbox.spawn(spec)
        hello = worker.hello
        if not isinstance(hello, protocol.AppLoaded):
            worker.kill()
            assert isinstance(hello, protocol.AppNotLoaded)
            raise LoadFailed(hello.kind, hello.message, hello.traceback)
        return cls(worker, request_timeout, dict(hello.snapshot))

    # -- the app's public state

    @property
    def import_name(self) -> str:
        return self._snapshot["import_name"]

    @property
    def name(self) -> str:
        return self._snapshot["name"]

    @property
    def module_name(self) -> str:
        """The ``__name__`` the learner's module had when it created the app."""
        return self._snapshot["module_name"]

    @property
    def debug(self) -> bool:
        return bool(self._snapshot["debug"])

    @property
    def secret_key_set(self) -> bool:
        return bool(self._snapshot["secret_key_set"])

    @property
    def config(self) -> dict[str, Any]:
        return self._snapshot["config"]

    @property
    def url_map(self) -> UrlMap:
        return UrlMap(
            [
                Rule(
                    rule=r["rule"],
                    endpoint=r["endpoint"],
                    methods=frozenset(r["methods"]),
                    arguments=frozenset(r["arguments"]),
                    converters=dict(r["converters"]),
                )
                for r in self._snapshot["rules"]
            ]
        )

    @property
    def converters(self) -> list[str]:
        """Names usable in rules, such as ``int`` or a custom ``list``."""
        return list(self._snapshot["converters"])

    @property
    def hooks(self) -> dict[str, list[str]]:
        """Names of the app's request hook functions, by kind."""
        return self._snapshot["hooks"]

    @property
    def error_handlers(self) -> list[dict[str, Any]]:
        """``{"code", "exception", "function"}`` for each registered error handler."""
        return self._snapshot["error_handlers"]

    @property
    def run_calls(self) -> list[dict[str, Any]]:
        """Each call of ``app.run`` (or ``run_simple``), recorded instead of serving."""
        return self._snapshot["run_calls"]

    def refresh(self) -> LearnerApp:
        self._snapshot = dict(self._exchange(protocol.DescribeApp(), None, what="describing the app").snapshot)
        return self

    # -- acting on the app

    def test_client(self) -> Client:
        client = Client(self, self._next_client)
        self._next_client += 1
        return client

    def url_for(self, endpoint: str, **values: Any) -> str:
        """``flask.url_for(endpoint, **values)`` inside the learner's app."""
        call = f"url_for({', '.join([repr(endpoint)] + [f'{k}={v!r}' for k, v in values.items()])})"
        reply = self._exchange(protocol.UrlFor(endpoint, values), None, what=call)
        if isinstance(reply, protocol.Raised):
            raise CheckFailure(
                f"{call} raised {reply.error.type}: {reply.error.message}", learner_traceback=reply.error.traceback
            )
        return str(reply.value)

    def call(
        self,
        function: str,
        *args: Any,
        path: str = "/",
        other_app_config: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call the learner's module-level ``function`` inside a request context for ``path``.

        With ``other_app_config``, the context is that of another, bare Flask app
        with this config instead of the learner's: code that reads ``current_app``
        sees that app, code that reads the module's ``app`` does not.
        """
        message = protocol.Call(
            function, args, kwargs, path, None if other_app_config is None else dict(other_app_config)
        )
        reply = self._exchange(message, None, what=f"calling {function}()")
        if isinstance(reply, protocol.Missing):
            raise CheckFailure(f"app.py has no function named `{function}`.")
        if isinstance(reply, protocol.Raised):
            raise CheckFailure(
                f"{function}() raised {reply.error.type}: {reply.error.message}",
                learner_traceback=reply.error.traceback,
            )
        return reply.value

    def assign(self, name: str, value: Any) -> None:
        """Set the learner's module-level variable ``name`` (a constant such as ``ITEMS``) to
        ``value``, to check that the app uses it rather than a copy of its first value."""
        reply = self._exchange(protocol.Assign(name, value), None, what=f"setting {name}")
        if isinstance(reply, protocol.Missing):
            raise CheckFailure(f"app.py has no module-level variable named `{name}`.")

    def output(self) -> str:
        """The end of what the learner's code printed so far."""
        return self.worker.output_tail()

    def close(self) -> None:
        self.worker.kill()

    def _exchange(self, message: Any, timeout: float | None, what: str) -> Any:
        return self.worker.exchange(message, timeout or self.request_timeout, what)

    # -- the story of its requests

    def story(self) -> tuple[list[Response], int]:
        """The responses of the story so far, oldest first, and how many earlier ones were not kept."""
        return list(self._story), self._story_told - len(self._story)

    def _tell(self, response: Response) -> Response:
        """``response`` with the story before it; it joins the story.

        A ``@given`` check reuses its app for every example: each example starts a story
        of its own, since what earlier examples sent is not the failing example's.
        """
        example = _current_example()
        if example is not self._story_of:
            self._story_of, self._story, self._story_told = example, [], 0
        told = replace(response, story=tuple(self._story), story_cut=self._story_told - len(self._story))
        self._story = [*self._story, replace(response, story=())][-STORY_LIMIT:]
        self._story_told += 1
        return told


#: Earlier responses a response keeps in its story: enough for a state machine's run.
STORY_LIMIT = 30


def _current_example() -> object:
    """The Hypothesis example being run (its build context), or None outside any."""
    from hypothesis.control import current_build_context
    from hypothesis.errors import InvalidArgument

    try:
        return current_build_context()
    except InvalidArgument:
        return None
