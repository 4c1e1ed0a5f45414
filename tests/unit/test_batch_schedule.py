"""The batch's schedule: the longest first when regrading, the last submissions on two judges, a free judge to the first waiting."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from grader.classroom.batch import schedule
from grader.classroom.submissions import Submission
from grader.grading import GradingCancelled, JudgeSlots
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


def test_judges_go_in_the_schedules_order_and_one_done_without_a_judge_holds_no_one_up():
    slots, got = JudgeSlots(1, 4), []

    def grade(rank: int) -> None:
        with slots.turn(rank).held(None):
            got.append(rank)

    threads = [threading.Thread(target=grade, args=(rank,)) for rank in (3, 2)]
    for thread in threads:
        thread.start()  # 3 and 2 ask first: the judge is free, but 0 and 1 come before them
    time.sleep(0.3)
    assert got == []
    grade(0)
    slots.turn(1).passed()  # 1 needed no judge (its files were graded already)
    for thread in threads:
        thread.join(10)
    assert got == [0, 2, 3]


def test_a_submission_waiting_for_a_judge_stops_when_the_batch_is_cancelled():
    slots, cancel = JudgeSlots(1, 3), threading.Event()
    with slots.turn(0).held(None):
        cancel.set()
        with pytest.raises(GradingCancelled):
            with slots.turn(1).held(cancel):
                pass
    slots.turn(1).passed()
    with slots.turn(2).held(None):  # the judge was given back
        pass
