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
from grader.isolation import Policy, describe, missing_essentials
from grader.sandbox import probe_layers

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
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade --root even where `flask-grader doctor` reports essential sandbox layers missing.",
)
@click.pass_obj
def check(
    course_path: Path | None,
    exercises: tuple[str, ...],
    root: Path | None,
    output_format: str,
    timeout: float,
    allow_weak_sandbox: bool,
) -> None:
    """Grade EXERCISES (by number, slug or folder; default all).

    Exits 0 when every graded exercise scores full marks, 1 otherwise. Grading
    someone else's submission (--root) needs the essential sandbox layers.
    """
    course = _course(course_path)
    _exercises(course)  # a malformed course is reported before any grading
    policy = Policy(require=root is not None and not allow_weak_sandbox)
    if policy.require:
        require_sandbox()
    result = grade(course, root or course.exercises_dir, list(exercises) or None, timeout=timeout, policy=policy)
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


def require_sandbox() -> None:
    """Refuse, before grading anything, when learner code could not be sandboxed."""
    missing = missing_essentials(probe_layers())
    if missing:
        names = "\n".join(f"  {layer.name}: {layer.detail}" for layer in missing)
        raise click.ClickException(
            f"Refusing to grade submissions: this machine cannot sandbox learner code.\n{names}\n"
            "`flask-grader doctor` shows every layer; --allow-weak-sandbox grades anyway."
        )


@main.command()
def doctor() -> None:
    """Which sandbox layers protect this machine from learner code.

    Exits 1 when an essential layer is missing (then batch grading refuses to run).
    """
    layers = probe_layers()
    click.echo(describe(layers))
    missing = missing_essentials(layers)
    if missing:
        click.echo(
            f"\nMissing essential layers: {', '.join(layer.name for layer in missing)}. "
            "Learners grading their own code are fine; grading others' code (check --root) "
            "refuses unless you pass --allow-weak-sandbox.",
            err=True,
        )
        sys.exit(1)
    click.echo("\nAll essential layers are active: submissions can be batch-graded here.")
