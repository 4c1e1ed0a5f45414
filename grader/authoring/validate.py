"""``flask-grader validate``: everything an author should know before learners see an exercise.

For each exercise, in one report:

1. the metadata is valid, every check in ``checks.py`` is weighted and hinted in
   ``exercise.yaml`` and described by its docstring, and no scaffold mark
   (:data:`grader.authoring.scaffold.TODO`) is left;
2. every check was collected and ran; the solution scores full marks, the starter zero;
3. the solution graded a second time, under another ``PYTHONHASHSEED`` and with the
   checks in reverse order, gives identical results (a check that differs is flaky);
4. the audit (:mod:`grader.audit`): the kill rate, and each surviving mutant's diff;
5. a check that fails neither on the starter nor on any mutant is named: it tests nothing;
6. each check's cost, with a warning above a budget (a warning is not a problem).

Any problem makes ``validate`` exit non-zero. The gradings are the real thing (a judge
process, the sandbox), so validating costs about what the exercise's audit costs.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grader.audit import run as audit_run
from grader.authoring import probe
from grader.authoring.scaffold import TODO
from grader.course import Course
from grader.exercise import CHECKS, FOLDER, METADATA, Exercise, ExerciseError
from grader.grading import SUBMISSION_TIMEOUT, grade, run_judge
from grader.results import CheckResult, ExerciseResult

#: Seconds a check may take on the reference solution before validate warns.
COST_BUDGET = 10.0
#: The hash seed of the second grading (the judge's own is 0).
OTHER_HASH_SEED = "1"
PROBE = f"-p {probe.__name__}"


@dataclass
class Finding:
    kind: str  # "ok", "problem", "warning" or "info"
    text: str
    detail: list[str] = field(default_factory=list)  # lines shown under it (a diff, a message)


@dataclass
class Validation:
    """What validate found about one exercise."""

    id: str
    title: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind == "problem"]

    @property
    def valid(self) -> bool:
        return not self.problems

    def add(self, kind: str, text: str, detail: list[str] | None = None) -> None:
        self.findings.append(Finding(kind, text, detail or []))


def validate(
    course: Course,
    names: list[str] | None = None,
    *,
    jobs: int = 2,
    budget: float = COST_BUDGET,
    min_kill_rate: float = audit_run.MIN_KILL_RATE,
    timeout: float = SUBMISSION_TIMEOUT,
) -> list[Validation]:
    """Validate the exercises ``names`` (folder, number or slug; all when None)."""
    folders = _folders(course, names)
    validations = {folder.name: Validation(folder.name) for folder in folders}
    exercises: list[Exercise] = []
    for folder in folders:
        exercise = _check_metadata(course, folder, validations[folder.name])
        if exercise is not None:
            exercises.append(exercise)
    try:
        course.exercises()  # grading needs the whole course to load
    except ExerciseError as exc:
        for validation in validations.values():
            if validation.valid:
                validation.add("problem", f"the course does not load, so nothing was graded: {exc}")
        return list(validations.values())
    if exercises:
        _grade_and_audit(course, exercises, validations, jobs, budget, min_kill_rate, timeout)
    return list(validations.values())


def _folders(course: Course, names: list[str] | None) -> list[Path]:
    """The exercise folders named (any folder of exercises/ shaped NN_slug when none)."""
    every = sorted(path for path in course.exercises_dir.iterdir() if path.is_dir() and FOLDER.match(path.name))
    if not names:
        return every
    chosen = []
    for name in names:
        key = Path(name.rstrip("/")).name
        found = next(
            (
                path
                for path in every
                if key == path.name
                or key in FOLDER.match(path.name).groups()  # type: ignore[union-attr]
                or (key.isdigit() and int(key) == int(path.name[:2]))
            ),
            None,
        )
        if found is None:
            raise ExerciseError(f"There is no exercise named {name!r} in {course.exercises_dir}")
        chosen.append(found)
    return list(dict.fromkeys(chosen))


def _check_metadata(course: Course, folder: Path, validation: Validation) -> Exercise | None:
    try:
        exercise = Exercise.load(folder)
    except ExerciseError as exc:
        validation.add("problem", f"metadata: {exc}")
        return None
    validation.title = exercise.title
    declared = (yaml.safe_load((folder / METADATA).read_text(encoding="utf-8")) or {}).get("checks") or {}
    problems = []
    for check in exercise.checks:
        entry = declared.get(check.name)
        if entry is None:
            problems.append(f"the check {check.name} is not in {METADATA}'s checks: give it points and a hint")
        elif not check.hint:
            problems.append(f"the check {check.name} has no hint in {METADATA}")
        if not check.description:
            problems.append(f"the check {check.name} has no docstring: learners read it next to its name")
    for name in ("README.md", METADATA, CHECKS):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif TODO in path.read_text(encoding="utf-8"):
            problems.append(f"{name} still has {TODO} marks from the scaffold: write what they ask for")
    if not (course.solutions_dir / folder.name).is_dir():
        problems.append(f"there is no reference solution in solutions/{folder.name}/")
    for problem in problems:
        validation.add("problem", f"metadata: {problem}")
    if not problems:
        validation.add(
            "ok",
            f"metadata: {len(exercise.checks)} checks, {exercise.max_score:g} points, "
            "each weighted, hinted and described",
        )
    return exercise


def _grade_and_audit(
    course: Course,
    exercises: list[Exercise],
    validations: dict[str, Validation],
    jobs: int,
    budget: float,
    min_kill_rate: float,
    timeout: float,
) -> None:
    ids = [exercise.id for exercise in exercises]
    with tempfile.TemporaryDirectory(prefix="flask-grader-validate-") as tmp:
        times_path = Path(tmp, "times.json")
        first_env = {"PYTEST_ADDOPTS": PROBE, probe.TIMES: str(times_path)}
        second_env = {"PYTEST_ADDOPTS": PROBE, probe.ORDER: "reverse", "PYTHONHASHSEED": OTHER_HASH_SEED}
        with ThreadPoolExecutor(max_workers=3) as pool:
            first = pool.submit(run_judge, course, course.solutions_dir, ids, timeout, extra_env=first_env)
            second = pool.submit(run_judge, course, course.solutions_dir, ids, timeout, extra_env=second_env)
            starters = pool.submit(grade, course, course.exercises_dir, ids, timeout=timeout)
            audit = audit_run.audit(course, exercises, jobs=jobs, min_kill_rate=min_kill_rate, timeout=timeout)
            solution_results = {result.id: result for result in first.result().result.exercises}
            again = {result.id: result for result in second.result().result.exercises}
            starter_results = {result.id: result for result in starters.result().exercises}
        times = json.loads(times_path.read_text(encoding="utf-8")) if times_path.exists() else {}
    audits = {exercise_audit.id: exercise_audit for exercise_audit in audit.exercises}
    for exercise in exercises:
        validation = validations[exercise.id]
        solution, starter = solution_results[exercise.id], starter_results[exercise.id]
        _scores(validation, solution, starter)
        _flaky(validation, solution, again[exercise.id])
        _audit(validation, audits[exercise.id], min_kill_rate)
        _tests_nothing(validation, exercise, starter, audits[exercise.id])
        _cost(validation, exercise, times, budget)


def _scores(validation: Validation, solution: ExerciseResult, starter: ExerciseResult) -> None:
    not_run = [check.name for check in solution.checks if "did not run" in check.message]
    if not_run:
        validation.add("problem", f"not collected: {', '.join(not_run)} did not run (is it a plain test function?)")
    if solution.status == "error":
        validation.add("problem", "the solution cannot be graded", _lines(solution.message))
    elif not solution.passed:
        failing = [check for check in solution.checks if not check.passed]
        validation.add(
            "problem",
            f"the solution scores {solution.score:g}/{solution.max_score:g}: a correct app must pass every check",
            [f"{check.name}: {check.summary or check.message}" for check in failing],
        )
    if starter.score != 0:
        passing = [check.name for check in starter.checks if check.passed]
        validation.add(
            "problem",
            f"the starter scores {starter.score:g}, not 0: a learner gets points for nothing "
            f"(passing: {', '.join(passing)})",
        )
    if solution.passed and starter.score == 0:
        validation.add("ok", f"solution {solution.score:g}/{solution.max_score:g}, starter 0/{starter.max_score:g}")


def _flaky(validation: Validation, first: ExerciseResult, second: ExerciseResult) -> None:
    """The two gradings of the solution must agree, check by check, to the byte."""
    how = f"PYTHONHASHSEED=0 in file order, then PYTHONHASHSEED={OTHER_HASH_SEED} with the checks in reverse order"
    by_name = {check.name: check for check in second.checks}
    flaky = []
    for check in first.checks:
        other = by_name.get(check.name)
        if other is None or _outcome(check) != _outcome(other):
            flaky.append((check, other))
    if first.status != second.status or first.message != second.message:
        validation.add("problem", f"flaky: the solution graded differently ({how})")
    for check, other in flaky:
        validation.add(
            "problem",
            f"flaky: the check {check.name} gave different results ({how}): does it depend on "
            "the order of checks, on state it keeps between them, or on set or hash order?",
            [f"first:  {_said(check)}", f"second: {_said(other)}"],
        )
    if not flaky and first.status == second.status:
        validation.add("ok", f"the same results when graded twice ({how})")


def _outcome(check: CheckResult) -> tuple[object, ...]:
    return (check.status, check.points, check.message, check.summary, check.example, check.details, check.hint)


def _said(check: CheckResult | None) -> str:
    if check is None:
        return "did not run"
    return check.status + (f": {check.summary or check.message}" if not check.passed else "")


def _audit(validation: Validation, audit: audit_run.ExerciseAudit, min_kill_rate: float) -> None:
    killed, survived = audit.count("killed"), audit.count("survived")
    equivalent = audit.count("equivalent")
    summary = f"audit: {killed}/{killed + survived} mutants killed ({audit.kill_rate:.1%})" + (
        f", {equivalent} marked equivalent" if equivalent else ""
    )
    failures = audit.failures(min_kill_rate)
    validation.add("problem" if failures else "ok", summary + (f": {'; '.join(failures)}" if failures else ""))
    for outcome in audit.outcomes:
        if outcome.status == "survived":
            mutant = outcome.mutant
            diff = [line for line in mutant.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
            validation.add(
                "info",
                f"survived {mutant.id} ({mutant.file}:{mutant.line}, {mutant.description}): no check catches it; "
                f"mark it equivalent in {METADATA} only if the contract allows it",
                diff,
            )


def _tests_nothing(
    validation: Validation, exercise: Exercise, starter: ExerciseResult, audit: audit_run.ExerciseAudit
) -> None:
    """Checks that fail on neither the starter nor any mutant (counting only graded ones:
    a submission that does not load fails every check and tells nothing about one)."""
    failed_somewhere: set[str] = set()
    if starter.status == "graded":
        failed_somewhere |= {check.name for check in starter.checks if not check.passed}
    for outcome in audit.outcomes:
        if outcome.status == "killed" and not outcome.message:
            failed_somewhere |= set(outcome.killed_by)
    idle = [check.name for check in exercise.checks if not check.hidden and check.name not in failed_somewhere]
    for name in idle:
        validation.add(
            "problem",
            f"the check {name} tests nothing: it passes on the starter and on all {len(audit.outcomes)} "
            "mutants of the solution. Make it fail on a wrong app (or remove it).",
        )
    if not idle:
        validation.add("ok", "every check fails on the starter or on a mutant")


def _cost(validation: Validation, exercise: Exercise, times: dict[str, float], budget: float) -> None:
    costs = {check.name: times.get(f"{exercise.id}/{check.name}") for check in exercise.checks}
    shown = ", ".join(f"{name} {cost:.1f} s" for name, cost in costs.items() if cost is not None)
    validation.add("info", f"cost on the solution: {shown or 'not measured'} (budget {budget:g} s a check)")
    for name, cost in costs.items():
        if cost is not None and cost > budget:
            validation.add(
                "warning",
                f"the check {name} took {cost:.1f} s, over the budget of {budget:g} s: fewer examples "
                "(@settings(max_examples=...)) or fewer requests per example make feedback faster",
            )


def _lines(text: str, limit: int = 12) -> list[str]:
    lines = text.splitlines()
    return lines[:limit] + ([f"[... {len(lines) - limit} more lines]"] if len(lines) > limit else [])


LABELS = {"ok": "ok", "problem": "PROBLEM", "warning": "warning", "info": "·"}


def render(validations: list[Validation]) -> str:
    """The report: each exercise's findings, then a verdict line."""
    blocks = []
    for validation in validations:
        title = f"{validation.id} · {validation.title}" if validation.title else validation.id
        lines = [title]
        for finding in validation.findings:
            lines.append(f"  {LABELS[finding.kind]:8} {finding.text}")
            lines += [f"           {line}" for line in finding.detail]
        count = len(validation.problems)
        lines.append(f"  => {'valid' if not count else f'{count} problem' + ('s' if count > 1 else '')}")
        blocks.append("\n".join(lines))
    invalid = [validation.id for validation in validations if not validation.valid]
    verdict = (
        f"All {len(validations)} exercise(s) valid."
        if not invalid
        else f"Not valid: {', '.join(invalid)}. Fix each PROBLEM above, then validate again."
    )
    return "\n\n".join([*blocks, verdict]) + "\n"
