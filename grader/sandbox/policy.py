"""What the sandbox promises, by which layers, and how a judge uses it.

The sandbox is stated as six guarantees (``GUARANTEES``). Each is kept by whichever
of several layers (mechanisms) work on this machine, so it holds as root on a VM, as
a plain user, and in a container without privileges alike:

* ``no-network``: a network namespace (each worker one of its own inside the zygote's,
  so workers cannot meet through abstract Unix sockets either); else the seccomp
  filter refusing IP sockets;
* ``no-files-outside``: a private root in a mount namespace; else Landlock;
* ``no-process-left``: a PID namespace per worker; else a uid of its own, killed as a
  whole; else a cgroup v2 per worker, killed with ``cgroup.kill``; else the zygote as
  a subreaper that kills whatever its workers leave;
* ``bounded-resources``: rlimits (and, for a submission's total, cgroups v1 or v2
  where writable: :mod:`grader.sandbox.cgroups`);
* ``no-reach``: no signal, trace or memory read of the judge, the zygote or another
  worker: a PID namespace, an own uid or Landlock's signal scope to hide or refuse
  them, and the seccomp filter or an own uid against ``ptrace``;
* ``small-kernel-surface``: the seccomp filter (:mod:`grader.sandbox.seccomp`).

Kernels and containers differ, so the zygote probes at start-up which layers work
(:mod:`grader.sandbox.probe`); workers then get every layer that works, and
``flask-grader doctor``, the result JSON and ``SECURITY.md`` name the guarantees and
the layers keeping each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MiB = 1024 * 1024

#: Every layer (mechanism), in the order ``doctor`` lists them.
LAYERS = (
    "rlimits",
    "user-namespace",
    "uid",
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "landlock",
    "seccomp",
    "subreaper",
    "pids-cgroup",
    "memory-cgroup",
    "kill-cgroup",
)
#: The layers that need Linux's namespaces, left off together by ``namespaces=False``.
NAMESPACES = frozenset({"user-namespace", "pid-namespace", "network-namespace", "mount-namespace"})

#: Worker uids start here, far above any account's (handed out by grader.sandbox.uids).
UID_BASE = 0x40000000


@dataclass(frozen=True)
class Guarantee:
    """A promise of the sandbox: met when each group of ``needs`` has an active layer."""

    name: str
    promise: str
    needs: tuple[frozenset[str], ...]
    enable: str  # what would make it hold where it does not
    also: frozenset[str] = frozenset()  # layers that make it stronger where they work, needed or not


_USERNS_HINT = (
    "run as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
    "user.max_user_namespaces=10000; on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0), "
    "or in Docker `--cap-add SYS_ADMIN --security-opt seccomp=unconfined`"
)
GUARANTEES = (
    Guarantee(
        "no-network",
        "learner code reaches no network, not even 127.0.0.1",
        (frozenset({"network-namespace", "seccomp"}),),
        f"a network namespace ({_USERNS_HINT}), or seccomp (Linux 3.5+ on x86-64 or arm64)",
    ),
    Guarantee(
        "no-files-outside",
        "learner code sees no file outside its folder; the interpreter is read-only",
        (frozenset({"mount-namespace", "landlock"}),),
        f"a mount namespace ({_USERNS_HINT}), or Landlock (Linux 5.13+ with lsm=landlock)",
    ),
    Guarantee(
        "no-process-left",
        "every process learner code starts is gone when its worker ends",
        (frozenset({"pid-namespace", "uid", "kill-cgroup", "subreaper"}),),
        f"a PID namespace ({_USERNS_HINT}), a uid per worker (root, or CAP_SETUID), a cgroup v2 subtree "
        "(root, or one delegated to the user: `systemd-run --user --scope -p Delegate=yes`), "
        "or a subreaper (Linux 3.4+)",
    ),
    Guarantee(
        "bounded-resources",
        "CPU, memory, processes, open files, file size and output are bounded",
        (frozenset({"rlimits"}),),
        "setrlimit (any Unix)",
        frozenset({"pids-cgroup", "memory-cgroup"}),  # a submission's total, beside each worker's
    ),
    Guarantee(
        "no-reach",
        "learner code cannot signal, trace or read the memory of the judge, the zygote or another worker",
        (frozenset({"pid-namespace", "uid", "landlock"}), frozenset({"seccomp", "uid"})),
        f"a PID namespace ({_USERNS_HINT}) or Landlock ABI 6 (Linux 6.12+), and seccomp",
    ),
    Guarantee(
        "small-kernel-surface",
        "learner code cannot make the system calls a web app never needs (ptrace, keyctl, bpf, io_uring, ...)",
        (frozenset({"seccomp"}),),
        "seccomp (Linux 3.5+ on x86-64 or arm64; in Docker, not `--security-opt seccomp=unconfined` alone: "
        "the filter stacks on Docker's)",
    ),
)
GUARANTEE_NAMES = tuple(guarantee.name for guarantee in GUARANTEES)


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
    whether learner code may run without every guarantee (a learner grading their own
    code may; batch grading may not, unless the instructor says so)."""

    disable: frozenset[str] = frozenset()
    require: bool = False
    #: False: behave as on a system without Linux's features (macOS, WSL1), to test
    #: that path on Linux: time limits, rlimits and process-group kill only.
    linux: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"disable": sorted(self.disable), "require": self.require, "linux": self.linux}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Policy:
        data = data or {}
        return cls(frozenset(data.get("disable", ())), bool(data.get("require", False)), bool(data.get("linux", True)))


@dataclass
class Layer:
    name: str
    active: bool = False
    detail: str = ""  # what it does when active, why it is off otherwise
    how: str = ""  # by what, when one layer has several ways: "cgroup v2, as root"


def reason(exc: Exception) -> str:
    """Why a layer failed, in a few words: ``unshare: Operation not permitted``."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)


@dataclass(frozen=True)
class Kept:
    """A guarantee on this machine: met or not, and by which active layers."""

    name: str
    met: bool
    by: tuple[str, ...]  # the active layers that keep it
    detail: str  # its promise when met; why not, and what would enable it, otherwise

    def to_dict(self) -> dict[str, Any]:
        return {"met": self.met, "by": list(self.by), "detail": self.detail}


def guarantees(layers: dict[str, Layer]) -> list[Kept]:
    """Each guarantee, kept or not by the ``layers`` that work here."""
    active = {name for name, layer in layers.items() if layer.active}
    kept = []
    for guarantee in GUARANTEES:
        helping = guarantee.also.union(*guarantee.needs)
        by = tuple(name for name in LAYERS if name in helping and name in active)
        unmet = [group for group in guarantee.needs if not group & active]
        if not unmet:
            hows = "; ".join(f"{name}: {layers[name].how}" for name in by if layers[name].how)
            kept.append(Kept(guarantee.name, True, by, f"{guarantee.promise} ({hows})" if hows else guarantee.promise))
            continue
        names = dict.fromkeys(name for group in unmet for name in LAYERS if name in group)
        why = "; ".join(f"{name}: {layers[name].detail}" for name in names)
        kept.append(Kept(guarantee.name, False, by, f"{why}. To enable: {guarantee.enable}"))
    return kept


def missing_guarantees(layers: dict[str, Layer]) -> list[Kept]:
    return [kept for kept in guarantees(layers) if not kept.met]


def describe(layers: dict[str, Layer]) -> str:
    """The guarantees and the layers as ``doctor`` prints them, one a line."""
    width = max(map(len, (*LAYERS, *GUARANTEE_NAMES)))
    lines = ["Guarantees:"]
    for kept in guarantees(layers):
        state = "met    " if kept.met else "MISSING"
        named = (f"{name} ({layers[name].how})" if layers[name].how else name for name in kept.by)
        by = f"by {', '.join(named)}" if kept.met else kept.detail
        lines.append(f"  {state}  {kept.name:{width}}  {by}")
    lines.append("Layers:")
    for name in LAYERS:
        layer = layers[name]
        lines.append(f"  {'active ' if layer.active else 'off    '}  {name:{width}}  {layer.detail}")
    return "\n".join(lines)
