"""Spare workers: the next check's app, loaded while the current check runs, is a fresh
import in every way a check can tell (state, files, output, processes, uid), and a
module that starts threads or processes at import gets no spare."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from grader.course import Course
from grader.judge import Judge
from grader.sandbox.process import Sandbox, TimeLimits, WorkerProcess, WorkerSpec
from grader.sandbox.protocol import AppLoaded, Request
from tests.helpers import statuses, write_submission

STATEFUL = """
    import os, tempfile
    from flask import Flask

    app = Flask(__name__)
    notes = []  # module state a view changes
    print("imported", os.getpid())

    @app.post("/note")
    def add():
        notes.append("n")
        for folder in (".", tempfile.gettempdir()):  # the worker's folder, its temporary files
            with open(os.path.join(folder, "left.txt"), "a") as left:
                left.write("x")
        return str(len(notes))

    @app.get("/")
    def show():
        return {"notes": notes, "left": os.path.exists("left.txt"),
                "tmp": os.path.exists(os.path.join(tempfile.gettempdir(), "left.txt"))}
"""

THREADED = """
    import threading, time
    from flask import Flask

    app = Flask(__name__)
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()

    @app.get("/")
    def index():
        return "ok"
"""

FORKING = """
    import os, time
    from flask import Flask

    app = Flask(__name__)
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)

    @app.get("/")
    def index():
        return "ok"
"""


def module(tmp_path: Path, source: str) -> WorkerSpec:
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(source))
    return WorkerSpec(((path, "app.py"),))


def get(worker: WorkerProcess, path: str = "/", method: str = "GET") -> str:
    return worker.exchange(Request(path=path, method=method), 2, "a request").body.decode()


def spawn_checks(sandbox: Sandbox, spec: WorkerSpec, count: int) -> list[WorkerProcess]:
    """One worker per check, each killed when its check ends, as the plugin does."""
    workers = []
    for _ in range(count):
        sandbox.begin_check(TimeLimits())
        worker = sandbox.spawn(spec)
        assert isinstance(worker.hello, AppLoaded), worker.hello
        workers.append(worker)
        yield worker
        worker.kill()


def test_a_spare_worker_carries_nothing_from_the_check_before(tmp_path):
    spec = module(tmp_path, STATEFUL)
    seen = []
    with Sandbox() as sandbox:
        for worker in spawn_checks(sandbox, spec, 3):
            seen.append(json.loads(get(worker)))
            assert get(worker, "/note", "POST") == "1"
            assert get(worker, "/note", "POST") == "2"
            output = worker.output_tail()
            assert output.count("imported") == 1, output
        assert sandbox.spares_used == 2  # the second and third checks got spares
    assert seen == [{"notes": [], "left": False, "tmp": False}] * 3


def test_each_worker_has_its_own_process_and_uid(tmp_path):
    spec = module(tmp_path, STATEFUL)
    with Sandbox() as sandbox:
        workers = list(spawn_checks(sandbox, spec, 3))
        assert sandbox.spares_used == 2
    assert len({worker.pid for worker in workers}) == len({worker.uid for worker in workers}) == 3


@pytest.mark.parametrize("source", [THREADED, FORKING], ids=["thread", "process"])
def test_a_module_that_starts_threads_or_processes_at_import_is_loaded_fresh(tmp_path, source):
    spec = module(tmp_path, source)
    with Sandbox() as sandbox:
        for worker in spawn_checks(sandbox, spec, 3):
            assert get(worker) == "ok"
        assert sandbox.spares_used == 0


def test_without_spares_every_worker_is_forked_for_its_check(tmp_path):
    spec = module(tmp_path, STATEFUL)
    with Sandbox(spares=False) as sandbox:
        for worker in spawn_checks(sandbox, spec, 3):
            assert json.loads(get(worker))["notes"] == []
        assert sandbox.spares_used == 0


def test_a_spare_is_made_only_for_the_files_it_was_asked_with(tmp_path):
    first = module(tmp_path, STATEFUL)
    other = tmp_path / "other"
    other.mkdir()
    second = module(other, THREADED.replace('"ok"', '"other"'))
    with Sandbox() as sandbox:
        sandbox.begin_check(TimeLimits())
        sandbox.spawn(first).kill()
        sandbox.begin_check(TimeLimits())
        worker = sandbox.spawn(second)  # the spare of `first` is killed, never used
        assert get(worker) == "other"
        assert sandbox.spares_used == 0


def test_the_warm_judge_grades_a_saved_file_not_a_spare_of_the_old_one(tmp_path):
    course = Course(Path(__file__).resolve().parent.parent)
    wrong = 'from flask import Flask\napp = Flask(__name__)\n@app.route("/")\ndef index():\n    return "no"\n'
    root = write_submission(tmp_path, {"02_first_route/app.py": wrong})
    with Judge(course) as judge:
        before = judge.grade(root, ["02_first_route"]).result.exercises[0]
        solution = course.root / "solutions" / "02_first_route" / "app.py"
        (root / "02_first_route" / "app.py").write_text(solution.read_text())
        after = judge.grade(root, ["02_first_route"]).result.exercises[0]
    assert statuses(before)["index"] == "failed"
    assert after.passed, statuses(after)
