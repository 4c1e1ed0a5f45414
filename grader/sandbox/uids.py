"""Worker uids that are never reused while anything of them lives.

A worker runs as a uid of its own, so that it cannot signal, trace or read
another, and so that everything it started can be killed by uid. Deriving the
uid from the worker's pid is not enough: pids wrap (``kernel.pid_max``), and two
graders in different PID namespaces (two containers) have the same pids. So uids
are handed out by an allocator that every grader on the machine shares: a
counter in :data:`STATE_DIR`, advanced under an exclusive ``flock``, over
:data:`COUNT` uids from :data:`UID_BASE`. A uid comes round again only after the
whole range has been used (a billion workers); even then it is skipped while a
process of it runs or the kernel keeps keys of it (``/proc/key-users``).
Without a writable state folder (a plain user, who cannot use the uid layer
anyway), uids come from a per-process counter started at a random offset.

Clean-up by uid (:func:`kill_uid`) can therefore never reach another worker.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path

from grader.sandbox.policy import UID_BASE

#: How many uids workers use, from UID_BASE: up to just below 2**31, which some tools treat as negative.
COUNT = 0x3FFF0000
#: Where the counter lives, shared by every grader on the machine (containers that
#: share the host's uids should share this folder too); /var/lib survives reboots.
STATE_DIR = Path("/var/lib/flask-grader")

_fallback = secrets.randbelow(COUNT)


def allocate() -> int:
    """A worker uid that no live worker of any grader on this machine has."""
    try:
        STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(STATE_DIR / "uids", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError:
        return _next_fallback()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fields = os.pread(fd, 64, 0).decode("ascii", "replace").split()
        if len(fields) == 2 and all(field.isdigit() for field in fields):
            offset, rounds = int(fields[0]), int(fields[1])
        else:  # a new (or lost) counter starts after every worker uid that runs now
            offset, rounds = max((uid - UID_BASE + 1 for uid in live_uids()), default=0), 0
        for _ in range(64):
            uid = UID_BASE + offset
            offset += 1
            if offset == COUNT:
                offset, rounds = 0, rounds + 1
            # In the first round every uid is new; later, one is skipped while it lives.
            # (Looking costs a scan of every process, milliseconds: only after a round.)
            if rounds == 0 or not in_use(uid):
                break
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{offset} {rounds}\n".encode(), 0)
        return uid
    finally:
        os.close(fd)  # releases the lock


def _next_fallback() -> int:
    global _fallback
    _fallback = (_fallback + 1) % COUNT
    return UID_BASE + _fallback


def in_use(uid: int) -> bool:
    """Whether a process of ``uid`` runs, or the kernel keeps keys of it."""
    return uid in key_users() or uid in live_uids()


def live_uids() -> set[int]:
    """The worker uids that processes on this machine run as."""
    found = (_uid_of(pid) for pid in os.listdir("/proc") if pid.isdigit())
    return {uid for uid in found if uid is not None and uid >= UID_BASE}


def key_users() -> set[int]:
    """The uids the kernel keeps keys or keyrings of."""
    try:
        with open("/proc/key-users") as users:
            return {int(line.split(":")[0]) for line in users if ":" in line}
    except (OSError, ValueError):
        return set()


def _uid_of(pid: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
