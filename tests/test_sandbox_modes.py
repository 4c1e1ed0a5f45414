"""The sandbox in every mode this machine can produce, each checked by its guarantees
(``flask-grader doctor``) and by the whole hostile corpus graded in it:

* ``plain-user``: an ordinary user made for the test (user, PID, mount and network
  namespaces, seccomp, a subreaper);
* ``docker``: root without CAP_SYS_ADMIN, NET_ADMIN and SYS_PTRACE (``setpriv``) under a
  filter refusing unshare, setns, mount and clone's namespace flags, as Docker's default
  profile does (a uid per worker, Landlock, seccomp);
* ``plain-user-no-userns``: the plain user under that same filter (Landlock, seccomp,
  the subreaper);
* ``no-linux``: no Linux feature at all, as on macOS (time limits, rlimits,
  process-group kill): a learner's own grading still gets grades.

Root with every layer is ``tests/test_corpus.py`` itself.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.grading import grade
from grader.results import SubmissionResult
from grader.sandbox import landlock
from grader.sandbox.policy import GUARANTEE_NAMES, Policy
from tests.helpers import ROOT, lint_workflow, live_tasks_named, solution, write_submission
from tests.test_corpus import CORPUS, ENTRIES, Run, check_verdict, grade_hostile, open_listener

USER = "fgsandbox"
DROPPED = "-sys_admin,-net_admin,-sys_ptrace"
# Installs the container-like filter (as root: CAP_SYS_ADMIN allows it without
# no_new_privs, as Docker does), then runs the rest of the command line under it.
CONTAINER_FILTER = (
    "import os, sys; from grader.sandbox.seccomp import Filter; "
    "Filter(deny=('unshare', 'setns', 'mount'), sockets=False).install(); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="making a user and dropping capabilities takes root"),
    pytest.mark.xdist_group("sandbox-modes"),
]


@pytest.fixture(scope="module")
def interpreter() -> Iterator[str]:
    """A virtual environment on the system's Python 3.11 that every user can run, seeing
    this tree's packages (the usual interpreter here lives under /root, mode 0700)."""
    system = "/usr/bin/python3"  # not PATH's: a virtual environment here points into /root
    base = Path(tempfile.mkdtemp(prefix="fg-modes-venv-", dir="/tmp"))
    base.chmod(0o755)
    subprocess.run([system, "-m", "venv", "--without-pip", str(base / "venv")], check=True)
    purelib = Path(subprocess.check_output([str(base / "venv/bin/python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True).strip())  # fmt: skip
    (purelib / "flask-grader-tests.pth").write_text(f"{sysconfig.get_path('purelib')}\n{ROOT}\n")
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)  # whatever the umask
    yield str(base / "venv" / "bin" / "python")
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def user() -> str:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
    return USER


def prefix(mode: str, interpreter: str, user: str) -> list[str]:
    """The command line that runs the grader in ``mode``."""
    as_user = ["runuser", "-u", user, "--", interpreter]
    if mode == "plain-user":
        return as_user
    if mode == "docker":
        setpriv = ["setpriv", "--bounding-set", DROPPED, "--inh-caps", DROPPED, "--", interpreter]
        return [interpreter, "-c", CONTAINER_FILTER, *setpriv]
    assert mode == "plain-user-no-userns"
    return [interpreter, "-c", CONTAINER_FILTER, *as_user]


LINUX_MODES = ("plain-user", "docker", "plain-user-no-userns")
KEPT_BY = {  # the layers that must keep the guarantees in each mode, as doctor names them
    "plain-user": {
        "no-network": "network-namespace",
        "no-files-outside": "mount-namespace",
        "no-reach": "pid-namespace",
    },
    "docker": {"no-network": "seccomp", "no-files-outside": "landlock", "no-process-left": "uid"},
    "plain-user-no-userns": {"no-files-outside": "landlock", "no-process-left": "subreaper", "no-reach": "landlock"},
}


@pytest.mark.skipif(landlock.abi() < 6, reason="the modes without namespaces need Landlock ABI 6 here")
@pytest.mark.parametrize("mode", LINUX_MODES)
def test_doctor_shows_every_guarantee_met_in_each_mode(mode, interpreter, user):
    done = subprocess.run(
        [*prefix(mode, interpreter, user), "-m", "grader", "--course", str(ROOT), "doctor"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = {line.split()[1]: line for line in done.stdout.splitlines() if line.startswith("  met ")}
    assert sorted(lines) == sorted(GUARANTEE_NAMES), done.stdout
    for guarantee, layer in KEPT_BY[mode].items():
        assert layer in lines[guarantee], (guarantee, done.stdout)


@pytest.fixture
def mode_run(user: str) -> Iterator[Run]:
    """A run whose folders the plain user can reach: the judge's own, and the submission."""
    base = Path(tempfile.mkdtemp(prefix="fg-modes-", dir="/tmp"))
    base.chmod(0o755)
    hostile = Run("fg" + os.urandom(6).hex(), base)
    hostile.judge_tmp.mkdir()
    hostile.outside.write_text("original")
    hostile.secret.parent.mkdir(parents=True)
    hostile.secret.write_text(f"SECRET-{hostile.marker}: the hidden checks")
    yield hostile
    shutil.rmtree(base, ignore_errors=True)


def grade_in(mode: str, interpreter: str, user: str, run: Run):
    """``grade`` as the command line does it, run in ``mode``; the parsed result."""
    owner = pwd.getpwnam(user).pw_uid if "plain-user" in mode else 0

    def grade_with(course, submission, exercise_ids):
        os.chown(run.judge_tmp, owner, owner)  # the submission stays as the entry laid it out
        command = [*prefix(mode, interpreter, user), "-m", "grader", "--course", str(ROOT), "check"]
        command += [*exercise_ids, "--root", str(submission), "--format", "json"]
        env = {"PATH": os.environ["PATH"], "TMPDIR": str(run.judge_tmp), "LANG": "C.UTF-8"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd="/", timeout=600)
        assert done.returncode in (0, 1), done.stderr
        return SubmissionResult.from_dict(json.loads(done.stdout))

    return grade_with


@pytest.fixture
def listener():
    yield from open_listener()


#: Entries that lay the submission out (links, hard links, owners, modes: see test_corpus.arrange) test
#: how the judge reads a submission, which no sandbox mode changes; `check --root` refuses
#: such a folder before grading, so they run as root in test_corpus.py only.
IN_MODES = sorted(
    name
    for name in ENTRIES
    if not any(
        f"# {key}: " in (CORPUS / f"{name}.py").read_text(errors="replace")
        for key in ("link", "hardlink", "owner", "mode")
    )
)


@pytest.mark.skipif(landlock.abi() < 6, reason="the modes without namespaces need Landlock ABI 6 here")
@pytest.mark.parametrize("name", IN_MODES)
@pytest.mark.parametrize("mode", LINUX_MODES)
def test_the_corpus_gets_its_verdicts_in_each_mode(mode, name, course, mode_run, listener, interpreter, user):
    source = (CORPUS / f"{name}.py").read_bytes()
    grade_with = grade_in(mode, interpreter, user, mode_run)
    check_verdict(grade_hostile(course, mode_run, listener, source, grade_with=grade_with), ENTRIES[name])


# -- no Linux features at all


@pytest.mark.parametrize("name", ["loop_in_view", "memory_bomb", "print_100mb", "os_exit_in_view", "deep_recursion"])
def test_without_linux_features_a_learner_still_gets_grades(name, course, tmp_path):
    """As on macOS: the corpus entries that need no sandbox to be graded right (the
    others read or write the machine, which only the missing guarantees stop; and a
    fork loop, which RLIMIT_NPROC bounds for a learner but not for root, as here)."""
    root = write_submission(tmp_path / "s", {"01_app_instance/app.py": solution("01_app_instance")})
    run = Run("fg" + os.urandom(6).hex(), tmp_path)
    (root / "02_first_route").mkdir()
    (root / "02_first_route" / "app.py").write_bytes(run.fill((CORPUS / f"{name}.py").read_bytes(), 9))
    result = grade(course, root, ["01", "02"], policy=Policy(linux=False))
    honest, hostile = result.exercises
    assert honest.passed
    check_verdict(hostile, ENTRIES[name])
    assert live_tasks_named(run.marker) == []


def test_without_linux_features_doctor_names_what_is_missing():
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--course", str(ROOT), "doctor", "--no-linux"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "met      bounded-resources     by rlimits" in done.stdout
    assert "MISSING  small-kernel-surface" in done.stdout and "To enable: seccomp" in done.stdout


# -- the GitHub Actions example


def test_the_workflow_example_is_valid_and_grades_without_privileges():
    workflow = ROOT / "docs" / "examples" / "grade-class.yml"
    assert lint_workflow(workflow) == ""
    text = workflow.read_text()
    commands = [line for line in text.splitlines() if "flask-grader " in line and not line.lstrip().startswith("#")]
    assert commands and not any("--allow-weak-sandbox" in line or "sudo" in line for line in commands)
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in text and "flask-grader doctor" in text
