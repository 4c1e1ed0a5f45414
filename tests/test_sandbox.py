"""The sandbox around workers: its layers, limits, time limits, and refusing to run without it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from grader.course import Course
from grader.errors import WorkerCrashed
from grader.grading import grade
from grader.sandbox import landlock
from grader.sandbox.policy import GUARANTEE_NAMES, LAYERS, Limits, Policy
from grader.sandbox.process import Sandbox, WorkerSpec
from grader.sandbox.protocol import AppLoaded
from tests.helpers import ROOT, live_tasks_named, solution, statuses, write_submission

# Right only when every limit holds inside the worker: each check then reports the limit
# that failed instead of passing, so the statuses show exactly what holds.
LIMITS_APP = """
import os, resource, sys
from flask import Flask
app = Flask(__name__)

def problems():
    found = []
    try:
        with open("big.bin", "wb") as big:
            for _ in range(20):
                big.write(b"x" * 2**20)
                big.flush()
        found.append("wrote a 20 MiB file")
    except OSError as exc:
        if exc.errno != 27:  # EFBIG
            found.append(repr(exc))
    opened = []
    try:
        for _ in range(300):
            opened.append(open(os.devnull))
        found.append("opened 300 files")
    except OSError:
        pass
    for file in opened:
        file.close()
    try:
        bytearray(2**30)
        found.append("allocated 1 GiB")
    except MemoryError:
        pass
    if sys.stdin.read() != "":
        found.append("stdin is not empty")
    if set(os.environ) != {"LANG", "HOME", "PATH", "TMPDIR", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE"}:
        found.append(f"environment: {sorted(os.environ)}")
    if os.environ["HOME"] != os.getcwd():
        found.append("HOME is not the working directory")
    if os.getuid() == 0 or resource.getrlimit(resource.RLIMIT_CPU)[0] > 60:
        found.append("root, or no CPU limit")
    return found

@app.route("/")
def index():
    return problems() or "<p>Hello World</p>"

@app.route("/about")
def about():
    return "<p>About this app</p>"
"""


def test_resource_limits_hold_inside_a_worker(grade_files):
    exercise = grade_files({"02_first_route/app.py": LIMITS_APP}).exercises[0]
    index = next(check for check in exercise.checks if check.name == "index")
    assert index.status == "passed", index.message


def test_printing_more_than_the_output_limit_is_cut_with_a_note(grade_files):
    source = """
        import os
        from flask import Flask
        app = Flask(__name__)

        @app.route("/")
        def index():
            for _ in range(3):
                print("y" * 2**20)
            os._exit(1)
    """
    exercise = grade_files({"02_first_route/app.py": source}).exercises[0]
    index = next(check for check in exercise.checks if check.name == "index")
    assert index.status == "error"
    assert "ended unexpectedly while answering GET /" in index.message
    assert "more output was cut" in index.message


def test_doctor_shows_every_guarantee_met_here_and_names_every_layer():
    done = subprocess.run([sys.executable, "-m", "grader", "doctor"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in GUARANTEE_NAMES:
        assert any(line.startswith(f"  met      {name} ") for line in lines), (name, done.stdout)
    for name in LAYERS:
        assert any(f" {name} " in line for line in lines), (name, done.stdout)
    assert "Every guarantee holds" in done.stdout


def test_grading_with_every_layer_off_still_grades(course):
    result = grade(course, course.solutions_dir, ["01", "02"], policy=Policy(disable=frozenset(LAYERS)))
    assert all(exercise.passed for exercise in result.exercises)


def test_batch_grading_refuses_without_a_guarantee_and_says_what_would_enable_it(course):
    policy = Policy(disable=frozenset({"mount-namespace", "landlock"}), require=True)
    exercise = grade(course, course.solutions_dir, ["02"], policy=policy).exercises[0]
    assert exercise.score == 0
    for check in exercise.checks:
        assert check.status == "error"
        assert "Not graded: this machine cannot keep every sandbox guarantee" in check.message
        assert "no-files-outside (mount-namespace: disabled for this run; landlock: disabled" in check.message
        assert "To enable: a mount namespace" in check.message


def test_check_root_refuses_without_a_guarantee_and_runs_no_learner_code(course, tmp_path, monkeypatch):
    # `check --root` leaves the finding out to the judge's own sandbox (no probe first):
    # a guarantee missing there still ends in the refusal, and no learner code runs.
    from click.testing import CliRunner

    import grader.grading
    from grader.cli import main

    ran = tmp_path / "imported"
    root = write_submission(
        tmp_path / "s", {"02_first_route/app.py": f"open({str(ran)!r}, 'w')\n" + solution("02_first_route")}
    )
    real_grade = grader.grading.grade

    def grade_without_mounts(*args, policy, **kwargs):  # as on a machine with neither layer
        return real_grade(*args, policy=replace(policy, disable=frozenset({"mount-namespace", "landlock"})), **kwargs)

    monkeypatch.setattr(grader.grading, "grade", grade_without_mounts)
    done = CliRunner().invoke(main, ["--course", str(ROOT), "check", "02", "--root", str(root), "--no-cache"])
    assert done.exit_code == 1
    assert "Refusing to grade submissions" in done.output and "no-files-outside: " in done.output, done.output
    assert not ran.exists()


def test_without_cap_sys_admin_other_layers_keep_every_guarantee():
    # As in a container without CAP_SYS_ADMIN: no namespace can be made, yet seccomp,
    # Landlock and the subreaper keep each guarantee, so batch grading is not refused.
    no_admin = ["setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin", sys.executable, "-m", "grader"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*no_admin, *args], cwd=ROOT, capture_output=True, text=True)

    doctor = run("doctor")
    assert "unshare: Operation not permitted" in doctor.stdout
    if landlock.abi() < 6:
        assert doctor.returncode == 1 and "MISSING  no-files-outside" in doctor.stdout
        return
    assert doctor.returncode == 0, doctor.stdout
    assert "met      no-files-outside      by landlock" in doctor.stdout
    graded = run("check", "--root", str(ROOT / "solutions"), "01")
    assert graded.returncode == 0 and "Total: 4/4" in graded.stdout, graded.stderr


def test_without_a_pid_namespace_the_workers_uid_still_takes_escapees_down(course, tmp_path):
    marker = "fg" + os.urandom(6).hex()
    source = f"""
        import ctypes, os, time
        from flask import Flask
        ctypes.CDLL(None).prctl(15, b"{marker}", 0, 0, 0)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(60)
            os._exit(0)
        app = Flask(__name__)
    """
    root = write_submission(tmp_path / "s", {"01_app_instance/app.py": source})
    result = grade(course, root, ["01"], policy=Policy(disable=frozenset({"pid-namespace"})))
    assert result.exercises[0].passed
    assert live_tasks_named(marker) == []


def test_a_sandbox_removes_its_files_and_cgroups_when_closed():
    with Sandbox() as sandbox:
        worker = sandbox.spawn(WorkerSpec(((ROOT / "solutions" / "01_app_instance" / "app.py", "app.py"),)))
        assert isinstance(worker.hello, AppLoaded)
        scratch = sandbox._scratch
        cgroups = dict(sandbox._cgroups)
        assert cgroups, "this machine has cgroups"
    assert not scratch.exists()
    assert not any(Path(folder).exists() for folder in cgroups.values())
    assert worker.gone(0)


TIMED_CHECKS = '''
"""Checks with their own time limits."""

import pytest

from grader import expect


@pytest.mark.time_limits(request=0.5)
def test_index(client):
    """GET / answers within half a second."""
    expect(client.get("/")).status(200)


@pytest.mark.time_limits(check=1.5)
def test_about(client):
    """GET /about answers five times within 1.5 s in all."""
    for _ in range(5):
        expect(client.get("/about")).status(200)


def test_fast(client):
    """GET /fast answers."""
    expect(client.get("/fast")).status(200)
'''


def test_a_check_can_change_its_time_limits(tmp_path):
    folder = tmp_path / "course" / "exercises" / "02_timed"
    folder.mkdir(parents=True)
    (folder / "checks.py").write_text(TIMED_CHECKS)
    (folder / "exercise.yaml").write_text("title: Timed\nconcept: time\norder: 2\nhints: [be quick]\n")
    # Limits count CPU time (a sleeping app is not timed out before the backstop): these spin.
    slow = """
        import time
        from flask import Flask
        app = Flask(__name__)

        def spin(seconds):
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass

        @app.route("/")
        def index():
            spin(1)
            return "slow"

        @app.route("/about")
        def about():
            spin(0.45)
            return "a bit slow"

        @app.route("/fast")
        def fast():
            return "fast"
    """
    root = write_submission(tmp_path / "s", {"02_timed/app.py": textwrap.dedent(slow)})
    exercise = grade(Course(tmp_path / "course"), root).exercises[0]
    by_name = {check.name: check for check in exercise.checks}
    assert statuses(exercise) == {"index": "timeout", "about": "timeout", "fast": "passed"}
    assert by_name["index"].message.startswith("Timed out after 0.5 s while answering GET /:")
    assert "this check may take 1.5 s in all" in by_name["about"].message
    assert "answering GET /about" in by_name["about"].message


def test_a_worker_past_the_submissions_memory_is_killed_and_told_why(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("from flask import Flask\napp = Flask(__name__)\nhoard = b'x' * (200 * 2**20)\n")
    with Sandbox(limits=Limits(submission_memory=120 * 2**20)) as sandbox:
        assert sandbox.layers["memory-cgroup"].active
        with pytest.raises(WorkerCrashed) as crash:
            sandbox.spawn(WorkerSpec(((app, "app.py"),)))
    assert "ended unexpectedly while importing the module" in str(crash.value)
    assert "ran out of memory: a submission's apps may use 120 MiB together" in str(crash.value)


def test_files_past_the_copy_limit_are_refused_with_a_clear_message(grade_files):
    huge = "from flask import Flask\napp = Flask(__name__)\n" + "# padding\n" * (4 * 2**20)
    exercise = grade_files({"01_app_instance/app.py": huge}).exercises[0]
    assert exercise.status == "error" and exercise.score == 0
    assert "larger than the 32 MiB the grader copies for it (it stopped at app.py)" in exercise.message


def test_set_order_in_learner_code_is_the_same_on_every_run(grade_files):
    source = """
        from flask import Flask
        app = Flask(__name__)

        @app.route("/")
        def index():
            return ",".join({"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"})
    """
    first, second = (grade_files({"02_first_route/app.py": source}).exercises[0] for _ in range(2))
    index = [next(check for check in exercise.checks if check.name == "index") for exercise in (first, second)]
    assert index[0].status == "failed" and "alpha" in index[0].message
    assert index[0].message == index[1].message


def test_the_zygote_imports_nothing_of_the_judge():
    """The folder's rule (grader/sandbox/README.md): beside learner code, no judge modules."""
    code = "import sys, grader.sandbox.zygote; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    judge_side = {"grader.errors", "grader.sandbox.process", "grader.plugin", "pytest", "hypothesis"}
    assert judge_side.isdisjoint(loaded)
