"""A pytest plugin that ``flask-grader validate`` loads into a judge (``-p grader.authoring.probe``
in ``PYTEST_ADDOPTS``): it runs the checks in reverse order when asked, and writes each
check's time to a JSON file. Grading never loads it.

Environment: ``FLASK_GRADER_PROBE_ORDER=reverse``; ``FLASK_GRADER_PROBE_TIMES=PATH``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.exercise import CHECK_PREFIX

ORDER = "FLASK_GRADER_PROBE_ORDER"
TIMES = "FLASK_GRADER_PROBE_TIMES"

_times: dict[str, float] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get(ORDER) == "reverse":
        items.reverse()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Time the whole check, fixtures (its app's start) included."""
    started = time.monotonic()
    try:
        return (yield)
    finally:
        if isinstance(item, pytest.Function):
            key = f"{Path(item.path).parent.name}/{item.originalname[len(CHECK_PREFIX) :]}"
            _times[key] = _times.get(key, 0.0) + time.monotonic() - started


def pytest_sessionfinish() -> None:
    path = os.environ.get(TIMES)
    if path:
        Path(path).write_text(json.dumps(_times, indent=2, sort_keys=True), encoding="utf-8")
