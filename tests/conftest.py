"""Helpers for the grader's own tests: write a submission, grade it for real."""

from __future__ import annotations

import glob
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from grader.course import Course
from grader.grading import grade
from grader.results import ExerciseResult, SubmissionResult

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


def write_submission(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{"02_first_route/app.py": source, ...}`` under ``root``; sources are dedented."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def grade_files(course: Course, tmp_path: Path):
    """grade_files({"02_first_route/app.py": source}) -> SubmissionResult of those exercises."""

    def run(files: dict[str, str | bytes], names: list[str] | None = None) -> SubmissionResult:
        root = write_submission(tmp_path / "submission", files)
        wanted = names or sorted({name.split("/")[0] for name in files})
        return grade(course, root, wanted)

    return run


def statuses(exercise: ExerciseResult) -> dict[str, str]:
    return {check.name: check.status for check in exercise.checks}


def failing(exercise: ExerciseResult) -> set[str]:
    return {check.name for check in exercise.checks if check.status != "passed"}


def solution(exercise_id: str) -> str:
    return (ROOT / "solutions" / exercise_id / "app.py").read_text(encoding="utf-8")


@pytest.fixture
def learner_course(tmp_path: Path) -> Path:
    """A learner's copy of the course, as cloned: exercises/ at their starters, committed in git."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises", course / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".gitignore", course / ".gitignore")
    git = ["git", "-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=course, check=True)
    subprocess.run([*git, "add", "."], cwd=course, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "course"], cwd=course, check=True)
    return course


def live_tasks_named(name: str) -> list[str]:
    """Processes and threads on this machine named ``name`` (see ``prctl(PR_SET_NAME)``) that
    still run; a zombie has ended and only waits for its parent to notice."""
    found = []
    for task in glob.glob("/proc/[0-9]*/task/[0-9]*"):
        try:
            comm = Path(task, "comm").read_text().strip()
            state = Path(task, "stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue  # ended while we looked
        if comm == name and state != "Z":
            found.append(task)
    return found
