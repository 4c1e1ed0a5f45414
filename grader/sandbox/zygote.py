"""The zygote: imports Flask once, then forks one worker per app the judge asks for,
so a fresh app costs a fork instead of an interpreter start.

Each forked worker enters its jail (:mod:`grader.sandbox.jail`) before the learner's
module is loaded, then becomes an :class:`~grader.sandbox.app_server.AppServer`.
"""

from __future__ import annotations

import functools
import io
import mimetypes
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox import cgroups, protocol, uids
from grader.sandbox.app_server import AppServer
from grader.sandbox.jail import FilesTooLarge, IsolationError, Jail
from grader.sandbox.linux import (
    CLONE_NEWNET,
    PR_SET_CHILD_SUBREAPER,
    die_with_parent,
    enter_user_namespace,
    forgo,
    fork_into_new_pid_namespace,
    fork_through_intermediate,
    prctl,
    unshare,
)
from grader.sandbox.policy import Layer, MiB, reason
from grader.sandbox.probe import probe
from grader.sandbox.protocol import (
    AppNotLoaded,
    Done,
    ReapOrphans,
    StartWorker,
    WorkerNotStarted,
    WorkerStarted,
    ZygoteConfig,
    ZygoteReady,
)

PRELOAD = (
    "flask",
    "flask.json.provider",
    "flask.testing",
    "jinja2",
    "markupsafe",
    "werkzeug.routing",
    "werkzeug.serving",
    "werkzeug.test",
    "html",
    "http",
)


# --------------------------------------------------------------------- zygote


def serve_zygote(control_fd: int, config_json: str) -> None:
    """Fork a worker for each spec the judge sends, until the judge hangs up.

    The first message tells the judge which sandbox layers work here (see
    :mod:`grader.sandbox.probe`); every worker then gets all of them.
    """
    config = protocol.decode(config_json.encode(), ZygoteConfig)
    if not config.linux:
        forgo()  # as on macOS: no namespaces, no filter, no pdeathsig
    die_with_parent()
    for name in PRELOAD:
        __import__(name)
    mimetypes.init()  # read /etc/mime.types now: workers cannot see /etc
    zygote = Zygote(config)
    layers = zygote.start()
    control = socket.socket(fileno=control_fd)
    protocol.send(control, ZygoteReady(layers))
    jail = Jail(config, [name for name, layer in layers.items() if layer.active])
    # Workers are reaped by the kernel: the judge learns of their end by EOF.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 1)
        except (ConnectionError, OSError):
            break
        if not data:
            break
        message = protocol.decode(data, StartWorker, ReapOrphans)
        zygote.kill_orphans()
        if isinstance(message, ReapOrphans):
            protocol.send(control, Done())
            continue
        if not fds:
            continue
        spec = message
        sys.stdout.flush()
        sys.stderr.flush()
        uid = uids.allocate()  # here, not in the worker: the judge kills by it, and trusts only us
        try:
            pid = zygote.fork()
        except OSError as exc:
            os.close(fds[0])
            protocol.send(control, WorkerNotStarted(f"cannot start a worker: {exc}"))
            continue
        if pid == 0:
            control.close()
            _worker_main(spec, fds[0], jail, uid)  # never returns
        zygote.workers.add(pid)
        os.close(fds[0])
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child already did, or is gone
        protocol.send(control, WorkerStarted(pid, uid))
    os._exit(0)


def _worker_main(spec: StartWorker, sock_fd: int, jail: Jail, uid: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with_parent()
        os.setpgid(0, 0)
        sock = socket.socket(fileno=sock_fd)
        _redirect_stdio(spec.output)
        workdir = Path(spec.workdir)
        try:
            if spec.cgroup:  # before anything it could fork: all it starts is in the leaf the judge kills
                _join_leaf(spec.cgroup)
            jail.enter(workdir, spec.files, [sock.fileno()], uid)
        except FilesTooLarge as exc:
            limit = jail.limits.disk // 2 // MiB
            _refuse(
                sock,
                "too_large",
                f"The files of this exercise are larger than the {limit} MiB "
                f"the grader copies for it (it stopped at {exc}).",
            )
            return
        except IsolationError as exc:
            _refuse(
                sock,
                "sandbox",
                f"The grader could not sandbox your app ({exc}); this is a "
                "problem of the grading machine, not of your code.",
            )
            return
        die_with_parent()  # again: Linux forgets it when the uid changes
        _clean_environment(workdir, tmp_visible="mount-namespace" in jail.active)
        _cap_output(jail.limits.output)
        AppServer(spec, sock).run()
    except BaseException:  # noqa: BLE001 - a worker must always end with _exit
        code = 1
    finally:
        os._exit(code)


def _join_leaf(folder: str) -> None:
    try:
        cgroups.join(folder)
    except OSError as exc:
        raise IsolationError(f"cannot join the cgroup {folder}: {reason(exc)}") from None


def _refuse(sock: socket.socket, kind: str, message: str) -> None:
    protocol.send(sock, AppNotLoaded(kind, message))


def _redirect_stdio(output: str) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    out = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)


def _clean_environment(workdir: Path, tmp_visible: bool) -> None:
    """Only what a Flask app needs; temporary files go where they are cleaned up."""
    os.environ.clear()
    os.environ.update(
        {
            "LANG": "C.UTF-8",
            "HOME": str(workdir),
            "PATH": "/usr/bin:/bin",
            "TMPDIR": "/tmp" if tmp_visible else str(workdir),
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    tempfile.tempdir = None


@dataclass
class OutputBudget:
    left: int
    cut: bool = False


class CappedOutput(io.RawIOBase):
    """Writes to ``fd`` until the shared budget is spent, then drops the rest with a
    note, so that printing 100 MB costs neither disk space nor an error in learner code."""

    def __init__(self, fd: int, budget: OutputBudget) -> None:
        self.fd = fd
        self.budget = budget

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data: Any) -> int:
        budget, size = self.budget, len(data)
        try:
            if budget.left > 0:
                os.write(self.fd, bytes(data[: budget.left]))
            if size > budget.left and not budget.cut:
                budget.cut = True
                os.write(self.fd, b"\n[... more output was cut: the grader keeps the first part]\n")
        except OSError:
            pass  # past the file size limit: dropped as well
        budget.left = max(0, budget.left - size)
        return size


def _cap_output(limit: int) -> None:
    budget = OutputBudget(limit)
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(
            io.BufferedWriter(CappedOutput(fd, budget)),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
            write_through=name == "stderr",
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


class Zygote:
    """The zygote's part: cgroups, a user and a network namespace for all its workers,
    a PID namespace for each, and the orphans they leave."""

    def __init__(self, config: ZygoteConfig) -> None:
        self.config = config
        self.layers: dict[str, Layer] = {}
        self.workers: set[int] = set()  # pids it forked (dead ones vanish from its children)
        self._own_pid_ns: int | None = None

    def start(self) -> dict[str, Layer]:
        """Join the submission's cgroups (workers are born in them), enter a user namespace
        when not root, then an empty network namespace, become a subreaper, and probe
        which of the other layers work here."""
        known = {}
        for name in cgroups.LAYERS:
            known[name] = self._apply(name, functools.partial(cgroups.join, self.config.cgroups.get(name, "")))
        if os.geteuid() == 0 and "user-namespace" not in self.config.disable:
            known["user-namespace"] = Layer("user-namespace", False, "not needed: root makes the namespaces itself")
        else:
            known["user-namespace"] = self._apply("user-namespace", enter_user_namespace)
        known["network-namespace"] = self._apply("network-namespace", lambda: unshare(CLONE_NEWNET))
        known["subreaper"] = self._apply("subreaper", lambda: prctl(PR_SET_CHILD_SUBREAPER, 1))
        if known["subreaper"].active:
            known[
                "subreaper"
            ].detail = "the zygote inherits what workers leave behind and kills it before the next worker starts"
        self.layers = probe(self.config, known)
        if self.layers["pid-namespace"].active and not self.layers["user-namespace"].active:
            self._own_pid_ns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        return self.layers

    def _apply(self, name: str, action: Callable[[], None]) -> Layer:
        if name in self.config.disable:
            return Layer(name, False, "disabled for this run")
        if name.endswith("-cgroup") and name not in self.config.cgroups:
            return Layer(name, False, self.config.cgroup_problems.get(name, "no cgroup"))
        try:
            action()
        except OSError as exc:
            return Layer(name, False, reason(exc))
        return Layer(name, True)

    def kill_orphans(self) -> None:
        """Kill every child the zygote did not fork itself: as a subreaper, it inherits
        what workers started and left behind (``setsid`` daemons, double forks)."""
        if not self.layers.get("subreaper", Layer("subreaper")).active:
            return
        for _ in range(100):
            orphans = _children() - self.workers
            if not orphans:
                return
            for pid in orphans:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def fork(self) -> int:
        """``os.fork()``; with the PID namespace layer the child is PID 1 of a new namespace."""
        if not self.layers["pid-namespace"].active:
            return os.fork()
        if self.layers["user-namespace"].active:
            return fork_through_intermediate()
        assert self._own_pid_ns is not None
        return fork_into_new_pid_namespace(self._own_pid_ns)


def _children() -> set[int]:
    """The zygote's live children: its workers, and the orphans it inherited (zombies
    are reaped at once, SIGCHLD being ignored)."""
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return {int(child) for child in children.read().split()}
    except OSError:
        return set()
