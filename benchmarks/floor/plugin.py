"""The floor: the grader's own checks run by plain pytest in one process.

The reference solution is imported directly (no zygote, no worker process, no
sandbox): each check still gets a fresh app, and requests go through the same
Flask test-client code the worker uses, called in-process. This is the fastest
the same checks could possibly run, the baseline `flask-grader check` is
measured against.

Use: ``FLOOR_ROOT=solutions python -m pytest -p benchmarks.floor.plugin
-o python_files=checks.py exercises/02_first_route/checks.py``
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask
import pytest

from grader.client import LearnerApp
from grader.course import Course

# The grader's own app, client and main_app fixtures, built on the spawn_app below;
# importing the plugin also loads the grader's Hypothesis profile.
from grader.plugin import app, client, main_app  # noqa: F401
from grader.sandbox.app_server import AppServer, RunRecorder
from grader.sandbox.protocol import AppLoaded, StartWorker

_RECORDER = RunRecorder()
_RECORDER.install()  # as in the worker: app.run() is recorded, never serves


class InProcessWorker:
    """Answers the judge's messages by calling the worker's handlers in this process."""

    def __init__(self, workdir: Path, mode: str, module_name: str) -> None:
        spec = StartWorker(str(workdir), output="", files=(), mode=mode, module_name=module_name)
        self.worker = AppServer(spec, sock=None)  # type: ignore[arg-type]
        self.worker.recorder = _RECORDER
        _RECORDER.calls.clear()
        if str(workdir) not in sys.path:
            sys.path.insert(0, str(workdir))
        self.worker.app = self.worker._load()
        flask.got_request_exception.connect(self.worker._on_request_exception, self.worker.app, weak=False)
        self.hello = AppLoaded(self.worker.snapshot())
        self.dead = None

    def exchange(self, message: Any, timeout: float, what: str) -> Any:
        return self.worker.handle(message)

    def output_tail(self, limit: int = 2000) -> str:
        return ""

    def kill(self) -> None:
        flask.got_request_exception.disconnect(self.worker._on_request_exception, self.worker.app)


_WORKDIRS: dict[str, Path] = {}


def _workdir(check_file: Path) -> Path:
    """A copy of the solution's files (and the exercise's assets), made once per exercise."""
    exercise_dir = check_file.resolve().parent
    if exercise_dir.name not in _WORKDIRS:
        exercise = Course(exercise_dir.parent.parent).resolve(exercise_dir.name)
        assert exercise is not None
        source = Path(os.environ.get("FLOOR_ROOT", "solutions")).resolve() / exercise.id
        target = Path(tempfile.mkdtemp(prefix="floor-"))
        for name in exercise.files:
            (shutil.copytree if (source / name).is_dir() else shutil.copyfile)(source / name, target / name)
        for asset in exercise.assets:
            shutil.copytree(exercise.path / asset, target / asset)
        _WORKDIRS[exercise_dir.name] = target
    return _WORKDIRS[exercise_dir.name]


@pytest.fixture
def spawn_app(request: pytest.FixtureRequest) -> Iterator[Callable[..., LearnerApp]]:
    opened: list[LearnerApp] = []
    workdir = _workdir(request.path)

    def spawn(mode: str = "import", module_name: str = "app", replace: dict[str, str] | None = None) -> LearnerApp:
        folder = workdir
        if replace:  # as the grader's spawn_app: other contents for these files, in this app only
            folder = Path(tempfile.mkdtemp(prefix="floor-replaced-"))
            request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
            shutil.copytree(workdir, folder, dirs_exist_ok=True)
            for name, content in replace.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(content, encoding="utf-8")
        worker = InProcessWorker(folder, mode, module_name)
        learner_app = LearnerApp(worker, _snapshot=dict(worker.hello.snapshot))  # type: ignore[arg-type]
        opened.append(learner_app)
        return learner_app

    yield spawn
    for learner_app in opened:
        learner_app.close()
