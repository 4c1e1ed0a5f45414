"""cgroups for one submission's workers, made, killed and removed by the judge."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

from grader.sandbox.policy import Limits

CGROUP_ROOT = Path("/sys/fs/cgroup")
#: The cgroup layers, each a controller's limit on all workers of one submission.
LAYERS = ("pids-cgroup", "memory-cgroup")
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
