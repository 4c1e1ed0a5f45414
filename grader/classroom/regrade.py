"""Regrades that say what changed: the previous run kept, and every check that flipped.

``batch --regrade`` first moves the output's ``results/``, ``gradebook.csv``, ``batch.json``
and staged ``submissions/`` into ``previous/N/`` (N = 1, 2, ... one per regrade), grades
everyone again, and then compares: ``regrade.csv`` has a row per check whose outcome or
points changed for a learner, with the exercise's old and new points and why::

    learner,exercise,old_points,new_points,check,old,new,why
    alice,01_app_instance,2,4,import_name,passed 1/1,passed 3/3,the check is worth 3 points (was 1)

A learner graded for the first time has one row with an empty check. The class report marks
the learners whose total changed.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.classroom.gradebook import number
from grader.results import CheckResult, SubmissionResult

PREVIOUS = "previous"
#: What an output keeps of a run, and so what a regrade moves aside.
KEPT = ("results", "gradebook.csv", "batch.json", "submissions", "canvas.csv", "moodle.csv")
HEADER = ["learner", "exercise", "old_points", "new_points", "check", "old", "new", "why"]


@dataclass(frozen=True)
class Change:
    learner: str
    exercise: str
    old_points: str
    new_points: str
    check: str
    old: str
    new: str
    why: str


def archive(out: Path) -> Path:
    """Move the run in ``out`` into ``out/previous/N/``; that folder."""
    folder = out / PREVIOUS
    taken = [int(path.name) for path in folder.iterdir() if path.name.isdigit()] if folder.is_dir() else []
    target = folder / str(max(taken, default=0) + 1)
    target.mkdir(parents=True)
    for name in KEPT:
        if (out / name).exists():
            shutil.move(out / name, target / name)
    return target


def compare(previous: Path, results: list[SubmissionResult]) -> list[Change]:
    """What changed between the results in ``previous/results/`` and ``results``."""
    changes = []
    for result in sorted(results, key=lambda result: result.submission):
        path = previous / "results" / f"{result.submission}.json"
        try:
            old = SubmissionResult.load(path)
        except (OSError, ValueError, KeyError, TypeError):
            changes.append(
                Change(result.submission, "", "", number(result.score), "", "", "", "graded for the first time")
            )
            continue
        old_exercises = {exercise.id: exercise for exercise in old.exercises}
        for exercise in result.exercises:
            before = old_exercises.get(exercise.id)
            old_checks = {check.name: check for check in before.checks} if before else {}
            for check in exercise.checks:
                was = old_checks.pop(check.name, None)
                why = _why(was, check)
                if why:
                    changes.append(
                        Change(
                            result.submission,
                            exercise.id,
                            number(before.score) if before else "",
                            number(exercise.score),
                            check.name,
                            _outcome(was),
                            _outcome(check),
                            why,
                        )
                    )
            for name, was in old_checks.items():
                old_points = number(before.score) if before else ""
                changes.append(
                    Change(
                        result.submission,
                        exercise.id,
                        old_points,
                        number(exercise.score),
                        name,
                        _outcome(was),
                        "",
                        "the check was removed",
                    )
                )
    return changes


def _outcome(check: CheckResult | None) -> str:
    return f"{check.status} {number(check.points)}/{number(check.max_points)}" if check else ""


def _why(was: CheckResult | None, now: CheckResult) -> str:
    """Why the check's outcome changed for the learner, or "" when it did not. A check worth
    more or less that the learner still fails changes nothing they earned: it is no row."""
    if was is None:
        return "a new check"
    if was.status != now.status:
        if now.passed:
            return "it passes now"
        reason = (now.message or now.status).splitlines()[0]
        return f"it is {now.status} now: {reason}"
    if was.points == now.points:
        return ""
    if was.max_points != now.max_points:
        return f"the check is worth {number(now.max_points)} points (was {number(was.max_points)})"
    return f"{number(now.points)} points instead of {number(was.points)}"


def totals(previous: Path, results: list[SubmissionResult]) -> dict[str, tuple[float | None, float]]:
    """Each learner whose total changed: (old total or None when new, new total)."""
    changed: dict[str, tuple[float | None, float]] = {}
    for result in results:
        try:
            old: float | None = SubmissionResult.load(previous / "results" / f"{result.submission}.json").score
        except (OSError, ValueError, KeyError, TypeError):
            old = None
        if old != result.score:
            changed[result.submission] = (old, result.score)
    return changed


def render(changes: list[Change]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for change in changes:
        writer.writerow([getattr(change, column) for column in HEADER])
    return buffer.getvalue()


def summary(previous: Path, changes: list[Change], changed: dict[str, tuple[float | None, float]]) -> str:
    """A few lines for the terminal: whose grade changed, and where the details are."""
    checks = sum(1 for change in changes if change.check)
    lines = [
        f"Regrade: {len(changed)} learners' grades changed; {checks} check results changed "
        f"(regrade.csv). The previous run is kept in {previous}."
    ]
    for learner, (old, new) in sorted(changed.items()):
        lines.append(f"  {learner}: {number(old) if old is not None else 'new'} -> {number(new)}")
    return "\n".join(lines)
