"""The messages between the judge, the zygote and a worker, and their wire format.

Each message is a frozen dataclass below, used by both ends: the sender builds one,
:func:`send` turns it into one JSON object (its fields plus ``"tag"``, the class's
name), and the receiver's :func:`recv` turns it back into the class it expects, or
raises :class:`ProtocolError`. Decoding happens only in :func:`decode`, which checks
every field against its type hint, so nothing a hostile worker sends reaches the
judge as anything but the values a message may hold.

On the wire a message is a 4-byte big-endian length followed by that many bytes of
UTF-8 JSON. JSON (never pickle) because the judge must not run anything a worker
sends; the length prefix lets the judge refuse an oversized message before reading
it. ``bytes`` fields (request and response bodies) travel as base64 text.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import json
import socket
import struct
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from grader.sandbox.policy import Layer, Limits

HEADER = struct.Struct(">I")

#: The largest response body a worker sends; larger ones are refused, not sent.
MAX_BODY = 4 * 1024 * 1024
#: The largest message the judge accepts from a worker (a response body of 4 MiB
#: grows by a third in base64, plus headers). The judge refuses a larger one from
#: its length alone, without reading it.
MAX_MESSAGE = 6 * 1024 * 1024


class ProtocolError(Exception):
    """The peer sent something that is not a valid message."""


class ConnectionClosed(ProtocolError):
    """The peer closed the connection (for a worker: it exited)."""


class MessageTooLarge(ProtocolError):
    """The peer announced a message larger than allowed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"message of {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit


# ---------------------------------------------------------------- judge -> zygote


@dataclass(frozen=True)
class ZygoteConfig:
    """What the zygote needs to isolate workers: built by the judge, passed on its command line."""

    scratch: str  # the judge's scratch folder; each worker's folder is named under it
    grader_dir: str  # the grader package: read-only in workers, so they can import it
    limits: Limits = field(default_factory=Limits)
    disable: tuple[str, ...] = ()
    cgroups: dict[str, str] = field(default_factory=dict)  # layer -> cgroup folder
    cgroup_problems: dict[str, str] = field(default_factory=dict)  # layer -> why there is none
    linux: bool = True  # False: use no Linux feature, as on macOS (tests that path)
    cgroup_kinds: dict[str, str] = field(default_factory=dict)  # layer -> by what: "cgroup v2, as root"


@dataclass(frozen=True)
class StartWorker:
    """Fork a worker for one app; sent with the worker's end of a socket pair."""

    workdir: str
    output: str  # the file its stdout and stderr go to
    files: tuple[tuple[str, str], ...]  # (source, name in workdir), copied in
    mode: str = "import"  # or "main": run the module as __main__
    module_name: str = "app"
    filename: str = "app.py"
    cgroup: str = ""  # a cgroup v2 leaf the worker joins first thing (the judge kills it as a whole)


@dataclass(frozen=True)
class ReapOrphans:
    """Kill what ended workers left behind (sent when only the subreaper can)."""


# ---------------------------------------------------------------- zygote -> judge


@dataclass(frozen=True)
class ZygoteReady:
    """The zygote's first message: which layers work here, as the probe found."""

    layers: dict[str, Layer]


@dataclass(frozen=True)
class WorkerStarted:
    pid: int  # as the judge sees it
    uid: int  # the worker's own (grader.sandbox.uids): the judge kills by it without a PID namespace


@dataclass(frozen=True)
class WorkerNotStarted:
    error: str


# ---------------------------------------------------------------- worker -> judge: the first message


@dataclass(frozen=True)
class AppLoaded:
    """The learner's module loaded and holds a Flask app; ``snapshot`` describes it."""

    snapshot: dict[str, Any]


@dataclass(frozen=True)
class AppNotLoaded:
    """No app to serve: the module failed (``kind`` says how), or the worker could not start."""

    kind: str  # syntax_error, import_error, exit, missing, no_app, not_flask, too_large, sandbox
    message: str
    traceback: str = ""


# ---------------------------------------------------------------- judge -> worker


@dataclass(frozen=True)
class Request:
    """Send a request through the Flask test client numbered ``client`` (its cookies)."""

    client: int = 0
    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    follow_redirects: bool = False
    query_string: str | dict[str, Any] | None = None
    json: Any = None  # sent as the JSON body when send_json is true (None is a JSON value too)
    send_json: bool = False
    data: bytes | None = None
    form: dict[str, str] | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class DescribeApp:
    """Describe the app again (its state may have changed since it loaded)."""


@dataclass(frozen=True)
class UrlFor:
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """Call a module-level function of the learner inside a request context for ``path``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    path: str = "/"
    other_app_config: dict[str, Any] | None = None  # use a bare app with this config instead


@dataclass(frozen=True)
class Assign:
    """Give a module-level variable of the learner a new value."""

    name: str
    value: Any


# ---------------------------------------------------------------- worker -> judge: replies


@dataclass(frozen=True)
class LearnerError:
    """An exception the learner's code raised, as the learner should see it."""

    type: str
    message: str
    traceback: str


@dataclass(frozen=True)
class Response:
    status: str
    status_code: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: LearnerError | None = None  # what the app raised while answering, if anything
    escaped: bool = False  # the exception left Flask (debug mode, SystemExit): a server answers 500


@dataclass(frozen=True)
class BodyTooLarge:
    """The body grew past ``limit`` bytes, so the worker sent none of it."""

    limit: int


@dataclass(frozen=True)
class AppState:
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class Value:
    value: Any


@dataclass(frozen=True)
class Raised:
    error: LearnerError


@dataclass(frozen=True)
class Missing:
    """The learner's module has no such name."""


@dataclass(frozen=True)
class Done:
    pass


#: The messages a worker accepts from the judge.
OPERATIONS = (Request, DescribeApp, UrlFor, Call, Assign)

# ---------------------------------------------------------------- encoding and decoding


def encode(message: Any) -> bytes:
    """A message as UTF-8 JSON; a value JSON cannot carry is sent as its repr."""
    data = {"tag": type(message).__name__, **_plain(message)}
    return json.dumps(data, separators=(",", ":"), default=repr).encode("utf-8")


def decode(payload: bytes, *expected: type) -> Any:
    """The message of one of the ``expected`` classes that ``payload`` holds, every
    field checked against its type; ProtocolError for anything else."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed message: {exc!r}") from None
    if not isinstance(data, dict):
        raise ProtocolError("a message must be a JSON object")
    tag = data.pop("tag", None)
    for cls in expected:
        if cls.__name__ == tag:
            return _builder(cls)(data, tag)
    names = ", ".join(cls.__name__ for cls in expected)
    raise ProtocolError(f"expected {names}, got {str(tag)[:40]!r}")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# Decoding walks each message against its class's type hints. The walk is worked out
# once per type (a function per hint, kept): the judge and every worker decode a
# message per request, thousands in a grading, and reading the hints each time was
# most of the protocol's own cost (a round trip: 0.40 ms before, 0.38 ms after).

Decoder = Callable[[Any, str], Any]


@functools.cache
def _builder(cls: type) -> Callable[[dict[str, Any], str], Any]:
    hints = typing.get_type_hints(cls)
    fields = [
        (f.name, _decoder(hints[f.name]), f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    ]
    known = frozenset(name for name, _, _ in fields)

    def build(data: dict[str, Any], where: str) -> Any:
        unknown = data.keys() - known
        if unknown:
            raise ProtocolError(f"{where}: unexpected field {sorted(unknown)[0][:40]!r}")
        values = {}
        for name, decode_field, required in fields:
            if name in data:
                values[name] = decode_field(data[name], f"{where}.{name}")
            elif required:
                raise ProtocolError(f"{where}: no field {name!r}")
        return cls(**values)

    return build


def _unexpected(value: Any, where: str) -> NoReturn:
    raise ProtocolError(f"{where}: unexpected {type(value).__name__}")


@functools.cache
def _decoder(hint: Any) -> Decoder:
    """A function giving a value as the type ``hint`` says (base64 text to bytes, lists
    to tuples), or raising ProtocolError."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda value, where: value
    if origin in (types.UnionType, typing.Union):
        options = [_decoder(option) for option in args]

        def union(value: Any, where: str) -> Any:
            for option in options:
                try:
                    return option(value, where)
                except ProtocolError:
                    pass
            _unexpected(value, where)

        return union
    if hint is type(None):
        return lambda value, where: None if value is None else _unexpected(value, where)
    if hint is bytes:

        def base64_bytes(value: Any, where: str) -> bytes:
            if not isinstance(value, str):
                _unexpected(value, where)
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ProtocolError(f"{where}: not base64") from None

        return base64_bytes
    if hint in (str, bool, int):
        return lambda value, where: value if type(value) is hint else _unexpected(value, where)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def any_length(value: Any, where: str) -> tuple[Any, ...]:
                if not isinstance(value, list):
                    _unexpected(value, where)
                inner = f"{where}[]"
                return tuple(item(part, inner) for part in value)

            return any_length
        items = [_decoder(arg) for arg in args]

        def fixed_length(value: Any, where: str) -> tuple[Any, ...]:
            if not isinstance(value, list) or len(value) != len(items):
                _unexpected(value, where)
            inner = f"{where}[]"
            return tuple(item(part, inner) for item, part in zip(items, value, strict=True))

        return fixed_length
    if origin is dict:
        key, item = _decoder(args[0]), _decoder(args[1])

        def mapping(value: Any, where: str) -> dict[Any, Any]:
            if not isinstance(value, dict):
                _unexpected(value, where)
            at_key, inner = f"{where} key", f"{where}[]"
            return {key(k, at_key): item(v, inner) for k, v in value.items()}

        return mapping
    if dataclasses.is_dataclass(hint):
        build = _builder(hint)  # type: ignore[arg-type]

        def nested(value: Any, where: str) -> Any:
            if not isinstance(value, dict):
                _unexpected(value, where)
            return build(dict(value), where)

        return nested
    raise TypeError(f"no decoder for {hint!r}")  # a grader bug, not the peer's


# ---------------------------------------------------------------- the wire


def send(sock: socket.socket, message: Any) -> None:
    payload = encode(message)
    sock.sendall(HEADER.pack(len(payload)) + payload)


def recv(sock: socket.socket, *expected: type, limit: int = MAX_MESSAGE, deadline: float | None = None) -> Any:
    """Read one message of an ``expected`` class; raises ConnectionClosed, MessageTooLarge
    or ProtocolError, and TimeoutError when the whole message has not arrived by
    ``deadline`` (monotonic)."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline))
    if size > limit:
        raise MessageTooLarge(size, limit)
    return decode(_read_exactly(sock, size, deadline), *expected)


def _read_exactly(sock: socket.socket, size: int, deadline: float | None = None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:  # a peer sending a byte at a time must not reset the clock
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the message did not arrive in time")
            sock.settimeout(left)
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise ConnectionClosed("connection closed")
        chunks += chunk
    return bytes(chunks)


#: The first message of a worker.
HELLO = (AppLoaded, AppNotLoaded)
#: The replies a worker may send to each operation (and BodyTooLarge to a request).
REPLIES: dict[type, tuple[type, ...]] = {
    Request: (Response, BodyTooLarge),
    DescribeApp: (AppState,),
    UrlFor: (Value, Raised),
    Call: (Value, Raised, Missing),
    Assign: (Done, Missing),
}
