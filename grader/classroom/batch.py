"""Batch grading: a whole class in one command, in parallel, resumable, in shards.

:func:`run_batch` grades every submission in a folder (see :mod:`grader.classroom.submissions`),
``jobs`` judges at a time, each within a time limit, and writes into the output folder::

    batch.json                  what the run graded: exercises, shard, learners, formats
    results/LEARNER.json        each learner's full result (the core schema; instructors only)
    gradebook.csv               one row per learner (see grader.classroom.gradebook)
    feedback/LEARNER.txt        what the learner may read: hidden checks are only counted
    report/index.html           the class report, with report/learners/LEARNER.html
    gradescope/LEARNER/results.json, junit/LEARNER.xml     with those formats

A learner whose result for the same exercises is already in ``results/`` is not graded
again unless ``regrade`` is set, so an interrupted run resumes where it stopped.
``shard`` grades a deterministic slice of the class; :func:`merge` joins the output
folders of all the slices into one, equal to the output of a single run.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import report
from grader.cache import Cache
from grader.classroom import class_report, gradebook, gradescope, junit
from grader.classroom.submissions import Submission, discover, grade_submission
from grader.course import Course
from grader.grading import GradingCancelled
from grader.results import SubmissionResult
from grader.sandbox.policy import Policy

MANIFEST = "batch.json"
FORMATS = ("gradescope", "junit")


class BatchError(Exception):
    """The instructor asked for something that cannot be done; the message says what to change."""


@dataclass(frozen=True)
class Shard:
    """Slice ``index`` of ``count`` (1-based): every count-th learner in name order."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, slash, count = text.partition("/")
        if not (slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise BatchError(f"The shard {text!r} is not K/N with 1 <= K <= N, such as 2/3.")
        return cls(int(index), int(count))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def select(self, submissions: list[Submission]) -> list[Submission]:
        return submissions[self.index - 1 :: self.count]


@dataclass
class Manifest:
    """``batch.json``: what one output folder holds."""

    exercises: list[str]
    learners: list[str]
    shard: str | None = None
    formats: list[str] = field(default_factory=list)
    hidden_visibility: str = gradescope.HIDDEN_VISIBILITY

    def save(self, out: Path) -> None:
        (out / MANIFEST).write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, out: Path) -> Manifest:
        try:
            return cls(**json.loads((out / MANIFEST).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise BatchError(f"{out} is not the output of `flask-grader batch` (it has no {MANIFEST}).") from None
        except (ValueError, TypeError) as exc:
            raise BatchError(f"{out / MANIFEST} is damaged ({exc}); grade that folder again.") from None


@dataclass
class BatchRun:
    """What a run did: learners graded now, and learners whose results were already there."""

    graded: list[str]
    resumed: list[str]


def plan(submissions_dir: Path, shard: Shard | None = None) -> tuple[list[Submission], list[Path]]:
    """The submissions to grade (the shard's slice, if any) and the entries that are none."""
    submissions, ignored = discover(submissions_dir)
    return (shard.select(submissions) if shard else submissions), ignored


def run_batch(
    course: Course,
    submissions: list[Submission],
    out: Path,
    exercise_ids: list[str],
    *,
    jobs: int,
    timeout: float,
    shard: Shard | None = None,
    regrade: bool = False,
    formats: tuple[str, ...] = (),
    hidden_visibility: str = gradescope.HIDDEN_VISIBILITY,
    policy: Policy = Policy(require=True),
    cache: Cache | None = None,
    on_done: Callable[[str], None] = lambda learner: None,
) -> BatchRun:
    """Grade ``submissions`` (see :func:`plan`) into ``out``; ``on_done(learner)`` after each.
    With a ``cache`` (see :meth:`Cache.for_batch`), identical files are graded once.

    A KeyboardInterrupt stops the judges at once and propagates; the results written
    until then are kept, and the next run resumes from them.
    """
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    learners = [submission.learner for submission in submissions]
    manifest = Manifest(exercise_ids, learners, str(shard) if shard else None, sorted(formats), hidden_visibility)
    manifest.save(out)
    resumed = {learner for learner in learners if not regrade and _finished(_result_path(out, learner), exercise_ids)}
    todo = [submission for submission in submissions if submission.learner not in resumed]
    for learner in sorted(resumed):
        on_done(learner)
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(_grade_and_save, course, s, exercise_ids, timeout, cancel, out, policy, judges, cache)
            for s, judges in schedule(todo, out, jobs)
        ]
        try:
            for future in as_completed(futures):
                on_done(future.result())
        except BaseException:
            cancel.set()  # running judges are killed; queued submissions never start
            for future in futures:
                future.cancel()
            raise
    write_outputs(out, manifest)
    return BatchRun([s.learner for s in todo], sorted(resumed))


def _grade_and_save(
    course: Course,
    submission: Submission,
    exercise_ids: list[str],
    timeout: float,
    cancel: threading.Event,
    out: Path,
    policy: Policy,
    judges: int,
    cache: Cache | None,
) -> str:
    try:
        result = grade_submission(
            course, submission, exercise_ids, timeout=timeout, cancel=cancel, policy=policy, jobs=judges, cache=cache
        )
    except GradingCancelled:
        return submission.learner
    result.save(_result_path(out, submission.learner))
    return submission.learner


def schedule(submissions: list[Submission], out: Path, jobs: int) -> list[tuple[Submission, int]]:
    """The order to grade ``submissions`` in, each with its number of judges, so that every
    core is busy to the end: the longest first when regrading (by their last grading's
    duration; name order otherwise), and the last ``jobs - 1`` spread across two judges each,
    which take the cores the others leave as they finish (a judge costs ~0.3 s to start,
    so only there)."""

    def last_duration(submission: Submission) -> float:
        try:
            return SubmissionResult.load(_result_path(out, submission.learner)).duration
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0

    ordered = sorted(submissions, key=last_duration, reverse=True)  # stable: ties keep name order
    tail = len(ordered) - max(0, min(jobs, len(ordered)) - 1)
    return [(submission, 1 if index < tail or jobs == 1 else 2) for index, submission in enumerate(ordered)]


def _result_path(out: Path, learner: str) -> Path:
    return out / "results" / f"{learner}.json"


def _finished(path: Path, exercise_ids: list[str]) -> bool:
    """A result that a run already wrote for these exercises."""
    try:
        return [exercise.id for exercise in SubmissionResult.load(path).exercises] == exercise_ids
    except (OSError, ValueError, KeyError, TypeError):
        return False


def merge(shard_dirs: list[Path], out: Path) -> Manifest:
    """Join the outputs of the shards of one class into ``out``, as one run would have written it."""
    manifests = [Manifest.load(folder) for folder in shard_dirs]
    if not manifests:
        raise BatchError("Name the output folders of the shards to merge.")
    first = manifests[0]
    for folder, manifest in zip(shard_dirs, manifests, strict=True):
        if manifest.exercises != first.exercises:
            raise BatchError(
                f"{folder} graded {', '.join(manifest.exercises)}, but {shard_dirs[0]} graded "
                f"{', '.join(first.exercises)}: the shards must grade the same exercises."
            )
        if out.resolve() == folder.resolve():
            raise BatchError(f"Merge into a new folder, not into the shard {folder}.")
    _check_shards_complete(shard_dirs, manifests)
    owner: dict[str, Path] = {}
    for folder, manifest in zip(shard_dirs, manifests, strict=True):
        for learner in manifest.learners:
            if learner in owner:
                raise BatchError(f"{learner} was graded in both {owner[learner]} and {folder}: merge each shard once.")
            if not _finished(_result_path(folder, learner), first.exercises):
                raise BatchError(f"{folder} has no result for {learner}: run that shard again to finish it.")
            owner[learner] = folder
    (out / "results").mkdir(parents=True, exist_ok=True)
    for learner, folder in owner.items():
        shutil.copyfile(_result_path(folder, learner), _result_path(out, learner))
    merged = Manifest(
        first.exercises,
        sorted(owner),
        None,
        sorted({fmt for manifest in manifests for fmt in manifest.formats}),
        first.hidden_visibility,
    )
    merged.save(out)
    write_outputs(out, merged)
    return merged


def _check_shards_complete(shard_dirs: list[Path], manifests: list[Manifest]) -> None:
    shards = [Shard.parse(manifest.shard) if manifest.shard else None for manifest in manifests]
    if any(shard is None for shard in shards):
        return  # whole runs (say, two sections of a course) join as they are
    counts = {shard.count for shard in shards if shard}
    if len(counts) > 1:
        cuts = ", ".join(sorted(map(str, shards)))
        raise BatchError(f"The shards were cut differently ({cuts}): cut the class once.")
    count = counts.pop()
    seen = [shard.index for shard in shards if shard]
    for index in range(1, count + 1):
        if seen.count(index) != 1:
            where = "is missing" if index not in seen else "is given twice"
            raise BatchError(f"The shard {index}/{count} {where}: merge each of the {count} shards once.")


def write_outputs(out: Path, manifest: Manifest) -> list[SubmissionResult]:
    """Write the gradebook, feedback, report and formats from the results in ``out``."""
    results = [SubmissionResult.load(_result_path(out, learner)) for learner in manifest.learners]
    gradebook.write(out / "gradebook.csv", manifest.exercises, results)
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for result in results:
        (feedback / f"{result.submission}.txt").write_text(report.render(result.for_learner()), encoding="utf-8")
    class_report.write(out / "report", manifest.exercises, results)
    for result in results:
        if "gradescope" in manifest.formats:
            path = out / "gradescope" / result.submission / "results.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(gradescope.results_json(result, manifest.hidden_visibility), indent=2), "utf-8")
        if "junit" in manifest.formats:
            path = out / "junit" / f"{result.submission}.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(junit.render(result), encoding="utf-8")
    return results
