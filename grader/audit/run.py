"""The check audit: how many wrong solutions do an exercise's checks catch?

:func:`audit` makes the mutants of each reference solution (:mod:`grader.audit.mutants`) and
grades each exactly as a learner's submission is graded (:func:`grader.grading.grade`:
a judge process, the sandbox). A mutant is *killed* when at least one check does not
pass. A mutant that gets full marks *survives*: the checks miss that mistake, unless
the mutant changes nothing the exercise's contract specifies, in which case it is
marked equivalent in ``exercise.yaml`` with the reason.

Judges run side by side (``jobs``), and each judge session grades one mutant of many
exercises: mutant i of every exercise goes into submission root i, which saves a judge
start (about a second) per mutant.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.audit.mutants import Mutant, make_mutants
from grader.course import Course, submission_folder
from grader.exercise import Exercise
from grader.grading import SUBMISSION_TIMEOUT, grade
from grader.results import ExerciseResult

MIN_KILL_RATE = 0.95


@dataclass
class MutantOutcome:
    mutant: Mutant
    status: str  # "killed", "survived", or "equivalent" (survived, and marked so)
    killed_by: list[str] = field(default_factory=list)  # the checks that did not pass
    message: str = ""  # when the mutant could not be graded at all: why (it does not load, ...)
    reason: str = ""  # why it is equivalent, from exercise.yaml

    def to_dict(self) -> dict[str, Any]:
        m = self.mutant
        return {
            "id": m.id,
            "operator": m.operator,
            "category": m.category,
            "must_kill": m.must_kill,
            "file": m.file,
            "line": m.line,
            "description": m.description,
            "diff": m.diff,
            "status": self.status,
            "killed_by": self.killed_by,
            "message": self.message,
            "reason": self.reason,
        }


@dataclass
class ExerciseAudit:
    id: str
    outcomes: list[MutantOutcome]
    problems: list[str] = field(default_factory=list)  # what makes this audit fail besides the rate

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def kill_rate(self) -> float:
        """Killed among the mutants not marked equivalent (1.0 when there are none)."""
        killed, survived = self.count("killed"), self.count("survived")
        return killed / (killed + survived) if killed + survived else 1.0

    @property
    def must_kill_survivors(self) -> list[MutantOutcome]:
        return [o for o in self.outcomes if o.status == "survived" and o.mutant.must_kill]

    def failures(self, min_kill_rate: float) -> list[str]:
        """Why this exercise fails the audit; empty when it passes."""
        failures = list(self.problems)
        if self.kill_rate < min_kill_rate:
            failures.append(f"kill rate {self.kill_rate:.1%} is below {min_kill_rate:.0%}")
        failures += [
            f"the {o.mutant.category} mutant {o.mutant.id} survived ({o.mutant.description})"
            for o in self.must_kill_survivors
        ]
        return failures

    def to_dict(self, min_kill_rate: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "mutants": len(self.outcomes),
            "killed": self.count("killed"),
            "survived": self.count("survived"),
            "equivalent": self.count("equivalent"),
            "kill_rate": round(self.kill_rate, 4),
            "failures": self.failures(min_kill_rate),
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
        }


@dataclass
class AuditResult:
    exercises: list[ExerciseAudit]
    min_kill_rate: float
    jobs: int
    judge_runs: int
    duration: float

    def count(self, status: str) -> int:
        return sum(exercise.count(status) for exercise in self.exercises)

    @property
    def kill_rate(self) -> float:
        killed, survived = self.count("killed"), self.count("survived")
        return killed / (killed + survived) if killed + survived else 1.0

    @property
    def passed(self) -> bool:
        return self.kill_rate >= self.min_kill_rate and not any(e.failures(self.min_kill_rate) for e in self.exercises)

    def to_json(self) -> str:
        data = {
            "passed": self.passed,
            "min_kill_rate": self.min_kill_rate,
            "kill_rate": round(self.kill_rate, 4),
            "mutants": sum(len(e.outcomes) for e in self.exercises),
            "killed": self.count("killed"),
            "survived": self.count("survived"),
            "equivalent": self.count("equivalent"),
            "jobs": self.jobs,
            "judge_runs": self.judge_runs,
            "duration": round(self.duration, 3),
            "exercises": [exercise.to_dict(self.min_kill_rate) for exercise in self.exercises],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)


def audit(
    course: Course,
    exercises: list[Exercise],
    *,
    jobs: int | None = None,
    min_kill_rate: float = MIN_KILL_RATE,
    timeout: float = SUBMISSION_TIMEOUT,
    batch: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> AuditResult:
    """Grade every mutant of the solutions of ``exercises``; ``batch=False`` gives each
    mutant its own judge (for measuring what batching saves)."""
    started = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    solutions = {e.id: submission_folder(course.solutions_dir, e) for e in exercises}
    mutants = {e.id: make_mutants(e.id, folder, e.files) if (folder := solutions[e.id]) else [] for e in exercises}
    graded: dict[int, ExerciseResult] = {}  # by id() of the mutant
    with tempfile.TemporaryDirectory(prefix="flask-grader-audit-") as tmp:
        roots = _write_roots(Path(tmp), exercises, solutions, mutants, batch)
        judge_runs = 1  # the baseline: the solutions themselves
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            baseline_future = pool.submit(
                grade, course, course.solutions_dir, [e.id for e in exercises], timeout=timeout
            )
            futures = [pool.submit(_grade_root, course, root, members, timeout) for root, members in roots]
            for done, future in enumerate(as_completed(futures), 1):
                results, runs = future.result()
                graded.update(results)
                judge_runs += runs
                if progress:
                    progress(done, len(futures))
            baseline = {result.id: result for result in baseline_future.result().exercises}
    audits = [_exercise_audit(e, solutions[e.id], baseline[e.id], mutants[e.id], graded) for e in exercises]
    return AuditResult(audits, min_kill_rate, jobs, judge_runs, time.monotonic() - started)


def _write_roots(
    tmp: Path,
    exercises: list[Exercise],
    solutions: dict[str, Path | None],
    mutants: dict[str, list[Mutant]],
    batch: bool,
) -> list[tuple[Path, dict[str, Mutant]]]:
    """Submission roots, each holding at most one mutant per exercise (largest roots first)."""
    groups: list[dict[str, Mutant]] = []
    for exercise in exercises:
        for index, mutant in enumerate(mutants[exercise.id]):
            if not batch:
                groups.append({exercise.id: mutant})
                continue
            while len(groups) <= index:
                groups.append({})
            groups[index][exercise.id] = mutant
    roots = []
    for number, members in enumerate(groups):
        root = tmp / f"root-{number}"
        for exercise in exercises:
            member = members.get(exercise.id)
            if member is None:
                continue
            folder = root / exercise.id
            for name in exercise.files:
                source = solutions[exercise.id] / name  # type: ignore[operator]
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.is_dir():
                    shutil.copytree(source, target)
                elif source.exists():
                    shutil.copyfile(source, target)
            (folder / member.file).write_text(member.source, encoding="utf-8")
        roots.append((root, members))
    return roots


def _grade_root(
    course: Course, root: Path, members: dict[str, Mutant], timeout: float
) -> tuple[dict[int, ExerciseResult], int]:
    """Grade one root; ``(result by mutant, judge runs)``. When the whole judge failed
    (every exercise errored alike), each mutant is graded again on its own, so that one
    mutant cannot decide its neighbours' fate."""
    results = {r.id: r for r in grade(course, root, list(members), timeout=timeout).exercises}
    runs = 1
    messages = {(r.status, r.message) for r in results.values()}
    if len(members) > 1 and len(messages) == 1 and next(iter(messages))[0] == "error":
        for exercise_id in members:
            results[exercise_id] = grade(course, root, [exercise_id], timeout=timeout).exercises[0]
            runs += 1
    return {id(mutant): results[exercise_id] for exercise_id, mutant in members.items()}, runs


def _exercise_audit(
    exercise: Exercise,
    solution: Path | None,
    baseline: ExerciseResult,
    mutants: list[Mutant],
    graded: dict[int, ExerciseResult],
) -> ExerciseAudit:
    marks = {mark.id: mark.reason for mark in exercise.equivalent_mutants}
    outcomes = [_outcome(mutant, graded[id(mutant)], marks) for mutant in mutants]
    problems = []
    if solution is None:
        problems.append(f"there is no reference solution for {exercise.id}")
    elif not baseline.passed:
        failing = ", ".join(c.name for c in baseline.checks if not c.passed) or baseline.message.partition("\n")[0]
        problems.append(f"the reference solution does not pass ({failing}): its mutants measure nothing")
    elif not mutants:
        problems.append("no operator applies to the reference solution: its checks are not measured")
    made = {outcome.mutant.id: outcome for outcome in outcomes}
    for mutant_id in marks:
        if mutant_id not in made:
            problems.append(
                f"equivalent_mutants names {mutant_id}, which is no mutant of the solution (did the solution change?)"
            )
        elif made[mutant_id].status == "killed":
            problems.append(
                f"{mutant_id} is marked equivalent, but {', '.join(made[mutant_id].killed_by) or 'grading'} "
                "kills it: remove the mark"
            )
    return ExerciseAudit(exercise.id, outcomes, problems)


def _outcome(mutant: Mutant, result: ExerciseResult, marks: dict[str, str]) -> MutantOutcome:
    failing = [check.name for check in result.checks if not check.passed]
    if result.status == "error" or failing:
        message = result.message.splitlines()[0] if result.status == "error" and result.message else ""
        return MutantOutcome(mutant, "killed", failing, message=message)
    reason = marks.get(mutant.id, "")
    return MutantOutcome(mutant, "equivalent" if reason else "survived", reason=reason)


# ----------------------------------------------------------------- the report

LABELS = {"killed": "killed", "survived": "SURVIVED", "equivalent": "equivalent"}


def render(result: AuditResult, *, survivors_only: bool = False) -> str:
    """The audit as text: per exercise its kill rate and each mutant with its diff."""
    mutants = sum(len(e.outcomes) for e in result.exercises)
    lines = [
        f"Check audit: {mutants} mutants of {len(result.exercises)} exercise(s), "
        f"{result.judge_runs} judge runs, {result.jobs} side by side, {result.duration:.1f} s",
        "",
    ]
    for exercise in result.exercises:
        lines.append(
            _summary(
                exercise.id,
                exercise.count("killed"),
                exercise.count("survived"),
                exercise.count("equivalent"),
                exercise.kill_rate,
            )
        )
        for outcome in exercise.outcomes:
            if survivors_only and outcome.status == "killed":
                continue
            lines += _render_outcome(outcome)
        lines += [f"  ! {failure}" for failure in exercise.failures(result.min_kill_rate)]
        lines.append("")
    lines.append(
        _summary(
            "Overall", result.count("killed"), result.count("survived"), result.count("equivalent"), result.kill_rate
        )
    )
    verdict = "passed" if result.passed else "FAILED"
    lines.append(
        f"Audit {verdict}: the minimum kill rate is {result.min_kill_rate:.0%} for every exercise, and every "
        "converter, status, escaping and hook mutant must be killed."
    )
    return "\n".join(lines) + "\n"


def _summary(name: str, killed: int, survived: int, equivalent: int, rate: float) -> str:
    extra = f", {equivalent} equivalent" if equivalent else ""
    return f"{name}: {killed}/{killed + survived} killed ({rate:.1%}){extra}"


def _render_outcome(outcome: MutantOutcome) -> list[str]:
    mutant = outcome.mutant
    where = f"{mutant.file}:{mutant.line}"
    label = LABELS[outcome.status] + (" (must be killed)" if outcome.status == "survived" and mutant.must_kill else "")
    lines = [f"  {label:10} {mutant.id}  {where}  {mutant.description}"]
    if outcome.status == "killed":
        lines.append(
            f"             by {', '.join(outcome.killed_by) or 'grading'}"
            + (f": {outcome.message}" if outcome.message else "")
        )
    elif outcome.reason:
        lines.append(f"             equivalent: {outcome.reason}")
    lines += [
        f"             {line}"
        for line in mutant.diff.splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    return lines
