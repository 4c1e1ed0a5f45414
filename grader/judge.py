"""The judge: pytest sessions grading a submission's exercises.

It runs in its own process, started by :mod:`grader.grading`, imports the checks
and never the learner's code, which lives in workers (:mod:`grader.sandbox.process`).

* ``python -m grader.judge JOB`` grades once: JOB is a JSON file naming course,
  root, exercises, the sandbox policy and where to write the outcome (the
  :class:`SubmissionResult`, the layers it had, and which exercises a failure of
  the grader or the sandbox decided).
* ``python -m grader.judge --serve FD COURSE POLICY`` stays warm for ``watch``: it
  reads one job a line on stdin (``{"job": N, "root": ..., "exercises": [...]}``)
  and writes events as JSON lines to the file descriptor FD: ``ready`` once,
  then per job each check's result as soon as it is known, and the outcome. SIGINT
  cancels the job running (its workers are torn down), never the judge.

pytest is imported after the zygote has started, so the two overlap (~0.2 s).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.course import Course, submission_folder
from grader.errors import LoadFailed, SandboxUnavailable, SubmissionError, WorkerCrashed, WorkerTimeout
from grader.exercise import CHECK_PREFIX, CHECKS, CheckSpec, Exercise
from grader.results import CheckResult, ExerciseResult, Judged, SubmissionResult, errored
from grader.sandbox import nofollow
from grader.sandbox.nofollow import Reader
from grader.sandbox.policy import Layer, Policy, guarantees
from grader.sandbox.process import Sandbox

if TYPE_CHECKING:
    import pytest

    from grader.plugin import ExerciseRun, JudgeState

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

#: Told each check's result as soon as it is known: (exercise id, its result so far).
OnCheck = Callable[[str, CheckResult], None]


def prepare(exercise: Exercise, root: Path, reader: Reader | None = None) -> ExerciseRun:
    """What to copy into each worker for ``exercise``, or why there is nothing to grade.
    Nothing below ``root`` may be a link, nor (with ``reader``) unreadable to its learner."""
    from grader.plugin import ExerciseRun

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


class Judge:
    """A judge's sandbox and pytest, kept between gradings: its zygote starts at once,
    before pytest is imported, and each :meth:`grade` is one pytest session."""

    def __init__(self, course: Course, policy: Policy = Policy()) -> None:
        self.course = course
        self.sandbox = Sandbox(policy)
        self.sandbox.start()  # Flask boots in the zygote while this process imports pytest
        self.interrupted = False  # the last grading was cancelled (SIGINT): its outcomes are partial

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sandbox.close()

    @property
    def layers(self) -> dict[str, Layer]:
        return self.sandbox.layers

    def warm_up(self) -> None:
        """Import pytest, Hypothesis and every exercise's checks now (``--collect-only``),
        so that the first grading costs only its checks."""
        import pytest

        from grader import plugin
        from grader.plugin import JudgeState, StatePlugin

        files = [str(exercise.checks_file) for exercise in self.course.exercises()]
        state = JudgeState(self.sandbox, {})
        pytest.main(
            [*files, *PYTEST_ARGS, "--collect-only", "--rootdir", str(self.course.root)],
            plugins=[plugin, StatePlugin(state)],
        )
        _stamp_checks()

    def grade(self, root: Path, exercise_ids: list[str], on_check: OnCheck | None = None) -> Judged:
        """Grade the exercises ``exercise_ids`` of the submission under ``root``."""
        import pytest

        from grader import plugin
        from grader.plugin import JudgeState, StatePlugin

        started = time.monotonic()
        by_id = {exercise.id: exercise for exercise in self.course.exercises()}
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
        watcher = FaultPlugin(JudgeState(self.sandbox, by_folder), on_check)
        self.interrupted = False
        if by_folder:
            _forget_changed_checks()
            self.sandbox.drop_spare()  # one left by a grading that ended abruptly holds older files
            code = pytest.main(
                [*(str(folder / CHECKS) for folder in by_folder), *PYTEST_ARGS, "--rootdir", str(self.course.root)],
                plugins=[plugin, StatePlugin(watcher.state), watcher],
            )
            if code != pytest.ExitCode.INTERRUPTED:
                run_timeouts_again(
                    runs,
                    lambda selectors: pytest.main(
                        [*selectors, *PYTEST_ARGS, "--rootdir", str(self.course.root)],
                        plugins=[plugin, StatePlugin(watcher.state), watcher],
                    ),
                )
            _stamp_checks()
            self.sandbox.drop_spare()  # made from files that may change before the next grading
            self.interrupted = code == pytest.ExitCode.INTERRUPTED
        exercises = [assemble(run) for run in runs]
        faults = watcher.faults | {run.exercise.id for run in runs if run.collect_error}
        kept = {guarantee.name: guarantee.to_dict() for guarantee in guarantees(self.layers)}
        result = SubmissionResult(str(root), exercises, time.monotonic() - started, kept)
        return Judged(result, self.layers, faults, {run.exercise.id: round(run.seconds, 3) for run in runs})


class FaultPlugin:
    """Notes the exercises whose outcome a failure of the grader or of the sandbox decided
    (their results are not the learner's to keep), and reports each check as it ends."""

    def __init__(self, state: JudgeState, on_check: OnCheck | None = None) -> None:
        self.state = state
        self.on_check = on_check
        self.faults: set[str] = set()
        self._reported: dict[tuple[str, str], str] = {}  # the status each check was last reported with

    def pytest_exception_interact(self, node: pytest.Item, call: pytest.CallInfo[None]) -> None:
        from grader.plugin import OPENED

        run = self.state.runs.get(Path(node.path).resolve().parent)
        if run is None or call.excinfo is None:
            return
        dead = [app.worker.dead for app in node.stash.get(OPENED, []) if app.worker.dead]
        if any(is_fault(exc) for exc in [call.excinfo.value, *dead]):
            self.faults.add(run.exercise.id)

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        if self.on_check is None or not hasattr(item, "originalname"):
            return
        run = self.state.runs.get(Path(item.path).resolve().parent)
        name = item.originalname[len(CHECK_PREFIX) :]
        outcome = run.outcomes.get(name) if run else None
        if run and outcome and self._reported.get((run.exercise.id, name)) != outcome.status:
            # A parametrized check has several items: it is reported again when one fails.
            self._reported[(run.exercise.id, name)] = outcome.status
            check = next(check for check in assemble(run).checks if check.name == name)
            self.on_check(run.exercise.id, check)


def is_fault(exc: BaseException) -> bool:
    """Whether ``exc`` ending a check says nothing about the learner's files: a timeout (the
    machine's load can cause it), a sandbox that failed, or the grader's own bug."""
    import pytest
    from hypothesis.errors import Flaky

    for leaf in _leaves(exc):
        if isinstance(leaf, (WorkerTimeout, SandboxUnavailable)):
            return True
        if isinstance(leaf, WorkerCrashed) and leaf.what == "starting":
            return True
        if isinstance(leaf, LoadFailed) and leaf.kind == "sandbox":
            return True
        if not isinstance(leaf, (SubmissionError, AssertionError, Flaky, pytest.fail.Exception)):
            return True  # the check itself raised
    return False


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _check_modules() -> Iterator[tuple[str, Any, Path]]:
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and Path(path).name == CHECKS:
            yield name, module, Path(path)


def _stamp_checks() -> None:
    """Note when each ``checks.py`` imported by the last session was last changed."""
    for _, module, path in _check_modules():
        if not hasattr(module, "__flask_grader_mtime__"):
            module.__flask_grader_mtime__ = path.stat().st_mtime_ns


def _forget_changed_checks() -> None:
    """A warm judge imports each ``checks.py`` once; one edited since is imported again."""
    for name, module, path in _check_modules():
        try:
            changed = path.stat().st_mtime_ns != getattr(module, "__flask_grader_mtime__", None)
        except OSError:
            changed = True
        if changed:
            del sys.modules[name]


def run_timeouts_again(runs: list[ExerciseRun], run_pytest: Callable[[list[str]], object]) -> None:
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
    run_pytest(selectors)
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
    from grader.plugin import Outcome

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
                summary=outcome.summary or outcome.message,
                hint=spec.hint_for(outcome.reason, outcome.hint) if outcome.status != "passed" else "",
                example=outcome.example,
                details=expected_crash(spec, outcome.details),
                hidden=spec.hidden,
            )
        )
    return ExerciseResult.of(exercise, checks)


def judge(course: Course, root: Path, exercise_ids: list[str], policy: Policy = Policy()) -> SubmissionResult:
    """Grade the exercises ``exercise_ids`` of the submission under ``root`` once."""
    with Judge(course, policy) as judging:
        return judging.grade(root, exercise_ids).result


def serve(events_fd: int, course: Course, policy: Policy) -> int:
    """The warm judge of ``watch`` (see the module's docstring)."""
    events = open(events_fd, "w", encoding="utf-8", buffering=1)  # open as long as the judge

    def send(message: dict[str, Any]) -> None:
        events.write(json.dumps(message, ensure_ascii=False) + "\n")

    running = False

    def interrupt(signum: int, frame: object) -> None:
        if running:  # only the job: between jobs there is nothing to cancel
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    with Judge(course, policy) as judging:
        judging.warm_up()
        send({"event": "ready", "layers": {name: asdict(layer) for name, layer in judging.layers.items()}})
        for line in sys.stdin:
            job = json.loads(line)
            number = job["job"]

            def checked(exercise_id: str, check: CheckResult, number: int = number) -> None:
                send({"event": "check", "job": number, "exercise": exercise_id, "check": asdict(check)})

            running = True
            try:
                judged = judging.grade(Path(job["root"]), list(job["exercises"]), checked)
            except KeyboardInterrupt:  # it came outside pytest's session, which would have caught it
                judging.interrupted = True
            finally:
                running = False
            if judging.interrupted:
                send({"event": "cancelled", "job": number})
            else:
                send({"event": "done", "job": number, **judged.to_dict()})
    return 0


def expected_crash(spec: CheckSpec, details: dict[str, str]) -> dict[str, str]:
    """``details``, saying why the code raised when the exercise makes it raise on purpose."""
    if spec.expected_crash and "traceback" in details:
        return {**details, "expected_crash": spec.expected_crash}
    return details


def main() -> int:
    if sys.argv[1] == "--serve":
        return serve(int(sys.argv[2]), Course(Path(sys.argv[3]).resolve()), Policy.from_dict(json.loads(sys.argv[4])))
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    hidden = Path(job["hidden_checks"]) if job.get("hidden_checks") else None
    policy = Policy.from_dict(job.get("sandbox"))
    # Resolved: the sandbox copies files by paths in which no component may be a link.
    course = Course(Path(job["course"]).resolve(), hidden)
    with Judge(course, policy) as judging:
        judged = judging.grade(Path(job["root"]).resolve(), list(job["exercises"]))
    output = Path(job["result"])
    partial = output.with_name(output.name + ".partial")
    partial.write_text(json.dumps(judged.to_dict(), ensure_ascii=False), encoding="utf-8")
    partial.replace(output)
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is released by now (workers, zygote, scratch folder) but the cgroups'
    # parent, removed here as at exit; the interpreter's own teardown (pytest's and
    # Hypothesis's modules, ~50 ms the command waits for) is skipped.
    from grader.sandbox.cgroups import remove_parent

    remove_parent()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
