"""The result model: what grading a submission produced, as data and as JSON.

The JSON form is versioned (``schema_version``) and described by the JSON Schema
``grader/schema/result-v1.json``; ``docs/results.md`` explains every field.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from grader import __version__
from grader.exercise import Exercise
from grader.sandbox.policy import Layer

SCHEMA_VERSION = "1.6"  # 1.1 details.reproduce; 1.2 cached; 1.3 summary; 1.4 details.expected_crash; 1.5 guarantees; 1.6 details.standard_page
#: A check's status: passed; failed (the app answered wrongly); error (it could not be
#: examined); timeout (it did not answer in time).
CheckStatus = Literal["passed", "failed", "error", "timeout"]
#: An exercise's status: graded, or error when the submission could not be examined.
ExerciseStatus = Literal["graded", "error"]


@dataclass
class CheckResult:
    name: str
    description: str
    status: CheckStatus
    points: float  # earned
    max_points: float
    message: str = ""  # what the learner reads when it did not pass: summary and details as text
    hint: str = ""
    example: str = ""  # the smallest failing example Hypothesis found, if any
    details: dict[str, str] = field(
        default_factory=dict
    )  # request, expected, actual, traceback, output, reproduce, expected_crash
    hidden: bool = False
    #: The message's first part, the one-line verdict, kept apart (since 1.3) so that
    #: a report shows it and the details field by field, never cutting the message up.
    summary: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseResult:
    id: str
    number: str
    slug: str
    title: str
    concept: str
    status: ExerciseStatus
    score: float
    max_score: float
    message: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    cached: bool = False  # taken from the result cache (grader.cache), not graded in this run

    @property
    def passed(self) -> bool:
        return self.status == "graded" and self.score == self.max_score

    @classmethod
    def of(
        cls, exercise: Exercise, checks: list[CheckResult], status: ExerciseStatus = "graded", message: str = ""
    ) -> ExerciseResult:
        """The result of ``exercise`` with these ``checks``, scored from them."""
        return cls(
            id=exercise.id,
            number=exercise.number,
            slug=exercise.slug,
            title=exercise.title,
            concept=exercise.concept,
            status=status,
            score=sum(check.points for check in checks),
            max_score=exercise.max_score,
            message=message,
            checks=checks,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExerciseResult:
        return cls(
            **{key: value for key, value in data.items() if key != "checks"},
            checks=[CheckResult(**check) for check in data.get("checks", [])],
        )


@dataclass
class SubmissionResult:
    submission: str
    exercises: list[ExerciseResult]
    duration: float = 0.0  # seconds; the only field that differs between runs
    #: Each sandbox guarantee on the machine that graded: ``{"met", "by", "detail"}``.
    sandbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION
    grader_version: str = __version__

    @property
    def score(self) -> float:
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(exercise.max_score for exercise in self.exercises)

    def for_learner(self) -> SubmissionResult:
        """What the learner may see: hidden checks keep their status and points only,
        renamed ``hidden_1``, ``hidden_2``, ... (never their names, code or messages)."""
        return replace(self, exercises=[replace(e, checks=_conceal(e.checks)) for e in self.exercises])

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "grader_version": self.grader_version,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "duration": round(self.duration, 3),
            "exercises": [asdict(exercise) for exercise in self.exercises],
            "sandbox": self.sandbox,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def save(self, path: Path) -> None:
        """Write the JSON to ``path`` atomically: a reader sees the old file or the whole new one."""
        partial = path.with_name(path.name + ".partial")
        partial.write_text(self.to_json(), encoding="utf-8")
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> SubmissionResult:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        return cls(
            submission=data["submission"],
            exercises=[ExerciseResult.from_dict(item) for item in data["exercises"]],
            duration=float(data.get("duration", 0.0)),
            sandbox=dict(data.get("sandbox", {})),
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            grader_version=data.get("grader_version", __version__),
        )


def errored(exercise: Exercise, problem: str) -> ExerciseResult:
    """An exercise that could not be graded: every check an error, score zero."""
    first_line = problem.splitlines()[0] if problem else ""
    checks = [
        CheckResult(
            check.name,
            check.description,
            "error",
            0.0,
            check.points,
            first_line,
            summary=first_line,
            hint=check.hint,
            hidden=check.hidden,
        )
        for check in exercise.checks
    ]
    return ExerciseResult.of(exercise, checks, status="error", message=problem)


def _conceal(checks: list[CheckResult]) -> list[CheckResult]:
    concealed, number = [], 0
    for check in checks:
        if check.hidden:
            number += 1
            check = CheckResult(
                f"hidden_{number}", "A hidden check.", check.status, check.points, check.max_points, hidden=True
            )
        concealed.append(check)
    return concealed


def schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`SubmissionResult.to_dict`."""
    return json.loads(resources.files("grader").joinpath("schema/result-v1.json").read_text("utf-8"))


@dataclass
class Judged:
    """What one grading produced, beside the result: the sandbox layers it had, and the
    exercises whose results a failure of the grader or the sandbox decided (never cached)."""

    result: SubmissionResult
    layers: dict[str, Layer]
    faults: set[str] = field(default_factory=set)
    #: Seconds each exercise's checks took: for scheduling the next grading, never in a result.
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": self.result.to_dict(),
            "layers": {name: asdict(layer) for name, layer in self.layers.items()},
            "faults": sorted(self.faults),
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judged:
        layers = {name: Layer(**layer) for name, layer in data["layers"].items()}
        seconds = {str(name): float(value) for name, value in data.get("seconds", {}).items()}
        return cls(SubmissionResult.from_dict(data["result"]), layers, set(data["faults"]), seconds)
