"""The result cache: hits, a miss for every input of a result, what is never kept, hidden checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader import grading
from grader.cache import Cache
from grader.classroom.batch import run_batch
from grader.classroom.submissions import discover
from grader.course import Course
from grader.grading import grade
from grader.results import SubmissionResult
from grader.sandbox.policy import Policy
from tests.helpers import ROOT, solution, write_submission

pytestmark = pytest.mark.xdist_group("cache")

STARTER = "from flask import Flask\n"
SOLVED = solution("01_app_instance")


def fresh(result: SubmissionResult) -> dict:
    """The JSON of ``result`` with what may differ between runs taken out."""
    data = json.loads(result.to_json())
    data.pop("duration")
    for exercise in data["exercises"]:
        exercise.pop("cached")
    return data


@pytest.fixture
def own_course(tmp_path: Path) -> Course:
    """A course of its own (its checks can change), exercises 01 and 02."""
    for exercise in ("01_app_instance", "02_first_route"):
        shutil.copytree(ROOT / "exercises" / exercise, tmp_path / "course" / "exercises" / exercise)
    return Course(tmp_path / "course")


def test_an_unchanged_exercise_comes_from_the_cache_byte_identical_but_for_cached(own_course, tmp_path):
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": SOLVED, "02_first_route/app.py": STARTER})
    cache = Cache.for_course(own_course)
    uncached = grade(own_course, root)
    first = grade(own_course, root, cache=cache)
    second = grade(own_course, root, cache=cache)
    assert [e.cached for e in first.exercises] == [False, False]
    assert [e.cached for e in second.exercises] == [True, True]
    assert fresh(first) == fresh(second) == fresh(uncached)
    assert (
        first.to_json().replace('"cached": false', '"cached": true').split('"exercises"')[1]
        == (second.to_json().split('"exercises"')[1])
    )
    assert len(list(cache.folder.rglob("*/*.json"))) == 2


def test_a_changed_learner_file_is_graded_again(own_course, tmp_path):
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": STARTER})
    cache = Cache.for_course(own_course)
    assert grade(own_course, root, cache=cache).exercises[0].score == 0
    write_submission(root, {"01_app_instance/app.py": SOLVED})
    again = grade(own_course, root, cache=cache).exercises[0]
    assert (again.cached, again.passed) == (False, True)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("01_app_instance", "import time\nfrom flask import Flask\ntime.sleep(60)\napp = Flask(__name__)\n"),
        (
            "02_first_route",
            "import time\nfrom flask import Flask\napp = Flask(__name__)\n\n"
            "@app.route('/')\ndef index():\n    time.sleep(60)\n",
        ),
    ],
    ids=["loading", "a request"],
)
def test_a_timeout_is_never_kept(name, source, own_course, tmp_path):
    root = write_submission(tmp_path / "sub", {f"{name}/app.py": source})
    cache = Cache.for_course(own_course)
    result = grade(own_course, root, [name], cache=cache).exercises[0]
    assert "Timed out" in result.message + "".join(check.message for check in result.checks)
    assert not list(cache.folder.rglob("*/*.json"))
    assert grade(own_course, root, [name], cache=cache).exercises[0].cached is False


def test_a_check_that_raises_is_a_grader_failure_and_never_kept(own_course, tmp_path):
    hidden = tmp_path / "hidden" / "01_app_instance"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text('def test_broken(app):\n    """A bug."""\n    raise ValueError("bug")\n')
    course = Course(own_course.root, tmp_path / "hidden")
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": SOLVED})
    cache = Cache(tmp_path / "cache", hidden=True, own_code=True)  # hidden checks may be kept there
    result = grade(course, root, ["01"], cache=cache).exercises[0]
    assert {c.name: c.status for c in result.checks}["broken"] == "error"
    assert not list(cache.folder.rglob("*/*.json"))


def test_a_grader_crash_is_never_kept(own_course, tmp_path, monkeypatch):
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": SOLVED})
    cache = Cache.for_course(own_course)
    broken = tmp_path / "broken"
    write_submission(broken, {"grader/__init__.py": "", "grader/judge.py": "raise SystemExit(3)\n"})
    real = grading.judge_environment
    monkeypatch.setattr(grading, "judge_environment", lambda home: {**real(home), "PYTHONPATH": str(broken)})
    result = grade(own_course, root, ["01"], cache=cache).exercises[0]
    assert result.status == "error" and "The grader failed" in result.message
    assert not list(cache.folder.rglob("*/*.json"))


def test_a_weakened_sandbox_is_never_kept(own_course, tmp_path):
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": SOLVED})
    cache = Cache.for_course(own_course)
    weakened = Policy(disable=frozenset({"rlimits"}))
    assert grade(own_course, root, ["01"], policy=weakened, cache=cache).exercises[0].passed
    assert not list(cache.folder.rglob("*/*.json"))


def test_hidden_checks_never_reach_a_learners_cache(own_course, tmp_path):
    hidden = tmp_path / "hidden" / "01_app_instance"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text('def test_secret_name(app):\n    """The secret."""\n    assert False, "SECRET"\n')
    course = Course(own_course.root, tmp_path / "hidden")
    root = write_submission(tmp_path / "sub", {"01_app_instance/app.py": SOLVED, "02_first_route/app.py": STARTER})
    learner = Cache.for_course(own_course)
    grade(course, root, cache=learner)
    kept = "".join(path.read_text() for path in learner.folder.rglob("*.json"))
    assert "02_first_route" in kept  # the exercise without hidden checks is kept
    assert "secret_name" not in kept and "SECRET" not in kept and "01_app_instance" not in kept
    # An instructor's cache keeps them (own_code: this machine may lack the essential layers).
    instructor = Cache(tmp_path / "out" / "cache", hidden=True, own_code=True)
    grade(course, root, cache=instructor)
    assert "secret_name" in "".join(path.read_text() for path in instructor.folder.rglob("*.json"))


def test_no_cache_grades_afresh_and_keeps_nothing(own_course, tmp_path):
    from click.testing import CliRunner

    from grader.cli import main

    runner = CliRunner()
    args = ["--course", str(own_course.root), "check", "01", "--format", "json"]
    first = runner.invoke(main, [*args, "--no-cache"])
    assert first.exit_code == 1, first.output  # the starter
    assert not (own_course.root / ".flask-grader" / "cache").exists()
    runner.invoke(main, args)
    cached = json.loads(runner.invoke(main, args).output)["exercises"][0]["cached"]
    again = json.loads(runner.invoke(main, [*args, "--no-cache"]).output)["exercises"][0]["cached"]
    assert (cached, again) == (True, False)


def test_a_class_grades_identical_files_once(course, tmp_path):
    files = {"01_app_instance/app.py": SOLVED, "02_first_route/app.py": STARTER}
    for learner in ("ana", "bo", "cy"):
        write_submission(tmp_path / "class" / learner, files)
    write_submission(tmp_path / "class" / "dee", {**files, "01_app_instance/app.py": STARTER})
    submissions, _ = discover(tmp_path / "class")
    out = tmp_path / "out"
    ids = ["01_app_instance", "02_first_route"]
    # Trusted as one owner's code: this machine may lack the essential layers a batch's cache needs.
    cache = Cache(out / "cache", hidden=True, own_code=True)
    run_batch(course, submissions, out, ids, jobs=2, timeout=120, policy=Policy(), cache=cache)
    results = {s.learner: SubmissionResult.load(out / "results" / f"{s.learner}.json") for s in submissions}
    graded = [(learner, e.id) for learner, r in results.items() for e in r.exercises if not e.cached]
    # Three distinct (exercise, files) pairs: 01 solved, 01 starter, 02 starter.
    assert len(graded) == 3, graded
    solo = fresh(grade(course, tmp_path / "class" / "bo", ids))["exercises"]
    for learner in ("ana", "bo", "cy"):
        assert fresh(results[learner])["exercises"] == solo
    assert results["dee"].score < results["ana"].score
