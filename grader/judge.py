"""The judge: one pytest session grading one submission's exercises.

It runs in its own process (``python -m grader.judge``, started by
:mod:`grader.grading`), imports the checks and never the learner's code, which
lives in workers (:mod:`grader.sandbox.process`). It writes a :class:`SubmissionResult`
as JSON to the path it is given.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from grader import plugin
from grader.course import Course, submission_folder
from grader.exercise import CHECKS, Exercise
from grader.plugin import ExerciseRun, JudgeState, Outcome, StatePlugin
from grader.results import CheckResult, ExerciseResult, SubmissionResult, errored
from grader.sandbox.policy import Policy
from grader.sandbox.policy import guarantees as sandbox_guarantees
from grader.sandbox.process import Sandbox

PYTEST_ARGS = [
    "-q",
    "--no-header",
    "-p",
    "no:cacheprovider",  # nothing written next to the checks
    "-p",
    "no:randomly",  # test order and seeds stay the grader's
    # Learner code never runs here, so these have nothing to catch; they would
    # run gc.collect() after every check (~25 ms each).
    "-p",
    "no:unraisableexception",
    "-p",
    "no:threadexception",
    "--noconftest",
    "--import-mode=importlib",
    # Checks report through expect()/fail(); rewriting asserts would cost ~0.15 s a run.
    "--assert=plain",
    "-c",
    str(Path(__file__).with_name("judge.ini")),
    "-W",
    "ignore::DeprecationWarning",
]


def prepare(exercise: Exercise, root: Path) -> ExerciseRun:
    """What to copy into each worker for ``exercise``, or why there is nothing to grade."""
    folder = submission_folder(root, exercise)
    if folder is None:
        return ExerciseRun(exercise, problem=f"There is no folder {exercise.id} in the submission.")
    files = []
    for name in exercise.files:
        source = folder / name
        if not source.exists():
            where = source.relative_to(root).as_posix()  # the same message wherever the submission was unpacked
            return ExerciseRun(exercise, problem=f"{where} is missing: write your solution there.")
        files.append((source, name))
    files += [(exercise.path / asset, asset) for asset in exercise.assets]
    return ExerciseRun(exercise, files=tuple(files))


def judge(course: Course, root: Path, exercise_ids: list[str], policy: Policy = Policy()) -> SubmissionResult:
    """Grade the exercises ``exercise_ids`` of the submission under ``root``; ``policy``
    says how learner code is sandboxed."""
    started = time.monotonic()
    by_id = {exercise.id: exercise for exercise in course.exercises()}
    runs = [prepare(by_id[exercise_id], root) for exercise_id in exercise_ids]
    # A check finds its exercise by its file's folder; hidden checks live in a folder of their own.
    by_folder = {
        check_file.parent.resolve(): run
        for run in runs
        if not run.problem
        for check_file in (run.exercise.checks_file, run.exercise.hidden_checks_file)
        if check_file is not None
    }
    guarantees: dict[str, dict[str, Any]] = {}
    if by_folder:
        with Sandbox(policy) as sandbox:
            sandbox.start()  # the zygote boots while pytest collects
            state = JudgeState(sandbox, by_folder)
            pytest.main(
                [*(str(folder / CHECKS) for folder in by_folder), *PYTEST_ARGS, "--rootdir", str(course.root)],
                plugins=[plugin, StatePlugin(state)],
            )
            guarantees = {kept.name: kept.to_dict() for kept in sandbox_guarantees(sandbox.layers)}
    exercises = [assemble(run) for run in runs]
    return SubmissionResult(str(root), exercises, time.monotonic() - started, guarantees)


def assemble(run: ExerciseRun) -> ExerciseResult:
    """Score one exercise from its checks' outcomes."""
    exercise = run.exercise
    problem = run.problem
    if not problem and run.load_error is not None:
        problem = str(run.load_error)
    if not problem and run.collect_error:
        problem = f"The checks of this exercise could not be loaded (a bug in the grader):\n{run.collect_error}"
    if problem:
        return errored(exercise, problem)
    checks = []
    for spec in exercise.checks:
        outcome = run.outcomes.get(spec.name) or Outcome("error", "This check did not run (a bug in the grader).")
        checks.append(
            CheckResult(
                name=spec.name,
                description=spec.description,
                status=outcome.status,
                points=spec.points if outcome.status == "passed" else 0.0,
                max_points=spec.points,
                message=outcome.message,
                hint=spec.hint if outcome.status != "passed" else "",
                example=outcome.example,
                details=outcome.details,
                hidden=spec.hidden,
            )
        )
    return ExerciseResult.of(exercise, checks)


def main() -> int:
    """``python -m grader.judge JOB``: JOB is a JSON file naming course, root, exercises,
    result, and optionally the sandbox policy."""
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    hidden = Path(job["hidden_checks"]) if job.get("hidden_checks") else None
    policy = Policy.from_dict(job.get("sandbox"))
    result = judge(Course(Path(job["course"]), hidden), Path(job["root"]), list(job["exercises"]), policy)
    result.save(Path(job["result"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
