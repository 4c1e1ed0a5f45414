"""The judge's side of the process boundary: starting, talking to and killing workers.

The judge never imports learner code. A :class:`Sandbox` starts one zygote
process (a fresh interpreter that has imported Flask) and asks it to fork a
worker per app; each :class:`WorkerProcess` is reached over its own socket pair and
runs behind every sandbox layer that works on this machine.
Time is bounded per request, per module load and per check.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import CheckTimeout, ResponseTooLarge, SandboxUnavailable, WorkerCrashed, WorkerTimeout
from grader.sandbox import cgroups, protocol
from grader.sandbox.cputime import BACKSTOP, cpu_seconds
from grader.sandbox.policy import LAYERS, UID_BASE, Layer, Limits, MiB, Policy, missing_guarantees
from grader.sandbox.protocol import (
    AppLoaded,
    AppNotLoaded,
    BodyTooLarge,
    Done,
    ReapOrphans,
    StartWorker,
    WorkerNotStarted,
    WorkerStarted,
    ZygoteConfig,
    ZygoteReady,
)

PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding the grader package

# Not `python -I`: it ignores PYTHONHASHSEED, and learner code iterating a set of
# strings would answer differently from run to run. The environment is ours anyway.
_ZYGOTE_BOOT = (
    "import sys; sys.path[0] = sys.argv[1]; "  # in place of '' (the working directory)
    "from grader.sandbox.zygote import serve_zygote; serve_zygote(int(sys.argv[2]), sys.argv[3])"
)

#: Seconds a module may take to import before the load counts as a timeout.
LOAD_TIMEOUT = 5.0
#: Seconds one request may take.
REQUEST_TIMEOUT = 2.0
#: Seconds one check may spend waiting for the learner's apps, all requests together.
CHECK_TIMEOUT = 30.0


@dataclass(frozen=True)
class TimeLimits:
    """A check's time limits; ``@pytest.mark.time_limits(request=5)`` changes them."""

    request: float = REQUEST_TIMEOUT
    load: float = LOAD_TIMEOUT
    check: float = CHECK_TIMEOUT


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker loads: ``files`` are copied into a fresh directory for it."""

    files: tuple[tuple[Path, str], ...]  # (source, name in the work directory)
    mode: str = "import"  # or "main": run the module as __main__
    module_name: str = "app"
    filename: str = "app.py"


@dataclass
class _Asked:
    """A worker asked of the zygote, its answer not yet read."""

    spec: WorkerSpec
    workdir: Path
    output: Path
    sock: socket.socket | None = None  # the judge's end of the worker's socket pair
    active: frozenset[str] = frozenset()  # the sandbox layers it gets
    cgroup: str = ""  # the worker's own cgroup leaf, if it gets one (see cgroups.worker_cgroup)


class Sandbox:
    """Owns the zygote; ``spawn`` gives a fresh worker, ``close`` ends them all.

    With ``spares`` on, each spawn also starts the next worker for the same spec (a
    *spare*: forked, jailed with a uid and namespaces of its own, the module loaded)
    while the check runs, so that the next check's fresh app is ready when it asks.
    A spare is a fresh import like any other, only made earlier; it is not made for a
    module that starts threads or processes at import (a spare's would run, and use
    CPU time, before its check began), nor for an app too big to have twice.
    """

    def __init__(self, policy: Policy = Policy(), limits: Limits = Limits(), spares: bool = True) -> None:
        self.policy = policy
        self.limits = limits
        self.spares = spares
        self._spare: tuple[WorkerSpec, WorkerProcess] | None = None
        self._asked: _Asked | None = None  # a spare the zygote has not yet confirmed
        self._no_spares: set[WorkerSpec] = set()  # their modules start threads or processes at import
        self._last_check, self._check_spawns = False, 0
        self.spares_used = 0  # spawns that a spare answered (tests, benchmarks)
        self._zygote: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._layers: dict[str, Layer] | None = None
        self._workers: list[WorkerProcess] = []
        self._spawned = 0
        self._time = TimeLimits()
        self._check_deadline: float | None = None
        self._check_workers: list[WorkerProcess] = []
        self._check_started = time.monotonic()
        self._scratch = Path(tempfile.mkdtemp(prefix="flask-grader-"))
        # Without a mount namespace, a worker with its own uid must reach its folder here.
        self._scratch.chmod(0o711)
        if policy.linux:
            self._cgroups, self._cgroup_problems, self._cgroup_kinds = cgroups.create_cgroups(limits, policy.disable)
        else:
            self._cgroups, self._cgroup_kinds = {}, {}
            self._cgroup_problems = dict.fromkeys(cgroups.LAYERS, "no Linux features in this run")
        self._oom_kills = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote now (it is otherwise started by the first spawn)."""
        if self._zygote is not None and self._zygote.poll() is None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",  # the same iteration order on every run
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(self._scratch),
            "MALLOC_ARENA_MAX": "2",  # threads must not eat the address space limit in arenas
        }
        config = ZygoteConfig(
            scratch=str(self._scratch),
            grader_dir=str(Path(PACKAGE_PARENT, "grader")),
            limits=self.limits,
            disable=tuple(sorted(self.policy.disable)),
            cgroups=self._cgroups,
            cgroup_problems=self._cgroup_problems,
            linux=self.policy.linux,
            cgroup_kinds=self._cgroup_kinds,
        )
        self._zygote = subprocess.Popen(
            [
                sys.executable,
                "-s",
                "-c",
                _ZYGOTE_BOOT,
                PACKAGE_PARENT,
                str(theirs.fileno()),
                protocol.encode(config).decode(),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=self._scratch,
        )
        theirs.close()
        if self._control is not None:
            self._control.close()
        self._control = ours
        self._layers = None
        self._asked = self._spare = None  # the old zygote's, dying with it

    @property
    def layers(self) -> dict[str, Layer]:
        """Which sandbox layers the workers get, as the zygote found at start-up."""
        self.start()
        if self._layers is None:
            assert self._control is not None
            ready = protocol.recv(self._control, ZygoteReady, deadline=time.monotonic() + 60)
            self._layers = {name: ready.layers.get(name) or Layer(name, False, "not probed") for name in LAYERS}
        return self._layers

    def begin_check(self, limits: TimeLimits, last: bool = False) -> None:
        """A new check starts: workers spawned from now on share its limit, counted in
        their CPU time together, and its wall-clock backstop. ``last``: no check for
        the same files follows, so a spare is made only once it spawned twice."""
        self._last_check, self._check_spawns = last, 0
        self._time = limits
        self._check_started = time.monotonic()
        self._check_deadline = self._check_started + limits.check * BACKSTOP
        self._check_workers = []

    def check_cpu(self) -> float:
        """CPU seconds the workers of the current check have used; early in a check, a
        bound that costs nothing (its wall time on every core), not the exact count."""
        bound = (time.monotonic() - self._check_started) * (os.cpu_count() or 1)
        if bound < self._time.check / 2:
            return bound
        return sum(worker.cpu_used() for worker in self._check_workers)

    def spawn(self, spec: WorkerSpec, load_timeout: float | None = None) -> WorkerProcess:
        """A fresh worker for ``spec``, its module loaded (the spare, when one is ready)."""
        layers = self.layers
        missing = missing_guarantees(layers)
        if self.policy.require and missing:
            raise SandboxUnavailable(missing)
        worker = self._take_spare(spec)
        if worker is None:
            worker = self._fork(spec)
        else:
            self.spares_used += 1
        worker.deadline, worker.check_limit = self._check_deadline, self._time.check
        self._check_workers.append(worker)
        # Counted from the fork: a spare's load is measured as a fresh worker's is.
        worker.hello = worker.exchange(
            None, load_timeout or self._time.load, what="importing the module", from_start=True
        )
        self._check_spawns += 1
        wanted = self.spares and not (self._last_check and self._check_spawns < 2)
        if wanted and isinstance(worker.hello, AppLoaded) and self._may_spare(spec, worker):
            # Only asked for: the zygote's answer is read when it is needed, so the
            # fork costs this check nothing but a message.
            self._asked = self._ask_fork(spec)
        return worker

    def drop_spare(self) -> None:
        """Kill the spare: a grading ends, and the files may change before the next."""
        self._settle()
        if self._spare is not None:
            self._spare[1].kill()
            self._spare = None

    def _fork(self, spec: WorkerSpec) -> WorkerProcess:
        """Have the zygote fork a worker for ``spec``; it loads the module on its own."""
        return self._started(self._ask_fork(spec))

    def _ask_fork(self, spec: WorkerSpec) -> _Asked:
        """Send the zygote the request for a worker; :meth:`_started` reads its answer."""
        self._settle()
        assert self._control is not None
        self._workers = [worker for worker in self._workers if not worker.gone(0)]
        self._spawned += 1
        asked = _Asked(spec, self._scratch / f"app-{self._spawned}", self._scratch / f"app-{self._spawned}.out")
        asked.active = active = frozenset(name for name, layer in self.layers.items() if layer.active)
        # A leaf only where nothing else takes a worker's processes down when it ends:
        # joining one costs the worker a cgroup migration (an RCU grace period, ~10 ms).
        alone = "kill-cgroup" in active and not {"pid-namespace", "uid"} & active
        asked.cgroup = cgroups.worker_cgroup(self._cgroups, asked.workdir.name) if alone else ""
        theirs: socket.socket
        asked.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        message = StartWorker(
            workdir=str(asked.workdir),
            output=str(asked.output),
            files=tuple((str(source), name) for source, name in spec.files),
            mode=spec.mode,
            module_name=spec.module_name,
            filename=spec.filename,
            cgroup=asked.cgroup,
        )
        try:
            socket.send_fds(self._control, [protocol.encode(message)], [theirs.fileno()])
        except OSError:
            asked.sock.close()
            raise
        finally:
            theirs.close()
        return asked

    def _started(self, asked: _Asked) -> WorkerProcess:
        """The worker the zygote forked for ``asked``."""
        assert self._control is not None and asked.sock is not None
        try:
            reply = protocol.recv(self._control, WorkerStarted, WorkerNotStarted, deadline=time.monotonic() + 30)
        except BaseException:
            asked.sock.close()
            raise
        if isinstance(reply, WorkerNotStarted):
            asked.sock.close()
            raise WorkerCrashed("starting", cause=reply.error)
        active = asked.active
        worker = WorkerProcess(
            reply.pid, asked.sock, asked.workdir, asked.output, set(active), self._check_deadline, self._time.check
        )
        worker.uid = reply.uid
        worker.cgroup = asked.cgroup
        worker.check_cpu = self.check_cpu
        worker.on_crash = self._crash_cause
        if not {"pid-namespace", "uid"} & active:
            worker.on_kill = self._reap_orphans
        self._workers.append(worker)
        return worker

    def _settle(self) -> None:
        """Read the zygote's answer for the spare asked for last, before anything else
        goes over the control socket (the spare is then dropped if it could not start)."""
        asked, self._asked = self._asked, None
        if asked is None or self._control is None:
            return
        try:
            self._spare = (asked.spec, self._started(asked))
        except (WorkerCrashed, OSError, protocol.ProtocolError):
            self._spare = None  # the check that would have taken it forks its own

    def _take_spare(self, spec: WorkerSpec) -> WorkerProcess | None:
        """The spare, if it was made for ``spec`` and is still as a fresh worker would be;
        any other spare is killed (its module was never seen by a check)."""
        self._settle()
        if self._spare is None:
            return None
        (made_for, spare), self._spare = self._spare, None
        if made_for == spec and not spare.killed and _alone(spare.pid):
            return spare
        if made_for == spec:
            self._no_spares.add(spec)  # it started a thread or process at import after all
        spare.kill()
        return None

    def _may_spare(self, spec: WorkerSpec, worker: WorkerProcess) -> bool:
        """Whether a spare of ``worker``'s kind may be made: its module left no thread or
        process running at import, and a second copy of it fits the submission's memory
        (a sixteenth of it), so that no check's apps run out of memory for a spare's sake."""
        if spec in self._no_spares:
            return False
        if not _alone(worker.pid):
            self._no_spares.add(spec)
            return False
        rss = _resident_bytes(worker.pid)
        return rss is not None and rss <= self.limits.submission_memory // 16

    def _reap_orphans(self) -> None:
        """Have the zygote, a subreaper, kill what a worker left behind (nothing else can)."""
        if self._control is None or not self.layers["subreaper"].active:
            return
        try:
            self._settle()
            socket.send_fds(self._control, [protocol.encode(ReapOrphans())], [])
            protocol.recv(self._control, Done, deadline=time.monotonic() + 10)
        except (OSError, protocol.ProtocolError):
            pass  # the zygote is gone, and its orphans with it (they die with their parent)

    def _crash_cause(self) -> str:
        """Why a worker may have died, when the machine can tell."""
        kills = cgroups.oom_kills(self._cgroups)
        if kills > self._oom_kills:
            self._oom_kills = kills
            return (
                f"It ran out of memory: a submission's apps may use "
                f"{self.limits.submission_memory // MiB} MiB together."
            )
        return ""

    def close(self) -> None:
        self._settle()
        self._spare = None  # killed with the others
        for worker in self._workers:
            worker.kill()
        for worker in self._workers:
            worker.gone(timeout=5)
        self._workers.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote is not None:
            try:
                self._zygote.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._zygote.kill()
                self._zygote.wait()
            self._zygote = None
        cgroups.kill_cgroups(self._cgroups)
        cgroups.remove_cgroups(self._cgroups)
        shutil.rmtree(self._scratch, ignore_errors=True)


def _alone(pid: int) -> bool:
    """Whether the process ``pid`` has one thread and no child: read from the kernel,
    since the learner's code in it may have changed anything it could tell us."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            if children.read().split():
                return False
        with open(f"/proc/{pid}/status") as status:
            return any(line.split() == ["Threads:", "1"] for line in status)
    except OSError:
        return False  # gone, or no /proc: no spare


def _resident_bytes(pid: int) -> int | None:
    """The process's resident memory (VmRSS), or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def probe_layers(policy: Policy = Policy()) -> dict[str, Layer]:
    """The sandbox layers workers get on this machine (``flask-grader doctor``)."""
    with Sandbox(policy) as sandbox:
        return sandbox.layers


class WorkerProcess:
    """One forked worker serving one learner app."""

    def __init__(
        self,
        pid: int,
        sock: socket.socket,
        workdir: Path,
        output: Path,
        layers: set[str],
        deadline: float | None = None,
        check_limit: float = CHECK_TIMEOUT,
    ) -> None:
        self.pid = pid
        self._cpu = 0.0
        self.check_cpu = lambda: 0.0  # CPU seconds the check's workers have used (set by the Sandbox)
        self.uid = 0  # its own, from grader.sandbox.uids: killing by it reaches no other worker
        self.cgroup = ""  # its cgroup v2 leaf: killing it reaches every process it started
        self.sock = sock
        self.workdir = workdir
        self.output = output
        self.layers = layers
        self.deadline = deadline  # the check's: no exchange may last beyond it
        self.check_limit = check_limit
        self.hello: AppLoaded | AppNotLoaded | None = None  # its first message
        self.dead: BaseException | None = None
        self.killed = False
        self.on_crash = lambda: ""
        self.on_kill = lambda: None
        try:
            self.pidfd: int | None = os.pidfd_open(pid)  # immune to the pid being reused
        except (OSError, AttributeError):
            self.pidfd = None  # already gone, or not Linux 5.3+

    def exchange(self, message: Any, timeout: float, what: str, from_start: bool = False) -> Any:
        """Send ``message`` (None: just read the first message) and return the reply,
        a message of one of the classes ``protocol.REPLIES`` allows for it.
        ``from_start``: the worker's CPU time counts from its fork, not from now.

        Raises WorkerTimeout (CheckTimeout when the check's own limit is what ran
        out), WorkerCrashed or ResponseTooLarge; after any of them the worker is
        dead, and every later exchange raises the same error.
        """
        if self.dead is not None:
            raise self.dead
        now = time.monotonic()
        check_left = self.check_limit - self.check_cpu() if self.deadline is not None else timeout
        whole_check = check_left < timeout
        budget = max(check_left, 0.0) if whole_check else timeout
        backstop = now + budget * BACKSTOP
        if self.deadline is not None:
            backstop = min(backstop, self.deadline)
        try:
            if message is not None:
                self.sock.settimeout(max(backstop - now, 0.001))
                protocol.send(self.sock, message)
            self._wait_for_reply(budget, backstop, from_start)
            replies = protocol.HELLO if message is None else protocol.REPLIES[type(message)]
            reply = protocol.recv(self.sock, *replies, deadline=backstop)
            if not isinstance(reply, BodyTooLarge):
                return reply
            self.dead = ResponseTooLarge(what, reply.limit)
        except TimeoutError:
            self.dead = CheckTimeout(what, self.check_limit) if whole_check else WorkerTimeout(what, timeout)
        except protocol.MessageTooLarge as exc:
            self.dead = ResponseTooLarge(what, exc.limit)
        except (protocol.ConnectionClosed, OSError):
            self.dead = WorkerCrashed(what, self.output_tail(), self.on_crash())
        except protocol.ProtocolError as exc:
            self.dead = WorkerCrashed(
                what, self.output_tail(), f"It sent the grader a message it does not accept ({exc})."
            )
        self.kill()
        raise self.dead

    def cpu_used(self) -> float:
        """CPU seconds this worker has used so far (the last reading once it is gone)."""
        if not self.killed:
            now = cpu_seconds(self.pid)
            if now is not None:
                self._cpu = now
        return self._cpu

    def _wait_for_reply(self, budget: float, backstop: float, from_start: bool = False) -> None:
        """Return once a reply starts to arrive; TimeoutError when the worker has used
        ``budget`` seconds of CPU time meanwhile (of wall-clock time where that cannot be
        read), or at the wall-clock ``backstop``."""
        started, now = time.monotonic(), cpu_seconds(self.pid)
        cpu_start: float | None = None
        used = 0.0
        if now is not None:  # one reading per exchange, while the worker answers at once
            self._cpu = now
            cpu_start = 0.0 if from_start else now
            used = now - cpu_start
        while True:
            wait = min(budget - used, backstop - time.monotonic())
            if wait <= 0:
                raise TimeoutError("the worker used its time")
            # A single-threaded worker's CPU time runs no faster than the wall clock: until
            # ``budget - used`` has passed, it cannot reach the limit (one with threads may
            # overshoot by as many times as it has threads busy, until the next look).
            if select.select([self.sock], [], [], max(wait, 0.01))[0]:
                return
            used = time.monotonic() - started if cpu_start is None else self.cpu_used() - cpu_start

    def output_tail(self, limit: int = 2000) -> str:
        """The end of what the learner's code printed (never parsed, only shown)."""
        try:
            with open(self.output, "rb") as stream:
                stream.seek(0, os.SEEK_END)
                size = stream.tell()
                stream.seek(max(0, size - limit))
                text = stream.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return ("[...]\n" + text) if size > limit else text

    def kill(self) -> None:
        """Kill the worker and everything it started; remove its files. Later calls do
        nothing, so a pid the kernel has since reused is never signalled."""
        if self.killed:
            return
        self.cpu_used()  # its last reading counts for the check
        self.killed = True
        if "pid-namespace" not in self.layers:  # its process group: what it started, unless they left it
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            for kill in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    kill()
                except (ProcessLookupError, PermissionError):
                    pass
        # In a PID namespace, the worker's death took its descendants down with it;
        # without one, they may have left its process group, but not its uid.
        if "uid" in self.layers and "pid-namespace" not in self.layers:
            kill_uid(self.uid)
        if self.cgroup:  # wherever they went (a new session, a new process group, a double fork)
            cgroups.kill(self.cgroup, wait=0)
            cgroups.remove_cgroups({"worker": self.cgroup}, wait=0)  # else with the submission's, at close
        self.on_kill()
        try:
            self.sock.close()
        except OSError:
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)  # only there without a mount namespace
        self.output.unlink(missing_ok=True)

    def gone(self, timeout: float) -> bool:
        """Whether the worker (and, in its PID namespace, all it started) has exited,
        waiting up to ``timeout`` seconds; a live worker is not killed by asking."""
        if self.pidfd is None:
            return True
        if not select.select([self.pidfd], [], [], timeout)[0]:
            return False
        os.close(self.pidfd)
        self.pidfd = None
        return True


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid``: a child takes that uid and signals all it may.
    Needed only without a PID namespace, to take a worker's escapees down with it.
    Only a worker uid is ever killed (they are never shared: grader.sandbox.uids)."""
    if uid < UID_BASE:
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
