"""What the sandbox promises and how a judge uses it: the layers, the limits, the policy.

Learner code is untrusted, so every worker runs behind independent layers
(``SECURITY.md`` says what each one stops, and what none of them stops):

* ``rlimits``: CPU time, address space, file size, open files, processes, no core files;
* ``uid``: each worker runs as its own unprivileged uid: no root privileges, its own
  ``RLIMIT_NPROC`` count, and all its processes can be killed at once;
* ``pid-namespace``: each worker is PID 1 of its own PID namespace, so killing it kills
  everything it started, double-forked ``setsid`` escapees included, and it sees no
  other process;
* ``network-namespace``: the zygote has an empty network namespace, without even a
  loopback that is up, and each worker one of its own inside it (so workers cannot
  meet through abstract Unix sockets either);
* ``mount-namespace``: each worker's ``/`` is a small tmpfs holding its own folder, the
  interpreter and system libraries (read-only), ``/tmp`` and a fresh ``/proc``; checks,
  solutions, other submissions, results and home folders are not in it;
* ``pids-cgroup``, ``memory-cgroup``: bounds on all workers of one submission together.

Kernels and containers differ, so the zygote probes at start-up which layers work
(:mod:`grader.sandbox.probe`); workers then get every layer that works, and
``flask-grader doctor`` prints the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

#: Worker uids start here, far above any account's (handed out by grader.sandbox.uids).
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
