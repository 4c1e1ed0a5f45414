"""A system-call filter (seccomp) that a worker installs just before learner code runs.

A deny-list, not an allow-list (``SECURITY.md`` argues why): every call an ordinary
Python program makes stays open, and these are refused with ``EPERM``:

* reaching other processes: ``ptrace``, ``process_vm_readv``/``writev``, ``kcmp``,
  ``pidfd_getfd``;
* kernel facilities a web app never needs, and the usual road to kernel bugs: the
  keyring, ``bpf``, ``userfaultfd``, ``io_uring``, ``perf_event_open``, kernel
  modules, ``kexec``, file handles, swap, the clock, ``reboot``, ``acct``, ``syslog``;
* System V shared memory, message queues and semaphores, which outlive a worker and
  are shared by all where there is no IPC namespace;
* namespaces and mounts: ``unshare``, ``setns``, ``clone`` with a namespace flag,
  ``mount`` and the new mount API, ``pivot_root``, ``chroot``; ``clone3`` answers
  ``ENOSYS`` (its flags cannot be inspected), so the C library falls back to ``clone``;
* sockets: ``socket`` succeeds only for TCP/UDP over IPv4/IPv6, and only when the
  worker's network namespace makes them reach nothing; netlink, packet, raw and Unix
  sockets are always refused (``socketpair`` stays, and so does the judge's socket).

The filter checks the architecture first: a call through another ABI (32-bit
``int 0x80``, x32) would bypass the numbers below, so it kills the process or fails.
Filters are inherited by every child and cannot be removed; a program may add its
own on top.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
from dataclasses import dataclass

from grader.sandbox.linux import prctl_pointer

# Numbers differ between architectures: x86-64's own table, and the generic one.
_SYSCALLS = {
    "x86_64": {
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438,
        "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321, "userfaultfd": 323,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "perf_event_open": 298,
        "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320,
        "open_by_handle_at": 304, "name_to_handle_at": 303, "swapon": 167, "swapoff": 168, "reboot": 169,
        "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "acct": 163,
        "syslog": 103, "quotactl": 179, "lookup_dcookie": 212, "fanotify_init": 300, "iopl": 172, "ioperm": 173,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
        "fsopen": 430, "fsmount": 432, "fspick": 433, "move_mount": 429, "open_tree": 428, "mount_setattr": 442,
        "shmget": 29, "msgget": 68, "semget": 64,
        "clone": 56, "clone3": 435, "socket": 41,
    },
    "aarch64": {
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438,
        "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280, "userfaultfd": 282,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "perf_event_open": 241,
        "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294,
        "open_by_handle_at": 265, "name_to_handle_at": 264, "swapon": 224, "swapoff": 225, "reboot": 142,
        "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171, "acct": 89,
        "syslog": 116, "quotactl": 60, "lookup_dcookie": 18, "fanotify_init": 262,
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
        "fsopen": 430, "fsmount": 432, "fspick": 433, "move_mount": 429, "open_tree": 428, "mount_setattr": 442,
        "shmget": 194, "msgget": 186, "semget": 190,
        "clone": 220, "clone3": 435, "socket": 198,
    },
}  # fmt: skip
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_X32_BIT = 0x40000000

#: What the worker's filter refuses (besides clone's namespace flags and most sockets).
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "keyctl", "add_key", "request_key", "bpf", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "perf_event_open",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "open_by_handle_at", "name_to_handle_at", "swapon", "swapoff", "reboot",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "acct", "syslog", "quotactl",
    "lookup_dcookie", "fanotify_init", "iopl", "ioperm",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
    "fsopen", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "shmget", "msgget", "semget",
)  # fmt: skip

CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
AF_INET, AF_INET6, SOCK_RAW, SOCK_TYPE_MASK = 2, 10, 3, 0xF

# Classic BPF, as seccomp runs it.
_LD_ABS, _JEQ, _JGE, _JSET, _JA, _AND, _RET = 0x20, 0x15, 0x35, 0x45, 0x05, 0x54, 0x06
_RET_KILL_PROCESS, _RET_ERRNO, _RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (low 32 bits of args)
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


class Unsupported(Exception):
    """This machine's architecture has no table here."""


@dataclass(frozen=True)
class Filter:
    """A deny-list filter: ``deny`` refused with EPERM, optionally clone's namespace
    flags, and sockets unless ``inet_sockets`` (TCP/UDP, IPv4/IPv6) are allowed."""

    deny: tuple[str, ...] = DENIED
    clone_namespaces: bool = True
    sockets: bool = True  # filter socket(); False leaves every family open
    inet_sockets: bool = False

    def program(self, machine: str | None = None) -> bytes:
        """The BPF program, as the bytes of ``struct sock_filter[]``."""
        machine = machine or platform.machine()
        if machine not in _SYSCALLS:
            raise Unsupported(f"no system-call table for {machine}")
        numbers = _SYSCALLS[machine]
        code = _Assembler()
        code.load(_ARCH)
        code.jump(_JEQ, _AUDIT_ARCH[machine], then="nr", otherwise="kill")
        code.label("nr")
        code.load(_NR)
        if machine == "x86_64":
            code.jump(_JGE, _X32_BIT, then="enosys", otherwise="next")
        for name in self.deny:
            if name in numbers:  # iopl and ioperm exist on x86 only
                code.jump(_JEQ, numbers[name], then="eperm", otherwise="next")
        if self.clone_namespaces:
            code.jump(_JEQ, numbers["clone3"], then="enosys", otherwise="next")
            code.jump(_JEQ, numbers["clone"], then="clone", otherwise="next")
        if self.sockets:
            code.jump(_JEQ, numbers["socket"], then="socket", otherwise="next")
        code.ret(_RET_ALLOW)
        if self.clone_namespaces:
            code.label("clone")
            code.load(_ARG0)
            code.jump(_JSET, CLONE_NAMESPACES, then="eperm", otherwise="allow")
        if self.sockets:
            code.label("socket")
            if self.inet_sockets:
                code.load(_ARG0)
                code.jump(_JEQ, AF_INET, then="socket_type", otherwise="next")
                code.jump(_JEQ, AF_INET6, then="socket_type", otherwise="eperm")
                code.label("socket_type")
                code.load(_ARG1)
                code.emit(_AND, 0, 0, SOCK_TYPE_MASK)
                code.jump(_JEQ, SOCK_RAW, then="eperm", otherwise="allow")
            else:
                code.ret(_RET_ERRNO | errno.EPERM)
        code.label("allow")
        code.ret(_RET_ALLOW)
        code.label("eperm")
        code.ret(_RET_ERRNO | errno.EPERM)
        code.label("enosys")
        code.ret(_RET_ERRNO | errno.ENOSYS)
        code.label("kill")
        code.ret(_RET_KILL_PROCESS)
        return code.assemble()

    def install(self) -> None:
        """Install the filter on the calling thread (inherited by all it starts). Needs
        ``no_new_privs`` or CAP_SYS_ADMIN; raises OSError or Unsupported."""
        program = self.program()
        buffer = ctypes.create_string_buffer(program, len(program))

        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
        prctl_pointer(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog))


class _Assembler:
    """Instructions with jumps to named labels, resolved to BPF's relative offsets."""

    def __init__(self) -> None:
        self.code: list[tuple[int, object, object, int]] = []
        self.labels: dict[str, int] = {}

    def emit(self, op: int, jt: object, jf: object, k: int) -> None:
        self.code.append((op, jt, jf, k))

    def load(self, offset: int) -> None:
        self.emit(_LD_ABS, 0, 0, offset)

    def jump(self, op: int, k: int, then: str, otherwise: str) -> None:
        self.emit(op, then, otherwise, k)

    def ret(self, value: int) -> None:
        self.emit(_RET, 0, 0, value)

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def assemble(self) -> bytes:
        out = bytearray()
        for index, (op, jt, jf, k) in enumerate(self.code):
            offsets = [self._offset(target, index) for target in (jt, jf)]
            out += struct.pack("=HBBI", op, offsets[0], offsets[1], k)
        return bytes(out)

    def _offset(self, target: object, index: int) -> int:
        if isinstance(target, int):
            return target
        if target == "next":
            return 0
        offset = self.labels[str(target)] - index - 1
        assert 0 <= offset < 256, "a BPF jump reaches at most 255 instructions ahead"
        return offset
