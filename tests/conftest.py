"""Fixtures for the grader's own tests (the helpers they share are in ``tests/helpers.py``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from grader.course import Course
from grader.grading import grade
from grader.results import SubmissionResult
from tests.helpers import ROOT, write_submission


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


@pytest.fixture
def grade_files(course: Course, tmp_path: Path):
    """grade_files({"02_first_route/app.py": source}) -> SubmissionResult of those exercises."""

    def run(files: dict[str, str | bytes], names: list[str] | None = None) -> SubmissionResult:
        root = write_submission(tmp_path / "submission", files)
        wanted = names or sorted({name.split("/")[0] for name in files})
        return grade(course, root, wanted)

    return run


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
