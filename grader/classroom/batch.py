"""Batch grading: a whole class in one command, in parallel, resumable, in shards.

:func:`run_batch` grades every submission in a folder (see :mod:`grader.classroom.submissions`),
``jobs`` judges at a time, each within a time limit, and writes into the output folder::

    batch.json                  what the run graded: exercises, shard, learners, formats, who they are
    results/LEARNER.json        each learner's full result (the core schema; instructors only)
    gradebook.csv               one row per learner (see grader.classroom.gradebook)
    feedback/LEARNER.txt        what the learner may read: hidden checks are only counted
    report/index.html           the class report, with report/learners/LEARNER.html
    submissions/LEARNER/        what was graded, put together from an LMS download
    gradescope/LEARNER/results.json, junit/LEARNER.xml, canvas.csv, moodle.csv   with those formats
    not-in-roster.csv           with a roster: the submissions of learners it does not list
    regrade.csv, previous/N/    after a regrade: what changed, and the run before it

Where the class comes from (:func:`plan`): a folder or zip per learner, or an LMS's download
(see :mod:`grader.classroom.imports`). A learner whose result for the same exercises is
already in ``results/`` is not graded again unless ``regrade`` is set, so an interrupted run
resumes where it stopped; :func:`start_regrade` keeps a finished run aside first (see
:mod:`grader.classroom.regrade`). ``shard`` grades a deterministic slice of the class;
:func:`merge` joins the output folders of all the slices into one, equal to the output of a
single run.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import report
from grader.cache import Cache
from grader.classroom import (
    ASSIGNMENT,
    HIDDEN_VISIBILITY,
    canvas,
    class_report,
    github_classroom,
    gradebook,
    gradescope,
    junit,
    moodle,
    roster,
)
from grader.classroom import regrade as regrades
from grader.classroom.imports import detect, learner_key, stage
from grader.classroom.submissions import Submission, discover, grade_submission
from grader.course import Course
from grader.grading import GradingCancelled, JudgeSlots, JudgeTurn
from grader.results import SubmissionResult, errored
from grader.sandbox.policy import Policy

MANIFEST = "batch.json"
NO_SUBMISSION = "No submission."


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
    hidden_visibility: str = HIDDEN_VISIBILITY
    source: str = "folders"
    assignment: str = ASSIGNMENT
    # Who each learner is: id, name, email, section, sis_user_id, sis_login_id (from the
    # LMS and the roster), note (what the import noticed), submitted (no: on the roster only),
    # in_roster (yes, no; empty without a roster).
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    roster: bool = False
    previous: str | None = None  # a regrade: the earlier run, relative to the output folder
    complete: bool = True  # False while a run is under way (an interrupted regrade resumes)

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
    """What a run did: learners graded now, learners whose results were already there,
    submissions of nobody on the roster, roster learners with no submission, and with a
    regrade, its summary."""

    graded: list[str]
    resumed: list[str]
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    regrade_summary: str = ""


@dataclass
class Plan:
    """The class to grade, as :func:`plan` found it."""

    source: str  # one of grader.classroom.SOURCES
    submissions: list[Submission]
    ignored: list[str]  # "NAME: why", entries that are no submission


def plan(
    course: Course,
    path: Path,
    exercise_ids: list[str],
    out: Path,
    *,
    source: str | None = None,
    shard: Shard | None = None,
) -> Plan:
    """The submissions in ``path`` (the shard's slice, if any). An LMS download (``source``,
    else detected) is put together into ``out/submissions/``, one folder per learner."""
    source = source or detect(path)
    if source == "folders":
        if not path.is_dir():
            raise BatchError(f"{path} is neither a folder of submissions nor a Canvas or Moodle download zip.")
        submissions, entries = discover(path)
        ignored = [f"{entry.name}: a submission is a folder or a .zip" for entry in entries]
    else:
        if source == "classroom" and not path.is_dir():
            raise BatchError(f"{path}: GitHub Classroom submissions are a folder of cloned repositories.")
        reader = {
            "canvas": canvas.read_download,
            "moodle": moodle.read_download,
            "classroom": github_classroom.read_repositories,
        }[source]
        try:
            handins, names = reader(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise BatchError(f"{path} cannot be read as a {source} download: {exc}") from None
        if not handins:
            raise BatchError(f"{path} holds no {source} submission: is it the right folder, or the right --from?")
        by_id = {exercise.id: exercise for exercise in course.exercises()}
        submissions = stage(handins, [by_id[e] for e in exercise_ids], out / "submissions")
        ignored = [f"{name}: not named as a {source} download names submissions" for name in names]
    return Plan(source, shard.select(submissions) if shard else submissions, ignored)


def start_regrade(out: Path) -> str | None:
    """Keep the run in ``out`` aside before grading everyone again; where it went (relative
    to ``out``), None when there was no run. An interrupted regrade resumes instead."""
    try:
        manifest = Manifest.load(out)
    except BatchError:
        return None
    if not manifest.complete and manifest.previous:
        return manifest.previous
    return regrades.archive(out).relative_to(out).as_posix()


def check_formats(formats: tuple[str, ...], source: str, has_roster: bool) -> None:
    """Refuse an LMS export that could not find its learners."""
    if "moodle" in formats and not has_roster:
        raise BatchError(
            "--format moodle needs --roster: Moodle's import finds learners by email address or ID number, "
            "and a download carries neither."
        )
    if "canvas" in formats and source != "canvas" and not has_roster:
        raise BatchError(
            "--format canvas needs a Canvas download or --roster: Canvas's import finds learners by their "
            "Canvas ID, SIS ids or name."
        )


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
    hidden_visibility: str = HIDDEN_VISIBILITY,
    policy: Policy = Policy(require=True),
    cache: Cache | None = None,
    on_done: Callable[[str], None] = lambda learner: None,
    source: str = "folders",
    roster_entries: list[roster.Entry] | None = None,
    assignment: str = ASSIGNMENT,
    previous: str | None = None,
) -> BatchRun:
    """Grade ``submissions`` (see :func:`plan`) into ``out``; ``on_done(learner)`` after each.
    With a ``cache`` (see :meth:`Cache.for_batch`), identical files are graded once.

    With ``roster_entries``, the roster's learners with no submission get zero and the
    submissions of learners not on it are listed apart. ``previous`` (see
    :func:`start_regrade`) is the run this one is compared with.

    A KeyboardInterrupt stops the judges at once and propagates; the results written
    until then are kept, and the next run resumes from them.
    """
    check_formats(formats, source, roster_entries is not None)
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    people = {submission.learner: _person(submission) for submission in submissions}
    unknown: list[str] = []
    missing: dict[str, roster.Entry] = {}
    if roster_entries is not None:
        matched, strangers, absent = roster.match(roster_entries, submissions)
        for learner, entry in matched.items():
            people[learner].update(_from_roster(entry, people[learner]), in_roster="yes")
        for submission in strangers:
            people[submission.learner].update(
                in_roster="no", note=_join(people[submission.learner]["note"], "not on the roster")
            )
            unknown.append(submission.learner)
        if shard is None or shard.index == 1:  # the shards of a class list the absent once
            for entry in absent:
                key = learner_key(entry.key)
                while key in people:
                    key += " (roster)"
                people[key] = {**_from_roster(entry, {}), "submitted": "no", "in_roster": "yes"}
                missing[key] = entry
    learners = [submission.learner for submission in submissions] + sorted(missing)
    manifest = Manifest(
        exercise_ids,
        learners,
        str(shard) if shard else None,
        sorted(formats),
        hidden_visibility,
        source,
        assignment,
        people,
        roster_entries is not None,
        previous,
        complete=False,
    )
    manifest.save(out)
    if missing:
        by_id = {exercise.id: exercise for exercise in course.exercises()}
        for key in missing:
            SubmissionResult(key, [errored(by_id[e], NO_SUBMISSION) for e in exercise_ids]).save(_result_path(out, key))
    resumed = {s.learner for s in submissions if not regrade and _finished(_result_path(out, s.learner), exercise_ids)}
    todo = [submission for submission in submissions if submission.learner not in resumed]
    for learner in sorted(resumed):
        on_done(learner)
    cancel = threading.Event()
    # ``jobs`` judges at a time, and twice as many submissions under way: one whose files
    # another learner's judge is grading waits for that result without holding a judge
    # (in a class that shares files, a core would otherwise idle while it waits).
    planned = schedule(todo, out, jobs)
    slots = JudgeSlots(max(1, jobs), len(planned))
    with ThreadPoolExecutor(max_workers=2 * max(1, jobs)) as pool:
        futures = [
            pool.submit(
                _grade_and_save, course, s, exercise_ids, timeout, cancel, out, policy, judges, cache, slots.turn(rank)
            )
            for rank, (s, judges) in enumerate(planned)
        ]
        try:
            for future in as_completed(futures):
                on_done(future.result())
        except BaseException:
            cancel.set()  # running judges are killed; queued submissions never start
            for future in futures:
                future.cancel()
            raise
    manifest.complete = True
    manifest.save(out)
    graded = write_outputs(out, manifest)
    summary = ""
    if previous:
        changes, changed = _regrade(out, manifest, graded)
        summary = regrades.summary(out / previous, changes, changed)
    return BatchRun([s.learner for s in todo], sorted(resumed), sorted(unknown), sorted(missing), summary)


def _person(submission: Submission) -> dict[str, str]:
    return {
        "id": submission.learner_id,
        "name": submission.name,
        "email": "",
        "section": "",
        "sis_user_id": "",
        "sis_login_id": "",
        "note": "; ".join(submission.notes),
        "submitted": "yes",
        "in_roster": "",
    }


def _from_roster(entry: roster.Entry, person: dict[str, str]) -> dict[str, str]:
    """The roster's facts about a learner, over what the LMS said (the roster is the class list)."""
    return {
        "id": entry.id or person.get("id", ""),
        "name": entry.name or person.get("name", ""),
        "email": entry.email,
        "section": entry.section,
        "sis_user_id": entry.sis_user_id,
        "sis_login_id": entry.sis_login_id,
        "note": person.get("note", ""),
        "submitted": person.get("submitted", "yes"),
    }


def _join(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


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
    judge_turn: JudgeTurn,
) -> str:
    try:
        result = grade_submission(
            course,
            submission,
            exercise_ids,
            timeout=timeout,
            cancel=cancel,
            policy=policy,
            jobs=judges,
            cache=cache,
            judge_turn=judge_turn,
        )
    except GradingCancelled:
        return submission.learner
    finally:
        judge_turn.passed()  # whatever became of it, those after it need not wait
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
        first.source,
        first.assignment,
        {learner: person for manifest in manifests for learner, person in manifest.people.items()},
        any(manifest.roster for manifest in manifests),
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
    gradebook.write(out / "gradebook.csv", manifest.exercises, results, manifest.people)
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for result in results:
        (feedback / f"{result.submission}.txt").write_text(report.render(result.for_learner()), encoding="utf-8")
    changed: dict[str, tuple[float | None, float]] = {}
    if manifest.previous:
        changes, changed = _regrade(out, manifest, results)
        (out / "regrade.csv").write_text(regrades.render(changes), encoding="utf-8")
    class_report.write(out / "report", manifest.exercises, results, manifest.people, changed)
    if manifest.roster:
        strangers = [r.submission for r in results if manifest.people.get(r.submission, {}).get("in_roster") == "no"]
        (out / "not-in-roster.csv").write_text(_strangers_csv(strangers, manifest.people), encoding="utf-8")
    exported = _exported(manifest, results)
    points = gradebook.number(results[0].max_score) if results else "0"
    if "canvas" in manifest.formats:
        (out / "canvas.csv").write_text(canvas.render(exported, manifest.assignment, points), encoding="utf-8")
    if "moodle" in manifest.formats:
        (out / "moodle.csv").write_text(moodle.render(exported, manifest.assignment), encoding="utf-8")
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


def _regrade(
    out: Path, manifest: Manifest, results: list[SubmissionResult]
) -> tuple[list[regrades.Change], dict[str, tuple[float | None, float]]]:
    assert manifest.previous is not None
    previous = out / manifest.previous
    return regrades.compare(previous, results), regrades.totals(previous, results)


def _exported(manifest: Manifest, results: list[SubmissionResult]) -> list[dict[str, str]]:
    """The rows of the LMS exports: with a roster, its learners only (an LMS cannot import
    anyone else), each with the points earned."""
    rows = []
    for result in sorted(results, key=lambda result: result.submission):
        person = manifest.people.get(result.submission, {})
        if manifest.roster and person.get("in_roster") != "yes":
            continue
        rows.append(
            {
                "Student": person.get("name") or result.submission,
                "ID": person.get("id", "") if person.get("id", "").isdigit() else "",  # Canvas ids are numbers
                "SIS User ID": person.get("sis_user_id", ""),
                "SIS Login ID": person.get("sis_login_id", ""),
                "Section": person.get("section", ""),
                "name": person.get("name") or result.submission,
                "email": person.get("email", ""),
                "id_number": person.get("id", ""),
                "score": gradebook.number(result.score),
            }
        )
    return rows


def _strangers_csv(learners: list[str], people: dict[str, dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "id", "name", "note"])
    for learner in sorted(learners):
        person = people.get(learner, {})
        writer.writerow([learner, person.get("id", ""), person.get("name", ""), person.get("note", "")])
    return buffer.getvalue()
