"""Time limits count the worker's CPU time: a worker the machine does not schedule is
not timed out, a worker that computes forever is (issue 19)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from grader.client import LearnerApp
from grader.errors import WorkerTimeout
from grader.sandbox.process import Sandbox, WorkerSpec

APP = """
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/spin")
def spin():
    while True:
        pass
"""


@pytest.fixture
def learner_app(tmp_path: Path):
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    with Sandbox() as sandbox:
        yield LearnerApp.load(sandbox, WorkerSpec(((tmp_path / "app.py", "app.py"),)))


def test_a_worker_held_up_longer_than_the_request_limit_is_not_timed_out(learner_app):
    # As a saturated machine would, keep the worker off the CPU for 3 s, longer than
    # the 2 s a request may take.
    os.kill(learner_app.worker.pid, signal.SIGSTOP)
    threading.Timer(3.0, os.kill, (learner_app.worker.pid, signal.SIGCONT)).start()
    started = time.monotonic()
    assert learner_app.test_client().get("/").status_code == 200
    assert time.monotonic() - started >= 2.9


def test_a_worker_that_computes_forever_is_timed_out_after_its_cpu_limit(learner_app):
    with pytest.raises(WorkerTimeout, match="Timed out after 2 s while answering GET /spin"):
        learner_app.test_client().get("/spin")
