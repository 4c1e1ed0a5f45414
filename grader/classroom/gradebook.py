"""The gradebook: one CSV row per learner, a column per exercise, the total and a status.

Columns: ``learner``, ``id`` and ``name`` (the LMS's learner id and name, or the roster's),
one per exercise (its id, such as ``02_first_route``, holding the points earned),
``total``, ``max_score``, ``status``, ``problem`` and ``note``. Rows are sorted by learner.
``status`` is ``graded`` (every exercise was examined), ``incomplete`` (some could not be:
a missing file, a syntax error, ...), ``error`` (none could: an unsafe zip, a submission
stopped at the time limit) or ``missing`` (on the roster, nothing handed in); ``problem``
is the first line of the first reason an exercise could not be examined; ``note`` is what
the import noticed (late, the latest of two submissions, files ignored, not on the roster).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.results import SubmissionResult


def status(result: SubmissionResult) -> str:
    graded = [exercise.status == "graded" for exercise in result.exercises]
    if all(graded):
        return "graded"
    return "incomplete" if any(graded) else "error"


def problem(result: SubmissionResult) -> str:
    message = next((exercise.message for exercise in result.exercises if exercise.status == "error"), "")
    return message.splitlines()[0] if message else ""


def number(value: float) -> str:
    """``2`` for 2.0, ``2.5`` for 2.5: points as people write them."""
    return f"{value:.10g}"


def scores(result: SubmissionResult) -> dict[str, str]:
    """Points earned per exercise id, as the gradebook writes them."""
    return {exercise.id: number(exercise.score) for exercise in result.exercises}


MISSING = "missing"


def render(
    exercise_ids: list[str], results: list[SubmissionResult], people: dict[str, dict[str, str]] | None = None
) -> str:
    """The CSV text; ``results`` carry the learner in ``submission``, ``people`` who each is
    (``id``, ``name``, ``note``, ``submitted``: see :class:`grader.classroom.batch.Manifest`)."""
    people = people or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "id", "name", *exercise_ids, "total", "max_score", "status", "problem", "note"])
    for result in sorted(results, key=lambda result: result.submission):
        earned = scores(result)
        person = people.get(result.submission, {})
        writer.writerow(
            [
                result.submission,
                person.get("id", ""),
                person.get("name", ""),
                *(earned.get(exercise_id, "") for exercise_id in exercise_ids),
                number(result.score),
                number(result.max_score),
                learner_status(result, person),
                problem(result),
                person.get("note", ""),
            ]
        )
    return buffer.getvalue()


def learner_status(result: SubmissionResult, person: dict[str, str]) -> str:
    return MISSING if person.get("submitted") == "no" else status(result)


def write(
    path: Path,
    exercise_ids: list[str],
    results: list[SubmissionResult],
    people: dict[str, dict[str, str]] | None = None,
) -> None:
    path.write_text(render(exercise_ids, results, people), encoding="utf-8")
