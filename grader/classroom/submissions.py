"""A class's submissions: one entry per learner, a folder or a ``.zip``, opened safely.

A submission is laid out like ``exercises/`` (``01_app_instance/app.py``, ...). It
may also be wrapped in one folder, or hold the whole course with ``exercises/``
inside (a clone of the learner's repository); :func:`find_root` looks through both.

Zips are untrusted: an entry with an absolute path or ``..``, a symbolic link or
special file, more than :data:`MAX_FILES` files or more than :data:`MAX_BYTES`
once unpacked is refused with a :class:`UnsafeSubmission` naming the entry. A
folder's exercise folders must hold no symbolic link either (a link could show the
learner's app a file of the grader's) and stay within the same limits.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from grader.cache import Cache
from grader.course import Course, submission_folder
from grader.exercise import FOLDER, Exercise
from grader.grading import GradingCancelled, JudgeTurn, grade
from grader.results import SubmissionResult, errored
from grader.sandbox import nofollow
from grader.sandbox.policy import Policy

#: Files a submission may hold (all of a zip; the graded exercise folders of a folder).
MAX_FILES = 1000
#: Bytes those files may add up to.
MAX_BYTES = 20 * 1024 * 1024
#: Entries that archivers add and graders ignore.
JUNK = ("__MACOSX", ".DS_Store")


class UnsafeSubmission(Exception):
    """A submission that is not graded, and why, in words its learner can act on."""


@dataclass(frozen=True)
class Submission:
    learner: str  # the entry's name without .zip; names its files in the output
    path: Path  # a folder or a .zip
    problem: str = ""  # found while listing: it is not graded
    learner_id: str = ""  # the LMS's id: a Canvas user id, a Moodle participant id, a GitHub login
    name: str = ""  # the learner's name as the LMS writes it
    notes: tuple[str, ...] = ()  # what the import noticed: late, the latest of two, files ignored
    exercise_problems: tuple[tuple[str, str], ...] = ()  # (exercise id, why it is not graded)

    @property
    def zipped(self) -> bool:
        return self.path.suffix.lower() == ".zip"


def discover(folder: Path) -> tuple[list[Submission], list[Path]]:
    """The submissions in ``folder`` sorted by learner, and the entries that are none
    (files other than zips, hidden entries)."""
    by_learner: dict[str, list[Path]] = {}
    ignored = []
    for entry in sorted(folder.iterdir()):
        zipped = entry.is_file() and entry.suffix.lower() == ".zip"
        if entry.name.startswith(".") or entry.name in JUNK or not (entry.is_dir() or zipped):
            ignored.append(entry)
            continue
        by_learner.setdefault(entry.stem if zipped else entry.name, []).append(entry)
    submissions = []
    for learner, paths in sorted(by_learner.items()):
        problem = ""
        if len(paths) > 1:
            names = " and ".join(path.name for path in paths)
            problem = f"There are two submissions for {learner}: {names}. Keep one and grade again."
        submissions.append(Submission(learner, paths[0], problem))
    return submissions, ignored


def grade_submission(
    course: Course,
    submission: Submission,
    exercise_ids: list[str],
    *,
    timeout: float,
    cancel: threading.Event | None = None,
    policy: Policy = Policy(),
    jobs: int = 1,
    cache: Cache | None = None,
    judge_turn: JudgeTurn | None = None,
) -> SubmissionResult:
    """Grade one learner; a submission that cannot be opened scores zero with the reason.
    ``jobs`` judges share its exercises; ``cache`` and ``judge_turn`` as for
    :func:`grader.grading.grade`."""
    exercises = [exercise for exercise in course.exercises() if exercise.id in exercise_ids]
    blocked = dict(submission.exercise_problems)
    try:
        if submission.problem:
            raise UnsafeSubmission(submission.problem)
        with opened(submission, exercises) as root:
            wanted = [exercise_id for exercise_id in exercise_ids if exercise_id not in blocked]
            result = SubmissionResult(submission.learner, [])
            if wanted:
                result = grade(
                    course,
                    root,
                    wanted,
                    timeout=timeout,
                    cancel=cancel,
                    policy=policy,
                    jobs=jobs,
                    cache=cache,
                    judge_turn=judge_turn,
                )
            graded = {exercise.id: exercise for exercise in result.exercises}
            ordered = [graded.get(e.id) or errored(e, blocked.get(e.id, "")) for e in exercises]
            result = replace(result, exercises=ordered)
    except UnsafeSubmission as exc:
        result = SubmissionResult(submission.learner, [errored(exercise, str(exc)) for exercise in exercises])
    except GradingCancelled:
        raise
    except Exception as exc:  # a grader bug that one submission triggers must not stop a batch
        problem = f"The grader failed on this submission (a bug in the grader): {type(exc).__name__}: {exc}"
        result = SubmissionResult(submission.learner, [errored(exercise, problem) for exercise in exercises])
    return replace(result, submission=submission.learner)


@contextmanager
def opened(submission: Submission, exercises: list[Exercise]) -> Iterator[Path]:
    """The folder to grade: a zip is unpacked into a temporary folder, removed afterwards."""
    if not submission.zipped:
        root = find_root(submission.path)
        check_folders(root, exercises)
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="flask-grader-unzip-") as tmp:
        unpack(submission.path, Path(tmp))
        yield find_root(Path(tmp))


def find_root(path: Path) -> Path:
    """The folder laid out like ``exercises/`` inside ``path``: ``path`` itself, its
    ``exercises/``, or the single folder it wraps (a few levels deep at most)."""
    for _ in range(4):
        entries = [entry for entry in path.iterdir() if not entry.name.startswith(".") and entry.name not in JUNK]
        folders = [entry for entry in entries if entry.is_dir() and not entry.is_symlink()]
        if any(FOLDER.match(folder.name) for folder in folders):
            return path
        if (path / "exercises").is_symlink():  # a learner's link to someone else's exercises
            raise UnsafeSubmission(nofollow.describe_link("exercises", os.readlink(path / "exercises")))
        if (path / "exercises").is_dir():
            path = path / "exercises"
        elif len(folders) == 1:
            path = folders[0]
        else:
            return path
    return path


def check_folders(root: Path, exercises: list[Exercise]) -> None:
    """Refuse links (in any component, none followed) and oversized content in the
    exercise folders that will be graded."""
    files = size = 0
    try:
        for exercise in exercises:
            folder = submission_folder(root, exercise)
            if folder is not None:
                more, larger = nofollow.check_tree(root, folder.name)
                files, size = files + more, size + larger
    except nofollow.UnsafePath as exc:
        raise UnsafeSubmission(str(exc)) from None
    _check_limits(files, size)


def unpack(archive: Path, target: Path) -> None:
    """Unpack the zip ``archive`` into the empty folder ``target``, refusing what is unsafe."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            entries = [(info, _safe_parts(info)) for info in zipped.infolist()]
            members = [(info, parts) for info, parts in entries if parts and not info.is_dir()]
            # zipfile never reads more than an entry declares, and checks its CRC: the
            # declared sizes bound what is written.
            _check_limits(len(members), sum(info.file_size for info, _ in members))
            for info, parts in members:
                destination = target.joinpath(*parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafeSubmission(f"{archive.name} is not a readable zip file ({exc}).") from None
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression, or a password
        raise UnsafeSubmission(f"{archive.name} cannot be unpacked: {exc}.") from None
    except OSError as exc:
        raise UnsafeSubmission(f"{archive.name} cannot be unpacked: {exc.strerror or exc}.") from None


def _safe_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path inside the target folder; () for archivers' junk."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeSubmission(f"The zip entry {info.filename!r} has an absolute path: zip the folder's contents only.")
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise UnsafeSubmission(f"The zip entry {info.filename!r} points outside the folder (..): it was refused.")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if stat.S_ISLNK(kind):
        raise UnsafeSubmission(f"The zip entry {info.filename!r} is a symbolic link: a submission holds plain files.")
    if kind and not (stat.S_ISREG(kind) or stat.S_ISDIR(kind)):
        raise UnsafeSubmission(f"The zip entry {info.filename!r} is a special file: a submission holds plain files.")
    return () if parts and parts[0] in JUNK or parts[-1:] == (".DS_Store",) else parts


def _check_limits(files: int, size: int) -> None:
    if files > MAX_FILES:
        raise UnsafeSubmission(f"The submission holds {files} files, more than the {MAX_FILES} allowed.")
    if size > MAX_BYTES:
        raise UnsafeSubmission(
            f"The submission holds more than {MAX_BYTES // (1024 * 1024)} MiB once unpacked: leave out large files."
        )
