"""Grading from the outside: judge processes, the result cache, and verifying the course.

The process that calls :func:`grade` (the CLI, a batch) runs neither checks nor
learner code: it starts ``python -m grader.judge`` with a time limit and reads
back the result, so nothing a submission does can take it down. ``watch`` keeps
one :class:`WarmJudge` instead, which grades an exercise in the time of its checks.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import schedule
from grader.cache import Cache, cacheable
from grader.cache import key as cache_key
from grader.course import Course, unknown_exercise
from grader.exercise import Exercise
from grader.results import CheckResult, ExerciseResult, Judged, SubmissionResult, errored
from grader.sandbox.policy import Policy, guarantees

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
    cache: Cache | None = None,
    judge_turn: JudgeTurn | None = None,
) -> SubmissionResult:
    """Grade the exercises ``names`` (all when None) of the submission under ``root``.

    An unknown name gets an error result of its own; the others are still graded.
    Setting ``cancel`` stops the judge and raises :class:`GradingCancelled`.
    With ``jobs`` > 1 the exercises are split between that many judge processes.
    ``policy`` says how learner code is sandboxed (``require`` for batch grading).
    With a ``cache``, results kept for the same inputs are taken from it, and new
    ones kept in it; an exercise another thread is grading is waited for.
    ``judge_turn``, a place among the threads of a batch, bounds the judges running at
    once (a thread that only waits for another's results holds none).
    """
    started = time.monotonic()
    selection = course.select(names)
    by_id = {exercise.id: exercise for exercise in selection.exercises}
    ids = list(by_id)
    lookup = Lookup(cache, course, root, policy) if cache is not None else None
    judged: dict[str, ExerciseResult] = {}
    sandbox: dict[str, dict[str, Any]] = {}  # the guarantees, as any judge of this grading had them
    todo = lookup.todo([by_id[i] for i in ids]) if lookup else ids
    try:
        for done in _judge_in_parallel(course, root, todo, timeout, jobs, cancel, policy, judge_turn):
            judged.update((exercise.id, exercise) for exercise in done.result.exercises)
            sandbox = sandbox or done.result.sandbox
            if lookup:
                lookup.keep(done, by_id)
    finally:
        if lookup:
            lookup.release()
        if judge_turn is not None:
            judge_turn.passed()
    if lookup:
        judged.update(lookup.hits)
        # Duplicates another thread graded meanwhile; whatever it could not keep is graded here.
        rest = [i for i in lookup.wait(cancel) if i not in lookup.hits]
        judged.update(lookup.hits)
        for done in _judge_in_parallel(course, root, rest, timeout, jobs, cancel, policy, judge_turn):
            judged.update((exercise.id, exercise) for exercise in done.result.exercises)
            sandbox = sandbox or done.result.sandbox
    if not sandbox and lookup and lookup.hits:  # as the judges that graded the kept results had it
        sandbox = {kept.name: kept.to_dict() for kept in guarantees(lookup.layers)}
    results, seen = [], set()
    for name, exercise in selection.named:
        if exercise is None:
            results.append(unknown_exercise_result(name))
        elif exercise.id not in seen:
            seen.add(exercise.id)
            results.append(judged[exercise.id])
    return SubmissionResult(str(root), results, time.monotonic() - started, sandbox)


class Lookup:
    """One submission's exercises against a cache: found, claimed (graded here, then kept),
    or waiting for another thread of this process that grades the same files."""

    def __init__(self, cache: Cache, course: Course, root: Path, policy: Policy) -> None:
        self.cache = cache
        self.root = root
        self.policy = policy
        self.layers = cache.layers(policy)
        self.hits: dict[str, ExerciseResult] = {}
        self.claimed: dict[str, str] = {}  # exercise id -> key
        self.waiting: dict[str, str] = {}

    def todo(self, exercises: list[Exercise]) -> list[str]:
        """The ids among ``exercises`` to grade here; the others are hits or waited for."""
        todo = []
        trusted = self.cache.trusts(self.policy, self.layers)
        for exercise in exercises:
            if not (trusted and self.cache.admits(exercise)):
                todo.append(exercise.id)
                continue
            key = cache_key(exercise, self.root, self.layers)
            hit = self.cache.get(key)
            if hit is not None:
                self.hits[exercise.id] = hit
            elif self.cache.claim(key):
                self.claimed[exercise.id] = key
                todo.append(exercise.id)
            else:
                self.waiting[exercise.id] = key
        return todo

    def keep(self, judged: Judged, by_id: dict[str, Exercise]) -> None:
        """Keep the results of ``judged`` that may be kept, under the layers the judge really had."""
        if not judged.layers:
            return  # the judge failed: nothing it says is kept
        self.cache.remember(self.policy, judged.layers)
        if not self.cache.trusts(self.policy, judged.layers):
            return
        for result in judged.result.exercises:
            if result.id in self.claimed and result.id not in judged.faults and cacheable(result):
                self.cache.put(cache_key(by_id[result.id], self.root, judged.layers), result)

    def release(self) -> None:
        for key in self.claimed.values():
            self.cache.release(key)

    def wait(self, cancel: threading.Event | None) -> list[str]:
        """Wait for the duplicates being graded elsewhere; their ids (hits added where kept)."""
        for exercise_id, key in self.waiting.items():
            while not self.cache.wait(key, timeout=0.25):
                if cancel is not None and cancel.is_set():
                    raise GradingCancelled
            hit = self.cache.get(key)
            if hit is not None:
                self.hits[exercise_id] = hit
        return list(self.waiting)


def _judge_in_parallel(
    course: Course,
    root: Path,
    ids: list[str],
    timeout: float,
    jobs: int,
    cancel: threading.Event | None,
    policy: Policy,
    judge_turn: JudgeTurn | None = None,
) -> list[Judged]:
    """Grade ``ids`` with at most ``jobs`` judges, the work balanced by what each exercise
    cost last time (:mod:`grader.schedule`)."""
    if not ids:
        return []
    keys = {exercise.id: schedule.cost_key(exercise) for exercise in course.exercises()}
    if min(jobs, len(ids)) == 1:
        judged = [run_judge(course, root, ids, timeout, cancel, policy, judge_turn=judge_turn)]
    else:
        kept = schedule.load(hypothesis_cache().parent)
        costs = {i: kept[keys[i]] for i in ids if keys[i] in kept}
        shares = schedule.split(ids, jobs, costs)
        with ThreadPoolExecutor(max_workers=len(shares)) as pool:
            judged = list(
                pool.map(
                    lambda share: run_judge(course, root, share, timeout, cancel, policy, judge_turn=judge_turn),
                    shares,
                )
            )
    seconds = {keys[i]: s for one in judged for i, s in one.seconds.items() if i not in one.faults}
    schedule.remember(hypothesis_cache().parent, seconds)
    return judged


def hypothesis_cache() -> Path:
    """Where judges keep Hypothesis's Unicode tables between runs (never examples:
    the database is off, so grades cannot depend on what an earlier run found)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "flask-grader" / "hypothesis"


def judge_environment(home: str) -> dict[str, str]:
    """The environment of a judge process: nothing of the caller's that could change a grade."""
    from grader.sandbox.process import PACKAGE_PARENT  # here: the sandbox's modules cost a command ~20 ms

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": home,
        # The judge's temporary files (the sandbox's scratch) live in this job's folder,
        # so they go with it even when the judge is killed at the time limit.
        "TMPDIR": home,
        "PYTHONPATH": PACKAGE_PARENT,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HYPOTHESIS_STORAGE_DIRECTORY": str(hypothesis_cache()),
        # Installed pytest plugins must not change grades; the judge loads its own.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTEST_PLUGINS": "_hypothesis_pytestplugin",
    }


def run_judge(
    course: Course,
    root: Path,
    ids: list[str],
    timeout: float,
    cancel: threading.Event | None = None,
    policy: Policy = Policy(),
    extra_env: dict[str, str] | None = None,
    judge_turn: JudgeTurn | None = None,
) -> Judged:
    """Run the judge process; a crash or a timeout becomes an error result, never an exception.

    ``extra_env`` adds to (or replaces) the judge's environment: ``flask-grader validate``
    grades under another ``PYTHONHASHSEED`` and check order to find flaky checks. With
    ``judge_turn`` it starts when its turn comes (the time limit counts from then).
    """
    if judge_turn is None:
        return _run_judge(course, root, ids, timeout, cancel, policy, extra_env)
    with judge_turn.held(cancel):
        return _run_judge(course, root, ids, timeout, cancel, policy, extra_env)


class JudgeSlots:
    """At most ``count`` judges at once among a batch's threads, handed out in the batch's
    order (``ranks``, the schedule's): more threads than judges run, so that a learner
    waiting for another's results holds no judge, yet no later submission takes a judge
    while an earlier one is still getting ready to ask for it."""

    def __init__(self, count: int, ranks: int) -> None:
        self._free = count
        self._unserved = set(range(ranks))  # neither given a judge yet nor done without one
        self._changed = threading.Condition()

    def turn(self, rank: int) -> JudgeTurn:
        return JudgeTurn(self, rank)

    def _take(self, rank: int, cancel: threading.Event | None) -> None:
        with self._changed:
            while not (self._free and (rank not in self._unserved or rank == min(self._unserved))):
                if cancel is not None and cancel.is_set():
                    raise GradingCancelled
                self._changed.wait(0.25)
            self._free -= 1
            self._served(rank)

    def _served(self, rank: int) -> None:
        self._unserved.discard(rank)
        self._changed.notify_all()

    def _give_back(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()


@dataclass(frozen=True)
class JudgeTurn:
    """One submission's place in :class:`JudgeSlots`."""

    slots: JudgeSlots
    rank: int

    @contextlib.contextmanager
    def held(self, cancel: threading.Event | None) -> Iterator[None]:
        """A judge while in the block; GradingCancelled when ``cancel`` is set first."""
        self.slots._take(self.rank, cancel)
        try:
            yield
        finally:
            self.slots._give_back()

    def passed(self) -> None:
        """This submission asks for no judge now (it waits for others' results, or is done):
        those after it need not wait for it."""
        with self.slots._changed:
            self.slots._served(self.rank)


def _run_judge(
    course: Course,
    root: Path,
    ids: list[str],
    timeout: float,
    cancel: threading.Event | None,
    policy: Policy,
    extra_env: dict[str, str] | None,
) -> Judged:
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
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "grader.judge", str(job)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**judge_environment(tmp), **(extra_env or {})},
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
            judged = Judged.from_dict(json.loads(result_path.read_text(encoding="utf-8")))
            judged.result.submission = str(root)
            return judged
        if not problem:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            problem = f"The grader failed (exit code {process.returncode}); this is a bug in the grader:\n{tail}"
        by_id = {exercise.id: exercise for exercise in course.exercises()}
        return Judged(SubmissionResult(str(root), [errored(by_id[i], problem) for i in ids]), {}, set(ids))


class WarmJudge:
    """One judge process kept running between gradings (``watch``): pytest, Hypothesis and
    every exercise's checks imported and its zygote started, so that :meth:`grade` costs
    only the checks; each check's result arrives as soon as it is known.

    It grades the course's own exercises (the learner's files in ``exercises/``), and a
    judge that dies or stops answering is started again for the next grading.
    """

    def __init__(self, course: Course, policy: Policy = Policy(), cache: Cache | None = None) -> None:
        self.course = course
        self.policy = policy
        self.cache = cache
        self._numbers = itertools.count(1)
        self._process: subprocess.Popen[bytes] | None = None
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._current: WarmGrading | None = None

    def start(self) -> None:
        """Start the judge now, if it is not running: it warms up while the learner reads."""
        if self._process is not None and self._process.poll() is None:
            return
        self.close()
        self._tmp = tempfile.TemporaryDirectory(prefix="flask-grader-watch-")
        os.chmod(self._tmp.name, 0o711)  # workers that run as their own uid must reach their folders
        read_end, write_end = os.pipe()
        with open(Path(self._tmp.name, "judge.log"), "wb") as log:
            self._process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "grader.judge", "--serve", str(write_end)),
                    *(str(self.course.root), json.dumps(self.policy.to_dict())),
                ],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=judge_environment(self._tmp.name),
                cwd=self._tmp.name,
                pass_fds=[write_end],
                start_new_session=True,
            )
        os.close(write_end)
        self._events = queue.Queue()
        threading.Thread(target=_read_events, args=(read_end, self._events), daemon=True).start()

    def grade(self, exercise: Exercise) -> WarmGrading:
        """Grade ``exercise`` of the learner's ``exercises/``, stopping a grading still running."""
        if self._current is not None:
            self._current.cancel()
        root = self.course.exercises_dir
        lookup = Lookup(self.cache, self.course, root, self.policy) if self.cache is not None else None
        if lookup is not None and not lookup.todo([exercise]):
            hit = lookup.hits.get(exercise.id)
            if hit is not None:
                return WarmGrading(self, exercise, 0, result=hit)
            lookup = None  # the same files are graded in another thread: grade them here too
        self.start()
        assert self._process is not None and self._process.stdin is not None
        number = next(self._numbers)
        self._current = WarmGrading(self, exercise, number, lookup=lookup, started=time.monotonic())
        try:
            self._process.stdin.write(
                json.dumps({"job": number, "root": str(root), "exercises": [exercise.id]}).encode() + b"\n"
            )
            self._process.stdin.flush()
        except OSError:
            pass  # it died: the end of its events says so
        return self._current

    def pump(self) -> None:
        """Hand the judge's events that have arrived to the grading they belong to."""
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            current = self._current
            if event is None:  # the judge ended
                if current is not None and not current.finished:
                    current.finish(self._failure())
                self._process = None
                continue
            if current is None or event.get("job") != current.number:
                continue  # ready, or a cancelled grading's last words
            if event["event"] == "check":
                current.checks[event["check"]["name"]] = CheckResult(**event["check"])
            elif event["event"] == "done":
                judged = Judged.from_dict(event)
                if current.lookup is not None:
                    current.lookup.keep(judged, {current.exercise.id: current.exercise})
                    current.lookup.release()
                current.finish(judged.result.exercises[0])

    def stuck(self, grading: WarmGrading) -> None:
        """``grading`` ran past the time limit: the judge is stopped, and started again when needed."""
        self.close()
        grading.finish(f"Grading this exercise took longer than {SUBMISSION_TIMEOUT:g} s and was stopped.")

    def _failure(self) -> str:
        code = self._process.returncode if self._process is not None else None
        tail = ""
        if self._tmp is not None:
            try:
                tail = Path(self._tmp.name, "judge.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            except OSError:
                pass
        return f"The grader failed (exit code {code}); this is a bug in the grader:\n{tail}"

    def interrupt(self) -> None:
        if self._process is not None and self._process.poll() is None:
            try:
                self._process.send_signal(signal.SIGINT)  # the judge cancels its job, not itself
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Stop the judge (and its zygote and workers, in its session)."""
        if self._process is not None:
            _kill_group(self._process)
            if self._process.stdin is not None:
                self._process.stdin.close()
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class WarmGrading:
    """One exercise being graded by a :class:`WarmJudge` (or found in the cache)."""

    def __init__(
        self,
        judge: WarmJudge,
        exercise: Exercise,
        number: int,
        *,
        result: ExerciseResult | str | None = None,
        lookup: Lookup | None = None,
        started: float = 0.0,
    ) -> None:
        self.judge = judge
        self.exercise = exercise
        self.number = number
        self.lookup = lookup
        self.started = started
        self.checks: dict[str, CheckResult] = {}  # by name, as they end
        self._result = result

    @property
    def finished(self) -> bool:
        return self._result is not None

    def finish(self, result: ExerciseResult | str) -> None:
        if self._result is None:
            self._result = result
            if self.lookup is not None:
                self.lookup.release()

    def done(self) -> bool:
        if not self.finished:
            self.judge.pump()
            if not self.finished and time.monotonic() - self.started > SUBMISSION_TIMEOUT:
                self.judge.stuck(self)
        return self.finished

    def so_far(self) -> ExerciseResult | None:
        """The checks ended so far, in their order, scored so far; None before the first."""
        ended = [self.checks[spec.name] for spec in self.exercise.checks if spec.name in self.checks]
        return ExerciseResult.of(self.exercise, ended) if ended else None

    def result(self) -> ExerciseResult | str:
        """The exercise's result, or what went wrong in the grader as text (once :meth:`done`)."""
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop this grading: the judge drops it and stays warm for the next."""
        if not self.finished:
            self.judge.interrupt()
            self.finish("Cancelled: the files changed.")


def _read_events(fd: int, events: queue.Queue[dict[str, Any] | None]) -> None:
    with open(fd, encoding="utf-8") as stream:
        for line in stream:
            try:
                events.put(json.loads(line))
            except ValueError:
                break
    events.put(None)


def _wait(process: subprocess.Popen[bytes], timeout: float, cancel: threading.Event | None) -> None:
    """Wait for the judge; TimeoutExpired after ``timeout``, GradingCancelled once ``cancel`` is set."""
    deadline = time.monotonic() + timeout
    exited = _exit_watch(process)
    try:
        while True:
            try:
                slice_ = max(0.0, min(deadline - time.monotonic(), 0.25 if cancel else timeout))
                if exited is not None:
                    # Woken the moment it exits: Popen.wait with a timeout polls, and
                    # its sleeps (up to 50 ms) would add to every grading.
                    if not select.select([exited], [], [], slice_)[0]:
                        raise subprocess.TimeoutExpired(process.args, slice_)
                process.wait(timeout=slice_)
                return
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    raise GradingCancelled from None
                if time.monotonic() >= deadline:
                    raise
    finally:
        if exited is not None:
            os.close(exited)


def _exit_watch(process: subprocess.Popen[bytes]) -> int | None:
    """A pidfd that becomes readable when ``process`` exits (Linux 5.3+), else None."""
    try:
        return os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux, or already reaped
        return None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def unknown_exercise_result(name: str) -> ExerciseResult:
    return ExerciseResult(
        id=name,
        number="",
        slug="",
        title="",
        concept="",
        status="error",
        score=0.0,
        max_score=0.0,
        message=unknown_exercise(name),
    )


@dataclass
class VerifyProblem:
    exercise: str
    kind: str  # "solution" or "starter"
    message: str


def verify(
    course: Course, cache: Cache | None = None
) -> tuple[list[VerifyProblem], SubmissionResult, SubmissionResult]:
    """Every reference solution must score full marks and every starter zero."""
    with ThreadPoolExecutor(max_workers=2) as pool:  # two judge processes side by side
        solutions_future = pool.submit(grade, course, course.solutions_dir, cache=cache)
        starters = grade(course, course.exercises_dir, cache=cache)
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
