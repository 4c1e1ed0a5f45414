"""The gradebook: one CSV row per learner, a column per exercise, the total and a status.

Columns: ``learner``, one per exercise (its id, such as ``02_first_route``, holding the
points earned), ``total``, ``max_score``, ``status`` and ``problem``. Rows are sorted by
learner. ``status`` is ``graded`` (every exercise was examined), ``incomplete`` (some
could not be: a missing file, a syntax error, ...) or ``error`` (none could: an unsafe
zip, a submission stopped at the time limit); ``problem`` is the first line of the
first reason an exercise could not be examined.
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


def render(exercise_ids: list[str], results: list[SubmissionResult]) -> str:
    """The CSV text; ``results`` carry the learner's name in ``submission``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *exercise_ids, "total", "max_score", "status", "problem"])
    for result in sorted(results, key=lambda result: result.submission):
        earned = scores(result)
        writer.writerow(
            [
                result.submission,
                *(earned.get(exercise_id, "") for exercise_id in exercise_ids),
                number(result.score),
                number(result.max_score),
                status(result),
                problem(result),
            ]
        )
    return buffer.getvalue()


def write(path: Path, exercise_ids: list[str], results: list[SubmissionResult]) -> None:
    path.write_text(render(exercise_ids, results), encoding="utf-8")
