"""cgroups for one submission's workers, made, killed and removed by the judge.

A submission's cgroups bound all its workers together (processes, memory) and hold
every process they start, so that killing a cgroup leaves nothing behind. Linux has
two kinds of hierarchy, and a machine may have both (a hybrid host):

* **cgroup v1**, a hierarchy per controller: the submission's cgroup is made under
  the judge's own in the pids and in the memory hierarchy (in practice, root only).
* **cgroup v2**, one unified hierarchy, found in ``/proc/self/mountinfo`` wherever
  it is mounted. As root, a per-grader parent is made at the hierarchy's root; as a
  plain user, in the subtree delegated to the user (systemd's ``Delegate=yes``): the
  cgroup the grader already sits in, when it may write there. The parent holds one
  cgroup per submission (``pids.max``, ``memory.max``, ``memory.swap.max``), killed
  as a whole when the submission ends. Where no PID namespace or uid of its own
  takes a worker's processes down, each worker also gets a leaf in it, which the
  judge kills with ``cgroup.kill`` (Linux 5.14+; before, freezing it and killing
  each process) as soon as the worker ends.

Each controller comes from the hierarchy that holds it (the kernel gives a controller
to one hierarchy at a time). A v2 cgroup holds processes even without a controller,
so ``kill-cgroup`` works wherever the unified hierarchy is writable.

Stale cgroups, left by graders killed before they could remove theirs, are named
``flask-grader-PID-PIDNS-...``: each judge removes those of its own PID namespace
whose PID is gone, killing what they still hold first. A grader in another PID
namespace (a container sharing the hierarchy) has PIDs this one cannot see, so its
cgroups are never taken for stale.
"""

from __future__ import annotations

import atexit
import errno
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.sandbox.policy import Limits

#: The cgroup layers: a controller's limit on all workers of one submission, and the
#: unified hierarchy's cgroup that holds (and kills) every process of each worker.
LAYERS = ("pids-cgroup", "memory-cgroup", "kill-cgroup")
_CONTROLLERS = {"pids-cgroup": "pids", "memory-cgroup": "memory"}
_V1_LIMITS = {"pids": ("pids.max", "submission_processes"), "memory": ("memory.limit_in_bytes", "submission_memory")}
_V2_LIMITS = {"pids": ("pids.max", "submission_processes"), "memory": ("memory.max", "submission_memory")}
#: What a plain user would run to get a cgroup delegated (systemd hosts).
_DELEGATE_HINT = "run the grader under `systemd-run --user --scope -p Delegate=yes flask-grader ...`"


@dataclass(frozen=True)
class Mount:
    """A mounted cgroup hierarchy."""

    path: Path  # where it is mounted
    root: str  # the cgroup of the hierarchy shown at ``path`` ("/" unless bind-mounted)
    version: int  # 1 or 2
    options: frozenset[str]  # v1: its controllers (among other options)

    def folder(self, cgroup: str) -> Path | None:
        """Where ``cgroup`` (a path as /proc/self/cgroup gives it) is under this mount."""
        if self.root != "/" and cgroup != self.root and not cgroup.startswith(self.root + "/"):
            return None
        return self.path / os.path.relpath(cgroup, self.root)


def mounts(mountinfo: str | None = None) -> list[Mount]:
    """The cgroup hierarchies in ``mountinfo`` (by default, this process's)."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return []
    found = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        rest = fields[fields.index("-", 6) + 1 :]
        if len(rest) < 3 or rest[0] not in ("cgroup", "cgroup2"):
            continue
        found.append(
            Mount(
                Path(_unescape(fields[4])),
                _unescape(fields[3]),
                2 if rest[0] == "cgroup2" else 1,
                frozenset(rest[2].split(",")),
            )
        )
    return found


def own_cgroups(text: str | None = None) -> dict[str, str]:
    """This process's cgroup in each hierarchy: by v1 controller, and ``""`` for v2."""
    if text is None:
        try:
            text = Path("/proc/self/cgroup").read_text()
        except OSError:
            return {}
    own = {}
    for line in text.splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0" and not controllers:
            own[""] = path
        for controller in filter(None, controllers.split(",")):
            own[controller] = path
    return own


def holds_self(folder: str) -> bool:
    """Whether this process is in the cgroup ``folder`` (read before any mount namespace)."""
    own = own_cgroups()
    for mount in mounts():
        if mount.version == 2:
            keys = [""]
        else:
            keys = [option for option in mount.options if option in own and option != ""]
        for key in keys:
            if key in own and mount.folder(own[key]) == Path(folder):
                return True
    return False


# ------------------------------------------------------------------ making


class _Unavailable(Exception):
    """Why a hierarchy gives no cgroup here, in a sentence for doctor."""


@dataclass
class _Parent:
    """The per-grader parent in the unified hierarchy, made once per process."""

    pid: int
    folder: Path
    how: str  # by what, for doctor and the result JSON: "cgroup v2, as root" (no path: results are reproducible)
    controllers: frozenset[str]  # those its children get
    unavailable: dict[str, str]  # controller: why not


_parent: _Parent | None = None
_parent_lock = threading.Lock()  # judges in threads share the parent


def create_cgroups(limits: Limits, disable: Iterable[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The cgroups of one submission's workers: ``(folders, problems, kinds)``, each by
    layer: the cgroup's folder, why there is none, and by what it is kept (for doctor)."""
    made: dict[str, str] = {}
    problems: dict[str, str] = {}
    kinds: dict[str, str] = {}
    wanted = [layer for layer in LAYERS if layer not in disable]
    if not wanted:
        return made, problems, kinds
    found, own = mounts(), own_cgroups()
    submission, unified, why_not_v2 = None, None, "no cgroup2 hierarchy is mounted"
    unified_mount = next((mount for mount in found if mount.version == 2 and "" in own), None)
    if unified_mount is not None:
        try:
            unified = _grader_parent(unified_mount, own[""])
            submission = unified.folder / f"submission-{os.urandom(4).hex()}"
            submission.mkdir()
        except _Unavailable as exc:
            why_not_v2 = str(exc)
        except OSError as exc:
            why_not_v2 = f"cannot make a cgroup in {unified.folder if unified else unified_mount.path}: {exc.strerror}"
            submission = None
    name = grader_cgroup_name()
    for layer in wanted:
        controller = _CONTROLLERS.get(layer)
        if controller is None:  # kill-cgroup: the unified hierarchy, controllers or not
            if submission is not None and unified is not None:
                made[layer], kinds[layer] = str(submission), unified.how
            else:
                problems[layer] = why_not_v2
            continue
        if submission is not None and unified is not None and controller in unified.controllers:
            limit_file, setting = _V2_LIMITS[controller]
            try:
                _write(submission / limit_file, getattr(limits, setting))
                if controller == "memory" and (submission / "memory.swap.max").exists():
                    _write(submission / "memory.swap.max", 0)  # the limit is of memory, not of memory and swap
            except OSError as exc:
                problems[layer] = f"cannot set {limit_file} in {submission}: {exc.strerror}"
                continue
            made[layer], kinds[layer] = str(submission), unified.how
            continue
        v1 = next((mount for mount in found if mount.version == 1 and controller in mount.options), None)
        if v1 is None:
            v2 = why_not_v2 if unified is None else unified.unavailable.get(controller, why_not_v2)
            problems[layer] = f"no cgroup v1 {controller} hierarchy is mounted, and in cgroup v2: {v2}"
            continue
        folder, problem = _v1_cgroup(v1, own.get(controller), name, controller, limits)
        if folder is None:
            v2 = why_not_v2 if unified is None else unified.unavailable.get(controller, why_not_v2)
            problems[layer] = f"{problem}; and in cgroup v2: {v2}"
        else:
            made[layer] = str(folder)
            kinds[layer] = "cgroup v1, " + ("as root" if os.geteuid() == 0 else f"as uid {os.geteuid()}")
    if submission is not None and str(submission) not in made.values():
        _rmdir(submission)
    return made, problems, kinds


def _v1_cgroup(mount: Mount, own: str | None, name: str, controller: str, limits: Limits) -> tuple[Path | None, str]:
    parent = mount.folder(own) if own is not None else None
    if parent is None or not parent.is_dir():
        return None, f"this process's cgroup in the v1 {controller} hierarchy is not visible at {mount.path}"
    _sweep_stale(parent)
    folder = parent / name
    limit_file, setting = _V1_LIMITS[controller]
    try:
        folder.mkdir()
        _write(folder / limit_file, getattr(limits, setting))
    except OSError as exc:
        _rmdir(folder)
        return None, f"cannot make a cgroup in {parent} (cgroup v1): {exc.strerror}"
    return folder, ""


def _grader_parent(mount: Mount, own: str) -> _Parent:
    """This grader's parent cgroup in the unified hierarchy, made on first use.

    As root it sits at the hierarchy's root, which may hold processes and still give
    controllers to its children. Anywhere else cgroup v2 forbids that ("no internal
    processes"): a cgroup whose children get controllers holds no process itself. So a
    plain user's grader first moves itself into a leaf of its parent (``judge``), then
    enables the controllers in the delegated cgroup it left.
    """
    global _parent
    with _parent_lock:
        if _parent is not None and _parent.pid == os.getpid() and _parent.folder.is_dir():
            return _parent
        current = mount.folder(own)
        if current is None:
            raise _Unavailable(f"this process's cgroup {own} is not visible at {mount.path}")
        if os.geteuid() == 0 and mount.root == "/":
            base, how = mount.path, "cgroup v2, as root"
        else:
            base = current
            if base.name == "judge" and base.parent.name.startswith("flask-grader-"):
                base = base.parent.parent  # started by a grader that moved itself there
            how = f"cgroup v2, a subtree delegated to uid {os.geteuid()}"
            if not (os.access(base, os.W_OK) and os.access(base / "cgroup.procs", os.W_OK)):
                raise _Unavailable(
                    f"{base} is not writable by uid {os.geteuid()}: no cgroup is delegated to it; {_DELEGATE_HINT}"
                )
        _sweep_stale(base)
        folder = base / grader_cgroup_name()
        try:
            folder.mkdir()
        except OSError as exc:
            raise _Unavailable(f"cannot make a cgroup in {base}: {exc.strerror}") from None
        wanted = {"pids", "memory"} & _words(base / "cgroup.controllers")
        unavailable = {
            controller: f"{base}'s cgroup.controllers has no {controller} (held by cgroup v1, or not delegated)"
            for controller in ("pids", "memory")
            if controller not in wanted
        }
        failure = _try_enable(base, wanted)
        if failure is not None and failure.errno == errno.EBUSY and current == base:
            # The grader itself is the internal process: it moves into a leaf, then asks again.
            leaf = folder / "judge"
            leaf.mkdir()
            _write(leaf / "cgroup.procs", 0)
            failure = _try_enable(base, wanted)
        if failure is not None:
            why = (
                f"{base} holds other processes, and cgroup v2 gives no controller to the children of a cgroup "
                f"that holds processes; {_DELEGATE_HINT}"
                if failure.errno == errno.EBUSY
                else f"cannot enable {', '.join(sorted(wanted))} in {base}/cgroup.subtree_control: {failure.strerror}"
            )
            unavailable.update(dict.fromkeys(wanted, why))
            wanted = set()
        try:
            _enable(folder, wanted)
        except OSError as exc:
            why = f"cannot enable {', '.join(sorted(wanted))} in {folder}/cgroup.subtree_control: {exc.strerror}"
            unavailable.update(dict.fromkeys(wanted, why))
            wanted = set()
        _parent = _Parent(os.getpid(), folder, how, frozenset(wanted), unavailable)
        return _parent


@atexit.register
def remove_parent() -> None:
    """The grader's parent goes with it (unless the grader itself sits in its leaf;
    then the next grader's sweep removes it)."""
    if _parent is not None and _parent.pid == os.getpid():
        _rmdir(_parent.folder)


def _try_enable(folder: Path, controllers: set[str]) -> OSError | None:
    try:
        _enable(folder, controllers)
    except OSError as exc:
        return exc
    return None


def _enable(folder: Path, controllers: set[str]) -> None:
    missing = controllers - _words(folder / "cgroup.subtree_control")
    if missing:
        (folder / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in sorted(missing)))


def worker_cgroup(cgroups: dict[str, str], name: str) -> str:
    """A leaf for one worker in the submission's v2 cgroup (the worker joins it first
    thing after its fork); "" when there is no ``kill-cgroup``."""
    submission = cgroups.get("kill-cgroup")
    if not submission:
        return ""
    leaf = Path(submission, name)
    try:
        leaf.mkdir()
    except OSError:
        return ""
    return str(leaf)


def join(folder: str) -> None:
    """Move this process into ``folder``."""
    _write(Path(folder, "cgroup.procs"), 0)  # 0: the writing process


# ------------------------------------------------------------------ killing


def kill(folder: str | Path, at_once: bool = True, wait: float = 2.0) -> None:
    """Kill every process in the cgroup ``folder`` and below it, and wait up to ``wait``
    seconds until they are gone (``cgroup.kill`` has them all marked for death when it
    returns: none runs another instruction of its own, so a worker's end need not wait).

    v2 has ``cgroup.kill``, which the kernel applies to forks under way too; before
    Linux 5.14, the cgroup is frozen, then each process killed (the freezer lets
    SIGKILL through). v1 has neither: each process is killed, over and over, while
    the pids limit bounds how many can be forking meanwhile. ``at_once=False`` takes
    the path of kernels before 5.14 (for tests: this kernel has ``cgroup.kill``).
    """
    folder = Path(folder)
    if not (at_once and _kill_at_once(folder)):
        frozen = _freeze(folder)
        for _ in range(100):
            pids = list(_procs_below(folder))
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if frozen:
            try:
                (folder / "cgroup.freeze").write_text("0")
            except OSError:
                pass
    _wait_empty(folder, wait)


def _kill_at_once(folder: Path) -> bool:
    if not (folder / "cgroup.kill").exists():
        return False  # cgroup v1, or v2 before Linux 5.14
    try:
        (folder / "cgroup.kill").write_text("1")
    except OSError:
        return False
    return True


def _freeze(folder: Path) -> bool:
    if not (folder / "cgroup.freeze").exists():
        return False  # cgroup v1, or v2 before Linux 5.2
    try:
        (folder / "cgroup.freeze").write_text("1")
    except OSError:
        return False
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and "frozen 1" not in _read(folder / "cgroup.events"):
        time.sleep(0.005)
    return True


def _procs_below(folder: Path) -> Iterator[int]:
    for path, _dirs, _files in os.walk(folder):
        for word in _read(Path(path, "cgroup.procs")).split():
            if word.isdigit():
                yield int(word)


def _wait_empty(folder: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    events = folder / "cgroup.events"  # v2: "populated 0" once no process is left below
    pause = 0.0005
    while time.monotonic() < deadline:
        if events.exists():
            text = _read(events)
            if not text or "populated 0" in text:
                return
        elif not any(True for _ in _procs_below(folder)):
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.02)


def kill_cgroups(cgroups: dict[str, str]) -> None:
    """Kill every process left in a submission's cgroups: escapees of workers that had
    no PID namespace to take them down."""
    for folder in dict.fromkeys(cgroups.values()):  # on v2 one folder serves several layers
        kill(folder)


def remove_cgroups(cgroups: dict[str, str], wait: float = 2.0) -> None:
    """Remove cgroups, the worker leaves inside first, once their processes are gone
    (the kernel refuses before)."""
    deadline = time.monotonic() + wait
    for folder in dict.fromkeys(cgroups.values()):
        _remove_tree(Path(folder), deadline)


def _remove_tree(folder: Path, deadline: float) -> None:
    try:
        children = [entry for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        children = []
    for child in children:
        _remove_tree(Path(child.path), deadline)
    while not _rmdir(folder) and time.monotonic() < deadline:
        time.sleep(0.01)


def oom_kills(cgroups: dict[str, str]) -> int:
    """How many processes the memory cgroup's limit has killed so far."""
    folder = cgroups.get("memory-cgroup") or ""
    for name, key in (("memory.events", "oom_kill "), ("memory.oom_control", "oom_kill ")):  # v2, v1
        for line in _read(Path(folder, name)).splitlines():
            if folder and line.startswith(key):
                try:
                    return int(line.split()[1])
                except (IndexError, ValueError):
                    return 0
    return 0


def pid_namespace() -> str:
    """This process's PID namespace, as the inode of ``/proc/self/ns/pid`` ('' without /proc)."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def grader_cgroup_name() -> str:
    """A per-grader cgroup's name: the grader's PID, its PID namespace, a random part."""
    return f"flask-grader-{os.getpid()}-{pid_namespace()}-{os.urandom(4).hex()}"


def _sweep_stale(parent: Path) -> None:
    """Remove the cgroups of graders that were killed before they could, and kill what
    is still in them (an orphan of a submission graded without a PID namespace)."""
    namespace = pid_namespace()
    for folder in parent.glob("flask-grader-*-*-*"):
        if not namespace or folder.name.split("-")[3] != namespace:
            continue  # another PID namespace's grader: its PID says nothing here
        try:
            os.kill(int(folder.name.split("-")[2]), 0)
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue  # not a pid, or a live process of another user
        else:
            continue  # its grader is alive
        if (folder / "judge").is_dir():  # a dead grader's own leaf: what runs there is no learner code
            for child in folder.iterdir():
                if child.is_dir() and child.name != "judge":
                    kill(child)
        else:
            kill(folder)
        _remove_tree(folder, time.monotonic() + 0.5)


# ------------------------------------------------------------------ files


def _write(path: Path, value: int) -> None:
    with open(path, "w") as file:
        file.write(str(value))


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _words(path: Path) -> set[str]:
    return set(_read(path).split())


def _rmdir(folder: Path) -> bool:
    """Remove an (empty) cgroup: True once it is gone."""
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _unescape(field: str) -> str:
    """A mountinfo path: spaces, tabs, newlines and backslashes are written in octal."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field
