"""Landlock: the kernel's file-access sandbox for unprivileged processes (Linux 5.13+).

Where a worker gets no private root (no mount namespace: a container without
CAP_SYS_ADMIN, a plain user whose user namespaces are refused), it restricts itself
with Landlock instead: read and execute beneath the interpreter, libraries and the
grader package, read and write in its own folder and a few devices, nothing anywhere
else (the course, its checks, other submissions, ``/tmp``, ``/proc``). From ABI 6 on,
the same ruleset also stops it signalling processes outside its domain (the judge, the
zygote, other workers) and connecting to abstract Unix sockets outside it.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable

from grader.sandbox.linux import syscall

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_ABI_FS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)  # rights that apply to a file itself
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
READ_ONLY = EXECUTE | READ_FILE | READ_DIR


def abi() -> int:
    """The Landlock ABI version of this kernel; 0 without Landlock."""
    try:
        return syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except OSError:
        return 0


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def restrict(read_only: Iterable[str], writable: Iterable[str]) -> int:
    """Confine the calling process (and all it starts) to these paths; returns the ABI used.
    Needs ``no_new_privs``; raises OSError when the kernel refuses."""
    version = abi()
    if version == 0:
        raise OSError(38, "Landlock is not available in this kernel")
    handled = _ABI_FS[min(version, 5)]
    attr = _RulesetAttr(handled, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if version >= 6 else 0)
    size = 24 if version >= 6 else 16 if version >= 4 else 8
    ruleset = syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        for paths, rights in ((read_only, READ_ONLY & handled), (writable, handled)):
            for path in paths:
                _allow(ruleset, path, rights)
        syscall(_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return version


def _allow(ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not os.path.isdir(path):
            rights &= _FILE_ONLY
        rule = _PathBeneath(rights, fd)
        syscall(
            _ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)
        )
    finally:
        os.close(fd)
