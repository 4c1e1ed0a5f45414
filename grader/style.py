"""How text looks: colours and symbols on a terminal, plain words when piped.

Colour follows the conventions: only on a terminal, never when ``NO_COLOR`` is
set (https://no-color.org) or ``TERM`` is ``dumb``. Symbols (✓ ✗) need a terminal
that can show them; elsewhere statuses are words a script or a log can read.
"""

from __future__ import annotations

import os
import re
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

#: What a terminal acts on instead of showing: C0 controls but newline and tab, DEL,
#: C1 controls (0x9b is a one-byte CSI on some terminals), and the bidirectional
#: overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """``text`` safe to print: every control character spelled as Python would
    (``\\x1b``), so text from learner code can neither colour, move the cursor,
    clear the screen nor overwrite a line. Line breaks stay; ``\\r\\n`` becomes ``\\n``."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(lambda found: repr(found[0])[1:-1], text)
