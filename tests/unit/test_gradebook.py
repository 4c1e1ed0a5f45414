"""The gradebook CSV, from results made by hand: a row per learner in name order,
points as people write them, and a status that says what an instructor must look at."""

from __future__ import annotations

import csv
import io

from grader.classroom import gradebook
from grader.results import ExerciseResult, SubmissionResult


def exercise(id: str, score: float, status: str = "graded", message: str = "") -> ExerciseResult:
    number, _, slug = id.partition("_")
    return ExerciseResult(id, number, slug, slug, slug, status, score, 3.0, message)  # type: ignore[arg-type]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


IDS = ["01_app_instance", "02_first_route"]


def test_a_row_per_learner_in_name_order_with_points_and_totals():
    results = [
        SubmissionResult("zoe", [exercise("01_app_instance", 3.0), exercise("02_first_route", 1.5)]),
        SubmissionResult("ada", [exercise("01_app_instance", 2.0), exercise("02_first_route", 0.0)]),
    ]
    people = {"ada": {"id": "17", "name": "Ada Lovelace", "note": "late"}}
    table = rows(gradebook.render(IDS, results, people))
    assert [row["learner"] for row in table] == ["ada", "zoe"]
    ada, zoe = table
    assert (ada["id"], ada["name"], ada["note"]) == ("17", "Ada Lovelace", "late")
    assert (ada["01_app_instance"], ada["02_first_route"], ada["total"], ada["max_score"]) == ("2", "0", "2", "6")
    assert (zoe["02_first_route"], zoe["total"], zoe["status"]) == ("1.5", "4.5", "graded")


def test_status_and_problem_name_what_could_not_be_examined():
    partly = SubmissionResult(
        "bob", [exercise("01_app_instance", 3.0), exercise("02_first_route", 0.0, "error", "app.py is missing\nmore")]
    )
    nothing = SubmissionResult("cy", [exercise("01_app_instance", 0.0, "error", "unsafe zip")])
    bob, cy = rows(gradebook.render(IDS, [partly, nothing]))
    assert (bob["status"], bob["problem"]) == ("incomplete", "app.py is missing")
    assert (cy["status"], cy["problem"], cy["02_first_route"]) == ("error", "unsafe zip", "")


def test_a_learner_on_the_roster_who_handed_nothing_in_is_missing():
    (row,) = rows(gradebook.render(IDS, [SubmissionResult("dee", [])], {"dee": {"submitted": "no"}}))
    assert row["status"] == "missing" and row["total"] == "0"


def test_points_are_written_without_float_noise():
    assert [gradebook.number(value) for value in (2.0, 2.5, 0.1 + 0.2, 1 / 3)] == ["2", "2.5", "0.3", "0.3333333333"]
