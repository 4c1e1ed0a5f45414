"""Helpers for the grader's own tests: write a submission, read a grading, find live processes.

Imported by tests as ``from tests.helpers import ...``; ``conftest.py`` only holds fixtures.
"""

from __future__ import annotations

import glob
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.results import CheckResult, ExerciseResult

ROOT = Path(__file__).resolve().parent.parent


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


def statuses(exercise: ExerciseResult) -> dict[str, str]:
    return {check.name: check.status for check in exercise.checks}


def failing(exercise: ExerciseResult) -> set[str]:
    return {check.name for check in exercise.checks if check.status != "passed"}


def solution(exercise_id: str) -> str:
    return (ROOT / "solutions" / exercise_id / "app.py").read_text(encoding="utf-8")


Submission = str | dict[str, str]
"""The source of an exercise's ``app.py``, or its files by name (``{"templates/base.html": ...}``)."""


def grade_one(grade_files: Callable[..., Any], exercise: str, submission: Submission) -> ExerciseResult:
    """Grade ``submission`` as the learner's folder for ``exercise`` (with the ``grade_files`` fixture)."""
    files = submission if isinstance(submission, dict) else {"app.py": submission}
    return grade_files({f"{exercise}/{name}": content for name, content in files.items()}).exercises[0]


def check_named(result: ExerciseResult, name: str) -> CheckResult:
    return next(check for check in result.checks if check.name == name)


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


def lint_workflow(path: Path) -> str:
    """Problems check-jsonschema finds in a GitHub Actions workflow ('' when none), against
    the workflow schema it ships (offline). actionlint would check more (expressions,
    shell), but its PyPI wrapper downloads its binary at install time, which a machine
    without the wider network cannot do."""
    lint = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return "" if lint.returncode == 0 else lint.stdout + lint.stderr
