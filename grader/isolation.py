"""The layers that make a worker a sandbox: limits, namespaces, a private root, a uid.

Learner code is untrusted, so every worker runs behind independent layers
(``SECURITY.md`` says what each one stops, and what none of them stops):

* ``rlimits``: CPU time, address space, file size, open files, processes, no core files;
* ``uid``: each worker runs as its own unprivileged uid: no root privileges, its own
  ``RLIMIT_NPROC`` count, and all its processes can be killed at once;
* ``pid-namespace``: each worker is PID 1 of its own PID namespace, so killing it kills
  everything it started, double-forked ``setsid`` escapees included, and it sees no
  other process;
* ``network-namespace``: the zygote and its workers share an empty network namespace,
  without even a loopback that is up;
* ``mount-namespace``: each worker's ``/`` is a small tmpfs holding its own folder, the
  interpreter and system libraries (read-only), ``/tmp`` and a fresh ``/proc``; checks,
  solutions, other submissions, results and home folders are not in it;
* ``pids-cgroup``, ``memory-cgroup``: bounds on all workers of one submission together.

Kernels and containers differ, so the zygote :func:`probe` s at start-up which layers
work, by applying them in a throwaway child exactly as a worker does and checking
their effect; workers then get every layer that works, and ``flask-grader doctor``
prints the list. Only the standard library and ``ctypes`` are used (Python 3.11 has
no ``os.unshare``), so nothing needs installing.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import shutil
import signal
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader import nofollow

MiB = 1024 * 1024

#: Every layer, in the order ``doctor`` lists them.
LAYERS = (
    "rlimits",
    "uid",
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "pids-cgroup",
    "memory-cgroup",
)
#: Without these, learner code could reach the machine: batch grading refuses to run.
ESSENTIAL = frozenset(LAYERS[:5])

#: A worker runs as ``UID_BASE + its pid``: unique among live workers, no one else's.
UID_BASE = 0x40000000


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker, and (cgroups) of all workers of one submission."""

    cpu_seconds: int = 30  # a backstop: the judge's wall-clock timeouts come first
    address_space: int = 512 * MiB  # per process: a memory bomb ends in MemoryError
    file_size: int = 16 * MiB  # per file written, the captured output included
    open_files: int = 128
    processes: int = 32  # processes and threads of one worker (RLIMIT_NPROC of its uid)
    output: int = 1 * MiB  # of stdout and stderr kept for the learner; the rest is dropped
    disk: int = 64 * MiB  # the worker's tmpfs: its folder and /tmp
    submission_memory: int = 1024 * MiB  # memory cgroup, all workers of one submission
    submission_processes: int = 256  # pids cgroup, all workers of one submission


@dataclass(frozen=True)
class Policy:
    """How a judge uses the sandbox: layers to leave off (benchmarks, debugging), and
    whether learner code may run without the essential ones (a learner grading their
    own code may; batch grading may not, unless the instructor says so)."""

    disable: frozenset[str] = frozenset()
    require: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"disable": sorted(self.disable), "require": self.require}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Policy:
        data = data or {}
        return cls(frozenset(data.get("disable", ())), bool(data.get("require", False)))


@dataclass
class Layer:
    name: str
    active: bool = False
    detail: str = ""  # what it does when active, why it is off otherwise


class IsolationError(Exception):
    """A layer that works on this machine failed for one worker, which must not run."""


class FilesTooLarge(Exception):
    """The files to copy into a worker's folder exceed its disk."""


def reason(exc: Exception) -> str:
    """Why a layer failed, in a few words: ``unshare: Operation not permitted``."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)


def missing_essentials(layers: dict[str, Layer]) -> list[Layer]:
    return [layers[name] for name in LAYERS if name in ESSENTIAL and not layers[name].active]


def describe(layers: dict[str, Layer]) -> str:
    """The layers as ``doctor`` prints them, one a line."""
    width = max(map(len, LAYERS))
    lines = []
    for name in LAYERS:
        layer = layers[name]
        state = "active " if layer.active else "MISSING" if name in ESSENTIAL else "off    "
        lines.append(f"{state}  {name:{width}}  {layer.detail}")
    return "\n".join(lines)


# ---------------------------------------------------------------- system calls

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV = 1, 2, 4
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38


def _call(name: str, *args: Any) -> None:
    """Call libc's ``name``; OSError when it fails or does not exist (not Linux)."""
    function = getattr(_libc, name, None)
    if function is None:
        raise OSError(errno.ENOSYS, f"{name}: not available on {sys.platform}")
    if function(*args) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{name}: {os.strerror(code)}")


def unshare(flags: int) -> None:
    _call("unshare", flags)


def setns(fd: int, flags: int) -> None:
    _call("setns", fd, flags)


def prctl(option: int, value: int) -> None:
    _call("prctl", option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def c(text: str | None) -> bytes | None:
        return None if text is None else os.fsencode(text)

    _call("mount", c(source), c(target), c(fstype), ctypes.c_ulong(flags), c(data))


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (no orphans left behind)."""
    parent = os.getppid()
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        return
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(1)


def worker_uid(pid: int) -> int:
    """The uid of the worker whose pid (as the judge sees it) is ``pid``."""
    return UID_BASE + pid


# ---------------------------------------------------------------- configuration


@dataclass
class Config:
    """What the zygote needs to isolate workers: built by the judge, sent as JSON."""

    scratch: str  # the judge's scratch folder; each worker's folder is named under it
    grader_dir: str  # the grader package: read-only in workers, so they can import it
    limits: Limits = field(default_factory=Limits)
    disable: list[str] = field(default_factory=list)
    cgroups: dict[str, str] = field(default_factory=dict)  # layer -> cgroup folder
    cgroup_problems: dict[str, str] = field(default_factory=dict)  # layer -> why there is none

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Config:
        data = json.loads(text)
        return cls(**{**data, "limits": Limits(**data["limits"])})


# ---------------------------------------------------------------- the zygote


class Zygote:
    """The zygote's part: cgroups and a network namespace for all its workers, a PID
    namespace for each."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.layers: dict[str, Layer] = {}
        self._own_pid_ns: int | None = None

    def start(self) -> dict[str, Layer]:
        """Join the submission's cgroups (workers are born in them), enter an empty network
        namespace, then probe which of the other layers work here."""
        known = {}
        for name in ("pids-cgroup", "memory-cgroup"):
            known[name] = self._apply(name, lambda name=name: _join_cgroup(self.config.cgroups[name]))
        known["network-namespace"] = self._apply("network-namespace", lambda: unshare(CLONE_NEWNET))
        self.layers = probe(self.config, known)
        if self.layers["pid-namespace"].active:
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

    def fork(self) -> int:
        """``os.fork()``; with the PID namespace layer the child is PID 1 of a new namespace."""
        if self._own_pid_ns is None:
            return os.fork()
        return fork_into_new_pid_namespace(self._own_pid_ns)


def fork_into_new_pid_namespace(own_pid_ns: int) -> int:
    unshare(CLONE_NEWPID)  # the next child founds a new namespace ...
    try:
        pid = os.fork()
    except OSError:
        setns(own_pid_ns, CLONE_NEWPID)
        raise
    if pid:
        setns(own_pid_ns, CLONE_NEWPID)  # ... and later children do not join it
    return pid


# ---------------------------------------------------------------- the worker


class Jail:
    """Applies layers to the calling process, a freshly forked worker that is still root.

    Strict (a worker): a failing layer raises IsolationError, and learner code never
    runs. Not strict (the probe): a failing layer is noted in ``failures`` and skipped.
    """

    def __init__(self, config: Config, layers: Iterable[str], strict: bool = True) -> None:
        self.config = config
        self.limits = config.limits
        self.active = set(layers)
        self.strict = strict
        self.failures: dict[str, str] = {}
        self.timings: dict[str, float] = {}  # seconds each layer took to apply (benchmarks)

    def enter(self, workdir: Path, files: Iterable[tuple[str, str]], keep_fds: Iterable[int]) -> int:
        """Apply the layers, leaving the process in ``workdir`` (holding copies of
        ``files``) as the worker's uid; returns that uid."""
        uid = worker_uid(_global_pid())
        _be_killed_first()
        if not self._step("mount-namespace", lambda: self._private_root(workdir, files, uid)):
            workdir.mkdir(parents=True, exist_ok=True)
            copy_files(files, workdir, self.limits.disk // 2)
            if "uid" in self.active:
                os.chown(workdir, uid, uid)
        _close_fds_except(keep_fds)
        self._step("rlimits", self._set_rlimits)
        os.chdir(workdir)
        self._step("uid", lambda: _drop_privileges(uid, workdir))
        return uid

    def _step(self, layer: str, action: Callable[[], None]) -> bool:
        if layer not in self.active:
            return False
        started = time.perf_counter()
        try:
            action()
            self.timings[layer] = time.perf_counter() - started
        except (OSError, ValueError, KeyError) as exc:
            if self.strict:
                raise IsolationError(f"the {layer} layer failed for this worker: {exc}") from None
            self.active.discard(layer)
            self.failures[layer] = reason(exc)
            return False
        return True

    def _set_rlimits(self) -> None:
        limits = self.limits
        for which, value in (
            (resource.RLIMIT_CPU, limits.cpu_seconds),
            (resource.RLIMIT_AS, limits.address_space),
            (resource.RLIMIT_FSIZE, limits.file_size),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_NPROC, limits.processes),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(which, (value, value))
        # Past the file size limit a write fails with EFBIG instead of killing the worker.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def _private_root(self, workdir: Path, files: Iterable[tuple[str, str]], uid: int) -> None:
        """A tmpfs becomes ``/``: the worker's folder, the interpreter, libraries, /tmp, /proc."""
        unshare(CLONE_NEWNS | CLONE_NEWIPC)
        mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted here shows outside
        root = self.config.scratch  # any folder would do: only this namespace sees the tmpfs
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={self.limits.disk},mode=0755")
        for path in readonly_paths(self.config.grader_dir):
            _bind(path, root + path, readonly=True)
        for device in ("null", "zero", "full", "random", "urandom"):
            _bind(f"/dev/{device}", f"{root}/dev/{device}", readonly=False)
        for name, target in (
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ):
            os.symlink(target, f"{root}/dev/{name}")
        os.mkdir(f"{root}/proc")
        mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV)  # this PID namespace's
        # Already there when the grader itself lives under /tmp (its package is bound above).
        os.makedirs(f"{root}/tmp", exist_ok=True)
        os.chmod(f"{root}/tmp", 0o1777)
        inside = Path(root + str(workdir))
        inside.mkdir(parents=True)
        copy_files(files, inside, self.limits.disk // 2)
        os.chown(inside, uid, uid)
        # chroot, not pivot_root: the machine's files stay mounted in this namespace but
        # out of reach, since leaving a chroot takes CAP_SYS_CHROOT, which the uid layer
        # removes, and a chrooted process may not create a user namespace to regain it.
        # (pivot_root would unmount them at the price of an RCU grace period, ~10 ms.)
        os.chroot(root)
        os.chdir("/")


def readonly_paths(grader_dir: str) -> list[str]:
    """Host paths a worker sees, read-only: the interpreter, libraries, the grader package."""
    import site

    candidates = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        *site.getsitepackages(),
        "/usr/lib",
        "/usr/lib64",
        "/usr/lib32",
        "/usr/local/lib",
        "/lib",
        "/lib64",
        "/lib32",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/usr/share/zoneinfo",
        grader_dir,
    ]
    chosen: list[str] = []
    for path in sorted({os.path.normpath(p) for p in candidates if os.path.lexists(p)}):
        if not any(path.startswith(parent + "/") for parent in chosen):
            chosen.append(path)
    return chosen


def _bind(source: str, target: str, readonly: bool) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.islink(source):  # /lib -> usr/lib on merged-/usr systems
        os.symlink(os.readlink(source), target)
        return
    if os.path.isdir(source):
        os.mkdir(target)
    else:
        Path(target).touch()
    mount(source, target, None, MS_BIND)
    if readonly:  # a bind mount takes its flags from a second call
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def copy_files(files: Iterable[tuple[str, str]], folder: Path, budget: int) -> None:
    """Copy ``(source, name)`` pairs into ``folder``: files and folders only, at most
    ``budget`` bytes. Symbolic links are copied as links, never followed, so a link in
    a submission cannot pull another file of this machine into the worker's folder."""
    remaining = [budget]
    for source, name in files:
        _copy(Path(source), folder / name, remaining)


def _copy(source: Path, target: Path, remaining: list[int]) -> None:
    info = os.lstat(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
    elif stat.S_ISDIR(info.st_mode):
        target.mkdir(exist_ok=True)
        for child in sorted(os.listdir(source)):
            _copy(source / child, target / child, remaining)
    elif stat.S_ISREG(info.st_mode):
        remaining[0] -= info.st_size
        if remaining[0] < 0:
            raise FilesTooLarge(source.name)
        # No component may be a link: the judge checked the paths, and one swapped in since is refused.
        with open(source, "rb", opener=nofollow.open_absolute) as src, open(target, "xb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    # Anything else (a pipe, a socket, a device) is left out.


def _global_pid() -> int:
    """Our pid as the judge sees it (``getpid`` says 1 in a new PID namespace): the
    /proc mounted now still belongs to the zygote's namespace."""
    try:
        return int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return os.getpid()


def _be_killed_first() -> None:
    """When memory runs out, the kernel kills a worker, never the zygote or the judge."""
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("1000")
    except OSError:
        pass


def _join_cgroup(folder: str) -> None:
    with open(os.path.join(folder, "cgroup.procs"), "w") as procs:
        procs.write("0")  # 0: the writing process


def _close_fds_except(keep: Iterable[int]) -> None:
    low = 3
    for fd in sorted(set(keep)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)


def _drop_privileges(uid: int, workdir: Path) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # a uid other than 0 has no capabilities left
    prctl(PR_SET_NO_NEW_PRIVS, 1)  # and set-uid programs cannot give any back
    _check_reachable(workdir)


def _check_reachable(workdir: Path) -> None:
    """Fail now, naming the path, if this uid cannot read the interpreter (Flask imports
    lazily) or reach its own folder by its full path (imports and templates do)."""
    import flask

    for module in (os, flask):
        with open(module.__file__ or "", "rb"):
            pass
    os.listdir(workdir)


# ---------------------------------------------------------------- probing


#: The layers the probe applies in its child; the zygote applies the others to itself.
PROBED = ("pid-namespace", "mount-namespace", "rlimits", "uid")


def probe(config: Config, known: dict[str, Layer]) -> dict[str, Layer]:
    """Which layers work here: a throwaway child applies them as a worker would, then
    checks the effect of each, and of the ``known`` layers the zygote applied itself.

    Layers depend on each other (a uid can read the interpreter only when the mount
    namespace shows it), so when one fails the others are probed again without it.
    """
    layers = {name: known.get(name) or Layer(name) for name in LAYERS}
    wanted = []
    for name in PROBED:
        if name in config.disable:
            layers[name].detail = "disabled for this run"
        else:
            wanted.append(name)
    applied = [name for name, layer in known.items() if layer.active]
    for _ in PROBED:
        found = _probe_once(config, wanted, applied)
        for name in [*wanted, *applied]:
            layers[name].active, layers[name].detail = found.get(name) or found.get(
                "probe", (False, "the probe reported nothing")
            )
        failed = [name for name in wanted if not layers[name].active]
        if not failed:
            break
        wanted = [name for name in wanted if name not in failed]
    return layers


def _probe_once(config: Config, wanted: list[str], applied: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    read, write = os.pipe()
    pid = None
    if "pid-namespace" in wanted:
        try:
            own_pid_ns = os.open("/proc/self/ns/pid", os.O_RDONLY)
            try:
                pid = fork_into_new_pid_namespace(own_pid_ns)
            finally:
                os.close(own_pid_ns)
        except OSError as exc:
            found["pid-namespace"] = (False, reason(exc))
            wanted = [name for name in wanted if name != "pid-namespace"]
    if pid is None:
        pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            found = _probe_child(config, wanted, applied, write)
        except BaseException as exc:  # noqa: BLE001 - report anything, then leave
            found = {"probe": (False, f"the probe failed: {exc!r}")}
        os.write(write, json.dumps(found).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        raw = pipe.read()
    os.waitpid(pid, 0)
    return {**json.loads(raw or b"{}"), **found}


def _probe_child(config: Config, wanted: list[str], applied: list[str], keep_fd: int) -> dict[str, Any]:
    limits = config.limits
    found: dict[str, Any] = {}
    for name in ("pids-cgroup", "memory-cgroup"):  # checked first: /proc/self/cgroup goes with the root
        if name in applied:
            ok = _in_cgroup(config.cgroups[name])
            setting = (
                f"{limits.submission_processes} processes"
                if name == "pids-cgroup"
                else f"{limits.submission_memory // MiB} MiB of memory"
            )
            found[name] = (
                ok,
                f"all workers of one submission together: at most {setting}"
                if ok
                else f"joining {config.cgroups[name]} had no effect",
            )
    jail = Jail(config, [name for name in wanted if name != "pid-namespace"], strict=False)
    uid = jail.enter(Path(config.scratch, "probe"), [], [keep_fd])
    for name, reason in jail.failures.items():
        found[name] = (False, reason)
    if "pid-namespace" in wanted:
        ok = os.getpid() == 1
        found["pid-namespace"] = (
            ok,
            "one per worker: killing the worker kills every process it started"
            if ok
            else f"the probe is pid {os.getpid()}, not 1",
        )
    if "network-namespace" in applied:
        ok, what = _loopback_unreachable()
        found["network-namespace"] = (
            ok,
            "shared by a submission's workers: no network, not even 127.0.0.1" if ok else what,
        )
    if "mount-namespace" in jail.active:
        visible = sorted(os.listdir("/"))
        beside_grader = os.listdir(os.path.dirname(config.grader_dir))  # the course, when run from it
        ok = not os.path.exists("/etc/passwd") and beside_grader == [os.path.basename(config.grader_dir)]
        found["mount-namespace"] = (
            ok,
            f"/ is a {limits.disk // MiB} MiB tmpfs with the worker's folder, "
            "/tmp, /proc and, read-only, the interpreter and libraries"
            if ok
            else f"the machine's files are visible: / holds {visible}",
        )
    if "rlimits" in jail.active:
        ok = resource.getrlimit(resource.RLIMIT_AS)[0] == limits.address_space
        found["rlimits"] = (
            ok,
            f"per worker: {limits.cpu_seconds} s CPU, {limits.address_space // MiB} MiB "
            f"memory, files up to {limits.file_size // MiB} MiB, {limits.open_files} "
            f"open files, {limits.processes} processes, no core files"
            if ok
            else "setrlimit had no effect",
        )
    if "uid" in jail.active:
        ok = os.getresuid() == (uid, uid, uid)
        found["uid"] = (
            ok,
            "each worker has a uid of its own, without privileges (set-uid programs included)"
            if ok
            else "the uid did not change",
        )
    elif "uid" in jail.failures and "mount-namespace" not in jail.active:
        found["uid"] = (
            False,
            f"an unprivileged uid cannot read the interpreter or its folder "
            f"({jail.failures['uid']}), and without the mount namespace nothing "
            "can show them to it",
        )
    return found


def _in_cgroup(folder: str) -> bool:
    relative = "/" + str(Path(folder).relative_to(CGROUP_ROOT)).split("/", 1)[1]  # past the controller
    with open("/proc/self/cgroup") as own:
        return any(line.rstrip("\n").split(":", 2)[2] == relative for line in own)


def _loopback_unreachable() -> tuple[bool, str]:
    probe_socket = socket.socket()
    try:
        probe_socket.settimeout(1)
        probe_socket.connect(("127.0.0.1", 9))
    except OSError as exc:
        return exc.errno == errno.ENETUNREACH, f"connecting to 127.0.0.1 gave {exc}, not 'unreachable'"
    finally:
        probe_socket.close()
    return False, "127.0.0.1 is reachable: the namespace has a network"


# ---------------------------------------------------------------- cgroups (judge side)

CGROUP_ROOT = Path("/sys/fs/cgroup")
_CGROUP_FILES = {  # layer: (cgroup v1 controller, limit file, Limits field)
    "pids-cgroup": ("pids", "pids.max", "submission_processes"),
    "memory-cgroup": ("memory", "memory.limit_in_bytes", "submission_memory"),
}


def create_cgroups(limits: Limits, disable: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """A cgroup per controller for one submission's workers: ``(made, problems)``."""
    made, problems = {}, {}
    name = f"flask-grader-{os.getpid()}-{os.urandom(4).hex()}"
    for layer, (controller, limit_file, setting) in _CGROUP_FILES.items():
        if layer in disable:
            continue
        parent = _own_cgroup(controller)
        if parent is None:
            problems[layer] = f"no cgroup v1 {controller} hierarchy under {CGROUP_ROOT}"
            continue
        _sweep_stale(parent)
        folder = parent / name
        try:
            folder.mkdir()
            (folder / limit_file).write_text(str(getattr(limits, setting)))
        except OSError as exc:
            problems[layer] = f"cannot make a cgroup in {parent}: {exc.strerror}"
            remove_cgroups({layer: str(folder)}, wait=0)
            continue
        made[layer] = str(folder)
    return made, problems


def kill_cgroups(cgroups: dict[str, str]) -> None:
    """Kill every process left in the cgroups: escapees of workers that had no PID
    namespace to take them down (the pids limit bounds how many can be forking)."""
    for folder in cgroups.values():
        for _ in range(100):
            try:
                pids = [int(line) for line in Path(folder, "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def remove_cgroups(cgroups: dict[str, str], wait: float = 2.0) -> None:
    """Remove cgroups once their processes are gone (the kernel refuses before)."""
    deadline = time.monotonic() + wait
    for folder in cgroups.values():
        while True:
            try:
                os.rmdir(folder)
            except FileNotFoundError:
                pass
            except OSError:
                if time.monotonic() < deadline:
                    time.sleep(0.01)
                    continue
            break


def oom_kills(cgroups: dict[str, str]) -> int:
    """How many processes the memory cgroup's limit has killed so far."""
    folder = cgroups.get("memory-cgroup")
    try:
        for line in Path(folder or "", "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _own_cgroup(controller: str) -> Path | None:
    """Our folder in the cgroup v1 hierarchy of ``controller``, if it is mounted."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            folder = CGROUP_ROOT / controller / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


def _sweep_stale(parent: Path) -> None:
    """Remove the empty cgroups of judges that were killed before they could."""
    for folder in parent.glob("flask-grader-*-*"):
        try:
            os.kill(int(folder.name.split("-")[2]), 0)
        except ProcessLookupError:
            try:
                os.rmdir(folder)
            except OSError:
                pass
        except (ValueError, PermissionError):
            pass


# ---------------------------------------------------------------- killing (judge side)


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid``: a child takes that uid and signals all it may.
    Needed only without a PID namespace, to take a worker's escapees down with it."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
