"""How text looks: colours and symbols on a terminal, plain words when piped.

Colour follows the conventions: only on a terminal, never when ``NO_COLOR`` is
set (https://no-color.org) or ``TERM`` is ``dumb``. Symbols (✓ ✗) need a terminal
that can show them; elsewhere statuses are words a script or a log can read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TextIO

import click

SYMBOLS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱"}
WORDS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}
COLOURS = {"passed": "green", "failed": "red", "error": "red", "timeout": "yellow"}


@dataclass(frozen=True)
class Style:
    color: bool = False
    symbols: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO) -> Style:
        """The style ``stream`` can show."""
        terminal = bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        return cls(
            color=terminal and not os.environ.get("NO_COLOR"),
            symbols=terminal and encoding.startswith("utf"),
        )

    def paint(self, text: str, **style: Any) -> str:
        """``text`` with ``click.style`` options (``fg="red"``, ``bold=True``) when colour is on."""
        return click.style(text, **style) if self.color and text else text

    def status(self, status: str) -> str:
        """A check status as a symbol (terminal) or a fixed-width word (plain)."""
        mark = SYMBOLS[status] if self.symbols else f"{WORDS[status]:7}"
        return self.paint(mark, fg=COLOURS[status], bold=True)

    def label(self, text: str) -> str:
        return self.paint(text, bold=True)

    def dim(self, text: str) -> str:
        return self.paint(text, dim=True)


PLAIN = Style()
