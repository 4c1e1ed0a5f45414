"""The learner's progress, hints, next and reset: each command a fresh process, so
what they show after a restart comes from .flask-grader/ alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grader.course import Course
from tests.helpers import ROOT, solution

COUNT = len(Course(ROOT).exercises())
POINTS = sum(exercise.max_score for exercise in Course(ROOT).exercises())

PARTIAL_02 = solution("02_first_route").split('@app.route("/about")')[0]  # index only, no about


def flask_grader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``flask-grader ARGS`` from inside ``course``, as a learner does, piped."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("FLASK_GRADER_COURSE", None)
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600
    )


def row(output: str, number: str) -> str:
    match = re.search(rf"^  {number}  .*$", output, re.MULTILINE)
    assert match, output
    return match.group(0)


def test_progress_survives_a_restart_and_notices_edits(learner_course):
    fresh = flask_grader(learner_course).stdout
    assert f"Your progress: 0 of {COUNT} exercises passed" in fresh
    assert row(fresh, "01").endswith("not started")
    assert "Next: 01 · The application instance" in fresh
    assert "Read exercises/01_app_instance/README.md, then edit exercises/01_app_instance/app.py." in fresh

    (learner_course / "exercises/01_app_instance/app.py").write_text(solution("01_app_instance"))
    (learner_course / "exercises/02_first_route/app.py").write_text(PARTIAL_02)
    (learner_course / "exercises/03_dynamic_routes/app.py").write_text("# started, never checked\n")
    assert flask_grader(learner_course, "check", "01", "02").returncode == 1

    overview = flask_grader(learner_course).stdout
    assert f"Your progress: 1 of {COUNT} exercises passed, 9/{POINTS:g} points" in overview
    assert re.search(r"4/4 +passed$", row(overview, "01"))
    assert re.search(r"5/8 +partial$", row(overview, "02"))
    assert row(overview, "03").endswith("started  (not checked yet)")
    assert row(overview, "04").endswith("not started")
    assert "Next: 02 · Routes and view functions" in overview
    assert "\x1b[" not in overview and "✓" not in overview, "plain when piped"

    (learner_course / "exercises/02_first_route/app.py").write_text(solution("02_first_route"))
    edited = flask_grader(learner_course).stdout
    assert re.search(r"5/8 +partial  \(changed since the last check\)$", row(edited, "02"))


def test_hints_come_one_at_a_time_and_the_count_survives_a_restart(learner_course):
    first = flask_grader(learner_course, "hint", "02").stdout
    assert first.startswith("Hint 1/3 for 02_first_route: A route is a function")
    assert "Run `flask-grader hint 02` again for a stronger hint." in first
    assert flask_grader(learner_course, "hint", "first_route").stdout.startswith(
        "Hint 2/3 for 02_first_route: The endpoint"
    )
    third = flask_grader(learner_course, "hint", "02").stdout
    assert third.startswith("Hint 3/3") and "That was the last hint." in third
    again = flask_grader(learner_course, "hint", "02").stdout
    assert again.startswith("You have seen all 3 hints for 02_first_route:")
    assert again.count("\nHint ") == 3
    # Without a name: the exercise to do next, with a count of its own.
    assert flask_grader(learner_course, "hint").stdout.startswith("Hint 1/3 for 01_app_instance: Everything starts")
    # The state is local: git does not see it.
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=learner_course, capture_output=True, text=True, check=True
    )
    assert (learner_course / ".flask-grader/state.json").is_file() and status.stdout == ""


def test_next_names_the_first_exercise_not_passed(learner_course):
    (learner_course / "exercises/01_app_instance/app.py").write_text(solution("01_app_instance"))
    flask_grader(learner_course, "check", "01")
    shown = flask_grader(learner_course, "next").stdout
    assert shown.startswith("Next: 02 · Routes and view functions\n")
    assert "`flask-grader watch`" in shown and "`flask-grader hint 02`" in shown


def test_reset_keeps_a_backup_and_restores_the_starter_even_after_a_commit(learner_course):
    app = learner_course / "exercises/02_first_route/app.py"
    starter = app.read_text()
    flask_grader(learner_course)  # the first look keeps the starters
    app.write_text(PARTIAL_02)
    subprocess.run(
        ["git", "-c", "user.name=L", "-c", "user.email=l@e", "commit", "-qam", "my work"],
        cwd=learner_course,
        check=True,
    )

    done = flask_grader(learner_course, "reset", "02")
    assert done.returncode == 0, done.stderr
    backup = re.search(r"Your files are saved in (\S+)/\.", done.stdout).group(1)
    assert (learner_course / backup / "app.py").read_text() == PARTIAL_02
    assert app.read_text() == starter
    assert "exercises/02_first_route has the starter again." in done.stdout
    assert row(flask_grader(learner_course).stdout, "02").endswith("not started")
    assert "already the starter: nothing to reset" in flask_grader(learner_course, "reset", "02").stdout


def test_reset_without_a_known_starter_is_a_clear_error_and_touches_nothing(tmp_path):
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises/02_first_route", course / "exercises/02_first_route")
    app = course / "exercises/02_first_route/app.py"
    app.write_text(PARTIAL_02)
    done = flask_grader(course, "reset", "02")
    assert done.returncode == 1
    assert "The starter of 02_first_route cannot be found" in done.stderr
    assert app.read_text() == PARTIAL_02


def test_a_damaged_state_file_is_moved_aside_and_progress_goes_on(learner_course):
    state = learner_course / ".flask-grader/state.json"
    state.parent.mkdir()
    state.write_text("{not json")
    shown = flask_grader(learner_course, "hint", "02")
    assert shown.stdout.startswith("Hint 1/3")
    assert "state.json could not be read; it was moved to state.json.damaged" in shown.stderr
    assert (state.parent / "state.json.damaged").read_text() == "{not json"
