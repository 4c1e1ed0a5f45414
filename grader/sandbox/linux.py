"""The Linux system calls the sandbox needs, through ``ctypes`` (Python 3.11 has no
``os.unshare``), so nothing needs installing. Each raises OSError when it fails or
does not exist on this platform.

:func:`forgo` makes them all fail as they do on macOS, so that the grader's path for
machines without Linux features is tested on Linux.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import sys
from typing import Any

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV = 1, 2, 4
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER = 1, 38, 24, 36
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_DUMPABLE = 47, 4, 4
_forgone = False


def forgo() -> None:
    """From now on, behave as a system without Linux's features (macOS, WSL1)."""
    global _forgone
    _forgone = True


def available() -> bool:
    return not _forgone and sys.platform.startswith("linux")


def _call(name: str, *args: Any) -> int:
    """Call libc's ``name``; OSError when it fails or does not exist (not Linux)."""
    if _forgone:
        raise OSError(errno.ENOSYS, f"{name}: no Linux features in this run")
    function = getattr(_libc, name, None)
    if function is None:
        raise OSError(errno.ENOSYS, f"{name}: not available on {sys.platform}")
    result = function(*args)
    if result == -1 or (name != "syscall" and result != 0):
        code = ctypes.get_errno()
        raise OSError(code, f"{name}: {os.strerror(code)}")
    return int(result)


def syscall(number: int, *args: Any) -> int:
    """A system call that libc has no wrapper for; its result, or OSError."""
    return _call("syscall", ctypes.c_long(number), *args)


#: keyctl(2) operations, and the syscall's number (glibc has no wrapper).
KEYCTL_JOIN_SESSION_KEYRING = 1
_SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine, -1) if hasattr(os, "uname") else -1


def keyctl(operation: int, *args: Any) -> int:
    """The keyctl system call; OSError when it fails or this machine has none."""
    if _SYS_KEYCTL < 0:
        raise OSError(errno.ENOSYS, "keyctl: not available here")
    result = _libc.syscall(_SYS_KEYCTL, ctypes.c_long(operation), *args)
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, f"keyctl: {os.strerror(code)}")
    return int(result)


def unshare(flags: int) -> None:
    _call("unshare", flags)


def setns(fd: int, flags: int) -> None:
    _call("setns", fd, flags)


def prctl(option: int, value: int) -> None:
    _call("prctl", option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


def prctl_pointer(option: int, value: int, pointer: int) -> None:
    _call("prctl", option, ctypes.c_ulong(value), ctypes.c_void_p(pointer), ctypes.c_ulong(0), ctypes.c_ulong(0))


def enter_user_namespace() -> None:
    """Become the only user of a new user namespace, keeping our uid and gid: as bubblewrap
    does, this gives an unprivileged process the capabilities to make the other namespaces
    (in them only), which :func:`drop_capabilities` then gives up."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER)
    for name, line in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as map_file:
            map_file.write(line)


def drop_capabilities() -> None:
    """Give up every capability, for good: the bounding and ambient sets too, so that
    no program run later gets one back."""
    for capability in range(64):
        try:
            prctl(PR_CAPBSET_DROP, capability)
        except OSError:
            break  # past the last capability this kernel knows (EINVAL)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    _call(
        "prctl",
        PR_CAP_AMBIENT,
        ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
        ctypes.c_ulong(0),
    )
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: two words
    _call("capset", ctypes.byref(header), ctypes.byref(data))


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


def fork_through_intermediate() -> int:
    """Like :func:`fork_into_new_pid_namespace`, for a process that could not ``setns``
    back into its own PID namespace (it is in a user namespace that does not own it):
    a short-lived intermediate makes the namespace and forks the child, which is then
    inherited by the caller (a subreaper). Costs one more fork."""
    report_read, report_write = os.pipe()
    gone_read, gone_write = os.pipe()
    middle = os.fork()
    if middle == 0:
        child = -1
        try:
            os.close(report_read)
            unshare(CLONE_NEWPID)
            child = os.fork()
            if child == 0:
                os.close(report_write)
                os.close(gone_write)
                os.read(gone_read, 1)  # EOF once the caller has reaped the intermediate: we are its child
                os.close(gone_read)
                return 0
            os.write(report_write, str(child).encode())
        finally:
            if child != 0:  # the intermediate, done or failed
                os._exit(0)
    os.close(report_write)
    os.close(gone_read)
    try:
        with os.fdopen(report_read, "rb") as report:
            raw = report.read()
    finally:
        try:
            os.waitpid(middle, 0)
        except ChildProcessError:
            pass  # reaped by the kernel: the caller ignores SIGCHLD
        # Only now is the child ours: set before, its parent-death signal would fire
        # when the intermediate's exit hands it over.
        os.close(gone_write)
    if not raw:
        raise OSError(errno.EPERM, "unshare: the PID namespace could not be made")
    return int(raw)
