"""The layers a freshly forked worker applies to itself before learner code runs:
a private root (or Landlock), resource limits, its own uid (or, in a user namespace,
no capabilities), and last the system-call filter."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from grader.sandbox import landlock, nofollow, seccomp, uids
from grader.sandbox.linux import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    KEYCTL_JOIN_SESSION_KEYRING,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
    PR_SET_DUMPABLE,
    PR_SET_NO_NEW_PRIVS,
    available,
    drop_capabilities,
    keyctl,
    mount,
    prctl,
    unshare,
)
from grader.sandbox.policy import reason
from grader.sandbox.protocol import ZygoteConfig


class IsolationError(Exception):
    """A layer that works on this machine failed for one worker, which must not run."""


class FilesTooLarge(Exception):
    """The files to copy into a worker's folder exceed its disk."""


class Jail:
    """Applies layers to the calling process, a freshly forked worker that is still root.

    Strict (a worker): a failing layer raises IsolationError, and learner code never
    runs. Not strict (the probe): a failing layer is noted in ``failures`` and skipped.
    """

    def __init__(self, config: ZygoteConfig, layers: Iterable[str], strict: bool = True) -> None:
        self.config = config
        self.limits = config.limits
        self.active = set(layers)
        if "user-namespace" in self.active:
            self.active.discard("uid")  # the namespace maps one uid: ours
        if "mount-namespace" in self.active:
            self.active.discard("landlock")  # the private root keeps every other file out
        self.strict = strict
        self.failures: dict[str, str] = {}
        self.timings: dict[str, float] = {}  # seconds each layer took to apply (benchmarks)

    def enter(
        self, workdir: Path, files: Iterable[tuple[str, str]], keep_fds: Iterable[int], uid: int | None = None
    ) -> int:
        """Apply the layers, leaving the process in ``workdir`` (holding copies of
        ``files``) as the worker's ``uid`` (from :func:`grader.sandbox.uids.allocate`;
        one is allocated when None); returns that uid."""
        uid = uids.allocate() if uid is None else uid
        _be_killed_first()
        if not self._step("mount-namespace", lambda: self._private_root(workdir, files, uid)):
            workdir.mkdir(parents=True, exist_ok=True)
            copy_files(files, workdir, self.limits.disk // 2)
            self._step("uid", lambda: os.chown(workdir, uid, uid))  # refused to a plain user
        _close_fds_except(keep_fds)
        self._step("rlimits", self._set_rlimits)
        os.chdir(workdir)
        _own_session_keyring()
        self._step("network-namespace", _own_network)
        self._step("uid", lambda: _drop_privileges(uid, workdir))
        # Give up the namespace's capabilities (used to build the root), and become
        # undumpable: our uid is the judge's, yet nothing of ours, /proc/self/environ
        # (the judge's environment) included, is readable or traceable by that uid.
        self._step("user-namespace", lambda: (drop_capabilities(), prctl(PR_SET_DUMPABLE, 0)))
        self._step("landlock", lambda: self._landlock(workdir))
        self._step("seccomp", self._filter)
        return uid

    def _landlock(self, workdir: Path) -> None:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        devices = [f"/dev/{name}" for name in ("null", "zero", "full", "random", "urandom")]
        landlock.restrict(readonly_paths(self.config.grader_dir), [str(workdir), *devices])

    def _filter(self) -> None:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        # IP sockets reach nothing in the network namespace; without one, they are refused.
        seccomp.Filter(inet_sockets="network-namespace" in self.active).install()

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
        # The folders on the way to the worker's (its full path, as outside) are only a
        # path: nobody may write there, the worker's own uid in a user namespace included.
        for folder in inside.parents:
            if str(folder) in (root, f"{root}/tmp") or not str(folder).startswith(root):
                break
            os.chmod(folder, 0o555)
        copy_files(files, inside, self.limits.disk // 2)
        if "uid" in self.active:
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

    course = os.path.dirname(os.path.normpath(grader_dir))
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
        # Where the interpreter imports from (a .pth file may add folders), but never the
        # course holding the grader package, nor a folder above it.
        *(
            path
            for path in sys.path
            if os.path.isabs(path) and not (course + "/").startswith(os.path.normpath(path).rstrip("/") + "/")
        ),
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
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | _locked_flags(source))


def _locked_flags(path: str) -> int:
    """The flags of the mount holding ``path`` that a user namespace may not clear
    (noexec, atime): a remount without them is refused there."""
    flags = os.statvfs(path).f_flag
    return sum(mount_flag for st_flag, mount_flag in _LOCKED if flags & st_flag)


_LOCKED = ((os.ST_NOEXEC, 8), (os.ST_NOATIME, 1024), (os.ST_NODIRATIME, 2048), (os.ST_RELATIME, 1 << 21))


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


def _own_network() -> None:
    """A network namespace of the worker's own, inside the zygote's (which has none to
    reach either): abstract Unix sockets live in a network namespace, so one check's
    app can no longer reach another's through them. Costs about a millisecond."""
    unshare(CLONE_NEWNET)


def _own_session_keyring() -> None:
    """Join a new, empty session keyring: the grader's (an ssh or PAM session's, with
    an instructor's keys) is then out of reach, and so are notes an earlier worker
    left in its own. (A worker's user keyring goes with its uid, never reused while
    keys of it live: :mod:`grader.sandbox.uids`.) Where keyctl is refused (a seccomp
    filter, as in Docker) the keyrings are out of reach anyway."""
    try:
        keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EPERM, errno.EACCES):
            raise


def _be_killed_first() -> None:
    """When memory runs out, the kernel kills a worker, never the zygote or the judge."""
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("1000")
    except OSError:
        pass


def _close_fds_except(keep: Iterable[int]) -> None:
    low = 3
    for fd in sorted(set(keep)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)


def _drop_privileges(uid: int, workdir: Path) -> None:
    if not available():  # a uid per worker is Linux's way here (macOS has no setresuid)
        raise OSError(errno.ENOSYS, "no Linux features in this run")
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
