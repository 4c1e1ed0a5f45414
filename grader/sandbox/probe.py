"""Which layers work on this machine: applied in a throwaway child exactly as a worker
applies them, and each checked by its effect."""

from __future__ import annotations

import errno
import json
import os
import resource
import socket
from pathlib import Path
from typing import Any

from grader.sandbox import cgroups, landlock
from grader.sandbox.jail import Jail, readonly_paths
from grader.sandbox.linux import fork_into_new_pid_namespace, fork_through_intermediate
from grader.sandbox.policy import LAYERS, Layer, MiB, reason
from grader.sandbox.protocol import ZygoteConfig

#: The layers the probe applies in its child; the zygote applies the others to itself.
PROBED = ("pid-namespace", "mount-namespace", "rlimits", "uid", "seccomp", "landlock")
#: What a layer that is not needed says, by the layer that makes it so.
NOT_NEEDED = {
    "uid": (
        "user-namespace",
        "not used: the user namespace maps the grader's uid alone; the namespaces isolate workers",
    ),
    "landlock": ("mount-namespace", "not needed: the private root keeps every other file out"),
}


def probe(config: ZygoteConfig, known: dict[str, Layer]) -> dict[str, Layer]:
    """Which layers work here: a throwaway child applies them as a worker would, then
    checks the effect of each, and of the ``known`` layers the zygote applied itself.

    Layers depend on each other (a uid can read the interpreter only when the mount
    namespace shows it), so when one fails the others are probed again without it.
    """
    layers = {name: known.get(name) or Layer(name) for name in LAYERS}
    applied = [name for name, layer in known.items() if layer.active]
    wanted = []
    for name in PROBED:
        if name in config.disable:
            layers[name].detail = "disabled for this run"
        elif name == "uid" and "user-namespace" in applied:
            layers[name].detail = NOT_NEEDED[name][1]
        elif name != "landlock":  # probed only where there is no private root (below)
            wanted.append(name)
    for _ in PROBED:
        found = _probe_once(config, wanted, applied)
        for name in [*wanted, *(name for name in applied if name in found or "probe" in found)]:
            layers[name].active, layers[name].detail = found.get(name) or found.get(
                "probe", (False, "the probe reported nothing")
            )
        failed = [name for name in wanted if not layers[name].active]
        if not failed:
            break
        wanted = [name for name in wanted if name not in failed]
    if "landlock" not in config.disable:
        if layers["mount-namespace"].active:
            layers["landlock"].detail = NOT_NEEDED["landlock"][1]
        else:
            found = _probe_once(config, [*wanted, "landlock"], applied)
            layers["landlock"].active, layers["landlock"].detail = found.get("landlock") or found.get(
                "probe", (False, "the probe reported nothing")
            )
    for name in cgroups.LAYERS:  # which hierarchy, and whose: for doctor and the result JSON
        if layers[name].active:
            layers[name].how = config.cgroup_kinds.get(name, "")
    return layers


def _probe_once(config: ZygoteConfig, wanted: list[str], applied: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    read, write = os.pipe()
    pid = None
    if "pid-namespace" in wanted:
        try:
            if "user-namespace" in applied:
                pid = fork_through_intermediate()
            else:
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
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass  # not ours to wait for: inherited by a subreaper, or by init

    return {**json.loads(raw or b"{}"), **found}


def _probe_child(config: ZygoteConfig, wanted: list[str], applied: list[str], keep_fd: int) -> dict[str, Any]:
    limits = config.limits
    found: dict[str, Any] = {}
    for name in cgroups.LAYERS:  # checked first: /proc/self/cgroup goes with the root
        if name in applied:
            ok = cgroups.holds_self(config.cgroups[name])
            kind = f"{config.cgroup_kinds.get(name, 'a cgroup')}: {config.cgroups[name]}"
            if name == "kill-cgroup":
                does = (
                    "where no PID namespace or uid of its own does, each worker in a leaf of its own, "
                    + (
                        "killed as a whole with cgroup.kill when it ends"
                        if Path(config.cgroups[name], "cgroup.kill").exists()
                        else "frozen and killed process by process when it ends (no cgroup.kill before Linux 5.14)"
                    )
                    + "; the submission's cgroup killed as a whole at its end"
                )
            else:
                setting = (
                    f"{limits.submission_processes} processes"
                    if name == "pids-cgroup"
                    else f"{limits.submission_memory // MiB} MiB of memory"
                )
                does = f"all workers of one submission together: at most {setting}"
            does = f"{does} ({kind})"
            found[name] = (ok, does if ok else f"joining {config.cgroups[name]} had no effect")
    jail = Jail(config, [*(name for name in wanted if name != "pid-namespace"), *applied], strict=False)
    uid = jail.enter(Path(config.scratch, "probe"), [], [keep_fd])
    for name, why in jail.failures.items():
        found[name] = (False, why)
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
            "one per worker: no network, not even 127.0.0.1, and no other worker's abstract sockets" if ok else what,
        )
    if "mount-namespace" in jail.active:
        visible = sorted(os.listdir("/"))
        # The course, when the grader is run from it: only what was bound may be there
        # (the grader package, and a virtual environment kept in the course).
        parent = os.path.dirname(config.grader_dir)
        bound = {os.path.relpath(path, parent).split(os.sep)[0] for path in readonly_paths(config.grader_dir)}
        ok = not os.path.exists("/etc/passwd") and set(os.listdir(parent)) <= bound
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
    if "user-namespace" in applied:
        ok = _no_capabilities()
        found["user-namespace"] = (ok, _USERNS_DETAIL if ok else "capabilities are left after dropping them")
    if "seccomp" in jail.active:
        ok, what = _filter_refuses()
        found["seccomp"] = (
            ok,
            "a deny-list: ptrace, process_vm_*, keyctl, bpf, userfaultfd, io_uring, perf_event_open, "
            "namespaces and mounts, netlink, packet, raw and Unix sockets"
            + ("" if "network-namespace" in applied else ", IP sockets")
            + " refused"
            if ok
            else what,
        )
    if "landlock" in jail.active:
        try:
            os.listdir("/")
            ok, what = False, "/ is still readable"
        except PermissionError:
            ok, what = True, ""
        found["landlock"] = (
            ok,
            f"Landlock ABI {landlock.abi()}: read-only interpreter and libraries, the worker's folder, "
            "nothing else" + (", and no signal or abstract socket outside the worker" if landlock.abi() >= 6 else "")
            if ok
            else what,
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


_USERNS_DETAIL = (
    "the grader's own uid, alone in a namespace of its own: workers build their namespaces in it, "
    "then give up every capability"
)


def _no_capabilities() -> bool:
    with open("/proc/self/status") as status:
        fields = dict(line.split(":\t", 1) for line in status.read().splitlines() if ":\t" in line)
    return all(int(fields.get(name, "0").strip(), 16) == 0 for name in ("CapEff", "CapPrm", "CapBnd"))


def _filter_refuses() -> tuple[bool, str]:
    """The filter refuses a netlink socket, which any process may otherwise open."""
    try:
        socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).close()
    except PermissionError:
        return True, ""
    except OSError as exc:
        return False, f"a netlink socket failed with {exc}, not EPERM"
    return False, "a netlink socket could be opened"


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
