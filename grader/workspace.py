"""The learner's files of an exercise: their fingerprint, the starter, and reset.

Learners edit the exercise folders in place (``exercises/NN_slug/app.py``). The
starter is the file as the course shipped it: read from git at ``HEAD`` the first
time it is needed, then kept in ``.flask-grader/starters/`` so that a learner who
commits their work still has the original. Without git and without a kept copy
there is no known starter: nothing is then "not started" by comparison, and
``reset`` says it cannot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from grader.course import Course
from grader.exercise import Exercise

#: The learner's local state, in the course root (listed in .gitignore).
STATE_DIR = ".flask-grader"

Files = dict[str, bytes]  # path inside the exercise folder -> content


class Workspace:
    """The learner's exercise folders in ``course``, and their starters."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.state_dir = course.root / STATE_DIR

    def files(self, exercise: Exercise) -> Files:
        """The learner's files of ``exercise`` (folders in ``files:`` walked), by name."""
        found: Files = {}
        for name in exercise.files:
            path = exercise.path / name
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file():
                        found[child.relative_to(exercise.path).as_posix()] = child.read_bytes()
            elif path.is_file():
                found[name] = path.read_bytes()
        return found

    def fingerprint(self, exercise: Exercise) -> str:
        """A hash of the learner's files: equal fingerprints, equal files."""
        return fingerprint(self.files(exercise))

    def signature(self, exercise: Exercise) -> tuple[tuple[str, int, int], ...]:
        """Cheap to poll: name, modification time and size of each learner file."""
        stats = []
        for name in exercise.files:
            path = exercise.path / name
            for child in sorted(path.rglob("*")) if path.is_dir() else [path]:
                try:
                    stat = child.stat()
                except OSError:
                    continue
                stats.append((str(child), stat.st_mtime_ns, stat.st_size))
        return tuple(stats)

    def modified(self, exercise: Exercise) -> float:
        """When a learner file of ``exercise`` last changed (seconds since the epoch; 0 when none)."""
        return max((mtime / 1e9 for _, mtime, _ in self.signature(exercise)), default=0.0)

    def starter(self, exercise: Exercise) -> Files | None:
        """The starter files of ``exercise``, or None when they cannot be found."""
        kept = self.state_dir / "starters" / exercise.id
        if kept.is_dir():
            return {
                path.relative_to(kept).as_posix(): path.read_bytes()
                for path in sorted(kept.rglob("*"))
                if path.is_file()
            }
        shipped = self._from_git(exercise)
        if shipped is not None:
            try:
                _write_files(kept, shipped)
            except OSError:
                pass  # not kept: git is asked again next time
        return shipped

    def is_starter(self, exercise: Exercise) -> bool | None:
        """Whether the learner's files are still the starter; None when it is unknown."""
        starter = self.starter(exercise)
        return None if starter is None else self.files(exercise) == starter

    def reset(self, exercise: Exercise) -> Path | None:
        """Put the starter back, after copying the learner's files to a backup folder,
        which is returned (None when there was nothing to keep).
        Raises LookupError when the starter is unknown."""
        starter = self.starter(exercise)
        if starter is None:
            raise LookupError(
                f"The starter of {exercise.id} cannot be found: the course is not a git checkout and no copy was kept."
            )
        learners = self.files(exercise)
        backup = None
        if learners:
            stamp = f"{exercise.id}-{time.strftime('%Y%m%d-%H%M%S')}"
            backup, number = self.state_dir / "backups" / stamp, 1
            while backup.exists():  # two resets in the same second keep both backups
                number += 1
                backup = backup.with_name(f"{stamp}-{number}")
            _write_files(backup, learners)
        for name in exercise.files:
            path = exercise.path / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        _write_files(exercise.path, starter)
        return backup

    def _from_git(self, exercise: Exercise) -> Files | None:
        folder = exercise.path.relative_to(self.course.root).as_posix()
        listed = _git(
            self.course.root,
            "ls-tree",
            "-r",
            "--name-only",
            "HEAD",
            "--",
            *(f"{folder}/{name}" for name in exercise.files),
        )
        if not listed:
            return None
        shipped: Files = {}
        for path in listed.decode("utf-8", "replace").splitlines():
            content = _git(self.course.root, "show", f"HEAD:./{path}")
            if content is None:
                return None
            shipped[path[len(folder) + 1 :]] = content
        return shipped


def shown(path: Path) -> str:
    """``path`` as a learner types it: relative to the working directory when below it."""
    try:
        if path.resolve().is_relative_to(Path.cwd().resolve()):
            return os.path.relpath(path)
    except OSError:  # the working directory was removed
        pass
    return str(path)


def fingerprint(files: Files) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _git(cwd: Path, *args: str) -> bytes | None:
    """Output of ``git ARGS`` run in ``cwd``; None when git is missing or fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _write_files(folder: Path, files: Files) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
