"""A class as an LMS hands it over: which kind of download it is, and each learner's files
put together into a folder laid out like ``exercises/``.

The sources (see :mod:`grader.classroom.canvas`, :mod:`grader.classroom.moodle`,
:mod:`grader.classroom.github_classroom`) say which learner handed in which file; here each
learner's :class:`Handin` becomes a plain folder ``STAGING/LEARNER/`` that is graded like any
other submission, and that the instructor can open to see exactly what was graded:

* a ``.zip`` is unpacked safely (the rules of :mod:`grader.classroom.submissions`) and its
  exercise folders are taken as they are;
* a Python file is the ``app.py`` of the exercise its name gives: ``02_first_route.py``,
  ``02.py`` or ``first_route.py``; a bare ``app.py`` belongs to the only exercise graded;
* the LMS's resubmission suffix (``app-1.py``) is dropped: the same file handed in twice
  is taken from the latest upload, and the gradebook says so; two different files for one
  exercise are not guessed between: that exercise gets the reason, the others are graded;
* anything else is ignored, and named in the learner's notes.

Every odd case ends as words in the learner's gradebook row, never as a crash.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from grader.classroom.submissions import (
    JUNK,
    MAX_BYTES,
    MAX_FILES,
    Submission,
    UnsafeSubmission,
    find_root,
    unpack,
)
from grader.course import submission_folder
from grader.exercise import FOLDER, Exercise

#: Canvas and Moodle add ``-1``, ``-2``... to a file handed in again under the same name.
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-(?P<copy>\d+)(?P<suffix>\.[A-Za-z0-9]+)?$")
EMPTY = "The submission is empty: no files were handed in."


@dataclass(frozen=True)
class Upload:
    """One file a learner handed in: ``name`` as the learner named it, stored in ``path``
    (or, when ``member`` is set, as that entry of the zip ``path``)."""

    name: str
    path: Path
    member: str = ""
    order: tuple[int, ...] = ()  # what makes one upload later than another (an LMS file id, a time)

    def read_into(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not self.member:
            shutil.copyfile(self.path, target)
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)

    def size(self) -> int:
        if not self.member:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(self.member).file_size


@dataclass
class Handin:
    """What one learner handed in, as a source found it."""

    learner: str  # unique in the class; names the learner's files in the output
    learner_id: str = ""
    name: str = ""
    uploads: list[Upload] = field(default_factory=list)
    folder: Path | None = None  # a folder taken as it is (a repository), instead of uploads
    notes: list[str] = field(default_factory=list)
    order: tuple[int, ...] = ()  # for two hand-ins of one learner: the later one is graded


def detect(path: Path) -> str:
    """Which of :data:`grader.classroom.SOURCES` ``path`` is (a folder, or the zip an LMS downloads)."""
    from grader.classroom import canvas, github_classroom, moodle  # they build on this module

    names = entry_names(path)
    if not names:
        return "folders"
    if moodle.is_download(names):
        return "moodle"
    if canvas.is_download(names):
        return "canvas"
    if path.is_dir() and github_classroom.is_repositories(path):
        return "classroom"
    return "folders"


def entry_names(path: Path) -> list[str]:
    """The top-level names in a folder, or the entries of a zip (archivers' junk left out)."""
    if path.is_dir():
        return sorted(entry.name for entry in path.iterdir() if not _junk(entry.name))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return sorted(name for name in archive.namelist() if not any(_junk(part) for part in name.split("/")))
    return []


def _junk(name: str) -> bool:
    return name in JUNK or name.startswith(".")


def uploads_in(path: Path) -> list[Upload]:
    """Every file in a folder, or every entry of a zip, as an upload named by its path."""
    if path.is_dir():
        return [
            Upload(entry.relative_to(path).as_posix(), entry, order=(int(entry.stat().st_mtime),))
            for entry in sorted(path.rglob("*"))
            if entry.is_file() and not entry.is_symlink() and not any(_junk(p) for p in entry.relative_to(path).parts)
        ]
    with zipfile.ZipFile(path) as archive:
        return [
            Upload(info.filename, path, info.filename, order=_zip_time(info))
            for info in archive.infolist()
            if not info.is_dir() and not any(_junk(part) for part in info.filename.split("/"))
        ]


def _zip_time(info: zipfile.ZipInfo) -> tuple[int, ...]:
    return tuple(info.date_time)


def learner_key(text: str) -> str:
    """A learner's name made safe as a file name (NFC, no slashes, no leading dot)."""
    key = unicodedata.normalize("NFC", text).replace("/", "-").replace("\\", "-").replace("\0", "").strip()
    return key.lstrip(".") or "learner"


def one_per_learner(handins: list[Handin]) -> list[Handin]:
    """Keep the latest hand-in of a learner who appears twice, and say so."""
    by_learner: dict[str, list[Handin]] = {}
    for handin in handins:
        by_learner.setdefault(handin.learner, []).append(handin)
    kept = []
    for learner, found in sorted(by_learner.items()):
        if len(found) == 1:
            kept.append(found[0])
            continue
        found.sort(key=lambda handin: handin.order)
        latest = found[-1]
        latest.notes.insert(0, f"{len(found)} submissions for {learner}: graded the latest, the others are ignored.")
        kept.append(latest)
    return kept


def stage(handins: list[Handin], exercises: list[Exercise], staging: Path) -> list[Submission]:
    """Put each hand-in together under ``staging/LEARNER/``; the submissions to grade."""
    staging.mkdir(parents=True, exist_ok=True)
    return [stage_one(handin, exercises, staging / handin.learner) for handin in one_per_learner(handins)]


def stage_one(handin: Handin, exercises: list[Exercise], target: Path) -> Submission:
    """The submission for ``handin``, its files written into ``target`` (emptied first)."""
    submission = Submission(handin.learner, target, learner_id=handin.learner_id, name=handin.name)
    if handin.folder is not None:  # a repository is graded where it is
        empty = not any(not _junk(entry.name) for entry in handin.folder.iterdir())
        return replace(submission, path=handin.folder, problem=EMPTY if empty else "", notes=tuple(handin.notes))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    notes = list(handin.notes)
    try:
        problems = _assemble(handin.uploads, exercises, target, notes)
    except UnsafeSubmission as exc:
        return replace(submission, problem=str(exc), notes=tuple(notes))
    problem = "" if any(target.iterdir()) or problems else EMPTY
    return replace(submission, problem=problem, notes=tuple(notes), exercise_problems=tuple(sorted(problems.items())))


@dataclass
class _Claim:
    """An exercise's files, and the upload they came from."""

    source: str
    normalized: str  # the upload's name without a resubmission suffix
    order: tuple[int, ...]
    write: Callable[[Path], None]


def _assemble(uploads: list[Upload], exercises: list[Exercise], target: Path, notes: list[str]) -> dict[str, str]:
    """Write the uploads into ``target`` as exercise folders; the exercises that cannot be."""
    files = len(uploads)
    size = sum(upload.size() for upload in uploads)
    if files > MAX_FILES or size > MAX_BYTES:
        raise UnsafeSubmission(
            f"The submission holds {files} files and {size // (1024 * 1024)} MiB, more than the "
            f"{MAX_FILES} files or {MAX_BYTES // (1024 * 1024)} MiB allowed."
        )
    claims: dict[str, list[_Claim]] = {}
    ignored: list[str] = []
    problems: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="flask-grader-import-") as tmp:
        for number, upload in enumerate(sorted(uploads, key=lambda u: u.name)):
            base = PurePosixPath(upload.name).name
            if base.lower().endswith(".zip"):
                found = _claims_in_zip(upload, exercises, Path(tmp, str(number)))
                if not found:
                    ignored.append(f"{base} (no exercise folder inside)")
            else:
                exercise = exercise_for_file(upload.name, exercises)
                found = (
                    {exercise.id: _Claim(base, without_copy_suffix(base), upload.order, _copy_upload(upload))}
                    if exercise
                    else {}
                )
                if not found:
                    ignored.append(base)
            for exercise_id, claim in found.items():
                claims.setdefault(exercise_id, []).append(claim)
        for exercise_id, candidates in sorted(claims.items()):
            chosen = _choose(exercise_id, candidates, notes, problems)
            if chosen is not None:
                chosen.write(target / exercise_id)
    if ignored:
        notes.append(f"Ignored {', '.join(ignored)}: not an exercise's app.py or a zip of exercise folders.")
    return problems


def _choose(exercise_id: str, found: list[_Claim], notes: list[str], problems: dict[str, str]) -> _Claim | None:
    """The upload to grade for an exercise: the only one, or the latest copy of one file."""
    if len({claim.normalized for claim in found}) > 1:
        names = " and ".join(sorted(claim.source for claim in found))
        problems[exercise_id] = f"Two files are for {exercise_id}: {names}. Hand in one of them."
        return None
    found = sorted(found, key=lambda claim: claim.order)
    if len(found) > 1:
        earlier = ", ".join(claim.source for claim in found[:-1])
        notes.append(
            f"{exercise_id}: handed in {len(found)} times; graded the latest ({found[-1].source}), not {earlier}."
        )
    return found[-1]


def _claims_in_zip(upload: Upload, exercises: list[Exercise], tmp: Path) -> dict[str, _Claim]:
    """The exercise folders inside a handed-in zip (or its lone ``app.py`` for one exercise)."""
    base = PurePosixPath(upload.name).name
    normalized = without_copy_suffix(base)
    tmp.mkdir()
    archive, unpacked = tmp / "upload.zip", tmp / "unpacked"
    upload.read_into(archive)
    unpacked.mkdir()
    try:
        unpack(archive, unpacked)
    except UnsafeSubmission as exc:
        raise UnsafeSubmission(f"{base}: {exc}") from None
    root = find_root(unpacked)
    found = {}
    for exercise in exercises:
        folder = submission_folder(root, exercise)
        if folder is not None:
            found[exercise.id] = _Claim(f"{base} ({folder.name}/)", normalized, upload.order, _copy_tree(folder))
    if not found and (root / "app.py").is_file() and len(exercises) == 1:
        found[exercises[0].id] = _Claim(f"{base} (app.py)", normalized, upload.order, _copy_file(root / "app.py"))
    return found


def _copy_upload(upload: Upload) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        upload.read_into(target / "app.py")

    return write


def _copy_tree(folder: Path) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        shutil.copytree(folder, target, symlinks=True, dirs_exist_ok=True)

    return write


def _copy_file(path: Path) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / "app.py")

    return write


def without_copy_suffix(name: str) -> str:
    """``app-1.py`` -> ``app.py``: the name before the LMS numbered a second copy."""
    match = RESUBMITTED.match(name)
    return f"{match['stem']}{match['suffix'] or ''}" if match else name


def exercise_for_file(name: str, exercises: list[Exercise]) -> Exercise | None:
    """The exercise whose ``app.py`` a handed-in Python file is, from its name."""
    path = PurePosixPath(without_copy_suffix(PurePosixPath(name).name))
    if path.suffix != ".py":
        return None
    stem = path.stem.lower().replace("-", "_")
    if stem == "app":
        return exercises[0] if len(exercises) == 1 else None
    for exercise in exercises:
        if stem in (exercise.id, exercise.number, exercise.slug, f"{exercise.id}_app", f"{exercise.number}_app"):
            return exercise
    match = FOLDER.match(stem)
    return next((e for e in exercises if match and match["number"] == e.number), None)
