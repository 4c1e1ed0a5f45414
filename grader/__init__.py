"""flask-grader: learn Flask by doing.

The public API for people who write checks::

    from grader import expect, fail, CheckFailure

Checks are plain pytest functions using the fixtures ``app``, ``client``,
``main_app`` and ``spawn_app`` that the grader's plugin provides
(see :mod:`grader.plugin`).
"""

__version__ = "0.1.0"

from grader.errors import CheckFailure  # noqa: E402
from grader.expectations import expect, fail  # noqa: E402

__all__ = ["CheckFailure", "__version__", "expect", "fail"]
