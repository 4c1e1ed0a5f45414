"""The messages between the judge, the zygote and a worker, and their wire format.

Every message is one JSON object, sent as a 4-byte big-endian length followed by
that many bytes of UTF-8 JSON. JSON (never pickle) because the judge must not run
anything a hostile worker sends; the length prefix lets the judge refuse an
oversized message before reading it.

Bytes (request and response bodies) travel as ``{"b64": "..."}``.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from grader.sandbox.policy import Limits

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


def encode_bytes(data: bytes) -> dict[str, str]:
    return {"b64": base64.b64encode(data).decode("ascii")}


def decode_bytes(value: Any) -> bytes:
    if isinstance(value, dict) and isinstance(value.get("b64"), str):
        return base64.b64decode(value["b64"], validate=True)
    raise ProtocolError(f"expected encoded bytes, got {type(value).__name__}")


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    payload = json.dumps(message, separators=(",", ":"), default=repr).encode("utf-8")
    sock.sendall(HEADER.pack(len(payload)) + payload)


def recv(sock: socket.socket, limit: int = MAX_MESSAGE, deadline: float | None = None) -> dict[str, Any]:
    """Read one message; raises ConnectionClosed, MessageTooLarge or ProtocolError, and
    TimeoutError when the whole message has not arrived by ``deadline`` (monotonic)."""
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline))
    if size > limit:
        raise MessageTooLarge(size, limit)
    try:
        message = json.loads(_read_exactly(sock, size, deadline))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # ValueError: also a 5000-digit integer
        raise ProtocolError(f"malformed message: {exc!r}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    return message


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


@dataclass
class Config:
    """What the zygote needs to isolate workers: built by the judge, sent as JSON."""

    scratch: str  # the judge's scratch folder; each worker's folder is named under it
    grader_dir: str  # the grader package: read-only in workers, so they can import it
    limits: Limits = field(default_factory=Limits)
    disable: list[str] = field(default_factory=list)
    cgroups: dict[str, str] = field(default_factory=dict)  # layer -> cgroup folder
    cgroup_problems: dict[str, str] = field(default_factory=dict)  # layer -> why there is none

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Config:
        data = json.loads(text)
        return cls(**{**data, "limits": Limits(**data["limits"])})
