"""The ``flask-grader`` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import __version__, report
from grader.course import Course
from grader.exercise import ExerciseError
from grader.grading import SUBMISSION_TIMEOUT, grade, verify

COURSE_HELP = "The course folder (default: found from the working directory)."


def _course(path: Path | None) -> Course:
    try:
        return Course.locate(path)
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None


def _exercises(course: Course):
    try:
        return course.exercises()
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="flask-grader")
@click.option("--course", "course_path", type=click.Path(path_type=Path, file_okay=False), help=COURSE_HELP)
@click.pass_context
def main(ctx: click.Context, course_path: Path | None) -> None:
    """Learn Flask by doing: edit exercises/NN_slug/app.py, then `flask-grader check NN`."""
    ctx.obj = course_path
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_exercises)


@main.command("list")
@click.pass_obj
def list_exercises(course_path: Path | None) -> None:
    """The exercises in order, with title and concept."""
    for exercise in _exercises(_course(course_path)):
        click.echo(f"{exercise.number}  {exercise.slug:18} {exercise.title} ({exercise.concept})")


@main.command()
@click.argument("exercises", nargs=-1)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="A submission laid out like exercises/ (default: the course's exercises/).",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=float, default=SUBMISSION_TIMEOUT, show_default=True, help="Seconds for the whole submission.")
@click.pass_obj
def check(course_path: Path | None, exercises: tuple[str, ...], root: Path | None, output_format: str, timeout: float) -> None:
    """Grade EXERCISES (by number, slug or folder; default all).

    Exits 0 when every graded exercise scores full marks, 1 otherwise.
    """
    course = _course(course_path)
    _exercises(course)  # a malformed course is reported before any grading
    result = grade(course, root or course.exercises_dir, list(exercises) or None, timeout=timeout)
    click.echo(result.to_json() if output_format == "json" else report.render(result), nl=output_format == "json")
    sys.exit(0 if all(exercise.passed for exercise in result.exercises) else 1)


@main.command("verify")
@click.pass_obj
def verify_command(course_path: Path | None) -> None:
    """Check that every solution scores full marks and every starter zero."""
    course = _course(course_path)
    _exercises(course)
    problems, solutions, starters = verify(course)
    for solution, starter in zip(solutions.exercises, starters.exercises):
        ok = solution.passed and starter.score == 0
        click.echo(
            f"{'ok ' if ok else 'BAD'} {solution.id:22} solution {solution.score:g}/{solution.max_score:g}"
            f"  starter {starter.score:g}/{starter.max_score:g}"
        )
    for problem in problems:
        click.echo(f"{problem.exercise}: the {problem.kind} {problem.message}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"All {len(solutions.exercises)} exercises verified.")


@main.command("audit")
@click.argument("exercises", nargs=-1)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Judges side by side (default: the number of cores).")
@click.option("--min-kill-rate", type=click.FloatRange(0, 1), default=0.95, show_default=True, help="For every exercise.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--survivors", is_flag=True, help="List only the mutants that survived or are marked equivalent.")
@click.pass_obj
def audit_command(
    course_path: Path | None, exercises: tuple[str, ...], jobs: int | None, min_kill_rate: float, output_format: str, survivors: bool
) -> None:
    """Grade mutants of the reference solutions of EXERCISES (default all): do the checks catch them?

    Exits 1 when an exercise's kill rate is below the minimum, when a converter, status,
    escaping or hook mutant survives, or when an equivalent mark is wrong.
    """
    from grader import audit

    course = _course(course_path)
    chosen = _exercises(course)
    if exercises:
        chosen = [course.resolve(name) for name in exercises]
        unknown = [name for name, found in zip(exercises, chosen) if found is None]
        if unknown:
            raise click.ClickException(f"There is no exercise named {unknown[0]!r}: `flask-grader list` shows them all.")

    def progress(done: int, total: int) -> None:
        click.echo(f"\rgraded {done}/{total} submission roots", err=True, nl=done == total)

    result = audit.audit(
        course, list(dict.fromkeys(chosen)), jobs=jobs, min_kill_rate=min_kill_rate,
        progress=progress if sys.stderr.isatty() else None,
    )
    click.echo(result.to_json() if output_format == "json" else audit.render(result, survivors_only=survivors))
    sys.exit(0 if result.passed else 1)


@main.command()
@click.argument("exercise")
@click.pass_obj
def hint(course_path: Path | None, exercise: str) -> None:
    """The hints for EXERCISE, from a nudge to nearly the answer."""
    found = _course(course_path).resolve(exercise)
    if found is None:
        raise click.ClickException(f"There is no exercise named {exercise!r}: `flask-grader list` shows them all.")
    for number, text in enumerate(found.hints, 1):
        click.echo(f"Hint {number}/{len(found.hints)}: {text}")


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of `check --format json`."""
    from grader.results import schema

    click.echo(json.dumps(schema(), indent=2))
