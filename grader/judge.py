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
from dataclasses import replace
from pathlib import Path

import pytest

from grader import plugin
from grader.course import Course, submission_folder
from grader.exercise import CHECKS, Exercise
from grader.plugin import ExerciseRun, JudgeState, Outcome, StatePlugin
from grader.results import CheckResult, ExerciseResult, SubmissionResult, errored
from grader.sandbox import nofollow
from grader.sandbox.nofollow import Reader
from grader.sandbox.policy import Policy
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


def prepare(exercise: Exercise, root: Path, reader: Reader | None = None) -> ExerciseRun:
    """What to copy into each worker for ``exercise``, or why there is nothing to grade.
    Nothing below ``root`` may be a link, nor (with ``reader``) unreadable to its learner."""
    try:
        folder = submission_folder(root, exercise, reader)
        if folder is None:
            return ExerciseRun(exercise, problem=f"There is no folder {exercise.id} in the submission.")
        files = []
        for name in exercise.files:
            relative = f"{folder.name}/{name}"
            if nofollow.kind(root, relative, reader) is None:
                # The same message wherever the submission was unpacked.
                return ExerciseRun(exercise, problem=f"{relative} is missing: write your solution there.")
            nofollow.check_tree(root, relative, reader)
            files.append((folder / name, name))
    except nofollow.UnsafePath as exc:
        return ExerciseRun(exercise, problem=str(exc))
    files += [(exercise.path / asset, asset) for asset in exercise.assets]
    return ExerciseRun(exercise, files=tuple(files))


def judge(course: Course, root: Path, exercise_ids: list[str], policy: Policy = Policy()) -> SubmissionResult:
    """Grade the exercises ``exercise_ids`` of the submission under ``root``; ``policy``
    says how learner code is sandboxed."""
    started = time.monotonic()
    by_id = {exercise.id: exercise for exercise in course.exercises()}
    reader = Reader.owner_of(root) if root.is_dir() else None
    runs = [prepare(by_id[exercise_id], root, reader) for exercise_id in exercise_ids]
    # A check finds its exercise by its file's folder; hidden checks live in a folder of their own.
    by_folder = {
        check_file.parent.resolve(): run
        for run in runs
        if not run.problem
        for check_file in (run.exercise.checks_file, run.exercise.hidden_checks_file)
        if check_file is not None
    }
    if by_folder:
        with Sandbox(policy) as sandbox:
            sandbox.start()  # the zygote boots while pytest collects
            state = JudgeState(sandbox, by_folder)
            pytest.main(
                [*(str(folder / CHECKS) for folder in by_folder), *PYTEST_ARGS, "--rootdir", str(course.root)],
                plugins=[plugin, StatePlugin(state)],
            )
            run_timeouts_again(course, state, runs)
    exercises = [assemble(run) for run in runs]
    return SubmissionResult(str(root), exercises, time.monotonic() - started)


def run_timeouts_again(course: Course, state: JudgeState, runs: list[ExerciseRun]) -> None:
    """Run each check that timed out once more, on its own after all the others: a
    timeout that a busy moment caused goes away, one that the app causes stays, and its
    message says it was seen twice. (A module that never loaded is not tried again.)"""
    again = [
        (run, name)
        for run in runs
        if run.load_error is None
        for name, outcome in run.outcomes.items()
        if outcome.status == "timeout" and name in run.selectors
    ]
    if not again:
        return
    for run, name in again:
        del run.outcomes[name]
    selectors = list(dict.fromkeys(run.selectors[name] for run, name in again))
    pytest.main([*selectors, *PYTEST_ARGS, "--rootdir", str(course.root)], plugins=[plugin, StatePlugin(state)])
    for run, name in again:
        outcome = run.outcomes.get(name)
        if outcome is not None and outcome.status == "timeout":
            run.outcomes[name] = replace(outcome, message=outcome.message + " " + TIMED_OUT_TWICE)


#: Added to the message of a check that timed out twice.
TIMED_OUT_TWICE = (
    "It timed out again when run a second time, on its own, so the time goes to the app, not to a busy machine."
)


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
    # Resolved: the sandbox copies files by paths in which no component may be a link.
    course = Course(Path(job["course"]).resolve(), hidden)
    result = judge(course, Path(job["root"]).resolve(), list(job["exercises"]), policy)
    result.save(Path(job["result"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
