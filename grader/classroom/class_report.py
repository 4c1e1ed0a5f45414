"""The class report: HTML pages that work offline, charts drawn as inline SVG.

``report/index.html`` is for the instructor: the class's score histogram, the pass
rate of every check (hidden ones included), the checks most learners fail with their
most common message, and the gradebook. ``report/learners/LEARNER.html`` is one
learner's feedback as the learner may see it (hidden checks only counted), so it can
be handed out. Nothing is loaded from the network: no scripts, fonts or stylesheets.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import jinja2

from grader import report
from grader.classroom import gradebook
from grader.results import SubmissionResult

#: Bars of the score histogram: 0-10 %, 10-20 %, ..., 90-100 %.
BINS = 10
#: How many of the most failed checks the report lists.
HARDEST = 10


@dataclass(frozen=True)
class CheckStats:
    """How the class did on one check."""

    exercise: str
    name: str
    description: str
    hidden: bool
    passed: int
    learners: int
    common_failure: str  # the first line of the message most learners who failed it got

    @property
    def rate(self) -> float:
        return self.passed / self.learners if self.learners else 0.0

    @property
    def label(self) -> str:
        return f"{self.exercise} · {self.name}" + (" (hidden)" if self.hidden else "")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


def percent(result: SubmissionResult) -> float:
    return 100.0 * result.score / result.max_score if result.max_score else 0.0


def histogram(results: list[SubmissionResult]) -> list[int]:
    """How many learners scored in each tenth of the maximum (full marks in the last)."""
    counts = [0] * BINS
    for result in results:
        counts[min(int(percent(result) // (100 / BINS)), BINS - 1)] += 1
    return counts


def check_stats(exercise_ids: list[str], results: list[SubmissionResult]) -> list[CheckStats]:
    """Every check of the graded exercises, in course order, with its class pass rate."""
    stats = []
    for exercise_id in exercise_ids:
        runs = [e for result in results for e in result.exercises if e.id == exercise_id]
        if not runs:
            continue
        for position, check in enumerate(runs[0].checks):
            outcomes = [(run, run.checks[position]) for run in runs]
            failed = [(run, outcome) for run, outcome in outcomes if not outcome.passed]
            # What learners get wrong: the messages of apps that loaded say more than "it did not load".
            telling = [outcome for run, outcome in failed if run.status == "graded"] or [o for _, o in failed]
            failures = Counter((outcome.message or outcome.status).splitlines()[0] for outcome in telling)
            stats.append(
                CheckStats(
                    exercise_id,
                    check.name,
                    check.description,
                    check.hidden,
                    sum(outcome.passed for _, outcome in outcomes),
                    len(runs),
                    failures.most_common(1)[0][0] if failures else "",
                )
            )
    return stats


def histogram_bars(counts: list[int], width: float = 600, height: float = 180) -> list[Bar]:
    step = width / len(counts)
    tallest = max(counts) or 1
    bars = []
    for index, count in enumerate(counts):
        bar_height = height * count / tallest
        low, high = index * 100 // BINS, (index + 1) * 100 // BINS
        bars.append(Bar(index * step + 2, height - bar_height, step - 4, bar_height, f"{low}–{high}", str(count)))
    return bars


def rate_bars(stats: list[CheckStats], width: float = 320, row: float = 22) -> list[Bar]:
    return [
        Bar(0, index * row, width * check.rate, row - 6, check.label, f"{check.rate:.0%}")
        for index, check in enumerate(stats)
    ]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("grader.classroom", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write(
    folder: Path,
    exercise_ids: list[str],
    results: list[SubmissionResult],
    people: dict[str, dict[str, str]] | None = None,
    changed: dict[str, tuple[float | None, float]] | None = None,
) -> None:
    """Write ``folder/index.html`` and ``folder/learners/LEARNER.html``. ``people`` says who
    each learner is (see :class:`grader.classroom.batch.Manifest`); ``changed`` the learners
    whose total a regrade changed, with their old total (None: graded for the first time)."""
    people = people or {}
    env = _environment()
    env.globals.update(number=gradebook.number, feedback=report.feedback, hidden_summary=report.hidden_summary)
    results = sorted(results, key=lambda result: result.submission)
    stats = check_stats(exercise_ids, results)
    scores = [percent(result) for result in results]
    (folder / "learners").mkdir(parents=True, exist_ok=True)
    index = env.get_template("report/index.html").render(
        exercise_ids=exercise_ids,
        results=results,
        status=lambda result: gradebook.learner_status(result, people.get(result.submission, {})),
        people=people,
        changed=changed or {},
        problem=gradebook.problem,
        scores_of=gradebook.scores,
        learners=len(results),
        mean=statistics.fmean(scores) if scores else 0.0,
        median=statistics.median(scores) if scores else 0.0,
        full_marks=sum(score == 100 for score in scores),
        not_graded=sum(gradebook.status(result) == "error" for result in results),
        histogram=histogram_bars(histogram(results)),
        rates=rate_bars(stats),
        hardest=sorted((s for s in stats if s.rate < 1), key=lambda s: s.rate)[:HARDEST],
    )
    (folder / "index.html").write_text(index, encoding="utf-8")
    learner_page = env.get_template("report/learner.html")
    for result in results:
        page = learner_page.render(result=result.for_learner(), percent=percent(result))
        (folder / "learners" / f"{result.submission}.html").write_text(page, encoding="utf-8")
