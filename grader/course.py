"""The course: where the exercises, solutions and checks live, and finding exercises by name."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from grader.exercise import FOLDER, METADATA, Exercise, ExerciseError
from grader.sandbox import nofollow
from grader.sandbox.nofollow import Reader

ENV_ROOT = "FLASK_GRADER_COURSE"


@dataclass(frozen=True)
class Course:
    """The grader's own tree: ``exercises/`` (with checks) and ``solutions/``, plus
    optionally an instructor's folder of hidden checks (``NN_slug/checks.py``)."""

    root: Path
    hidden_checks: Path | None = None

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @classmethod
    def locate(cls, explicit: Path | None = None) -> Course:
        """The course given, else ``$FLASK_GRADER_COURSE``, else the nearest one above
        the working directory, else the one this package was installed from."""
        candidates = [explicit] if explicit else []
        if os.environ.get(ENV_ROOT):
            candidates.append(Path(os.environ[ENV_ROOT]))
        if not candidates:
            cwd = Path.cwd().resolve()
            candidates += [cwd, *cwd.parents, Path(__file__).resolve().parent.parent]
        for candidate in candidates:
            if _is_course(candidate):
                return cls(candidate.resolve())
        if explicit or os.environ.get(ENV_ROOT):
            raise ExerciseError(f"{candidates[0]}: not a course (no exercises/NN_slug/{METADATA} inside)")
        raise ExerciseError(
            f"No course found: run flask-grader inside the flask-grader folder, or set {ENV_ROOT} to it."
        )

    def exercises(self) -> list[Exercise]:
        """Every exercise, in order. Raises ExerciseError for the first malformed one."""
        return list(self._exercises)

    @cached_property
    def _exercises(self) -> tuple[Exercise, ...]:
        """The exercises, read and validated once per Course (a frozen dataclass keeps the
        cache in its ``__dict__``): metadata is the instructor's and does not change while
        a command runs."""
        found = [Exercise.load(path) for path in sorted(self.exercises_dir.iterdir()) if FOLDER.match(path.name)]
        orders = [exercise.order for exercise in found]
        duplicate = next((o for o in orders if orders.count(o) > 1), None)
        if duplicate is not None:
            raise ExerciseError(f"{self.exercises_dir}: two exercises have order {duplicate}")
        ordered = sorted(found, key=lambda exercise: exercise.order)
        return tuple(_with_hidden_checks(ordered, self.hidden_checks) if self.hidden_checks else ordered)

    def resolve(self, name: str) -> Exercise | None:
        """The exercise named by number (``4``, ``04``), slug (``converters``) or folder
        (``04_converters``, also as a path); None when there is none."""
        key = Path(name.rstrip("/")).name
        for exercise in self._exercises:
            if key in (exercise.id, exercise.slug, exercise.number) or (key.isdigit() and int(key) == exercise.order):
                return exercise
        return None

    def select(self, names: Sequence[str] | None = None) -> Selection:
        """The exercises ``names`` refers to, in the order named (every exercise when None or
        empty). Raises ExerciseError for a malformed course, before any name is looked up."""
        if not names:
            return Selection(tuple((exercise.id, exercise) for exercise in self._exercises))
        self._exercises  # noqa: B018 -- a malformed course is reported before an unknown name
        return Selection(tuple((name, self.resolve(name)) for name in names))


@dataclass(frozen=True)
class Selection:
    """What each name given to a command found: an exercise, or None."""

    named: tuple[tuple[str, Exercise | None], ...]

    @property
    def exercises(self) -> list[Exercise]:
        """The exercises found, each once, in the order named."""
        return list({exercise.id: exercise for _, exercise in self.named if exercise is not None}.values())

    @property
    def unknown(self) -> list[str]:
        return [name for name, exercise in self.named if exercise is None]


def unknown_exercise(name: str) -> str:
    """What a learner reads for a name that is no exercise."""
    return f"There is no exercise named {name!r}: `flask-grader list` shows them all."


def submission_folder(root: Path, exercise: Exercise, reader: Reader | None = None) -> Path | None:
    """The folder for ``exercise`` under a submission root laid out like ``exercises/``:
    the same folder name, else the same number, else the same slug.

    ``root`` is the caller's; below it no link is followed: a matching name that is a
    link raises :class:`~grader.sandbox.nofollow.LinkedPath`, and with a ``reader`` a folder
    its learner could not read raises :class:`~grader.sandbox.nofollow.Unreadable`."""
    if not root.is_dir():
        return None
    if nofollow.kind(root, exercise.id, reader) == "dir":
        return root / exercise.id
    for path in sorted(root.iterdir()):
        match = FOLDER.match(path.name)
        if match and (match["number"] == exercise.number or match["slug"] == exercise.slug):
            if nofollow.kind(root, path.name, reader) == "dir":
                return path
    return root / exercise.slug if nofollow.kind(root, exercise.slug, reader) == "dir" else None


def _is_course(path: Path) -> bool:
    """A folder with exercises in ``exercises/``, or an author's new course (``flask-grader
    init``): ``exercises/`` and ``solutions/``, perhaps still empty."""
    exercises = path / "exercises"
    if not exercises.is_dir():
        return False
    return (path / "solutions").is_dir() or any((child / METADATA).is_file() for child in exercises.iterdir())


def _with_hidden_checks(exercises: list[Exercise], folder: Path) -> list[Exercise]:
    """The exercises with the hidden checks of ``folder/NN_slug/`` added."""
    if not folder.is_dir():
        raise ExerciseError(f"{folder}: the hidden checks folder does not exist")
    ids = {exercise.id for exercise in exercises}
    for child in sorted(folder.iterdir()):
        if child.is_dir() and not child.name.startswith((".", "__")) and child.name not in ids:
            raise ExerciseError(
                f"{child}: hidden checks for no exercise of the course "
                "(its folders are named like the exercises, such as 02_first_route)"
            )
    return [
        exercise.with_hidden_checks(folder / exercise.id) if (folder / exercise.id).is_dir() else exercise
        for exercise in exercises
    ]
