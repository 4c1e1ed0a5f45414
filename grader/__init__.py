"""flask-grader: learn Flask by doing.

The public API for people who write checks::

    from grader import expect, fail, CheckFailure

Checks are plain pytest functions using the fixtures ``app``, ``client``,
``main_app`` and ``spawn_app`` that the grader's plugin provides
(see :mod:`grader.plugin`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CheckFailure", "__version__", "expect", "fail"]

if TYPE_CHECKING:
    from grader.errors import CheckFailure
    from grader.expectations import expect, fail


def __getattr__(name: str) -> Any:
    # Imported on first use: the CLI and the zygote need none of it, and the
    # check API pulls in Werkzeug (~50 ms on every start-up otherwise).
    if name in ("expect", "fail"):
        from grader import expectations

        value = getattr(expectations, name)
    elif name == "CheckFailure":
        from grader.errors import CheckFailure as value
    else:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    globals()[name] = value
    return value
