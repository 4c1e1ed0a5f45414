"""The learner's progress, kept between runs in ``.flask-grader/`` of the course.

* ``results/NN_slug.json``: the last result of the exercise, with the fingerprint of
  the files it graded (so an edit since is noticed), written by ``check`` and ``watch``;
* ``state.json``: how many hints of each exercise were shown, and the exercise
  ``watch`` was last on (or ``reset`` last put back), with the time.

A damaged file is moved aside (``*.damaged``) and progress starts afresh from
there; nothing is lost. Deleting the folder starts the course over.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import click

from grader.course import Course
from grader.exercise import Exercise
from grader.results import ExerciseResult, SubmissionResult
from grader.style import PLAIN, Style
from grader.workspace import Workspace, shown

FORMAT = 1  # of the files in .flask-grader/

State = Literal["passed", "partial", "started", "not started"]
MARKS = {"passed": ("✓", "green"), "partial": ("◐", "yellow"), "started": ("◐", "yellow"), "not started": ("·", None)}


@dataclass(frozen=True)
class Standing:
    """Where the learner stands on one exercise."""

    exercise: Exercise
    state: State
    score: float | None = None  # of the last check, None when never checked (or reset)
    changed: bool = False  # the files changed since that check

    @property
    def done(self) -> bool:
        """It passed at its last check, and its files have not changed since."""
        return self.state == "passed" and not self.changed

    @property
    def note(self) -> str:
        if self.changed:
            return "changed since the last check"
        if self.state == "started" and self.score is None:
            return "not checked yet"
        return ""


class Progress:
    """Read and record the learner's progress in ``course``."""

    def __init__(self, course: Course, workspace: Workspace | None = None) -> None:
        self.course = course
        self.workspace = workspace or Workspace(course)
        self.dir = self.workspace.state_dir

    # -- results

    def fingerprints(self, exercises: list[Exercise]) -> dict[str, str]:
        """The fingerprint of each exercise's files now: taken before grading, so that a file
        saved while it was graded shows as changed since."""
        return {exercise.id: self.workspace.fingerprint(exercise) for exercise in exercises}

    def record_all(self, result: SubmissionResult, fingerprints: dict[str, str]) -> None:
        """Keep each exercise's result of ``result`` graded from files with those fingerprints."""
        for exercise in result.exercises:
            if exercise.id in fingerprints:
                self.record(exercise, fingerprints[exercise.id])

    def record(self, result: ExerciseResult, fingerprint: str) -> None:
        """Keep ``result`` as the exercise's last, for files with ``fingerprint``."""
        if not result.number:  # an unknown exercise name: nothing to keep
            return
        self._write(
            self.dir / "results" / f"{result.id}.json",
            {"format": FORMAT, "fingerprint": fingerprint, "checked_at": time.time(), "result": asdict(result)},
        )

    def last_result(self, exercise: Exercise) -> tuple[ExerciseResult, str] | None:
        """The exercise's last recorded result and the fingerprint of the files it graded."""
        data = self._read(self.dir / "results" / f"{exercise.id}.json")
        try:
            return ExerciseResult.from_dict(data["result"]), str(data["fingerprint"])
        except (KeyError, TypeError):
            return None

    def standing(self, exercise: Exercise) -> Standing:
        untouched = self.workspace.is_starter(exercise)  # None: no starter to compare with
        if untouched:
            return Standing(exercise, "not started")
        last = self.last_result(exercise)
        if last is None:
            return Standing(exercise, "not started" if untouched is None else "started")
        result, fingerprint = last
        state: State = "passed" if result.passed else "partial" if result.score > 0 else "started"
        return Standing(exercise, state, result.score, fingerprint != self.workspace.fingerprint(exercise))

    def standings(self) -> list[Standing]:
        return [self.standing(exercise) for exercise in self.course.exercises()]

    def next_exercise(self, after: Exercise | None = None) -> Exercise | None:
        """The first exercise, in order, that does not pass yet (the first after ``after``,
        coming round to the start); None when all do."""
        standings = self.standings()
        if after is not None:
            index = next((i for i, s in enumerate(standings) if s.exercise.id == after.id), -1)
            standings = [s for s in standings[index + 1 :] + standings[: index + 1] if s.exercise.id != after.id]
        following = first_to_do(standings)
        return following.exercise if following else None

    def last_activity(self, exercise: Exercise) -> float:
        """When the learner last worked on ``exercise`` (0 when never): the latest of its
        last check, its last edit (files other than the starter) and the last time watch
        was on it or reset put it back."""
        times = [0.0]
        data = self._read(self.dir / "results" / f"{exercise.id}.json")
        if isinstance(data.get("checked_at"), (int, float)):
            times.append(float(data["checked_at"]))
        if self.workspace.is_starter(exercise) is False:
            times.append(self.workspace.modified(exercise))
        state = self._state()
        if state.get("current") == exercise.id and isinstance(state.get("current_at"), (int, float)):
            times.append(float(state["current_at"]))
        return max(times)

    def working_on(self) -> Exercise | None:
        """The exercise the learner is on: the one last edited, checked, watched or reset,
        or, when that one passes, the next that does not; the first to do when there is
        no such exercise. None when every exercise passes."""
        exercises = self.course.exercises()
        latest = max(exercises, key=self.last_activity, default=None)
        if latest is None or self.last_activity(latest) == 0:
            return self.next_exercise()
        return latest if not self.standing(latest).done else self.next_exercise(after=latest)

    # -- hints

    def hints_shown(self, exercise: Exercise) -> int:
        shown = self._state().get("hints", {}).get(exercise.id, 0)
        return min(shown, len(exercise.hints)) if isinstance(shown, int) else 0

    def reveal_hint(self, exercise: Exercise) -> int | None:
        """Count one more hint of ``exercise`` as shown and return its number (from 1);
        None when every hint was already shown."""
        shown = self.hints_shown(exercise)
        if shown >= len(exercise.hints):
            return None
        self.reveal_all_hints(exercise, shown + 1)
        return shown + 1

    def reveal_all_hints(self, exercise: Exercise, upto: int | None = None) -> None:
        state = self._state()
        state.setdefault("hints", {})[exercise.id] = len(exercise.hints) if upto is None else upto
        self._write_state(state)

    # -- the exercise watch is on

    @property
    def current(self) -> Exercise | None:
        name = self._state().get("current")
        return self.course.resolve(name) if isinstance(name, str) and name else None

    @current.setter
    def current(self, exercise: Exercise) -> None:
        state = self._state()
        state["current"] = exercise.id
        state["current_at"] = time.time()
        self._write_state(state)

    # -- files

    def _state(self) -> dict[str, Any]:
        return self._read(self.dir / "state.json")

    def _write_state(self, state: dict[str, Any]) -> None:
        self._write(self.dir / "state.json", {**state, "format": FORMAT})

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("format") == FORMAT:
            return data
        aside = path.with_name(path.name + ".damaged")
        try:
            os.replace(path, aside)
            click.echo(f"{path} could not be read; it was moved to {aside.name} and starts afresh.", err=True)
        except OSError:
            click.echo(f"{path} could not be read; it is left as it is and ignored.", err=True)
        return {}

    @staticmethod
    def _write(path: Path, data: dict[str, Any]) -> None:
        """Write ``data`` whole or not at all (a reader never sees half a file).
        Progress is a convenience: a folder that cannot be written is a warning."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            click.echo(f"Your progress could not be saved in {path.parent}: {exc.strerror or exc}.", err=True)


def first_to_do(standings: list[Standing]) -> Standing | None:
    return next((s for s in standings if not s.done), None)


# ------------------------------------------------------------------- as text


def render_overview(standings: list[Standing], style: Style = PLAIN, *, with_next: bool = True) -> str:
    """Each exercise with its state and score, the totals, and (``with_next``) what to do next.

    A score is that of the last check; an exercise whose files changed since says so,
    and does not count as passed until it is checked again."""
    passed = sum(s.done for s in standings)
    points = sum(s.score or 0 for s in standings)
    total = sum(s.exercise.max_score for s in standings)
    lines = [
        style.label(f"Your progress: {passed} of {len(standings)} exercises passed, {points:g}/{total:g} points"),
        "",
    ]
    width = max((len(s.exercise.title) for s in standings), default=0)
    for s in standings:
        mark, colour = MARKS[s.state]
        prefix = style.paint(mark, fg=colour, bold=colour is not None) + " " if style.symbols else ""
        score = "-" if s.score is None else f"{s.score:g}"
        note = f"  ({s.note})" if s.note else ""
        lines.append(
            f"  {prefix}{s.exercise.number}  {s.exercise.title:{width}}  {score:>3}/{s.exercise.max_score:<3g} "
            f"{style.paint(s.state, fg=colour)}{style.dim(note)}"
        )
    if with_next:
        lines += ["", render_next(first_to_do(standings), style)]
    return "\n".join(lines)


def render_next(standing: Standing | None, style: Style = PLAIN) -> str:
    """What to do next, in a few short sentences."""
    if standing is None:
        return style.paint("Every exercise passes. Well done!", fg="green", bold=True)
    exercise = standing.exercise
    folder = shown(exercise.path)
    lines = [style.label(f"Next: {exercise.number} · {exercise.title}")]
    if standing.state == "not started":
        lines.append(f"  Read {folder}/README.md, then edit {folder}/app.py.")
    else:
        lines.append(f"  Keep going in {folder}/app.py ({folder}/README.md has the task).")
    lines.append("  Run `flask-grader watch`: it checks your file each time you save.")
    lines.append(f"  Stuck? `flask-grader hint {exercise.number}` gives a hint, a stronger one each time.")
    return "\n".join(lines)
