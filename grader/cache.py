"""The result cache: an exercise's result is computed once for the same inputs.

Grading is deterministic (Hypothesis derandomized, the hash seed fixed), so an
exercise's result is a function of what went into it: the exercise's checks,
metadata and assets, any hidden checks, the learner's files, the grader's own code
and version, the versions of Python, Flask, Werkzeug, pytest and Hypothesis, and
what the sandbox guarantees (its active layers). :func:`key` hashes all of it, and
a :class:`Cache` keeps one JSON file per key:

* a learner's cache, ``.flask-grader/cache/`` in the course, shared by ``check``,
  ``watch`` and ``verify``; it never holds results of hidden checks, which the
  learner must not read;
* a batch's cache, ``cache/`` in its ``--out`` folder, so identical files across a
  class (untouched starters, shared files) are graded once.

A cache is bounded: entries unused for :data:`MAX_AGE` go, and past :data:`MAX_BYTES`
the least recently used go first (a hit marks an entry used), once per run that keeps
a result. A pruned entry only costs its next grading.

A result from the cache is the fresh result with ``cached`` set. Never cached: a
result with a timeout (it depends on the machine's load), a failure of the grader
or of the sandbox, and anything graded in a weakened sandbox: a layer switched off,
or essential layers missing while grading someone else's code, which could then
write a forged result where the next learner's would be looked up.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, replace
from functools import cache as memoized
from pathlib import Path

from grader import __version__
from grader.course import Course, submission_folder
from grader.exercise import METADATA, Exercise
from grader.results import ExerciseResult
from grader.sandbox.policy import LAYERS, Layer, Policy, missing_guarantees

#: Raised whenever the layout of an entry or of the key changes: old entries are then never read.
FORMAT = 1
#: The libraries whose behaviour a result depends on, besides the grader itself.
LIBRARIES = ("flask", "werkzeug", "pytest", "hypothesis")
#: The learner's own state folder in a course (see grader.workspace.STATE_DIR).
LEARNER_FOLDER = Path(".flask-grader", "cache")
#: Where a cache notes the sandbox layers judges had (see Cache.layers).
SANDBOX = "sandbox.json"
#: A cache's bound: an entry is a few KiB, so tens of thousands of results (a class of
#: 300 graded ten times over) fit, and a course folder never grows without end.
MAX_BYTES = 64 * 1024 * 1024
#: Seconds an entry may stay unused: a course's checks and the grader change within a
#: term, and an entry of older ones is never read again.
MAX_AGE = 60 * 24 * 3600.0


class Cache:
    """Results kept under their key in ``folder``, one ``KEY.json`` each.

    ``hidden``: results of hidden checks may be kept (an instructor's folder only).
    ``own_code``: only the owner's code is ever graded into it (a learner's course),
    so a sandbox without its essential layers cannot let anyone else's code forge
    an entry, and results graded there may be kept.
    """

    def __init__(
        self,
        folder: Path,
        *,
        hidden: bool = False,
        own_code: bool = False,
        max_bytes: int = MAX_BYTES,
        max_age: float = MAX_AGE,
    ) -> None:
        self.folder = folder
        self.hidden = hidden
        self.own_code = own_code
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._lock = threading.Lock()
        self._pending: dict[str, threading.Event] = {}
        self._pruned = False

    @classmethod
    def for_course(cls, course: Course, *, own_code: bool = True) -> Cache:
        """The learner's cache in the course (``own_code`` False for ``check --root``)."""
        return cls(course.root / LEARNER_FOLDER, own_code=own_code)

    @classmethod
    def for_batch(cls, out: Path) -> Cache:
        """A batch's cache in its output folder, which only instructors read."""
        return cls(out / "cache", hidden=True)

    def trusts(self, policy: Policy, layers: dict[str, Layer]) -> bool:
        """Whether results graded with ``layers`` under ``policy`` may be kept and reused."""
        if policy.disable:
            return False
        complete = set(layers) >= set(LAYERS)  # layers a fully cached grading never probed are unknown
        return self.own_code or (complete and not missing_guarantees(layers))

    def admits(self, exercise: Exercise) -> bool:
        """Whether the results of ``exercise`` may be kept here (hidden checks only for instructors)."""
        return self.hidden or exercise.hidden_checks_file is None

    def layers(self, policy: Policy) -> dict[str, Layer]:
        """The sandbox layers a judge gets here, as one last reported them since the machine
        booted (they key the results); probed when unknown, which costs a zygote's start."""
        stamp = _machine(policy)
        try:
            data = json.loads((self.folder / SANDBOX).read_text(encoding="utf-8"))
            if data["machine"] == stamp:
                return {name: Layer(**layer) for name, layer in data["layers"].items()}
        except (OSError, ValueError, TypeError, KeyError):
            pass
        from grader.sandbox.process import probe_layers

        found = probe_layers(policy)
        self.remember(policy, found)
        return found

    def remember(self, policy: Policy, layers: dict[str, Layer]) -> None:
        """Note the layers a judge just had, for :meth:`layers`."""
        data = {"machine": _machine(policy), "layers": {name: asdict(layer) for name, layer in layers.items()}}
        self._write(self.folder / SANDBOX, json.dumps(data, sort_keys=True))

    def get(self, key: str) -> ExerciseResult | None:
        """The result kept under ``key``, marked as cached; None when there is none (or it is damaged)."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found = replace(ExerciseResult.from_dict(data), cached=True)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        try:
            os.utime(path)  # used now: the last to be pruned
        except OSError:
            pass  # a read-only cache is still read
        return found

    def put(self, key: str, result: ExerciseResult) -> None:
        """Keep ``result`` under ``key``, atomically (a reader sees no entry or the whole one).

        A cache that cannot be written (a read-only course) only costs the next run its time."""
        self._write(self._path(key), json.dumps(asdict(replace(result, cached=False)), ensure_ascii=False))
        with self._lock:
            first, self._pruned = not self._pruned, True
        if first:
            self.prune()

    def prune(self, now: float | None = None) -> None:
        """Remove entries unused for ``max_age`` seconds, then the least recently used
        until the rest take at most ``max_bytes``. Another process's pruning at the same
        time is harmless: an entry gone under a reader is a miss."""
        now = time.time() if now is None else now
        entries = []
        for path in self.folder.glob("??/*.json"):
            try:
                info = path.stat()
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, path))
        entries.sort(reverse=True)  # the most recently used first
        total = 0
        for used, size, path in entries:
            total += size
            if total > self.max_bytes or now - used > self.max_age:
                path.unlink(missing_ok=True)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            partial.unlink(missing_ok=True)

    def claim(self, key: str) -> bool:
        """True when the caller is to grade ``key``; False when another thread of this process
        is grading it already (a batch's duplicates): :meth:`wait` for it, then :meth:`get`."""
        with self._lock:
            if key in self._pending:
                return False
            self._pending[key] = threading.Event()
            return True

    def release(self, key: str) -> None:
        """The claim on ``key`` is over (its result kept, or found not cacheable)."""
        with self._lock:
            event = self._pending.pop(key, None)
        if event is not None:
            event.set()

    def wait(self, key: str, timeout: float | None = None) -> bool:
        """Wait until the claim on ``key`` is over; False when ``timeout`` ran out first."""
        with self._lock:
            event = self._pending.get(key)
        return event is None or event.wait(timeout)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"


def cacheable(result: ExerciseResult) -> bool:
    """A result that is the same on every run: graded, or errored for the learner's files,
    and without a timeout (which the machine's load can cause)."""
    return not any(check.status == "timeout" for check in result.checks)


def key(exercise: Exercise, root: Path, layers: dict[str, Layer]) -> str:
    """The content key of grading ``exercise`` of the submission under ``root`` with ``layers``."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes | str) -> None:
        raw = data.encode() if isinstance(data, str) else data
        digest.update(f"{label}\0{len(raw)}\0".encode())
        digest.update(raw)

    add("format", str(FORMAT))
    add("environment", environment())
    add("exercise", exercise.id)
    for name, content in _files(exercise.path, [METADATA, "checks.py", *exercise.assets]):
        add(f"exercise:{name}", content)
    if exercise.hidden_checks_file is not None:
        for name, content in _files(exercise.hidden_checks_file.parent, ["checks.py", METADATA]):
            add(f"hidden:{name}", content)
    add("sandbox", ",".join(sorted(name for name, layer in layers.items() if layer.active)))
    folder = submission_folder(root, exercise)
    if folder is None:
        add("submission", "no folder")
    else:
        add("submission", folder.name)  # messages about missing files name it
        for name, content in _files(folder, exercise.files):
            add(f"learner:{name}", content)
    return digest.hexdigest()


@memoized
def environment() -> str:
    """The grader's version and code, the interpreter's and the libraries' versions.

    The grader's code is hashed too: an editable install changes without its version."""
    code = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.glob("*.ini")]):
        code.update(path.relative_to(package).as_posix().encode() + b"\0")
        code.update(path.read_bytes())
    versions = {name: _version(name) for name in LIBRARIES}
    return json.dumps(
        {"grader": __version__, "code": code.hexdigest(), "python": sys.version, **versions}, sort_keys=True
    )


def _machine(policy: Policy) -> str:
    """What the sandbox layers depend on: this boot of the machine, the interpreter, the
    user, the policy and the grader's code."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = "unknown"
    return json.dumps([boot, sys.executable, os.getuid(), policy.to_dict(), environment()])


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~13 ms, only for a key

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "absent"


def _files(folder: Path, names: Iterable[str]) -> list[tuple[str, bytes]]:
    """``(name, content)`` of each named file under ``folder``, folders walked in order;
    a missing name counts too (it changes the verdict)."""
    found: list[tuple[str, bytes]] = []
    for name in names:
        path = folder / name
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    found.append((child.relative_to(folder).as_posix(), child.read_bytes()))
        elif path.is_file():
            found.append((name, path.read_bytes()))
        else:
            found.append((name + " (missing)", b""))
    return found
