"""The ``flask-grader`` command.

Each command imports what it needs when it runs (``--help`` and quick commands do
not pay for grading, batch or report code); the imports here are what the options'
defaults and choices need.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader import __version__
from grader.classroom import ASSIGNMENT, AUTOGRADER_TIMEOUT, FORMATS, HIDDEN_VISIBILITIES, HIDDEN_VISIBILITY, SOURCES
from grader.course import Course, unknown_exercise
from grader.exercise import Exercise, ExerciseError
from grader.grading import SUBMISSION_TIMEOUT

if TYPE_CHECKING:
    from grader.progress import Progress

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
        return progress.working_on() or _exercises(course)[-1]
    return _selected(course, [name or ""])[0]


def _chosen(course: Course, names: str | None) -> list[str]:
    """Exercise ids from ``--exercises 01,02,...`` (all when None), unknown names refused."""
    parts = [part.strip() for part in names.split(",")] if names else []
    return [exercise.id for exercise in _selected(course, [part for part in parts if part])]


def _selected(course: Course, names: list[str]) -> list[Exercise]:
    """The exercises ``names`` refer to (all when empty), each once; an unknown name refused."""
    try:
        selection = course.select(names)
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None
    if selection.unknown:
        raise click.ClickException(unknown_exercise(selection.unknown[0]))
    return selection.exercises


CHECKS_OPTION = click.option(
    "--checks",
    "hidden_checks",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of hidden checks: NN_slug/checks.py (and optional NN_slug/exercise.yaml) per exercise.",
)
EXERCISES_OPTION = click.option("--exercises", help="The exercises to grade, comma-separated: 01,02 (default: all).")
NO_CACHE_OPTION = click.option(
    "--no-cache",
    is_flag=True,
    help="Grade everything afresh: take nothing from the result cache, keep nothing in it.",
)
HIDDEN_VISIBILITY_OPTION = click.option(
    "--hidden-visibility",
    type=click.Choice(HIDDEN_VISIBILITIES),
    default=HIDDEN_VISIBILITY,
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
        from grader.progress import Progress, render_overview
        from grader.style import Style

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
@NO_CACHE_OPTION
@click.pass_obj
def check(
    course_path: Path | None,
    exercises: tuple[str, ...],
    root: Path | None,
    output_format: str,
    timeout: float,
    jobs: int,
    allow_weak_sandbox: bool,
    no_cache: bool,
) -> None:
    """Grade EXERCISES (by number, slug or folder; default all).

    Exits 0 when every graded exercise scores full marks, 1 otherwise. Grading your
    own exercises/ (no --root) also records your progress; grading someone else's
    submission (--root) needs every sandbox guarantee (`flask-grader doctor`). Results are kept in
    .flask-grader/cache/ and not graded again while nothing they depend on changes.
    """
    from grader import report
    from grader.cache import Cache
    from grader.classroom import junit
    from grader.grading import grade
    from grader.progress import Progress
    from grader.sandbox.policy import Policy
    from grader.style import Style

    course = _course(course_path)
    known = _exercises(course)  # a malformed course is reported before any grading
    own = root is None or root.resolve() == course.exercises_dir.resolve()
    # Grading someone else's code needs every guarantee. The judge's own zygote finds
    # out which hold and no worker is started without them, so no probe is made here
    # first (it cost a zygote's start, ~0.15 s a command); the refusal follows.
    policy = Policy(require=not own and not allow_weak_sandbox)
    progress = Progress(course) if own else None
    fingerprints = progress.fingerprints(known) if progress else {}
    cache = None if no_cache else Cache.for_course(course, own_code=own)
    result = grade(
        course,
        root or course.exercises_dir,
        list(exercises) or None,
        timeout=timeout,
        jobs=jobs,
        policy=policy,
        cache=cache,
    )
    if policy.require:
        refuse_weak_sandbox({name: kept["detail"] for name, kept in result.sandbox.items() if not kept["met"]})
    if progress is not None:
        progress.record_all(result, fingerprints)
    if output_format == "text":
        click.echo(report.render(result, Style.for_stream(sys.stdout)), nl=False)
    else:
        rendered = {"json": lambda r: r.to_json() + "\n", "junit": junit.render}[output_format]
        click.echo(rendered(result), nl=False)
    sys.exit(0 if all(exercise.passed for exercise in result.exercises) else 1)


@main.command("verify")
@CHECKS_OPTION
@NO_CACHE_OPTION
@click.pass_obj
def verify_command(course_path: Path | None, hidden_checks: Path | None, no_cache: bool) -> None:
    """Check that every solution scores full marks and every starter zero (hidden checks too)."""
    from grader.cache import Cache
    from grader.grading import verify

    course = replace(_course(course_path), hidden_checks=hidden_checks)
    _exercises(course)
    problems, solutions, starters = verify(course, cache=None if no_cache else Cache.for_course(course))
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
    chosen = _selected(course, list(exercises))

    def progress(done: int, total: int) -> None:
        click.echo(f"\rgraded {done}/{total} submission roots", err=True, nl=done == total)

    result = audit.audit(
        course,
        chosen,
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
    from grader.progress import Progress

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
    from grader.progress import Progress, first_to_do, render_next
    from grader.style import Style

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
    from grader.progress import Progress
    from grader.workspace import shown

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
    progress.current = found  # the exercise the learner is on now
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
    from grader.progress import Progress
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
@click.argument("submissions", type=click.Path(path_type=Path, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default="grades", show_default=True)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of cores"
)
@EXERCISES_OPTION
@CHECKS_OPTION
@click.option("--timeout", type=float, default=SUBMISSION_TIMEOUT, show_default=True, help="Seconds per submission.")
@click.option(
    "--from",
    "source",
    type=click.Choice(SOURCES),
    help="What SUBMISSIONS is: a folder or zip per learner, a Canvas or Moodle download, or GitHub Classroom "
    "repositories (default: detected).",
)
@click.option(
    "--roster",
    "roster_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A CSV of the class (id, name, email, section): learners with no submission get zero.",
)
@click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True, help="Also write these (repeatable).")
@click.option(
    "--assignment",
    default=ASSIGNMENT,
    show_default=True,
    help="The assignment's name in the Canvas and Moodle exports (Canvas matches its column by title).",
)
@HIDDEN_VISIBILITY_OPTION
@click.option("--shard", help="Grade slice K of N of the class (K/N), to merge later with `flask-grader merge`.")
@click.option(
    "--regrade",
    is_flag=True,
    help="Grade everyone again, keep the previous run in --out/previous/N and write what changed to regrade.csv.",
)
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade even where `flask-grader doctor` reports a sandbox guarantee missing.",
)
@NO_CACHE_OPTION
@click.pass_obj
def batch(
    course_path: Path | None,
    submissions: Path,
    out: Path,
    jobs: int,
    exercises: str | None,
    hidden_checks: Path | None,
    timeout: float,
    source: str | None,
    roster_file: Path | None,
    formats: tuple[str, ...],
    assignment: str,
    hidden_visibility: str,
    shard: str | None,
    regrade: bool,
    allow_weak_sandbox: bool,
    no_cache: bool,
) -> None:
    """Grade a class: SUBMISSIONS is a folder or .zip per learner laid out like exercises/, a Canvas
    or Moodle download (the zip or its folder), or a folder of GitHub Classroom repositories.

    Writes into --out a gradebook CSV, each learner's JSON result and feedback, and an HTML
    report. Run it again after an interruption: finished submissions are kept. Identical
    files across the class are graded once (the cache is in --out/cache/).
    """
    from grader.cache import Cache
    from grader.classroom import roster
    from grader.classroom.batch import BatchError, Shard, plan, run_batch, start_regrade
    from grader.sandbox.policy import Policy

    course = replace(_course(course_path), hidden_checks=hidden_checks)
    exercise_ids = _chosen(course, exercises)
    policy = Policy(require=not allow_weak_sandbox)
    if policy.require:
        require_sandbox()
    try:
        slice_ = Shard.parse(shard) if shard else None
        entries = roster.read(roster_file) if roster_file else None
        previous = start_regrade(out) if regrade else None
        found = plan(course, submissions, exercise_ids, out, source=source, shard=slice_)
    except (BatchError, roster.RosterError) as exc:
        raise click.ClickException(str(exc)) from None
    if found.source != "folders":
        kind = {
            "canvas": "a Canvas download",
            "moodle": "a Moodle download",
            "classroom": "GitHub Classroom repositories",
        }
        click.echo(f"Read {submissions} as {kind[found.source]}: {len(found.submissions)} learners.", err=True)
    for line in found.ignored:
        click.echo(f"Ignored {line}.", err=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a cancelled CI job or Slurm task stops cleanly
    with click.progressbar(length=len(found.submissions), label="Grading", file=sys.stderr) as bar:
        try:
            run = run_batch(
                course,
                found.submissions,
                out,
                exercise_ids,
                jobs=jobs,
                timeout=timeout,
                shard=slice_,
                formats=formats,
                hidden_visibility=hidden_visibility,
                policy=policy,
                cache=None if no_cache else Cache.for_batch(out),
                on_done=lambda learner: bar.update(1),
                source=found.source,
                roster_entries=entries,
                assignment=assignment,
                previous=previous,
            )
        except BatchError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException(
                f"Interrupted. The finished results are kept in {out / 'results'}: run the same command to resume."
            ) from None
    click.echo(
        f"Graded {len(run.graded)} submissions ({len(run.resumed)} already done) into {out}: "
        f"{out / 'gradebook.csv'}, {out / 'report' / 'index.html'}"
    )
    if run.missing:
        click.echo(f"No submission from {len(run.missing)} learners of the roster: {', '.join(run.missing)}.")
    if run.unknown:
        click.echo(
            f"Not on the roster ({len(run.unknown)}, graded, listed in {out / 'not-in-roster.csv'}): "
            f"{', '.join(run.unknown)}."
        )
    for fmt in ("canvas", "moodle"):
        if fmt in formats:
            click.echo(f"{fmt.capitalize()} import file: {out / (fmt + '.csv')}")
    if run.regrade_summary:
        click.echo(run.regrade_summary)


@main.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
def merge_command(shards: tuple[Path, ...], out: Path) -> None:
    """Join the --out folders of `batch --shard K/N` runs into one gradebook and report."""
    from grader.classroom.batch import BatchError, merge

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
@click.option("--timeout", type=float, default=AUTOGRADER_TIMEOUT, show_default=True, help="Seconds per submission.")
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
    from grader.classroom import gradescope

    course = replace(_course(course_path), hidden_checks=hidden_checks)
    exercise_ids = _chosen(course, exercises)
    try:
        entries = gradescope.build_autograder(
            course, exercise_ids, out, hidden_visibility=hidden_visibility, timeout=timeout
        )
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {out} ({len(entries)} files, exercises {', '.join(exercise_ids)}): upload it to Gradescope.")


@export.command("github-classroom")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=".github/workflows/classroom.yml",
    show_default=True,
)
@EXERCISES_OPTION
@click.option(
    "--course-repository",
    metavar="OWNER/NAME",
    help="Take the checks from this repository (yours), not from the learner's copy, which they can edit.",
)
@click.option("--ref", help="The branch, tag or commit of --course-repository to grade with.")
@click.pass_obj
def export_github_classroom(
    course_path: Path | None, out: Path, exercises: str | None, course_repository: str | None, ref: str | None
) -> None:
    """The GitHub Classroom autograding workflow: one test per exercise, worth its points."""
    from grader.classroom import github_classroom

    course = _course(course_path)
    exercise_ids = _chosen(course, exercises)
    chosen = [exercise for exercise in _exercises(course) if exercise.id in exercise_ids]
    if ref and not course_repository:
        raise click.ClickException("--ref names a revision of --course-repository: give that too.")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(github_classroom.workflow(chosen, course_repository=course_repository, ref=ref), encoding="utf-8")
    total = sum(exercise.max_score for exercise in chosen)
    click.echo(
        f"Wrote {out}: {len(chosen)} tests worth {total:g} points. Commit it to the assignment's template "
        "repository; GitHub Classroom runs it on every push."
    )


# ------------------------------------------------------------------ authoring


def _authoring_course(path: Path | None) -> Course:
    """The course to author in: --course, $FLASK_GRADER_COURSE, or the working directory's.
    Never the grader's own tree by default: an author's exercise belongs in their course."""
    course = _course(path)
    cwd = Path.cwd().resolve()
    if path is None and not os.environ.get("FLASK_GRADER_COURSE") and course.root not in (cwd, *cwd.parents):
        raise click.ClickException(
            "No course here: run `flask-grader init DIR` to make one, then run this inside it (or pass --course DIR)."
        )
    return course


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--title", default="", help="The course's title (default: from the folder's name).")
def init_command(folder: Path, title: str) -> None:
    """Make a course in FOLDER: exercises/, solutions/, a README for learners, the grader pinned."""
    from grader.authoring.scaffold import ScaffoldError, init_course

    try:
        made = init_course(folder, title)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Made the course {folder}: " + ", ".join(str(path) for path in made.files))
    click.echo(f"Next: cd {folder} && flask-grader new 01_first_steps")


@main.command("new")
@click.argument("name")
@click.option("--title", help="The exercise's title (asked for when not given).")
@click.option("--concept", help="The Flask concept it teaches (asked for when not given).")
@click.pass_obj
def new_command(course_path: Path | None, name: str, title: str | None, concept: str | None) -> None:
    """Make the exercise NAME (NN_slug): README, starter, metadata, checks and its solution."""
    from grader.authoring.scaffold import ScaffoldError, new_exercise

    course = _authoring_course(course_path)
    try:
        made = new_exercise(course, name, title or click.prompt("Title"), concept or click.prompt("Concept"))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for path in made.files:
        click.echo(f"  wrote {path}")
    click.echo(
        f"Next: write the contract in exercises/{name}/README.md, the checks in checks.py, the solution "
        f"in solutions/{name}/app.py; then `flask-grader validate {name}`."
    )


@main.command("validate")
@click.argument("exercises", nargs=-1)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True, help="Audit judges side by side."
)
@click.option(
    "--budget", type=float, default=10.0, show_default=True, help="Seconds a check may take before a warning."
)
@click.option("--min-kill-rate", type=click.FloatRange(0, 1), default=0.95, show_default=True)
@click.pass_obj
def validate_command(
    course_path: Path | None, exercises: tuple[str, ...], jobs: int, budget: float, min_kill_rate: float
) -> None:
    """Prove EXERCISES (default all) sound: metadata, scores, flakiness, audit, idle checks, cost.

    Exits 1 when any exercise has a problem.
    """
    from grader.authoring.validate import render, validate

    course = _course(course_path)
    try:
        validations = validate(course, list(exercises) or None, jobs=jobs, budget=budget, min_kill_rate=min_kill_rate)
    except ExerciseError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(validations), nl=False)
    sys.exit(0 if all(validation.valid for validation in validations) else 1)


def require_sandbox() -> None:
    """Refuse, before grading anything, when learner code could not be sandboxed."""
    from grader.sandbox.policy import missing_guarantees
    from grader.sandbox.process import probe_layers

    refuse_weak_sandbox({kept.name: kept.detail for kept in missing_guarantees(probe_layers())})


def refuse_weak_sandbox(missing: dict[str, str]) -> None:
    """Stop when guarantees are ``missing`` (each name with why it is)."""
    if missing:
        names = "\n".join(f"  {name}: {detail}" for name, detail in missing.items())
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
    from grader.sandbox.policy import Policy, describe, missing_guarantees
    from grader.sandbox.process import probe_layers

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
