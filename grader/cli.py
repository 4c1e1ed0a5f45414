"""The ``flask-grader`` command."""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

import click

from grader import __version__, report
from grader.classroom import gradescope, junit
from grader.classroom.batch import FORMATS, BatchError, Shard, merge, plan, run_batch
from grader.course import Course
from grader.exercise import Exercise, ExerciseError
from grader.grading import SUBMISSION_TIMEOUT, grade, verify
from grader.progress import Progress, first_to_do, render_next, render_overview
from grader.sandbox.policy import Policy, describe, missing_guarantees
from grader.sandbox.process import probe_layers
from grader.style import Style
from grader.workspace import shown

COURSE_HELP = "The course folder (default: found from the working directory)."


def _course(path: Path | None) -> Course:
    try:
        return Course.locate(path)
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None


def _exercises(course: Course) -> list[Exercise]:
    try:
        return course.exercises()
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None


def _exercise(course: Course, name: str | None, progress: Progress | None = None) -> Exercise:
    """The exercise ``name``; without a name, the one the learner is on."""
    if name is None and progress is not None:
        current = progress.current
        if current is not None and not progress.standing(current).done:
            return current
        return progress.next_exercise() or _exercises(course)[-1]
    found = course.resolve(name or "")
    if found is None:
        raise click.ClickException(f"There is no exercise named {name!r}: `flask-grader list` shows them all.")
    return found


def _chosen(course: Course, names: str | None) -> list[str]:
    """Exercise ids from ``--exercises 01,02,...`` (all when None), unknown names refused."""
    exercises = _exercises(course)  # a malformed course or hidden check is reported before any grading
    if not names:
        return [exercise.id for exercise in exercises]
    chosen = []
    for name in filter(None, (part.strip() for part in names.split(","))):
        found = course.resolve(name)
        if found is None:
            raise click.ClickException(f"There is no exercise named {name!r}: `flask-grader list` shows them all.")
        chosen.append(found.id)
    return list(dict.fromkeys(chosen))


CHECKS_OPTION = click.option(
    "--checks",
    "hidden_checks",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of hidden checks: NN_slug/checks.py (and optional NN_slug/exercise.yaml) per exercise.",
)
EXERCISES_OPTION = click.option("--exercises", help="The exercises to grade, comma-separated: 01,02 (default: all).")
HIDDEN_VISIBILITY_OPTION = click.option(
    "--hidden-visibility",
    type=click.Choice(gradescope.HIDDEN_VISIBILITIES),
    default=gradescope.HIDDEN_VISIBILITY,
    show_default=True,
    help="When Gradescope shows hidden checks to learners.",
)


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="flask-grader")
@click.option("--course", "course_path", type=click.Path(path_type=Path, file_okay=False), help=COURSE_HELP)
@click.pass_context
def main(ctx: click.Context, course_path: Path | None) -> None:
    """Learn Flask by doing: edit exercises/NN_slug/app.py, then `flask-grader watch`.

    Without a command: your progress, and the exercise to do next.
    """
    ctx.obj = course_path
    if ctx.invoked_subcommand is None:
        course = _course(course_path)
        _exercises(course)
        click.echo(render_overview(Progress(course).standings(), Style.for_stream(sys.stdout)))


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
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True
)
@click.option(
    "--timeout", type=float, default=SUBMISSION_TIMEOUT, show_default=True, help="Seconds for the whole submission."
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Judge processes side by side.",
)
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade --root even where `flask-grader doctor` reports a sandbox guarantee missing.",
)
@click.pass_obj
def check(
    course_path: Path | None,
    exercises: tuple[str, ...],
    root: Path | None,
    output_format: str,
    timeout: float,
    jobs: int,
    allow_weak_sandbox: bool,
) -> None:
    """Grade EXERCISES (by number, slug or folder; default all).

    Exits 0 when every graded exercise scores full marks, 1 otherwise. Grading your
    own exercises/ (no --root) also records your progress; grading someone else's
    submission (--root) needs every sandbox guarantee (`flask-grader doctor`).
    """
    course = _course(course_path)
    known = _exercises(course)  # a malformed course is reported before any grading
    own = root is None or root.resolve() == course.exercises_dir.resolve()
    policy = Policy(require=not own and not allow_weak_sandbox)
    if policy.require:
        require_sandbox()
    progress = Progress(course) if own else None
    fingerprints = {e.id: progress.workspace.fingerprint(e) for e in known} if progress else {}
    result = grade(
        course, root or course.exercises_dir, list(exercises) or None, timeout=timeout, jobs=jobs, policy=policy
    )
    if progress is not None:
        for exercise in result.exercises:
            if exercise.id in fingerprints:
                progress.record(exercise, fingerprints[exercise.id])
    if output_format == "text":
        click.echo(report.render(result, Style.for_stream(sys.stdout)), nl=False)
    else:
        rendered = {"json": lambda r: r.to_json() + "\n", "junit": junit.render}[output_format]
        click.echo(rendered(result), nl=False)
    sys.exit(0 if all(exercise.passed for exercise in result.exercises) else 1)


@main.command("verify")
@CHECKS_OPTION
@click.pass_obj
def verify_command(course_path: Path | None, hidden_checks: Path | None) -> None:
    """Check that every solution scores full marks and every starter zero (hidden checks too)."""
    course = replace(_course(course_path), hidden_checks=hidden_checks)
    _exercises(course)
    problems, solutions, starters = verify(course)
    for solution, starter in zip(solutions.exercises, starters.exercises, strict=True):
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
@click.option(
    "--min-kill-rate", type=click.FloatRange(0, 1), default=0.95, show_default=True, help="For every exercise."
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--survivors", is_flag=True, help="List only the mutants that survived or are marked equivalent.")
@click.pass_obj
def audit_command(
    course_path: Path | None,
    exercises: tuple[str, ...],
    jobs: int | None,
    min_kill_rate: float,
    output_format: str,
    survivors: bool,
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
        unknown = [name for name, found in zip(exercises, chosen, strict=True) if found is None]
        if unknown:
            raise click.ClickException(
                f"There is no exercise named {unknown[0]!r}: `flask-grader list` shows them all."
            )

    def progress(done: int, total: int) -> None:
        click.echo(f"\rgraded {done}/{total} submission roots", err=True, nl=done == total)

    result = audit.audit(
        course,
        list(dict.fromkeys(chosen)),
        jobs=jobs,
        min_kill_rate=min_kill_rate,
        progress=progress if sys.stderr.isatty() else None,
    )
    click.echo(result.to_json() if output_format == "json" else audit.render(result, survivors_only=survivors))
    sys.exit(0 if result.passed else 1)


@main.command()
@click.argument("exercise", required=False)
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.pass_obj
def hint(course_path: Path | None, exercise: str | None, show_all: bool) -> None:
    """The next hint for EXERCISE (default: the one you are on), a stronger one each time."""
    course = _course(course_path)
    progress = Progress(course)
    found = _exercise(course, exercise, progress)
    total = len(found.hints)
    number = None if show_all else progress.reveal_hint(found)
    if number is None:
        progress.reveal_all_hints(found)
        if not show_all:
            click.echo(f"You have seen all {total} hints for {found.id}:")
        for shown, text in enumerate(found.hints, 1):
            click.echo(f"Hint {shown}/{total}: {text}")
        return
    click.echo(f"Hint {number}/{total} for {found.id}: {found.hints[number - 1]}")
    if number < total:
        click.echo(f"Still stuck? Run `flask-grader hint {found.number}` again for a stronger hint.")
    else:
        click.echo("That was the last hint. The README next to app.py has the full task.")


@main.command("next")
@click.pass_obj
def next_exercise(course_path: Path | None) -> None:
    """The exercise to do next: the first that does not pass yet."""
    course = _course(course_path)
    _exercises(course)
    progress = Progress(course)
    following = first_to_do(progress.standings())
    if following is not None:
        progress.current = following.exercise
    click.echo(render_next(following, Style.for_stream(sys.stdout)))


@main.command()
@click.argument("exercise")
@click.pass_obj
def reset(course_path: Path | None, exercise: str) -> None:
    """Put the starter of EXERCISE back; your file is kept in a backup first."""
    course = _course(course_path)
    progress = Progress(course)
    found = _exercise(course, exercise)
    if progress.workspace.is_starter(found):
        click.echo(f"{shown(found.path)} is already the starter: nothing to reset.")
        return
    try:
        backup = progress.workspace.reset(found)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    if backup is not None:
        click.echo(f"Your files are saved in {shown(backup)}/.")
    click.echo(f"{shown(found.path)} has the starter again. Read its README.md and start afresh.")


@main.command()
@click.argument("exercise", required=False)
@click.pass_obj
def watch(course_path: Path | None, exercise: str | None) -> None:
    """Check EXERCISE (default: the one you are on) every time you save it.

    Keys: h hint, l list, n next exercise, q quit.
    """
    from grader.watch import Watch

    course = _course(course_path)
    _exercises(course)
    progress = Progress(course)
    start = _exercise(course, exercise, progress)
    sys.exit(Watch(course, progress, start).run())


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of `check --format json`."""
    from grader.results import schema

    click.echo(json.dumps(schema(), indent=2))


@main.command()
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default="grades", show_default=True)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of cores"
)
@EXERCISES_OPTION
@CHECKS_OPTION
@click.option("--timeout", type=float, default=SUBMISSION_TIMEOUT, show_default=True, help="Seconds per submission.")
@click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True, help="Also write these (repeatable).")
@HIDDEN_VISIBILITY_OPTION
@click.option("--shard", help="Grade slice K of N of the class (K/N), to merge later with `flask-grader merge`.")
@click.option("--regrade", is_flag=True, help="Grade again the submissions whose results are already in --out.")
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade even where `flask-grader doctor` reports a sandbox guarantee missing.",
)
@click.pass_obj
def batch(
    course_path: Path | None,
    submissions: Path,
    out: Path,
    jobs: int,
    exercises: str | None,
    hidden_checks: Path | None,
    timeout: float,
    formats: tuple[str, ...],
    hidden_visibility: str,
    shard: str | None,
    regrade: bool,
    allow_weak_sandbox: bool,
) -> None:
    """Grade a class: SUBMISSIONS holds a folder or a .zip per learner, laid out like exercises/.

    Writes into --out a gradebook CSV, each learner's JSON result and feedback, and an HTML
    report. Run it again after an interruption: finished submissions are kept.
    """
    course = replace(_course(course_path), hidden_checks=hidden_checks)
    exercise_ids = _chosen(course, exercises)
    policy = Policy(require=not allow_weak_sandbox)
    if policy.require:
        require_sandbox()
    try:
        slice_ = Shard.parse(shard) if shard else None
    except BatchError as exc:
        raise click.ClickException(str(exc)) from None
    chosen, ignored = plan(submissions, slice_)
    for path in ignored:
        click.echo(f"Ignored {path.name}: a submission is a folder or a .zip.", err=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a cancelled CI job or Slurm task stops cleanly
    with click.progressbar(length=len(chosen), label="Grading", file=sys.stderr) as bar:
        try:
            run = run_batch(
                course,
                chosen,
                out,
                exercise_ids,
                jobs=jobs,
                timeout=timeout,
                shard=slice_,
                regrade=regrade,
                formats=formats,
                hidden_visibility=hidden_visibility,
                policy=policy,
                on_done=lambda learner: bar.update(1),
            )
        except KeyboardInterrupt:
            raise click.ClickException(
                f"Interrupted. The finished results are kept in {out / 'results'}: run the same command to resume."
            ) from None
    click.echo(
        f"Graded {len(run.graded)} submissions ({len(run.resumed)} already done) into {out}: "
        f"{out / 'gradebook.csv'}, {out / 'report' / 'index.html'}"
    )


@main.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
def merge_command(shards: tuple[Path, ...], out: Path) -> None:
    """Join the --out folders of `batch --shard K/N` runs into one gradebook and report."""
    try:
        manifest = merge(list(shards), out)
    except BatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Merged {len(shards)} outputs ({len(manifest.learners)} learners) into {out}.")


@main.group()
def export() -> None:
    """Build what another grading platform needs."""


@export.command("gradescope")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default="autograder.zip", show_default=True)
@EXERCISES_OPTION
@CHECKS_OPTION
@HIDDEN_VISIBILITY_OPTION
@click.option(
    "--timeout", type=float, default=gradescope.AUTOGRADER_TIMEOUT, show_default=True, help="Seconds per submission."
)
@click.pass_obj
def export_gradescope(
    course_path: Path | None,
    out: Path,
    exercises: str | None,
    hidden_checks: Path | None,
    hidden_visibility: str,
    timeout: float,
) -> None:
    """The Gradescope autograder zip (setup.sh, run_autograder) that grades with flask-grader."""
    course = replace(_course(course_path), hidden_checks=hidden_checks)
    exercise_ids = _chosen(course, exercises)
    try:
        entries = gradescope.build_autograder(
            course, exercise_ids, out, hidden_visibility=hidden_visibility, timeout=timeout
        )
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {out} ({len(entries)} files, exercises {', '.join(exercise_ids)}): upload it to Gradescope.")


def require_sandbox() -> None:
    """Refuse, before grading anything, when learner code could not be sandboxed."""
    missing = missing_guarantees(probe_layers())
    if missing:
        names = "\n".join(f"  {kept.name}: {kept.detail}" for kept in missing)
        raise click.ClickException(
            f"Refusing to grade submissions: this machine cannot keep every sandbox guarantee.\n{names}\n"
            "`flask-grader doctor` shows each guarantee and layer; --allow-weak-sandbox grades anyway."
        )


@main.command()
@click.option("--no-linux", is_flag=True, help="Probe as a machine without Linux's features (macOS, WSL1) would.")
def doctor(no_linux: bool) -> None:
    """Which sandbox guarantees hold on this machine, and which layers keep them.

    Exits 1 when a guarantee is missing (then batch grading refuses to run).
    """
    layers = probe_layers(Policy(linux=not no_linux))
    click.echo(describe(layers))
    missing = missing_guarantees(layers)
    if missing:
        click.echo(
            f"\nMissing guarantees: {', '.join(kept.name for kept in missing)}. "
            "Learners grading their own code are fine; grading others' code (batch, check --root) "
            "refuses unless you pass --allow-weak-sandbox.",
            err=True,
        )
        sys.exit(1)
    click.echo("\nEvery guarantee holds: submissions can be batch-graded here.")
