"""The Linux system calls the sandbox needs, through ``ctypes`` (Python 3.11 has no
``os.unshare``), so nothing needs installing. Each raises OSError when it fails or
does not exist on this platform."""

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
