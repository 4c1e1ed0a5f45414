"""Time limits count the worker's CPU time: a worker the machine does not schedule is
not timed out, a worker that computes forever is; a check that timed out is run once
more on its own, and only a second timeout counts (issue 19)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from grader.client import LearnerApp
from grader.course import Course
from grader.errors import WorkerTimeout
from grader.grading import grade
from grader.judge import TIMED_OUT_TWICE
from grader.sandbox.process import Sandbox, WorkerSpec
from tests.helpers import write_submission

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


ONCE = '''
from pathlib import Path

FLAG = Path(__file__).with_name("ran-once")


def test_busy_once(client):
    """Times out the first time only, as a check caught by a busy moment would."""
    if not FLAG.exists():
        FLAG.write_text("1")
        client.get("/spin")
    assert client.get("/").status_code == 200
'''


def test_a_check_that_timed_out_once_is_run_again_and_its_second_outcome_counts(tmp_path, course):
    hidden = tmp_path / "hidden" / "02_first_route"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text(ONCE, encoding="utf-8")
    root = write_submission(tmp_path / "submission", {"02_first_route/app.py": APP})

    (exercise,) = grade(Course(course.root, hidden.parent), root, ["02"], timeout=120).exercises

    busy = next(check for check in exercise.checks if check.name == "busy_once")
    assert busy.status == "passed", busy.message
    assert (hidden / "ran-once").exists()


def test_a_check_that_times_out_twice_says_so(grade_files):
    source = (Path(__file__).parent / "corpus" / "loop_in_view.py").read_text(encoding="utf-8")
    (exercise,) = grade_files({"02_first_route/app.py": source}).exercises
    about = next(check for check in exercise.checks if check.name == "about")
    assert about.status == "timeout", about.message
    assert "Timed out after 2 s while answering GET /about" in about.message
    assert TIMED_OUT_TWICE in about.message
