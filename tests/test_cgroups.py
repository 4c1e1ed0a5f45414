"""cgroups for real: v2's cgroup.kill takes every process of a worker down, and the
cgroups of graders that died are cleaned up, in v1 and v2.

This machine is cgroup v1 for pids and memory (v2 has neither controller here), so
what v2 makes real is tested in a private mount namespace where cgroup2 is mounted
afresh in a temporary folder (the one hierarchy, with cgroup.kill, cgroup.freeze and
cgroup.events, and no controller the code needs): the grader must find it there from
/proc/self/mountinfo. pids.max and memory.max on v2 cannot be produced here without
taking the pids and memory controllers from v1, which this machine's own
infrastructure holds; they are not tested.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from grader.grading import grade
from grader.sandbox import cgroups
from grader.sandbox.policy import Limits, Policy, guarantees
from grader.sandbox.process import Sandbox, WorkerSpec
from grader.sandbox.protocol import AppLoaded
from tests import test_sandbox_modes
from tests.helpers import ROOT, live_tasks_named, solution, write_submission

# Fixtures: a plain user made by the tests, and a Python it can run.
user, interpreter = test_sandbox_modes.user, test_sandbox_modes.interpreter

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting cgroup2 and making v1 cgroups needs root")

#: A worker that leaves 12 setsid daemons behind (a plain user has 32 processes in
#: all), and a process that forks on and on, each child moving to a new pid as its
#: parent leaves (a list of pids to kill is always out of date).
ORPHANS = """
import ctypes, os, time
ctypes.CDLL(None).prctl(15, b"{marker}", 0, 0, 0)
from flask import Flask
for _ in range(12):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(60)
        os._exit(0)
if os.fork() == 0:
    os.setsid()
    while True:
        time.sleep(0.002)
        if os.fork() != 0:
            os._exit(0)
app = Flask(__name__)
"""
#: Only the cgroup can take them down: no PID namespace, own uid or subreaper (and the
#: v1 cgroups, which would kill them at the end of the submission, are left off too).
ONLY_THE_CGROUP = Policy(disable=frozenset({"pid-namespace", "uid", "subreaper", "pids-cgroup", "memory-cgroup"}))


def in_private_cgroup2(function: str, *args: object, as_user: str = "", python: str = sys.executable) -> None:
    """Call ``function`` of this module (the cgroup2 mount point first, then ``args``)
    in a mount namespace of its own, where the only cgroup2 mount is a fresh one in a
    temporary folder; its assertions fail this test. With ``as_user``, as that user, in
    a cgroup delegated to them as systemd delegates one (the folder and its
    cgroup.procs, cgroup.threads and cgroup.subtree_control are theirs)."""
    mount = Path(tempfile.mkdtemp(prefix="fg-cgroup2-", dir="/tmp"))
    mount.chmod(0o755)  # the plain user reaches it
    host = os.readlink("/proc/self/ns/mnt")
    call = f"from tests.test_cgroups import {function}; {function}{(str(mount), *args)!r}".replace("'", '"')
    command = f"{python} -c 'import sys; sys.path.insert(0, \"{ROOT}\"); {call}'"
    script = (
        f'[ "$(readlink /proc/self/ns/mnt)" != "{host}" ] || exit 99; '  # never unmount the machine's
        "for m in $(grep -w cgroup2 /proc/self/mountinfo | cut -d' ' -f5); do umount -l $m; done; "
        f"mount -t cgroup2 none {mount} || exit 98; "
    )
    if not as_user:
        script += f"exec {command}"
    else:
        delegated = mount / f"fg-delegated-{os.urandom(4).hex()}"
        script += (
            f"mkdir {delegated} && cd {delegated} && chown {as_user} . cgroup.procs cgroup.threads cgroup.subtree_control"
            f" && echo $$ > cgroup.procs && cd / && runuser -u {as_user} -- {command}; code=$?; "
            f"echo $$ > {mount}/cgroup.procs; rmdir {delegated}/*/ 2>/dev/null; rmdir {delegated}; exit $code"
        )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    mount.rmdir()  # unmounted with the namespace
    assert done.returncode == 0, done.stdout + done.stderr


def orphans_are_killed(mount: str, marker: str, at_once: bool) -> None:
    """In the private namespace: a worker's orphans are all in its cgroup v2 leaf, and
    gone with it when the worker is killed; then the submission's cgroup is removed."""
    assert [str(m.path) for m in cgroups.mounts() if m.version == 2] == [mount]
    app = Path(tempfile.mkdtemp()) / "app.py"
    app.write_text(textwrap.dedent(ORPHANS).replace("{marker}", marker))
    if os.geteuid() == 0:
        how, policy, top = "cgroup v2, as root", ONLY_THE_CGROUP, Path(mount)
    else:  # in a user namespace the uid layer is not used; the subreaper is left off too
        top = Path(mount, cgroups.own_cgroups()[""].lstrip("/"))
        how, policy = f"cgroup v2, a subtree delegated to uid {os.geteuid()}", ONLY_THE_CGROUP
    try:
        with Sandbox(policy) as sandbox:
            layer = sandbox.layers["kill-cgroup"]
            assert layer.active, layer.detail
            assert layer.how == how and sandbox._cgroups["kill-cgroup"] in layer.detail
            kept = {kept.name: kept for kept in guarantees(sandbox.layers)}["no-process-left"]
            assert kept.met and kept.by == ("kill-cgroup",) and f"(kill-cgroup: {how})" in kept.detail
            assert not sandbox.layers["pid-namespace"].active and not sandbox.layers["subreaper"].active
            worker = sandbox.spawn(WorkerSpec(((app, "app.py"),)))
            assert isinstance(worker.hello, AppLoaded), worker.hello
            leaf = Path(worker.cgroup)
            submission, parent = leaf.parent, leaf.parent.parent
            assert parent.parent == top and parent.name.startswith(f"flask-grader-{os.getpid()}-")
            deadline = time.monotonic() + 10
            # The worker, its 12 daemons and the forker, each named once it has started.
            while time.monotonic() < deadline and (
                len(set(cgroups._procs_below(leaf))) < 14 or len(live_tasks_named(marker)) < 13
            ):
                time.sleep(0.05)
            assert len(set(cgroups._procs_below(leaf))) >= 14
            assert len(live_tasks_named(marker)) >= 13  # the forker may be between two pids
            if not at_once:  # as before Linux 5.14: frozen, then killed one by one
                cgroups.kill(leaf, at_once=False)
                assert live_tasks_named(marker) == []
            worker.kill()
            deadline = time.monotonic() + 2  # killed at once; then they take a moment to exit
            while live_tasks_named(marker) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert live_tasks_named(marker) == [], "a process of the worker outlived it"
        assert not leaf.exists() and not submission.exists()
    finally:
        for _ in range(200):  # the test failed: leave nothing running anyway
            for task in live_tasks_named(marker):
                try:
                    os.kill(int(task.split("/")[2]), signal.SIGKILL)
                except (ProcessLookupError, ValueError, IndexError):
                    pass


@pytest.mark.parametrize("at_once", [True, False], ids=["cgroup.kill", "freeze-then-kill"])
def test_a_worker_s_daemons_and_forker_die_with_its_cgroup_v2_leaf(at_once):
    marker = "fg" + os.urandom(6).hex()
    in_private_cgroup2("orphans_are_killed", marker, at_once)
    assert live_tasks_named(marker) == []


def test_as_a_plain_user_the_delegated_subtree_kills_a_worker_s_daemons(user, interpreter):
    """As systemd's ``Delegate=yes`` gives a cgroup to a user, a user grading in it gets
    the same: the per-grader parent is made in the subtree the grader sits in."""
    marker = "fg" + os.urandom(6).hex()
    in_private_cgroup2("orphans_are_killed", marker, True, as_user=user, python=interpreter)
    assert live_tasks_named(marker) == []


def dead_pid() -> int:
    """A pid no process has now (that of a process that has just ended)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def sleeper_in(folder: Path, marker: str) -> subprocess.Popen[bytes]:
    """A process in the cgroup ``folder``, as a dead grader's orphan would be. It is moved
    in once seen running: any grader starting meanwhile (another test's) may sweep it."""
    code = f"import ctypes, time; ctypes.CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0); time.sleep(60)"
    sleeper = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 10
    while not live_tasks_named(marker) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert live_tasks_named(marker)
    (folder / "cgroup.procs").write_text(str(sleeper.pid))
    return sleeper


def stale_v2_cgroups_are_removed(mount: str, marker: str) -> None:
    stale = Path(mount, f"flask-grader-{dead_pid()}-{cgroups.pid_namespace()}-0badc0de")
    (stale / "submission-1").mkdir(parents=True)
    (stale / "empty").mkdir()
    sleeper = sleeper_in(stale / "submission-1", marker)
    alive = Path(mount, f"flask-grader-{os.getpid()}-{cgroups.pid_namespace()}-1badc0de")  # this process's
    # A grader in another PID namespace: its PID may be gone here while it lives.
    elsewhere = Path(mount, f"flask-grader-{dead_pid()}-1-2badc0de")
    elsewhere.mkdir()
    alive.mkdir()
    try:
        made, _, _ = cgroups.create_cgroups(Limits(), disable=("pids-cgroup", "memory-cgroup"))
        assert not stale.exists() and alive.exists() and elsewhere.exists()
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
        cgroups.remove_cgroups(made)
    finally:
        sleeper.kill()
        alive.rmdir()
        elsewhere.rmdir()


def test_the_cgroups_of_dead_graders_are_removed_and_their_orphans_killed_v2():
    marker = "fg" + os.urandom(6).hex()
    in_private_cgroup2("stale_v2_cgroups_are_removed", marker)


def test_the_cgroups_of_dead_graders_are_removed_and_their_orphans_killed_v1():
    """In this machine's v1 pids hierarchy (only flask-grader's cgroups are in it)."""
    v1 = next((m for m in cgroups.mounts() if m.version == 1 and "pids" in m.options), None)
    if v1 is None:
        pytest.skip("no cgroup v1 pids hierarchy on this machine")
    own = v1.folder(cgroups.own_cgroups()["pids"])
    assert own is not None
    marker = "fg" + os.urandom(6).hex()
    namespace = cgroups.pid_namespace()
    stale = own / f"flask-grader-{dead_pid()}-{namespace}-0badc0de"
    empty = own / f"flask-grader-{dead_pid()}-{namespace}-1badc0de"
    stale.mkdir()
    empty.mkdir()
    sleeper = sleeper_in(stale, marker)
    try:
        made, _, _ = cgroups.create_cgroups(Limits(), disable=("memory-cgroup", "kill-cgroup"))
        assert made["pids-cgroup"].startswith(str(own))
        assert not stale.exists() and not empty.exists()
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
        cgroups.remove_cgroups(made)
        assert not Path(made["pids-cgroup"]).exists()
    finally:
        sleeper.kill()


def test_the_result_says_which_cgroups_bound_the_submission_and_how_without_a_path(course, tmp_path):
    """The result JSON names the cgroup layers and their hierarchy (v1 here), never the
    cgroup's folder, whose name changes from run to run: results stay reproducible."""
    if not any(m.version == 1 and "pids" in m.options for m in cgroups.mounts()):
        pytest.skip("this test reads this machine's cgroup v1 pids hierarchy")
    root = write_submission(tmp_path / "s", {"01_app_instance/app.py": solution("01_app_instance")})
    first, again = (grade(course, root, ["01"]).to_dict()["sandbox"] for _ in range(2))
    bounded = first["bounded-resources"]
    assert bounded["met"] and bounded["by"][:2] == ["rlimits", "pids-cgroup"]
    assert "(pids-cgroup: cgroup v1, as root; memory-cgroup: cgroup v1, as root)" in bounded["detail"]
    assert "flask-grader-" not in json.dumps(first) and first == again
