"""How values are shown to learners in feedback: short, exact, visibly cut."""

from __future__ import annotations

import json
from typing import Any

#: Characters of a body shown before it is cut with a visible marker.
BODY_LIMIT = 400
#: Lines of a traceback or of printed output shown, and characters per line.
LINE_COUNT_LIMIT = 30
LINE_LIMIT = 300


def quote(text: str, limit: int = BODY_LIMIT) -> str:
    """``text`` as a Python string literal, so spaces and newlines show; cut past ``limit``."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r} [... {len(text) - limit} more characters cut]"


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def methods(names: set[str] | frozenset[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


def cut_lines(text: str, limit: int = LINE_COUNT_LIMIT) -> str:
    """``text`` with long lines and the middle of a long text cut, each cut marked.

    The end stays: a traceback ends with the exception, output with the latest line.
    """
    lines = [
        line if len(line) <= LINE_LIMIT else f"{line[:LINE_LIMIT]} [... {len(line) - LINE_LIMIT} more characters cut]"
        for line in text.rstrip("\n").splitlines()
    ]
    if len(lines) <= limit:
        return "\n".join(lines)
    head = limit // 4
    tail = limit - head
    return "\n".join([*lines[:head], f"[... {len(lines) - limit} more lines cut]", *lines[-tail:]])


def exchange(response: Any, limit: int = 60) -> str:
    """One request and its answer on one line: ``GET /visit (X-User: a) → 200 OK, body 'Visits: 1'``."""
    request = response.request
    headers = ", ".join(f"{key}: {value}" for key, value in request.headers)
    sent = f"{request.method} {request.url}" + (f" ({headers})" if headers else "")
    if request.body:
        sent += f" with body {quote(request.body, limit)}"
    answer = f"body {quote(response.text, limit)}" if response.data else "empty body"
    return f"{sent} → {response.status}, {answer}"
