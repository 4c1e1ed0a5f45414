"""The batch's schedule: the longest first when regrading, the last submissions on two judges."""

from __future__ import annotations

from pathlib import Path

from grader.classroom.batch import schedule
from grader.classroom.submissions import Submission
from grader.results import SubmissionResult


def submissions(tmp_path: Path, names: list[str]) -> list[Submission]:
    found = []
    for name in names:
        (tmp_path / "class" / name).mkdir(parents=True)
        found.append(Submission(name, tmp_path / "class" / name))
    return found


def test_without_earlier_results_the_class_goes_in_name_order_the_last_on_two_judges(tmp_path):
    plan = schedule(submissions(tmp_path, ["a", "b", "c", "d"]), tmp_path / "out", jobs=2)
    assert [(s.learner, judges) for s, judges in plan] == [("a", 1), ("b", 1), ("c", 1), ("d", 2)]


def test_regrading_starts_with_what_took_longest_last_time(tmp_path):
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    for learner, duration in (("a", 1.0), ("b", 9.0), ("c", 4.0)):
        SubmissionResult(learner, [], duration).save(out / "results" / f"{learner}.json")
    plan = schedule(submissions(tmp_path, ["a", "b", "c", "d"]), out, jobs=3)
    assert [(s.learner, judges) for s, judges in plan] == [("b", 1), ("c", 1), ("a", 2), ("d", 2)]


def test_one_job_means_one_judge_each(tmp_path):
    plan = schedule(submissions(tmp_path, ["a", "b"]), tmp_path / "out", jobs=1)
    assert [judges for _, judges in plan] == [1, 1]
