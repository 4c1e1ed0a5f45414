"""The warm judge of ``watch``: the same results as a fresh judge, checks as they end, cancelling."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from grader.cache import Cache
from grader.course import Course
from grader.grading import WarmGrading, WarmJudge, grade
from tests.helpers import ROOT, solution
from tests.test_cache import fresh

pytestmark = pytest.mark.xdist_group("warm-judge")

TIMEOUT = 240.0  # seconds: the machine may be busy


@pytest.fixture
def learner(tmp_path: Path) -> Course:
    for exercise in ("01_app_instance", "02_first_route", "03_dynamic_routes"):
        shutil.copytree(ROOT / "exercises" / exercise, tmp_path / "course" / "exercises" / exercise)
    return Course(tmp_path / "course")


@pytest.fixture
def judge(learner: Course):
    warm = WarmJudge(learner)
    warm.start()
    yield warm
    warm.close()


def finished(grading: WarmGrading) -> WarmGrading:
    deadline = time.monotonic() + TIMEOUT
    while not grading.done():
        assert time.monotonic() < deadline, "the warm judge did not answer"
        time.sleep(0.01)
    return grading


def test_a_warm_judge_gives_what_a_fresh_judge_gives_save_after_save(learner, judge):
    app = learner.exercises_dir / "02_first_route" / "app.py"
    for source in (app.read_text(), solution("02_first_route"), "def broken(:\n"):
        app.write_text(source)
        warm = finished(judge.grade(learner.resolve("02"))).result()
        cold = grade(learner, learner.exercises_dir, ["02"]).exercises[0]
        assert not isinstance(warm, str), warm
        assert fresh_exercise(warm) == fresh_exercise(cold)


def fresh_exercise(exercise):
    from grader.results import SubmissionResult

    return fresh(SubmissionResult("", [exercise]))["exercises"][0]


def test_each_check_arrives_as_it_ends_the_first_failure_before_the_last_check(learner, judge):
    grading = judge.grade(learner.resolve("03"))  # the starter: every check fails
    first = None
    while not grading.done():
        so_far = grading.so_far()
        if first is None and so_far is not None:
            first = so_far
        time.sleep(0.005)
    final = grading.result()
    assert not isinstance(final, str)
    assert first is not None and 0 < len(first.checks) < len(final.checks)
    assert first.checks[0] == final.checks[0] and first.checks[0].status != "passed"


def test_a_new_save_cancels_the_grading_and_the_judge_stays_warm(learner, judge):
    slow = learner.exercises_dir / "02_first_route" / "app.py"
    slow.write_text(
        "import time\nfrom flask import Flask\napp = Flask(__name__)\n\n"
        "@app.route('/')\ndef index():\n    time.sleep(60)\n"
    )
    grading = judge.grade(learner.resolve("02"))
    time.sleep(1.5)
    process = judge._process
    slow.write_text(solution("02_first_route"))
    again = finished(judge.grade(learner.resolve("02")))
    assert grading.finished and isinstance(grading.result(), str)  # dropped, never shown
    assert not isinstance(again.result(), str) and again.result().passed
    assert judge._process is process, "the same judge process graded both"


def test_a_warm_judge_shares_the_learners_cache(learner):
    cache = Cache.for_course(learner)
    grade(learner, learner.exercises_dir, ["01"], cache=cache)
    warm = WarmJudge(learner, cache=cache)
    try:
        grading = warm.grade(learner.resolve("01"))
        assert grading.done() and grading.result().cached  # at once: no judge needed
        assert warm._process is None
    finally:
        warm.close()


def test_a_judge_that_dies_is_feedback_and_the_next_grading_starts_another(learner, judge):
    app = learner.exercises_dir / "02_first_route" / "app.py"
    app.write_text(
        "import time\nfrom flask import Flask\napp = Flask(__name__)\n\n"
        "@app.route('/')\ndef index():\n    time.sleep(60)\n"
    )
    grading = judge.grade(learner.resolve("02"))
    time.sleep(1.5)
    judge._process.kill()
    died = finished(grading).result()
    assert isinstance(died, str) and "The grader failed" in died
    app.write_text(solution("02_first_route"))
    again = finished(judge.grade(learner.resolve("02"))).result()
    assert not isinstance(again, str) and again.passed
