"""Grading from the outside: one judge process per submission, and verifying the course.

The process that calls :func:`grade` (the CLI, a batch) runs neither checks nor
learner code: it starts ``python -m grader.judge`` with a time limit and reads
back the result, so nothing a submission does can take it down.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course
from grader.results import ExerciseResult, SubmissionResult, errored
from grader.sandbox.policy import Policy
from grader.sandbox.process import PACKAGE_PARENT

#: Seconds one submission may take before the judge is stopped.
SUBMISSION_TIMEOUT = 600.0


class GradingCancelled(Exception):
    """``grade`` was told to stop (an interrupted batch): its judge is killed, nothing is kept."""


def grade(
    course: Course,
    root: Path,
    names: list[str] | None = None,
    *,
    timeout: float = SUBMISSION_TIMEOUT,
    cancel: threading.Event | None = None,
    jobs: int = 1,
    policy: Policy = Policy(),
) -> SubmissionResult:
    """Grade the exercises ``names`` (all when None) of the submission under ``root``.

    An unknown name gets an error result of its own; the others are still graded.
    Setting ``cancel`` stops the judge and raises :class:`GradingCancelled`.
    With ``jobs`` > 1 the exercises are split between that many judge processes.
    ``policy`` says how learner code is sandboxed (``require`` for batch grading).
    """
    started = time.monotonic()
    if names:
        wanted = [(name, course.resolve(name)) for name in names]
    else:
        wanted = [(exercise.id, exercise) for exercise in course.exercises()]
    ids = list(dict.fromkeys(exercise.id for _, exercise in wanted if exercise is not None))
    judges = _judge_in_parallel(course, root, ids, timeout, jobs, cancel, policy)
    judged = {e.id: e for result in judges for e in result.exercises}
    sandbox = next((result.sandbox for result in judges if result.sandbox), {})  # the same machine: one judge's
    results, seen = [], set()
    for name, exercise in wanted:
        if exercise is None:
            results.append(unknown_exercise(name))
        elif exercise.id not in seen:
            seen.add(exercise.id)
            results.append(judged[exercise.id])
    return SubmissionResult(str(root), results, time.monotonic() - started, sandbox)


def _judge_in_parallel(
    course: Course,
    root: Path,
    ids: list[str],
    timeout: float,
    jobs: int,
    cancel: threading.Event | None,
    policy: Policy,
) -> list[SubmissionResult]:
    """Split ``ids`` into at most ``jobs`` contiguous runs of about equal size, one judge each."""
    jobs = max(1, min(jobs, len(ids)))
    if jobs == 1:
        return [run_judge(course, root, ids, timeout, cancel, policy)] if ids else []
    chunks = [ids[len(ids) * k // jobs : len(ids) * (k + 1) // jobs] for k in range(jobs)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda chunk: run_judge(course, root, chunk, timeout, cancel, policy), chunks)
        return list(results)


def hypothesis_cache() -> Path:
    """Where judges keep Hypothesis's Unicode tables between runs (never examples:
    the database is off, so grades cannot depend on what an earlier run found)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "flask-grader" / "hypothesis"


def run_judge(
    course: Course,
    root: Path,
    ids: list[str],
    timeout: float,
    cancel: threading.Event | None = None,
    policy: Policy = Policy(),
) -> SubmissionResult:
    """Run the judge process; a crash or a timeout becomes an error result, never an exception."""
    with tempfile.TemporaryDirectory(prefix="flask-grader-job-") as tmp:
        # Workers that run as their own uid must reach their folders in here.
        os.chmod(tmp, 0o711)
        job = Path(tmp, "job.json")
        result_path = Path(tmp, "result.json")
        log_path = Path(tmp, "judge.log")
        job.write_text(
            json.dumps(
                {
                    "course": str(course.root),
                    "hidden_checks": str(course.hidden_checks.resolve()) if course.hidden_checks else None,
                    "root": str(Path(root).resolve()),
                    "exercises": ids,
                    "result": str(result_path),
                    "sandbox": policy.to_dict(),
                }
            ),
            encoding="utf-8",
        )
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": tmp,
            # The judge's temporary files (the sandbox's scratch) live in this job's folder,
            # so they go with it even when the judge is killed at the time limit.
            "TMPDIR": tmp,
            "PYTHONPATH": PACKAGE_PARENT,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HYPOTHESIS_STORAGE_DIRECTORY": str(hypothesis_cache()),
            # Installed pytest plugins must not change grades; the judge loads its own.
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTEST_PLUGINS": "_hypothesis_pytestplugin",
        }
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "grader.judge", str(job)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp,
                start_new_session=True,
            )
            try:
                _wait(process, timeout, cancel)
                problem = ""
            except subprocess.TimeoutExpired:
                problem = f"Grading this submission took longer than {timeout:g} s and was stopped."
            finally:
                _kill_group(process)
        if not problem and result_path.exists():
            return SubmissionResult.from_dict(json.loads(result_path.read_text(encoding="utf-8")))
        if not problem:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            problem = f"The grader failed (exit code {process.returncode}); this is a bug in the grader:\n{tail}"
        by_id = {exercise.id: exercise for exercise in course.exercises()}
        return SubmissionResult(str(root), [errored(by_id[i], problem) for i in ids])


def _wait(process: subprocess.Popen[bytes], timeout: float, cancel: threading.Event | None) -> None:
    """Wait for the judge; TimeoutExpired after ``timeout``, GradingCancelled once ``cancel`` is set."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            process.wait(timeout=max(0.0, min(deadline - time.monotonic(), 0.25 if cancel else timeout)))
            return
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.is_set():
                raise GradingCancelled from None
            if time.monotonic() >= deadline:
                raise


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def unknown_exercise(name: str) -> ExerciseResult:
    return ExerciseResult(
        id=name,
        number="",
        slug="",
        title="",
        concept="",
        status="error",
        score=0.0,
        max_score=0.0,
        message=f"There is no exercise named {name!r}: `flask-grader list` shows them all.",
    )


@dataclass
class VerifyProblem:
    exercise: str
    kind: str  # "solution" or "starter"
    message: str


def verify(course: Course) -> tuple[list[VerifyProblem], SubmissionResult, SubmissionResult]:
    """Every reference solution must score full marks and every starter zero."""
    with ThreadPoolExecutor(max_workers=2) as pool:  # two judge processes side by side
        solutions_future = pool.submit(grade, course, course.solutions_dir)
        starters = grade(course, course.exercises_dir)
        solutions = solutions_future.result()
    problems = []
    for result in solutions.exercises:
        if not result.passed:
            failing = [c.name for c in result.checks if not c.passed]
            why = result.message.splitlines()[0] if result.message else f"failing checks: {', '.join(failing)}"
            problems.append(
                VerifyProblem(result.id, "solution", f"scores {result.score:g}/{result.max_score:g} ({why})")
            )
    for result in starters.exercises:
        if result.score != 0:
            passing = [c.name for c in result.checks if c.passed]
            problems.append(
                VerifyProblem(result.id, "starter", f"scores {result.score:g}, not 0 (passing: {', '.join(passing)})")
            )
    return problems, solutions, starters
